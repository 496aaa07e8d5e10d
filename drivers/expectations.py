"""What each OS family is expected to give, from scenarios/expected/*.toml.

Each file holds rows, matched in order against a cell: the first row whose
fields all equal the cell's wins. A field left out matches anything; a list
matches any of its values; "@name" stands for the list [sets].name. Two
fields are shorthands: "option" (listener and probe option both) and
"address" ("LISTENER/PROBE" endpoints). The measured fields of a row
(outcome; for hijacks listen_outcome and reached; for inherit cells
child_holds_listener and child_holds_loop) are what is expected; every row
names its sources, each defined in the file's [sources] table.
"""
import tomllib
from pathlib import Path
from typing import NamedTuple, Optional

EXPECTED_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "expected"

EXPECTED_FIELDS = ("outcome", "listen_outcome", "reached",
                   "child_holds_listener", "child_holds_loop")
ROW_ONLY = (*EXPECTED_FIELDS, "source", "note")


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
        for row in self.rows:
            if _matches(row, cell):
                extra = {f: row[f] for f in EXPECTED_FIELDS[1:] if f in row}
                return Expectation(row["outcome"], row["source"],
                                   row.get("note"), extra)
        return None


def _expand(path, number, row, sets):
    """The row with every matched value as a tuple, sets resolved."""
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
        expanded[field] = tuple(resolved)
    return expanded


def _check_sources(path, number, row, sources):
    if "outcome" not in row or "source" not in row:
        raise ExpectationError(
            f"{path}: row {number} needs an outcome and a source")
    for name in (s.strip() for s in row["source"].split(",")):
        if name not in sources:
            raise ExpectationError(
                f"{path}: row {number} cites '{name}', "
                "which [sources] does not define")


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
        _check_sources(path, number, row, sources)
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
