"""Where each answer comes from: per card answer, the file that decides
it, what that file is, and for a file whose cells cite their own source
(an OS's conformance tests) each deciding cell with its repository, path,
version, function, line and the suite's own expectation. The page's
detail, `report.py --all` and `--platform FILE --all` show it."""

from dataclasses import dataclass

from . import card, diff
from .model import plural

# Cells whose source is listed per answer at most; the rest are counted.
LISTED = 12


@dataclass(frozen=True)
class AnswerSource:
    card: str          # e.g. Windows: set default (no option)
    title: str         # restart-safe, ...
    answer: str
    source: str        # the deciding file, labelled with its class
    document: str      # what that file is
    url: str           # or None
    cells: list        # the cited cells, at most LISTED
    more: int          # cited cells not listed


def suite_of(cell):
    """The file a cited cell's suite keeps it in: repository, path,
    version."""
    p = cell["provenance"]
    return f"{p['repository']} {p['path']} (version {p['version']})"


def cell_parts(cell):
    """(the cell and its outcome, where in its file the suite asserts it,
    the asserting line)."""
    p = cell["provenance"]
    return (f"{diff.describe(cell)}: {cell['outcome']}",
            f"{p['function']}, line {p['line']}, expecting {p['expected']}",
            p["text"])


def cell_source(cell, quote=str):
    """One cited cell in a line (quote: how an output sets code apart)."""
    what, where, line = cell_parts(cell)
    return f"{what}; {where}: {quote(line)}"


def by_suite(cells):
    """(repository path version, [cells]) in the cells' order."""
    groups = {}
    for cell in cells:
        groups.setdefault(suite_of(cell), []).append(cell)
    return list(groups.items())


def answer_sources(cards):
    """Every answer some file decides, card by card."""
    found = []
    for c in cards:
        for row in card.card_rows(c):
            finding = row.finding
            if finding is None:
                continue
            cited = [cell for cell in finding.cells if "provenance" in cell]
            provenance = finding.source.platform.get("provenance") or {}
            found.append(AnswerSource(
                card.heading(c), row.title, row.answer,
                finding.source.label, finding.source.document,
                provenance.get("url"),
                cited[:LISTED],
                max(0, len(cited) - LISTED)))
    return found


def source_line(found):
    """The answer and its file in a line (a heading for the cells)."""
    where = f" {found.url}" if found.url else ""
    return (f"{found.card}, {found.title} {found.answer}: {found.source}, "
            f"{found.document}{where}")


def more_line(found):
    return f"and {plural(found.more, 'more cell')} of the same source"


def cited_cells(result):
    """Every cell of a file that cites its source."""
    return [cell for cell in result.cells.values() if "provenance" in cell]
