"""The logic behind ./matrix (which installs the system packages first).

    ./matrix run [--wine] [--out FILE] [--filter EXPR] [--families L]
                 [--options L] [--states L] [--fresh] [--repeat N]
    ./matrix test
    ./matrix bench [--rounds N] [--wine]
    ./matrix check [FLAGS] -- CMD ARGS...   (drivers/check.py)

run: measures this machine (--wine: the Windows build under Wine), prints
the answer for this OS first, then its tables. A whole run writes
results/<platform>.json and refreshes the README's table; a run narrowed by
--filter or a shorthand writes build/results/<platform>.json and touches
neither, unless --out names a file. A run with cells the harness could not
measure writes them to build/results/ only (never results/, the README or
--out's file) and exits 3. --repeat N measures every cell N times and
marks the cells whose outcome varied.

--filter EXPR is the harness's own filter language (FIELD=VALUE[,VALUE]
terms: `build/harness/bindmatrix list` shows the fields and names);
--families, --options and --states are short for family=, option= and
state= terms. Every user error is one line on stderr and exit status 2; an
interrupted run (SIGINT, SIGTERM, SIGHUP; during the build too) says so in
one line and exits 128+signal with every process it started ended.
$BINDMATRIX_HARNESS names a harness to use as it is (nothing is built).
"""
import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import check  # noqa: E402
import harness  # noqa: E402
import scenarios  # noqa: E402
import vocabulary  # noqa: E402
import wine  # noqa: E402

BUILD = harness.DEFAULT_BUILD
RESULTS = scenarios.ROOT / "results"
README = scenarios.ROOT / "README.md"
SHORTHANDS = (("families", "family"), ("options", "option"),
              ("states", "state"))


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def count(text):
    """A number from 1 up (argparse type)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number from 1 up: {text!r}")
    return int(text)


def parse_args(argv):
    parser = Parser(prog="matrix", description="Measure what bind() does on "
                    "this OS, and report it.")
    sub = parser.add_subparsers(dest="command", required=True,
                                parser_class=Parser)
    run = sub.add_parser("run", help="measure this machine (or Wine)",
                         description="Measure every cell (or those a filter "
                         "keeps) and print the answer for this OS first.")
    run.add_argument("--out", type=Path, help="write the result file here")
    run.add_argument("--wine", action="store_true",
                     help="measure the Windows build under Wine")
    run.add_argument("--filter", default="",
                     help="FIELD=VALUE[,VALUE] terms, e.g. 'state=TIME_WAIT'")
    for shorthand, field in SHORTHANDS:
        run.add_argument(f"--{shorthand}", metavar="L",
                         help=f"short for --filter {field}=L")
    run.add_argument("--fresh", action="store_true",
                     help="a fresh process for every role (slower; to "
                          "compare with the role workers)")
    run.add_argument("--repeat", type=count, default=1, metavar="N",
                     help="measure every cell N times and mark those whose "
                          "outcome varied")
    sub.add_parser("test", help="build, then every test suite (meson test)",
                   description="Build, run the native suites, then the "
                   "Windows build's under Wine (x86_64 Linux).")
    bench = sub.add_parser("bench", help="the speed figures",
                           description="Role workers, fresh processes and "
                           "the in-process loop, side by side.")
    bench.add_argument("--rounds", type=int, default=3)
    bench.add_argument("--wine", action="store_true",
                       help="the Windows build under Wine")
    check.add_parser(sub)
    return parser.parse_args(argv)


def narrowing(args):
    """The user's filter: --filter and the shorthands, as one expression."""
    terms = [args.filter]
    for shorthand, field in SHORTHANDS:
        value = getattr(args, shorthand)
        if value is not None:
            terms.append(f"{field}={value}")
    return " ".join(t for t in terms if t)


def build_commands():
    """Configure when needed (warnings are errors), then build."""
    setup = [] if (BUILD / "build.ninja").exists() else [
        ["meson", "setup", str(BUILD), str(scenarios.ROOT), "-Dwerror=true"]]
    return setup + [["meson", "compile", "-C", str(BUILD)]]


def ensure_build():
    """Builds the harness, unless $BINDMATRIX_HARNESS names one."""
    if os.environ.get("BINDMATRIX_HARNESS"):
        return
    for command in build_commands():
        harness.build_step(command)


def report(*args):
    subprocess.run([sys.executable, str(scenarios.ROOT / "report.py"), *args],
                   check=True)


def chosen_scenarios(expr):
    """The scenarios with cells under the user's filter (whose names the
    harness checks: a wrong one is its one-line error, exit 2)."""
    chosen = [(s, expr) for s in scenarios.load_all()
              if harness.plan(s.filter(expr))]
    if not chosen:
        raise UsageError("the filter leaves no cell to measure")
    return chosen


def measure(args, chosen):
    extra = ["--fresh"] if args.fresh else []
    if args.repeat > 1:
        extra += ["--repeat", str(args.repeat)]
    if not args.wine:
        return harness.measure(chosen, extra, live_stderr=True)
    reason = wine.unavailable_reason()
    if reason:
        raise UsageError(f"--wine: {reason}")
    wine.ensure_build()
    with wine.session(), wine.environment():
        return harness.measure(chosen, extra, live_stderr=True)


def destination(args, result, expr, status):
    """Where the result file goes: build/results/ when some cells could
    not be measured (a broken run replaces no file anyone keeps); else
    --out; else results/ for a whole run; else build/results/."""
    name = f"{result['platform']['id']}.json"
    if args.out and status == 0:
        return args.out
    if expr or status != 0:
        (BUILD / "results").mkdir(parents=True, exist_ok=True)
        return BUILD / "results" / name
    return RESULTS / name


def command_run(args):
    expr = narrowing(args)
    if args.out:
        reason = harness.check_writable(args.out)
        if reason:
            raise UsageError(reason)
    ensure_build()
    result, status = measure(args, chosen_scenarios(expr))
    out = destination(args, result, expr, status)
    harness.write_result(result, out)
    print(f"wrote {out}: {len(result['cells'])} cells")
    report("--platform", str(out))
    if out.parent.resolve() == RESULTS.resolve():
        report("--readme", str(README))
    if status != 0:
        invalid = sum(c["outcome"] == "invalid" for c in result["cells"])
        kept = "results/, the README" + (f" and {args.out}" if args.out
                                         else "")
        print(f"matrix: {invalid} cells could not be measured (see their "
              f"reason in {out}); {kept} are unchanged", file=sys.stderr)
    return status


def command_test(args):
    ensure_build()
    native = subprocess.run(["meson", "test", "-C", str(BUILD),
                             "--print-errorlogs"]).returncode
    reason = wine.unavailable_reason()
    if reason:
        print(f"matrix: the Windows leg under Wine did not run: {reason}")
        return native
    wine.ensure_build()
    with wine.session():
        emulated = subprocess.run(["meson", "test", "-C", str(wine.BUILD),
                                   "--print-errorlogs"]).returncode
    return native or emulated


def command_bench(args):
    """The full bind matrix: workers, fresh processes, in one process."""
    ensure_build()
    bind = scenarios.load("bind")
    command = ["bench", "--filter", bind.filter(), "--rounds",
               str(args.rounds)]
    if not args.wine:
        status, out, _ = harness.run(command, live_stderr=True)
        print(out, end="")
        return status
    reason = wine.unavailable_reason()
    if reason:
        raise UsageError(f"--wine: {reason}")
    wine.ensure_build()
    with wine.session(), wine.environment():
        status, out, _ = harness.run(command, live_stderr=True)
    print(out, end="")
    return status


COMMANDS = {"run": command_run, "test": command_test, "bench": command_bench,
            "check": lambda args: check.command(args, ensure_build)}


def main(argv):
    # SIGTERM and SIGHUP end the driver as Ctrl-C does: whatever runs (the
    # build, the harness) is stopped and waited for, and one line says so.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, harness.raise_stopped)
    try:
        args = parse_args(argv)
        return COMMANDS[args.command](args)
    except (UsageError, scenarios.ScenarioError,
            vocabulary.VocabularyError) as e:
        print(f"matrix: {e}", file=sys.stderr)
        return 2
    except harness.HarnessError as e:
        print(f"matrix: {e}", file=sys.stderr)
        return e.status
    except subprocess.CalledProcessError as e:
        print(f"matrix: {' '.join(map(str, e.cmd[:3]))} failed "
              f"(exit {e.returncode})", file=sys.stderr)
        return 1
    except harness.Stopped as e:
        if not e.said:  # the harness's own line has told what happened
            print(f"matrix: {e}; every process it started has ended, "
                  "nothing written", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("matrix: stopped by SIGINT; every process it started has "
              "ended, nothing written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
