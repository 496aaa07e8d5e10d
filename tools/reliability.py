#!/usr/bin/env python3
"""Reliability, measured (not a test: it takes minutes): does the harness
give the same outcomes whatever the machine is doing?

    tools/reliability.py busy          the full native matrix idle, then with
                                       both cores kept busy: 0 invalid cells,
                                       the same outcomes
    tools/reliability.py repeat [N]    N native runs back to back (20): the
                                       same outcomes every time
    tools/reliability.py stranger [N]  the full native matrix idle, then
                                       while another program takes free
                                       ports (bind(0), N a second (500),
                                       each held 100 ms, as test suites
                                       beside it do): 0 invalid, the same
                                       outcomes
    tools/reliability.py fresh-wine [N]
                                       N fresh clones of this repository,
                                       each with a fresh Wine prefix: the
                                       Windows leg of `./matrix test` passes
                                       on its first run (3)

Each prints one line per run and a summary; exit status 1 when a run
disagrees or fails. Run it from a checkout that `./matrix run` has built.
"""
import collections
import multiprocessing
import os
import socket
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
    result, _ = harness.measure(scenarios.for_this_run())
    return result, time.monotonic() - started


def invalid(result):
    return sum(c["outcome"] == "invalid" for c in result["cells"])


def report_run(label, result, seconds, reference=None):
    diff = vocabulary.differing_cells(reference["cells"], result["cells"],
                                      MEASURED) if reference else []
    print(f"{label}: {len(result['cells'])} cells in {seconds:.1f} s, "
          f"{invalid(result)} invalid, {result['run']['retries']} retries, "
          f"{len(diff)} differ from the first run", flush=True)
    for line in diff[:10]:
        print(f"  {line}")
    return not diff and invalid(result) == 0


def spin():
    while True:
        pass


def take_free_ports(rate):
    """What any program's bind(0) does to the ports the harness was given
    as free: takes `rate` a second, IPv4 and IPv6, and holds each 100 ms."""
    held = collections.deque()
    while True:
        sock = socket.socket(socket.AF_INET6 if len(held) % 2
                             else socket.AF_INET)
        sock.bind(("", 0))
        held.append((time.monotonic(), sock))
        while held and time.monotonic() - held[0][0] > 0.1:
            held.popleft()[1].close()
        time.sleep(1 / rate)


def against_idle(label, disturbances):
    """The full matrix idle, then while `disturbances` run."""
    idle, seconds = measure()
    ok = report_run("idle", idle, seconds)
    for d in disturbances:
        d.start()
    try:
        disturbed, seconds = measure()
    finally:
        for d in disturbances:
            d.terminate()
    return ok & report_run(label, disturbed, seconds, idle)


def command_busy(_args):
    cores = os.cpu_count() or 2
    return against_idle(f"busy ({cores} cores spinning)",
                        [multiprocessing.Process(target=spin, daemon=True)
                         for _ in range(cores)])


def command_stranger(args):
    rate = int(args[0]) if args else 500
    return against_idle(f"while another program takes {rate} free ports a "
                        "second", [multiprocessing.Process(
                            target=take_free_ports, args=(rate,),
                            daemon=True)])


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


COMMANDS = {"busy": command_busy, "stranger": command_stranger,
            "repeat": command_repeat, "fresh-wine": command_fresh_wine}


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: {sys.argv[0]} {'|'.join(COMMANDS)} [N]",
              file=sys.stderr)
        return 2
    return 0 if COMMANDS[argv[0]](argv[1:]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
