"""The Python side: scenario and expectation data, filters, test ids, and
the ./matrix command's errors (each one line, exit status 2, before any
work)."""
import subprocess
import textwrap

import pytest

import expectations
import scenarios

MATRIX = scenarios.ROOT / "matrix"


def cell(**fields):
    base = {"scenario": "bind", "proto": "tcp", "family": "ipv4",
            "listener_option": "SO_REUSEADDR", "probe_option": "SO_REUSEADDR",
            "listener_endpoint": "0.0.0.0", "probe_endpoint": "0.0.0.0",
            "probe_user": "same", "state": "TIME_WAIT"}
    return {**base, **fields}


@pytest.mark.parametrize("fields, want", [
    ({}, "tcp-ipv4-SO_REUSEADDR-TIME_WAIT"),
    ({"listener_endpoint": "[::]", "probe_endpoint": "[::]",
      "state": "LISTEN"}, "tcp-ipv6-SO_REUSEADDR-LISTEN"),
    ({"listener_option": "default"},
     "tcp-ipv4-default/SO_REUSEADDR-TIME_WAIT"),
    ({"listener_endpoint": "[::]dual", "probe_user": "other"},
     "tcp-dualstack-SO_REUSEADDR-TIME_WAIT-[::]dual/0.0.0.0-other-user"),
    ({"scenario": "hijack", "state": "LISTEN", "probe_endpoint": "127.0.0.1"},
     "hijack-tcp-ipv4-SO_REUSEADDR-LISTEN-0.0.0.0/127.0.0.1"),
    ({"proto": "udp", "state": "BOUND"}, "udp-ipv4-SO_REUSEADDR-BOUND"),
    ({"probe_endpoint": "[::]"}, "tcp-mixed-SO_REUSEADDR-TIME_WAIT-0.0.0.0/[::]"),
    ({"scenario": "inherit", "listener_option": "default", "state": "LISTEN",
      "cloexec": False, "spawn": "uv_spawn"},
     "inherit-tcp-ipv4-uv_spawn-no-cloexec-default/SO_REUSEADDR"),
    ({"scenario": "inherit", "state": "CLOSED", "cloexec": True,
      "spawn": "fork-exec"},
     "inherit-tcp-ipv4-fork-exec-cloexec-SO_REUSEADDR"),
])
def test_cell_ids_read_like_the_table(fields, want):
    assert scenarios.cell_id(cell(**fields)) == want


def test_the_scenarios_expand_to_every_combination_with_unique_ids():
    for s in scenarios.load_all():
        cells = s.cells()
        # An inherit combination (flag, method) declares one of its states.
        states = sum(len(s.states.get(p, ())) for p in s.protos) \
            if not s.spawns else len(s.protos) * len(s.cloexec) * len(s.spawns)
        assert len(cells) == (len(s.addresses) * len(s.options)
                              * len(s.probe_options) * len(s.users) * states)
        assert len({scenarios.cell_id(c) for c in cells}) == len(cells)
        assert len({scenarios.cell_key(c) for c in cells}) == len(cells)


@pytest.mark.parametrize("cloexec, spawn, state", [
    (True, "fork-exec", "CLOSED"),
    (False, "fork-exec", "LISTEN"),
    (False, "uv_spawn", "LISTEN"),
    (False, "CreateProcess-inherit", "LISTEN"),
    (False, "CreateProcess-noinherit", "CLOSED"),  # passes nothing at all
    (True, "CreateProcess-noinherit", "CLOSED"),
])
def test_inherit_cells_declare_the_state_of_the_model(cloexec, spawn, state):
    [cell] = [c for c in scenarios.load("inherit").cells()
              if (c["cloexec"], c["spawn"]) == (cloexec, spawn)
              and c["listener_option"] == c["probe_option"] == "default"]
    assert cell["state"] == state


def test_cells_of_other_scenarios_have_no_inherit_fields():
    key = scenarios.cell_key(cell())
    assert key[-2:] == (None, None)  # as the harness writes them: absent


@pytest.mark.parametrize("expr, counts", [
    ("proto=udp", {"bind": 18 * 49 * 2}),
    ("option=SO_REUSEADDR address=0.0.0.0/0.0.0.0 probe_user=same",
     {"bind": 8, "hijack": 1, "inherit": 2 * 5}),
    ("scenario=hijack family=dualstack option=default probe_user=other",
     {"hijack": 7}),
    ("state=TIME_WAIT,FIN_WAIT_2 proto=tcp family=ipv4 "
     "listener_option=default probe_option=default probe_user=same",
     {"bind": 2 * 4}),
    ("scenario=inherit cloexec=false spawn=fork-exec,uv_spawn",
     {"inherit": 2 * 7 * 7}),
    ("scenario=inherit state=CLOSED option=default",
     {"inherit": 5 + 1}),  # every method with the flag; without, one
])
def test_filters_narrow_the_scenarios(expr, counts):
    chosen = scenarios.parse_filter(expr, scenarios.load_all())
    assert {s.name: len(s.cells()) for s in chosen} == counts


@pytest.mark.parametrize("expr, message", [
    ("colour=red", "unknown filter field 'colour'"),
    ("state=SLEEPING", "unknown state 'SLEEPING'"),
    ("proto", "filter term 'proto' is not FIELD=VALUE"),
    ("cloexec=maybe", "unknown cloexec 'maybe'"),
    ("spawn=vfork", "unknown spawn 'vfork'"),
])
def test_bad_filters_are_one_clear_error(expr, message):
    with pytest.raises(scenarios.ScenarioError, match=message):
        scenarios.parse_filter(expr, scenarios.load_all())


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_scenario_missing_a_dimension_is_one_clear_error(tmp_path):
    write(tmp_path, "bad.toml", 'scenario = "bad"\nprotos = ["tcp"]\n')
    with pytest.raises(scenarios.ScenarioError, match="missing addresses"):
        scenarios.load("bad", tmp_path)


EXPECTED = """\
    family = "testos"
    expect = [
      { option = "SO_REUSEADDR", state = "TIME_WAIT", outcome = "ok", source = "a" },
      { address = "0.0.0.0/127.0.0.1", outcome = "EACCES", source = "a, b", note = "v4" },
      { scenario = "hijack", listener_option = "@reuse", outcome = "ok", reached = "both", source = "b" },
      { state = ["LISTEN", "ESTABLISHED"], outcome = "EADDRINUSE", source = "b" },
      { outcome = "EINVAL", source = "b" },
    ]
    [sets]
    reuse = ["SO_REUSEADDR", "SO_REUSEPORT"]
    [sources]
    a = "measured"
    b = "a document"
"""


@pytest.mark.parametrize("fields, outcome, extra", [
    ({}, "ok", {}),                                       # first row
    ({"probe_endpoint": "127.0.0.1"}, "ok", {}),          # first still wins
    ({"probe_endpoint": "127.0.0.1", "state": "LISTEN"}, "EACCES", {}),
    ({"scenario": "hijack", "state": "LISTEN",
      "listener_option": "SO_REUSEPORT"}, "ok", {"reached": "both"}),
    ({"probe_option": "default", "state": "ESTABLISHED"}, "EADDRINUSE", {}),
    ({"probe_option": "default"}, "EINVAL", {}),          # "option": both
])
def test_expectations_first_matching_row_wins(tmp_path, fields, outcome,
                                              extra):
    write(tmp_path, "testos.toml", EXPECTED)
    exp = expectations.load("testos", tmp_path).lookup(cell(**fields))
    assert (exp.outcome, exp.extra) == (outcome, extra)


@pytest.mark.parametrize("change, message", [
    (('source = "b" }', 'source = "c" }'), "cites 'c'"),
    (('"@reuse"', '"@nothing"'), "uses @nothing"),
    ((', source = "a" }', ' }'), "needs an outcome and a source"),
])
def test_bad_expectation_files_are_one_clear_error(tmp_path, change,
                                                    message):
    write(tmp_path, "testos.toml", EXPECTED.replace(*change, 1))
    with pytest.raises(expectations.ExpectationError, match=message):
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
    (["run", "--filter", "colour=red"], "unknown filter field 'colour'"),
    (["run", "--filter", "proto=udp state=LISTEN"],
     "the filter leaves no cell to run"),
    (["run", "--out", "/nonexistent-dir/r.json"],
     "cannot write /nonexistent-dir/r.json"),
    (["run", "--frobnicate"], "unrecognized arguments: --frobnicate"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_matrix_usage_errors_are_one_line_and_exit_2(args, message):
    proc = subprocess.run([str(MATRIX), *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
