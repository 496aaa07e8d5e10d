"""The Python side: scenario and expectation data, test ids, and the
./matrix command's errors (each one line, exit status 2, before any work)."""
import subprocess
import textwrap

import pytest

import expectations
import scenarios

MATRIX = scenarios.ROOT / "matrix"


def cell(**fields):
    base = {"scenario": "bind", "proto": "tcp", "family": "ipv4",
            "listener_option": "SO_REUSEADDR", "probe_option": "SO_REUSEADDR",
            "listener_addr": "wildcard", "probe_addr": "wildcard",
            "v6only": None, "probe_user": "same", "state": "TIME_WAIT"}
    return {**base, **fields}


@pytest.mark.parametrize("fields, want", [
    ({}, "tcp-ipv4-SO_REUSEADDR-TIME_WAIT"),
    ({"family": "ipv6", "state": "LISTEN"}, "tcp-ipv6-SO_REUSEADDR-LISTEN"),
    ({"listener_option": "default"}, "tcp-ipv4-default/SO_REUSEADDR-TIME_WAIT"),
])
def test_cell_ids_read_like_the_table(fields, want):
    assert scenarios.cell_id(cell(**fields)) == want


def test_the_bind_scenario_expands_to_every_combination():
    s = scenarios.load("bind")
    cells = s.cells()
    assert len(cells) == len(s.families) * len(s.options) * len(s.states)
    assert len({scenarios.cell_id(c) for c in cells}) == len(cells)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_scenario_missing_a_dimension_is_one_clear_error(tmp_path):
    write(tmp_path, "bad.toml", 'scenario = "bad"\nproto = "tcp"\n')
    with pytest.raises(scenarios.ScenarioError, match="missing families"):
        scenarios.load("bad", tmp_path)


EXPECTED = """\
    family = "testos"
    expect = [
      { option = "SO_REUSEADDR", state = "TIME_WAIT", outcome = "ok", source = "a" },
      { family = "ipv6", outcome = "EACCES", source = "a, b", note = "v6" },
      { outcome = "EADDRINUSE", source = "b" },
    ]
    [sources]
    a = "measured"
    b = "a document"
"""


@pytest.mark.parametrize("fields, outcome", [
    ({}, "ok"),                                   # first row
    ({"family": "ipv6"}, "ok"),                   # first row still wins
    ({"family": "ipv6", "state": "LISTEN"}, "EACCES"),
    ({"probe_option": "default"}, "EADDRINUSE"),  # "option" needs both
    ({"state": "LISTEN"}, "EADDRINUSE"),
])
def test_expectations_first_matching_row_wins(tmp_path, fields, outcome):
    write(tmp_path, "testos.toml", EXPECTED)
    exp = expectations.load("testos", tmp_path)
    assert exp.lookup(cell(**fields)).outcome == outcome


def test_expectations_must_cite_defined_sources(tmp_path):
    write(tmp_path, "testos.toml", EXPECTED.replace('source = "b" }',
                                                    'source = "c" }'))
    with pytest.raises(expectations.ExpectationError, match="cites 'c'"):
        expectations.load("testos", tmp_path)


@pytest.mark.parametrize("platform, name", [
    ({"family": "linux", "emulation": None}, "linux"),
    ({"family": "windows", "emulation": None}, "windows"),
    ({"family": "windows", "emulation": "wine-8.0"}, "windows-wine"),
])
def test_wine_is_kept_apart_from_windows(platform, name):
    assert expectations.name_for_platform(platform) == name


def test_an_unknown_platform_has_no_expectations():
    assert expectations.load_for_platform({"family": "plan9"}) is None


def test_every_shipped_expectation_file_loads():
    for path in expectations.EXPECTED_DIR.glob("*.toml"):
        assert expectations.load(path.stem).rows


@pytest.mark.parametrize("args, message", [
    ([], "unknown command ''"),
    (["explode"], "unknown command 'explode'"),
    (["run", "--options", "SO_BOGUS"], "unknown option 'SO_BOGUS'"),
    (["run", "--states", "LISTEN,NOPE"], "unknown state 'NOPE'"),
    (["run", "--out", "/nonexistent-dir/r.json"],
     "cannot write /nonexistent-dir/r.json"),
    (["run", "--frobnicate"], "unrecognized arguments: --frobnicate"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_matrix_usage_errors_are_one_line_and_exit_2(args, message):
    proc = subprocess.run([str(MATRIX), *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
