"""The harness itself, with real processes and sockets: selection, errors,
result files, repeatability, role workers against fresh processes,
deadlines and retries, the inherit scenario's children, and interruption
leaving nothing behind."""
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

import harness
import vocabulary
from processes import (few_descriptors, harness_with_role, processes_with,
                       programs_with, wait_until, with_token)


def run(*args, env=None, exe=None, timeout=120):
    """bindmatrix ARGS (or a copy of it): (status, stdout, stderr)."""
    proc = subprocess.run([str(exe or harness.harness_path()), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env=env)
    return proc.returncode, proc.stdout, proc.stderr


def cells_of(out):
    return json.loads(out)["cells"]


MEASURED = ("outcome", "witnessed_state", "reached", "child_holds_listener")


def differing(before, after):
    return vocabulary.differing_cells(before, after, MEASURED)


def listening_ports():
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


# ---- selection: the plan, and what a run measures ---------------------------

IPV6_REUSEADDR = ("scenario=bind proto=tcp family=ipv6 option=SO_REUSEADDR "
                  "probe_user=same state=FIN_WAIT_2,TIME_WAIT")


def test_a_run_measures_exactly_the_planned_cells():
    status, out, err = run("matrix", "--quiet", "--filter", IPV6_REUSEADDR)
    assert status == 0, err
    planned = harness.plan(IPV6_REUSEADDR)
    measured = cells_of(out)
    # family=ipv6: every pair of IPv6-only endpoints, as in a filter
    assert len(planned) == 4 * 2
    assert [vocabulary.cell_key(c) for c in measured] == \
        [vocabulary.cell_key(c) for c in planned]
    assert all(c["witnessed_state"] == c["state"] for c in measured)


def test_flags_are_filter_terms():
    flags = ["--scenarios", "bind", "--protos", "tcp", "--families", "ipv6",
             "--options", "SO_REUSEADDR", "--users", "same", "--states",
             "FIN_WAIT_2,TIME_WAIT"]
    status, out, _ = run("plan", *flags)
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == \
        harness.plan(IPV6_REUSEADDR)


def test_without_a_selection_the_harness_runs_the_blogs_matrix():
    status, out, _ = run("matrix", "--quiet")
    assert status == 0
    cells = cells_of(out)
    assert len(cells) == 2 * 4 * 5  # endpoints x options x states
    assert {c["listener_endpoint"] for c in cells} == {"0.0.0.0", "[::]"}
    assert all(c["probe_option"] == c["listener_option"] for c in cells)


def test_the_plan_names_each_cell_once_with_a_readable_id():
    planned = harness.plan("scenario=bind,hijack proto=tcp "
                           "address=0.0.0.0/0.0.0.0,[::]dual/127.0.0.1")
    ids = [c["id"] for c in planned]
    assert len(set(ids)) == len(ids)
    assert "tcp-ipv4-SO_REUSEADDR-TIME_WAIT" in ids
    assert "hijack-tcp-dualstack-default/SO_REUSEPORT-LISTEN-" \
           "[::]dual/127.0.0.1-other-user" in ids


@pytest.mark.parametrize("args, message", [
    (["matrix", "--options", "SO_BOGUS"], "unknown option 'SO_BOGUS'"),
    (["matrix", "--states", "CLOSING_SOON"], "unknown state 'CLOSING_SOON'"),
    (["matrix", "--families", "ipx"], "unknown family 'ipx'"),
    (["matrix", "--addresses", "0.0.0.0/[::2]"],
     "unknown address '0.0.0.0/[::2]'"),
    (["matrix", "--users", "root"],
     "unknown probe_user 'root' (known: same, other)"),
    (["matrix", "--scenarios", "steal"], "unknown scenario 'steal'"),
    (["matrix", "--cloexec", "maybe"], "unknown cloexec 'maybe'"),
    (["matrix", "--spawns", "vfork"], "unknown spawn 'vfork'"),
    (["matrix", "--filter", "colour=red"], "unknown filter field 'colour'"),
    (["matrix", "--filter", "proto=udp state=LISTEN"],
     "the selection leaves no cell to measure"),
    (["matrix", "--jobs", "0"], "not a number from 1 to 256: '0'"),
    (["matrix", "--frobnicate", "1"], "unknown flag '--frobnicate'"),
    (["matrix", "--out"], "--out needs a value"),
    (["matrix", "--out", "/nonexistent-dir/x.json"],
     "cannot write /nonexistent-dir/x.json"),
    (["matrix", "--out", "/dev/null"], "/dev/null is not a regular file"),
    (["matrix", "--out", "/tmp"], "/tmp is not a regular file"),
    (["explode"], "unknown command 'explode' (use: matrix, plan, bench"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_usage_errors_are_one_line_and_exit_2(args, message):
    status, out, err = run(*args)
    assert status == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1


def test_list_json_is_the_committed_vocabulary():
    status, out, _ = run("list", "--json")
    assert status == 0
    assert json.loads(out) == vocabulary.load(), (
        "results/vocabulary.json differs from `bindmatrix list --json`: "
        "regenerate it (build/harness/bindmatrix list --json > "
        "results/vocabulary.json)")


# ---- result files -------------------------------------------------------------

ONE_CELL = ("scenario=bind proto=tcp address=0.0.0.0/0.0.0.0 option=default "
            "probe_user=same state=LISTEN")


def test_out_file_is_written_whole_and_replaces_a_file(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    status, _, err = run("matrix", "--quiet", "--filter", ONE_CELL, "--out",
                         str(target))
    assert status == 0, err
    result = json.loads(target.read_text())
    assert result["schema"] == 1 and result["run"]["roles"] == "workers"
    assert list(tmp_path.iterdir()) == [target]  # no temporary left


def test_a_device_is_never_replaced():
    before = os.stat("/dev/null")
    status, _, err = run("matrix", "--out", "/dev/null")
    assert status == 2 and "not a regular file" in err
    after = os.stat("/dev/null")
    assert (after.st_mode, after.st_rdev) == (before.st_mode, before.st_rdev)


# ---- repeatability, and workers against fresh processes ------------------------

SAMPLE = ("scenario=bind,hijack,inherit proto=tcp "
          "address=0.0.0.0/0.0.0.0,[::]dual/0.0.0.0,[::1]/[::] "
          "option=default,SO_REUSEADDR,SO_REUSEPORT,uv_tcp_bind "
          "spawn=fork-exec,uv_spawn")


def test_two_runs_back_to_back_give_the_same_table():
    first = run("matrix", "--quiet", "--filter", SAMPLE)
    second = run("matrix", "--quiet", "--filter", SAMPLE)
    assert first[0] == second[0] == 0
    cells = cells_of(second[1])
    assert len(cells) > 500
    assert differing(cells_of(first[1]), cells) == []


def test_role_workers_measure_what_fresh_processes_do():
    workers = run("matrix", "--quiet", "--filter", SAMPLE)
    fresh = run("matrix", "--quiet", "--fresh", "--filter", SAMPLE)
    assert workers[0] == fresh[0] == 0
    w, f = json.loads(workers[1]), json.loads(fresh[1])
    assert (w["run"]["roles"], f["run"]["roles"]) == ("workers", "fresh")
    assert w["run"]["role_processes"] < f["run"]["role_processes"]
    assert differing(w["cells"], f["cells"]) == []


# ---- deadlines, retries and the witness, with stand-in roles -------------------

def test_a_role_that_never_answers_fails_its_cells_after_one_retry(tmp_path):
    exe = harness_with_role(tmp_path, "exec sleep 60")
    token, env = with_token()
    started = time.monotonic()
    status, out, err = run("matrix", "--quiet", "--filter", ONE_CELL,
                           "--timeout-ms", "200", "--start-timeout-ms", "200",
                           exe=exe, env=env)
    # Not a speed target: waiting for the 20 s start timeout instead of
    # the one asked for would take twice that.
    assert time.monotonic() - started < 15
    assert status == 3 and "1 of 1 cells invalid" in err
    result = json.loads(out)
    [cell] = result["cells"]
    assert cell["outcome"] == "invalid"
    assert "gave no answer to" in cell["reason"]
    assert "within 200 ms" in cell["reason"]
    assert result["run"]["retries"] == 1
    assert processes_with(token) == []


def test_a_role_slow_the_first_time_is_measured_on_the_retry(tmp_path):
    # The first worker of the run is slow to answer (a busy machine); the
    # retry's are not.
    mark = tmp_path / "slow-once"
    exe = harness_with_role(tmp_path, f"""
if mkdir {mark} 2>/dev/null; then sleep 1; fi
exec {harness.harness_path().parent / "bm-role"}""")
    status, out, err = run("matrix", "--quiet", "--filter", ONE_CELL,
                           "--timeout-ms", "300", "--start-timeout-ms", "300",
                           exe=exe)
    assert status == 0, err
    result = json.loads(out)
    assert [c["outcome"] for c in result["cells"]] == ["EADDRINUSE"]
    assert result["run"]["retries"] == 1


def test_a_state_the_os_does_not_show_is_invalid_with_both_states(tmp_path):
    # Claims to listen on port 9 but holds no socket: the witness sees none.
    exe = harness_with_role(tmp_path, 'while read line; do echo "ok 9"; done')
    status, out, _ = run("matrix", "--quiet", "--filter", ONE_CELL,
                         "--timeout-ms", "100", exe=exe)
    assert status == 3
    [cell] = cells_of(out)
    assert cell["outcome"] == "invalid"
    assert (cell["state"], cell["witnessed_state"]) == ("LISTEN", "CLOSED")
    assert "declared LISTEN, witnessed CLOSED" in cell["reason"]


def test_a_missing_role_program_is_a_reason_not_a_crash(tmp_path):
    exe = tmp_path / "bindmatrix"
    shutil.copy(harness.harness_path(), exe)
    status, out, _ = run("matrix", "--quiet", "--filter", ONE_CELL, exe=exe)
    assert status == 3
    [cell] = cells_of(out)
    assert cell["outcome"] == "invalid"
    assert "could not start bm-role: ENOENT" in cell["reason"]


# ---- inherit: the child each cell leaves, killed and reaped ------------------

# The inherit cells of the methods and options Linux has.
INHERIT = ("scenario=inherit address=0.0.0.0/0.0.0.0 probe_user=same "
           "spawn=fork-exec,posix_spawn,uv_spawn "
           "option=default,SO_REUSEADDR,SO_REUSEPORT,uv_tcp_bind")


def children_and_ports(stderr):
    """From --verbose: "inherit ...: child PID, port PORT" lines."""
    found = [line.split(": child ")[1].split(", port ")
             for line in stderr.splitlines() if ": child " in line]
    return [int(pid) for pid, _ in found], [int(port) for _, port in found]


def test_every_child_a_cell_leaves_is_gone_when_the_run_ends():
    token, env = with_token()
    status, out, err = run("matrix", "--quiet", "--verbose", "--filter",
                           INHERIT, env=env)
    assert status == 0, err
    cells = cells_of(out)
    children, ports = children_and_ports(err)
    assert len(children) == len({(c["cloexec"], c["spawn"],
                                  c["listener_option"]) for c in cells})
    # The children did hold the leaked listeners while their cells ran...
    assert {c["child_holds_listener"] for c in cells if not c["cloexec"]} \
        == {True}
    # ...and none of them, nor any port, outlives the run.
    assert processes_with(token) == []
    assert not set(ports) & listening_ports()


# A stand-in inherit server: it answers the inherit request with a child
# that is a sleep holding nothing; then it hangs, or exits when the harness
# ends its input, as the real one does.
CHILD_THEN = ('read verb proto endpoint option port cloexec spawn; '
              'sleep 60 >/dev/null 2>&1 & echo "ok $port $! 5 1"; ')
ONE_INHERIT = ("scenario=inherit address=0.0.0.0/0.0.0.0 option=default "
               "probe_user=same spawn=fork-exec")


@pytest.mark.parametrize("then, cloexec, reason", [
    ("exec sleep 60", "true", "the server did not exit within 200 ms"),
    ("cat >/dev/null", "false", "declared LISTEN, witnessed CLOSED"),
], ids=["server-hangs", "state-not-reached"])
def test_a_failed_inherit_cell_still_kills_and_reaps_its_child(
        tmp_path, then, cloexec, reason):
    exe = harness_with_role(tmp_path, CHILD_THEN + then)
    token, env = with_token()
    started = time.monotonic()
    status, out, _ = run("matrix", "--quiet", "--filter",
                         f"{ONE_INHERIT} cloexec={cloexec}", "--timeout-ms",
                         "200", exe=exe, env=env)
    assert time.monotonic() - started < 5
    assert status == 3
    [cell] = cells_of(out)
    assert cell["outcome"] == "invalid" and reason in cell["reason"]
    assert processes_with(token) == []


def test_a_server_naming_a_process_not_its_child_gets_it_not_killed(tmp_path):
    # It names the test's own process: the harness must not touch it.
    exe = harness_with_role(
        tmp_path, f'read verb proto endpoint option port rest; '
                  f'echo "ok $port {os.getpid()} 5 1"; cat >/dev/null')
    status, out, _ = run("matrix", "--quiet", "--filter",
                         f"{ONE_INHERIT} cloexec=true", exe=exe)
    assert status == 3
    [cell] = cells_of(out)
    assert cell["outcome"] == "invalid"
    assert f"named {os.getpid()} as its child, which it is not" in \
        cell["reason"]


# A stand-in inherit server whose event loop (an epoll instance) is
# inheritable, as Go's was before 384329592a72; every other request goes to
# the real role.
LEAKY_LOOP_SERVER = """
import os, select, socket, subprocess, sys
if sys.argv[1:] == ["hold"]:
    print("ok", os.getpid(), flush=True)
    sys.stdout.close()
    sys.stdin.read()
    sys.exit(0)
request = sys.stdin.readline()
words = request.split()
if words[0] != "inherit":
    real = subprocess.Popen([os.environ["BM_REAL_ROLE"]], stdin=subprocess.PIPE)
    real.stdin.write(request.encode())
    real.stdin.flush()
    for line in sys.stdin:
        real.stdin.write(line.encode())
        real.stdin.flush()
    real.stdin.close()
    sys.exit(real.wait())
port = int(words[4])
listener = socket.socket()
listener.bind(("0.0.0.0", port))
listener.listen()
os.set_inheritable(listener.fileno(), words[5] == "false")
loop = select.epoll()
os.set_inheritable(loop.fileno(), True)
child = subprocess.Popen([sys.argv[0], "hold"], stdin=3,
                         stdout=subprocess.PIPE, close_fds=False)
child.stdout.readline()
print("ok", port, child.pid, loop.fileno(),
      os.fstat(listener.fileno()).st_ino, flush=True)
sys.stdin.read()
os._exit(0)
"""


def test_an_inherited_event_loop_is_seen_in_the_child(tmp_path):
    exe = harness_with_role(tmp_path, LEAKY_LOOP_SERVER, "/usr/bin/python3")
    token, env = with_token()
    real_role = harness.harness_path().parent / "bm-role"
    status, out, err = run("matrix", "--quiet", "--filter", ONE_INHERIT,
                           exe=exe, env={**env, "BM_REAL_ROLE": str(real_role)})
    assert status == 0, err
    assert {(c["cloexec"], c["child_holds_listener"], c["child_holds_loop"],
             c["outcome"]) for c in cells_of(out)} == {
        (True, False, True, "ok"), (False, True, True, "EADDRINUSE")}
    assert processes_with(token) == []


# ---- interruption ----------------------------------------------------------------

# The blog's matrix, and leaked listeners (each held by a child): either is
# stopped mid-sequence, with a listener on the port.
RUNS = {"bind": [], "inherit": ["--filter", f"{INHERIT} cloexec=false"]}


@pytest.mark.parametrize("which", RUNS)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM],
                         ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_leaves_no_process_and_no_listener(tmp_path, signum,
                                                           which):
    token, env = with_token()
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        [str(harness.harness_path()), "matrix", *RUNS[which], "--verbose",
         "--quiet", "--jobs", "1", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    first = proc.stderr.readline()  # "... port P": mid-sequence
    port = int(first.rsplit(" ", 1)[1])
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 128 + signum, first + err
    # one line says what happened (after --verbose's lines, if any)
    last = err.strip().splitlines()[-1]
    assert signal.Signals(signum).name in last and "nothing written" in last
    assert err.count("nothing written") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert processes_with(token) == []
    assert port not in listening_ports()


# A late interruption: with one sequence at a time, the fifth server line
# means four sequences have ended; ending those again must not crash.
def test_an_interruption_after_finished_sequences_ends_cleanly(tmp_path):
    token, env = with_token()
    proc = subprocess.Popen(
        [str(harness.harness_path()), "matrix", "--verbose", "--quiet",
         "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env)
    for _ in range(5):
        proc.stderr.readline()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 128 + signal.SIGINT, err
    assert "interrupted (SIGINT)" in err.strip().splitlines()[-1]
    assert processes_with(token) == []


def test_signals_until_the_harness_ends_never_kill_it_half_way(tmp_path):
    # The first SIGTERM stops the run; the next ones come while it winds
    # up, writes nothing and exits: none may kill it before it has (a
    # signal's default action would leave its temporary file behind).
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        [str(harness.harness_path()), "matrix", "--verbose", "--quiet",
         "--jobs", "1", "--out", str(out)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    proc.stderr.readline()
    while proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.001)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "stopped by SIGTERM" in proc.stderr.read()
    assert list(tmp_path.iterdir()) == []


# ---- the parent's death --------------------------------------------------------

def test_a_harness_ends_when_its_input_a_pipe_ends(tmp_path):
    # The end of input is the parent's death where the OS has no signal
    # for it (and backs up the signal where it has one).
    exe = harness_with_role(tmp_path, "exec sleep 60")
    token, env = with_token()
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [str(exe), "matrix", "--end-with-parent", "--quiet", "--filter",
         ONE_CELL, "--timeout-ms", "60000"], stdin=read_end,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    os.close(read_end)
    wait_until(lambda: "sleep" in programs_with(token), "a role is running")
    os.close(write_end)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 128 + signal.SIGHUP
    assert out == "" and err.count("\n") == 1
    assert "the process that started it ended" in err
    assert processes_with(token) == []


def test_without_end_with_parent_a_background_run_outlives_its_shell(
        tmp_path):
    # `bindmatrix matrix ... &` from a shell that exits at once: the run
    # goes on and writes its file.
    out = tmp_path / "r.json"
    subprocess.run(["/bin/sh", "-c", f'"$0" matrix --quiet --filter '
                    f'"{ONE_CELL}" --out "{out}" </dev/null >/dev/null 2>&1 &',
                    str(harness.harness_path())], check=True)
    wait_until(out.exists, "the background run wrote its file", 60)
    assert [c["outcome"] for c in json.loads(out.read_text())["cells"]] == \
        ["EADDRINUSE"]


# ---- the witness: which kind of socket holds the state -------------------------

KINDS = ("scenario=bind proto=tcp address=0.0.0.0/0.0.0.0 option=default "
         "probe_user=same state=LISTEN,ESTABLISHED,CLOSE_WAIT,FIN_WAIT_2,"
         "TIME_WAIT")


@pytest.mark.skipif(os.uname().sysname != "Linux",
                    reason="sock_diag, which tells the kinds apart, is "
                           "Linux's")
def test_the_witness_names_the_kind_of_socket_that_holds_the_state():
    status, out, err = run("matrix", "--quiet", "--filter", KINDS)
    assert status == 0, err
    kinds = {c["state"]: c["witnessed_kind"] for c in cells_of(out)}
    # LISTEN has no connection; an open one is a full socket; TIME_WAIT is
    # always a mini-socket; an orphaned FIN_WAIT_2 is either (a race).
    assert {s: k for s, k in kinds.items() if s != "FIN_WAIT_2"} == {
        "LISTEN": None, "ESTABLISHED": "full", "CLOSE_WAIT": "full",
        "TIME_WAIT": "timewait"}
    assert kinds["FIN_WAIT_2"] in ("full", "timewait")


# ---- --repeat: cells whose outcome varied ---------------------------------------

# A stand-in role: the real one, except that the very first probe of the
# run claims its bind worked.
FIRST_PROBE_LIES = """
import os, subprocess, sys
def first_probe_of_the_run():
    try:
        os.mkdir(os.environ["BM_MARK"])
        return True
    except FileExistsError:
        return False
real = subprocess.Popen([os.environ["BM_REAL_ROLE"]], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, text=True)
for line in sys.stdin:
    if line.startswith("probe ") and first_probe_of_the_run():
        print("ok 0", flush=True)
        continue
    real.stdin.write(line)
    real.stdin.flush()
    print(real.stdout.readline(), end="", flush=True)
"""


def test_repeat_marks_a_cell_whose_outcome_varied(tmp_path):
    exe = harness_with_role(tmp_path, FIRST_PROBE_LIES, "/usr/bin/python3")
    env = {**os.environ, "BM_MARK": str(tmp_path / "lied"),
           "BM_REAL_ROLE": str(harness.harness_path().parent / "bm-role")}
    status, out, err = run("matrix", "--quiet", "--repeat", "3", "--filter",
                           ONE_CELL, exe=exe, env=env)
    assert status == 0, err
    result = json.loads(out)
    [cell] = result["cells"]
    assert (cell["outcome"], cell["varied"]) == ("ok", True)  # the first run
    assert [(s["outcome"], s["count"]) for s in cell["outcomes_seen"]] == \
        [("ok", 1), ("EADDRINUSE", 2)]
    assert (result["run"]["repeat"], result["run"]["varied"]) == (3, 1)


def test_a_repeated_run_of_steady_cells_marks_none():
    steady = ("scenario=bind proto=tcp address=0.0.0.0/0.0.0.0,[::]/[::] "
              "option=default,SO_REUSEADDR probe_user=same "
              "state=LISTEN,TIME_WAIT")
    once = json.loads(run("matrix", "--quiet", "--filter", steady)[1])
    status, out, err = run("matrix", "--quiet", "--repeat", "2", "--filter",
                           steady)
    assert status == 0, err
    twice = json.loads(out)
    assert (once["run"]["repeat"], once["run"]["varied"]) == (1, None)
    assert (twice["run"]["repeat"], twice["run"]["varied"]) == (2, 0)
    assert not any("varied" in c for c in twice["cells"])
    assert differing(twice["cells"], once["cells"]) == []
    assert twice["run"]["role_processes"] > once["run"]["role_processes"]


# ---- another user's probes, from any checkout -----------------------------------

needs_root = pytest.mark.skipif(os.geteuid() != 0,
                                reason="a probe as another user needs root")

OTHER_USER = ("scenario=bind,hijack proto=tcp address=0.0.0.0/0.0.0.0 "
              "option=default,SO_REUSEPORT,python:asyncio "
              "state=LISTEN,TIME_WAIT")


@needs_root
def test_another_users_probe_runs_from_a_checkout_it_cannot_enter(
        private_checkout, open_folder):
    exe = private_checkout
    tmpdir = open_folder
    status, out, err = run("matrix", "--quiet", "--filter", OTHER_USER,
                           exe=exe, env={**os.environ, "TMPDIR": str(tmpdir)})
    assert status == 0, err
    cells = cells_of(out)
    other = [c for c in cells if c["probe_user"] == "other"]
    assert other and all(c["outcome"] not in ("invalid", "unsupported")
                         for c in other)
    # the same table as the build's own programs give
    assert differing(cells, cells_of(
        run("matrix", "--quiet", "--filter", OTHER_USER)[1])) == []
    assert list(tmpdir.iterdir()) == []  # the run's copy of the roles is gone


@needs_root
def test_a_probe_the_os_will_not_start_leaves_the_same_users_cells(
        private_checkout, tmp_path):
    # $TMPDIR is private too: the copy of the roles is out of nobody's reach.
    exe = private_checkout
    private_tmp = tmp_path / "private-tmp"
    private_tmp.mkdir(mode=0o700)
    status, out, err = run("matrix", "--quiet", "--filter", OTHER_USER,
                           exe=exe, env={**os.environ,
                                         "TMPDIR": str(private_tmp)})
    assert status == 0, err
    cells = cells_of(out)
    other = [c for c in cells if c["probe_user"] == "other"]
    assert {c["outcome"] for c in other} == {"unsupported"}
    assert all("could not start" in c["reason"] and "EACCES" in c["reason"]
               for c in other)
    same = [c for c in cells if c["probe_user"] == "same"]
    assert same and all(c["outcome"] not in ("invalid", "unsupported")
                        for c in same)
    assert list(private_tmp.iterdir()) == []


@needs_root
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM],
                         ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_removes_its_copy_of_the_roles(open_folder, signum):
    tmpdir = open_folder
    proc = subprocess.Popen(
        [str(harness.harness_path()), "matrix", "--verbose", "--quiet",
         "--jobs", "1", "--filter", OTHER_USER], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(tmpdir)})
    proc.stderr.readline()  # a sequence has started: the copy is there
    [copy] = tmpdir.iterdir()
    assert (copy / "harness" / "bm-role").exists()
    assert (copy / "runtimes" / "bm-role-python").exists()
    proc.send_signal(signum)
    proc.communicate(timeout=10)
    assert proc.returncode == 128 + signum
    assert list(tmpdir.iterdir()) == []


# ---- what the OS refuses, and what the harness runs out of ---------------------

@needs_root
def test_last_ack_as_an_unprivileged_user_is_never_invalid(open_checkout):
    # LAST_ACK needs a socket filter, which some kernels refuse to a user
    # without privileges (unprivileged BPF switched off).
    proc = subprocess.run(
        [str(open_checkout), "matrix", "--quiet", "--filter",
         "scenario=bind proto=tcp address=0.0.0.0/0.0.0.0,[::]/[::] "
         "option=default,SO_REUSEADDR state=LAST_ACK"],
        capture_output=True, text=True, timeout=120, user="nobody",
        cwd="/")
    assert proc.returncode == 0, proc.stderr
    cells = cells_of(proc.stdout)
    assert cells
    for cell in cells:
        if cell["outcome"] == "unsupported":
            assert cell["reason"].startswith(
                "the OS refuses this user what LAST_ACK needs: filter "
                "failed:") or "another user" in cell["reason"]
        else:
            assert cell["witnessed_state"] == "LAST_ACK"


def test_descriptor_exhaustion_exits_3_with_one_line(tmp_path):
    proc = subprocess.run(
        [str(harness.harness_path()), "matrix", "--quiet", "--filter",
         "scenario=bind proto=tcp address=0.0.0.0/0.0.0.0"],
        capture_output=True, text=True, timeout=120,
        preexec_fn=few_descriptors)
    assert proc.returncode == 3
    assert proc.stderr.count("\n") == 1
    assert " cells invalid (first: " in proc.stderr
    assert "EMFILE" in proc.stderr
    assert any(c["outcome"] == "invalid" and "EMFILE" in c["reason"]
               for c in cells_of(proc.stdout))


def test_roles_end_when_the_harness_is_killed_outright():
    # Workers end with a parent-death signal (Linux, FreeBSD) and at the
    # end of their input; an inherit cell's child at the end of its input.
    token, env = with_token()
    proc = subprocess.Popen(
        [str(harness.harness_path()), "matrix", "--verbose", "--quiet",
         "--filter", f"{INHERIT} cloexec=false"], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, env=env)
    wait_until(lambda: "child " in proc.stderr.readline(),
               "an inherit child runs")
    proc.kill()
    proc.wait()
    wait_until(lambda: processes_with(token) == [], "every role ended")
