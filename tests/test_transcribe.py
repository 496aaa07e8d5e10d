"""tools/references: the rule that maps a suite's socket calls onto our
cells, and (where the pinned sources are on this machine) that the
committed references are what the sources give."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tools")]
from references.runs import (Accept, Bind, Close, Listen, Sock,  # noqa: E402
                             Site, walk)

SOURCES = Path(os.environ.get("BINDMATRIX_REFERENCE_SOURCES",
                              REPO / "build-ref-src"))


def sock(label, endpoint="0.0.0.0", option="default", **extra):
    return Sock(label, extra.pop("proto", "tcp"), endpoint or "::1, dual",
                endpoint, option, **extra)


def site(line):
    return Site("f", line, "", "")


def outcomes(run):
    return [(m.cell["scenario"], m.cell["state"], m.cell["outcome"])
            if m.cell else m.reason for m in walk(run)]


def test_a_bind_beside_one_bound_socket_is_a_bound_cell():
    a, b = sock("a"), sock("b", "127.0.0.1")
    assert outcomes([Bind(a, None), Bind(b, "EADDRINUSE", site(1), "c")]) \
        == [("bind", "BOUND", "EADDRINUSE")]


def test_a_bind_beside_a_listener_is_a_listen_cell():
    a, b = sock("a"), sock("b")
    assert outcomes([Bind(a, None), Listen(a, None),
                     Bind(b, "ok", site(1), "c")]) == [
        ("bind", "LISTEN", "ok")]


def test_only_sockets_whose_bind_succeeded_are_on_the_port():
    a, b, c = sock("a"), sock("b"), sock("c")
    run = [Bind(a, None), Bind(b, "EADDRINUSE", site(1), "1"),
           Bind(c, "ok", site(2), "2"),
           Bind(sock("d"), "ok", site(3), "3")]
    assert outcomes(run) == [
        ("bind", "BOUND", "EADDRINUSE"), ("bind", "BOUND", "ok"),
        "several sockets already on the port (ours: one)"]


def test_a_closed_socket_leaves_the_port():
    a, b = sock("a"), sock("b")
    run = [Bind(a, None), Bind(b, "ok", site(1), "1"), Close(b),
           Bind(sock("c"), "EADDRINUSE", site(2), "2")]
    assert outcomes(run)[1] == ("bind", "BOUND", "EADDRINUSE")


@pytest.mark.parametrize("first, probe, reason", [
    (sock("a", twist="option set after bind()"), sock("b"),
     "the first socket: option set after bind()"),
    (sock("a"), sock("b", None),
     "the second socket's address ::1, dual is none of ours"),
    (sock("a", proto="udp"), sock("b"),
     "the two sockets are of different protocols"),
    (sock("a"), sock("b", proto="dccp"), "protocol dccp"),
])
def test_what_is_not_ours_is_unmapped_with_its_reason(first, probe, reason):
    assert outcomes([Bind(first, None), Bind(probe, "ok", site(1), "c")]) \
        == [reason]


def test_a_second_listener_over_a_listener_is_a_hijack_cell():
    a, b = sock("a"), sock("b", "127.0.0.1")
    run = [Bind(a, None), Listen(a, None), Bind(b, "ok", site(1), "1"),
           Listen(b, "ok", site(2), "2"), Accept(b, site(3), "3")]
    mapped = walk(run)
    hijack = mapped[1].cell
    assert (hijack["scenario"], hijack["listen_outcome"], hijack["reached"],
            hijack["connections"]) == ("hijack", "ok", "second", 1)


def test_a_first_socket_that_listens_after_the_second_bound_is_unmapped():
    a, b = sock("a", option="SO_REUSEADDR"), sock("b",
                                                  option="SO_REUSEADDR")
    run = [Bind(a, None), Bind(b, "ok", site(1), "1"), Listen(a, None),
           Listen(b, "ok", site(2), "2")]
    assert outcomes(run)[1] == ("the first socket went from BOUND to LISTEN "
                                "between the second socket's bind() and its "
                                "listen()")


def test_an_old_connection_state_is_the_cells_state():
    old = sock("old", state="TIME_WAIT")
    assert outcomes([Bind(old, None), Bind(sock("b"), "EADDRINUSE",
                                           site(1), "c")]) == [
        ("bind", "TIME_WAIT", "EADDRINUSE")]


PINNED = ("linux-source-6.12", "wine-8.0", "freebsd/socket_afinet.c")


@pytest.mark.skipif(not all((SOURCES / p).exists() for p in PINNED),
                    reason=f"the pinned sources are not in {SOURCES} "
                    "(tools/fetch-reference-sources fetches them)")
def test_the_committed_references_are_what_the_sources_give():
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "transcribe-references"),
         "--sources", str(SOURCES), "--check"],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
