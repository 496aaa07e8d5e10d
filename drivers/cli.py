"""The logic behind ./matrix (which installs the system packages first).

    ./matrix run [--wine] [--out FILE] [--filter EXPR] [--families L]
                 [--options L] [--states L]
    ./matrix test
    ./matrix bench [--rounds N]

`bench` times the full bind matrix (N rounds) with a process per role,
beside an in-process loop making the same sockets, states and binds.
--wine measures the Windows build under Wine instead of this machine.
`test` runs the native suites, then (on x86_64 Linux) the Windows build's
under Wine.

--filter narrows the scenarios: space-separated FIELD=VALUE[,VALUE] terms,
e.g. 'proto=tcp state=TIME_WAIT,FIN_WAIT_2 probe_user=same'. --families,
--options and --states are short for family=, option= and state= terms.
Every user error is one line on stderr and exit status 2; an interrupted
run exits 128+signal with every harness process ended.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

import harness
import scenarios
import wine

BUILD = harness.DEFAULT_BUILD
RESULTS = scenarios.ROOT / "results"
README = scenarios.ROOT / "README.md"


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse_args(argv):
    parser = Parser(prog="matrix", add_help=False)
    sub = parser.add_subparsers(dest="command", required=True,
                                parser_class=Parser)
    run = sub.add_parser("run", add_help=False)
    run.add_argument("--out", type=Path)
    run.add_argument("--wine", action="store_true")
    run.add_argument("--filter", default="")
    for shorthand in ("families", "options", "states"):
        run.add_argument(f"--{shorthand}")
    sub.add_parser("test", add_help=False)
    bench = sub.add_parser("bench", add_help=False)
    bench.add_argument("--rounds", type=int, default=3)
    return parser.parse_args(argv)


def selected_scenarios(args):
    """The scenarios narrowed by --filter and the shorthands."""
    terms = [args.filter]
    for shorthand, field in (("families", "family"), ("options", "option"),
                             ("states", "state")):
        value = getattr(args, shorthand)
        if value is not None:
            terms.append(f"{field}={value}")
    chosen = scenarios.parse_filter(" ".join(terms), scenarios.load_all())
    if not chosen:
        raise UsageError("the filter leaves no cell to run")
    return chosen


def check_writable(path):
    """Fails before any work when the result file could not be written."""
    directory = path.resolve().parent
    if not directory.is_dir() or not os.access(directory, os.W_OK) or \
            (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}")


def ensure_build():
    """Configures and builds with Meson when needed (warnings are errors)."""
    if not (BUILD / "build.ninja").exists():
        subprocess.run(["meson", "setup", str(BUILD), str(scenarios.ROOT),
                        "-Dwerror=true"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["meson", "compile", "-C", str(BUILD)], check=True,
                   stdout=subprocess.DEVNULL)


def report(*args):
    subprocess.run([sys.executable, str(scenarios.ROOT / "report.py"), *args],
                   check=True)


def measure_under_wine(chosen):
    reason = wine.unavailable_reason()
    if reason:
        raise UsageError(f"--wine: {reason}")
    wine.ensure_build()
    with wine.session(), wine.environment():
        return harness.measure(chosen)


def command_run(args):
    chosen = selected_scenarios(args)
    if args.out:
        check_writable(args.out)
    ensure_build()
    result = measure_under_wine(chosen) if args.wine else \
        harness.measure(chosen)
    out = args.out or RESULTS / f"{result['platform']['id']}.json"
    harness.write_result(result, out)
    print(f"wrote {out}: {len(result['cells'])} cells")
    report("--platform", str(out))
    if not args.out:
        report("--readme", str(README))
    return 0


def command_test(args):
    ensure_build()
    native = subprocess.run(["meson", "test", "-C", str(BUILD),
                             "--print-errorlogs"]).returncode
    reason = wine.unavailable_reason()
    if reason:
        print(f"matrix: the Windows leg under Wine did not run: {reason}")
        return native
    wine.ensure_build()
    emulated = wine.in_session(["meson", "test", "-C", str(wine.BUILD),
                                "--print-errorlogs"])
    return native or emulated


def command_bench(args):
    """The full bind matrix, with processes and in one process."""
    ensure_build()
    matrix = scenarios.load("bind").harness_args()
    return subprocess.run([str(harness.harness_path()), "bench", *matrix[1:],
                           "--rounds", str(args.rounds)]).returncode


COMMANDS = {"run": command_run, "test": command_test, "bench": command_bench}


def main(argv):
    try:
        args = parse_args(argv)
        return COMMANDS[args.command](args)
    except (UsageError, scenarios.ScenarioError) as e:
        print(f"matrix: {e}", file=sys.stderr)
        return 2
    except harness.HarnessError as e:
        print(f"matrix: {e}", file=sys.stderr)
        return e.status
    except subprocess.CalledProcessError as e:
        print(f"matrix: {' '.join(map(str, e.cmd[:3]))} failed "
              f"(exit {e.returncode})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("matrix: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
