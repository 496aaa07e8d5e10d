"""The measured Linux cells against the kernel's own selftests
(results/reference/kselftest-linux-6.12.json): every measured cell that a
selftest case maps onto must give what the selftest asserts.

The measurement is this run's (the driver suites write it to
$BINDMATRIX_RESULTS_DIR/<platform-id>.json) or, without one, the
committed results/linux-6.18-x86_64.json; the test says which. A case
with no measured cell is "not measured": counted, never passed.
"""
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
import conformance  # noqa: E402

MEASURED, WHICH = conformance.linux_measurement(
    os.environ.get("BINDMATRIX_RESULTS_DIR"))
COMPARISON = conformance.compare(conformance.load(MEASURED),
                                 conformance.load(conformance.KSELFTEST))
MEASURED_ROWS = [r for r in COMPARISON.rows if r.verdict != "not measured"]


def test_counts(capsys):
    counts = COMPARISON.counts()
    with capsys.disabled():
        print(f"\nkernel selftests against {MEASURED} ({WHICH}): " +
              ", ".join(f"{k} {v}" for k, v in counts.items()))
    assert counts["cells"] == len(COMPARISON.rows)
    assert counts["agree"] + counts["disagree"] == counts["measured"]


@pytest.mark.parametrize("row", MEASURED_ROWS,
                         ids=[conformance.describe(r.key).replace(" ", ",")
                              for r in MEASURED_ROWS])
def test_measured_cell_gives_what_the_selftest_asserts(row):
    assert row.verdict == "agree", row.line()
