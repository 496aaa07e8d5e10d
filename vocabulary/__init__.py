"""The harness's vocabulary, for the Python side: options, states,
endpoints, scenarios, spawn methods, users, OS families and the fields that
say which cell a result is.

The names are defined once, in the harness's C tables; `bindmatrix list
--json` exports them, and results/vocabulary.json is that export, kept in
the repository so that report.py runs where nothing is built (a test fails
when the two differ). Nothing here restates a name: it only reads the file.
"""

import functools
import json
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "results" / "vocabulary.json"


class VocabularyError(Exception):
    """results/vocabulary.json is missing or unreadable; one line."""


@functools.lru_cache(maxsize=None)
def load(path=PATH):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise VocabularyError(f"{path}: cannot read: {error.strerror}") \
            from None
    except ValueError as error:
        raise VocabularyError(f"{path}: not JSON: {error}") from None


def rows(table):
    """The rows of one table (e.g. "options"), in the harness's order."""
    return load()[table]


def names(table):
    """The names of one table's rows, in the harness's order: the order
    every output shows them in."""
    return tuple(row["name"] for row in rows(table))


def row(table, name):
    """The row called `name`, or None."""
    return next((r for r in rows(table) if r["name"] == name), None)


def cell_key_fields():
    """The fields that say which cell a result is, in key order."""
    return tuple(load()["cell_key"])


def cell_key(cell):
    """A cell's identity: (field, value) for each key field it has. Fields
    a scenario does not use (cloexec, spawn outside inherit) are absent."""
    return tuple((field, cell[field]) for field in cell_key_fields()
                 if field in cell and cell[field] is not None)


def describe_key(key):
    """A cell key as one line: field=value for each of its fields."""
    return " ".join(f"{f}={v}" for f, v in key)


def differing_cells(before, after, fields):
    """The cells of `before` whose `fields` are not what `after` measured
    (or that `after` lacks), each as one readable line: a comparison of two
    runs then fails by naming the cells, not by printing both tables."""
    def measured(cells):
        return {cell_key(c): tuple(c.get(f) for f in fields) for c in cells}
    a, b = measured(before), measured(after)
    return [describe_key(key)
            + f": {dict(zip(fields, a[key]))} -> "
            + (f"{dict(zip(fields, b[key]))}" if key in b else "absent")
            for key in a if a[key] != b.get(key)] \
        + [describe_key(key) + ": only in the second run"
           for key in b if key not in a]
