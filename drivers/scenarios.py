"""Scenario data (scenarios/*.toml) expanded into cell keys, test ids and
harness arguments.

A scenario names the dimensions of the matrix; every combination is a cell.
The harness knows how to run them; this module only says which to run and
what each is called. A filter narrows the dimensions (./matrix run --filter).
"""
import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
SCENARIO_NAMES = ("bind", "hijack", "inherit")

# The fields that say which cell a result is; the others (family and the
# address kinds follow from the endpoints; witnessed_state, outcome, ...)
# describe it or were measured. cloexec and spawn are the inherit
# scenario's; other cells have none (None).
KEY_FIELDS = ("scenario", "proto", "listener_endpoint", "probe_endpoint",
              "listener_option", "probe_option", "probe_user", "state",
              "cloexec", "spawn")

REQUIRED = ("scenario", "protos", "addresses", "options", "probe_options",
            "users", "states")

# The blog's addresses: cells there need no address in their test id.
PLAIN_ADDRESSES = ("0.0.0.0/0.0.0.0", "[::]/[::]")


class ScenarioError(Exception):
    """A scenario file or filter that cannot be used; one line."""


def endpoint_family(endpoint):
    if not endpoint.startswith("["):
        return "ipv4"
    return "ipv6" if endpoint in ("[::]", "[::1]") else "dual"


def address_family(address):
    """A cell's family as the harness writes it: ipv4 or ipv6 (IPv6-only)
    on both sides, dualstack when a side is dual-stack, mixed for IPv4
    beside IPv6-only."""
    families = {endpoint_family(e) for e in address.split("/")}
    if "dual" in families:
        return "dualstack"
    return families.pop() if len(families) == 1 else "mixed"


def value_name(value):
    """A dimension's value as filters and the harness spell it: true and
    false for the close-on-exec flag."""
    return str(value).lower() if isinstance(value, bool) else value


@dataclass(frozen=True)
class Scenario:
    name: str
    protos: tuple
    addresses: tuple
    options: tuple
    probe_options: tuple
    users: tuple
    states: dict  # proto -> tuple of states
    # The inherit scenario's: the listener's close-on-exec flag, how the
    # server starts its child, and the methods that pass it no descriptor.
    cloexec: tuple = ()
    spawns: tuple = ()
    spawns_passing_nothing: tuple = ()

    def declared_state(self, cloexec, spawn):
        """What an inherit cell leaves on the port, by the model the witness
        checks: the child keeps the listener unless it is close-on-exec or
        the method passes nothing."""
        kept = not cloexec and spawn not in self.spawns_passing_nothing
        return "LISTEN" if kept else "CLOSED"

    def _inheritance(self):
        """(key fields, declared state) of each inherit combination; for
        other scenarios one empty combination, their states all listed."""
        if not self.spawns:
            return [({}, None)]
        return [({"cloexec": cloexec, "spawn": spawn},
                 self.declared_state(cloexec, spawn))
                for cloexec in self.cloexec for spawn in self.spawns]

    def cells(self):
        """Every cell key of the scenario."""
        return [
            {"scenario": self.name, "proto": proto,
             "listener_endpoint": address.split("/")[0],
             "probe_endpoint": address.split("/")[1],
             "listener_option": option, "probe_option": probe,
             "probe_user": user, "state": state, **inheritance}
            for proto in self.protos
            for address in self.addresses
            for option in self.options
            for probe in self.probe_options
            for user in self.users
            for inheritance, declared in self._inheritance()
            for state in self.states.get(proto, ())
            if declared in (None, state)
        ]

    def harness_args(self):
        states = [s for p in self.protos for s in self.states.get(p, ())]
        args = ["matrix", "--scenarios", self.name,
                "--protos", ",".join(self.protos),
                "--addresses", ",".join(self.addresses),
                "--options", ",".join(self.options),
                "--probe-options", ",".join(self.probe_options),
                "--users", ",".join(self.users),
                "--states", ",".join(dict.fromkeys(states))]
        if self.spawns:
            args += ["--cloexec", ",".join(map(value_name, self.cloexec)),
                     "--spawns", ",".join(self.spawns)]
        return args

    def narrowed(self, field, values):
        """The scenario with one dimension narrowed to `values` (checked by
        parse_filter)."""
        values = tuple(values)
        if field == "family":
            return replace(self, addresses=tuple(
                a for a in self.addresses if address_family(a) in values))
        if field == "option":  # both sides: a restarted server's question
            return self.narrowed("listener_option", values).narrowed(
                "probe_option", values)
        if field == "state":
            return replace(self, states={
                p: tuple(s for s in states if s in values)
                for p, states in self.states.items()})
        attribute = FILTER_FIELDS[field]
        return replace(self, **{attribute: tuple(
            v for v in getattr(self, attribute) if value_name(v) in values)})


# Filter fields that narrow one list of the scenario (besides family, state
# and option, which narrows both option lists).
FILTER_FIELDS = {"proto": "protos", "address": "addresses",
                 "listener_option": "options", "probe_option": "probe_options",
                 "probe_user": "users", "cloexec": "cloexec",
                 "spawn": "spawns"}


def _read(path):
    try:
        return tomllib.loads(path.read_text())
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: not TOML: {e}") from None


def load(name, directory=SCENARIO_DIR):
    path = Path(directory) / f"{name}.toml"
    data = _read(path)
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise ScenarioError(f"{path}: missing {', '.join(missing)}")
    return Scenario(
        name=data["scenario"], protos=tuple(data["protos"]),
        addresses=tuple(data["addresses"]), options=tuple(data["options"]),
        probe_options=tuple(data["probe_options"]),
        users=tuple(data["users"]),
        states={p: tuple(s) for p, s in data["states"].items()},
        cloexec=tuple(data.get("cloexec", ())),
        spawns=tuple(data.get("spawns", ())),
        spawns_passing_nothing=tuple(data.get("spawns_passing_nothing", ())))


def load_all(directory=SCENARIO_DIR):
    return [load(name, directory) for name in SCENARIO_NAMES]


def load_subset(name, directory=SCENARIO_DIR):
    """The scenarios narrowed by a named filter from subsets.toml."""
    path = Path(directory) / "subsets.toml"
    subsets = _read(path)
    if name not in subsets:
        raise ScenarioError(f"{path}: no subset named {name!r}")
    return parse_filter(subsets[name], load_all(directory))


def for_this_run():
    """What the test suite measures: every scenario, or the subset named by
    $BINDMATRIX_SUBSET (Meson sets it for the Wine leg)."""
    name = os.environ.get("BINDMATRIX_SUBSET")
    return load_subset(name) if name else load_all()


def known_values(scenarios):
    """Every value each filter field can take in these scenarios."""
    values = {field: set() for field in (*FILTER_FIELDS, "family", "state",
                                         "scenario", "option")}
    for s in scenarios:
        values["scenario"].add(s.name)
        for field, attribute in FILTER_FIELDS.items():
            values[field].update(map(value_name, getattr(s, attribute)))
        values["option"].update(s.options, s.probe_options)
        values["family"].update(address_family(a) for a in s.addresses)
        for states in s.states.values():
            values["state"].update(states)
    return values


def parse_filter(text, scenarios):
    """'state=TIME_WAIT,FIN_WAIT_2 proto=tcp' -> the narrowed scenarios."""
    known = known_values(scenarios)
    for term in text.split():
        field, _, listed = term.partition("=")
        values = [v for v in listed.split(",") if v]
        if not values:
            raise ScenarioError(f"filter term {term!r} is not FIELD=VALUE")
        if field not in known:
            raise ScenarioError(
                f"unknown filter field {field!r} (known: "
                f"{', '.join(sorted(known))})")
        unknown = [v for v in values if v not in known[field]]
        if unknown:
            raise ScenarioError(f"unknown {field} {unknown[0]!r}")
        if field == "scenario":
            scenarios = [s for s in scenarios if s.name in values]
        else:
            scenarios = [s.narrowed(field, values) for s in scenarios]
    return [s for s in scenarios if s.cells()]


def cell_key(cell):
    """The identity of a cell, whatever else it records."""
    return tuple(cell.get(field) for field in KEY_FIELDS)


def cell_id(cell):
    """Reads like the table: tcp-ipv4-SO_REUSEADDR-TIME_WAIT. A probe option
    that differs follows the listener's (default/SO_REUSEADDR); addresses
    other than the blog's, another user and a hijack are spelled out. An
    inherit cell names its spawn method and flag instead of its state,
    which follows from them: inherit-tcp-ipv4-uv_spawn-no-cloexec-default."""
    address = f"{cell['listener_endpoint']}/{cell['probe_endpoint']}"
    options = cell["listener_option"]
    if cell["probe_option"] != options:
        options += "/" + cell["probe_option"]
    if cell.get("spawn"):
        flag = "cloexec" if cell["cloexec"] else "no-cloexec"
        parts = [cell["proto"], address_family(address), cell["spawn"], flag,
                 options]
    else:
        parts = [cell["proto"], address_family(address), options,
                 cell["state"]]
    if address not in PLAIN_ADDRESSES:
        parts.append(address)
    if cell["probe_user"] != "same":
        parts.append("other-user")
    if cell["scenario"] != "bind":
        parts.insert(0, cell["scenario"])
    return "-".join(parts)
