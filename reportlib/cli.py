"""The command line of report.py."""

import argparse
import os
import sys
from pathlib import Path

import vocabulary

from . import baseline, check, diff, load, markdown, text
from .model import ReportError
from .modules import require

EXIT_USAGE = 2
# Outputs that take every file; --platform and --diff print their own.
FILE_OUTPUTS = ("check", "html", "png", "readme")


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line, exit 2."""

    def error(self, message):
        raise ReportError(message)


def parse_arguments(argv):
    parser = OneLineParser(
        prog="report.py",
        description="bindmatrix result files -> comparison tables.")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="result files (default: results/**/*.json)")
    parser.add_argument("--platform", metavar="FILE",
                        help="print FILE's views for a terminal, marked "
                             "against the references among FILES")
    parser.add_argument("--all", action="store_true",
                        help="everything else: every platform file's "
                             "tables; with --platform every cell; with "
                             "--diff every differing cell")
    parser.add_argument("--diff", nargs=2, metavar=("A", "B"),
                        help="what differs from A to B, cell by cell: "
                             "result files or OS family names")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a measured file disagrees with "
                             "its family's expectations (with --baseline: "
                             "with an earlier file of its platform)")
    parser.add_argument("--baseline", metavar="FILE",
                        help="with --check: compare outcomes with FILE, an "
                             "earlier run of the same platform (a "
                             "directory: its file of that platform)")
    parser.add_argument("--html", metavar="PAGE",
                        help="write a self-contained HTML page")
    parser.add_argument("--png", metavar="PICTURE",
                        help="write the heatmap as a PNG picture")
    parser.add_argument("--readme", metavar="README",
                        help="refresh the tables between the bindmatrix "
                             "markers in README")
    args = parser.parse_args(argv)
    reject_mixed_outputs(args)
    return args


def reject_mixed_outputs(args):
    others = [f"--{name}" for name in FILE_OUTPUTS if getattr(args, name)]
    for single, what in (("platform", "one platform's tables"),
                         ("diff", "what differs between two platforms")):
        if getattr(args, single) and others:
            raise ReportError(f"--{single} prints {what}; it does not "
                              f"combine with {', '.join(others)}")
    if args.platform and args.diff:
        raise ReportError("--platform and --diff are two outputs: one at "
                          "a time")
    if args.all and (args.html or args.png or args.readme or args.check):
        raise ReportError("--all goes with the printed report, --platform "
                          "FILE or --diff A B")
    if args.baseline and not args.check:
        raise ReportError("--baseline goes with --check")


def check_writable(path):
    """Fails before the work, not after it, when an output cannot be
    written (the file itself is written only once all is done)."""
    path = Path(path)
    directory = path.parent
    if not directory.is_dir():
        raise ReportError(f"cannot write {path}: no directory {directory}")
    if not os.access(directory, os.W_OK) or (
            path.exists() and not os.access(path, os.W_OK)):
        raise ReportError(f"cannot write {path}: permission denied")


def write_output(path, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise ReportError(f"cannot write {path}: {error.strerror}") from None


def write_pictures(args, files):
    """--png and --html share one rendering of the picture."""
    matplotlib = require("matplotlib", "python3-matplotlib")
    matplotlib.use("Agg")
    from . import figure, page

    picture = figure.figure_png(figure.report_figure(files))
    if args.png:
        write_output(args.png, picture)
    if args.html:
        main, cells = page.report_pages(files, picture, args.html)
        write_output(page.cells_path(args.html), cells)
        write_output(args.html, main)


def print_platform(args, validator):
    target = load.load_result_file(args.platform, validator)
    paths = args.files or load.default_result_paths()
    references = load.load_references(paths, args.platform, validator)
    render = text.all_cells_text if args.all else text.platform_text
    print(render(target, references), end="")
    return 0


def run(args):
    for output in (args.html, args.png, args.readme):
        if output:
            check_writable(output)
    if args.html:
        require("jinja2", "python3-jinja2")
    if args.png or args.html:
        require("matplotlib", "python3-matplotlib")
    validator = load.load_validator()
    if args.platform:
        return print_platform(args, validator)
    if args.check and args.baseline:
        return baseline.run_check(args.baseline, args.files, validator)
    paths = args.files or load.default_result_paths()
    if args.diff:
        print(diff.diff_text(*diff.sides(args.diff, paths, validator),
                             args.all), end="")
        return 0
    files = load.load_result_files(paths, validator)
    if args.png or args.html:
        write_pictures(args, files)
    if args.readme:
        write_output(args.readme, markdown.readme_with_report(args.readme,
                                                              files))
    if args.check:
        return check.run_check(files)
    if not (args.png or args.html or args.readme):
        print(markdown.report_markdown(files, args.all), end="")
    return 0


def main(argv=None):
    try:
        return run(parse_arguments(sys.argv[1:] if argv is None else argv))
    except (ReportError, vocabulary.VocabularyError) as error:
        for line in str(error).splitlines():
            print(f"report.py: {line}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (e.g. head) has had enough: not an error. Point stdout
        # at /dev/null so that Python's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
