"""Result files as the report sees them: cells keyed by the vocabulary's
cell key, ordered as the vocabulary orders names, and the evidence class
of the file they come from. Names and orders are never restated here: they
come from results/vocabulary.json (the `vocabulary` package)."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import vocabulary
from conformance.cells import ANY_ERROR, outcome_agrees


class ReportError(Exception):
    """A problem the user can fix: printed as one line per problem, exit
    status 2."""


# Which vocabulary table orders the values of each cell field. cloexec is
# a boolean: the listener that leaks first, then the fix.
FIELD_TABLES = {
    "scenario": "scenarios", "proto": "protos", "family": "cell_families",
    "listener_endpoint": "endpoints", "probe_endpoint": "endpoints",
    "listener_option": "options", "probe_option": "options",
    "probe_user": "users", "state": "states", "spawn": "spawns",
}
BOOLEAN_ORDER = (False, True)


@functools.lru_cache(maxsize=None)
def value_order(field):
    """value -> rank for one cell field, in the vocabulary's order."""
    if field == "cloexec":
        return {value: rank for rank, value in enumerate(BOOLEAN_ORDER)}
    table = FIELD_TABLES.get(field)
    return {name: rank for rank, name in
            enumerate(vocabulary.names(table))} if table else {}


def cell_key(cell):
    return vocabulary.cell_key(cell)


def family_label(family):
    row = vocabulary.row("os_families", family)
    return row["label"] if row else family


def family_names():
    return vocabulary.names("os_families")


@functools.lru_cache(maxsize=None)
def endpoint_holds(endpoint):
    """Which addresses a socket on the endpoint holds, per IP version
    ("*": all of them)."""
    return vocabulary.row("endpoints", endpoint)["holds"]


@functools.lru_cache(maxsize=None)
def state_question(state):
    """hijack or restart: the question a cell in this state asks."""
    row = vocabulary.row("states", state)
    return row["question"] if row else None


@functools.lru_cache(maxsize=None)
def option_shares(option):
    """Whether sockets with this option ask to share a port."""
    row = vocabulary.row("options", option)
    return bool(row and row.get("shares"))


# Evidence classes, strongest first: a run of this harness on the OS, a
# published source (documentation, a blog, an OS's own conformance tests),
# this harness under an emulator (which applies its own rules), and an
# emulator's own tests where they mark the cases it fails (Wine's
# todo_wine): a prediction about the emulator, neither a measurement nor
# evidence of the OS, so it never decides an answer or a table's value.
MEASURED, REFERENCE, EMULATED, PREDICTED = (
    "measured", "reference", "emulated", "emulator's own tests")
EVIDENCE_ORDER = (MEASURED, REFERENCE, EMULATED, PREDICTED)
# The provenance key by which a prediction's cell names its mark.
PREDICTION_MARK = "todo_wine"


def outcomes_agree(one, other):
    """Two sources' outcomes for a cell agree; a suite's "error" (bind
    fails, no error named) agrees with any error."""
    return outcome_agrees(one, other) or outcome_agrees(other, one)


def outcome_words(outcome):
    """An outcome in a sentence: a suite's unnamed error reads as such."""
    return "an error" if outcome == ANY_ERROR else outcome


def site(cell):
    """Where a cited cell's source asserts it: path:line."""
    provenance = cell.get("provenance") if cell else None
    return (f"{provenance['path']}:{provenance['line']}" if provenance
            else None)


# eq=False: a file is itself, hashed by identity (its cells are dicts).
@dataclass(frozen=True, eq=False)
class ResultFile:
    path: Path
    platform: dict
    harness: dict    # None for a reference
    cells: dict      # cell key -> cell

    @property
    def id(self):
        return self.platform["id"]

    @property
    def family(self):
        return self.platform["family"]

    @property
    def family_label(self):
        return family_label(self.family)

    @property
    def is_reference(self):
        return self.platform["source"] == "reference"

    @property
    def evidence(self):
        """measured, reference, emulated or an emulator's own tests. A run
        under an emulator says what the emulator does, not the OS; a source
        about an emulator (its tests' marks) predicts what it does."""
        if self.platform.get("emulation"):
            return PREDICTED if self.is_reference else EMULATED
        return REFERENCE if self.is_reference else MEASURED

    @property
    def is_prediction(self):
        return self.evidence == PREDICTED

    @property
    def emulator(self):
        """The emulator's name in a sentence (wine-8.0 -> Wine)."""
        emulation = self.platform.get("emulation")
        return emulation.split("-")[0].capitalize() if emulation else None

    @property
    def kind(self):
        """e.g. reference, measured, emulated: wine-8.0."""
        if self.evidence in (EMULATED, PREDICTED):
            return f"{self.evidence}: {self.platform['emulation']}"
        return self.evidence

    @property
    def name(self):
        """What the report calls the file in a sentence: an emulation by
        its emulator (wine-8.0), the emulator's tests as such (Wine's
        tests), everything else by its platform id."""
        if self.is_prediction:
            return f"{self.emulator}'s tests"
        return self.platform.get("emulation") or self.id

    @property
    def label(self):
        return f"{self.id} ({self.kind})"

    @property
    def document(self):
        """What the source is, in a line: a reference's document, or this
        harness on the platform."""
        provenance = self.platform.get("provenance")
        if provenance:
            return provenance["document"]
        where = " ".join(str(self.platform[f]) for f in ("os", "release")
                         if self.platform.get(f))
        harness = (f"this harness {self.harness['version']} (libuv "
                   f"{self.harness['libuv']})")
        if self.evidence == EMULATED:
            return (f"{harness} under {self.platform['emulation']}, which "
                    f"reports {where}")
        return f"{harness} on {where}"

    @property
    def described(self):
        return f"{self.label}: {self.document}"

    @functools.cached_property
    def cites_cells(self):
        """Each cell names the source line that asserts it (an OS's
        conformance tests)."""
        return any("provenance" in cell for cell in self.cells.values())

    @functools.cached_property
    def suite(self):
        """The sources a transcribed file comes from, as a comparable
        value: the OS's view of a test suite and the emulator's view of
        the same suite share it."""
        provenance = self.platform.get("provenance") or {}
        return tuple((s["repository"], s["path"], s["version"])
                     for s in provenance.get("sources", ()))

    @functools.cached_property
    def by_listener_option(self):
        """listener option -> its cells: every question asks one option."""
        groups = {}
        for cell in self.cells.values():
            groups.setdefault(cell["listener_option"], []).append(cell)
        return groups


def source_order(result):
    """Strongest evidence first; within a class, files that cite a source
    per cell (an OS's conformance tests) and then the larger files (the
    systematic sources) first."""
    return (EVIDENCE_ORDER.index(result.evidence), not result.cites_cells,
            -len(result.cells), result.id)


# ---------------------------------------------------------------- keys

def key_field_rank(field):
    fields = vocabulary.cell_key_fields()
    return (fields.index(field), field) if field in fields \
        else (len(fields), field)


def value_rank(field, value):
    rank = value_order(field).get(value)
    return (0, rank, "") if rank is not None else (1, 0, json.dumps(value))


def values_rank(fields, values):
    return tuple(value_rank(f, v) for f, v in zip(fields, values))


def key_sort_order(key):
    return tuple((key_field_rank(field), value_rank(field, value))
                 for field, value in key)


def sorted_values(field, values):
    return sorted(values, key=lambda value: value_rank(field, value))


def display_value(value):
    """JSON spelling, so that null and booleans read as in the files."""
    return value if isinstance(value, str) else json.dumps(value)


def describe_key(key):
    return " ".join(f"{field}={display_value(value)}" for field, value in key)


def plural(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def address_of(cell):
    return f"{cell['listener_endpoint']}/{cell['probe_endpoint']}"


def listed(values):
    return ", ".join(dict.fromkeys(values))


# ---------------------------------------------------------------- outcomes

NOT_MEASURED = "–"
DIVERGENCE_MARK = "≠"
# Such outcomes say nothing about the OS's bind rules.
NOT_EVIDENCE = frozenset({"invalid", "unsupported"})

# Narrow spellings for terminal grids (INUSE is what Microsoft's tables
# call EADDRINUSE).
SHORT_OUTCOMES = {"EADDRINUSE": "INUSE", "EACCES": "ACCES",
                  "unsupported": "n/a"}


def short_legend(reasons):
    """What the short spellings mean; reasons: where to read why cells are
    unsupported."""
    return ("INUSE = EADDRINUSE, ACCES = EACCES, n/a = unsupported "
            f"({reasons}), {NOT_MEASURED} = not measured")


def short_outcome(outcome):
    return SHORT_OUTCOMES.get(outcome, outcome)
