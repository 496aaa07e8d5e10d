"""One test per cell the harness plans (`bindmatrix plan`), checked against
this platform's expectations (scenarios/expected/<family>.toml). A cell
whose state was not witnessed fails; a cell no expectation names fails on a
platform that has expectations; on a platform with none, cells are recorded
and reported as skipped, never as passed."""
import pytest

import harness
import scenarios
import vocabulary

PLAN = [cell for scenario, extra in scenarios.for_this_run()
        for cell in harness.plan(scenario.filter(extra))]


def describe(cell):
    text = f"measured {cell['outcome']}"
    if cell.get("os_error") is not None:
        text += f" (os_error {cell['os_error']})"
    if cell.get("reason"):
        text += f": {cell['reason']}"
    return text


@pytest.mark.parametrize("planned", PLAN, ids=lambda c: c["id"])
def test_cell(planned, measured_cells, expected):
    cell = measured_cells.get(vocabulary.cell_key(planned))
    assert cell is not None, "the harness did not report this cell"
    assert cell["outcome"] != "invalid", describe(cell)
    if cell["outcome"] != "unsupported":
        shown_by = vocabulary.row("states", cell["state"])["shown_by"]
        assert cell["witnessed_state"] in shown_by, \
            f"declared {cell['state']}, witnessed {cell['witnessed_state']}"
    if expected is None:
        pytest.skip(f"no expectations for this platform: {describe(cell)}")
    want = expected.lookup(cell)
    assert want is not None, (f"no row of {expected.path.name} names this "
                              f"cell: {describe(cell)}")
    assert cell["outcome"] == want.outcome, (
        f"expected {want.outcome} ({want.source}), {describe(cell)}")
    for field, value in want.extra.items():
        assert cell.get(field) == value, (
            f"expected {field} {value} ({want.source}), "
            f"measured {cell.get(field)}")
