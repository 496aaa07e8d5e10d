"""The vocabulary of result files: cells, their keys, the orders they read
in, the platforms they come from and how outcomes are shown."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path


class ReportError(Exception):
    """A problem the user can fix: printed as one line, exit status 2."""


# What a run observed or a transcriber remarked. Every other field of a cell
# says which cell it is, so new scenario fields become key fields unasked.
MEASURED_FIELDS = frozenset({
    "witnessed_state", "outcome", "os_error", "reason", "note",
    # the hijack scenario: did the second listen() work, and which
    # listener did new connections reach?
    "listen_outcome", "reached", "connections",
    # the inherit scenario: what the child the server left behind was seen
    # to hold (null: the OS did not say)
    "child_holds_listener", "child_holds_loop"})

# Key fields come in this order; any other key field follows, by name.
KEY_FIELD_ORDER = ("scenario", "proto", "family", "listener_endpoint",
                   "probe_endpoint", "listener_addr", "probe_addr", "v6only",
                   "listener_option", "probe_option", "probe_user", "state")

OPTION_ORDER = ("default", "SO_REUSEADDR", "SO_REUSEPORT",
                "SO_EXCLUSIVEADDRUSE", "SO_REUSEADDR+SO_REUSEPORT",
                "SO_REUSEPORT_LB", "uv_tcp_bind")
# How the inherit scenario's server starts its child: Unix's, then
# Windows'.
SPAWN_ORDER = ("fork-exec", "posix_spawn", "uv_spawn", "CreateProcess-inherit",
               "CreateProcess-noinherit")
# The life of the old connection: the active close (the server closes
# first), then the passive close. UDP sockets are only ever BOUND; CLOSED
# is an inherit cell's port once nothing kept it.
STATE_ORDER = ("BOUND", "LISTEN", "ESTABLISHED", "ESTABLISHED_NO_LISTENER",
               "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "TIME_WAIT",
               "CLOSE_WAIT", "LAST_ACK", "CLOSED")

# Which addresses a socket bound to each endpoint holds, per IP version:
# "*" for all of them. The schema's endpoint names are this table's keys.
ENDPOINT_ADDRESSES = {
    "0.0.0.0": {"ipv4": "*"},
    "127.0.0.1": {"ipv4": "127.0.0.1"},
    "[::]": {"ipv6": "*"},  # IPV6_V6ONLY on
    "[::1]": {"ipv6": "::1"},
    "[::]dual": {"ipv4": "*", "ipv6": "*"},  # IPV6_V6ONLY off
    "[::ffff:127.0.0.1]": {"ipv4": "127.0.0.1"},
}

# Known values sort in this order; others follow alphabetically.
VALUE_ORDER = {
    field: {value: rank for rank, value in enumerate(values)}
    for field, values in {
        "scenario": ("bind", "hijack", "inherit"),
        "proto": ("tcp", "udp"),
        "family": ("ipv4", "ipv6", "dualstack", "mixed"),
        "listener_endpoint": tuple(ENDPOINT_ADDRESSES),
        "probe_endpoint": tuple(ENDPOINT_ADDRESSES),
        "listener_addr": ("wildcard", "specific", "v4mapped"),
        "probe_addr": ("wildcard", "specific", "v4mapped"),
        "v6only": (None, False, True),
        "listener_option": OPTION_ORDER,
        "probe_option": OPTION_ORDER,
        "probe_user": ("same", "other"),
        "state": STATE_ORDER,
        # a listener that leaks first, then the fix
        "cloexec": (False, True),
        "spawn": SPAWN_ORDER,
    }.items()}

# OS families in column order, with the names people use for them.
FAMILY_LABELS = {"windows": "Windows", "linux": "Linux", "bsd": "BSD",
                 "darwin": "macOS"}

# Such outcomes say nothing about the OS's bind rules.
NOT_EVIDENCE = frozenset({"invalid", "unsupported"})


@dataclass(frozen=True)
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
        return FAMILY_LABELS[self.family]

    @property
    def is_reference(self):
        return self.platform["source"] == "reference"

    @property
    def kind(self):
        """reference, measured or emulated: wine-8.0."""
        if self.is_reference:
            return "reference"
        if self.platform.get("emulation"):
            return f"emulated: {self.platform['emulation']}"
        return "measured"

    @property
    def label(self):
        return f"{self.id} ({self.kind})"


# ---------------------------------------------------------------- keys

def key_field_rank(field):
    order = KEY_FIELD_ORDER.index(field) if field in KEY_FIELD_ORDER \
        else len(KEY_FIELD_ORDER)
    return (order, field)


@functools.lru_cache(maxsize=None)
def key_fields(field_names):
    """The key fields among a cell's field names, in key field order.
    Cached: a file's cells have a handful of field sets between them."""
    return tuple(sorted((f for f in field_names if f not in MEASURED_FIELDS),
                        key=key_field_rank))


def cell_key(cell):
    """The cell's identity: its non-measured fields, in key field order."""
    return tuple((field, cell[field]) for field in key_fields(tuple(cell)))


def value_rank(field, value):
    rank = VALUE_ORDER.get(field, {}).get(value)
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


# ---------------------------------------------------------------- outcomes

NOT_MEASURED = "–"
DIVERGENCE_MARK = "≠"

# One colour per kind of outcome, shared by the HTML page and the picture.
OUTCOME_COLOURS = {
    "ok": "#4caf50",
    "EADDRINUSE": "#e53935",
    "EACCES": "#fb8c00",
    "other error": "#8e24aa",
    "unsupported": "#cfd8dc",
    "invalid": "#fdd835",
    "not measured": "#f4f4f4",
}

# Narrow spellings for terminal grids, so that a row fits in 100 columns
# (INUSE is what Microsoft's tables call EADDRINUSE).
SHORT_OUTCOMES = {"EADDRINUSE": "INUSE", "EACCES": "ACCES",
                  "unsupported": "n/a"}


def short_legend(reasons):
    """What the short spellings mean; reasons: where to read why cells are
    unsupported."""
    return ("INUSE = EADDRINUSE, ACCES = EACCES, n/a = unsupported "
            f"({reasons}), {NOT_MEASURED} = not measured")


def outcome_category(outcome):
    """The colour class of an outcome (None: not measured)."""
    if outcome is None:
        return "not measured"
    return outcome if outcome in OUTCOME_COLOURS else "other error"


def short_outcome(outcome):
    return SHORT_OUTCOMES.get(outcome, outcome)
