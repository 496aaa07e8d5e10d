"""Shared fixtures: one real run of every scenario per test session, and this
platform's expectations. The measured result file is kept under
$BINDMATRIX_RESULTS_DIR (the build directory when Meson runs the suite)."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import expectations  # noqa: E402
import harness  # noqa: E402
import scenarios  # noqa: E402
import vocabulary  # noqa: E402


@pytest.fixture(scope="session")
def measured():
    result, _ = harness.measure(scenarios.for_this_run())
    keep = os.environ.get("BINDMATRIX_RESULTS_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        harness.write_result(
            result, Path(keep) / f"{result['platform']['id']}.json")
    return result


@pytest.fixture(scope="session")
def measured_cells(measured):
    return {vocabulary.cell_key(c): c for c in measured["cells"]}


@pytest.fixture(scope="session")
def expected(measured):
    return expectations.load_for_platform(measured["platform"])
