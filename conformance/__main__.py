"""python3 -m conformance compare MEASURED REFERENCE
python3 -m conformance wine-diff [MEASURED]

compare: per reference cell, agree / disagree / not measured, and the
counts; exit 1 when a measured cell disagrees. wine-diff: each cell where
the Wine measurement differs from real Windows (Wine's ok() lines) and
whether todo_wine predicts it; exit 0, it is a listing. Usage errors exit
2, unreadable files 1, with one line on stderr.
"""

import argparse
import sys

from . import (COMMITTED_WINE, WINDOWS, WINE_DELTAS, ConformanceError,
               compare, load, wine_diff)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"conformance: {message}\n")


def parse(argv):
    parser = Parser(prog="python3 -m conformance")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare", help="a measured file against a reference")
    c.add_argument("measured")
    c.add_argument("reference")
    c.add_argument("--all", action="store_true",
                   help="also list agreeing and unmeasured cells")
    w = sub.add_parser("wine-diff", help="Wine measured against Windows")
    w.add_argument("measured", nargs="?", default=str(COMMITTED_WINE))
    w.add_argument("--windows", default=str(WINDOWS))
    w.add_argument("--deltas", default=str(WINE_DELTAS))
    return parser.parse_args(argv)


def run_compare(args):
    result = compare(load(args.measured), load(args.reference))
    for row in result.rows:
        if args.all or row.verdict == "disagree":
            print(row.line())
    counts = result.counts()
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 1 if counts["disagree"] else 0


def run_wine_diff(args):
    rows = wine_diff(load(args.measured), load(args.windows),
                     load(args.deltas))
    for row in rows:
        print(row.line())
    unpredicted = sum(1 for r in rows if not r.predicted)
    print(f"{len(rows)} cells differ from Windows, {len(rows) - unpredicted}"
          f" predicted by todo_wine, {unpredicted} not predicted")
    return 0


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        return (run_compare if args.command == "compare"
                else run_wine_diff)(args)
    except ConformanceError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
