"""Tests for report.py and reportlib/: loading, the terminal views, the
Markdown comparison, the verdict, --check, the HTML page and the picture.

Run: /usr/bin/python3 -m pytest -p no:cacheprovider tests/test_report.py

The fixtures in tests/data: linux-fixture.json holds cells of a real Linux
run (plus a made-up invalid cell); wine-fixture.json is made up but for its
inherit cells, measured under Wine; bsd-fixture.json is made up, as a run
that could not probe as another user. runtimes-linux-fixture.json and
runtimes-wine-fixture.json are runtime listeners' cells of real runs (Linux
6.18; Wine 8.0, the runtimes with a Windows build and Java without one).
"""

import base64
import itertools
import json
import re
import shutil
import struct
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from reportlib import (answers, card, check, cli, inheritance,  # noqa: E402
                       load, markdown, model, runtimes, views, winediff)
from reportlib import text as terminal  # noqa: E402
import vocabulary  # noqa: E402

DATA = REPO / "tests" / "data"
BAD = DATA / "bad"
WINE = DATA / "wine-fixture.json"
LINUX = DATA / "linux-fixture.json"
BSD = DATA / "bsd-fixture.json"
RUNTIMES_LINUX = DATA / "runtimes-linux-fixture.json"
RUNTIMES_WINE = DATA / "runtimes-wine-fixture.json"
REFERENCE = REPO / "results" / "reference"
BLOG_XP = REFERENCE / "blog-windows-xp-sp3.json"
BLOG_FC6 = REFERENCE / "blog-linux-2.6.18-fc6.json"
MSDOC_XP = REFERENCE / "msdoc-windows-xp-and-earlier.json"
MSDOC_2003 = REFERENCE / "msdoc-windows-2003-and-later.json"
BLOG_RH8 = REFERENCE / "blog-linux-2.4.20-rh8.json"
BLOG_FREEBSD = REFERENCE / "blog-freebsd-6.2.json"
# The conformance suites, transcribed (tools/transcribe-references).
WINETEST = REFERENCE / "winetest-windows.json"
TODO_WINE = REFERENCE / "winetest-wine-8.0-todo.json"
FREEBSD_TESTS = REFERENCE / "freebsd-tests-netinet.json"
KSELFTEST = REFERENCE / "kselftest-linux-6.12.json"
COMMITTED_WINE = REPO / "results" / "windows-wine-8.0-x86_64.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- helpers

def run(capsys, *argv):
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def load_files(*paths):
    return load.load_result_files(list(paths), load.load_validator())


def loaded(path):
    return load_files(path)[0]


def assert_one_line_error(code, out, err, *fragments):
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("report.py: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def fill_down(rows):
    """Blank labels repeat the row above, as the tables print them."""
    previous = {}
    for row in rows:
        for column, value in row.items():
            if value == "":
                row[column] = previous.get(column, "")
        previous = row
    return rows


def markdown_rows(text, first_header):
    """The Markdown table whose header starts with first_header."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(f"| {first_header} "))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([c.strip() for c in line[1:-1].split(" | ")])
    header, _separator, *rows = table
    return fill_down([dict(zip(header, row)) for row in rows])


def join_header(pieces):
    """A wrapped header put back together: broken after '_' or '+' with
    nothing lost, after a space with the space dropped."""
    text = ""
    for piece in pieces:
        glue = "" if not text or text[-1] in "_+" else " "
        text += glue + piece
    return text


def text_rows(text, title):
    """The plain-text table under the line starting with title, as dicts:
    columns are where the dashes of its rule are."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    rule = next(i for i in range(start, len(lines))
                if lines[i].startswith("---"))
    starts = [m.start() for m in re.finditer(r"-+", lines[rule])]
    bounds = list(zip(starts, starts[1:] + [None]))

    def cut(line):
        return [line[a:b].strip() for a, b in bounds]

    header_top = rule
    while header_top > start + 1 and lines[header_top - 1].strip():
        header_top -= 1
    header_lines = [cut(line) for line in lines[header_top:rule]]
    headers = [join_header([p for p in pieces if p])
               for pieces in zip(*header_lines)]
    body = list(itertools.takewhile(str.strip, lines[rule + 1:]))
    return fill_down([dict(zip(headers, cut(line))) for line in body])


def copy_with(tmp_path, source, name, change):
    document = json.loads(source.read_text(encoding="utf-8"))
    change(document)
    target = tmp_path / name
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def cells_where(document, **fields):
    return [c for c in document["cells"]
            if all(c.get(f) == v for f, v in fields.items())]


def set_outcome(document, outcome, **fields):
    found = cells_where(document, **fields)
    assert found, f"no cell with {fields}"
    for cell in found:
        cell["outcome"] = outcome
        cell["os_error"] = None if outcome == "ok" else 98


# ---------------------------------------------------------------- vocabulary

def test_cell_key_is_the_vocabularys():
    cell = json.loads(LINUX.read_text())["cells"][-1]
    fields = [field for field, _ in model.cell_key(cell)]
    assert fields == [f for f in vocabulary.cell_key_fields() if f in cell]
    assert "outcome" not in fields and "family" not in fields


def test_reportlib_restates_no_vocabulary_table():
    for name in ("OPTION_ORDER", "STATE_ORDER", "SPAWN_ORDER",
                 "ENDPOINT_ADDRESSES", "FAMILY_LABELS", "KEY_FIELD_ORDER"):
        assert not hasattr(model, name), name
    assert [model.family_label(f) for f in model.family_names()] == [
        row["label"] for row in vocabulary.rows("os_families")]


def with_names(document, **names):
    """Every cell renamed (field=value), as a file of another vocabulary."""
    for cell in document["cells"]:
        cell.update(names)


def test_unknown_names_are_one_line_each_listing_the_valid_ones(capsys,
                                                               tmp_path):
    bad = copy_with(tmp_path, LINUX, "names.json", lambda d: (
        with_names(d, state="SYN_SENT"),
        d["cells"][3].update(listener_option="SO_BOGUS")))
    code, out, err = run(capsys, bad)
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith("report.py: ")
                                   for line in lines)
    states = ", ".join(vocabulary.names("states"))
    assert lines[0].endswith(f"cells[0] and 93 more: state 'SYN_SENT' is "
                             f"not in the vocabulary (valid: {states})")
    assert "cells[3]: listener_option 'SO_BOGUS'" in lines[1]
    assert ", ".join(vocabulary.names("options")) in lines[1]


def test_unknown_names_stay_a_few_lines_whatever_the_input(capsys, tmp_path):
    def many(document):
        for index, cell in enumerate(document["cells"]):
            cell["state"] = f"STATE_{index}"
    code, _, err = run(capsys, copy_with(tmp_path, LINUX, "many.json", many))
    assert code == 2
    assert len(err.splitlines()) == load.MAX_PROBLEMS + 1
    assert err.splitlines()[-1].endswith("89 more unknown names")


def test_schema_takes_runtime_options_and_per_cell_provenance():
    validator = load.load_validator()
    document = json.loads(BLOG_XP.read_text())
    cell = dict(document["cells"][0], listener_option="go:net.Listen",
                probe_option="node:net.createServer", state="BOUND",
                probe_endpoint="[::ffff:0.0.0.0]", provenance={
                    "repository": "wine-mirror/wine",
                    "path": "dlls/ws2_32/tests/sock.c", "version": "wine-9.0",
                    "function": "test_reuseaddr", "line": 2345})
    document["cells"].append(cell)
    assert validator.is_valid(document)
    cell["provenance"].pop("line")
    assert not validator.is_valid(document)
    cell["provenance"]["line"] = 2345
    cell["listener_option"] = "net.Listen"
    assert not validator.is_valid(document)


def test_the_vocabularys_newer_names_load(tmp_path):
    cell = dict(json.loads(BLOG_XP.read_text())["cells"][0], state="BOUND",
                probe_endpoint="[::ffff:0.0.0.0]", probe_addr="v4mapped")
    changed = loaded(copy_with(tmp_path, BLOG_XP, "new.json",
                               lambda d: d["cells"].append(cell)))
    assert len(changed.cells) == 13


@pytest.mark.parametrize("argv, module, package", [
    (["--html", "page.html"], "jinja2", "python3-jinja2"),
    (["--png", "picture.png"], "matplotlib", "python3-matplotlib"),
    ([], "jsonschema", "python3-jsonschema"),
])
def test_a_missing_module_names_its_package_and_python(capsys, tmp_path,
                                                       monkeypatch, argv,
                                                       module, package):
    monkeypatch.setitem(sys.modules, module, None)
    argv = [str(tmp_path / a) if "." in a else a for a in argv]
    assert_one_line_error(*run(capsys, *argv, WINE), f"module {module}",
                          f"apt-get install {package}", "/usr/bin/python3")


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("name, fragment", [
    ("empty.json", "empty file"),
    ("malformed.json", "not valid JSON: Expecting property name"),
    ("schema-invalid.json", "cells[2].outcome: 'maybe' does not match"),
    ("partial.json", "cells[1]: 'state' is a required property"),
    ("duplicate-cell.json", "cells[9] repeats cells[0]"),
])
def test_bad_result_file_is_one_line_exit_2(capsys, name, fragment):
    assert_one_line_error(*run(capsys, BAD / name), name, fragment)


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d.pop("harness"), "'harness' is a required"),
    (lambda d: d["cells"][0].pop("probe_endpoint"),
     "cells[0]: 'probe_endpoint' is a required property"),
    (lambda d: d["cells"][0].update(listener_endpoint="10.0.0.1"),
     "cells[0]: listener_endpoint '10.0.0.1' is not in the vocabulary "
     "(valid: 0.0.0.0, 127.0.0.1"),
    (lambda d: cells_where(d, scenario="hijack")[0].pop("reached"),
     "'reached' is a required property"),
    (lambda d: cells_where(d, scenario="hijack")[0].update(reached="most"),
     "'most' is not one of"),
])
def test_measured_file_is_checked_against_the_schema(capsys, tmp_path,
                                                     change, fragment):
    bad = copy_with(tmp_path, LINUX, "bad.json", change)
    assert_one_line_error(*run(capsys, bad), fragment)


def test_validator_still_finds_errors_after_values_passed(tmp_path):
    # The validator remembers values that passed: a value that fails must
    # still fail after the same field passed in ~90 other cells.
    validator = load.load_validator()
    load.load_result_file(LINUX, validator)
    bad = copy_with(tmp_path, LINUX, "bad.json",
                    lambda d: d["cells"][-1].update(proto="sctp"))
    with pytest.raises(model.ReportError, match=r"cells\[93\]\.proto"):
        load.load_result_file(bad, validator)


def test_reference_file_must_have_provenance(capsys, tmp_path):
    bad = copy_with(tmp_path, BLOG_XP, "no-provenance.json",
                    lambda d: d["platform"].pop("provenance"))
    assert_one_line_error(*run(capsys, bad), "platform: 'provenance'")


def test_two_files_with_one_platform_id_are_rejected(capsys, tmp_path):
    twin = tmp_path / "twin.json"
    shutil.copy(WINE, twin)
    assert_one_line_error(*run(capsys, WINE, twin),
                          "platform id windows-wine-fixture is in both")


@pytest.mark.parametrize("output", ["--html", "--png", "--readme"])
def test_unwritable_output_fails_before_the_work(capsys, tmp_path, output,
                                                 monkeypatch):
    def no_work(*args):
        raise AssertionError("worked for an output it cannot write")

    monkeypatch.setattr(load, "load_validator", no_work)
    target = tmp_path / "no-such-dir" / "out"
    assert_one_line_error(*run(capsys, output, target, WINE),
                          f"cannot write {target}: no directory")


@pytest.mark.parametrize("argv, fragment", [
    (["--all", "--check", LINUX], "--all goes with the printed report"),
    (["--baseline", LINUX, LINUX], "--baseline goes with --check"),
    (["--diff", LINUX, LINUX, "--png", "x.png"], "does not combine with"),
    (["--platform", LINUX, "--check"], "does not combine with --check"),
    (["--platform", "no-such-file.json"], "no-such-file.json: cannot read"),
])
def test_wrong_combinations_are_one_line(capsys, argv, fragment):
    assert_one_line_error(*run(capsys, *argv), fragment)


@pytest.mark.parametrize("argv, fragment", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    ([str(BAD / "malformed.json")], "not valid JSON"),
    (["no-such-file.json"], "no-such-file.json: cannot read"),
])
def test_command_line_errors_never_show_a_traceback(argv, fragment):
    done = subprocess.run([sys.executable, str(REPO / "report.py"), *argv],
                          capture_output=True, text=True, timeout=60)
    assert_one_line_error(done.returncode, done.stdout, done.stderr, fragment)


def test_default_files_are_everything_under_results(capsys):
    code, out, _ = run(capsys, "--all")
    assert code == 0
    for path in REFERENCE.glob("*.json"):
        assert json.loads(path.read_text())["platform"]["id"] in out


def test_default_files_skip_runs_still_being_written(capsys, tmp_path,
                                                     monkeypatch):
    shutil.copy(LINUX, tmp_path / "linux-fixture.json")
    (tmp_path / ".run-4242.json").write_text('{"half a fi')
    monkeypatch.setattr(load, "RESULTS_DIR", tmp_path)
    code, out, _ = run(capsys)
    assert code == 0 and "linux-fixture" in out


def test_no_result_files_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(load, "RESULTS_DIR", tmp_path)
    assert_one_line_error(*run(capsys), "no result files under")


# ---------------------------------------------------------------- --platform

def platform_text(capsys, path, *files):
    code, out, err = run(capsys, "--platform", path, *files)
    assert (code, err) == (0, "")
    return out


SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]")


def plain(rows):
    """Table values without their source marks."""
    return [{k: SUPERSCRIPT.sub("", v) for k, v in row.items()}
            for row in rows]


def test_platform_view_opens_with_the_answer_card(capsys):
    lines = platform_text(capsys, LINUX, BLOG_FC6).splitlines()
    assert lines[0].startswith("Linux, linux-fixture (measured): Linux ")
    assert lines[2] == "Linux: set SO_REUSEADDR"
    titles = [line[2:25].strip() for line in lines[3:12]
              if line.startswith("  ") and line[2] != " "]
    assert titles[:4] == ["restart-safe", "hijack-safe, other user",
                          "hijack-safe, same user", "inherit-safe"]
    assert lines[3].split() == [
        "restart-safe", "yes", "measured", "linux-fixture:", "binds", "in",
        "FIN_WAIT_2,", "TIME_WAIT"]


def test_platform_view_names_an_emulation_as_such(capsys):
    first = platform_text(capsys, WINE).splitlines()[0]
    assert first.startswith("Windows under wine-8.0 (emulated: the emulator "
                            "applies its own bind rules), "
                            "windows-wine-fixture; it reports Wine fixture")


def test_platform_view_is_the_blogs_table_beside_the_references(capsys):
    out = platform_text(capsys, WINE, BLOG_XP, MSDOC_2003)
    rows = plain(text_rows(out, "The blog's table"))
    assert list(rows[0]) == ["OS", "option", "from", "LISTEN", "ESTABLISHED",
                             "FIN_WAIT_2", "TIME_WAIT"]
    assert [list(r.values())[1:] for r in rows] == [
        ["default", "wine-8.0", "INUSE", "INUSE", "INUSE ≠", "ok"],
        ["default", "references", "INUSE", "INUSE", "ok ≠", "ok"],
        ["SO_REUSEADDR", "wine-8.0", "ok", "ok", "ok", "ok"],
        ["SO_REUSEADDR", "references", "ok", "ok", "ok", "ok"],
        ["SO_EXCLUSIVEADDRUSE", "wine-8.0", "INUSE", "INUSE", "ok ≠", "ok"],
        ["SO_EXCLUSIVEADDRUSE", "references", "INUSE", "INUSE", "INUSE ≠",
         "ok"]]
    assert ("  Windows SO_EXCLUSIVEADDRUSE FIN_WAIT_2: wine-8.0 ok; "
            "windows-xp-sp3-blog EADDRINUSE") in out
    assert "¹ windows-wine-fixture (emulated: wine-8.0)" in out


def test_platform_view_leaves_out_empty_rows_and_columns(capsys):
    # Two blogs: no SO_REUSEPORT row (Linux 2.6.18 had none), no BOUND
    # column (the blog never bound without listening).
    out = platform_text(capsys, BLOG_FC6, BLOG_RH8)
    rows = text_rows(out, "The blog's table")
    assert [(r["option"], r["from"]) for r in rows] == [
        ("default", "linux-2.6.18-fc6-blog"), ("default", "references"),
        ("SO_REUSEADDR", "linux-2.6.18-fc6-blog"),
        ("SO_REUSEADDR", "references")]
    assert list(rows[0]) == ["OS", "option", "from", "LISTEN", "ESTABLISHED",
                             "FIN_WAIT_2", "TIME_WAIT"]
    assert "\nHijack at 0.0.0.0/0.0.0.0: not measured here.\n" in out


def test_platform_view_takes_the_selftests_where_they_speak(capsys):
    # The kernel's selftests bind without listening (BOUND), and
    # reuseport_addr_any.c binds SO_REUSEPORT listeners: a column and a
    # row that the blogs lack, each value citing its line.
    out = platform_text(capsys, BLOG_FC6, BLOG_RH8, KSELFTEST)
    rows = text_rows(out, "The blog's table")
    assert list(rows[0])[3:] == ["BOUND", "LISTEN", "ESTABLISHED",
                                 "FIN_WAIT_2", "TIME_WAIT"]
    assert [(r["option"], r["from"], r["BOUND"], r["LISTEN"],
             r["TIME_WAIT"]) for r in rows] == [
        ("default", "linux-2.6.18-fc6-blog", "–", "INUSE¹", "INUSE¹"),
        ("default", "references", "INUSE²", "INUSE³", "INUSE²"),
        ("SO_REUSEADDR", "linux-2.6.18-fc6-blog", "–", "INUSE¹", "ok¹"),
        ("SO_REUSEADDR", "references", "–", "INUSE³", "ok³"),
        ("SO_REUSEPORT", "references", "–", "ok²", "–")]
    assert footnote(out, "² linux-conformance-kselftest-6.12").endswith(
        "; default BOUND tools/testing/selftests/net/bind_wildcard.c:66, "
        "default TIME_WAIT tools/testing/selftests/net/bind_timewait.c:87, "
        "SO_REUSEPORT LISTEN "
        "tools/testing/selftests/net/reuseport_addr_any.c:84")


def test_platform_view_reads_only_the_references_among_files(capsys):
    # Other measured files are not what --platform marks against, and a
    # real run's cells take long to check: a broken one goes unnoticed.
    out = platform_text(capsys, WINE, BLOG_XP, BAD / "schema-invalid.json",
                        WINE)
    assert "ok¹ ≠" in out


def test_platform_view_digests_the_hijack_scenario(capsys):
    out = platform_text(capsys, LINUX)
    assert ("Got in: same user 1 of 4, other user 0 of 4 cells (an option "
            "pair over LISTEN or BOUND); the rest: bind() refused") in \
        " ".join(out.split())
    assert text_rows(out, "Hijack at 0.0.0.0/0.0.0.0") == [{
        "user": "same", "over": "LISTEN", "listener option": "SO_REUSEPORT",
        "probe option": "SO_REUSEPORT", "listen": "ok",
        "connections": "32", "reached": "both"}]


def test_platform_view_shows_option_pairs_with_numbered_columns(capsys):
    out = platform_text(capsys, LINUX)
    listen = text_rows(out, "Option pairs at 0.0.0.0/0.0.0.0, same user")
    assert [list(r.values()) for r in listen] == [
        ["1 default", "INUSE", "INUSE", "INUSE"],
        ["2 SO_REUSEADDR", "INUSE", "INUSE", "INUSE"],
        ["3 SO_REUSEPORT", "INUSE", "INUSE", "ok"]]
    time_wait = text_rows(out[out.index("\nTIME_WAIT"):], "")
    assert list(time_wait[0]) == ["TIME_WAIT", "1", "2", "3"]
    assert [r["2"] for r in time_wait] == ["INUSE", "ok", "INUSE"]


def paragraph(text, start):
    """The lines from the one starting with start to the next blank one,
    joined as they were before wrapping."""
    lines = text[text.index(start):].split("\n\n")[0].splitlines()
    return " ".join(line.strip() for line in lines)


def footnote(text, start):
    """The line starting with start and the indented lines after it (a
    wrapped footnote), joined as they were before wrapping."""
    lines = text[text.index(start):].splitlines()
    indent = " " * (len(lines[0]) - len(lines[0].lstrip()) + 2)
    body = itertools.takewhile(lambda line: line.startswith(indent),
                               lines[1:])
    return " ".join([lines[0]] + [line.strip() for line in body])


def test_platform_view_tables_inherited_listeners(capsys):
    out = platform_text(capsys, LINUX)
    rows = text_rows(out, "Inherited listeners at 0.0.0.0/0.0.0.0")
    assert list(rows[0]) == ["cloexec", "spawn", "port", "listener", "loop",
                             "default", "SO_REUSEPORT"]
    assert [list(r.values()) for r in rows] == [
        ["false", "fork-exec", "LISTEN", "yes", "no", "INUSE", "ok"],
        ["false", "uv_spawn", "LISTEN", "yes", "no", "INUSE", "ok"],
        ["true", "fork-exec", "CLOSED", "no", "no", "ok", "ok"],
        ["true", "uv_spawn", "CLOSED", "no", "no", "ok", "ok"]]
    assert paragraph(out, "Verdict: a leaked") == (
        "Verdict: a leaked listener blocks the restart (EADDRINUSE with "
        "default; ok with SO_REUSEPORT; leaked by fork-exec, uv_spawn); "
        "close-on-exec frees the port (fork-exec, uv_spawn) Left out, this "
        "OS lacks them: CreateProcess-inherit")


def test_inheritance_on_windows_says_what_the_os_does_not(capsys):
    out = platform_text(capsys, WINE)
    rows = text_rows(out, "Inherited listeners at 0.0.0.0/0.0.0.0")
    assert [list(r.values()) for r in rows] == [
        ["false", "uv_spawn", "LISTEN", "yes", "?", "INUSE", "ACCES"],
        ["false", "CreateProcess-inherit", "LISTEN", "yes", "?", "INUSE",
         "ACCES"],
        ["false", "CreateProcess-noinherit", "CLOSED", "no", "?", "ok", "ok"],
        ["true", "uv_spawn", "CLOSED", "no", "?", "ok", "ok"],
        ["true", "CreateProcess-inherit", "CLOSED", "no", "?", "ok", "ok"],
        ["true", "CreateProcess-noinherit", "CLOSED", "no", "?", "ok", "ok"]]
    verdict_line = paragraph(out, "Verdict: ")
    assert ("CreateProcess-noinherit passes no listener to the child, "
            "close-on-exec or not") in verdict_line
    assert "Left out, this OS lacks them: fork-exec" in verdict_line


def test_platform_without_inherit_cells_says_so(capsys):
    assert "\nInherited listeners: not measured here.\n" in platform_text(
        capsys, BSD)


def test_inheritance_verdict_follows_the_data(tmp_path):
    def leaky(document):
        for cell in cells_where(document, scenario="inherit", cloexec=False,
                                spawn="fork-exec"):
            cell["child_holds_loop"] = True
        for cell in cells_where(document, scenario="inherit", cloexec=True,
                                spawn="uv_spawn"):
            cell.update(witnessed_state="LISTEN", state="LISTEN")

    changed = loaded(copy_with(tmp_path, LINUX, "leaky.json", leaky))
    found = inheritance.inheritance(changed, views.References([]))
    assert found.verdict.split("; ")[-2:] == [
        "close-on-exec does not free the port with uv_spawn",
        "the child holds the server's event loop too with fork-exec"]
    assert [(r.cloexec, r.spawn, r.holds_loop) for r in found.rows][0] == (
        False, "fork-exec", "yes")


def test_platform_view_ends_with_one_summary_line(capsys):
    out = platform_text(capsys, LINUX)
    assert out.splitlines()[-1] == (
        "94 cells: 24 ok, 43 EADDRINUSE, 26 unsupported; 1 invalid")


def test_all_prints_every_cell_grouped(capsys):
    code, out, _ = run(capsys, "--platform", LINUX, "--all")
    assert code == 0
    titles = [line for line in out.splitlines()
              if re.match(r"(bind|hijack|inherit) (tcp|udp) ", line)]
    # In the vocabulary's order: endpoints as it lists them.
    assert titles == [
        "bind tcp 0.0.0.0/0.0.0.0, same user (ipv4)",
        "bind tcp 0.0.0.0/0.0.0.0, other user (ipv4)",
        "bind tcp 0.0.0.0/127.0.0.1, same user (ipv4)",
        "bind tcp 0.0.0.0/[::], same user (dualstack)",
        "bind tcp 127.0.0.1/0.0.0.0, same user (ipv4)",
        "bind tcp [::]/[::], same user (ipv6)",
        "bind udp 0.0.0.0/0.0.0.0, same user (ipv4)",
        "hijack tcp 0.0.0.0/0.0.0.0, same user (ipv4)",
        "hijack tcp 0.0.0.0/0.0.0.0, other user (ipv4)",
    ] + [f"inherit tcp 0.0.0.0/0.0.0.0, same user (ipv4) cloexec={flag} "
         f"spawn={spawn}" for flag in ("false", "true")
         for spawn in ("fork-exec", "uv_spawn", "CreateProcess-inherit")]
    shown = 0
    for title in titles:
        for row in text_rows(out, title):
            outcomes = list(row.values())[2:]
            shown += sum(value != model.NOT_MEASURED for value in outcomes)
    assert shown == 94  # every cell, once
    hijack = text_rows(out, "hijack tcp 0.0.0.0/0.0.0.0, same user")
    assert {r["probe option"]: r["LISTEN"] for r in hijack
            if r["listener option"] == "SO_REUSEPORT"} == {
        "SO_REUSEADDR": "INUSE",
        "SO_REUSEPORT": "ok; listen ok; reached both"}
    assert "1 × invalid: old connection was in FIN_WAIT_1" in out


# ---------------------------------------------------------------- Markdown

def test_markdown_opens_with_the_cards_then_the_blogs_table(capsys):
    code, out, _ = run(capsys, LINUX, BLOG_FC6, WINE, BLOG_XP, MSDOC_2003)
    assert code == 0
    assert out.startswith("### What to set: the answer per OS\n")
    headings = re.findall(r"^#### (.*)$", out, re.MULTILINE)
    assert headings == ["Windows: set default (no option)",
                        "Linux: set SO_REUSEADDR",
                        "FreeBSD: no evidence yet (no measured file, "
                        "reference or emulation)",
                        "macOS: no evidence yet (no measured file, "
                        "reference or emulation)"]
    assert out.index("#### Windows") < out.index("### The blog's table")
    windows = markdown_rows(out, "question")
    assert [(r["question"], r["answer"]) for r in windows] == [
        ("restart-safe", "**yes**"), ("hijack-safe, other user", "**yes**"),
        ("hijack-safe, same user", "**no**"), ("inherit-safe", "**no**")]
    assert windows[0]["evidence"].startswith(
        "not measured; reference windows-xp-sp3-blog: binds in FIN_WAIT_2")
    assert windows[3]["evidence"].startswith(
        "not measured; emulated windows-wine-fixture: an inherited")


def test_main_table_is_the_blogs_shape_at_the_best_evidence(capsys):
    _, out, _ = run(capsys, LINUX, BLOG_FC6, WINE, BLOG_XP, MSDOC_2003)
    rows = plain(markdown_rows(out, "OS"))
    assert list(rows[0]) == ["OS", "option", "LISTEN<br>(hijack)",
                             "ESTABLISHED<br>(hijack)",
                             "FIN_WAIT_2<br>(restart)",
                             "TIME_WAIT<br>(restart)"]
    assert [list(r.values()) for r in rows] == [
        ["Windows", "default", "EADDRINUSE", "EADDRINUSE", "ok ≠", "ok"],
        ["Windows", "SO_REUSEADDR", "ok", "ok", "ok", "ok"],
        ["Windows", "SO_EXCLUSIVEADDRUSE", "EADDRINUSE", "EADDRINUSE",
         "EADDRINUSE ≠", "ok"],
        ["Linux", "default", "EADDRINUSE", "EADDRINUSE", "EADDRINUSE",
         "EADDRINUSE"],
        ["Linux", "SO_REUSEADDR", "EADDRINUSE", "EADDRINUSE", "ok", "ok"],
        ["Linux", "SO_REUSEPORT", "ok", "ok", "ok", "ok"]]
    # The source of each value: the measured file on Linux, the references
    # on Windows (the larger first), never the emulation they contradict.
    marks = markdown_rows(out, "OS")
    assert marks[0]["FIN_WAIT_2<br>(restart)"] == "ok² ≠"
    sources = out[out.index("Sources ("):out.index("Other sources")]
    assert [line.split(":")[0] for line in sources.splitlines()[2:-1]] == [
        "- ¹ windows-2003-and-later-msdoc (reference)",
        "- ² windows-xp-sp3-blog (reference)",
        "- ³ linux-fixture (measured)",
        "- · windows-wine-fixture (emulated"]  # named by the card only
    assert ("- ¹ windows-2003-and-later-msdoc (reference): Microsoft, 'Using "
            "SO_REUSEADDR and SO_EXCLUSIVEADDRUSE' (Windows Sockets 2 "
            "documentation)\n") in sources
    assert ("- ≠ Windows default FIN_WAIT_2: windows-xp-sp3-blog ok; "
            "wine-8.0 EADDRINUSE") in out


def test_everything_else_is_one_step_away(capsys):
    _, out, _ = run(capsys, LINUX, WINE, BLOG_XP)
    assert "### The blog's table in every file" not in out
    assert "`report.py --all`" in out.splitlines()[-1]
    _, every, _ = run(capsys, "--all", LINUX, WINE, BLOG_XP)
    assert every.startswith(out[:out.index("Everything else")])
    for heading in ("### The blog's table in every file",
                    "### Inherited listeners",
                    "### Each file's answers, option by option"):
        assert heading in every
    rows = markdown_rows(every, "platform")
    assert rows[0]["platform"] == "windows-xp-sp3-blog (reference)"
    assert {r["listener option"] for r in rows
            if r["platform"] == "linux-fixture (measured)"} == {
        "default", "SO_REUSEADDR", "SO_REUSEPORT"}


def blog_keys(*paths):
    """The blog's cells, chosen here without the report's code."""
    keys = set()
    for path in paths:
        for c in json.loads(path.read_text())["cells"]:
            if (c["scenario"], c["proto"], c["probe_user"]) == (
                    "bind", "tcp", "same") \
                    and c["listener_option"] == c["probe_option"] \
                    and (c["listener_endpoint"], c["probe_endpoint"]) in (
                        ("0.0.0.0", "0.0.0.0"), ("[::]", "[::]")):
                keys.add((c["family"], c["listener_option"], c["state"]))
    return keys


def test_every_file_comparison_has_one_column_per_platform(capsys):
    _, out, _ = run(capsys, "--all", LINUX, BLOG_FC6, WINE, BLOG_XP)
    rows = markdown_rows(out, "family")
    platforms = list(rows[0])[3:]
    assert platforms == [
        "Windows<br>windows-xp-sp3-blog<br>reference",
        "Windows<br>windows-wine-fixture<br>emulated: wine-8.0",
        "Linux<br>linux-fixture<br>measured",
        "Linux<br>linux-2.6.18-fc6-blog<br>reference"]
    assert {(r["family"], r["option"], r["state"]) for r in rows} == \
        blog_keys(LINUX, BLOG_FC6, WINE, BLOG_XP)


def wine_diverges_from(references, key):
    files = load_files(WINE, *references)
    wine = next(r for r in files if not r.is_reference)
    return views.References(files).diverges(wine, key)


def test_marker_only_where_no_reference_of_the_family_agrees():
    key = next(k for k, c in loaded(WINE).cells.items()
               if c["probe_option"] == "SO_REUSEADDR"
               and c["listener_option"] == "default"
               and c["probe_user"] == "same" and c["scenario"] == "bind")
    # The XP table says ok, as Wine does; the 2003+ table says EACCES.
    assert not wine_diverges_from([MSDOC_XP, MSDOC_2003], key)
    assert wine_diverges_from([MSDOC_2003], key)


# ---------------------------------------------------------------- answers

def findings(path, option):
    result = loaded(path)
    return tuple(str(f and f"{f.answer}: {f.detail}")
                 for f in (answers.finding(result, option, q)
                           for q in answers.QUESTIONS))


def test_answers_of_a_linux_file():
    assert findings(LINUX, "default") == (
        "no: refused in FIN_WAIT_2: EADDRINUSE, TIME_WAIT: EADDRINUSE",
        "yes: refused in 3 cells; SO_REUSEADDR+SO_REUSEPORT probes not "
        "tried",
        "yes: refused in 4 cells; SO_REUSEADDR+SO_REUSEPORT probes not "
        "tried",
        "no: an inherited listener blocks it (EADDRINUSE; fork-exec, "
        "uv_spawn); close-on-exec frees the port")
    assert findings(LINUX, "SO_REUSEPORT")[2] == (
        "shared: shares with SO_REUSEPORT by design")
    assert findings(LINUX, "SO_REUSEPORT")[3] == (
        "no: binds beside an inherited listener, which still takes "
        "connections; close-on-exec frees the port")


@pytest.mark.parametrize("address, contested", [
    ("0.0.0.0/0.0.0.0", True), ("0.0.0.0/127.0.0.1", True),
    ("127.0.0.1/0.0.0.0", False),  # the specific listener keeps its own
    ("127.0.0.1/127.0.0.1", True), ("[::]/[::]", True), ("[::]/[::1]", True),
    ("[::1]/[::]", False), ("[::1]/[::1]", True),
    ("[::]dual/0.0.0.0", True), ("[::]dual/127.0.0.1", True),
    ("0.0.0.0/[::]dual", True), ("127.0.0.1/[::]dual", False),
    ("[::]dual/[::ffff:127.0.0.1]", True),
    ("[::ffff:127.0.0.1]/127.0.0.1", True),
    ("127.0.0.1/[::ffff:127.0.0.1]", True),
    ("0.0.0.0/[::ffff:0.0.0.0]", True), ("[::ffff:0.0.0.0]/127.0.0.1", True),
    ("0.0.0.0/[::]", False), ("0.0.0.0/[::1]", False),  # IPv6-only: apart
    ("127.0.0.1/[::]", False),
])
def test_which_address_pairs_can_take_a_listeners_connections(address,
                                                              contested):
    listener, probe = address.split("/")
    cell = {"listener_endpoint": listener, "probe_endpoint": probe}
    assert answers.contests(cell) is contested


def test_a_probe_beside_or_apart_from_the_listener_is_no_hijack(tmp_path):
    # The fixture's ok cells at 127.0.0.1/0.0.0.0 and 0.0.0.0/[::] are
    # another user's here: still no hijack.
    def other_user(document):
        for cell in document["cells"]:
            if cell["listener_endpoint"] != cell["probe_endpoint"] and \
                    cell["outcome"] == "ok" and \
                    cell["probe_endpoint"] != "127.0.0.1":
                cell["probe_user"] = "other"

    changed = copy_with(tmp_path, LINUX, "apart.json", other_user)
    assert findings(changed, "default")[1].startswith("yes: refused in 3")


def test_same_user_sharing_only_counts_with_sharing_options(tmp_path):
    changed = copy_with(tmp_path, LINUX, "shared.json", lambda d: set_outcome(
        d, "ok", scenario="bind", listener_option="SO_REUSEPORT",
        probe_option="default", probe_user="same", state="LISTEN"))
    assert findings(changed, "SO_REUSEPORT")[2] == (
        "no: a default probe at 0.0.0.0 binds over it")


@pytest.mark.parametrize("listen_outcome, other_user", [
    ("EADDRINUSE", "yes"), ("ok", "no")])
def test_a_hijack_needs_the_second_socket_to_listen(tmp_path, listen_outcome,
                                                    other_user):
    def second_bind_works(document):
        (cell,) = cells_where(document, scenario="hijack",
                              listener_option="SO_REUSEADDR",
                              probe_option="SO_REUSEADDR",
                              probe_user="other")
        cell.update(outcome="ok", os_error=None, connections=32,
                    listen_outcome=listen_outcome,
                    reached="both" if listen_outcome == "ok" else "first")

    changed = copy_with(tmp_path, LINUX, "listen.json", second_bind_works)
    assert findings(changed, "SO_REUSEADDR")[1].split(":")[0] == other_user


# ---------------------------------------------------------------- cards

def card_of(family, *paths):
    return card.family_card(family, load_files(*paths))


def card_lines(found):
    return {r.title: (r.answer, r.evidence) for r in card.card_rows(found)}


@pytest.fixture(scope="module")
def committed():
    """Every committed result file: the cards the README shows."""
    return load.load_result_files(load.default_result_paths(),
                                  load.load_validator())


def test_windows_card_from_the_committed_results(committed):
    found = card.family_card("windows", committed)
    assert card.heading(found) == "Windows: set default (no option)"
    rows = {r.title: r for r in card.card_rows(found)}
    assert (rows["restart-safe"].answer, rows["restart-safe"].evidence) == (
        "yes", "not measured; reference windows-xp-sp3-blog")
    other = rows["hijack-safe, other user"]
    assert (other.answer, other.evidence) == (
        "yes", "not measured; reference windows-2003-and-later-msdoc")
    # Wine's conformance tests decide, citing the ok() line that real
    # Windows passes (Microsoft's table says the same: no line of it).
    same = rows["hijack-safe, same user"]
    assert (same.answer, same.evidence, same.detail) == (
        "no", "not measured; reference windows-conformance-wine-sock.c, "
        "dlls/ws2_32/tests/sock.c:2270",
        "a default probe at 127.0.0.1 binds over it")
    # Wine disagrees, and the card says so, with whether Wine's own tests
    # predict it; the todo_wine file is no source of its own line.
    assert same.disagreements == (
        "wine-8.0 gives EADDRINUSE where windows-conformance-wine-sock.c "
        "gives ok (default probe at 127.0.0.1, LISTEN), as Wine's tests "
        "predict (todo_wine, sock.c:2270)",)
    assert rows["inherit-safe"].evidence == (
        "not measured; emulated windows-wine-8.0-x86_64")
    assert [r.id for r in found.named] == [
        "windows-xp-sp3-blog", "windows-2003-and-later-msdoc",
        "windows-conformance-wine-sock.c", "windows-wine-8.0-x86_64"]
    assert found.tradeoff == (
        "default: restart-safe, refuses other users but lets the same user "
        "bind over it; SO_EXCLUSIVEADDRUSE: refuses everyone but blocks a "
        "restart in FIN_WAIT_2.")


def test_cards_of_the_committed_results_in_vocabulary_order(committed):
    found = card.cards(committed)
    assert [c.family for c in found] == list(vocabulary.names("os_families"))
    assert [c.option for c in found] == ["default", "SO_REUSEADDR",
                                         "SO_REUSEADDR", None]
    linux = card_lines(found[1])
    assert set(linux.values()) == {
        ("yes", "measured linux-6.18-x86_64"),
        ("no", "measured linux-6.18-x86_64")}
    assert card_lines(found[2])["hijack-safe, other user"] == (
        "?", "not measured, and no source says")
    # Short lines: no 300-character verdicts.
    for c in found:
        assert len(c.tradeoff) < 200
        for r in card.card_rows(c):
            assert len(f"{r.evidence}: {r.detail}") < 170
            assert all(len(d) < 160 for d in r.disagreements)


def test_an_emulation_never_decides_where_a_reference_speaks():
    found = card_of("windows", WINE, BLOG_XP, MSDOC_2003)
    lines = card_lines(found)
    assert lines["restart-safe"] == (
        "yes", "not measured; reference windows-xp-sp3-blog")
    restart = next(r for r in card.card_rows(found)
                   if r.title == "restart-safe")
    assert restart.disagreements == (
        "wine-8.0 gives EADDRINUSE where windows-xp-sp3-blog gives ok "
        "(FIN_WAIT_2)",)


def test_an_emulation_answers_where_no_reference_speaks():
    lines = card_lines(card_of("windows", WINE, MSDOC_2003))
    assert lines["restart-safe"] == (
        "yes", "not measured; emulated windows-wine-fixture")
    assert lines["hijack-safe, same user"][1] == (
        "not measured; reference windows-2003-and-later-msdoc")


def test_a_measured_file_beats_the_references():
    changed = card_of("linux", LINUX, BLOG_FC6)
    assert card_lines(changed)["restart-safe"] == (
        "yes", "measured linux-fixture")


def test_the_option_follows_the_data(tmp_path):
    changed = copy_with(tmp_path, LINUX, "changed.json", lambda d: set_outcome(
        d, "EADDRINUSE", listener_option="SO_REUSEADDR",
        probe_option="SO_REUSEADDR", state="TIME_WAIT",
        listener_endpoint="0.0.0.0", probe_endpoint="0.0.0.0"))
    found = card_of("linux", changed)
    # SO_REUSEPORT: restart-safe, but shared with the same user's sockets.
    assert found.option == "SO_REUSEPORT"
    assert "SO_REUSEADDR: refuses everyone but blocks a restart in " \
           "TIME_WAIT" in found.tradeoff


def test_markdown_tables_inherited_listeners_per_platform(capsys):
    _, out, _ = run(capsys, "--all", LINUX, WINE, BLOG_XP)
    section = out[out.index("### Inherited listeners"):
                  out.index("### Each file's answers")]
    assert section.count("#### ") == 2  # references have no inherit cells
    linux = section[section.index("#### linux-fixture"):]
    rows = markdown_rows(linux, "cloexec")
    assert list(rows[0]) == inheritance.HEADERS + ["default", "SO_REUSEPORT"]
    assert rows[0]["port after the server exited"] == "LISTEN"
    assert rows[0]["child holds listener"] == "yes"
    wine = section[section.index("#### windows-wine-fixture"):]
    assert markdown_rows(wine, "cloexec")[0]["SO_REUSEADDR"] == "EACCES"
    assert "Verdict: a leaked listener blocks the restart" in wine


# ---------------------------------------------------------------- evidence

@pytest.mark.parametrize("path, evidence, kind, name", [
    (LINUX, "measured", "measured", "linux-fixture"),
    (WINE, "emulated", "emulated: wine-8.0", "wine-8.0"),
    (MSDOC_2003, "reference", "reference", "windows-2003-and-later-msdoc"),
    (WINETEST, "reference", "reference", "windows-conformance-wine-sock.c"),
    # Wine's todo_wine marks: a prediction about Wine, from its own tests.
    (TODO_WINE, "emulator's own tests", "emulator's own tests: wine-8.0",
     "Wine's tests"),
])
def test_evidence_classes_stay_distinct(path, evidence, kind, name):
    result = loaded(path)
    assert (result.evidence, result.kind, result.name) == (
        evidence, kind, name)


def test_wines_own_tests_alone_answer_nothing():
    found = card_of("windows", TODO_WINE)
    assert (found.option, card.card_rows(found)) == (None, [])


def test_wines_own_tests_read_as_a_prediction_about_wine():
    same = card.option_answers(load_files(TODO_WINE, WINETEST),
                               "default")["same"]
    assert same.finding.source.id == "windows-conformance-wine-sock.c"
    assert same.disagreements == (
        "Wine's tests predict wine-8.0 gives an error where "
        "windows-conformance-wine-sock.c gives ok (default probe at "
        "127.0.0.1, LISTEN; todo_wine, sock.c:2270)",)


def test_a_reference_that_answers_cites_its_lines():
    found = card_of("windows", WINETEST)
    row = next(r for r in card.card_rows(found)
               if r.title == "hijack-safe, same user")
    # Sorted, three at most: the detail lists every one.
    assert row.evidence == ("not measured; reference windows-conformance-"
                            "wine-sock.c, dlls/ws2_32/tests/sock.c:2051, "
                            "2056, 2066, …")


def test_bound_answers_only_where_no_source_speaks_of_a_listener():
    # FreeBSD's tests bind beside a socket that does not listen: the
    # answer says so.
    alone = next(r for r in card.card_rows(card_of("bsd", FREEBSD_TESTS))
                 if r.title == "hijack-safe, other user")
    assert (alone.answer, alone.evidence, alone.detail) == (
        "yes", "not measured; reference freebsd-conformance-socket_afinet.c,"
        " tests/sys/netinet/socket_afinet.c:495",
        "refused in 16 cells (BOUND: before listen()); "
        "SO_REUSEADDR+SO_REUSEPORT probes not tried")
    # Beside the blog's listener, LISTEN answers the same user; BOUND only
    # the other user, of whom the blog says nothing.
    both = card.option_answers(load_files(FREEBSD_TESTS, BLOG_FREEBSD),
                               "default")
    assert both["same"].finding.source.id == "freebsd-6.2-blog"
    assert both["same"].disagreements == ()
    assert both["other"].finding.source.id == \
        "freebsd-conformance-socket_afinet.c"


def test_main_table_takes_the_suites_where_they_are_the_best_evidence(
        capsys):
    _, out, _ = run(capsys, WINETEST, MSDOC_2003, FREEBSD_TESTS,
                    BLOG_FREEBSD)
    rows = markdown_rows(out, "OS")
    assert [(r["OS"], r["option"], r["BOUND<br>(hijack)"],
             r["LISTEN<br>(hijack)"]) for r in rows] == [
        ("Windows", "default", "EADDRINUSE¹", "EADDRINUSE²"),
        ("Windows", "SO_REUSEADDR", "–", "ok²"),
        ("Windows", "SO_EXCLUSIVEADDRUSE", "–", "EADDRINUSE²"),
        ("FreeBSD", "default", "EADDRINUSE³", "EADDRINUSE⁴"),
        ("FreeBSD", "SO_REUSEADDR", "–", "EADDRINUSE⁴")]
    assert ("- ¹ windows-conformance-wine-sock.c (reference): Wine "
            "conformance tests dlls/ws2_32/tests/sock.c (test_reuseaddr, "
            "tests_exclusive[], test_ipv6only): the ok() expectations, which "
            "hold on real Windows; default BOUND "
            "dlls/ws2_32/tests/sock.c:2336\n") in out
    assert ("- ³ freebsd-conformance-socket_afinet.c (reference): FreeBSD "
            "tests tests/sys/netinet/socket_afinet.c (multibind, "
            "bind_connected_port); default BOUND "
            "tests/sys/netinet/socket_afinet.c:487\n") in out


def wine_beside_its_tests(tmp_path):
    """A made-up Wine run of the cells Wine's tests assert: Windows'
    answers but for three cells. One differs as todo_wine predicts, two
    (SO_REUSEADDR over SO_REUSEADDR, IPv4 and IPv6) differ unpredicted;
    the suite's unnamed errors are named."""
    windows = json.loads(WINETEST.read_text())
    document = json.loads(WINE.read_text())
    document["platform"]["id"] = "windows-wine-beside-its-tests"
    document["cells"] = []
    for cell in windows["cells"]:
        cell = {k: v for k, v in cell.items() if k != "provenance"}
        cell["witnessed_state"] = cell["state"]
        if cell["outcome"] == "error":
            cell.update(outcome="EADDRINUSE", os_error=10048)
        document["cells"].append(cell)
    predicted = cells_where(document, scenario="bind", state="LISTEN",
                            listener_endpoint="0.0.0.0",
                            probe_endpoint="127.0.0.1")
    unpredicted = cells_where(document, listener_option="SO_REUSEADDR",
                              probe_option="SO_REUSEADDR")
    for cell in predicted + unpredicted:
        cell.update(outcome="EACCES" if cell in unpredicted
                    else "EADDRINUSE", os_error=10013)
    path = tmp_path / "wine-beside.json"
    path.write_text(json.dumps(document))
    return path


UNPREDICTED = tuple(
    f"bind tcp {address} SO_REUSEADDR→SO_REUSEADDR same user BOUND: Windows "
    "ok (sock.c:2233), wine-8.0 EACCES; NOT predicted by Wine's tests"
    for address in ("127.0.0.1/127.0.0.1", "[::1]/[::1]"))
PREDICTED = ("bind tcp 0.0.0.0/127.0.0.1 default→default same user LISTEN: "
             "Windows ok (sock.c:2270), wine-8.0 EADDRINUSE; predicted by "
             "Wine's tests (todo_wine, sock.c:2270)")


def test_wine_against_its_tests_lists_an_unpredicted_difference_first(
        tmp_path):
    files = load_files(wine_beside_its_tests(tmp_path), WINETEST, TODO_WINE)
    (found,) = winediff.wine_diffs(files)
    assert [winediff.row_line(found, r) for r in found.rows] == [
        *UNPREDICTED, PREDICTED]
    assert winediff.summary(found) == (
        "Of 34 cells that windows-conformance-wine-sock.c asserts and "
        "windows-wine-beside-its-tests measured, 3 differ: 1 predicted by "
        "Wine's tests (windows-wine-8.0-todo-wine-sock.c), 2 not predicted. "
        "7 predicted differences did not happen: wine-8.0 agrees with "
        "Windows there.")


def test_wine_against_its_tests_in_every_output(capsys, tmp_path):
    wine = wine_beside_its_tests(tmp_path)
    terminal = platform_text(capsys, wine, WINETEST, TODO_WINE)
    section = terminal[terminal.index("wine-8.0 against Windows as Wine's "
                                      "tests assert it"):]
    assert footnote(section, "  bind tcp 127.0.0.1/127.0.0.1") == \
        f"  {UNPREDICTED[0]}"
    # The README's short form: the counts and what was not predicted.
    _, readme, _ = run(capsys, wine, WINETEST, TODO_WINE)
    assert "### wine-8.0 against Windows as Wine's tests assert it" in readme
    assert f"- {UNPREDICTED[0]}\n- {UNPREDICTED[1]}\n\n" in readme
    assert PREDICTED not in readme
    _, every, _ = run(capsys, "--all", wine, WINETEST, TODO_WINE)
    assert f"- {PREDICTED}\n" in every
    # The page: collapsed, every cell.
    page = tmp_path / "page.html"
    assert cli.main(["--html", str(page), str(wine), str(WINETEST),
                     str(TODO_WINE)]) == 0
    html = page.read_text(encoding="utf-8")
    wine_section = html[html.index('<details id="wine">'):]
    wine_section = wine_section[:wine_section.index("</details>")]
    assert wine_section.count("<tr>") == 4  # the header and three cells
    assert wine_section.index("NOT predicted by Wine&#39;s tests") < \
        wine_section.index("predicted by Wine&#39;s tests (todo_wine")
    # Beside it, where each answer comes from, with the asserting line.
    sources = html[html.index('<details id="answer-sources">'):]
    assert ("<li>bind tcp 0.0.0.0/127.0.0.1 SO_EXCLUSIVEADDRUSE→default same "
            "user BOUND: EACCES; test_reuseaddr, line 2051, expecting "
            "WSAEACCES: <code>WSAEACCES,</code></li>") in sources


def test_a_card_says_whether_wines_tests_predict_its_difference(tmp_path):
    files = load_files(wine_beside_its_tests(tmp_path), WINETEST, TODO_WINE)
    found = card.option_answers(files, "SO_REUSEADDR")["same"]
    assert found.disagreements == (
        "wine-8.0 gives EACCES where windows-conformance-wine-sock.c gives "
        "ok (SO_REUSEADDR probe at 127.0.0.1, BOUND), NOT predicted by "
        "Wine's tests (sock.c:2233: no todo_wine)",)


def test_the_committed_wine_run_against_wines_tests(committed):
    (found,) = winediff.wine_diffs(committed)
    assert (found.measured.id, found.os_side.id, found.prediction.id) == (
        "windows-wine-8.0-x86_64", "windows-conformance-wine-sock.c",
        "windows-wine-8.0-todo-wine-sock.c")
    # What python3 -m conformance wine-diff lists, predicted or not.
    done = subprocess.run([sys.executable, "-m", "conformance", "wine-diff"],
                          cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    listed = done.stdout.splitlines()
    assert listed[-1] == (
        f"{len(found.rows)} cells differ from Windows, "
        f"{len(found.rows) - len(found.unpredicted)} predicted by todo_wine,"
        f" {len(found.unpredicted)} not predicted")
    # The README's table of the suites: 8 measured, 0 agree, all 8
    # predicted by todo_wine.
    assert (found.compared, len(found.rows), len(found.unpredicted),
            found.unseen) == (8, 8, 0, ())


def test_a_suites_unnamed_error_agrees_and_wines_tests_are_no_reference(
        tmp_path):
    files = load_files(wine_beside_its_tests(tmp_path), WINETEST, TODO_WINE)
    wine = next(r for r in files if r.evidence == "emulated")
    marks = views.References(files)

    def key(**fields):
        (found,) = [k for k, c in wine.cells.items()
                    if all(c[f] == v for f, v in fields.items())]
        return found
    # Windows: "error" (no error named), Wine EADDRINUSE: no mark.
    assert not marks.diverges(wine, key(
        listener_endpoint="127.0.0.1", probe_endpoint="127.0.0.1",
        listener_option="SO_REUSEADDR", probe_option="default"))
    # Windows ok, todo_wine "error", Wine EADDRINUSE: marked, as the
    # prediction says nothing of Windows.
    assert marks.diverges(wine, key(
        scenario="bind", state="LISTEN", listener_endpoint="0.0.0.0",
        probe_endpoint="127.0.0.1"))


def test_where_each_answer_comes_from_cell_by_cell(capsys):
    _, every, _ = run(capsys, "--all", WINETEST, MSDOC_2003, BLOG_XP)
    section = every[every.index("### Where each answer comes from"):]
    assert ("- Windows: set default (no option), hijack-safe, same user no: "
            "windows-conformance-wine-sock.c (reference), Wine conformance "
            "tests dlls/ws2_32/tests/sock.c") in section
    assert ("  - Debian wine 8.0~repack-4 (the Wine source) "
            "dlls/ws2_32/tests/sock.c (version 8.0~repack-4):\n"
            "    - bind tcp 0.0.0.0/127.0.0.1 default→default same user "
            "LISTEN: ok; test_reuseaddr, line 2270, expecting !rc: "
            "`todo_wine ok(!rc, \"got error %d.\\n\", "
            "WSAGetLastError());`\n") in section
    # A published table cites no line: its document and address.
    assert ("hijack-safe, other user yes: windows-2003-and-later-msdoc "
            "(reference), Microsoft, 'Using SO_REUSEADDR and "
            "SO_EXCLUSIVEADDRUSE' (Windows Sockets 2 documentation) "
            "https://learn.microsoft.com/") in section


def test_a_transcribed_files_every_cell_names_its_line(capsys):
    out = platform_text(capsys, FREEBSD_TESTS, "--all")
    cited = out[out.index("Each cell's source:\n"):]
    assert cited.splitlines()[1] == (
        "freebsd/freebsd-src tests/sys/netinet/socket_afinet.c (version")
    assert cited.count("  bind ") == len(loaded(FREEBSD_TESTS).cells)
    assert "Where the answers come from:\n" in out


# ---------------------------------------------------------------- --diff

def test_diff_says_what_changes_from_linux_to_windows(capsys):
    code, out, err = run(capsys, "--diff", "linux", "Windows", LINUX, WINE,
                         BLOG_XP, MSDOC_2003)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "From Linux to Windows: 28 cells in both"
    assert lines[2:4] == ["Linux: set SO_REUSEADDR",
                          "Windows: set default (no option)"]
    assert ("  SO_REUSEADDR on Windows: hijack-safe, other user yes → no (a "
            "SO_REUSEADDR probe at 0.0.0.0 binds over it)") in lines
    assert ("  bind tcp 0.0.0.0/0.0.0.0 SO_REUSEADDR→SO_REUSEADDR same user "
            "LISTEN: EADDRINUSE (linux-fixture) → ok "
            "(windows-2003-and-later-msdoc)  [good → bad]") in lines
    assert "Cells whose error only changes its name: 2 cells" in lines


def test_diff_of_two_files_cell_by_cell(capsys, tmp_path):
    changed = copy_with(tmp_path, LINUX, "changed.json", lambda d: (
        d["platform"].update(id="linux-changed"), set_outcome(
            d, "ok", scenario="bind", listener_option="default",
            probe_option="default", state="TIME_WAIT",
            listener_endpoint="0.0.0.0", probe_endpoint="0.0.0.0")))
    _, out, _ = run(capsys, "--diff", LINUX, changed)
    assert ("  bind tcp 0.0.0.0/0.0.0.0 default→default same user TIME_WAIT: "
            "EADDRINUSE → ok  [bad → good]") in out.splitlines()


def test_diff_of_an_unknown_name_lists_the_families(capsys):
    assert_one_line_error(*run(capsys, "--diff", "plan9", "linux", LINUX),
                          "--diff plan9: neither a result file nor an OS "
                          "family (families: windows, linux, bsd, darwin)")


# ---------------------------------------------------------------- --baseline

def test_baseline_unchanged_outcomes_pass(capsys, tmp_path):
    later = copy_with(tmp_path, LINUX, "later.json", lambda d: (
        d["platform"].update(release="6.19"),
        d["harness"].update(version="0.2.0")))
    code, out, _ = run(capsys, "--check", "--baseline", LINUX, later)
    assert code == 0
    assert out == ("linux-fixture against linux-fixture: 94 cells in both, "
                   "0 changed, 0 unsupported or invalid on one side only, "
                   "0 new, 0 no longer measured\n")


def test_baseline_a_changed_outcome_fails(capsys, tmp_path):
    later = copy_with(tmp_path, LINUX, "later.json", lambda d: set_outcome(
        d, "ok", scenario="bind", listener_option="default",
        probe_option="default", state="TIME_WAIT",
        listener_endpoint="0.0.0.0", probe_endpoint="0.0.0.0"))
    code, out, _ = run(capsys, "--check", "--baseline", LINUX, later)
    assert code == 1
    assert ("  bind tcp 0.0.0.0/0.0.0.0 default→default same user TIME_WAIT: "
            "outcome EADDRINUSE → ok\n") in out


def test_baseline_directory_finds_the_platforms_file(capsys, tmp_path):
    shutil.copy(LINUX, tmp_path / "linux.json")
    shutil.copy(BLOG_XP, tmp_path / "blog.json")
    code, out, _ = run(capsys, "--check", "--baseline", tmp_path, LINUX, BSD)
    assert code == 0
    assert out.splitlines() == [
        "linux-fixture against linux-fixture: 94 cells in both, 0 changed, "
        "0 unsupported or invalid on one side only, 0 new, 0 no longer "
        "measured",
        f"no baseline of bsd-fixture's platform in {tmp_path}: recorded "
        "only"]


def test_baseline_of_another_platform_is_one_line(capsys):
    assert_one_line_error(*run(capsys, "--check", "--baseline", LINUX, WINE),
                          "is not the platform of the baseline",
                          "family windows (baseline linux)")


# ---------------------------------------------------------------- references

# The blog's own summary table (結果一覧), columns LISTEN, ESTABLISHED,
# FIN_WAIT_2, TIME_WAIT; its Linux rows hold for all three Linux releases
# and, by its note, for FreeBSD 6.2 with errno 48.
BLOG_STATES = ("LISTEN", "ESTABLISHED", "FIN_WAIT_2", "TIME_WAIT")
BLOG_SUMMARY = {
    "windows": {"default": "E E ok ok", "SO_REUSEADDR": "ok ok ok ok",
                "SO_EXCLUSIVEADDRUSE": "E E E ok"},
    "linux": {"default": "E E E E", "SO_REUSEADDR": "E E ok ok"},
}
BLOG_FILES = {"blog-windows-xp-sp3.json": ("windows", 10048),
              "blog-linux-2.6.18-fc6.json": ("linux", 98),
              "blog-linux-2.4.20-rh8.json": ("linux", 98),
              "blog-linux-2.6.24-ubuntu8.04.json": ("linux", 98),
              "blog-freebsd-6.2.json": ("linux", 48)}


@pytest.mark.parametrize("name", sorted(BLOG_FILES))
def test_blog_files_match_the_blogs_summary_table(name):
    summary, errno_value = BLOG_FILES[name]
    cells = loaded(REFERENCE / name).cells.values()
    expected = {(option, state): ("EADDRINUSE", errno_value) if short == "E"
                else ("ok", None)
                for option, row in BLOG_SUMMARY[summary].items()
                for state, short in zip(BLOG_STATES, row.split())}
    got = {(c["listener_option"], c["state"]): (c["outcome"], c["os_error"])
           for c in cells}
    assert got == expected
    # The blog measured one setting only: nothing else may be invented.
    settings = {(c["probe_option"] == c["listener_option"],
                 c["listener_endpoint"], c["probe_endpoint"],
                 c["listener_addr"], c["probe_addr"], c["probe_user"],
                 c["family"]) for c in cells}
    assert settings == {(True, "0.0.0.0", "0.0.0.0", "wildcard", "wildcard",
                         "same", "ipv4")}


def test_microsoft_tables_spot_checks():
    def outcome(path, listener, probe, user="same"):
        (cell,) = [c for c in loaded(path).cells.values()
                   if (c["listener_option"], c["listener_addr"]) == listener
                   and (c["probe_option"], c["probe_addr"]) == probe
                   and c["probe_user"] == user]
        return cell["outcome"], cell["os_error"]

    assert len(loaded(MSDOC_XP).cells) == 36
    assert len(loaded(MSDOC_2003).cells) == 72
    assert outcome(MSDOC_XP, ("SO_EXCLUSIVEADDRUSE", "wildcard"),
                   ("SO_REUSEADDR", "specific")) == ("EACCES", 10013)
    assert outcome(MSDOC_XP, ("default", "wildcard"),
                   ("SO_REUSEADDR", "wildcard")) == ("ok", None)
    assert outcome(MSDOC_2003, ("default", "wildcard"),
                   ("SO_REUSEADDR", "wildcard")) == ("EACCES", 10013)
    assert outcome(MSDOC_2003, ("default", "wildcard"),
                   ("default", "specific")) == ("ok", None)
    assert outcome(MSDOC_2003, ("default", "wildcard"),
                   ("default", "specific"), "other") == ("EACCES", 10013)
    assert outcome(MSDOC_2003, ("SO_EXCLUSIVEADDRUSE", "specific"),
                   ("default", "wildcard"), "other") == ("ok", None)


@pytest.mark.parametrize("path", [MSDOC_XP, MSDOC_2003])
def test_microsoft_tables_say_which_address_specific_is(path):
    result = loaded(path)
    endpoints = {(c["listener_addr"], c["listener_endpoint"])
                 for c in result.cells.values()} | {
        (c["probe_addr"], c["probe_endpoint"])
        for c in result.cells.values()}
    assert endpoints == {("wildcard", "0.0.0.0"), ("specific", "127.0.0.1")}
    assert any("'specific' is 127.0.0.1" in note
               for note in result.platform["provenance"]["notes"])


def test_every_reference_file_says_where_it_comes_from():
    references = load_files(*REFERENCE.glob("*.json"))
    assert {r.id for r in references} >= {
        "windows-xp-sp3-blog", "linux-2.6.18-fc6-blog",
        "linux-2.4.20-rh8-blog",
        "linux-2.6.24-ubuntu8.04-blog", "freebsd-6.2-blog",
        "windows-xp-and-earlier-msdoc", "windows-2003-and-later-msdoc"}
    for result in references:
        provenance = result.platform["provenance"]
        assert result.is_reference
        assert provenance["document"] and provenance["os_build"]
        assert provenance["date"] and provenance["notes"]


# ---------------------------------------------------------------- --check

def fake_expectations(monkeypatch, table, families=("windows", "linux"),
                      source="fake", note=None):
    """drivers/expectations.py stand-in.

    table: fake_key(cell) -> expected outcome, or (outcome, extra) for
    rows that expect more (hijack, inherit).
    """
    asked = []

    class Expectations:
        path = REPO / "scenarios" / "expected" / "fake.toml"

        @staticmethod
        def lookup(cell):
            want = table.get(fake_key(cell))
            if want is None:
                return None
            outcome, extra = want if isinstance(want, tuple) else (want, {})
            return types.SimpleNamespace(outcome=outcome, source=source,
                                         note=note, extra=extra)

    def load_for_platform(platform):
        asked.append(platform["id"])
        return Expectations() if platform["family"] in families else None

    module = types.ModuleType("expectations")
    module.load_for_platform = load_for_platform
    monkeypatch.setitem(sys.modules, "expectations", module)
    return asked


def fake_key(cell):
    """(scenario, listener option, probe option, user, state, cloexec,
    spawn): the last two None but in inherit cells."""
    return tuple(cell.get(f) for f in (
        "scenario", "listener_option", "probe_option", "probe_user", "state",
        "cloexec", "spawn"))


EXTRA_FIELDS = ("listen_outcome", "reached", "child_holds_listener",
                "child_holds_loop")


def measured_as_expected(path):
    """Every cell of the file, expected as measured."""
    return {fake_key(c): (c["outcome"], {f: c[f] for f in EXTRA_FIELDS
                                         if f in c})
            for c in loaded(path).cells.values()}


def test_check_passes_when_measurements_agree(capsys, monkeypatch):
    asked = fake_expectations(monkeypatch, measured_as_expected(WINE))
    code, out, err = run(capsys, "--check", WINE, BLOG_XP)
    assert (code, err) == (0, "")
    assert out == ("windows-wine-fixture against scenarios/expected/"
                   "fake.toml: 35 cells, 0 disagree, 0 without "
                   "expectation\n")
    assert asked == ["windows-wine-fixture"]  # references are not checked


def test_check_fails_on_a_different_outcome(capsys, monkeypatch):
    expected = measured_as_expected(WINE)
    expected[("bind", "default", "default", "same", "FIN_WAIT_2", None,
              None)] = "ok"
    fake_expectations(monkeypatch, expected, source="blog",
                      note="Windows XP SP3")
    code, out, _ = run(capsys, "--check", WINE)
    assert code == check.EXIT_DISAGREE
    assert "35 cells, 1 disagree, 0 without expectation" in out
    assert ("  scenario=bind proto=tcp listener_endpoint=0.0.0.0 "
            "probe_endpoint=0.0.0.0 listener_option=default "
            "probe_option=default probe_user=same state=FIN_WAIT_2: outcome "
            "expected ok, measured EADDRINUSE  [source: blog; Windows XP "
            "SP3]\n") in out


def test_check_compares_what_a_hijack_row_expects(capsys, monkeypatch):
    expected = measured_as_expected(WINE)
    expected[("hijack", "default", "SO_REUSEADDR", "same", "LISTEN", None,
              None)] = (
        "ok", {"listen_outcome": "ok", "reached": "first"})
    fake_expectations(monkeypatch, expected, source="measured")
    code, out, _ = run(capsys, "--check", WINE)
    assert code == check.EXIT_DISAGREE
    assert ("  scenario=hijack proto=tcp listener_endpoint=0.0.0.0 "
            "probe_endpoint=0.0.0.0 listener_option=default "
            "probe_option=SO_REUSEADDR probe_user=same state=LISTEN: reached "
            "expected first, measured second  [source: measured]\n") in out


def test_check_fails_on_an_unwitnessed_cell(capsys, monkeypatch):
    fake_expectations(monkeypatch, measured_as_expected(LINUX))
    code, out, _ = run(capsys, "--check", LINUX)
    assert code == check.EXIT_DISAGREE
    assert ("  scenario=bind proto=tcp listener_endpoint=[::] "
            "probe_endpoint=[::] listener_option=SO_REUSEADDR "
            "probe_option=SO_REUSEADDR probe_user=same "
            "state=ESTABLISHED_NO_LISTENER: invalid, state not witnessed: old "
            "connection was in FIN_WAIT_1 at the deadline\n") in out
    assert "0 without expectation" in out


def test_check_fails_on_a_cell_no_row_names(capsys, monkeypatch):
    # No catch-all: a cell of a name nobody wrote a row for disagrees.
    fake_expectations(monkeypatch, {})
    code, out, _ = run(capsys, "--check", WINE)
    assert code == check.EXIT_DISAGREE
    assert "35 cells, 35 disagree, 35 without expectation" in out
    assert "no row of the expectations names this cell" in out


def test_check_records_a_platform_without_expectations(capsys, monkeypatch):
    fake_expectations(monkeypatch, {}, families=())
    code, out, _ = run(capsys, "--check", LINUX)
    assert code == 0
    assert out == "no expectations for linux-fixture, recorded only\n"


def test_check_with_the_drivers_own_expectations(capsys, tmp_path):
    # The real API (drivers/expectations.py, scenarios/expected/linux.toml)
    # over real cells: they agree, but for the fixture's made-up ones.
    real = copy_with(tmp_path, LINUX, "real.json", lambda d: d.update(
        cells=[c for c in d["cells"] if "note" not in c]))
    code, out, _ = run(capsys, "--check", real)
    assert (code, out) == (0, "linux-fixture against scenarios/expected/"
                              "linux.toml: 93 cells, 0 disagree, 0 without "
                              "expectation\n")


def test_check_without_the_expectations_module(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "expectations", None)
    assert_one_line_error(*run(capsys, "--check", WINE),
                          "--check needs", "expectations.py")


def test_check_reports_a_broken_expectations_file(capsys, monkeypatch):
    module = types.ModuleType("expectations")
    module.ExpectationError = type("ExpectationError", (Exception,), {})

    def load_for_platform(platform):
        raise module.ExpectationError("linux.toml: row 3 needs an outcome")

    module.load_for_platform = load_for_platform
    monkeypatch.setitem(sys.modules, "expectations", module)
    assert_one_line_error(*run(capsys, "--check", LINUX),
                          "linux.toml: row 3 needs an outcome")


# ---------------------------------------------------------------- --readme

README_TEXT = (f"# bindmatrix\n\nQuick start.\n\n{markdown.README_BEGIN}\n"
               f"old table\n{markdown.README_END}\n\n## Licence\n\nMIT\n")


def test_readme_refresh_touches_only_the_marked_section(capsys, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README_TEXT, encoding="utf-8")
    assert run(capsys, "--readme", readme, LINUX) == (0, "", "")
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(markdown.README_BEGIN)
    section, tail = rest.split(markdown.README_END)
    assert head == README_TEXT.split(markdown.README_BEGIN)[0]
    assert tail == README_TEXT.split(markdown.README_END)[1]
    assert "old table" not in section
    assert "#### Linux: set SO_REUSEADDR" in section
    assert "| OS " in section
    run(capsys, "--readme", readme, LINUX)
    assert readme.read_text(encoding="utf-8") == text  # stable


@pytest.mark.parametrize("text", [
    "# no markers\n",
    f"{markdown.README_END}\n{markdown.README_BEGIN}\n",
    f"{markdown.README_BEGIN}\nonly the start\n",
])
def test_readme_without_markers_is_left_alone(capsys, tmp_path, text):
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    assert_one_line_error(*run(capsys, "--readme", readme, LINUX),
                          "needs the markers")
    assert readme.read_text(encoding="utf-8") == text


# ---------------------------------------------------------------- pictures

def png_size(data):
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The HTML pages and the picture of the fixtures and two references."""
    directory = tmp_path_factory.mktemp("page")
    page, picture = directory / "page.html", directory / "picture.png"
    code = cli.main(["--html", str(page), "--png", str(picture), str(WINE),
                     str(LINUX), str(BSD), str(BLOG_XP), str(BLOG_FC6)])
    assert code == 0
    return (page.read_text(encoding="utf-8"),
            (directory / "page-cells.html").read_text(encoding="utf-8"),
            picture.read_bytes())


def test_html_pages_are_self_contained(page):
    for text in page[:2]:
        fetches = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
                             text, re.IGNORECASE)
        assert fetches == []
        assert "<link" not in text and "@import" not in text
        assert '<meta name="viewport" content="width=device-width, ' \
               'initial-scale=1">' in text
    (picture,) = re.findall(r'src="data:image/png;base64,([^"]+)"', page[0])
    assert min(png_size(base64.b64decode(picture))) > 100


def test_html_page_opens_with_the_cards(page):
    main = page[0]
    body = main[main.index("<body>"):]
    assert body.index('class="card"') < body.index('<table class="main">')
    cards = re.findall(r'<section class="card" id="card-(\w+)">', main)
    assert cards == list(vocabulary.names("os_families"))
    answered = re.findall(r'<span class="answer c-([a-z-]+)">([a-z?]+)</span>',
                          main)
    assert ("good", "yes") in answered and ("bad", "no") in answered
    assert set(answered) <= {("good", "yes"), ("bad", "no"),
                             ("shared", "shared"), ("not-measured", "?")}
    assert '<a href="page-cells.html">page-cells.html</a>' in main
    # Colour by consequence: the blog's XP says SO_REUSEADDR binds over a
    # live listener (bad) and lets a restart bind (good).
    assert '<td class="o c-bad" title="ok (windows-xp-sp3-blog)">ok²</td>' \
        in main or '<td class="o c-bad" title="ok (windows-xp-sp3-blog)' \
        in main


def test_cells_page_shows_every_cell_once_with_a_tooltip(page):
    cells_page = page[1]
    tooltips = re.findall(r'<td class="c-[a-z-]+(?: s)?" title="([^"]*)"',
                          cells_page)
    cells = sum(len(loaded(p).cells)
                for p in (WINE, LINUX, BSD, BLOG_XP, BLOG_FC6))
    assert len([t for t in tooltips if t != "not measured"]) == cells
    assert ("SO_REUSEPORT → SO_REUSEPORT, LISTEN: ok; listen ok; reached "
            "both of 32") in tooltips
    assert "not measured" in tooltips


def test_png_picture_has_one_panel_per_os(page, tmp_path):
    picture = page[2]
    one = tmp_path / "one.png"
    assert cli.main(["--png", str(one), str(BLOG_FC6)]) == 0
    width, height = png_size(picture)
    assert width > 600
    # Windows, Linux and FreeBSD: three panels, each taller than the legend.
    assert height > 2 * png_size(one.read_bytes())[1] * 0.9


def test_the_committed_page_stays_under_a_megabyte(tmp_path, committed):
    from reportlib import figure, page as pages
    picture = figure.figure_png(figure.report_figure(committed))
    main, cells = pages.report_pages(committed, picture,
                                     tmp_path / "index.html")
    assert len(main.encode()) < 1_000_000
    assert len(cells.encode()) > len(main.encode())


# ---------------------------------------------------------------- runtimes

RUNTIME_NAMES = [row["name"] for row in vocabulary.rows("options")
                 if row["via"] == "runtime"]


def flat(text):
    """Wrapped text in one line, to find a sentence whatever the width."""
    return " ".join(text.split())


def test_reportlib_takes_every_runtime_name_from_the_vocabulary():
    assert runtimes.runtime_options() == RUNTIME_NAMES
    for path in (REPO / "reportlib").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not [n for n in RUNTIME_NAMES if n in text], path


def test_runtime_table_reads_what_each_runtimes_listener_carries(capsys):
    out = platform_text(capsys, RUNTIMES_LINUX)
    rows = {r["runtime"]: r for r in text_rows(out, "Your runtime:")}
    # The vocabulary's order; the fixture's six runtimes.
    assert list(rows) == ["go:net.Listen", "node:net.createServer",
                          "python:socketserver", "java:ServerSocket",
                          "perl:IO::Socket::IP", "nginx:listen"]
    assert rows["go:net.Listen"] == {
        "runtime": "go:net.Listen", "family": "ipv6", "SO_REUSEADDR": "yes",
        "SO_REUSEPORT": "no", "IPV6_V6ONLY": "no", "close_on_exec": "yes",
        "restart": "yes", "hijack other": "yes", "hijack same": "yes"}
    socketserver = rows["python:socketserver"]
    assert (socketserver["family"], socketserver["SO_REUSEADDR"],
            socketserver["IPV6_V6ONLY"], socketserver["restart"]) == (
        "ipv4", "no", "–", "no")
    assert rows["java:ServerSocket"]["close_on_exec"] == "no"
    assert rows["nginx:listen"]["restart"] == "–"
    # After the card and the blog's table.
    assert out.index("Linux: set") < out.index("The blog's table") \
        < out.index("Your runtime:") < out.index("Inherited listeners")


def test_runtime_table_says_what_warns_and_why_an_answer_is_missing(capsys):
    out = flat(platform_text(capsys, RUNTIMES_LINUX))
    assert ("python:socketserver, restart no: refused in FIN_WAIT_2: "
            "EADDRINUSE, TIME_WAIT: EADDRINUSE") in out
    assert ("perl:IO::Socket::IP, restart no: refused in FIN_WAIT_2: "
            "EADDRINUSE, TIME_WAIT: EADDRINUSE") in out
    # nginx accepts by itself: the harness cannot close its connections.
    assert ("nginx:listen, restart –: its runtime cannot 'accept' at "
            "0.0.0.0, which ESTABLISHED needs") in out
    assert "inherit-safe: not measured for any runtime here yet." in out


def test_runtime_table_names_a_socket_other_than_its_address_asks(capsys):
    out = flat(platform_text(capsys, RUNTIMES_LINUX))
    assert ("Not the socket the address asks for: at 0.0.0.0 ipv6, no "
            "IPV6_V6ONLY: go:net.Listen, java:ServerSocket; at 127.0.0.1 "
            "ipv6, no IPV6_V6ONLY: java:ServerSocket; at [::] ipv6, no "
            "IPV6_V6ONLY: python:socketserver") in out


@pytest.mark.parametrize("endpoint, family, v6only, asked", [
    ("0.0.0.0", "ipv4", None, True), ("0.0.0.0", "ipv6", False, False),
    ("127.0.0.1", "ipv6", False, False), ("[::]", "ipv6", True, True),
    ("[::]", "ipv6", False, False), ("[::]dual", "ipv6", False, True),
])
def test_whether_a_runtimes_socket_is_what_its_address_asks(
        endpoint, family, v6only, asked):
    carried = {"family": family, "SO_REUSEADDR": True,
               "IPV6_V6ONLY": v6only}
    assert runtimes.asked(endpoint, carried) is asked


def test_runtime_table_under_wine_is_emulated_and_names_what_did_not_run(
        capsys):
    out = platform_text(capsys, RUNTIMES_WINE)
    assert text_rows(out, "Your runtime:") == [
        {"runtime": "go:net.Listen", "restart": "yes", "hijack same": "yes"},
        {"runtime": "node:net.createServer", "restart": "yes",
         "hijack same": "yes"}]
    said = flat(out)
    for line in (
            "Your runtime: Windows under wine-8.0, "
            "windows-wine-runtimes-fixture (emulated)",
            "An emulated table says what Wine does, not the OS",
            "hijack-safe, other user, inherit-safe: not measured for any "
            "runtime here yet.",
            "What the listeners carry: wine-8.0 does not show it",
            "hijack same: only the runtime's own probe was tried over "
            "go:net.Listen, node:net.createServer",
            "java:ServerSocket: not measured: runtime java: no Windows build "
            "of it here (the Wine leg has node.exe only)",
            "No cell here: python:asyncio, python:http.server, "
            "python:socketserver, rust:std::net::TcpListener, "
            "java:ServerSocketChannel, ruby:TCPServer, perl:IO::Socket::IP, "
            "nginx:listen"):
        assert line in said
    # A runtime it lacks is the runtime table's to say, not the footer's.
    assert "Left out above" not in out


def test_a_file_without_runtime_cells_says_so(capsys):
    assert "Your runtime: no runtime's own listener measured here." in \
        platform_text(capsys, LINUX)
    assert "No runtime's own listener measured yet." in run(capsys, LINUX)[1]


@pytest.mark.parametrize("reuseport, same_user", [
    (True, "shared"), (False, "no")])
def test_a_runtime_listener_carrying_SO_REUSEPORT_shares_by_design(
        tmp_path, reuseport, same_user):
    # Made up: Go's listener with SO_REUSEPORT (Node's reusePort, were it
    # not ignored), and an SO_REUSEPORT probe of the same user that binds
    # and listens beside it.
    def sharing(document):
        for cell in cells_where(document, listener_option="go:net.Listen"):
            if cell["listener_socket"]:
                cell["listener_socket"]["SO_REUSEPORT"] = reuseport
        (cell,) = cells_where(document, scenario="hijack",
                              listener_option="go:net.Listen",
                              probe_option="SO_REUSEPORT", probe_user="same",
                              probe_endpoint="0.0.0.0", state="LISTEN")
        cell.update(outcome="ok", os_error=None, listen_outcome="ok",
                    connections=32, reached="both")

    table = runtimes.runtime_table(loaded(copy_with(
        tmp_path, RUNTIMES_LINUX, "reuseport.json", sharing)))
    go = table.row("go:net.Listen")
    assert (go.answer("other"), go.answer("same")) == ("yes", same_user)


def test_linux_card_lists_the_runtime_defaults_that_block_a_restart(capsys):
    found = card_of("linux", LINUX, RUNTIMES_LINUX)
    assert found.option == "SO_REUSEADDR"
    line = ("Unsafe runtime defaults: python:socketserver, "
            "perl:IO::Socket::IP (no SO_REUSEADDR, measured): blocks a "
            "restart in FIN_WAIT_2, TIME_WAIT.")
    assert found.runtimes == line
    assert line in flat(terminal.card_text(found))
    markdown_card = markdown.card_markdown(found)
    assert markdown_card.index("Trade-off:") < markdown_card.index(line)


def test_a_card_names_no_runtime_where_none_is_found_unsafe():
    assert card_of("windows", WINE, RUNTIMES_WINE).runtimes == ""
    assert card_of("linux", LINUX).runtimes == ""


def test_a_card_of_runtime_cells_only_says_no_socket_option_is_known():
    found = card_of("linux", RUNTIMES_LINUX)
    assert card.heading(found) == \
        "Linux: no evidence of a socket option yet"
    assert found.runtimes.startswith(
        "Unsafe runtime defaults: python:socketserver, perl:IO::Socket::IP "
        "(measured): blocks a restart")


def test_markdown_has_one_line_per_runtime_and_a_column_per_platform(capsys):
    code, out, _ = run(capsys, RUNTIMES_LINUX, RUNTIMES_WINE)
    assert code == 0
    assert out.index("### The blog's table") < out.index(
        "### Your runtime") < out.index("Everything else is one step away")
    rows = markdown_rows(out, "runtime")
    wine = "Windows<br>windows-wine-runtimes-fixture<br>emulated: wine-8.0"
    linux = "Linux<br>linux-runtimes-fixture<br>measured"
    assert list(rows[0]) == ["runtime", wine, linux]
    by_runtime = {r["runtime"]: r for r in rows}
    assert list(by_runtime) == [f"`{n}`" for n in (
        "go:net.Listen", "node:net.createServer", "python:socketserver",
        "java:ServerSocket", "perl:IO::Socket::IP", "nginx:listen")]
    assert by_runtime["`go:net.Listen`"] == {
        "runtime": "`go:net.Listen`",
        wine: "restart yes, hijack same yes (its own probe only); "
              "listener: ?",
        linux: "restart yes, hijack other yes, hijack same yes; listener: "
               "ipv6, SO_REUSEADDR, no SO_REUSEPORT, no IPV6_V6ONLY, "
               "close_on_exec"}
    assert by_runtime["`python:socketserver`"][linux].startswith(
        "restart no, hijack other yes, hijack same yes; listener: ipv4, "
        "no SO_REUSEADDR")
    assert by_runtime["`java:ServerSocket`"][wine] == (
        "not measured: runtime java: no Windows build of it here (the Wine "
        "leg has node.exe only)")
    assert by_runtime["`perl:IO::Socket::IP`"][wine] == "–"


def test_the_page_tables_each_runtime_coloured_by_its_answers(tmp_path):
    page = tmp_path / "page.html"
    assert cli.main(["--html", str(page), str(LINUX), str(RUNTIMES_LINUX),
                     str(RUNTIMES_WINE)]) == 0
    main = page.read_text(encoding="utf-8")
    assert main.index('<table class="main">') < main.index(
        '<table class="runtimes">')
    assert ('<td class="opt">python:<wbr>socketserver</td><td class="carried">'
            'ipv4, no SO_REUSEADDR, no SO_REUSEPORT, close_on_exec</td>'
            '<td class="o c-bad" title="refused in FIN_WAIT_2: EADDRINUSE, '
            'TIME_WAIT: EADDRINUSE">no</td>') in main
    assert ('<td class="o c-not-measured" title="its runtime cannot '
            '&#39;accept&#39; at 0.0.0.0, which ESTABLISHED needs">–</td>'
            ) in main
    assert ('<td class="why" colspan="4">not measured: runtime java: no '
            'Windows build of it here') in main
    (linux_card,) = re.findall(r'<section class="card" id="card-linux">.*?'
                               r'</section>', main, re.DOTALL)
    # Names may break after a colon on a phone.
    assert ("Unsafe runtime defaults: python:socketserver, "
            "perl:IO::Socket::IP (no SO_REUSEADDR, measured)") in \
        linux_card.replace("<wbr>", "")


def test_option_pairs_leave_runtime_listeners_to_their_table(capsys):
    assert "Option pairs: not measured here." in \
        platform_text(capsys, RUNTIMES_LINUX)


def test_a_second_listener_got_in_only_where_it_listens(capsys, tmp_path):
    # A second bind that worked, and its listen() refused (listen() checks
    # the port again): bound, but no hijack.
    def listen_refused(document):
        [cell] = cells_where(document, scenario="hijack", state="LISTEN",
                             listener_option="SO_REUSEPORT",
                             probe_option="SO_REUSEPORT", probe_user="same",
                             listener_endpoint="0.0.0.0",
                             probe_endpoint="0.0.0.0")
        cell.update(listen_outcome="EADDRINUSE", connections=None,
                    reached=None)
    out = platform_text(capsys, copy_with(tmp_path, LINUX, "l.json",
                                          listen_refused))
    assert ("Got in: same user 0 of 4, other user 0 of 4 cells (an option "
            "pair over LISTEN or BOUND); the rest: bind() or listen() "
            "refused") in " ".join(out.split())
    assert [(r["user"], r["listener option"], r["listen"])
            for r in text_rows(out, "Hijack at 0.0.0.0/0.0.0.0")] == [
        ("same", "SO_REUSEPORT", "INUSE")]


def test_the_hijack_digest_leaves_runtime_listeners_to_their_table(capsys):
    assert "Hijack at 0.0.0.0/0.0.0.0: not measured here." in \
        platform_text(capsys, RUNTIMES_LINUX)

# ---------------------------------------------------------------- size

def big_file(directory):
    """A platform as large as a real run: every endpoint pair, pair of
    socket options, user and TCP state; and each runtime's listener, as a
    run probes it, under every probe option and its own at each endpoint
    and over 0.0.0.0 at 127.0.0.1, carrying what Go's does."""
    runtime = RUNTIME_NAMES
    options = [o for o in vocabulary.names("options") if o not in runtime]
    states = ("LISTEN", "ESTABLISHED", "ESTABLISHED_NO_LISTENER",
              "FIN_WAIT_2", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK")
    endpoints = vocabulary.names("endpoints")[:6]
    pairs = list(itertools.product(options, options)) + [
        (lo, po) for lo in runtime for po in options + [lo]]
    carried = {"family": "ipv6", "SO_REUSEADDR": True, "SO_REUSEPORT": False,
               "IPV6_V6ONLY": False, "close_on_exec": True}
    cells = [{"scenario": "bind", "proto": "tcp", "family": "ipv4",
              "listener_endpoint": listener, "probe_endpoint": probe,
              "listener_addr": "wildcard", "probe_addr": "wildcard",
              "v6only": None, "listener_option": lo, "probe_option": po,
              "probe_user": user, "state": state, "witnessed_state": state,
              "outcome": "ok" if lo == po else "EADDRINUSE",
              "os_error": None if lo == po else 98,
              **({"listener_socket": carried} if lo in runtime else {})}
             for listener, probe in itertools.product(endpoints, endpoints)
             for lo, po in pairs
             if lo not in runtime or listener == probe
             or (listener, probe) == ("0.0.0.0", "127.0.0.1")
             for user in ("same", "other") for state in states]
    document = json.loads(LINUX.read_text())
    document["cells"] = cells
    path = directory / "big.json"
    path.write_text(json.dumps(document))
    return path, len(cells)


def test_a_real_sized_file_reports_quickly_and_fits_a_terminal(capsys,
                                                               tmp_path):
    path, count = big_file(tmp_path)
    started = time.monotonic()
    out = platform_text(capsys, path, BLOG_FC6)
    elapsed = time.monotonic() - started
    assert count > 30_000
    assert out.splitlines()[-1].startswith(f"{count} cells: ")
    assert elapsed < 5, f"--platform took {elapsed:.1f} s"
    # Within 100 columns, but the first line, which names the OS as the
    # file does.
    assert max(len(line) for line in out.splitlines()[1:]) <= 100


# ---------------------------------------------------------------- --repeat

def with_a_varied_cell(document):
    [cell] = cells_where(document, state="FIN_WAIT_2", probe_user="same",
                         listener_option="default", probe_option="default",
                         listener_endpoint="0.0.0.0", probe_endpoint="0.0.0.0")
    cell.update(witnessed_kind="timewait", varied=True, outcomes_seen=[
        {"outcome": "EADDRINUSE", "witnessed_kind": "timewait", "count": 19},
        {"outcome": "ok", "witnessed_kind": "full", "count": 1}])


def test_cells_that_varied_are_listed_with_what_each_run_gave(capsys,
                                                              tmp_path):
    path = copy_with(tmp_path, LINUX, "linux-fixture.json", with_a_varied_cell)
    out = platform_text(capsys, path)
    heading = "linux-fixture: 1 cell varied over 20 runs"
    section = " ".join(out[out.index(heading):].split("\n\n")[0].split())
    assert section.endswith(
        "probe_option=default probe_user=same state=FIN_WAIT_2: EADDRINUSE "
        "19 times (timewait), ok once (full)")
    code, markdown_out, _ = run(capsys, path)
    assert code == 0 and f"{heading} (the OS's answer" in markdown_out


def test_a_file_without_varied_cells_has_no_such_section(capsys):
    assert "varied over" not in platform_text(capsys, LINUX)


def test_witnessed_kind_is_a_vocabulary_name_or_null(capsys, tmp_path):
    def kinds(document):
        document["cells"][0]["witnessed_kind"] = None
        document["cells"][1]["witnessed_kind"] = "halfway"

    path = copy_with(tmp_path, LINUX, "linux-fixture.json", kinds)
    assert_one_line_error(*run(capsys, "--platform", path),
                          "witnessed_kind 'halfway' is not in the vocabulary",
                          "full, timewait")
