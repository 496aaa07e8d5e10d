"""Shared fixtures: one real run of every scenario per test session, and this
platform's expectations. The measured result file is kept under
$BINDMATRIX_RESULTS_DIR (the build directory when Meson runs the suite)."""
import os
from pathlib import Path

import pytest

import expectations
import harness
import scenarios


@pytest.fixture(scope="session")
def measured():
    result = harness.measure(scenarios.for_this_run())
    keep = os.environ.get("BINDMATRIX_RESULTS_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        harness.write_result(
            result, Path(keep) / f"{result['platform']['id']}.json")
    return result


@pytest.fixture(scope="session")
def measured_cells(measured):
    return {scenarios.cell_key(c): c for c in measured["cells"]}


@pytest.fixture(scope="session")
def expected(measured):
    return expectations.load_for_platform(measured["platform"])
