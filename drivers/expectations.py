"""What each OS family is expected to give, from scenarios/expected/*.toml.

Each file holds rows, matched in order against a cell: the first row whose
fields all equal the cell's wins; a field left out matches anything, and
"option" stands for listener and probe option both. Every row names its
sources, each defined in the file's [sources] table.
"""
import tomllib
from pathlib import Path
from typing import NamedTuple, Optional

EXPECTED_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "expected"

ROW_ONLY = ("outcome", "source", "note")


class ExpectationError(Exception):
    """An expectations file that cannot be used; the message is one line."""


class Expectation(NamedTuple):
    outcome: str
    source: str
    note: Optional[str]


def _matches(row, cell):
    for field, want in row.items():
        if field in ROW_ONLY:
            continue
        if field == "option":
            if cell.get("listener_option") != want or \
                    cell.get("probe_option") != want:
                return False
        elif cell.get(field) != want:
            return False
    return True


class Expectations:
    def __init__(self, path, family, rows, sources):
        self.path = path
        self.family = family
        self.rows = rows
        self.sources = sources

    def lookup(self, cell):
        for row in self.rows:
            if _matches(row, cell):
                return Expectation(row["outcome"], row["source"],
                                   row.get("note"))
        return None


def _check_rows(path, rows, sources):
    for number, row in enumerate(rows, 1):
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
    rows = data.get("expect", [])
    sources = data.get("sources", {})
    _check_rows(path, rows, sources)
    return Expectations(path, data.get("family", name), rows, sources)


def name_for_platform(platform):
    """Wine is not Windows: its expectations live apart from Windows'."""
    emulation = platform.get("emulation") or ""
    if platform.get("family") == "windows" and emulation.startswith("wine"):
        return "windows-wine"
    return platform.get("family", "unknown")


def load_for_platform(platform, directory=EXPECTED_DIR):
    return load(name_for_platform(platform), directory)
