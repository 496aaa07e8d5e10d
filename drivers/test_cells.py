"""One test per cell of every scenario, checked against this platform's
expectations (scenarios/expected/<family>.toml). A cell whose state was not
witnessed fails; on a platform with no expectations, cells are recorded and
reported as skipped, never as passed."""
import pytest

import scenarios

CELLS = [cell for s in scenarios.for_this_run() for cell in s.cells()]


def describe(cell):
    text = f"measured {cell['outcome']}"
    if cell.get("os_error") is not None:
        text += f" (os_error {cell['os_error']})"
    if cell.get("reason"):
        text += f": {cell['reason']}"
    return text


@pytest.mark.parametrize("key", CELLS, ids=scenarios.cell_id)
def test_cell(key, measured_cells, expected):
    cell = measured_cells.get(scenarios.cell_key(key))
    assert cell is not None, "the harness did not report this cell"
    assert cell["outcome"] != "invalid", describe(cell)
    if cell["outcome"] != "unsupported":
        assert cell["witnessed_state"] == cell["state"], \
            f"declared {cell['state']}, witnessed {cell['witnessed_state']}"
    if expected is None:
        pytest.skip(f"no expectations for this platform: {describe(cell)}")
    want = expected.lookup(cell)
    if want is None:
        pytest.skip(f"no expectation in {expected.path.name}: "
                    f"{describe(cell)}")
    assert cell["outcome"] == want.outcome, (
        f"expected {want.outcome} ({want.source}), {describe(cell)}")
    for field, value in want.extra.items():
        assert cell.get(field) == value, (
            f"expected {field} {value} ({want.source}), "
            f"measured {cell.get(field)}")
