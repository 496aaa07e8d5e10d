"""bm-role-python: the role protocol (role-protocol.md) with Python's own
listeners; the part of OPTION after the colon picks which:

  python:asyncio      loop.create_server(Protocol, HOST, PORT)
  python:http.server  http.server.HTTPServer((HOST, PORT), Handler)
  python:socketserver socketserver.TCPServer((HOST, PORT), Handler)

Endpoints: HOST is the endpoint's address (its name without brackets and
without the "dual" of [::]dual). asyncio sets IPV6_V6ONLY on every
IPv6 socket it makes (asyncio/base_events.py, create_server), so it cannot
ask for [::]dual. socketserver (and http.server, a subclass) makes an IPv4
socket unless a subclass says address_family = AF_INET6, and sets no
IPV6_V6ONLY: its [::] is the OS's default (Linux: dual-stack; Windows:
IPv6 only), read here from a fresh socket, and only the endpoint that is
that default can be asked for. Errors: OSError carries errno (the WSA code on Windows) and Python's
errno table names it; Python does not say which system call failed.
"""
import asyncio
import errno
import http.server
import ipaddress
import os
import select
import socket
import socketserver
import struct
import subprocess
import sys

SETTLE_SECONDS = 2  # the longest the event loop is given to take waiting connections
HOLD_INPUT_FD = 3


class Unsupported(Exception):
    """A request this runtime cannot express; the message says why."""


def reply(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def error_reply(stage, err):
    """fail STAGE NAME ERRNO, from what OSError carries."""
    if err.errno is None:
        print(f"bm-role-python: {err}", file=sys.stderr)
        return f"fail {stage} - -"
    name = errno.errorcode.get(err.errno, "-").removeprefix("WSA")
    return f"fail {stage} {name} {err.errno}"


def reset_connection(sock):
    """Closes with an RST (linger 0): no TIME_WAIT left on the port."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class AsyncioListener:
    """loop.create_server; the loop runs while a request needs it, and
    accepts then as any asyncio server does."""

    def __init__(self, host, port, v6only):
        if v6only is False:
            raise Unsupported("asyncio's create_server sets IPV6_V6ONLY on "
                              "every IPv6 socket: no dual-stack listener")
        self.loop = asyncio.new_event_loop()
        self.accepted = []  # transports connection_made gave us, not yet taken
        listener = self

        class Accepted(asyncio.Protocol):
            def connection_made(self, transport):
                listener.accepted.append(transport)

        try:
            self.server = self.loop.run_until_complete(
                self.loop.create_server(Accepted, host, port))
        except OSError:
            self.loop.close()
            raise
        self.sock = self.server.sockets[0]

    def port(self):
        return self.sock.getsockname()[1]

    def settle(self):
        """Runs the loop until it has taken every waiting connection."""
        async def until_settled():
            deadline = self.loop.time() + SETTLE_SECONDS
            while self.loop.time() < deadline and (
                    select.select([self.sock], [], [], 0)[0]
                    or len(asyncio.all_tasks()) > 1):  # accepts under way
                await asyncio.sleep(0)
        self.loop.run_until_complete(until_settled())

    def accept(self):
        async def first():
            while not self.accepted:
                await asyncio.sleep(0.001)  # the loop accepts meanwhile
        self.loop.run_until_complete(first())
        return self.accepted.pop(0)

    def count(self):
        self.settle()
        taken, self.accepted = self.accepted, []
        for transport in taken:
            transport.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        self.loop.run_until_complete(asyncio.sleep(0))
        return len(taken)

    def close_connection(self, transport):
        transport.close()
        self.loop.run_until_complete(asyncio.sleep(0))

    def close_listening(self):
        """The listener only: the connections it gave stay open."""
        self.server.close()
        self.loop.run_until_complete(asyncio.sleep(0))

    def close(self, connections):
        for transport in connections + self.accepted:
            transport.abort()
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())
        self.loop.close()


def os_default_v6only():
    """IPV6_V6ONLY of an IPv6 socket nobody set it on: the OS's default."""
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
        return bool(sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))


class SocketserverListener:
    """socketserver.TCPServer or a subclass; accept is its get_request."""

    server_class = socketserver.TCPServer

    def __init__(self, host, port, v6only):
        if v6only is not None and v6only != os_default_v6only():
            raise Unsupported(f"{self.server_class.__module__} sets no "
                              "IPV6_V6ONLY: its [::] has the OS's default, "
                              f"IPV6_V6ONLY {'on' if not v6only else 'off'}")
        cls = self.server_class
        if ":" in host:
            # What its documentation says an IPv6 server does.
            cls = type("IPv6" + cls.__name__, (cls,),
                       {"address_family": socket.AF_INET6})
        self.server = cls((host, port), socketserver.BaseRequestHandler)
        self.sock = self.server.socket

    def port(self):
        return self.sock.getsockname()[1]

    def accept(self):
        return self.server.get_request()[0]

    def count(self):
        taken = 0
        while select.select([self.sock], [], [], 0)[0]:
            reset_connection(self.server.get_request()[0])
            taken += 1
        return taken

    def close_connection(self, conn):
        self.server.shutdown_request(conn)

    def close_listening(self):
        """The listener only: the connections it gave stay open."""
        self.server.server_close()

    def close(self, connections):
        for conn in connections:
            conn.close()
        self.server.server_close()


class HTTPServerListener(SocketserverListener):
    server_class = http.server.HTTPServer


VARIANTS = {
    "python:asyncio": AsyncioListener,
    "python:http.server": HTTPServerListener,
    "python:socketserver": SocketserverListener,
}


def open_listener(args):
    """tcp ENDPOINT OPTION PORT -> a listener of the variant OPTION names."""
    if len(args) != 4:
        raise Unsupported("expected: tcp ENDPOINT OPTION PORT")
    proto, endpoint, option, port = args
    host = endpoint.removesuffix("dual").strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        host = None
    if proto != "tcp" or not host:
        raise Unsupported(f"a TCP listener on an address, not {proto} {endpoint}")
    if option not in VARIANTS:
        raise Unsupported(f"no listener {option}: one of {', '.join(VARIANTS)}")
    if not port.isdigit():
        raise Unsupported(f"not a port: {port}")
    # What the endpoint asks of IPV6_V6ONLY: on for [::], off for [::]dual.
    v6only = {"[::]": True, "[::]dual": False}.get(endpoint)
    return VARIANTS[option](host, int(port), v6only)


class Cell:
    def __init__(self):
        self.listener = None
        self.connections = []

    def reset(self):
        if self.listener:
            self.listener.close(self.connections)
        self.listener, self.connections = None, []

    def need_listener(self):
        if not self.listener:
            raise Unsupported("no listener in this cell")
        return self.listener

    def server(self, args):
        self.reset()
        self.listener = open_listener(args)
        return f"ok {self.listener.port()}"

    def probe(self, args):
        open_listener(args).close([])
        return "ok 0"

    def accept(self, args):
        self.connections.append(self.need_listener().accept())
        return "ok 0"

    def count(self, args):
        return f"ok {self.need_listener().count()}"

    def close_conn(self, args):
        if self.connections:
            self.need_listener().close_connection(self.connections.pop())
        return "ok 0"

    def close_listener(self, args):
        self.need_listener().close_listening()
        return "ok 0"

    def reset_request(self, args):
        self.reset()
        return "ok 0"

    def inherit(self, args):
        """Listens, then starts HOLD with subprocess.Popen as a Python server
        would (close_fds is its default), stdin the harness's descriptor 3."""
        if os.name != "posix":
            raise Unsupported("inherit hands descriptor 3 to the child: a Unix convention")
        if len(args) < 5:
            raise Unsupported("expected: inherit tcp ENDPOINT OPTION PORT HOLD...")
        self.server(args[:4])
        try:
            child = subprocess.Popen(args[4:], stdin=HOLD_INPUT_FD, stdout=subprocess.PIPE)
        except OSError as err:
            return error_reply("spawn", err)
        line = child.stdout.readline().decode().split()
        child.stdout.close()
        if line != ["ok", str(child.pid)]:
            print(f"bm-role-python: the child said {line}", file=sys.stderr)
            return "fail spawn - -"
        return f"ok {self.listener.port()} {child.pid}"

    def bind(self, args):
        raise Unsupported("these servers bind and listen in one call: no bound-only socket")

    REQUESTS = {
        "server": server, "probe": probe, "accept": accept, "count": count,
        "close-conn": close_conn, "close-listener": close_listener,
        "reset": reset_request, "inherit": inherit, "bind": bind, "listen": bind,
    }

    def serve(self, words):
        request = self.REQUESTS.get(words[0]) if words else None
        if request is None:
            raise Unsupported(f"a listener role: no request {words[:1]}")
        try:
            return request(self, words[1:])
        except OSError as err:
            stage = {"accept": "accept", "count": "accept"}.get(words[0], "bind")
            return error_reply(stage, err)


def main():
    cell = Cell()
    for line in sys.stdin:
        try:
            reply(cell.serve(line.split()))
        except Unsupported as why:
            print(f"bm-role-python: {why}", file=sys.stderr)
            reply("fail command unsupported -")
    cell.reset()


if __name__ == "__main__":
    main()
