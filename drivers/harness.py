"""Runs the C harness (bindmatrix) and reads the result files it prints.

Interruption is passed on: Ctrl-C reaches the harness through the terminal's
process group; a SIGTERM sent to Python alone is forwarded. Either way the
harness kills and reaps its roles before it exits, and this module waits for
it, so nothing is left running.
"""
import json
import os
import signal
import subprocess
from pathlib import Path

from scenarios import ROOT

DEFAULT_BUILD = ROOT / "build"


class HarnessError(Exception):
    """The harness could not run, was interrupted, or printed nonsense."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def harness_path():
    configured = os.environ.get("BINDMATRIX_HARNESS")
    if configured:
        return Path(configured)
    return DEFAULT_BUILD / "harness" / "bindmatrix"


def wrapper():
    """The command a cross-built harness runs under (wine ...), if any: one
    word per line in $BINDMATRIX_WRAPPER."""
    return [w for w in os.environ.get("BINDMATRIX_WRAPPER", "").split("\n")
            if w]


def run(args, timeout=1800, env=None):
    """Runs `bindmatrix ARGS`; returns (exit status, stdout, stderr)."""
    exe = harness_path()
    if not exe.exists():
        raise HarnessError(f"{exe} is not built (run ./matrix test or "
                           "meson compile -C build)")
    proc = subprocess.Popen([*wrapper(), str(exe), *args],
                            stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    previous = signal.signal(signal.SIGTERM,
                             lambda signum, frame: proc.send_signal(signum))
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        proc.send_signal(signal.SIGTERM)
        proc.communicate()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    return proc.returncode, out, err


def run_matrix(args):
    """The result file (a dict) of one `bindmatrix matrix` run."""
    status, out, err = run(args)
    if status != 0:
        raise HarnessError(f"bindmatrix exited {status}: {err.strip()}",
                           status)
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        raise HarnessError(f"bindmatrix printed no result file: {e}") from None


def measure(scenarios):
    """One result file for all the scenarios: the harness runs each. A slow
    platform (Wine) may ask for longer deadlines: $BINDMATRIX_TIMEOUT_MS."""
    timeout = os.environ.get("BINDMATRIX_TIMEOUT_MS")
    extra = ["--timeout-ms", timeout] if timeout else []
    result = None
    for scenario in scenarios:
        part = run_matrix(scenario.harness_args() + extra)
        if result is None:
            result = part
        else:
            result["cells"].extend(part["cells"])
    return result


def result_text(result):
    """The result file with one cell per line, so that a diff of two runs
    reads cell by cell."""
    head = {k: v for k, v in result.items() if k != "cells"}
    lines = [json.dumps(head)[:-1] + ', "cells": [']
    lines += [json.dumps(cell) + "," for cell in result["cells"]]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n]}\n"


def write_result(result, path):
    """Writes whole or not at all: a half-written result file never exists."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(result_text(result))
    partial.replace(path)
