"""Runs the C harness (bindmatrix) and reads what it prints: the plan (the
cells a run measures) and result files.

Interruption is passed on: Ctrl-C reaches the harness through the terminal's
process group; a SIGTERM sent to Python alone is forwarded. Either way the
harness kills and reaps its roles before it exits, and this module waits for
it, so nothing is left running.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from scenarios import ROOT

DEFAULT_BUILD = ROOT / "build"
# bindmatrix's exit status for a run that measured, but not every cell.
SOME_INVALID = 3


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


def run(args, timeout=3600, live_stderr=False, live_stdout=False):
    """Runs `bindmatrix ARGS`; returns (exit status, stdout, stderr).
    live_stderr: the harness's stderr (its progress line) goes straight to
    ours, and "" is returned for it; live_stdout: the same for stdout."""
    exe = harness_path()
    if not exe.exists():
        raise HarnessError(f"{exe} is not built (run ./matrix test or "
                           "meson compile -C build)")
    proc = subprocess.Popen([*wrapper(), str(exe), *args],
                            stdout=None if live_stdout else subprocess.PIPE,
                            stderr=None if live_stderr else subprocess.PIPE,
                            text=True)
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
    return proc.returncode, out or "", err or ""


def describe_exit(status, err):
    """One line for a harness that failed: its own last words."""
    last = err.strip().splitlines()[-1] if err.strip() else ""
    if status < 0:
        return f"bindmatrix was killed by signal {-status}" + \
            (f": {last}" if last else "")
    return last or f"bindmatrix exited {status} and said nothing"


def plan(filter_expr):
    """The cells the harness would measure for this filter: one dict per
    cell, with its key fields and its test id."""
    status, out, err = run(["plan", "--filter", filter_expr])
    if status != 0:
        raise HarnessError(describe_exit(status, err), status)
    return [json.loads(line) for line in out.splitlines()]


def matrix(filter_expr, extra=(), live_stderr=False):
    """One `bindmatrix matrix` run: (result file as a dict, exit status:
    0, or SOME_INVALID when it measured but some cells are invalid)."""
    status, out, err = run(["matrix", "--filter", filter_expr, *extra],
                           live_stderr=live_stderr)
    if status not in (0, SOME_INVALID):
        raise HarnessError(describe_exit(status, err), status)
    if err.strip() and not live_stderr:
        sys.stderr.write(err)  # a sanitizer's report must not go unseen
    try:
        return json.loads(out), status
    except json.JSONDecodeError as e:
        raise HarnessError(f"bindmatrix printed no result file: {e}") from None


def _merge_runs(runs):
    """The run blocks of several harness runs as one."""
    merged = dict(runs[0])
    for key in ("retries", "role_processes", "role_uses", "seconds"):
        merged[key] = round(sum(r[key] for r in runs), 1)
    return merged


def measure(scenarios, flags=(), live_stderr=False):
    """One result file for (scenario, extra filter) pairs: the harness runs
    each, with `flags` (e.g. --fresh). Returns (result, status) as matrix
    does. A slow platform (Wine) may ask for longer deadlines:
    $BINDMATRIX_TIMEOUT_MS."""
    timeout = os.environ.get("BINDMATRIX_TIMEOUT_MS")
    extra = [*flags, *(["--timeout-ms", timeout] if timeout else [])]
    if not live_stderr:
        extra.append("--quiet")
    result, status, runs = None, 0, []
    for scenario, narrowing in scenarios:
        part, part_status = matrix(scenario.filter(narrowing), extra,
                                   live_stderr)
        status = status or part_status
        runs.append(part["run"])
        if result is None:
            result = part
        else:
            result["cells"].extend(part["cells"])
    result["run"] = _merge_runs(runs)
    return result, status


def result_text(result):
    """The result file with one cell per line, so that a diff of two runs
    reads cell by cell."""
    head = {k: v for k, v in result.items() if k != "cells"}
    lines = [json.dumps(head)[:-1] + ', "cells": [']
    lines += [json.dumps(cell) + "," for cell in result["cells"]]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n]}\n"


def check_writable(path):
    """The reason `path` cannot take a result file, or None: it must be a
    regular file or a new path in a folder one can write to. Checked before
    any measuring."""
    path = Path(path)
    if path.exists() and not path.is_file():
        return f"{path} is not a regular file (--out takes a file's path)"
    folder = path.parent
    if not folder.is_dir():
        return f"cannot write {path}: no folder {folder}"
    if not os.access(folder, os.W_OK) or (path.exists()
                                          and not os.access(path, os.W_OK)):
        return f"cannot write {path}: permission denied"
    return None


def write_result(result, path):
    """Writes whole or not at all: into a temporary file of a unique name
    in the same folder, renamed over the path."""
    path = Path(path)
    reason = check_writable(path)
    if reason:
        raise HarnessError(reason, 2)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".bindmatrix-",
                                     suffix=".partial")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(result_text(result))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
