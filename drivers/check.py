"""./matrix check [--port-arg TEMPLATE] [--env NAME] [--json FILE]
                  [--timeout-ms N] [--grace-ms N] [--verbose] -- CMD ARGS...

Bring your own server: does it restart safely, can another process take
its port, does a child keep it? Builds the harness when needed, then runs
`bindmatrix check` with the same arguments: the harness parses them and
measures, so that `bindmatrix check` without Python behaves the same. Its
verdicts and cells go to stdout and its exit status is passed through: 0
every verdict yes, 4 a verdict no, 3 a verdict could not be measured, 5
the server could not be checked (it never listened on its port, exited
first, or listened elsewhere), 2 a usage error (harness/runner/check.h).
"""
import argparse

import harness

HELP = "a server of yours: restart-safe, hijack-safe, inherit-safe?"


def add_parser(sub):
    """`check` and everything after it, untouched: prefix_chars that no
    flag uses keep argparse from reading the harness's flags or `--`."""
    parser = sub.add_parser("check", help=HELP, description=__doc__,
                            add_help=False, prefix_chars="\0",
                            formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("args", nargs=argparse.REMAINDER,
                        help="bindmatrix check's (its --help lists them)")


def command(args, ensure_build):
    ensure_build()
    status, _, _ = harness.run(["check", *args.args], live_stdout=True,
                               live_stderr=True)
    return harness.exit_status(status)
