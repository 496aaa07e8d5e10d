"""Runs the C harness (bindmatrix) and reads what it prints: the plan (the
cells a run measures) and result files.

Interruption is passed on: Ctrl-C reaches the harness through the terminal's
process group; a signal that stops Python alone (SIGINT, or SIGTERM and
SIGHUP where the driver turns them into Stopped) is forwarded. Either way
the harness kills and reaps its roles before it exits, and this module
waits for it, so nothing is left running. Should Python die outright
(SIGKILL), the harness ends too: it runs with --end-with-parent (a
parent-death signal where the OS has one, and the end of its standard
input, a pipe whose other end only this process holds).

What the harness says on stderr is never dropped: a sanitizer's report
must not go unseen.
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
# The commands that run cells, and end with the driver.
RUNS_CELLS = ("matrix", "bench")


class HarnessError(Exception):
    """The harness could not run, was interrupted, or printed nonsense."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


class Stopped(Exception):
    """A signal stopped the driver (and the harness with it). `said`: the
    harness has told the user so itself, on the stderr they see."""

    def __init__(self, signum, said=False, during=None, passed_as=None):
        what = f"stopped by {signal_name(signum)}"
        if during:
            what += f" during {during}"
        if passed_as:
            what += (f" (passed to the harness as {signal_name(passed_as)}, "
                     "which a Windows program under Wine can catch)")
        super().__init__(what)
        self.signum = signum
        self.said = said
        self.status = 128 + signum


def signal_name(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


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


def command_line(args):
    """The harness's command line: a run of cells ends with the driver."""
    if args and args[0] in RUNS_CELLS:
        args = [args[0], "--end-with-parent", *args[1:]]
    return [*wrapper(), str(harness_path()), *args]


def run(args, timeout=3600, live_stderr=False, live_stdout=False):
    """Runs `bindmatrix ARGS`; returns (exit status, stdout, stderr).
    live_stderr: the harness's stderr (its progress line) goes straight to
    ours, and "" is returned for it; live_stdout: the same for stdout. A signal that stops Python on the way
    is passed on, waited for, and raised as Stopped."""
    exe = harness_path()
    if not exe.exists():
        raise HarnessError(f"{exe} is not built (run ./matrix test or "
                           "meson compile -C build)")
    # The harness's input: its end is this process's (--end-with-parent).
    parent_end, input_end = os.pipe()[::-1]
    try:
        proc = subprocess.Popen(command_line(args), stdin=input_end,
                                stdout=None if live_stdout
                                else subprocess.PIPE,
                                stderr=None if live_stderr
                                else subprocess.PIPE, text=True)
    finally:
        os.close(input_end)
    try:
        out, err = _wait(proc, timeout, live_stderr)
    finally:
        os.close(parent_end)
    return proc.returncode, out or "", err or ""


def _wait(proc, timeout, live_stderr):
    previous = signal.signal(signal.SIGTERM, raise_stopped)
    try:
        return proc.communicate(timeout=timeout)
    except (KeyboardInterrupt, Stopped) as stop:
        signum = _signum(stop)
        # Under a wrapper (Wine) SIGTERM kills the Windows harness outright,
        # leaving its roles; Ctrl-C (SIGINT) is what it can catch.
        forward = signal.SIGINT if wrapper() else signum
        proc.send_signal(forward)
        proc.communicate()
        said = live_stderr and proc.returncode == 128 + signum
        raise Stopped(signum, said,
                      passed_as=forward if forward != signum else None) \
            from None
    except BaseException:
        proc.send_signal(signal.SIGTERM)  # it ends its roles, then itself
        proc.communicate()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def raise_stopped(signum, frame):
    """The handler for a signal that stops the driver as Ctrl-C does."""
    raise Stopped(signum)


def _signum(stop):
    """The signal behind a KeyboardInterrupt (SIGINT) or a Stopped."""
    return getattr(stop, "signum", signal.SIGINT)


# The signals that stop the driver (./matrix's handlers, and Ctrl-C), and
# whether this OS lets a thread hold them back (not Windows).
STOP_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM",
                                                   "SIGHUP")
                if hasattr(signal, name)}
HOLDS_SIGNALS = hasattr(signal, "pthread_sigmask")


def _hold_stop_signals(hold):
    if HOLDS_SIGNALS:
        signal.pthread_sigmask(signal.SIG_BLOCK if hold else signal.SIG_UNBLOCK,
                               STOP_SIGNALS)


def build_step(command):
    """Runs one build command in a process group of its own, so that a
    signal that stops the driver stops the whole build (ninja and what it
    runs) and is waited for."""
    # A signal while Popen is still returning would leave the build running
    # with nobody to stop it (and holding the driver's stderr): held until
    # the build's process is known. The build gets them back at once.
    _hold_stop_signals(True)
    try:
        proc = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=(lambda: _hold_stop_signals(False))
            if HOLDS_SIGNALS else None)
    except BaseException:
        _hold_stop_signals(False)
        raise
    try:
        _hold_stop_signals(False)
        status = proc.wait()
    except (KeyboardInterrupt, Stopped) as stop:
        signum = _signum(stop)
        os.killpg(proc.pid, signum)
        proc.wait()
        raise Stopped(signum, during="the build") from None
    if status != 0:
        raise subprocess.CalledProcessError(status, command)


def describe_exit(status, err, live=False):
    """One line for a harness that failed: its own last words, and what
    became of it when a signal killed it (under Wine a Windows program
    cannot catch SIGTERM: the signal's name is all there is to say).
    live: its stderr went straight to the user's."""
    last = err.strip().splitlines()[-1] if err.strip() else ""
    if status < 0:
        return (f"bindmatrix was killed by {signal_name(-status)} before it "
                "finished; nothing written" + (f" ({last})" if last else ""))
    if live:
        return f"bindmatrix exited {status} (its reason is above)"
    return last or f"bindmatrix exited {status} and said nothing"


def checked(status, err, ok=(0,), live=False):
    """Shows what the harness said on stderr; raises HarnessError (its
    last line) unless `status` is one of `ok`."""
    lines = err.rstrip("\n").splitlines() if err.strip() else []
    if status in ok:
        shown = lines
    else:
        shown = lines[:-1]  # the last line is the error's message
    if shown:
        sys.stderr.write("\n".join(shown) + "\n")
    if status not in ok:
        raise HarnessError(describe_exit(status, err, live),
                           exit_status(status))


def exit_status(status):
    """The harness's status as a shell would give it: killed by signal N
    (status -N) is 128+N."""
    return 128 - status if status < 0 else status


def plan(filter_expr):
    """The cells the harness would measure for this filter: one dict per
    cell, with its key fields and its test id."""
    status, out, err = run(["plan", "--filter", filter_expr])
    checked(status, err)
    return [json.loads(line) for line in out.splitlines()]


def matrix(filter_expr, extra=(), live_stderr=False):
    """One `bindmatrix matrix` run: (result file as a dict, exit status:
    0, or SOME_INVALID when it measured but some cells are invalid)."""
    status, out, err = run(["matrix", "--filter", filter_expr, *extra],
                           live_stderr=live_stderr)
    checked(status, err, ok=(0, SOME_INVALID), live=live_stderr)
    try:
        return json.loads(out), status
    except json.JSONDecodeError as e:
        raise HarnessError(f"bindmatrix printed no result file: {e}") from None


def _merge_runs(runs):
    """The run blocks of several harness runs as one."""
    merged = dict(runs[0])
    for key in ("retries", "role_processes", "role_uses", "seconds",
                "varied"):
        values = [r.get(key) for r in runs]
        merged[key] = None if None in values else round(sum(values), 1)
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
