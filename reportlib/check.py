"""--check: each measured file against its OS family's expectations, the
ones `meson test` uses (drivers/expectations.py over scenarios/expected/).
A cell no row of its family's file names disagrees too: a new option or
state cannot pass unseen. Cells are named by their key fields."""

import importlib
import sys

from .load import REPO
from .model import ReportError, describe_key, display_value, key_sort_order

DRIVERS_DIR = REPO / "drivers"
EXIT_DISAGREE = 1


def drivers_module(name):
    if str(DRIVERS_DIR) not in sys.path:
        sys.path.insert(0, str(DRIVERS_DIR))
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ReportError(f"--check needs {DRIVERS_DIR}/{name}.py: "
                          f"{error}") from None


def expectations_for(module, platform):
    # A broken expectations file is the user's to fix: the module's own
    # error (ExpectationError, a one-line message) becomes ours.
    broken_file = getattr(module, "ExpectationError", ())
    try:
        return module.load_for_platform(platform)
    except broken_file as error:
        raise ReportError(str(error)) from None


def expected_fields(expectation):
    """The outcome, and what else the row expects (hijack: listen_outcome,
    reached; inherit: child_holds_listener, child_holds_loop)."""
    return {"outcome": expectation.outcome, **expectation.extra}


def disagreement(cell, expectation):
    """What is wrong with the cell, citing the expectation's source when
    it is one that says so; None when nothing is."""
    if cell["outcome"] == "invalid":
        reason = cell.get("reason") or "no reason given"
        return f"invalid, state not witnessed: {reason}"
    if expectation is None:
        return "no row of the expectations names this cell"
    differences = [f"{field} expected {display_value(want)}, measured "
                   f"{display_value(cell.get(field))}"
                   for field, want in expected_fields(expectation).items()
                   if cell.get(field) != want]
    if not differences:
        return None
    note = f"; {expectation.note}" if expectation.note else ""
    return f"{'; '.join(differences)}  [source: {expectation.source}{note}]"


def shown_path(path):
    try:
        return path.relative_to(REPO)
    except ValueError:
        return path


def check_file(result, expectations):
    """Print the file's disagreements; True when there are none."""
    problems, unexpected = [], 0
    for key in sorted(result.cells, key=key_sort_order):
        cell = result.cells[key]
        expectation = expectations.lookup(cell)
        unexpected += expectation is None and cell["outcome"] != "invalid"
        problem = disagreement(cell, expectation)
        if problem:
            problems.append(f"  {describe_key(key)}: {problem}")
    print(f"{result.id} against {shown_path(expectations.path)}: "
          f"{len(result.cells)} cells, {len(problems)} disagree, "
          f"{unexpected} without expectation")
    for problem in problems:
        print(problem)
    return not problems


def run_check(files):
    measured = [r for r in files if not r.is_reference]
    if not measured:
        print("no measured result files to check")
        return 0
    module = drivers_module("expectations")
    agreed = True
    for result in measured:
        expectations = expectations_for(module, result.platform)
        if expectations is None:
            print(f"no expectations for {result.id}, recorded only")
            continue
        agreed = check_file(result, expectations) and agreed
    return 0 if agreed else EXIT_DISAGREE
