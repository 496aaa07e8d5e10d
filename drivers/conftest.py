"""Shared fixtures: one real matrix run per test session, and this
platform's expectations. The measured result file is kept under
$BINDMATRIX_RESULTS_DIR (the build directory when Meson runs the suite)."""
import json
import os
from pathlib import Path

import pytest

import expectations
import harness
import scenarios


@pytest.fixture(scope="session")
def scenario():
    return scenarios.load("bind")


@pytest.fixture(scope="session")
def measured(scenario):
    result = harness.run_matrix(families=scenario.families,
                                options=scenario.options,
                                states=scenario.states)
    keep = os.environ.get("BINDMATRIX_RESULTS_DIR")
    if keep:
        path = Path(keep) / f"{result['platform']['id']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1) + "\n")
    return result


@pytest.fixture(scope="session")
def measured_cells(measured):
    return {scenarios.cell_key(c): c for c in measured["cells"]}


@pytest.fixture(scope="session")
def expected(measured):
    return expectations.load_for_platform(measured["platform"])
