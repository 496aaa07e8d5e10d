"""conformance/: the comparison of measured cells with the conformance
references, and the reference files' own consistency."""
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
import conformance  # noqa: E402
import vocabulary  # noqa: E402
from conformance import cells  # noqa: E402

REFERENCES = (conformance.KSELFTEST, conformance.WINDOWS,
              conformance.WINE_DELTAS, conformance.FREEBSD)
SCHEMA = json.loads((REPO / "results" / "schema.json").read_text())


def cell(outcome="EADDRINUSE", scenario="bind", **fields):
    base = {"scenario": scenario, "proto": "tcp",
            "listener_endpoint": "0.0.0.0", "probe_endpoint": "0.0.0.0",
            "listener_option": "default", "probe_option": "default",
            "probe_user": "same", "state": "BOUND", "outcome": outcome,
            "provenance": {"path": "x.c", "line": 7, "function": "f"}}
    if scenario == "hijack":
        base.update(listen_outcome=None, reached=None, connections=None)
    return {**base, **fields}


def doc(*cells_):
    return {"platform": {"provenance": {"counts": {"cases": 9,
                                                   "mapped": 3}}},
            "cells": list(cells_)}


@pytest.mark.parametrize("reference, measured, agrees", [
    ("EADDRINUSE", "EADDRINUSE", True),
    ("EADDRINUSE", "EACCES", False),
    ("ok", "EADDRINUSE", False),
    ("error", "EADDRINUSE", True),
    ("error", "EACCES", True),
    ("error", "ok", False),
])
def test_outcome_agrees(reference, measured, agrees):
    assert cells.outcome_agrees(reference, measured) is agrees


@pytest.mark.parametrize("reference, connections, measured, agrees", [
    ("second", 1, "second", True),
    ("second", 1, "both", True),
    ("second", 1, "first", False),
    ("second", 32, "both", False),
    ("both", 32, "both", True),
])
def test_reached_agrees(reference, connections, measured, agrees):
    assert cells.reached_agrees(reference, connections, measured) is agrees


@pytest.mark.parametrize("listener, probe, family, v6only", [
    ("0.0.0.0", "0.0.0.0", "ipv4", None),
    ("127.0.0.1", "[::]", "mixed", True),
    ("[::]", "[::1]", "ipv6", True),
    ("[::]dual", "0.0.0.0", "dualstack", False),
    ("[::ffff:0.0.0.0]", "127.0.0.1", "dualstack", False),
])
def test_derived_fields_follow_the_harness(listener, probe, family, v6only):
    got = cells.derived(listener, probe)
    assert (got["family"], got["v6only"]) == (family, v6only)


def test_compare_agree_disagree_not_measured():
    ref = doc(cell("EADDRINUSE"), cell("ok", state="LISTEN"),
              cell("EADDRINUSE", probe_option="SO_REUSEADDR"),
              cell("ok", probe_user="other"))
    measured = {"cells": [cell("EADDRINUSE"), cell("EADDRINUSE",
                                                   state="LISTEN"),
                          cell("unsupported", probe_option="SO_REUSEADDR")]}
    result = conformance.compare(measured, ref)
    assert [r.verdict for r in result.rows] == [
        "agree", "disagree", "not measured", "not measured"]
    assert result.counts() == {"cases": 9, "mapped": 3, "cells": 4,
                               "measured": 2, "agree": 1, "disagree": 1}
    assert "x.c:7 (f)" in result.disagreements()[0].line()


def test_a_hijack_cell_compares_the_second_listener():
    ref = doc(cell("ok", "hijack", state="LISTEN", listen_outcome="ok",
                   reached="second", connections=1))
    got = cell("ok", "hijack", state="LISTEN", listen_outcome="ok",
               reached="first", connections=32)
    (row,) = conformance.compare({"cells": [got]}, ref).rows
    assert (row.verdict, row.fields) == ("disagree", ("reached",))


def test_wine_diff_says_whether_todo_wine_predicts_it():
    windows = doc(cell("ok"), cell("EACCES", probe_option="SO_REUSEADDR"),
                  cell("EADDRINUSE", state="LISTEN"))
    deltas = doc(cell("error"))
    wine = {"cells": [cell("EADDRINUSE"),
                      cell("EADDRINUSE", probe_option="SO_REUSEADDR"),
                      cell("EADDRINUSE", state="LISTEN")]}
    rows = conformance.wine_diff(wine, windows, deltas)
    assert [(r.windows["outcome"], r.predicted) for r in rows] == [
        ("ok", True), ("EACCES", False)]
    assert "NOT predicted by todo_wine" in rows[1].line()


def test_linux_measurement_falls_back_to_the_committed_file(tmp_path):
    path, why = conformance.linux_measurement(tmp_path)
    assert path == conformance.COMMITTED_LINUX and "committed" in why
    run = tmp_path / "linux-x.json"
    run.write_text(json.dumps({"platform": {"family": "linux",
                                            "source": "measured"},
                               "cells": []}))
    assert conformance.linux_measurement(tmp_path) == (
        run, "this run's measurement")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "conformance", *args],
                          cwd=REPO, capture_output=True, text=True)


def test_cli_usage_error_is_one_line_and_exit_2():
    proc = cli("nonsense")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_cli_unreadable_file_is_one_line_and_exit_1(tmp_path):
    proc = cli("compare", str(tmp_path / "missing.json"),
               str(conformance.KSELFTEST))
    assert proc.returncode == 1
    assert proc.stderr.startswith("conformance: ") and \
        proc.stderr.count("\n") == 1


def test_cli_compare_fails_on_a_disagreement(tmp_path):
    (ref_cell, *_) = conformance.load(conformance.KSELFTEST)["cells"]
    wrong = {**ref_cell, "outcome": "ok" if ref_cell["outcome"] != "ok"
             else "EADDRINUSE"}
    measured = tmp_path / "measured.json"
    measured.write_text(json.dumps({"cells": [wrong]}))
    proc = cli("compare", str(measured), str(conformance.KSELFTEST))
    assert proc.returncode == 1
    assert proc.stdout.startswith("disagree: ") and ".c:" in proc.stdout


# ---------------------------------------------------------- the references

@pytest.fixture(scope="module", params=REFERENCES, ids=lambda p: p.name)
def reference(request):
    return conformance.load(request.param)


def test_reference_follows_the_schema(reference):
    jsonschema.validate(reference, SCHEMA)


def test_reference_cells_are_unique_and_derived_as_the_harness_does(
        reference):
    keys = [vocabulary.cell_key(c) for c in reference["cells"]]
    assert len(keys) == len(set(keys))
    for c in reference["cells"]:
        assert {k: c[k] for k in ("family", "listener_addr", "probe_addr",
                                  "v6only")} == cells.derived(
            c["listener_endpoint"], c["probe_endpoint"])
        assert c["witnessed_state"] is None


def test_every_reference_cell_names_its_source_line(reference):
    for c in reference["cells"]:
        for site in [c["provenance"], *c["provenance"]["also"]]:
            assert {"repository", "path", "version", "function", "line",
                    "expected", "text"} <= set(site)
            assert site["line"] > 0 and site["text"]


def test_reference_counts_add_up(reference):
    prov = reference["platform"]["provenance"]
    counts = prov["counts"]
    assert counts["mapped"] + counts["unmapped"] == counts["cases"]
    assert len(prov["unmapped"]) == counts["unmapped"]
    assert sum(r["cases"] for r in prov["unmapped_reasons"]) == \
        counts["unmapped"]
    assert counts["cells"] == len(reference["cells"])
    assert all(u["reason"] for u in prov["unmapped"])


def test_the_wine_deltas_are_todo_wine_cases_only():
    deltas = conformance.load(conformance.WINE_DELTAS)
    assert deltas["platform"]["emulation"] == "wine-8.0"
    for c in deltas["cells"]:
        assert c["provenance"].get("todo_wine") is True
