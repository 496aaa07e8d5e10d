"""Tests for report.py: loading, tables, verdict, --check, outputs.

Run: /usr/bin/python3 -m pytest -p no:cacheprovider tests/test_report.py
"""

import base64
import json
import re
import shutil
import struct
import subprocess
import sys
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
import report  # noqa: E402  (needs the path above)

DATA = REPO / "tests" / "data"
BAD = DATA / "bad"
WINE = DATA / "wine-fixture.json"
LINUX = DATA / "linux-fixture.json"
BSD = DATA / "bsd-fixture.json"
REFERENCE = REPO / "results" / "reference"
BLOG_XP = REFERENCE / "blog-windows-xp-sp3.json"
BLOG_FC6 = REFERENCE / "blog-linux-2.6.18-fc6.json"
MSDOC_XP = REFERENCE / "msdoc-windows-xp-and-earlier.json"
MSDOC_2003 = REFERENCE / "msdoc-windows-2003-and-later.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(capsys, *argv):
    code = report.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def load(*paths):
    return report.load_result_files(list(paths), report.load_validator())


def loaded(path):
    return load(path)[0]


def assert_one_line_error(code, out, err, *fragments):
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("report.py: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def markdown_rows(text, first_header):
    """The table whose header starts with first_header, as dicts."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(f"| {first_header} "))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([c.strip() for c in line[1:-1].split(" | ")])
    header, _separator, *rows = table
    return [dict(zip(header, row)) for row in rows]


def copy_with(tmp_path, source, name, change):
    document = json.loads(source.read_text(encoding="utf-8"))
    change(document)
    target = tmp_path / name
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


# ---------------------------------------------------------------- cell keys

def test_cell_key_drops_measured_fields_and_orders_columns():
    cell = {"spawn": "fork", "outcome": "ok", "state": "LISTEN",
            "cloexec": False, "note": "n", "probe_user": "same",
            "scenario": "inherit", "os_error": None, "v6only": None,
            "family": "ipv4", "reason": "r", "probe_addr": "wildcard",
            "witnessed_state": "LISTEN", "proto": "tcp",
            "listener_option": "default", "probe_option": "default",
            "listener_addr": "wildcard"}
    fields = [field for field, _ in report.cell_key(cell)]
    assert fields == list(report.KEY_FIELD_ORDER) + ["cloexec", "spawn"]


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


def test_measured_file_must_name_its_harness(capsys, tmp_path):
    bad = copy_with(tmp_path, LINUX, "no-harness.json",
                    lambda d: d.pop("harness"))
    assert_one_line_error(*run(capsys, bad), "'harness' is a required")


def test_reference_file_must_have_provenance(capsys, tmp_path):
    bad = copy_with(tmp_path, BLOG_XP, "no-provenance.json",
                    lambda d: d["platform"].pop("provenance"))
    assert_one_line_error(*run(capsys, bad), "platform: 'provenance'")


def test_two_files_with_one_platform_id_are_rejected(capsys, tmp_path):
    twin = tmp_path / "twin.json"
    shutil.copy(WINE, twin)
    assert_one_line_error(*run(capsys, WINE, twin),
                          "platform id windows-wine-fixture is in both")


def test_platform_view_does_not_combine_with_other_outputs(capsys):
    assert_one_line_error(*run(capsys, "--platform", WINE, "--check"),
                          "does not combine with --check")


def test_unwritable_html_path_is_one_line(capsys, tmp_path):
    page = tmp_path / "no-such-dir" / "page.html"
    assert_one_line_error(*run(capsys, "--html", page, WINE), "cannot write")


@pytest.mark.parametrize("argv, fragment", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    ([str(BAD / "malformed.json")], "not valid JSON"),
    (["no-such-file.json"], "no-such-file.json: cannot read"),
])
def test_command_line_errors_never_show_a_traceback(argv, fragment):
    done = subprocess.run([sys.executable, str(REPO / "report.py"), *argv],
                          capture_output=True, text=True, timeout=60)
    assert_one_line_error(done.returncode, done.stdout, done.stderr, fragment)


# ---------------------------------------------------------------- Markdown

def test_matrix_has_one_row_per_key_and_columns_grouped_by_family(capsys):
    code, out, _ = run(capsys, LINUX, BLOG_FC6, WINE, BLOG_XP)
    assert code == 0
    rows = markdown_rows(out, "scenario")
    platform_columns = [c for c in rows[0] if ": " in c]
    assert platform_columns == [
        "Windows: windows-xp-sp3-blog (reference)",
        "Windows: windows-wine-fixture (emulated: wine-8.0)",
        "Linux: linux-2.6.18-fc6-blog (reference)",
        "Linux: linux-fixture (measured)"]
    cells = [json.loads(p.read_text())["cells"]
             for p in (LINUX, BLOG_FC6, WINE, BLOG_XP)]
    distinct = {tuple(sorted((k, json.dumps(v)) for k, v in c.items()
                             if k not in report.MEASURED_FIELDS))
                for file_cells in cells for c in file_cells}
    assert len(rows) == len(distinct)
    fin_wait = next(r for r in rows if r["scenario"] == "bind"
                    and r["family"] == "ipv4"
                    and r["listener_option"] == "default"
                    and r["probe_option"] == "default"
                    and r["state"] == "FIN_WAIT_2")
    assert [fin_wait[c] for c in platform_columns] == [
        "ok", "EADDRINUSE ≠", "EADDRINUSE", "EADDRINUSE"]


def test_new_scenario_fields_become_key_columns(capsys):
    _, out, _ = run(capsys, LINUX)
    rows = markdown_rows(out, "scenario")
    header = list(rows[0])
    assert header.index("state") < header.index("cloexec") < header.index(
        "spawn")
    inherit = [r for r in rows if r["scenario"] == "inherit"]
    assert [(r["cloexec"], r["spawn"]) for r in inherit] == [("false", "fork")]


def wine_diverges_from(references, key):
    files = load(WINE, *references)
    wine = next(r for r in files if not r.is_reference)
    return report.diverges(wine, key, report.reference_outcomes(files))


def test_marker_only_where_no_reference_of_the_family_agrees():
    key = next(k for k, c in loaded(WINE).cells.items()
               if c["probe_option"] == "SO_REUSEADDR"
               and c["listener_option"] == "default")
    # The XP table says ok, as Wine does; the 2003+ table says EACCES.
    assert not wine_diverges_from([MSDOC_XP, MSDOC_2003], key)
    assert wine_diverges_from([MSDOC_2003], key)


def test_platform_view_puts_states_across_like_the_blog(capsys):
    code, out, _ = run(capsys, "--platform", BLOG_XP)
    assert code == 0
    rows = markdown_rows(out, "listener_option")
    assert list(rows[0]) == ["listener_option", "probe_option", "LISTEN",
                             "ESTABLISHED", "FIN_WAIT_2", "TIME_WAIT"]
    assert [list(r.values()) for r in rows] == [
        ["default", "default", "EADDRINUSE", "EADDRINUSE", "ok", "ok"],
        ["SO_REUSEADDR", "SO_REUSEADDR", "ok", "ok", "ok", "ok"],
        ["SO_EXCLUSIVEADDRUSE", "SO_EXCLUSIVEADDRUSE", "EADDRINUSE",
         "EADDRINUSE", "EADDRINUSE", "ok"]]
    assert "Every row: scenario=bind, proto=tcp, family=ipv4" in out


def test_platform_view_marks_divergence_from_the_references(capsys):
    code, out, _ = run(capsys, "--platform", WINE)
    assert code == 0
    rows = markdown_rows(out, "listener_option")
    exclusive = next(r for r in rows
                     if r["listener_option"] == "SO_EXCLUSIVEADDRUSE")
    assert exclusive["FIN_WAIT_2"] == "ok ≠"
    assert exclusive["TIME_WAIT"] == "ok"
    assert exclusive["ESTABLISHED_NO_LISTENER"] == report.NOT_MEASURED


def test_default_files_are_everything_under_results(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    for path in REFERENCE.glob("*.json"):
        assert json.loads(path.read_text())["platform"]["id"] in out


def test_default_files_skip_runs_still_being_written(capsys, tmp_path,
                                                     monkeypatch):
    shutil.copy(LINUX, tmp_path / "linux-fixture.json")
    (tmp_path / ".run-4242.json").write_text('{"half a fi')
    monkeypatch.setattr(report, "RESULTS_DIR", tmp_path)
    code, out, _ = run(capsys)
    assert code == 0 and "linux-fixture" in out


def test_no_result_files_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "RESULTS_DIR", tmp_path)
    assert_one_line_error(*run(capsys), "no result files under")


# ---------------------------------------------------------------- verdict

def verdicts(path):
    result = loaded(path)
    return {option: tuple(map(str, report.option_verdict(result, option)))
            for option in report.listener_options(result)}


def test_verdict_on_a_linux_platform():
    assert verdicts(LINUX) == {
        "default": ("no — FIN_WAIT_2: EADDRINUSE; TIME_WAIT: EADDRINUSE",
                    "yes — refused: default"),
        "SO_REUSEADDR": ("yes",
                         "yes — refused: default, SO_REUSEADDR, SO_REUSEPORT"),
        "SO_REUSEPORT": ("yes", "no — bound over it: SO_REUSEPORT wildcard"),
        "SO_EXCLUSIVEADDRUSE": ("unsupported", "unsupported"),
    }
    assert report.recommendation(loaded(LINUX)) == "SO_REUSEADDR"


def test_verdict_on_an_emulated_windows_platform():
    assert verdicts(WINE) == {
        "default": ("no — FIN_WAIT_2: EADDRINUSE",
                    "no — bound over it: SO_REUSEADDR wildcard"),
        "SO_REUSEADDR": ("yes", "no — bound over it: SO_REUSEADDR wildcard"),
        "SO_EXCLUSIVEADDRUSE": ("yes", "yes — refused: SO_EXCLUSIVEADDRUSE"),
    }
    assert report.recommendation(loaded(WINE)) == "SO_EXCLUSIVEADDRUSE"


def test_verdict_says_so_when_no_option_is_safe():
    # The wildcard probe beside a specific listener (ok) is no takeover.
    assert verdicts(BSD) == {
        "default": ("no — TIME_WAIT: EADDRINUSE", "yes — refused: default"),
        "SO_REUSEADDR": ("yes", "no — bound over it: SO_REUSEADDR specific, "
                                "other user"),
        "SO_REUSEPORT": ("unknown — not measured: FIN_WAIT_2, TIME_WAIT",
                         "no — bound over it: SO_REUSEPORT wildcard"),
    }
    assert report.recommendation(loaded(BSD)) == (
        "none: no option is both restart-safe and hijack-safe")


def test_verdict_follows_the_data(tmp_path):
    def reuseaddr_time_wait_fails(document):
        for cell in document["cells"]:
            if (cell["listener_option"], cell["state"]) == (
                    "SO_REUSEADDR", "TIME_WAIT"):
                cell["outcome"], cell["os_error"] = "EADDRINUSE", 98

    changed = copy_with(tmp_path, LINUX, "changed.json",
                        reuseaddr_time_wait_fails)
    assert verdicts(changed)["SO_REUSEADDR"][0] == (
        "no — TIME_WAIT: EADDRINUSE")
    assert report.recommendation(loaded(changed)).startswith("none:")


def test_verdict_from_the_published_sources():
    blog = verdicts(BLOG_XP)
    assert blog["SO_REUSEADDR"][1].startswith("no — ")  # Windows hijack
    assert blog["SO_EXCLUSIVEADDRUSE"][0] == "no — FIN_WAIT_2: EADDRINUSE"
    assert report.recommendation(loaded(BLOG_XP)) == "default"
    assert report.recommendation(loaded(BLOG_FC6)) == "SO_REUSEADDR"
    doc = verdicts(MSDOC_2003)
    assert doc["SO_REUSEADDR"][1].startswith("no — ")
    assert doc["SO_EXCLUSIVEADDRUSE"][1].startswith("yes — ")
    assert report.recommendation(loaded(MSDOC_2003)) == (
        "none proven: not enough data for SO_EXCLUSIVEADDRUSE")


def test_markdown_verdict_per_family(capsys):
    _, out, _ = run(capsys, LINUX, BSD)
    assert "#### Linux" in out and "#### BSD" in out
    assert "#### Windows" not in out
    assert "- linux-fixture: SO_REUSEADDR\n" in out
    rows = markdown_rows(out, "platform")
    assert rows[0]["platform"] == "linux-fixture (measured)"
    assert [r["listener option"] for r in rows] == [
        "default", "SO_REUSEADDR", "SO_REUSEPORT", "SO_EXCLUSIVEADDRUSE"]


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
                 c["listener_addr"], c["probe_addr"], c["probe_user"],
                 c["family"]) for c in cells}
    assert settings == {(True, "wildcard", "wildcard", "same", "ipv4")}


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


def test_every_reference_file_says_where_it_comes_from():
    references = load(*REFERENCE.glob("*.json"))
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

    table: (listener option, probe option, state) -> expected outcome.
    """
    asked = []

    class Expectations:
        @staticmethod
        def lookup(cell):
            outcome = table.get((cell["listener_option"],
                                 cell["probe_option"], cell["state"]))
            if outcome is None:
                return None
            return types.SimpleNamespace(outcome=outcome, source=source,
                                         note=note)

    def load_for_platform(platform):
        asked.append(platform["id"])
        return Expectations() if platform["family"] in families else None

    module = types.ModuleType("expectations")
    module.load_for_platform = load_for_platform
    monkeypatch.setitem(sys.modules, "expectations", module)
    return asked


WINE_EXPECTED = {
    ("default", "default", "LISTEN"): "EADDRINUSE",
    ("default", "default", "ESTABLISHED"): "EADDRINUSE",
    ("default", "default", "FIN_WAIT_2"): "EADDRINUSE",
    ("default", "default", "TIME_WAIT"): "ok",
    ("default", "SO_REUSEADDR", "LISTEN"): "ok",
    ("SO_REUSEADDR", "SO_REUSEADDR", "LISTEN"): "ok",
    ("SO_REUSEADDR", "SO_REUSEADDR", "ESTABLISHED"): "ok",
    ("SO_REUSEADDR", "SO_REUSEADDR", "FIN_WAIT_2"): "ok",
    ("SO_REUSEADDR", "SO_REUSEADDR", "TIME_WAIT"): "ok",
    ("SO_EXCLUSIVEADDRUSE", "SO_EXCLUSIVEADDRUSE", "LISTEN"): "EADDRINUSE",
    ("SO_EXCLUSIVEADDRUSE", "SO_EXCLUSIVEADDRUSE",
     "ESTABLISHED"): "EADDRINUSE",
    ("SO_EXCLUSIVEADDRUSE", "SO_EXCLUSIVEADDRUSE", "FIN_WAIT_2"): "ok",
    ("SO_EXCLUSIVEADDRUSE", "SO_EXCLUSIVEADDRUSE", "TIME_WAIT"): "ok",
}


def test_check_passes_when_measurements_agree(capsys, monkeypatch):
    asked = fake_expectations(monkeypatch, WINE_EXPECTED)
    code, out, err = run(capsys, "--check", WINE, BLOG_XP)
    assert (code, err) == (0, "")
    assert out == ("windows-wine-fixture: 14 cells, 0 disagree, "
                   "1 without expectation\n")
    assert asked == ["windows-wine-fixture"]  # references are not checked


def test_check_fails_on_a_disagreement(capsys, monkeypatch):
    expected = dict(WINE_EXPECTED)
    expected[("default", "default", "FIN_WAIT_2")] = "ok"
    fake_expectations(monkeypatch, expected, source="blog",
                      note="Windows XP SP3")
    code, out, _ = run(capsys, "--check", WINE)
    assert code == report.EXIT_DISAGREE
    assert "14 cells, 1 disagree" in out
    assert ("state=FIN_WAIT_2: expected ok (blog; Windows XP SP3), "
            "got EADDRINUSE") in out


def test_check_fails_on_an_unwitnessed_cell(capsys, monkeypatch):
    fake_expectations(monkeypatch, {})
    code, out, _ = run(capsys, "--check", LINUX)
    assert code == report.EXIT_DISAGREE
    assert ("state=ESTABLISHED_NO_LISTENER: invalid, not witnessed: old "
            "connection was in FIN_WAIT_1 at the deadline") in out


def test_check_records_a_platform_without_expectations(capsys, monkeypatch):
    fake_expectations(monkeypatch, {}, families=())
    code, out, _ = run(capsys, "--check", LINUX)
    assert code == 0
    assert out == "no expectations for linux-fixture, recorded only\n"


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

README_TEXT = (f"# bindmatrix\n\nQuick start.\n\n{report.README_BEGIN}\n"
               f"old table\n{report.README_END}\n\n## Licence\n\nMIT\n")


def test_readme_refresh_touches_only_the_marked_section(capsys, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README_TEXT, encoding="utf-8")
    assert run(capsys, "--readme", readme, LINUX) == (0, "", "")
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(report.README_BEGIN)
    section, tail = rest.split(report.README_END)
    assert head == README_TEXT.split(report.README_BEGIN)[0]
    assert tail == README_TEXT.split(report.README_END)[1]
    assert "old table" not in section
    assert "- linux-fixture: SO_REUSEADDR" in section
    assert "| scenario |" in section
    run(capsys, "--readme", readme, LINUX)
    assert readme.read_text(encoding="utf-8") == text  # stable


@pytest.mark.parametrize("text", [
    "# no markers\n",
    f"{report.README_END}\n{report.README_BEGIN}\n",
    f"{report.README_BEGIN}\nonly the start\n",
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


def test_html_page_is_self_contained(capsys, tmp_path):
    page = tmp_path / "page.html"
    assert run(capsys, "--html", page, WINE, BLOG_XP) == (0, "", "")
    text = page.read_text(encoding="utf-8")
    fetches = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
                         text, re.IGNORECASE)
    assert fetches == []
    assert "<link" not in text and "@import" not in text
    (picture,) = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert min(png_size(base64.b64decode(picture))) > 100
    assert '<th colspan="2">Windows</th>' in text
    assert 'class="outcome o-ok divergent">ok ≠</td>' in text
    assert "SO_EXCLUSIVEADDRUSE" in text and "<h2>Verdict</h2>" in text


def test_png_picture_is_written(capsys, tmp_path):
    picture = tmp_path / "matrix.png"
    assert run(capsys, "--png", picture, LINUX, BLOG_FC6) == (0, "", "")
    width, height = png_size(picture.read_bytes())
    assert width > 300 and height > 300
