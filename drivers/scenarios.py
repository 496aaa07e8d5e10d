"""Scenario files (scenarios/*.toml): which cells of each scenario a run
measures, as filter terms for the harness.

The cross product is the harness's (`bindmatrix plan`): a scenario file only
narrows the vocabulary's lists, and every name in it is checked against the
vocabulary (results/vocabulary.json) before anything runs. A file says "@all"
for a whole list; an options list may name a group of options by what makes
the listener's socket ("@setsockopt", "@libuv", "@runtime": the vocabulary's
`via`). Several files may select cells of one scenario (bind.toml for the
harness's options, bind-runtimes.toml for the runtimes' listeners): each
file's `scenario` names it. Each problem is one line naming the file and
the key.
"""
import tomllib
from dataclasses import dataclass
from pathlib import Path

import vocabulary

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
ALL = "@all"

# A file's list keys, the filter field each narrows, and the vocabulary
# table its names come from (addresses: pairs of endpoints).
LISTS = {
    "protos": ("proto", "protos"),
    "addresses": ("address", "endpoints"),
    "options": ("listener_option", "options"),
    "probe_options": ("probe_option", "options"),
    "users": ("probe_user", "users"),
    "states": ("state", "states"),
    "cloexec": ("cloexec", "cloexec"),
    "spawns": ("spawn", "spawns"),
}
KNOWN_KEYS = ("scenario", *LISTS)


class ScenarioError(Exception):
    """A scenario file or subset that cannot be used; one line."""


@dataclass(frozen=True)
class Scenario:
    name: str
    terms: tuple  # filter terms, "field=a,b", beside scenario=NAME

    def filter(self, extra=""):
        """The harness filter for this scenario's cells, narrowed by
        `extra` (a filter expression, e.g. ./matrix run --filter)."""
        return " ".join((f"scenario={self.name}", *self.terms, extra)).strip()


def _read(path):
    try:
        return tomllib.loads(path.read_text())
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: not TOML: {e}") from None


def _known(table):
    return ", ".join(vocabulary.names(table))


def _check_name(path, key, table, name):
    if name not in vocabulary.names(table):
        raise ScenarioError(f"{path}: {key}: unknown {table[:-1]} {name!r} "
                            f"(known: {_known(table)})")


def _value_name(path, key, value):
    """A list item as the vocabulary spells it: cloexec's are booleans."""
    if key == "cloexec":
        if not isinstance(value, bool):
            raise ScenarioError(f"{path}: cloexec: {value!r} is not true or "
                                "false")
        return "true" if value else "false"
    if not isinstance(value, str):
        raise ScenarioError(f"{path}: {key}: {value!r} is not a name")
    return value


def _option_group(path, key, name):
    """The options an "@via" group names, e.g. "@runtime"."""
    via = name[1:]
    vias = {row["via"] for row in vocabulary.rows("options")}
    if via not in vias:
        raise ScenarioError(f"{path}: {key}: unknown group {name!r} (known: "
                            f"{', '.join('@' + v for v in sorted(vias))})")
    return [row["name"] for row in vocabulary.rows("options")
            if row["via"] == via]


def _names(path, key, value):
    """A list's names, option groups resolved."""
    names = []
    for v in value:
        name = _value_name(path, key, v)
        if name.startswith("@") and key in ("options", "probe_options"):
            names.extend(_option_group(path, key, name))
        else:
            names.append(name)
    return names


def _term(path, key, value):
    """The filter term of one list key; None for "@all"."""
    if value == ALL:
        return None
    if not isinstance(value, list) or not value:
        raise ScenarioError(f'{path}: {key} must be "@all" or a non-empty '
                            "list of names")
    field, table = LISTS[key]
    names = _names(path, key, value)
    for name in names:
        if key == "addresses":
            listener, slash, probe = name.partition("/")
            if not slash:
                raise ScenarioError(f"{path}: addresses: {name!r} is not "
                                    "LISTENER/PROBE")
            for endpoint in (listener, probe):
                _check_name(path, key, table, endpoint)
        else:
            _check_name(path, key, table, name)
    return f"{field}={','.join(names)}"


def load(name, directory=SCENARIO_DIR):
    """The selection in <directory>/<name>.toml."""
    path = Path(directory) / f"{name}.toml"
    data = _read(path)
    unknown = [k for k in data if k not in KNOWN_KEYS]
    if unknown:
        raise ScenarioError(f"{path}: unknown key {unknown[0]!r} (known: "
                            f"{', '.join(KNOWN_KEYS)})")
    scenario = data.get("scenario")
    if scenario not in vocabulary.names("scenarios"):
        raise ScenarioError(f"{path}: scenario must be one of "
                            f"{_known('scenarios')}, not {scenario!r}")
    terms = (_term(path, key, data.get(key, ALL)) for key in LISTS)
    return Scenario(scenario, tuple(t for t in terms if t))


def load_all(directory=SCENARIO_DIR):
    """Every selection file of the folder, in the vocabulary's order of
    their scenarios."""
    files = sorted(Path(directory).glob("*.toml"))
    chosen = [load(path.stem, directory) for path in files]
    order = vocabulary.names("scenarios")
    return sorted(chosen, key=lambda s: order.index(s.name))


def for_this_run():
    """What the test suite measures: every cell of every scenario, as
    (scenario, narrowing) pairs for drivers/harness.py."""
    return [(s, "") for s in load_all()]
