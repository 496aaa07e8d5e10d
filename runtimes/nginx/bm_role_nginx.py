"""bm-role-nginx NGINX: the role protocol (role-protocol.md) with nginx's own
listener: each server or probe is an nginx, in the foreground, with a
minimal configuration whose one `listen` directive is the endpoint.

  server, probe        an nginx listening on ENDPOINT:PORT; a probe's is
                       stopped again once it has bound
  close-listener,      stop the server's nginx (master and worker, the
  reset                worker holds the listener too)
  accept, count,       unsupported: nginx accepts by itself and closes a
  close-conn           connection by its own rules (after a request, at a
                       timeout), never on command
  inherit              unsupported: nginx starts no program of the user's;
                       its children are its workers (fork, no exec) and the
                       new binary of an upgrade, both of which keep the
                       listeners on purpose

Endpoints: `listen ADDRESS:PORT`, ADDRESS the endpoint's name without the
"dual" of [::]dual (nginx writes IPv6 in brackets too), with ipv6only=on for [::] and off for
[::]dual (nginx sets IPV6_V6ONLY on every IPv6 listener, `on` unless told).
Errors: nginx logs the call and errno, "bind() to ... failed (98: ...)";
Python's errno table names it. A bind nginx cannot make it retries five
times, 500 ms apart: the role stops it at the first failure.
"""
import ctypes
import errno
import ipaddress
import os
import re
import signal
import subprocess
import sys
import tempfile

IPV6ONLY = {"[::]": " ipv6only=on", "[::]dual": " ipv6only=off"}
OPTION = "nginx:listen"
CONFIG = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen {listen};
        return 200 "bindmatrix\\n";
    }}
}}
"""
STARTED = "start worker processes"  # logged once every listener is bound
FAILED = re.compile(r"\] \d+#\d+: (\w+)\(\) .* failed \((\d+): ")
STOP_SECONDS = 10
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def stop_with_parent():
    """In the nginx child before exec: on Linux, a SIGTERM (nginx's fast
    shutdown) when this driver dies, however it dies, so that no nginx
    outlives its role. Elsewhere the driver's own exit stops it."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Unsupported(Exception):
    """A request nginx cannot express; the message says why."""


class Nginx:
    """One nginx in the foreground, in a directory of its own."""

    def __init__(self, binary, listen):
        self.dir = tempfile.TemporaryDirectory(prefix="bm-nginx-")
        config = os.path.join(self.dir.name, "nginx.conf")
        with open(config, "w") as f:
            f.write(CONFIG.format(dir=self.dir.name, listen=listen))
        self.process = subprocess.Popen(
            [binary, "-p", self.dir.name, "-c", config, "-e", "stderr",
             "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, preexec_fn=stop_with_parent)

    def started(self):
        """None once listening, else the reply for what failed."""
        for line in self.process.stderr:
            if STARTED in line:
                return None
            failed = FAILED.search(line)
            if failed:
                print(f"bm-role-nginx: {line.strip()}", file=sys.stderr)
                number = int(failed.group(2))
                name = errno.errorcode.get(number, "-")
                return f"fail {failed.group(1)} {name} {number}"
            if "[emerg]" in line:
                print(f"bm-role-nginx: {line.strip()}", file=sys.stderr)
                return "fail listen - -"
        return "fail listen - -"  # it exited without a word

    def stop(self):
        """Fast shutdown (SIGTERM): the master stops its worker, then exits."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()
        self.dir.cleanup()


def start(binary, args):
    """tcp ENDPOINT OPTION PORT -> (a listening nginx, None) or (None, reply)."""
    if len(args) != 4:
        raise Unsupported("expected: tcp ENDPOINT OPTION PORT")
    proto, endpoint, option, port = args
    address = endpoint.removesuffix("dual")
    try:
        ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        address = None
    if proto != "tcp" or not address:
        raise Unsupported(f"a TCP listener on an address, not {proto} {endpoint}")
    if option != OPTION:
        raise Unsupported(f"the only listener here is {OPTION}")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise Unsupported(f"nginx needs a port of 1 to 65535, not {port}")
    nginx = Nginx(binary, f"{address}:{port}{IPV6ONLY.get(endpoint, '')}")
    failed = nginx.started()
    if failed:
        nginx.stop()
        return None, failed
    return nginx, None


class Cell:
    def __init__(self, binary):
        self.binary = binary
        self.server = None
        self.port = None

    def reset(self):
        if self.server:
            self.server.stop()
        self.server = None
        return "ok 0"

    def serve(self, words):
        request, args = (words[0], words[1:]) if words else ("", [])
        if request == "server":
            self.reset()
            self.server, failed = start(self.binary, args)
            return failed or f"ok {args[3]}"
        if request == "probe":
            probe, failed = start(self.binary, args)
            if probe:
                probe.stop()
            return failed or "ok 0"
        if request in ("close-listener", "reset"):
            return self.reset()
        if request in ("accept", "count", "close-conn"):
            raise Unsupported("nginx accepts and closes connections by its own "
                              "rules, never on command")
        if request == "inherit":
            raise Unsupported("nginx starts no program of the user's: its "
                              "children are its workers and upgrades")
        if request in ("bind", "listen"):
            raise Unsupported("nginx binds and listens in one step")
        raise Unsupported(f"a listener role: no request {request!r}")


def main():
    if len(sys.argv) != 2:
        print("usage: bm-role-nginx NGINX (the nginx binary)", file=sys.stderr)
        sys.exit(2)
    cell = Cell(sys.argv[1])
    try:
        for line in sys.stdin:
            try:
                answer = cell.serve(line.split())
            except Unsupported as why:
                print(f"bm-role-nginx: {why}", file=sys.stderr)
                answer = "fail command unsupported -"
            sys.stdout.write(answer + "\n")
            sys.stdout.flush()
    finally:
        cell.reset()


if __name__ == "__main__":
    main()
