"""Runs the C harness (bindmatrix) and reads the result file it prints.

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
    """The harness could not run or said something unreadable."""


def harness_path():
    configured = os.environ.get("BINDMATRIX_HARNESS")
    if configured:
        return Path(configured)
    return DEFAULT_BUILD / "harness" / "bindmatrix"


def matrix_args(families=None, options=None, states=None, out=None):
    args = ["matrix"]
    for flag, values in (("--families", families), ("--options", options),
                         ("--states", states)):
        if values:
            args += [flag, ",".join(values)]
    if out:
        args += ["--out", str(out)]
    return args


def run(args, timeout=120, env=None):
    """Runs `bindmatrix ARGS`; returns (exit status, stdout, stderr)."""
    exe = harness_path()
    if not exe.exists():
        raise HarnessError(f"{exe} is not built (run ./matrix test or "
                           "meson compile -C build)")
    proc = subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE,
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


def run_matrix(**selection):
    """The result file (a dict) for one matrix run."""
    status, out, err = run(matrix_args(**selection))
    if status != 0:
        raise HarnessError(f"bindmatrix exited {status}: {err.strip()}")
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        raise HarnessError(f"bindmatrix printed no result file: {e}") from None
