"""The harness itself, with real processes and sockets: selection, errors,
repeatability, deadlines, the inherit scenario's children, and interruption
leaving nothing behind."""
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

import harness
import scenarios


def run_harness(*args, **kwargs):
    return harness.run(list(args), **kwargs)


def outcomes(result):
    return {scenarios.cell_key(c): (c["outcome"], c.get("reached"))
            for c in result["cells"]}


# ---- selection and usage errors ----------------------------------------------

def test_selection_runs_exactly_the_cells_asked_for():
    result = harness.run_matrix(["matrix", "--families", "ipv6", "--options",
                                 "SO_REUSEADDR", "--states",
                                 "FIN_WAIT_2,TIME_WAIT"])
    assert [(c["family"], c["listener_option"], c["state"])
            for c in result["cells"]] == [
        ("ipv6", "SO_REUSEADDR", "FIN_WAIT_2"),
        ("ipv6", "SO_REUSEADDR", "TIME_WAIT")]
    assert all(c["witnessed_state"] == c["state"] for c in result["cells"])


def test_without_flags_the_harness_runs_the_blogs_matrix():
    result = harness.run_matrix(["matrix"])
    assert len(result["cells"]) == 2 * 4 * 5  # families x options x states
    assert {c["listener_endpoint"] for c in result["cells"]} == {
        "0.0.0.0", "[::]"}
    assert all(c["probe_option"] == c["listener_option"]
               for c in result["cells"])


def test_probe_options_vary_independently_of_the_listener():
    status, out, _ = run_harness("matrix", "--families", "ipv4", "--options",
                                 "default", "--probe-options",
                                 "default,SO_REUSEADDR", "--states", "LISTEN")
    assert status == 0
    cells = json.loads(out)["cells"]
    assert [c["probe_option"] for c in cells] == ["default", "SO_REUSEADDR"]


@pytest.mark.parametrize("args, message", [
    (["matrix", "--options", "SO_BOGUS"], "unknown option 'SO_BOGUS'"),
    (["matrix", "--states", "CLOSING_SOON"], "unknown state 'CLOSING_SOON'"),
    (["matrix", "--families", "ipx"], "unknown family 'ipx'"),
    (["matrix", "--addresses", "0.0.0.0/[::2]"],
     "unknown address '0.0.0.0/[::2]'"),
    (["matrix", "--users", "root"], "unknown user 'root'"),
    (["matrix", "--scenarios", "steal"], "unknown scenario 'steal'"),
    (["matrix", "--cloexec", "maybe"], "unknown cloexec value 'maybe'"),
    (["matrix", "--spawns", "vfork"], "unknown spawn method 'vfork'"),
    (["matrix", "--jobs", "0"], "not a number in range: '0'"),
    (["matrix", "--frobnicate", "1"], "unknown flag '--frobnicate'"),
    (["matrix", "--out"], "--out needs a value"),
    (["matrix", "--out", "/nonexistent-dir/x.json"],
     "cannot write /nonexistent-dir/x.json"),
    (["explode"], "usage: bindmatrix matrix|bench|list"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_usage_errors_are_one_line_and_exit_2(args, message):
    status, out, err = run_harness(*args)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_out_file_is_written_whole(tmp_path):
    target = tmp_path / "r.json"
    status, _, _ = run_harness("matrix", "--states", "LISTEN", "--out",
                               str(target))
    assert status == 0
    assert json.loads(target.read_text())["schema"] == 1
    assert list(tmp_path.iterdir()) == [target]  # no .partial left


# ---- repeatability -------------------------------------------------------------

def test_two_runs_back_to_back_give_the_same_table():
    options = ",".join(["default", "SO_REUSEADDR", "SO_REUSEPORT",
                        "SO_REUSEADDR+SO_REUSEPORT", "uv_tcp_bind"])
    args = ["matrix", "--scenarios", "bind,hijack", "--addresses",
            "0.0.0.0/0.0.0.0,[::]dual/0.0.0.0,[::1]/[::]", "--options",
            options, "--probe-options", options, "--users", "same,other",
            "--states", "LISTEN,ESTABLISHED,ESTABLISHED_NO_LISTENER,"
            "FIN_WAIT_2,TIME_WAIT,CLOSE_WAIT,LAST_ACK"]
    first = harness.run_matrix(args)
    second = harness.run_matrix(args)
    assert len(first["cells"]) > 1000
    assert outcomes(first) == outcomes(second)
    assert not [c for c in second["cells"] if c["outcome"] == "invalid"]


# ---- deadlines and the witness, with stand-in roles ---------------------------

def harness_with_role(tmp_path, role_script, interpreter="/bin/sh"):
    """A copy of the harness whose bm-role is `role_script`."""
    exe = tmp_path / "bindmatrix"
    shutil.copy(harness.harness_path(), exe)
    role = tmp_path / "bm-role"
    role.write_text(f"#!{interpreter}\n{role_script}\n")
    role.chmod(0o755)
    return exe


def run_copy(exe, *args, env=None):
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True,
                          timeout=30, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def test_a_role_that_never_answers_fails_its_cells_by_the_deadline(tmp_path):
    exe = harness_with_role(tmp_path, "exec sleep 60")
    token = str(uuid.uuid4())
    started = time.monotonic()
    status, out, _ = run_copy(exe, "matrix", "--families", "ipv4",
                              "--options", "default", "--timeout-ms", "200",
                              env={**os.environ, "BM_TEST_TOKEN": token})
    assert time.monotonic() - started < 5
    assert status == 0
    cells = json.loads(out)["cells"]
    assert {c["outcome"] for c in cells} == {"invalid"}
    assert "no answer within 200 ms" in cells[0]["reason"]
    assert processes_with(token) == []


def test_a_state_the_os_does_not_show_is_invalid_with_both_states(tmp_path):
    # Claims to listen on port 9 but holds no socket: the witness sees none.
    exe = harness_with_role(tmp_path, 'echo "ok 9"; exec cat >/dev/null')
    status, out, _ = run_copy(exe, "matrix", "--families", "ipv4",
                              "--options", "default", "--states", "LISTEN",
                              "--timeout-ms", "100")
    assert status == 0
    [cell] = json.loads(out)["cells"]
    assert cell["outcome"] == "invalid"
    assert (cell["state"], cell["witnessed_state"]) == ("LISTEN", "CLOSED")
    assert "declared LISTEN, witnessed CLOSED" in cell["reason"]


def test_a_missing_role_program_is_a_reason_not_a_crash(tmp_path):
    exe = tmp_path / "bindmatrix"
    shutil.copy(harness.harness_path(), exe)
    status, out, _ = run_copy(exe, "matrix", "--options", "default",
                              "--states", "LISTEN")
    assert status == 0
    cells = json.loads(out)["cells"]
    assert {c["outcome"] for c in cells} == {"invalid"}
    assert "could not start bm-role" in cells[0]["reason"]


# ---- inherit: the child each cell leaves, killed and reaped ------------------

# The inherit cells of the methods and options Linux has.
INHERIT = ["matrix", "--scenarios", "inherit", "--families", "ipv4",
           "--spawns", "fork-exec,posix_spawn,uv_spawn", "--options",
           "default,SO_REUSEADDR,SO_REUSEPORT,uv_tcp_bind"]


def children_and_ports(stderr):
    """From --verbose: "... child PID, listening on port PORT" lines."""
    found = [line.split("child ")[1].split(", listening on port ")
             for line in stderr.splitlines() if ": child " in line]
    return [int(pid) for pid, _ in found], [int(port) for _, port in found]


def test_every_child_a_cell_leaves_is_gone_when_the_run_ends():
    token = str(uuid.uuid4())
    status, out, err = run_harness(*INHERIT, "--cloexec", "true,false",
                                   "--verbose",
                                   env={**os.environ, "BM_TEST_TOKEN": token})
    assert status == 0, err
    cells = json.loads(out)["cells"]
    children, ports = children_and_ports(err)
    assert len(children) == len({(c["cloexec"], c["spawn"],
                                  c["listener_option"]) for c in cells})
    # The children did hold the leaked listeners while their cells ran...
    assert {c["child_holds_listener"] for c in cells if not c["cloexec"]} \
        == {True}
    # ...and none of them, nor any port, outlives the run.
    assert processes_with(token) == []
    assert not set(ports) & listening_ports()


# A stand-in inherit server: its child is a sleep that holds nothing; then
# it hangs, or exits when the harness ends its input, as the real one does.
CHILD_THEN = 'sleep 60 >/dev/null 2>&1 & echo "ok $5 $! 5 1"; '


@pytest.mark.parametrize("then, cloexec, reason", [
    ("exec sleep 60", "true", "the server did not exit within 200 ms"),
    ("cat >/dev/null", "false", "declared LISTEN, witnessed CLOSED"),
], ids=["server-hangs", "state-not-reached"])
def test_a_failed_inherit_cell_still_kills_and_reaps_its_child(
        tmp_path, then, cloexec, reason):
    exe = harness_with_role(tmp_path, CHILD_THEN + then)
    token = str(uuid.uuid4())
    started = time.monotonic()
    status, out, _ = run_copy(exe, "matrix", "--scenarios", "inherit",
                              "--families", "ipv4", "--options", "default",
                              "--spawns", "fork-exec", "--cloexec", cloexec,
                              "--timeout-ms", "200",
                              env={**os.environ, "BM_TEST_TOKEN": token})
    assert time.monotonic() - started < 5
    assert status == 0
    [cell] = json.loads(out)["cells"]
    assert cell["outcome"] == "invalid" and reason in cell["reason"]
    assert processes_with(token) == []


def test_a_server_naming_a_process_not_its_child_gets_it_not_killed(tmp_path):
    # It names the test's own process: the harness must not touch it.
    exe = harness_with_role(tmp_path, f'echo "ok $5 {os.getpid()} 5 1"')
    status, out, _ = run_copy(exe, "matrix", "--scenarios", "inherit",
                              "--families", "ipv4", "--options", "default",
                              "--spawns", "fork-exec", "--cloexec", "true")
    assert status == 0
    [cell] = json.loads(out)["cells"]
    assert cell["outcome"] == "invalid"
    assert f"named {os.getpid()} as its child, which it is not" in \
        cell["reason"]


# A stand-in inherit server whose event loop (an epoll instance) is
# inheritable, as Go's was before 384329592a72; probes are the real role's.
LEAKY_LOOP_SERVER = """
import os, select, socket, subprocess, sys
if sys.argv[1] == "hold":
    print("ok", os.getpid(), flush=True)
    sys.stdout.close()
    sys.stdin.read()
    sys.exit(0)
if sys.argv[1] != "inherit":
    os.execv(os.environ["BM_REAL_ROLE"], [os.environ["BM_REAL_ROLE"],
                                          *sys.argv[1:]])
listener = socket.socket()
listener.bind(("0.0.0.0", int(sys.argv[5])))
listener.listen()
os.set_inheritable(listener.fileno(), sys.argv[6] == "false")
loop = select.epoll()
os.set_inheritable(loop.fileno(), True)
child = subprocess.Popen([sys.argv[0], "hold"], stdin=3,
                         stdout=subprocess.PIPE, close_fds=False)
child.stdout.readline()
print("ok", sys.argv[5], child.pid, loop.fileno(),
      os.fstat(listener.fileno()).st_ino, flush=True)
sys.stdin.read()
os._exit(0)
"""


def test_an_inherited_event_loop_is_seen_in_the_child(tmp_path):
    exe = harness_with_role(tmp_path, LEAKY_LOOP_SERVER, "/usr/bin/python3")
    token = str(uuid.uuid4())
    real_role = harness.harness_path().parent / "bm-role"
    status, out, err = run_copy(
        exe, "matrix", "--scenarios", "inherit", "--families", "ipv4",
        "--options", "default", "--spawns", "fork-exec",
        env={**os.environ, "BM_REAL_ROLE": str(real_role),
             "BM_TEST_TOKEN": token})
    assert status == 0, err
    cells = json.loads(out)["cells"]
    assert {(c["cloexec"], c["child_holds_listener"], c["child_holds_loop"],
             c["outcome"]) for c in cells} == {
        (True, False, True, "ok"), (False, True, True, "EADDRINUSE")}
    assert processes_with(token) == []


# ---- interruption ----------------------------------------------------------------

def processes_with(token):
    """Live processes whose environment carries `token`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if token.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


def listening_ports():
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


# The blog's matrix, and leaked listeners (each held by a child): either is
# stopped mid-sequence, with a listener on the port.
RUNS = {"bind": ["matrix"],
        "inherit": [*INHERIT, "--cloexec", "false"]}


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM],
                         ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_leaves_no_process_and_no_listener(tmp_path, signum,
                                                           run):
    token = str(uuid.uuid4())
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        [str(harness.harness_path()), *RUNS[run], "--verbose", "--jobs", "1",
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "BM_TEST_TOKEN": token})
    first = proc.stderr.readline()  # "... listening on port P": mid-sequence
    port = int(first.rsplit(" ", 1)[1])
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 128 + signum, first + err
    assert "interrupted" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert processes_with(token) == []
    assert port not in listening_ports()
