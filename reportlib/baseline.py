"""--check --baseline FILE: a measured file against an earlier run of the
same platform, outcomes only (release strings, versions and timings are
not compared), so that any OS's CI fails on a change of behaviour.
--baseline DIR takes the file of each measured file's platform from DIR
(results/: the committed ones), and only records where DIR has none."""

from pathlib import Path

from . import load
from .model import (NOT_EVIDENCE, ReportError, display_value,
                    key_sort_order)
from .diff import describe

EXIT_CHANGED = 1
# What a cell observed; everything else names the cell or the run.
OUTCOME_FIELDS = ("outcome", "listen_outcome", "reached",
                  "child_holds_listener", "child_holds_loop")
# What makes two files the same platform (the release may differ: a CI
# runner's kernel moves on).
PLATFORM_FIELDS = ("family", "emulation", "arch")


def platform_differences(baseline, result):
    return [f"{f} {display_value(result.get(f))} (baseline "
            f"{display_value(baseline.get(f))})"
            for f in PLATFORM_FIELDS if baseline.get(f) != result.get(f)]


def same_platform(baseline, result):
    differing = platform_differences(baseline.platform, result.platform)
    if differing:
        raise ReportError(f"{result.path} is not the platform of the "
                          f"baseline {baseline.path}: {', '.join(differing)}")


def changed_fields(old, new):
    return [f"{f} {display_value(old.get(f))} → {display_value(new.get(f))}"
            for f in OUTCOME_FIELDS if old.get(f) != new.get(f)]


def compare(baseline, result):
    """Print what changed; True when nothing did."""
    same_platform(baseline, result)
    changed, skipped = [], 0
    common = baseline.cells.keys() & result.cells.keys()
    for key in sorted(common, key=key_sort_order):
        old, new = baseline.cells[key], result.cells[key]
        if {old["outcome"], new["outcome"]} & NOT_EVIDENCE:
            skipped += old["outcome"] != new["outcome"]
            continue
        fields = changed_fields(old, new)
        if fields:
            changed.append(f"  {describe(new)}: {'; '.join(fields)}")
    only_old = len(baseline.cells.keys() - common)
    only_new = len(result.cells.keys() - common)
    print(f"{result.id} against {baseline.id}: {len(common)} cells in both, "
          f"{len(changed)} changed, {skipped} unsupported or invalid on one "
          f"side only, {only_new} new, {only_old} no longer measured")
    for line in changed:
        print(line)
    return not changed


def baseline_in(directory, result, validator):
    """The measured file of result's platform under directory, or None."""
    for path in sorted(Path(directory).glob("*.json")):
        document = load.read_json(path)
        platform = document.get("platform") if isinstance(document,
                                                          dict) else None
        if isinstance(platform, dict) and platform.get("source") == \
                "measured" and not platform_differences(platform,
                                                        result.platform):
            return load.checked_result(path, document, validator)
    return None


def run_check(baseline_path, paths, validator):
    if not paths:
        raise ReportError("--check --baseline needs the measured files to "
                          "compare with it")
    files = [load.load_result_file(path, validator) for path in paths]
    measured = [r for r in files if not r.is_reference]
    if not measured:
        raise ReportError("--check --baseline: no measured file among the "
                          "files")
    fixed = None if Path(baseline_path).is_dir() else \
        load.load_result_file(baseline_path, validator)
    unchanged = True
    for result in measured:
        baseline = fixed or baseline_in(baseline_path, result, validator)
        if baseline is None:
            print(f"no baseline of {result.id}'s platform in "
                  f"{baseline_path}: recorded only")
            continue
        unchanged = compare(baseline, result) and unchanged
    return 0 if unchanged else EXIT_CHANGED
