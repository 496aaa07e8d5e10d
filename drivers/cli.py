"""The logic behind ./matrix (which installs the system packages first).

    ./matrix run [--out FILE] [--families L] [--options L] [--states L]
    ./matrix test
    ./matrix bench [--rounds N]

Every user error is one line on stderr and exit status 2; an interrupted
run exits 128+signal with every harness process ended.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import harness
import scenarios

BUILD = harness.DEFAULT_BUILD
RESULTS = scenarios.ROOT / "results"


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def comma_list(known, kind):
    def parse(text):
        names = [n for n in text.split(",") if n]
        unknown = [n for n in names if n not in known]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown {kind} '{','.join(unknown) or text}' "
                f"(known: {', '.join(known)})")
        return names
    return parse


def parse_args(argv, scenario):
    parser = Parser(prog="matrix", add_help=False)
    sub = parser.add_subparsers(dest="command", required=True,
                                parser_class=Parser)
    run = sub.add_parser("run", add_help=False)
    run.add_argument("--out", type=Path)
    run.add_argument("--families",
                     type=comma_list(scenario.families, "family"))
    run.add_argument("--options", type=comma_list(scenario.options, "option"))
    run.add_argument("--states", type=comma_list(scenario.states, "state"))
    sub.add_parser("test", add_help=False)
    bench = sub.add_parser("bench", add_help=False)
    bench.add_argument("--rounds", type=int, default=20)
    return parser.parse_args(argv)


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


def print_table(path):
    subprocess.run([sys.executable, str(scenarios.ROOT / "report.py"),
                    "--platform", str(path)], check=True)


def command_run(args, scenario):
    out = args.out
    if out:
        check_writable(out)
    ensure_build()
    selection = dict(families=args.families or scenario.families,
                     options=args.options or scenario.options,
                     states=args.states or scenario.states)
    # Without --out the file is named after the platform the harness reports.
    written = out or RESULTS / f".run-{os.getpid()}.json"
    status, _, err = harness.run(harness.matrix_args(**selection, out=written))
    sys.stderr.write(err)
    if status != 0:
        return status
    if not out:
        platform_id = json.loads(written.read_text())["platform"]["id"]
        out = written.replace(RESULTS / f"{platform_id}.json")
    print(f"wrote {out}")
    print_table(out)
    return 0


def command_test(args, scenario):
    ensure_build()
    return subprocess.run(["meson", "test", "-C", str(BUILD),
                           "--print-errorlogs"]).returncode


def command_bench(args, scenario):
    ensure_build()
    return subprocess.run([str(harness.harness_path()), "bench", "--rounds",
                           str(args.rounds)]).returncode


COMMANDS = {"run": command_run, "test": command_test, "bench": command_bench}


def main(argv):
    try:
        scenario = scenarios.load("bind")
        args = parse_args(argv, scenario)
        return COMMANDS[args.command](args, scenario)
    except (UsageError, scenarios.ScenarioError) as e:
        print(f"matrix: {e}", file=sys.stderr)
        return 2
    except harness.HarnessError as e:
        print(f"matrix: {e}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as e:
        print(f"matrix: {' '.join(map(str, e.cmd[:3]))} failed "
              f"(exit {e.returncode})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("matrix: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
