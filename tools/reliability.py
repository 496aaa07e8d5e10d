#!/usr/bin/env python3
"""Reliability, measured (not a test: it takes minutes): does the harness
give the same outcomes whatever the machine is doing?

    tools/reliability.py busy          the full native matrix idle, then with
                                       both cores kept busy: 0 invalid cells,
                                       the same outcomes
    tools/reliability.py repeat [N]    N native runs back to back (20): the
                                       same outcomes every time
    tools/reliability.py fresh-wine [N]
                                       N fresh clones of this repository,
                                       each with a fresh Wine prefix: the
                                       Windows leg of `./matrix test` passes
                                       on its first run (3)

Each prints one line per run and a summary; exit status 1 when a run
disagrees or fails. Run it from a checkout that `./matrix run` has built.
"""
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "drivers")]

import harness  # noqa: E402
import scenarios  # noqa: E402
import vocabulary  # noqa: E402

MEASURED = ("outcome", "witnessed_state", "listen_outcome", "reached",
            "child_holds_listener", "child_holds_loop")


def measure():
    """The full matrix, as ./matrix run measures it: (result, seconds)."""
    started = time.monotonic()
    result, _ = harness.measure([(s, "") for s in scenarios.load_all()])
    return result, time.monotonic() - started


def outcomes(result):
    return {vocabulary.cell_key(c): tuple(c.get(f) for f in MEASURED)
            for c in result["cells"]}


def invalid(result):
    return sum(c["outcome"] == "invalid" for c in result["cells"])


def differences(a, b):
    """Cells whose measured fields differ, as (key, a, b)."""
    return [(k, a[k], b.get(k)) for k in a if a[k] != b.get(k)]


def report_run(label, result, seconds, reference=None):
    diff = differences(outcomes(reference), outcomes(result)) \
        if reference else []
    print(f"{label}: {len(result['cells'])} cells in {seconds:.1f} s, "
          f"{invalid(result)} invalid, {result['run']['retries']} retries, "
          f"{len(diff)} differ from the first run", flush=True)
    for key, first, then in diff[:10]:
        print(f"  {dict(key)}: {first} -> {then}")
    return not diff and invalid(result) == 0


def spin():
    while True:
        pass


def command_busy(_args):
    idle, seconds = measure()
    ok = report_run("idle", idle, seconds)
    workers = [multiprocessing.Process(target=spin, daemon=True)
               for _ in range(os.cpu_count() or 2)]
    for w in workers:
        w.start()
    try:
        busy, seconds = measure()
    finally:
        for w in workers:
            w.terminate()
    return ok & report_run(f"busy ({len(workers)} cores spinning)", busy,
                           seconds, idle)


def command_repeat(args):
    count = int(args[0]) if args else 20
    first, seconds = measure()
    ok = report_run("run 1", first, seconds)
    for i in range(2, count + 1):
        result, seconds = measure()
        ok &= report_run(f"run {i}", result, seconds, first)
    return ok


def command_fresh_wine(args):
    count = int(args[0]) if args else 3
    ok = True
    for i in range(1, count + 1):
        folder = Path(tempfile.mkdtemp(prefix="bm-fresh-"))
        try:
            subprocess.run(["git", "clone", "-q", str(ROOT), str(folder)],
                           check=True)
            started = time.monotonic()
            proc = subprocess.run([str(folder / "matrix"), "test"],
                                  capture_output=True, text=True)
            wine_log = folder / "build-wine" / "meson-logs" / "testlog.txt"
            summary = [line for line in proc.stdout.splitlines()
                       if line.startswith(("Ok:", "Fail:", "Skipped:"))]
            print(f"fresh clone {i}: ./matrix test exit {proc.returncode} "
                  f"in {time.monotonic() - started:.0f} s; "
                  f"{' '.join(summary)}; Wine log "
                  f"{'kept' if wine_log.exists() else 'missing'}",
                  flush=True)
            ok &= proc.returncode == 0
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return ok


COMMANDS = {"busy": command_busy, "repeat": command_repeat,
            "fresh-wine": command_fresh_wine}


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: {sys.argv[0]} {'|'.join(COMMANDS)} [N]",
              file=sys.stderr)
        return 2
    return 0 if COMMANDS[argv[0]](argv[1:]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
