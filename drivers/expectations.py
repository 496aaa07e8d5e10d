"""What each OS family is expected to give, from scenarios/expected/*.toml.

Each file holds rows, matched in order against a cell: the first row whose
fields all equal the cell's wins. A list matches any of its values; "@name"
stands for the list [sets].name. Three fields are shorthands: "option"
(listener and probe option both), "address" ("LISTENER/PROBE"
endpoints) and "same_option" (true: the probe's option is the listener's,
as when a runtime's restarted server is the runtime itself). The measured fields of a row (outcome; for hijacks
listen_outcome and reached; for inherit cells child_holds_listener and
child_holds_loop) are what is expected; every row names its sources, each
defined in the file's [sources] table.

No catch-all: every row names the scenarios, states and options it is
about, so a cell of an option or a state that no row names has no
expectation, and a family with an expectations file fails on it: a new
option or state cannot pass unseen. Every name is checked against the
vocabulary when the file is read.
"""
import tomllib
from pathlib import Path
from typing import NamedTuple, Optional

import vocabulary

EXPECTED_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "expected"

EXPECTED_FIELDS = ("outcome", "listen_outcome", "reached",
                   "child_holds_listener", "child_holds_loop")
ROW_ONLY = (*EXPECTED_FIELDS, "source", "note")
# What every row must say: without them a row would match cells of names
# nobody looked at.
REQUIRED = (("scenario",), ("state",), ("option", "listener_option"),
            ("option", "probe_option"))

# The vocabulary table each matched field takes its names from; None for
# booleans; "pairs" for LISTENER/PROBE.
FIELD_TABLES = {
    "scenario": "scenarios", "proto": "protos", "family": "cell_families",
    "listener_endpoint": "endpoints", "probe_endpoint": "endpoints",
    "address": "pairs", "option": "options", "listener_option": "options",
    "probe_option": "options", "probe_user": "users", "state": "states",
    "spawn": "spawns", "cloexec": None, "same_option": None,
}
REACHED = ("first", "second", "both", "none")


class ExpectationError(Exception):
    """An expectations file that cannot be used; the message is one line."""


class Expectation(NamedTuple):
    outcome: str
    source: str
    note: Optional[str]
    extra: dict  # the other expected measured fields, e.g. reached


def _cell_values(cell, field):
    """What a row field is compared with, as a tuple of cell values."""
    if field == "option":
        return (cell.get("listener_option"), cell.get("probe_option"))
    if field == "address":
        return (f"{cell.get('listener_endpoint')}/{cell.get('probe_endpoint')}",)
    if field == "same_option":
        return (cell.get("listener_option") == cell.get("probe_option"),)
    return (cell.get(field),)


def _matches(row, cell):
    return all(value in want
               for field, want in row.items() if field not in ROW_ONLY
               for value in _cell_values(cell, field))


class Expectations:
    def __init__(self, path, family, rows, sources):
        self.path = path
        self.family = family
        self.rows = rows
        self.sources = sources

    def lookup(self, cell):
        """The first row that matches, or None: no row names this cell."""
        for row in self.rows:
            if _matches(row, cell):
                extra = {f: row[f] for f in EXPECTED_FIELDS[1:] if f in row}
                return Expectation(row["outcome"], row["source"],
                                   row.get("note"), extra)
        return None


def _known_names(table):
    if table == "pairs":
        endpoints = vocabulary.names("endpoints")
        return {f"{a}/{b}" for a in endpoints for b in endpoints}
    return set(vocabulary.names(table))


def _check_value(path, number, field, value):
    if field not in FIELD_TABLES:
        raise ExpectationError(f"{path}: row {number}: unknown field "
                               f"{field!r}")
    table = FIELD_TABLES[field]
    if table is None:
        if not isinstance(value, bool):
            raise ExpectationError(f"{path}: row {number}: {field} must be "
                                   "true or false")
        return
    if value not in _known_names(table):
        raise ExpectationError(f"{path}: row {number}: {field}: unknown "
                               f"name {value!r} (bindmatrix list shows "
                               "them)")


def _outcome_names():
    return {"ok", "unsupported", *vocabulary.load()["errors"]}


def _check_expected(path, number, row):
    for field in ("outcome", "listen_outcome"):
        if field in row and row[field] not in _outcome_names():
            raise ExpectationError(f"{path}: row {number}: {field}: "
                                   f"unknown outcome {row[field]!r}")
    if "reached" in row and row["reached"] not in REACHED:
        raise ExpectationError(f"{path}: row {number}: reached is one of "
                               f"{', '.join(REACHED)}")


def _expand(path, number, row, sets):
    """The row with every matched value as a tuple, sets resolved and every
    name checked."""
    expanded = {}
    for field, value in row.items():
        if field in ROW_ONLY:
            expanded[field] = value
            continue
        values = value if isinstance(value, list) else [value]
        resolved = []
        for v in values:
            if isinstance(v, str) and v.startswith("@"):
                if v[1:] not in sets:
                    raise ExpectationError(
                        f"{path}: row {number} uses {v}, which [sets] does "
                        "not define")
                resolved.extend(sets[v[1:]])
            else:
                resolved.append(v)
        for v in resolved:
            _check_value(path, number, field, v)
        expanded[field] = tuple(resolved)
    return expanded


def _check_row(path, number, row, sources):
    if "outcome" not in row or "source" not in row:
        raise ExpectationError(
            f"{path}: row {number} needs an outcome and a source")
    for alternatives in REQUIRED:
        if not any(field in row for field in alternatives):
            raise ExpectationError(
                f"{path}: row {number} does not say which "
                f"{' or '.join(alternatives)} it is about (no catch-all "
                "rows: name them, or a [sets] list of them)")
    for name in (s.strip() for s in row["source"].split(",")):
        if name not in sources:
            raise ExpectationError(
                f"{path}: row {number} cites '{name}', "
                "which [sources] does not define")
    _check_expected(path, number, row)


def load(name, directory=EXPECTED_DIR):
    """The expectations in <directory>/<name>.toml, or None if none exist."""
    path = Path(directory) / f"{name}.toml"
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ExpectationError(f"{path}: not TOML: {e}") from None
    sources = data.get("sources", {})
    sets = data.get("sets", {})
    rows = []
    for number, row in enumerate(data.get("expect", []), 1):
        _check_row(path, number, row, sources)
        rows.append(_expand(path, number, row, sets))
    return Expectations(path, data.get("family", name), rows, sources)


def name_for_platform(platform):
    """Wine is not Windows: its expectations live apart from Windows'."""
    emulation = platform.get("emulation") or ""
    if platform.get("family") == "windows" and emulation.startswith("wine"):
        return "windows-wine"
    return platform.get("family", "unknown")


def load_for_platform(platform, directory=EXPECTED_DIR):
    return load(name_for_platform(platform), directory)
