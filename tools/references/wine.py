"""Wine's conformance tests, dlls/ws2_32/tests/sock.c, as runs.

Every ok() there is what real Windows does: Wine's test bot runs the same
file on Windows. A todo_wine mark says Wine is known to fail that ok().
Table-driven, parsed: test_reuseaddr's tests_exclusive[]. Code-driven,
transcribed here call by call: the loop over tests[] in test_reuseaddr,
and test_ipv6only.
"""

import re

from references.runs import Accept, Bind, Close, Listen, Other, Sock
from references.sources import Source, TranscriptionError

VERSION = "8.0~repack-4"
REPOSITORY = f"Debian wine {VERSION} (the Wine source)"
PATH = "dlls/ws2_32/tests/sock.c"
FILE = "wine-8.0/" + PATH
ERRORS = {"WSAEACCES": "EACCES", "WSAEADDRINUSE": "EADDRINUSE",
          "NOERROR": "ok"}

# test_reuseaddr's addresses. tests[] leaves IPV6_V6ONLY at Windows'
# default, on (test_ipv6only asserts it, line 6962); tests_exclusive[]
# turns it off on every IPv6 socket (line 2390).
DEFAULT_V6ONLY = {
    "saddr_in_any": ("0.0.0.0", "0.0.0.0"),
    "saddr_in_loopback": ("127.0.0.1", "127.0.0.1"),
    "saddr_in6_any": ("::, IPV6_V6ONLY on", "[::]"),
    "saddr_in6_loopback": ("::1, IPV6_V6ONLY on", "[::1]"),
}
V6ONLY_OFF = {
    "saddr_in_any": ("0.0.0.0", "0.0.0.0"),
    "saddr_in_loopback": ("127.0.0.1", "127.0.0.1"),
    "saddr_in6_any": ("::, IPV6_V6ONLY off", "[::]dual"),
    "saddr_in6_loopback": ("::1, IPV6_V6ONLY off", None),
    "saddr_in6_loopback_v4mapped": ("::ffff:127.0.0.1", "[::ffff:127.0.0.1]"),
    "saddr_in6_any_v4mapped": ("::ffff:0.0.0.0", "[::ffff:0.0.0.0]"),
}


def source(root):
    return Source(REPOSITORY, PATH, VERSION, root / FILE)


def sock(label, table, address, option="default", twist=None):
    where, endpoint = table[address]
    return Sock(label, "tcp", where, endpoint, option, twist=twist)


def reuseaddr_loop(src):
    """The loop over tests[] (IPv4, then IPv6), one run per block."""
    function = "test_reuseaddr"
    for i, (any_, loop) in enumerate((("saddr_in_any", "saddr_in_loopback"),
                                      ("saddr_in6_any",
                                       "saddr_in6_loopback"))):
        variant = f"test {i}"

        def site(line, expected, holds, todo=False):
            return src.site(function, line, expected, holds, variant, todo)

        def case(line):
            return f"{function}:{variant}:{line}"

        # SO_REUSEADDR on the second socket only.
        s1, s2 = (sock("s1", DEFAULT_V6ONLY, loop),
                  sock("s2", DEFAULT_V6ONLY, loop, "SO_REUSEADDR"))
        yield [Bind(s1, None),
               Bind(s2, "EACCES", site(2201, "WSAEACCES",
                                       "WSAGetLastError() == WSAEACCES"),
                    case(2201))]
        # SO_REUSEADDR on both: s2 first binds without it and fails, then
        # sets it (the same socket, unbound after the failure) and binds.
        # Only then do both listen, s1 first.
        s1 = sock("s1", DEFAULT_V6ONLY, loop, "SO_REUSEADDR")
        s2_plain = sock("s2", DEFAULT_V6ONLY, loop)
        s2 = sock("s2 (after its failed bind)", DEFAULT_V6ONLY, loop,
                  "SO_REUSEADDR")
        yield [Bind(s1, None),
               Bind(s2_plain, "error",
                    site(2226, "rc == SOCKET_ERROR, no error named",
                         "ok(rc == SOCKET_ERROR"), case(2226)),
               Bind(s2, "ok", site(2233, "!rc", "ok(!rc"), case(2233)),
               Listen(s1, None),
               Listen(s2, "ok", site(2242, "!rc", "todo_wine ok(!rc",
                                     todo=True), case(2242)),
               Other(site(2249, "s4 != INVALID_SOCKET",
                          "ok(s4 != INVALID_SOCKET"), case(2249),
                     "the connection after the unmapped listen() above")]
        # Any address first, listening; then the loopback address.
        s1, s2 = sock("s1", DEFAULT_V6ONLY, any_), sock("s2", DEFAULT_V6ONLY,
                                                        loop)
        yield [Bind(s1, None), Listen(s1, None),
               Bind(s2, "ok", site(2270, "!rc", "todo_wine ok(!rc",
                                   todo=True), case(2270)),
               Listen(s2, "ok", site(2273, "!rc", "todo_wine ok(!rc",
                                     todo=True), case(2273)),
               Accept(s2, site(2283, "s4 != INVALID_SOCKET: accepted on s2",
                               "todo_wine ok(s4 != INVALID_SOCKET",
                               todo=True), case(2283))]
        # Loopback first, listening; then any address.
        s1, s2 = sock("s1", DEFAULT_V6ONLY, loop), sock("s2", DEFAULT_V6ONLY,
                                                        any_)
        yield [Bind(s1, None), Listen(s1, None),
               Bind(s2, "ok", site(2305, "!rc", "todo_wine ok(!rc",
                                   todo=True), case(2305)),
               Listen(s2, "ok", site(2308, "!rc", "todo_wine ok(!rc",
                                     todo=True), case(2308)),
               Accept(s1, site(2318, "s4 != INVALID_SOCKET: accepted on s1",
                               "ok(s4 != INVALID_SOCKET"), case(2318))]
        # Two sockets bound to any address, neither listening.
        s1, s2 = sock("s1", DEFAULT_V6ONLY, any_), sock("s2", DEFAULT_V6ONLY,
                                                        any_)
        yield [Bind(s1, None),
               Bind(s2, "EADDRINUSE",
                    site(2336, "WSAEADDRINUSE",
                         "WSAGetLastError() == WSAEADDRINUSE"), case(2336)),
               Close(s1)]


ENTRY_SOCKET = re.compile(r"\{\s*(AF_INET6?), \(struct sockaddr \*\)&(\w+), "
                          r"sizeof\(\w+\), (TRUE|FALSE), \}")
ENTRY_ERROR = re.compile(r"^\s*(WSAE\w+|NOERROR),\s*$")


def exclusive_table(src):
    """tests_exclusive[]: (index, (socket, socket), error, line)."""
    start = src.find("tests_exclusive[] =")
    socks, index = [], 0
    for number in range(start, len(src.lines()) + 1):
        text = src.lines()[number - 1]
        if text.strip() == "};":
            return
        socks += ENTRY_SOCKET.findall(text)
        error = ENTRY_ERROR.match(text)
        if error:
            if len(socks) != 2:
                raise TranscriptionError(f"{PATH}:{number}: an entry of "
                                         f"{len(socks)} sockets")
            yield index, socks, error.group(1), number
            socks, index = [], index + 1


def exclusive(src):
    for index, pair, error, line in exclusive_table(src):
        made = [sock(f"s[{j}]", V6ONLY_OFF, address,
                     "SO_EXCLUSIVEADDRUSE" if exclusive_ == "TRUE"
                     else "default")
                for j, (_, address, exclusive_) in enumerate(pair)]
        site = src.site("test_reuseaddr", line, error, error,
                        variant=f"tests_exclusive[{index}]")
        yield [Bind(made[0], None),
               Bind(made[1], ERRORS[error], site, f"tests_exclusive[{index}]")]


def ipv6only(src):
    function = "test_ipv6only"
    v6 = sock("v6", DEFAULT_V6ONLY, "saddr_in6_any")
    v4 = sock("v4", DEFAULT_V6ONLY, "saddr_in_any", twist=(
        "IPPROTO_IPV6/IPV6_V6ONLY is set on this IPv4 socket "
        "(lines 6979, 6991)"))
    yield [Bind(v6, None),
           Bind(v4, "ok", src.site(function, 6996, "!ret",
                                   "Could not bind IPv4 address"),
                f"{function}:6996")]
    v6 = sock("v6", V6ONLY_OFF, "saddr_in6_any", "SO_EXCLUSIVEADDRUSE")
    v4 = sock("v4", V6ONLY_OFF, "saddr_in_any", "SO_REUSEADDR")
    yield [Bind(v6, None),
           Bind(v4, "EACCES", src.site(function, 7073, "WSAEACCES",
                                       "WSAGetLastError() == WSAEACCES"),
                f"{function}:7073")]


def runs(root):
    src = source(root)
    out = [*reuseaddr_loop(src), *exclusive(src), *ipv6only(src)]
    return out, [src]


def todo_wine_runs(runs_):
    """The same runs as Wine is predicted to run them: where todo_wine
    marks an ok() that expects success, Wine fails (no error named); a
    todo_wine on an expected error predicts only 'not that error', which
    no outcome of ours says. Returns the runs and the todo_wine cases."""
    out, cases = [], set()
    for run in runs_:
        flipped = []
        for event in run:
            site = getattr(event, "site", None)
            if site is None or not site.todo_wine:
                flipped.append(event)
                continue
            cases.add(event.case)
            if isinstance(event, Accept):
                flipped.append(Other(site, event.case, (
                    "todo_wine: Wine is predicted not to accept it there")))
            elif event.expect == "ok":
                flipped.append(type(event)(event.sock, "error", site,
                                           event.case))
            else:
                flipped.append(Other(site, event.case, (
                    f"todo_wine on an expected {event.expect}: Wine gives "
                    "something else, not named")))
        out.append(flipped)
    return out, cases
