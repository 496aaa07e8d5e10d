"""The command line of report.py."""

import argparse
import os
import sys
from pathlib import Path

from . import check, load, markdown, text, views
from .model import ReportError

EXIT_USAGE = 2
# Outputs that take every file; --platform takes one and prints it.
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
                        help="with --platform: print every cell, grouped "
                             "by scenario, proto, address and user")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a measured file disagrees with "
                             "its family's expectations")
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
    if args.platform and others:
        raise ReportError("--platform prints one platform's tables; it does "
                          f"not combine with {', '.join(others)}")
    if args.all and not args.platform:
        raise ReportError("--all goes with --platform FILE")


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
    import matplotlib
    matplotlib.use("Agg")
    from . import figure, page

    references = views.References(files)
    picture = figure.figure_png(figure.report_figure(files, references))
    if args.png:
        write_output(args.png, picture)
    if args.html:
        write_output(args.html, page.report_html(files, picture))


def print_platform(args, validator):
    target = load.load_result_file(args.platform, validator)
    paths = args.files or load.default_result_paths()
    marks = views.References(load.load_references(paths, args.platform,
                                                  validator))
    render = text.all_cells_text if args.all else text.platform_text
    print(render(target, marks), end="")
    return 0


def run(args):
    for output in (args.html, args.png, args.readme):
        if output:
            check_writable(output)
    validator = load.load_validator()
    if args.platform:
        return print_platform(args, validator)
    files = load.load_result_files(args.files or load.default_result_paths(),
                                   validator)
    if args.png or args.html:
        write_pictures(args, files)
    if args.readme:
        write_output(args.readme, markdown.readme_with_report(args.readme,
                                                              files))
    if args.check:
        return check.run_check(files)
    if not (args.png or args.html or args.readme):
        print(markdown.report_markdown(files), end="")
    return 0


def main(argv=None):
    try:
        return run(parse_arguments(sys.argv[1:] if argv is None else argv))
    except ReportError as error:
        print(f"report.py: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (e.g. head) has had enough: not an error. Point stdout
        # at /dev/null so that Python's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
