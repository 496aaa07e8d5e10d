"""Measured cells against the OSes' own conformance tests.

The reference files under results/reference/ that were transcribed from a
test suite (the kernel's selftests, Wine's ws2_32 tests, FreeBSD's
netinet tests; tools/transcribe-references writes them) hold one cell per
case that maps exactly onto a cell of ours, each with the source line that
asserts it. This package compares a measured result file with them. It
reads JSON only: it runs where nothing is built.

    compare(measured, reference) -> Comparison: per reference cell, the
        measured cell with the same key and agree / disagree / not measured
    wine_diff(measured, windows, deltas) -> [WineRow]: each cell where
        the Wine measurement differs from real Windows, and whether Wine's
        own todo_wine marks predict it
    linux_measurement(results_dir) -> (path, why): which measured Linux
        file to check, the run's or the committed one
"""

import json
from dataclasses import dataclass
from pathlib import Path

import vocabulary

from .cells import NOT_MEASURED, differences

REPO = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO / "results" / "reference"
KSELFTEST = REFERENCE_DIR / "kselftest-linux-6.12.json"
WINDOWS = REFERENCE_DIR / "winetest-windows.json"
WINE_DELTAS = REFERENCE_DIR / "winetest-wine-8.0-todo.json"
FREEBSD = REFERENCE_DIR / "freebsd-tests-netinet.json"
COMMITTED_LINUX = REPO / "results" / "linux-6.18-x86_64.json"
COMMITTED_WINE = REPO / "results" / "windows-wine-8.0-x86_64.json"


class ConformanceError(Exception):
    """A result file that cannot be read; one line."""


def load(path):
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConformanceError(f"{path}: cannot read: {error.strerror}") \
            from None
    except ValueError as error:
        raise ConformanceError(f"{path}: not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(
            document.get("cells"), list):
        raise ConformanceError(f"{path}: not a result file (no cells)")
    return document


def where(cell):
    """The source line a reference cell comes from: path:line (function)."""
    p = cell["provenance"]
    return f"{p['path']}:{p['line']} ({p['function']})"


@dataclass(frozen=True)
class Row:
    key: tuple
    reference: dict
    measured: dict | None
    verdict: str  # "agree", "disagree" or "not measured"
    fields: tuple = ()  # the fields that disagree

    def line(self):
        ref, got = self.reference, self.measured
        text = f"{self.verdict}: {describe(self.key)}: reference " \
            f"{answer(ref)} ({where(ref)})"
        if got is not None:
            text += f", measured {answer(got)}"
        return text


@dataclass(frozen=True)
class Comparison:
    reference: dict
    rows: tuple

    def count(self, verdict):
        return sum(1 for r in self.rows if r.verdict == verdict)

    def counts(self):
        """cases, mapped exactly, reference cells, measured cells present,
        agreeing, disagreeing: the figures the README and the report
        quote."""
        counts = self.reference["platform"]["provenance"]["counts"]
        measured = sum(1 for r in self.rows if r.verdict != "not measured")
        return {"cases": counts["cases"], "mapped": counts["mapped"],
                "cells": len(self.rows), "measured": measured,
                "agree": self.count("agree"),
                "disagree": self.count("disagree")}

    def disagreements(self):
        return [r for r in self.rows if r.verdict == "disagree"]


def describe(key):
    return " ".join(f"{field}={value}" for field, value in key)


def answer(cell):
    text = cell["outcome"]
    if cell.get("scenario") == "hijack" and cell["outcome"] == "ok":
        text += f", listen {cell.get('listen_outcome')}"
        if cell.get("reached"):
            text += f", reached {cell['reached']}"
    return text


def by_key(document):
    return {vocabulary.cell_key(c): c for c in document["cells"]}


def compare(measured, reference):
    """Each reference cell beside the measured cell with the same key."""
    cells = by_key(measured)
    rows = []
    for ref in reference["cells"]:
        key = vocabulary.cell_key(ref)
        got = cells.get(key)
        if got is None or got["outcome"] in NOT_MEASURED:
            rows.append(Row(key, ref, got, "not measured"))
            continue
        fields = tuple(differences(ref, got))
        rows.append(Row(key, ref, got, "disagree" if fields else "agree",
                        fields))
    return Comparison(reference, tuple(rows))


@dataclass(frozen=True)
class WineRow:
    key: tuple
    windows: dict
    wine: dict
    predicted: bool  # a todo_wine mark says Wine differs here
    prediction: dict | None  # the deltas file's cell for this key

    def line(self):
        mark = "predicted by todo_wine" if self.predicted else \
            "NOT predicted by todo_wine"
        return (f"{describe(self.key)}: Windows {answer(self.windows)} "
                f"({where(self.windows)}), Wine measured "
                f"{answer(self.wine)}: {mark}")


def wine_diff(measured, windows, deltas):
    """Every cell where the Wine measurement differs from what Wine's
    tests expect of real Windows, and whether a todo_wine mark (the deltas
    file) predicts that Wine differs there. Cells Wine did not measure are
    left out: there is nothing to differ."""
    predictions = by_key(deltas)
    rows = []
    for row in compare(measured, windows).rows:
        if row.verdict != "disagree":
            continue
        prediction = predictions.get(row.key)
        rows.append(WineRow(row.key, row.reference, row.measured,
                            prediction is not None, prediction))
    return rows


def linux_measurement(results_dir):
    """The measured Linux file to check: the one this run's driver suites
    wrote under results_dir (build/results/<platform-id>.json), else the
    committed results/linux-6.18-x86_64.json. Returns (path, why)."""
    if results_dir:
        for path in sorted(Path(results_dir).glob("*.json")):
            try:
                platform = load(path)["platform"]
            except (ConformanceError, KeyError):
                continue
            if platform.get("family") == "linux" and \
                    platform.get("source") == "measured":
                return path, "this run's measurement"
    return COMMITTED_LINUX, (
        "the committed measurement: no measured Linux file under "
        f"{results_dir or '$BINDMATRIX_RESULTS_DIR (unset)'}")
