"""FreeBSD's tests/sys/netinet/socket_afinet.c as runs.

Code-driven, transcribed here loop by loop: multibind_test. Table-driven,
parsed: bind_connected_port's tests[]. The text is the index's newest
stored version of the file (it has both); the index gives no commit for
it, so the version is its SHA-256 (sources.py checks it).
"""

import hashlib
import re

from references.runs import Bind, Close, Other, Sock
from references.sources import Source, TranscriptionError

PATH = "tests/sys/netinet/socket_afinet.c"
SHA256 = "34a50ad5df583391d9be86f1866fa09aca6205817a5520eef2e38d2a7272fd82"
VERSION = f"sha256:{SHA256}"
REPOSITORY = "freebsd/freebsd-src"
FILE = "freebsd/socket_afinet.c"

OPTS = ("default", "SO_REUSEADDR", "SO_REUSEPORT", "SO_REUSEPORT_LB")
# bind_socket(): unspec (flags[]) picks the wildcard, else loopback;
# FreeBSD's IPv6 sockets are IPv6-only by default (net.inet6.ip6.v6only=1).
ADDRESSES = {("AF_INET", False): ("127.0.0.1", "127.0.0.1"),
             ("AF_INET", True): ("0.0.0.0", "0.0.0.0"),
             ("AF_INET6", False): ("::1, IPV6_V6ONLY on", "[::1]"),
             ("AF_INET6", True): ("::, IPV6_V6ONLY on", "[::]")}
PROTOS = {"SOCK_STREAM": "tcp", "SOCK_DGRAM": "udp"}
RESULTS = {"BIND_FAILED": "EADDRINUSE", "BIND_REUSE_SUCCESS": "ok"}


def source(root):
    src = Source(REPOSITORY, PATH, VERSION, root / FILE)
    text = "\n".join(src.lines()) + "\n"
    if hashlib.sha256(text.encode()).hexdigest() != SHA256:
        raise TranscriptionError(f"{src.file}: not the pinned text "
                                 f"({VERSION})")
    return src


def child(src, label, domain, type_, flag, opt, user, expect, site, case):
    """child_bind(): a new socket binds without an option (it must fail
    with EADDRINUSE, else BIND_INSTANT_SUCCESS or BIND_BADERR1), sets
    `opt` and binds again: BIND_REUSE_SUCCESS or BIND_FAILED (EADDRINUSE
    again). The retry is on the same socket, unbound after its failure."""
    where, endpoint = ADDRESSES[(domain, flag)]
    proto = PROTOS[type_]
    first = Sock(label, proto, where, endpoint, "default", user)
    retry = Sock(f"{label} (after its failed bind)", proto, where, endpoint,
                 opt, user)
    return [Bind(first, "EADDRINUSE", site, case),
            Bind(retry, RESULTS[expect], site, case), Close(retry)]


def multibind(src):
    function = "multibind_test"
    body = src.find("ATF_TC_BODY(multibind, tc)")
    calls = [(line, text) for line, text in enumerate(src.lines(), 1)
             if line > body and "multibind_test(tc, " in text][:4]
    for line, text in calls:
        domain, type_ = re.search(r"(AF_INET6?), (SOCK_\w+)", text).groups()
        for flag in (False, True):
            for opti, first_opt in enumerate(OPTS):
                where, endpoint = ADDRESSES[(domain, flag)]
                twist = None if opti == 0 else (
                    f"its option ({first_opt}) is set after its bind()")
                first = Sock("s", PROTOS[type_], where, endpoint, first_opt,
                             twist=twist)
                run = [Bind(first, None)]
                for optj, opt in enumerate(OPTS):
                    shares = first_opt in ("SO_REUSEPORT", "SO_REUSEPORT_LB")
                    priv = "BIND_REUSE_SUCCESS" if shares and opti == optj \
                        else "BIND_FAILED"
                    variant = (f"line {line}: {domain} {type_}, "
                               f"flags[{int(flag)}], opts {first_opt}:{opt}")
                    priv_line = 485 if priv == "BIND_REUSE_SUCCESS" else 487
                    site = src.site(function, priv_line, priv,
                                    f"ATF_REQUIRE(res == {priv});", variant)
                    run += child(src, "child (privileged)", domain, type_,
                                 flag, opt, "same", priv, site,
                                 f"{variant}: privileged")
                    site = src.site(function, 495, "BIND_FAILED",
                                    "ATF_REQUIRE_MSG(res == BIND_FAILED,",
                                    variant)
                    run += child(src, "child (unprivileged_user)", domain,
                                 type_, flag, opt, "other", "BIND_FAILED",
                                 site, f"{variant}: unprivileged")
                yield run


ROW = re.compile(r"\{ (AF_INET6?),\t(SOCK_\w+),\t([xo]), ([xo]), (BIND_\w+) \}")


def connected_port(src):
    start = src.find("struct bind_connected_port_res {")
    index = 0
    for line, text in enumerate(src.lines()[start:], start + 1):
        row = ROW.search(text)
        if not row:
            continue
        domain, type_, wild, unpriv, result = row.groups()
        reason = ("the port is the client's, bound by connect(); the listener"
                  " and the accepted socket hold another port" if
                  type_ == "SOCK_STREAM" else
                  "the first socket is a connected UDP socket (ours: bound, "
                  "unconnected)")
        site = src.site("bind_connected_port", line, result, result,
                        f"tests[{index}]: {domain} {type_} wild={wild} "
                        f"unpriv={unpriv}")
        yield [Other(site, f"bind_connected_port[{index}]", reason)]
        index += 1


def runs(root):
    src = source(root)
    return [*multibind(src), *connected_port(src)], [src]
