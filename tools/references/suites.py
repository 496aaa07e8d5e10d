"""The four reference files: which runs, which platform, what to say."""

from references import document, freebsd, linux, wine
from references.runs import walk

COMMON_NOTES = [
    "Transcribed case by case by tools/transcribe-references from the "
    "pinned source (platform.provenance.sources); every cell's provenance "
    "names the file, function, line (the assertion or table entry) and the "
    "suite's own expectation as written there, and `text` is that line, "
    "checked against the source (--check). `also` lists further cases that "
    "give the same cell.",
    "A case is one assertion. It maps onto a cell when every bind() it "
    "asserts has exactly one other socket on the port, both sockets use an "
    "endpoint and an option of ours set before bind(), and nothing else is "
    "done to them; the listener's state is BOUND (bound, not listening), "
    "LISTEN, or the old connection's state the test builds (TIME_WAIT). A "
    "second socket that also listens over a listening first socket is a "
    "hijack cell (listen_outcome; reached where the test accepts the one "
    "connection it makes: connections 1). Every other case is in "
    "platform.provenance.unmapped with its reason.",
    "The first socket binds port 0 in most tests and the second names the "
    "port it got: taken as our listener, which binds a port chosen free. "
    "What the second bind() meets is the same bound socket either way.",
    "outcome 'error' = the test asserts that bind() fails and names no "
    "error; any error agrees with it (conformance/cells.py).",
    "witnessed_state is null: a test's expectation witnesses nothing.",
]

LINUX_NOTES = [
    "IPv6 sockets whose IPV6_V6ONLY the test does not set are dual-stack "
    "([::]dual, [::ffff:...]): net.ipv6.bindv6only is 0 by default and the "
    "expectations assume it. '::1' on such a socket is none of our "
    "endpoints (ours, [::1], is IPv6-only).",
    "bind_wildcard.c: fd[0] and fd[1] are the variant's two addresses, "
    "fd[2..7] bind 0.0.0.0, 127.0.0.1, ::, ::1, ::ffff:0.0.0.0, "
    "::ffff:127.0.0.1 in that order; all stay open, none listens. The "
    "reuseaddr and reuseport tests set the option on fd[0] and fd[1] only, "
    "and expect expected_reuse_errno for all eight. fd[i] maps only where "
    "every fd between fd[0] and it failed to bind.",
    "reuseaddr_conflict.c asserts only that open_port() fails (-1 from "
    "socket(), setsockopt() or bind()); it prints bind()'s perror, which "
    "reads 'Address already in use' on Linux 6.18 here, but asserts no "
    "error: those cells are 'error'.",
    "reuseport_addr_any.c's DCCP cases are unmapped (DCCP is none of our "
    "protocols; Linux 6.18 has no DCCP and the test skips them).",
    "Run here: all five tests pass on Linux 6.18 (Debian 12 machine, each "
    "in its own network namespace): bind_wildcard 132/132, bind_timewait "
    "2/2, reuseaddr_conflict, reuseport_addr_any, reuseport_dualstack "
    "SUCCESS.",
]

WINE_NOTES = [
    "Real Windows: every ok() is what Windows does (Wine's test bot runs "
    "this file on Windows); none of these ok() lines accepts an "
    "alternative (no broken(), no version check), so each gives one "
    "outcome for every Windows the test runs on. todo_wine: true marks an "
    "ok() that Wine is known to fail; the separate file "
    "winetest-wine-8.0-todo.json says what Wine is predicted to give there.",
    "tests[] (the loop in test_reuseaddr) leaves IPV6_V6ONLY at Windows' "
    "default, on (asserted by test_ipv6only, line 6962): [::] and [::1]. "
    "tests_exclusive[] sets IPV6_V6ONLY off on every IPv6 socket: [::]dual, "
    "[::ffff:...]; its '::1' is none of our endpoints.",
    "tests_exclusive[] lists the sockets' SO_EXCLUSIVEADDRUSE (TRUE/FALSE) "
    "and the second bind's error (NOERROR = success); neither socket "
    "listens: state BOUND.",
    "Line 2233 (and FreeBSD's child_bind) binds again on a socket whose "
    "first bind() failed, after setting SO_REUSEADDR on it: mapped as a "
    "fresh probe with that option (a failed bind() leaves it unbound).",
    "Not cases (no bind() of two sockets): the setsockopt() lines 2354 and "
    "2365 (SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other on one "
    "socket: WSAEINVAL) and the getsockopt/setsockopt lines of "
    "test_ipv6only.",
    "Outcomes: WSAEACCES -> EACCES (10013), WSAEADDRINUSE -> EADDRINUSE "
    "(10048), NOERROR or ok(!rc) -> ok.",
]

DELTA_NOTES = [
    "What Wine 8.0 is predicted to give where a todo_wine mark says it "
    "fails Windows' ok(): an ok(!rc) that Wine fails is outcome 'error' "
    "(the mark names no error). Only the todo_wine cases are here; "
    "elsewhere Wine is expected to do what winetest-windows.json says. "
    "This is a prediction from Wine's own tests, not a measurement "
    "(results/windows-wine-8.0-x86_64.json is the measurement).",
]

FREEBSD_NOTES = [
    "The index (freebsd/freebsd-src) holds 28 versions of the file; this "
    "is the newest-looking one (copyright 2024 Stormshield; multibind and "
    "bind_connected_port with enum bind_res), read by its stored-text id "
    "54580178764. The index gives no commit for it: its version is the "
    "SHA-256 of the text, and the commit the index names for the path "
    "(eb5956fdfb173e427131c344760e28cea5400d7f) holds an older text without "
    "these tests.",
    "multibind_test: the first socket binds port 0 and sets its option "
    "after bind() (bind_socket()); only its 'no option' iterations map. "
    "The child binds without an option first (asserted: EADDRINUSE), then "
    "sets opts[optj] and binds again: one assertion, two cells. The "
    "unprivileged child seteuid()s to the configured unprivileged_user: "
    "probe_user other.",
    "bind_connected_port binds the port of a connected socket (TCP: the "
    "client's, which connect() bound; UDP: a connected UDP socket): no cell "
    "of ours, all unmapped.",
    "Not transcribed: so_reuseport_lb_test.c (its stored versions with a "
    "commit, e.g. 84ed59c46b5b0ab7007745bc46d31678c9ac00b9, hold only "
    "groups of 16 listeners; the newer ones that bind without listening "
    "were not pinned here).",
]


def linux_document(root):
    runs, sources = linux.runs(root)
    platform = {
        "family": "linux", "os": "Linux", "release": "6.12 selftests",
        "arch": None, "id": "linux-conformance-kselftest-6.12",
        "emulation": None,
        "document": "Linux kernel selftests tools/testing/selftests/net/ "
        "bind_wildcard.c, bind_timewait.c, reuseaddr_conflict.c, "
        "reuseport_addr_any.c, reuseport_dualstack.c",
        "date": f"Debian linux-source-6.12 {linux.VERSION}, "
        "2026-11-14",
        "os_build": "Linux 6.12.117 (the kernel these selftests ship with)"}
    return document.build(platform, COMMON_NOTES + LINUX_NOTES, [],
                          [m for run in runs for m in walk(run)], "linux",
                          sources)


def wine_documents(root):
    runs, sources = wine.runs(root)
    windows = {
        "family": "windows", "os": "Windows",
        "release": "as Wine's test bot runs it", "arch": None,
        "id": "windows-conformance-wine-sock.c", "emulation": None,
        "document": "Wine conformance tests dlls/ws2_32/tests/sock.c "
        "(test_reuseaddr, tests_exclusive[], test_ipv6only): the ok() "
        "expectations, which hold on real Windows",
        "date": f"Debian wine {wine.VERSION}, 2023-02-18",
        "os_build": "the Windows versions Wine's test bot runs (Windows 7 "
        "to 11); the tests name none"}
    windows_doc = document.build(windows, COMMON_NOTES + WINE_NOTES, [],
                                 [m for run in runs for m in walk(run)],
                                 "windows", sources)
    flipped, todo = wine.todo_wine_runs(runs)
    deltas = {
        "family": "windows", "os": "Windows (Wine 8.0)", "release": "8.0",
        "arch": None, "id": "windows-wine-8.0-todo-wine-sock.c",
        "emulation": "wine-8.0",
        "document": "Wine conformance tests dlls/ws2_32/tests/sock.c: the "
        "todo_wine marks, Wine's known differences from Windows",
        "date": f"Debian wine {wine.VERSION}, 2023-02-18",
        "os_build": "Wine 8.0 (predicted from its own todo_wine marks)"}
    mapped = [m for run in flipped for m in walk(run) if m.case in todo]
    deltas_doc = document.build(deltas, COMMON_NOTES + DELTA_NOTES, [],
                                mapped, "windows", sources)
    return windows_doc, deltas_doc, sources


def freebsd_document(root):
    runs, sources = freebsd.runs(root)
    platform = {
        "family": "bsd", "os": "FreeBSD", "release": "14 and later (main)",
        "arch": None, "id": "freebsd-conformance-socket_afinet.c",
        "emulation": None,
        "document": "FreeBSD tests tests/sys/netinet/socket_afinet.c "
        "(multibind, bind_connected_port)",
        "date": "2024 or later (the text's copyright line)",
        "os_build": "FreeBSD main, the tests of 14.x and later"}
    return document.build(platform, COMMON_NOTES + FREEBSD_NOTES, [],
                          [m for run in runs for m in walk(run)], "bsd",
                          sources)


def documents(root):
    """(file name, document, sources) for every reference."""
    ksrc = linux.sources(root).values()
    yield "kselftest-linux-6.12.json", linux_document(root), list(ksrc)
    windows, deltas, wsrc = wine_documents(root)
    yield "winetest-windows.json", windows, wsrc
    yield "winetest-wine-8.0-todo.json", deltas, wsrc
    fdoc = freebsd_document(root)
    yield "freebsd-tests-netinet.json", fdoc, [freebsd.source(root)]
