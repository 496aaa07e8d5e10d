"""Scenario data (scenarios/*.toml) expanded into cell keys and test ids.

A scenario names the dimensions of the matrix; every combination is a cell.
The harness knows how to run them; this module only says which to run and
what each is called.
"""
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"

# The fields that say which cell a result is (DESIGN.md's contract); the
# others (witnessed_state, outcome, os_error, reason) are what was measured.
KEY_FIELDS = ("scenario", "proto", "family", "listener_option", "probe_option",
              "listener_addr", "probe_addr", "v6only", "probe_user", "state")

REQUIRED = ("scenario", "proto", "families", "options", "probe_options",
            "states", "listener_addr", "probe_addr")


class ScenarioError(Exception):
    """A scenario file that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Scenario:
    name: str
    proto: str
    families: tuple
    options: tuple
    probe_options: object  # "same", or a tuple of option names
    states: tuple
    listener_addr: str
    probe_addr: str

    def probes_for(self, listener_option):
        if self.probe_options == "same":
            return (listener_option,)
        return self.probe_options

    def cells(self, families=None, options=None, states=None):
        """The cell keys, in the harness's order, optionally narrowed."""
        return [
            {"scenario": self.name, "proto": self.proto, "family": family,
             "listener_option": option, "probe_option": probe,
             "listener_addr": self.listener_addr,
             "probe_addr": self.probe_addr,
             "v6only": True if family == "ipv6" else None,
             "probe_user": "same", "state": state}
            for family in families or self.families
            for option in options or self.options
            for state in states or self.states
            for probe in self.probes_for(option)
        ]


def load(name="bind", directory=SCENARIO_DIR):
    path = Path(directory) / f"{name}.toml"
    try:
        data = tomllib.loads(path.read_text())
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: not TOML: {e}") from None
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise ScenarioError(f"{path}: missing {', '.join(missing)}")
    probes = data["probe_options"]
    return Scenario(
        name=data["scenario"], proto=data["proto"],
        families=tuple(data["families"]), options=tuple(data["options"]),
        probe_options=probes if probes == "same" else tuple(probes),
        states=tuple(data["states"]), listener_addr=data["listener_addr"],
        probe_addr=data["probe_addr"])


def cell_key(cell):
    """The identity of a cell, whatever else it records."""
    return tuple(cell.get(field) for field in KEY_FIELDS)


def cell_id(cell):
    """Reads like the table: tcp-ipv4-SO_REUSEADDR-TIME_WAIT; a probe option
    that differs from the listener's follows it: default/SO_REUSEADDR."""
    options = cell["listener_option"]
    if cell["probe_option"] != cell["listener_option"]:
        options += "/" + cell["probe_option"]
    return "-".join((cell["proto"], cell["family"], options, cell["state"]))
