"""The kernel's selftests (tools/testing/selftests/net/) as runs.

Table-driven, parsed from the source: bind_wildcard.c (its
FIXTURE_VARIANT_ADD tables). Code-driven, transcribed here call by call,
each line checked against the source: bind_timewait.c,
reuseaddr_conflict.c, reuseport_addr_any.c, reuseport_dualstack.c.
"""

import re

from references.runs import Bind, Close, Listen, Other, Sock
from references.sources import Source, TranscriptionError

PACKAGE = "linux-source-6.12"
VERSION = "6.12.117-1~deb12u1"
REPOSITORY = f"Debian {PACKAGE} (the Linux kernel source)"
DIR = f"{PACKAGE}/tools/testing/selftests/net"
FILES = ("bind_wildcard.c", "bind_timewait.c", "reuseaddr_conflict.c",
         "reuseport_addr_any.c", "reuseport_dualstack.c")

# The suites' addresses. An IPv6 socket whose IPV6_V6ONLY the suite does
# not set is dual-stack: net.ipv6.bindv6only is 0 by default, and the
# suites' expectations assume it.
ADDRESSES = {
    ("in4addr_any", False): ("0.0.0.0", "0.0.0.0"),
    ("in4addr_loopback", False): ("127.0.0.1", "127.0.0.1"),
    ("in6addr_any", True): ("::, IPV6_V6ONLY on", "[::]"),
    ("in6addr_any", False): ("::, IPV6_V6ONLY off", "[::]dual"),
    ("in6addr_loopback", True): ("::1, IPV6_V6ONLY on", "[::1]"),
    ("in6addr_loopback", False): ("::1, IPV6_V6ONLY off", None),
    ("in6addr_v4mapped_any", False): ("::ffff:0.0.0.0", "[::ffff:0.0.0.0]"),
    ("in6addr_v4mapped_loopback", False):
        ("::ffff:127.0.0.1", "[::ffff:127.0.0.1]"),
}


def sock(label, proto, address, v6only=False, option="default", **extra):
    where, endpoint = ADDRESSES[(address, v6only)]
    return Sock(label, proto, where, endpoint, option, **extra)


def sources(root):
    return {name: Source(REPOSITORY, f"tools/testing/selftests/net/{name}",
                         VERSION, root / DIR / name) for name in FILES}


# ------------------------------------------------------------ bind_wildcard

VARIANT = re.compile(r"FIXTURE_VARIANT_ADD\(bind_wildcard, (\w+)\)")
# The addresses of sockets 2..7 (FIXTURE_SETUP), none with IPV6_V6ONLY or
# the test's option set (bind_socket sets both only for i < 2).
FIXED = ("in4addr_any", "in4addr_loopback", "in6addr_any",
         "in6addr_loopback", "in6addr_v4mapped_any",
         "in6addr_v4mapped_loopback")
TESTS = (("plain", "default", "expected_errno"),
         ("reuseaddr", "SO_REUSEADDR", "expected_reuse_errno"),
         ("reuseport", "SO_REUSEPORT", "expected_reuse_errno"))


def braces(lines, start, field):
    """The comma-separated values of `.field = {...}` from line `start`,
    each with its line number."""
    for number in range(start, len(lines) + 1):
        text = lines[number - 1]
        if f".{field} = {{" in text:
            break
        if text.startswith("};"):
            return None
    else:
        return None
    values, inside = [], text.split("{", 1)[1]
    while True:
        body, closed = inside.split("}", 1)[0], "}" in inside
        values += [(v.strip(), number) for v in body.split(",") if v.strip()]
        if closed:
            return values
        number += 1
        inside = lines[number - 1]


def wildcard_variants(source):
    lines = source.lines()
    for number, text in enumerate(lines, 1):
        match = VARIANT.search(text)
        if not match:
            continue
        families = [v for v, _ in braces(lines, number, "family")]
        addrs = [v.lstrip("&") for v, _ in braces(lines, number, "addr")]
        v6only = braces(lines, number, "ipv6_only")
        v6only = [v == "true" for v, _ in v6only] if v6only else [False] * 2
        arrays = {f: braces(lines, number, f)
                  for f in ("expected_errno", "expected_reuse_errno")}
        if any(len(a) != 8 for a in arrays.values()) or len(addrs) != 2:
            raise TranscriptionError(f"{source.path}:{number}: unexpected "
                                     f"variant shape")
        yield match.group(1), families, addrs, v6only, arrays


def bind_wildcard(source):
    for name, families, addrs, v6only, arrays in wildcard_variants(source):
        for test, option, field in TESTS:
            function = f"TEST_F(bind_wildcard, {test})"
            source.find(function)
            socks = [sock(f"fd[{i}]", "tcp", addrs[i], v6only[i], option)
                     for i in range(2)]
            socks += [sock(f"fd[{i + 2}]", "tcp", a) for i, a in
                      enumerate(FIXED)]
            run = []
            for i, (token, line) in enumerate(arrays[field]):
                expect = "ok" if token == "0" else token
                if i == 0:
                    run.append(Bind(socks[0], expect))
                    continue
                site = source.site(function, line, token, token,
                                   variant=f"{name}, fd[{i}]")
                run.append(Bind(socks[i], expect, site,
                                f"bind_wildcard.{name}.{test}[{i}]"))
            yield run


# ------------------------------------------------------------ code-driven

def bind_timewait(source):
    function = "TEST_F(bind_timewait, 1)"
    for variant, address in (("localhost", "in4addr_loopback"),
                             ("addrany", "in4addr_any")):
        source.find(f"FIXTURE_VARIANT_ADD(bind_timewait, {variant})")
        # create_timewait_socket(): the server binds, listens, accepts a
        # connection, closes it first, the client closes, the listener
        # closes: what is left on the port is our TIME_WAIT.
        old = sock("server_fd", "tcp", address, state="TIME_WAIT")
        site = source.site(function, 87, "EADDRINUSE",
                           "ASSERT_EQ(errno, EADDRINUSE);", variant=variant)
        yield [Bind(old, None),
               Bind(sock("fd", "tcp", address), "EADDRINUSE", site,
                    f"bind_timewait.{variant}")]


def reuseaddr_conflict(source):
    # open_port(ipv6, any): SO_REUSEADDR always, IPV6_V6ONLY on for IPv6;
    # it listens only when !any. It returns -1 when socket(), setsockopt()
    # or bind() fails; the test names no error.
    def opened(label, ipv6, any_):
        address = ("in6addr_any" if ipv6 else
                   "in4addr_any" if any_ else "in4addr_loopback")
        return sock(label, "tcp", address, v6only=ipv6,
                    option="SO_REUSEADDR")

    def site(line, holds, expected):
        return source.site("main", line, expected, holds)

    listener = opened("listenfd", False, False)
    fd1, fd1_v6 = opened("fd1", False, True), opened("fd1 (ipv6)", True, True)
    fd2, fd1_again = opened("fd2", False, True), opened("fd1 (again)", False,
                                                        True)
    fails, opens = "open_port() fails", "open_port() succeeds"
    yield [Bind(listener, None), Listen(listener, None),
           Bind(fd1, "error", site(97, "if (fd1 >= 0)", fails),
                "reuseaddr_conflict:97"),
           Bind(fd1_v6, "ok", site(101, "if (fd1 < 0)", opens),
                "reuseaddr_conflict:101"),
           Bind(fd2, "error", site(105, "if (fd2 >= 0)", fails),
                "reuseaddr_conflict:105"),
           Close(fd1_v6),
           Bind(fd1_again, "error", site(110, "if (fd1 >= 0)", fails),
                "reuseaddr_conflict:110")]


def rcv_socks(proto, family, count, first, address=None):
    """build_rcv_fd()'s sockets: SO_REUSEPORT, bound to the wildcard of
    `family` (IPv6: dual-stack) or to `address`."""
    default = "in4addr_any" if family == "AF_INET" else "in6addr_any"
    return [sock(f"rcv_fds[{first + i}]", proto, address or default,
                 option="SO_REUSEPORT") for i in range(count)]


def receivers(source, socks, proto, bind_line, listen_line, listen_holds,
              call):
    """build_rcv_fd(): every socket binds, then (TCP, DCCP) listens; the
    first bind of the run is set-up."""
    events = []
    for number, s in enumerate(socks):
        variant = f"{call}, {s.label}"
        case = f"{source.path}:{call}:{s.label}"
        bind_site = source.site("build_rcv_fd", bind_line, "bind() succeeds",
                                "if (bind(rcv_fds[i], ", variant=variant)
        events.append(Bind(s, "ok", bind_site if number else None,
                           case + ":bind" if number else None))
        if proto != "udp":
            listen_site = source.site("build_rcv_fd", listen_line,
                                      "listen() succeeds", listen_holds,
                                      variant=variant)
            events.append(Listen(s, "ok", listen_site if number else None,
                                 case + ":listen" if number else None))
    return events


def reuseport_addr_any(source):
    protos = (("udp", "SOCK_DGRAM", 272), ("tcp", "SOCK_STREAM", 273),
              ("dccp", "SOCK_DCCP", 274))
    runs = (("AF_INET", "AF_INET", "IP4_ADDR", "in4addr_loopback", 261),
            ("AF_INET6", "AF_INET6", "IP6_ADDR", "in6addr_loopback", 264),
            ("AF_INET", "AF_INET6", "IP4_MAPPED6",
             "in6addr_v4mapped_loopback", 267))
    for proto, sock_type, proto_line in protos:
        source.site("main", proto_line, "", f"test_proto({sock_type}")
        for send, rcv, name, address, line in runs:
            source.site("test_proto", line, "",
                        f"run_one_test({send}, {rcv}, proto, {name});")
            call = f"run_one_test({send}, {rcv}, {sock_type}, {name})"
            socks = (rcv_socks(proto, "AF_INET", 2, 0)
                     + rcv_socks(proto, "AF_INET6", 2, 2)
                     + rcv_socks(proto, rcv, 1, 4, address)
                     + rcv_socks(proto, "AF_INET", 2, 5)
                     + rcv_socks(proto, "AF_INET6", 2, 7))
            listen = (87, "listen(rcv_fds[i], 10))") if proto == "tcp" else \
                (95, "if (listen(rcv_fds[i], 10))")
            run = receivers(source, socks, proto, 84, *listen, call)
            delivery = source.site("test", 213, "received on rcv_fds[4]",
                                   "if (recv_fd != fd)", variant=call)
            run.append(Other(delivery, f"{call}:delivery",
                             "which of 9 sockets receives (ours: two)"))
            yield run


def reuseport_dualstack(source):
    runs = ((164, "AF_INET", 5), (171, "AF_INET6", 5), (181, "AF_INET", 16),
            (188, "AF_INET6", 16), (195, "AF_INET", 5), (202, "AF_INET6", 5))
    for line, first, count in runs:
        proto = "tcp" if line >= 195 else "udp"
        sock_type = "SOCK_STREAM" if proto == "tcp" else "SOCK_DGRAM"
        second = "AF_INET6" if first == "AF_INET" else "AF_INET"
        source.site("main", line, "", f"build_rcv_fd({first}, {sock_type}")
        source.site("main", line + 1, "", f"build_rcv_fd({second}, "
                    f"{sock_type}")
        call = f"main:{line}: {count} {first} then {count} {second}, " \
            f"{sock_type}"
        socks = (rcv_socks(proto, first, count, 0)
                 + rcv_socks(proto, second, count, count))
        run = receivers(source, socks, proto, 65, 68,
                        "listen(rcv_fds[i], 10))", call)
        delivery = source.site("test", 152, "received on an IPv4 socket",
                               "if (test_family != AF_INET)", variant=call)
        run.append(Other(delivery, f"{call}:delivery",
                         f"which of {2 * count} sockets receives (ours: two)"))
        yield run


def runs(root):
    """Every run of the five files, and the sources they were read from."""
    files = sources(root)
    readers = {"bind_wildcard.c": bind_wildcard,
               "bind_timewait.c": bind_timewait,
               "reuseaddr_conflict.c": reuseaddr_conflict,
               "reuseport_addr_any.c": reuseport_addr_any,
               "reuseport_dualstack.c": reuseport_dualstack}
    out = [run for name, read in readers.items() for run in read(files[name])]
    return out, list(files.values())
