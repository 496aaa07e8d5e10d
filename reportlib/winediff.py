"""An emulation against the OS's side of the emulator's own conformance
tests: each cell where the Wine measurement differs from what Wine's
tests assert of real Windows (their ok() lines), and whether Wine's own
marks (todo_wine) predict it. An unpredicted difference is listed first:
a bug in Wine or in this harness, either worth a look. The comparison is
conformance.wine_diff's; this module finds the three files and words it
for each output."""

from dataclasses import dataclass

import conformance

from . import diff
from .card import marked_site, short_site
from .model import EMULATED, REFERENCE, ResultFile, key_sort_order, plural


@dataclass(frozen=True)
class WineDiff:
    measured: ResultFile     # the emulation
    os_side: ResultFile      # the suite's assertions of the OS (ok())
    prediction: ResultFile   # the suite's marks where the emulator fails
    compared: int            # cells the suite asserts and the run measured
    rows: tuple              # conformance.WineRow, unpredicted first
    unseen: tuple            # keys predicted to differ that agree

    @property
    def unpredicted(self):
        return [r for r in self.rows if not r.predicted]


def document(result, keys=None):
    """The file as conformance/ reads it; keys: only those cells (the
    ones a suite asserts, so that a run's 16,000 are not indexed again)."""
    cells = result.cells.values() if keys is None else \
        [result.cells[k] for k in keys if k in result.cells]
    return {"platform": result.platform, "cells": list(cells)}


def os_side_of(prediction, files):
    """The reference of the OS transcribed from the same suite."""
    return next((r for r in files if r.evidence == REFERENCE
                 and r.family == prediction.family and r.suite
                 and r.suite == prediction.suite), None)


def wine_diff(measured, os_side, prediction):
    measured_doc = document(measured, os_side.cells)
    comparison = conformance.compare(measured_doc, document(os_side))
    rows = conformance.wine_diff(measured_doc, document(os_side),
                                 document(prediction))
    rows.sort(key=lambda r: (r.predicted, key_sort_order(r.key)))
    unseen = tuple(r.key for r in comparison.rows
                   if r.verdict == "agree" and r.key in prediction.cells)
    return WineDiff(measured, os_side, prediction,
                    comparison.counts()["measured"], tuple(rows), unseen)


def wine_diffs(files):
    """One per emulated measurement among files whose emulator's tests
    (both sides) are among them too."""
    found = []
    for measured in (r for r in files if r.evidence == EMULATED):
        for prediction in files:
            if not prediction.is_prediction or \
                    prediction.platform["emulation"] != \
                    measured.platform["emulation"]:
                continue
            os_side = os_side_of(prediction, files)
            if os_side is not None:
                found.append(wine_diff(measured, os_side, prediction))
    return found


# ---------------------------------------------------------------- words

def title(found):
    return (f"{found.measured.name} against {found.measured.family_label} "
            f"as {found.prediction.emulator}'s tests assert it "
            f"({found.os_side.id})")


def summary(found):
    """The counts in a sentence."""
    rows, unpredicted = found.rows, len(found.unpredicted)
    text = (f"Of {plural(found.compared, 'cell')} that "
            f"{found.os_side.id} asserts and {found.measured.id} measured, "
            f"{len(rows)} differ: {len(rows) - unpredicted} predicted by "
            f"{found.prediction.name} ({found.prediction.id}), "
            f"{unpredicted} not predicted.")
    if found.unseen:
        text += (f" {plural(len(found.unseen), 'predicted difference')} "
                 f"did not happen: {found.measured.name} agrees with "
                 f"{found.measured.family_label} there.")
    return text


def verdict(found, row):
    if not row.predicted:
        return f"NOT predicted by {found.prediction.name}"
    return (f"predicted by {found.prediction.name} "
            f"({marked_site(row.prediction)})")


def row_parts(found, row):
    """(cell, the OS's answer with its line, the emulation's, verdict)."""
    return (diff.describe(row.wine),
            f"{conformance.answer(row.windows)} "
            f"({short_site(row.windows)})",
            conformance.answer(row.wine), verdict(found, row))


def row_line(found, row):
    cell, theirs, ours, said = row_parts(found, row)
    return (f"{cell}: {found.os_side.family_label} {theirs}, "
            f"{found.measured.name} {ours}; {said}")


def unseen_lines(found):
    return [f"{diff.describe(found.prediction.cells[key])}: predicted to "
            f"differ ({marked_site(found.prediction.cells[key])}), "
            f"{found.measured.name} gives "
            f"{found.measured.cells[key]['outcome']} as "
            f"{found.measured.family_label} does" for key in found.unseen]


def headers(found):
    return ["cell", f"{found.os_side.family_label} (reference)",
            f"{found.measured.name} (emulated)",
            f"{found.prediction.name} ({found.prediction.evidence})"]

