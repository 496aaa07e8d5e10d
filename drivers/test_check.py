"""`bindmatrix check` against real servers: python3 -m http.server, nginx
with a minimal configuration, and the servers of check_servers.py, each
built to be safe or unsafe in one known way. Each server is checked once
(its result file is read by every test about it); the verdicts it must
come out with are the table below, each row with the reason. Linux only:
the other OS layers have no port listing yet (harness/os/port_listing.h).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import harness
import vocabulary

HERE = Path(__file__).resolve().parent
SERVERS_PY = str(HERE / "check_servers.py")
PYTHON = "/usr/bin/python3"  # Debian's: the servers need nothing else
NGINX = "/usr/sbin/nginx"
SCHEMA = json.loads((HERE.parent / "results" / "schema.json").read_text())

SERVERS = {
    "http.server": [PYTHON, "-m", "http.server", "{port}"],
    "http.server-127.0.0.1": [PYTHON, "-m", "http.server", "--bind",
                              "127.0.0.1", "{port}"],
    "http.server-[::]": [PYTHON, "-m", "http.server", "--bind", "::",
                         "{port}"],
    "nginx": [PYTHON, SERVERS_PY, "nginx", "{dir}", "{port}"],
    "leak": [PYTHON, SERVERS_PY, "leak", "{port}"],
    "share": [PYTHON, SERVERS_PY, "share", "{port}"],
    "stubborn": [PYTHON, SERVERS_PY, "stubborn", "{port}"],
}
# Servers made with each runtime's own listen call, the one its role
# program measures (runtimes/): a listener at 0.0.0.0 on $PORT that
# accepts and keeps its connections.
RUNTIME_SERVERS = {
    "node": ["node", "-e", "const c = []; require('net').createServer("
             "(s) => c.push(s)).listen(+process.env.PORT, '0.0.0.0')"],
    "python-asyncio": [PYTHON, "-c", "import asyncio, os\n"
                       "async def main():\n"
                       "    c = []\n"
                       "    s = await asyncio.start_server(lambda r, w: "
                       "c.append(w), '0.0.0.0', int(os.environ['PORT']))\n"
                       "    await s.serve_forever()\n"
                       "asyncio.run(main())"],
    "python-socketserver": [PYTHON, "-c", "import os, socketserver, time\n"
                            "class Keep(socketserver.BaseRequestHandler):\n"
                            "    def handle(self): time.sleep(3600)\n"
                            "socketserver.ThreadingTCPServer(('0.0.0.0', "
                            "int(os.environ['PORT'])), Keep)"
                            ".serve_forever()"],
    "ruby": ["ruby", "-rsocket", "-e", "s = TCPServer.new('0.0.0.0', "
             "Integer(ENV['PORT'])); c = []; loop { c << s.accept }"],
    "perl": ["perl", "-MIO::Socket::IP", "-e", "my $s = IO::Socket::IP->new("
             "LocalHost => '0.0.0.0', LocalPort => $ENV{PORT}, Listen => "
             "128) or die $@; my @c; push @c, $s->accept while 1"],
}
SERVERS.update(RUNTIME_SERVERS)
# The grace period before SIGKILL, short: stubborn waits all of it.
GRACE_MS = "500"

# The verdicts `bindmatrix check` gives, one per question.
VERDICT_NAMES = ("restart-safe", "hijack-safe (other user)",
                 "hijack-safe (same user)", "inherit-safe")
# What each server must come out as on Linux, and why.
VERDICTS = [
    # http.server and nginx set SO_REUSEADDR (socketserver's
    # allow_reuse_address; nginx's listen), which on Linux binds over
    # FIN_WAIT_2 and TIME_WAIT, never over a live listener; neither sets
    # SO_REUSEPORT or passes its listener on.
    # stubborn sets SO_REUSEADDR too, and SIGKILL closes its sockets as
    # its own exit would.
    *[(server, verdict, True)
      for server in ("http.server", "http.server-127.0.0.1",
                     "http.server-[::]", "nginx", "stubborn")
      for verdict in VERDICT_NAMES],
    # The runtimes' listeners, as the matrix measured them (results/,
    # scenarios/expected/linux.toml): Node, asyncio and Ruby set
    # SO_REUSEADDR; socketserver (ThreadingTCPServer's allow_reuse_address
    # is False) and IO::Socket::IP (ReuseAddr only when asked) do not, so
    # their next instance meets the old connections and is refused.
    *[(server, verdict, True)
      for server in ("node", "python-asyncio", "ruby")
      for verdict in VERDICT_NAMES],
    *[(server, verdict, verdict != "restart-safe")
      for server in ("python-socketserver", "perl")
      for verdict in VERDICT_NAMES],
    # No SO_REUSEADDR, and a child that keeps the listener after the
    # server is gone: the next instance meets a live listener.
    ("leak", "restart-safe", False),
    ("leak", "inherit-safe", False),
    ("leak", "hijack-safe (other user)", True),
    ("leak", "hijack-safe (same user)", True),
    # SO_REUSEPORT: on Linux another socket of the same user with
    # SO_REUSEPORT listens beside it (and takes connections); another
    # user's cannot (the kernel compares the owners' uids).
    ("share", "hijack-safe (same user)", False),
    ("share", "hijack-safe (other user)", True),
    ("share", "restart-safe", True),
    ("share", "inherit-safe", True),
]

# What the port held once the server had exited, per order: the server's
# end of the client's connection, and for leak the listener its child kept.
STATES = [
    ("http.server", "clients-connected", "FIN_WAIT_2"),
    ("http.server", "clients-closed", "TIME_WAIT"),
    ("nginx", "clients-connected", "FIN_WAIT_2"),
    ("nginx", "clients-closed", "TIME_WAIT"),
    ("leak", "clients-connected", "LISTEN+FIN_WAIT_2"),
    ("leak", "clients-closed", "LISTEN+TIME_WAIT"),
]

LINUX = sys.platform.startswith("linux")
only_linux = pytest.mark.skipif(
    not LINUX,
    reason="bindmatrix check lists a port's sockets on Linux only so far")


def check(args, timeout=120):
    """(exit status, stdout, stderr) of `bindmatrix check ARGS`."""
    return harness.run(["check", *args], timeout=timeout)


def command_of(server, folder):
    return [word.replace("{dir}", str(folder)) for word in SERVERS[server]]


def other_user():
    return os.geteuid() == 0


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Each server's check, run once: name -> (status, result file)."""
    cache = {}

    def get(server):
        if server == "nginx" and not os.access(NGINX, os.X_OK):
            pytest.skip(f"{NGINX} is not installed (Debian package nginx)")
        program = SERVERS[server][0]
        if server in RUNTIME_SERVERS and not shutil.which(program):
            pytest.skip(f"{program} is not installed")
        if server not in cache:
            folder = tmp_path_factory.mktemp(server)
            out = folder / "check.json"
            status, _, err = check(["--json", str(out), "--grace-ms",
                                    GRACE_MS, "--",
                                    *command_of(server, folder)])
            assert status in (0, 4), f"{server}: exit {status}: {err}"
            cache[server] = status, json.loads(out.read_text())
        return cache[server]
    return get


def verdict_id(row):
    server, verdict, answer = row
    return f"{server}-{verdict.replace(' ', '-')}-{'yes' if answer else 'no'}"


@only_linux
@pytest.mark.parametrize("row", VERDICTS, ids=map(verdict_id, VERDICTS))
def test_verdict(checked, row):
    server, name, answer = row
    if name == "hijack-safe (other user)" and not other_user():
        pytest.skip("a probe as another user needs root")
    _, result = checked(server)
    verdict = next(v for v in result["check"]["verdicts"]
                   if v["name"] == name)
    assert verdict["answer"] is answer, verdict["evidence"]


@only_linux
@pytest.mark.skipif(not other_user(),
                    reason="a probe as another user needs root")
def test_another_users_probes_run_from_a_checkout_it_cannot_enter(
        private_checkout, tmp_path):
    out = tmp_path / "check.json"
    proc = subprocess.run(
        [str(private_checkout), "check", "--json", str(out), "--grace-ms",
         GRACE_MS, "--", *command_of("http.server", tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    verdict = next(v for v in json.loads(out.read_text())["check"]["verdicts"]
                   if v["name"] == "hijack-safe (other user)")
    assert verdict["answer"] is True, verdict["evidence"]


@only_linux
@pytest.mark.parametrize("server", SERVERS)
def test_exit_status_says_whether_any_verdict_is_no(checked, server):
    status, result = checked(server)
    answers = [v["answer"] for v in result["check"]["verdicts"]]
    assert status == (4 if False in answers else 0), answers


@only_linux
@pytest.mark.parametrize("row", STATES, ids=["-".join(r) for r in STATES])
def test_state_the_port_held(checked, row):
    server, order, state = row
    _, result = checked(server)
    cell = next(c for c in result["check"]["cells"]
                if c["scenario"] == "check-restart" and c["order"] == order)
    assert cell["accepted"] is True
    assert cell["witnessed_state"] == state


STOPS = [
    # (server, what the stop sent last, escalated, exit status, signal)
    ("http.server", "SIGTERM", False, None, 15),  # Python's default action
    ("nginx", "SIGTERM", False, 0, None),  # nginx's fast shutdown
    ("stubborn", "SIGKILL", True, None, 9),  # SIGTERM ignored
]


@only_linux
@pytest.mark.parametrize("row", STOPS, ids=[r[0] for r in STOPS])
def test_stopped_as_a_supervisor_does(checked, row):
    server, sent, escalated, status, signal_number = row
    _, result = checked(server)
    for cell in result["check"]["cells"]:
        if cell["scenario"] == "check-restart":
            stop = cell["stop"]
            assert (stop["sent"], stop["escalated"], stop["exit_status"],
                    stop["exit_signal"]) == (sent, escalated, status,
                                             signal_number)
            if escalated:
                assert stop["ms"] >= int(GRACE_MS)


@only_linux
def test_dual_stack_listener_is_named_by_its_v6only(checked):
    _, result = checked("http.server-[::]")
    [listener] = result["check"]["listeners"]
    assert (listener["endpoint"], listener["v6only"]) == ("[::]dual", False)


@only_linux
def test_leaked_listener_is_named(checked):
    _, result = checked("leak")
    holders = [h for c in result["check"]["cells"]
               if c["scenario"] == "check-inherit" for h in c["holders"]]
    assert len(holders) == 2, holders
    for h in holders:
        assert (h["state"], h["command"]) == ("LISTEN", "/bin/sleep 600")


@only_linux
def test_leak_next_instance_says_eaddrinuse(checked):
    _, result = checked("leak")
    for cell in result["check"]["cells"]:
        if cell["scenario"] == "check-restart":
            assert cell["next"]["outcome"] == "exited"
            assert cell["next"]["exit_status"] == 1
            assert "Address already in use" in cell["next"]["stderr_tail"][-1]


@only_linux
def test_shared_port_probe_takes_connections(checked):
    """The probe that takes them is the same user's SO_REUSEPORT one."""
    _, result = checked("share")
    took = {(c["probe_endpoint"], c["probe_option"])
            for c in result["check"]["cells"]
            if c["scenario"] == "check-hijack" and c["probe_user"] == "same"
            and c["reached"] in ("second", "both")}
    assert ("0.0.0.0", "SO_REUSEPORT") in took
    assert all("SO_REUSEPORT" in option for _, option in took), took


@only_linux
def test_listener_options_read_from_outside(checked):
    """http.server --bind 127.0.0.1: that address, with SO_REUSEADDR."""
    _, result = checked("http.server-127.0.0.1")
    [listener] = result["check"]["listeners"]
    assert (listener["endpoint"], listener["reuseaddr"],
            listener["reuseport"]) == ("127.0.0.1", True, False)


@only_linux
def test_specific_listener_is_probed_at_its_address_and_wildcards(checked):
    _, result = checked("http.server-127.0.0.1")
    probed = {c["probe_endpoint"] for c in result["check"]["cells"]
              if c["scenario"] == "check-hijack"}
    assert {"127.0.0.1", "0.0.0.0", "[::]dual"} <= probed
    assert "[::1]" not in probed  # holds no address the listener holds


@only_linux
@pytest.mark.parametrize("server", SERVERS)
def test_result_file_matches_schema(checked, server):
    jsonschema = pytest.importorskip("jsonschema")
    _, result = checked(server)
    jsonschema.validate(result, SCHEMA)


def alive(pid):
    """Running, or a zombie nobody reaped: either is left behind."""
    return Path(f"/proc/{pid}").exists()


def named_pids(result):
    """Every process a result file names: listeners and holders."""
    check = result["check"]
    pids = [li["pid"] for li in check["listeners"]]
    for cell in check["cells"]:
        pids += [li["pid"] for li in cell.get("next", {}).get("listeners", [])]
        pids += [h["pid"] for h in cell.get("holders") or []]
    return pids


@only_linux
@pytest.mark.parametrize("server", SERVERS)
def test_nothing_left_running(checked, server):
    """By pid: other runs of this suite may run the same servers now."""
    _, result = checked(server)
    assert [pid for pid in named_pids(result) if alive(pid)] == []


# ---- servers that cannot be checked: one line, exit 5, no hang ----------

NOT_CHECKABLE = [
    ("silent", "did not listen on port"),
    ("exit", "exited with status 3 before it listened"),
    ("elsewhere", "listens on port"),
]


@only_linux
@pytest.mark.parametrize("mode,says", NOT_CHECKABLE,
                         ids=[m for m, _ in NOT_CHECKABLE])
def test_not_checkable_is_one_line(mode, says):
    start = time.monotonic()
    status, out, err = check(["--timeout-ms", "1000", "--", PYTHON,
                              SERVERS_PY, mode, "{port}"], timeout=30)
    assert (status, out) == (5, "")
    assert len(err.splitlines()) == 1 and says in err, err
    assert time.monotonic() - start < 10


@only_linux
def test_exit_words_are_quoted():
    _, _, err = check(["--", PYTHON, SERVERS_PY, "exit", "{port}"])
    assert 'its last words: "check_servers: refusing to serve port' in err


USAGE = [
    pytest.param([], id="no-command"),
    pytest.param(["--"], id="no-command-after-dashes"),
    pytest.param(["--bogus", "1", "--", "true"], id="unknown-flag"),
    pytest.param(["--port-arg", "--listen", "--", "true"],
                 id="port-arg-without-port"),
    pytest.param(["--timeout-ms", "0", "--", "true"], id="bad-timeout"),
    pytest.param(["--env", "A=B", "--", "true"], id="env-with-equals"),
    # Elsewhere the check says "not on this OS yet" before it starts one.
    pytest.param(["--", "/nonexistent/server"], id="no-such-program",
                 marks=only_linux),
    pytest.param(["--json", "/", "--", "true"], id="json-into-a-folder"),
]


@pytest.mark.parametrize("args", USAGE)
def test_usage_error_is_one_line(args):
    status, out, err = check(args, timeout=30)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("bindmatrix check:")


@only_linux
def test_port_reaches_server_by_port_arg_and_env(tmp_path):
    """--port-arg appends the port; $NAME holds it too: a server reading
    either gets the same number."""
    script = tmp_path / "server.py"
    script.write_text(
        "import os, sys, http.server\n"
        "port = int(sys.argv[1].split('=')[1])\n"
        "assert port == int(os.environ['BM_TEST_PORT'])\n"
        "http.server.HTTPServer(('127.0.0.1', port),"
        " http.server.BaseHTTPRequestHandler).serve_forever()\n")
    status, out, err = check(["--port-arg", "--port={port}", "--env",
                              "BM_TEST_PORT", "--", PYTHON, str(script)])
    assert status == 0, out + err
    assert "restart-safe              yes" in out


def children(pid):
    """The pids of pid's children (Linux: /proc/PID/task/*/children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += map(int, (task / "children").read_text().split())
        except OSError:
            pass  # gone meanwhile
    return found


@only_linux
def test_interrupted_check_leaves_nothing():
    proc = subprocess.Popen([str(harness.harness_path().resolve()), "check",
                             "--timeout-ms", "30000", "--", PYTHON,
                             SERVERS_PY, "silent", "{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 10
    server = None
    while server is None and time.monotonic() < deadline:
        for pid in children(proc.pid):
            try:
                if b"silent" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    server = pid
            except OSError:
                pass
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert server is not None, "the server never started"
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted by signal 15" in err
    assert not alive(server)


@pytest.mark.skipif(LINUX, reason="Linux has the check itself")
def test_other_os_says_so_in_one_line():
    """Where the OS layer has no port listing yet (harness/os/
    port_listing.h), one line and exit 1, before anything is started."""
    status, out, err = check(["--", sys.executable, "-c", "pass"])
    assert (status, out) == (1, "")
    assert "not on this OS yet" in err and len(err.splitlines()) == 1


@only_linux
def test_without_root_other_user_is_not_measured_but_does_not_fail(
        open_checkout):
    """Probes as another user need root: as nobody, that verdict is "?"
    with the reason, and the exit status is the other verdicts'."""
    if os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists():
        pytest.skip("needs root and setpriv (util-linux) to become nobody")
    proc = subprocess.run(
        ["/usr/bin/setpriv", "--reuid", "nobody", "--regid", "nogroup",
         "--clear-groups", str(open_checkout), "check",
         "--",
         PYTHON, "-m", "http.server", "{port}"],
        capture_output=True, text=True, timeout=120, cwd="/")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(l for l in proc.stdout.splitlines()
                if l.startswith("hijack-safe (other user)"))
    assert line.split()[3:6] == ["?", "not", "measured:"], line
    assert "only root" in line


def test_matrix_check_passes_arguments_untouched():
    """./matrix check hands everything after `check` to the harness, flags
    and `--` included."""
    import argparse
    import check as check_driver
    parser = argparse.ArgumentParser()
    check_driver.add_parser(parser.add_subparsers(dest="command"))
    argv = ["--json", "x.json", "--timeout-ms", "5", "--", "srv", "--port",
            "{port}"]
    assert parser.parse_args(["check", *argv]).args == argv


@only_linux
def test_probes_are_the_harness_own_sockets(checked):
    # A runtime's listener is probed by the matrix, with its role program;
    # the check's probes are every socket option and libuv's bind.
    _, result = checked("http.server")
    probed = {c["probe_option"] for c in result["check"]["cells"]
              if c["scenario"] == "check-hijack"}
    assert probed == {o["name"] for o in vocabulary.rows("options")
                      if o["via"] != "runtime"}
