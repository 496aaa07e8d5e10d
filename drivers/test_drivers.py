"""The Python side: scenario files checked against the vocabulary and
turned into the harness's filter terms, expectation files (no catch-all),
and the ./matrix command's errors (each one line, exit status 2, before any
work)."""
import json
import os
import re
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest

import expectations
import harness
import scenarios
import vocabulary
from processes import (few_descriptors, harness_with_role, processes_with,
                       programs_with, wait_until, with_token)

MATRIX = scenarios.ROOT / "matrix"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


# ---- scenario files ------------------------------------------------------------

def harness_options():
    return ",".join(r["name"] for r in vocabulary.rows("options")
                    if r["via"] != "runtime")


def runtime_options():
    return ",".join(r["name"] for r in vocabulary.rows("options")
                    if r["via"] == "runtime")


@pytest.mark.parametrize("name, want", [
    ("bind", "scenario=bind listener_option={h} probe_option={h}"),
    ("inherit", "scenario=inherit address=0.0.0.0/0.0.0.0 "
                "listener_option={h} probe_option={h} probe_user=same "
                "spawn={s}"),
    ("hijack-runtimes", "scenario=hijack proto=tcp "
                        "address=0.0.0.0/0.0.0.0,0.0.0.0/127.0.0.1 "
                        "listener_option={r} state=LISTEN"),
])
def test_the_scenario_files_are_filter_terms(name, want):
    # "@setsockopt", "@libuv", "@runtime": the options by the vocabulary's via
    # spawn: every method a server calls itself, not a runtime's own
    spawns = ",".join(n for n in vocabulary.names("spawns") if n != "runtime")
    assert scenarios.load(name).filter() == want.format(
        h=harness_options(), r=runtime_options(), s=spawns)


def test_every_scenario_of_the_vocabulary_has_cells():
    chosen = scenarios.load_all()
    assert {s.name for s in chosen} == set(vocabulary.names("scenarios"))
    for s in chosen:
        assert harness.plan(s.filter()), s.name


def test_a_narrowing_is_one_more_term():
    inherit = scenarios.load("inherit")
    assert inherit.filter("state=CLOSED") == \
        inherit.filter() + " state=CLOSED"
    # every method with the flag closes the port; without it, the one that
    # passes nothing: 6 of the 10, for each of the 7 x 7 option pairs
    assert len(harness.plan(inherit.filter("state=CLOSED"))) == 6 * 7 * 7


@pytest.mark.parametrize("text, message", [
    ('scenario = "bind"\nprotos = [1, 2]\n', "protos: 1 is not a name"),
    ('scenario = "bind"\nstates = "BOUND"\n',
     'states must be "@all" or a non-empty list of names'),
    ('scenario = "bind"\nstates = []\n',
     'states must be "@all" or a non-empty list of names'),
    ('scenario = "bind"\nstates = ["BOGUS"]\n',
     "states: unknown state 'BOGUS' (known: BOUND, LISTEN,"),
    ('scenario = "bind"\noptions = ["so_reuseaddr"]\n',
     "options: unknown option 'so_reuseaddr'"),
    ('scenario = "bind"\naddresses = ["0.0.0.0"]\n',
     "addresses: '0.0.0.0' is not LISTENER/PROBE"),
    ('scenario = "bind"\naddresses = ["0.0.0.0/[::2]"]\n',
     "addresses: unknown endpoint '[::2]'"),
    ('scenario = "bind"\ncloexec = ["yes"]\n', "cloexec: 'yes' is not true"),
    ('scenario = 5\n', "scenario must be one of bind, hijack, inherit, not 5"),
    ('scenario = "bind"\noptions = ["@fast"]\n',
     "options: unknown group '@fast' (known: @libuv, @runtime, @setsockopt)"),
    ('scenario = "bind"\ncolour = "red"\n', "unknown key 'colour' (known: "),
    ('scenario = "bind"\nstates = [\n', "not TOML"),
], ids=lambda v: v.split("\n")[1] if "\n" in v else None)
def test_a_bad_scenario_file_is_one_line_naming_file_and_key(tmp_path, text,
                                                            message):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(scenarios.ScenarioError) as e:
        scenarios.load("bad", tmp_path)
    assert str(e.value).startswith(str(path)) and message in str(e.value)
    assert "\n" not in str(e.value)


# ---- expectations ----------------------------------------------------------------

def cell(**fields):
    base = {"scenario": "bind", "proto": "tcp", "family": "ipv4",
            "listener_option": "SO_REUSEADDR", "probe_option": "SO_REUSEADDR",
            "listener_endpoint": "0.0.0.0", "probe_endpoint": "0.0.0.0",
            "probe_user": "same", "state": "TIME_WAIT"}
    return {**base, **fields}


EXPECTED = """\
    family = "testos"
    expect = [
      { scenario = "bind", option = "SO_REUSEADDR", state = "TIME_WAIT", outcome = "ok", source = "a" },
      { scenario = "@all", option = "@options", state = "@states", address = "0.0.0.0/127.0.0.1", outcome = "EACCES", source = "a, b", note = "v4" },
      { scenario = "hijack", listener_option = "@reuse", probe_option = "@options", state = "LISTEN", outcome = "ok", reached = "both", source = "b" },
      { scenario = "@all", option = "@options", state = ["LISTEN", "ESTABLISHED"], outcome = "EADDRINUSE", source = "b" },
      { scenario = "bind", option = "@options", state = "TIME_WAIT", outcome = "EINVAL", source = "b" },
    ]
    [sets]
    all = ["bind", "hijack"]
    reuse = ["SO_REUSEADDR", "SO_REUSEPORT"]
    options = ["default", "SO_REUSEADDR", "SO_REUSEPORT"]
    states = ["LISTEN", "ESTABLISHED", "TIME_WAIT"]
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


@pytest.mark.parametrize("fields", [
    {"probe_option": "uv_tcp_bind"},   # an option no row names
    {"state": "FIN_WAIT_2"},           # a state no row names
    {"scenario": "inherit"},           # a scenario no row names
], ids=["option", "state", "scenario"])
def test_a_cell_no_row_names_has_no_expectation(tmp_path, fields):
    write(tmp_path, "testos.toml", EXPECTED)
    assert expectations.load("testos", tmp_path).lookup(cell(**fields)) is None


@pytest.mark.parametrize("change, message", [
    (('source = "b" }', 'source = "c" }'), "cites 'c'"),
    (('"@reuse"', '"@nothing"'), "uses @nothing"),
    ((', source = "a" }', ' }'), "needs an outcome and a source"),
    (('scenario = "bind", option = "SO_REUSEADDR", state = "TIME_WAIT", ',
      'option = "SO_REUSEADDR", state = "TIME_WAIT", '),
     "row 1 does not say which scenario it is about (no catch-all rows"),
    (('state = "TIME_WAIT", outcome = "ok"', 'outcome = "ok"'),
     "row 1 does not say which state it is about"),
    (('listener_option = "@reuse", probe_option = "@options", ',
      'listener_option = "@reuse", '),
     "row 3 does not say which option or probe_option it is about"),
    (('"SO_REUSEPORT"]\n    options', '"SO_REUSE_PORT"]\n    options'),
     "listener_option: unknown name 'SO_REUSE_PORT'"),
    (('outcome = "EINVAL"', 'outcome = "EWHAT"'), "unknown outcome 'EWHAT'"),
    (('reached = "both"', 'reached = "all"'), "reached is one of"),
], ids=["source", "set", "no-outcome", "no-scenario", "no-state",
        "one-option", "unknown-option", "unknown-outcome", "reached"])
def test_bad_expectation_files_are_one_clear_error(tmp_path, change,
                                                    message):
    write(tmp_path, "testos.toml", EXPECTED.replace(*change, 1))
    with pytest.raises(expectations.ExpectationError,
                       match=re.escape(message)):
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


# ---- ./matrix ------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    ([], "unknown command ''"),
    (["explode"], "unknown command 'explode'"),
    (["run", "--options", "SO_BOGUS"], "unknown option 'SO_BOGUS'"),
    (["run", "--states", "LISTEN,NOPE"], "unknown state 'NOPE'"),
    (["run", "--filter", "colour=red"], "unknown filter field 'colour'"),
    (["run", "--filter", "proto=udp state=LISTEN"],
     "the filter leaves no cell to measure"),
    (["run", "--out", "/nonexistent-dir/r.json"],
     "cannot write /nonexistent-dir/r.json"),
    (["run", "--out", "/dev/full"], "/dev/full is not a regular file"),
    (["run", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["run", "--repeat", "0"], "not a number from 1 up: '0'"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_matrix_usage_errors_are_one_line_and_exit_2(args, message):
    proc = subprocess.run([str(MATRIX), *args], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"],
                                  ["test", "--help"], ["bench", "--help"]])
def test_matrix_help_is_help(args):
    proc = subprocess.run([str(MATRIX), *args], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: matrix")


# ---- ./matrix: signals, broken runs, what the harness says ----------------------

# The driver with its folders in `root` (build/, results/, README), and its
# build command replaced by $BM_BUILD_COMMAND when that is set: a real run
# that touches nothing of this checkout.
DRIVER = """
import json, os, sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], str(Path(sys.argv[1]).parent)]
import cli
root = Path(sys.argv[2])
cli.BUILD, cli.RESULTS, cli.README = root / "build", root / "results", \\
    root / "README.md"
if "BM_BUILD_COMMAND" in os.environ:
    cli.build_commands = lambda: [json.loads(os.environ["BM_BUILD_COMMAND"])]
sys.exit(cli.main(sys.argv[3:]))
"""
PYTHON = "/usr/bin/python3"
# The build's harness, whether or not Meson named it.
REAL_HARNESS = {**os.environ, "BINDMATRIX_HARNESS": str(harness.harness_path())}


def driver(root, *args):
    return [PYTHON, "-c", DRIVER, str(Path(harness.__file__).parent),
            str(root), *args]


def test_sigterm_during_the_build_stops_it_and_says_so(tmp_path):
    token, env = with_token()
    env.pop("BINDMATRIX_HARNESS", None)  # so that it builds
    env["BM_BUILD_COMMAND"] = json.dumps(["sleep", "60"])
    proc = subprocess.Popen(driver(tmp_path, "run", "--states", "LISTEN"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    wait_until(lambda: "sleep" in programs_with(token), "the build runs")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err == ("matrix: stopped by SIGTERM during the build; every "
                   "process it started has ended, nothing written\n")
    assert processes_with(token) == []


ONE_CELL = "scenario=bind address=0.0.0.0/0.0.0.0 option=default state=LISTEN"


def test_a_killed_driver_takes_the_harness_with_it(tmp_path):
    # The harness waits on a role that never answers; then ./matrix (the
    # Python driver) is killed outright.
    # In bin/: tmp_path is the driver's root (build/, results/, README).
    exe = harness_with_role(tmp_path / "bin", "exec sleep 60")
    token, env = with_token()
    env.update(BINDMATRIX_HARNESS=str(exe), BINDMATRIX_TIMEOUT_MS="60000")
    proc = subprocess.Popen(driver(tmp_path, "run", "--filter", ONE_CELL),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=env)
    wait_until(lambda: "sleep" in programs_with(token), "a role runs")
    proc.kill()
    wait_until(lambda: processes_with(token) == [], "the harness ended")
    err = proc.stderr.read()  # the harness's stderr is the driver's
    assert "the process that started it ended" in err
    assert err.count("\n") == 1


def fake_harness(tmp_path, script):
    exe = tmp_path / "bindmatrix"
    exe.write_text(f"#!/bin/sh\n{script}\n")
    exe.chmod(0o755)
    return {**os.environ, "BINDMATRIX_HARNESS": str(exe)}


def test_a_harness_killed_by_a_signal_is_one_line_naming_it(tmp_path):
    # As under Wine, where a Windows program cannot catch SIGTERM.
    env = fake_harness(tmp_path, "kill -TERM $$")
    proc = subprocess.run(driver(tmp_path, "run", "--states", "LISTEN"),
                          capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert proc.stderr == ("matrix: bindmatrix was killed by SIGTERM before "
                           "it finished; nothing written\n")


def test_the_driver_shows_what_the_harness_says_on_stderr(tmp_path, capsys,
                                                          monkeypatch):
    plan_line = json.dumps({"scenario": "bind", "id": "x"})
    env = fake_harness(tmp_path, f"echo 'LeakSanitizer: 1 leak' >&2; "
                                 f"echo '{plan_line}'")
    monkeypatch.setenv("BINDMATRIX_HARNESS", env["BINDMATRIX_HARNESS"])
    assert harness.plan("state=LISTEN") == [json.loads(plan_line)]
    assert capsys.readouterr().err == "LeakSanitizer: 1 leak\n"


def test_a_broken_run_replaces_no_result_file(tmp_path):
    # Out of descriptors: most cells invalid. Neither --out's file, nor
    # results/, nor the README is touched; build/results/ has the cells.
    keep = tmp_path / "keep.json"
    keep.write_text("kept")
    (tmp_path / "README.md").write_text("readme")
    proc = subprocess.run(
        driver(tmp_path, "run", "--filter",
               "scenario=bind proto=tcp address=0.0.0.0/0.0.0.0 "
               "listener_option=default", "--out",
               str(keep)), capture_output=True, text=True, timeout=300,
        env=REAL_HARNESS, preexec_fn=few_descriptors)
    assert proc.returncode == harness.SOME_INVALID, proc.stderr
    assert keep.read_text() == "kept"
    assert (tmp_path / "README.md").read_text() == "readme"
    assert not (tmp_path / "results").exists()
    [written] = (tmp_path / "build" / "results").iterdir()
    cells = json.loads(written.read_text())["cells"]
    assert any("EMFILE" in c.get("reason", "") for c in cells)
    # the harness's summary, then the driver's; no traceback
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in proc.stderr
    assert " cells invalid (first: " in lines[0]
    assert lines[1].startswith("matrix: ") and \
        f"and {keep} are unchanged" in lines[1]


def test_repeat_reaches_the_harness_and_its_count_the_run_block(tmp_path):
    out = tmp_path / "r.json"
    proc = subprocess.run(driver(tmp_path, "run", "--filter", ONE_CELL,
                                 "--repeat", "2", "--out", str(out)),
                          capture_output=True, text=True, timeout=120,
                          env=REAL_HARNESS)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text())
    assert (result["run"]["repeat"], result["run"]["varied"]) == (2, 0)
