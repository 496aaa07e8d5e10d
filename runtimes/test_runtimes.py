"""The runtime roles through the role protocol, with real sockets: each
built build/runtimes/bm-role-<runtime> serves, is probed by a second role
process of its own runtime, accepts, counts, closes and resets, declines
what it cannot express, and starts an inherit child. A runtime that was not
built is skipped with missing.txt's reason.

Ids read runtime-listener-what, e.g. go-net.Listen-probe_after_close_listener.
"""
import errno
import json
import os
import re
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROLES_DIR = Path(os.environ.get("BINDMATRIX_RUNTIMES_DIR",
                                Path(__file__).resolve().parents[1] / "build" / "runtimes"))
REPLY_SECONDS = 20  # a JVM's first start on a loaded 2-core machine
# The runtime listener kinds and the stages a reply names, from the
# vocabulary (results/vocabulary.json, which the unit tests compare with
# the harness's C tables): runtime -> its listener options.
VOCABULARY = json.loads((Path(__file__).resolve().parents[1] / "results" /
                         "vocabulary.json").read_text())
LISTENERS = {}
for _option in VOCABULARY["options"]:
    if _option["via"] == "runtime":
        LISTENERS.setdefault(_option["runtime"], []).append(_option["name"])
STAGES = {stage["name"] for stage in VOCABULARY["stages"]}
# What nginx cannot do on command (its role says why).
NGINX_UNSUPPORTED = {"accept", "count", "close-conn", "inherit"}
OK = re.compile(r"ok (\d+)")
FAIL = re.compile(r"fail (\S+) (\S+) (\S+)")
HOLD_INPUT_FD = 3  # the harness's pipe for the inherit child's input
# The inherit child, as bm-role hold: "ok PID", then it holds what it
# inherited until its input ends. (A file: request words have no spaces.)
HOLD_SCRIPT = """\
import os, sys
print("ok", os.getpid(), flush=True)
sys.stdout.close()
sys.stdin.read()
"""


def missing_reasons():
    path = ROLES_DIR / "missing.txt"
    if not path.exists():
        return {}
    lines = [line.split(" ", 1) for line in path.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return {words[0]: words[1] for words in lines}


def cases():
    reasons = missing_reasons()
    for runtime, options in LISTENERS.items():
        for option in options:
            marks = []
            role = ROLES_DIR / f"bm-role-{runtime}"
            if not role.exists():
                why = reasons.get(runtime, f"{role} was not built")
                marks = [pytest.mark.skip(reason=f"{runtime}: {why}")]
            yield pytest.param(runtime, option, marks=marks,
                               id=option.replace(":", "-", 1))


class Role:
    """A role process; `ask` sends one request and returns its reply."""

    def __init__(self, runtime, hold_input=None):
        """hold_input: a descriptor the role gets as its descriptor 3."""
        extra = {}
        if hold_input is not None:
            extra = {"pass_fds": (HOLD_INPUT_FD,),
                     "preexec_fn": lambda: os.dup2(hold_input, HOLD_INPUT_FD)}
        self.process = subprocess.Popen(
            [str(ROLES_DIR / f"bm-role-{runtime}")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **extra)

    def ask(self, request):
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], REPLY_SECONDS)
        assert ready, f"no reply to {request!r} in {REPLY_SECONDS} s"
        return self.process.stdout.readline().strip()

    def end(self):
        """End of input: the role closes everything and exits 0."""
        self.process.stdin.close()
        return self.process.wait(REPLY_SECONDS)

    def stderr_after_exit(self):
        """Ends the role and returns what it said on stderr."""
        self.end()
        return self.process.stderr.read()

    def stop(self):
        """Ends the role as the harness does; kills it only if it hangs."""
        try:
            if not self.process.stdin.closed:
                self.end()
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture(scope="module")
def processes():
    """Two role processes per runtime (a server and its restarted
    successor), kept for the module as the harness keeps workers."""
    started = {}

    def get(runtime):
        if runtime not in started:
            started[runtime] = (Role(runtime), Role(runtime))
        return started[runtime]

    yield get
    for pair in started.values():
        for role in pair:
            role.stop()


@pytest.fixture
def roles(processes, runtime):
    server, successor = processes(runtime)
    yield server, successor
    assert server.ask("reset") == "ok 0"
    assert successor.ask("reset") == "ok 0"


def free_port():
    """A port with nothing on it in any family, as the harness chooses its
    own (harness/runner/ports.h): a dual-stack wildcard socket binds only
    there. A port free for 127.0.0.1 alone may hold another program's IPv6
    sockets (the harness's, when meson runs its suites side by side), and
    a [::]dual listener there is refused."""
    with socket.socket(socket.AF_INET6) as s:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", 0))
        return s.getsockname()[1]


def serve(server, option, endpoint="127.0.0.1"):
    port = free_port()
    reply = server.ask(f"server tcp {endpoint} {option} {port}")
    assert reply == f"ok {port}"
    return port


def error_name(reply):
    """The error of a fail reply, named (the role's name, else errno's)."""
    stage, name, oserr = FAIL.fullmatch(reply).groups()
    assert stage in STAGES, f"{stage}: not a stage of the vocabulary"
    if name == "-" and oserr != "-":
        name = errno.errorcode.get(int(oserr), oserr)
    return name


def skip_if_nginx(runtime, request):
    if runtime == "nginx" and request in NGINX_UNSUPPORTED:
        pytest.skip(f"nginx cannot {request} on command (its role declines it: "
                    "see test_nginx_declines)")


@pytest.mark.parametrize("runtime,option", cases())
def test_probe_over_live_listener(roles, runtime, option):
    server, successor = roles
    port = serve(server, option)
    reply = successor.ask(f"probe tcp 127.0.0.1 {option} {port}")
    assert FAIL.fullmatch(reply), reply
    assert error_name(reply) == "EADDRINUSE"


@pytest.mark.parametrize("runtime,option", cases())
@pytest.mark.parametrize("request_line", ["close-listener", "reset"])
def test_probe_after(roles, runtime, option, request_line):
    server, successor = roles
    port = serve(server, option)
    assert server.ask(request_line) == "ok 0"
    assert successor.ask(f"probe tcp 127.0.0.1 {option} {port}") == "ok 0"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=REPLY_SECONDS).close()


@pytest.mark.parametrize("runtime,option", cases())
def test_accept_then_close_conn(roles, runtime, option):
    skip_if_nginx(runtime, "accept")
    server, _ = roles
    port = serve(server, option)
    with socket.create_connection(("127.0.0.1", port), timeout=REPLY_SECONDS) as client:
        assert server.ask("accept") == "ok 0"
        assert server.ask("close-conn") == "ok 0"
        assert client.recv(1) == b"", "the server's close reaches the client as EOF"


@pytest.mark.parametrize("runtime,option", cases())
def test_count_resets_waiting(roles, runtime, option):
    skip_if_nginx(runtime, "count")
    server, _ = roles
    port = serve(server, option)
    clients = [socket.create_connection(("127.0.0.1", port), timeout=REPLY_SECONDS)
               for _ in range(3)]
    try:
        assert server.ask("count") == "ok 3"
        for client in clients:
            with pytest.raises(ConnectionResetError):
                client.recv(1)
        assert server.ask("count") == "ok 0"
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize("runtime,option", cases())
@pytest.mark.parametrize("request_line", [
    "bind tcp 127.0.0.1 {option} {port}",
    "server udp 127.0.0.1 {option} {port}",
    "server tcp 127.0.0.1 SO_REUSEADDR {port}",
    "server tcp localhost {option} {port}",
    "frobnicate",
], ids=["bind", "udp", "C_option", "not_an_address", "unknown"])
def test_unsupported(runtime, option, request_line):
    role = Role(runtime)
    try:
        reply = role.ask(request_line.format(option=option, port=free_port()))
        assert reply == "fail command unsupported -"
        assert role.stderr_after_exit().strip(), "a line on stderr says why"
        assert role.process.returncode == 0
    finally:
        role.stop()


def test_nginx_declines():
    if not (ROLES_DIR / "bm-role-nginx").exists():
        pytest.skip(f"nginx: {missing_reasons().get('nginx', 'not built')}")
    role = Role("nginx")
    try:
        serve(role, "nginx:listen")
        for request in sorted(NGINX_UNSUPPORTED):
            assert role.ask(request) == "fail command unsupported -"
    finally:
        role.stop()


def process_state(pid):
    """The state letter of /proc/PID/stat, None once the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def parent_of(pid):
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("runtime,option", cases())
def test_inherit_starts_child(runtime, option, tmp_path):
    skip_if_nginx(runtime, "inherit")
    hold = tmp_path / "hold.py"
    hold.write_text(HOLD_SCRIPT)
    hold_input, to_hold = os.pipe()
    role = Role(runtime, hold_input)
    os.close(hold_input)
    try:
        port = free_port()
        reply = role.ask(f"inherit tcp 0.0.0.0 {option} {port} {sys.executable} {hold}")
        match = re.fullmatch(rf"ok {port} (\d+)", reply)
        assert match, reply
        child = int(match.group(1))
        assert process_state(child) in ("S", "R"), "the child runs"
        assert parent_of(child) == role.process.pid, "a child of the role"
        assert role.end() == 0
        assert process_state(child) in ("S", "R"), "the child outlives the role"
    finally:
        role.stop()
        os.close(to_hold)  # the child's end of input: it exits
    deadline = time.monotonic() + REPLY_SECONDS
    while process_state(child) not in (None, "Z") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process_state(child) in (None, "Z"), "the child ends with its input"


@pytest.mark.parametrize("runtime,option", cases())
@pytest.mark.parametrize("endpoint,takes_ipv4", [("[::]", False), ("[::]dual", True)])
def test_ipv6_wildcard_is_the_socket_the_endpoint_names(roles, runtime, option,
                                                        endpoint, takes_ipv4):
    """[::] is IPv6-only, [::]dual dual-stack: a role makes that socket or
    declines (a runtime that cannot set IPV6_V6ONLY has one of the two,
    the OS's default). An IPv4 client tells which socket it made."""
    server, _ = roles
    port = free_port()
    reply = server.ask(f"server tcp {endpoint} {option} {port}")
    if FAIL.fullmatch(reply):
        assert error_name(reply) == "unsupported", reply
        return
    assert reply == f"ok {port}"
    with socket.socket() as client:
        client.settimeout(REPLY_SECONDS)
        took = client.connect_ex(("127.0.0.1", port)) == 0
    assert took == takes_ipv4, (f"{option} at {endpoint}: an IPv4 client "
                                f"{'connected' if took else 'was refused'}")
