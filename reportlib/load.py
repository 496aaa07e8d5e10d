"""Reading result files: JSON, checked against results/schema.json, cells
indexed by key. Every problem becomes a one-line ReportError."""

import json
from pathlib import Path

import vocabulary

from .model import (ReportError, ResultFile, cell_key, describe_key,
                    family_names, source_order)
from .modules import require

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "results"
SCHEMA_PATH = RESULTS_DIR / "schema.json"
NOT_RESULTS = {SCHEMA_PATH, vocabulary.PATH}
# The cell fields whose values must be names of the vocabulary.
NAMED_FIELDS = {"state": "states", "listener_option": "options",
                "probe_option": "options", "listener_endpoint": "endpoints",
                "probe_endpoint": "endpoints",
                "witnessed_kind": "socket_kinds"}
# Those a cell may leave null or out.
OPTIONAL_NAMED = {"witnessed_kind"}
# Lines of vocabulary problems shown at most, however large the file.
MAX_PROBLEMS = 5


def default_result_paths():
    # Hidden files are runs still being written (./matrix run writes
    # results/.run-PID.json, then renames it).
    paths = sorted(p for p in RESULTS_DIR.rglob("*.json")
                   if p.resolve() not in NOT_RESULTS
                   and not p.name.startswith("."))
    if not paths:
        raise ReportError(f"no result files under {RESULTS_DIR}")
    return paths


def read_json(path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReportError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not UTF-8 text") from None
    if not text.strip():
        raise ReportError(f"{path}: empty file, expected a JSON result file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportError(
            f"{path}: not valid JSON: {error.msg} "
            f"(line {error.lineno}, column {error.colno})") from None


def inline_refs(node, defs):
    """The schema with each {"$ref": "#/$defs/NAME"} replaced by its target
    (ours is not recursive): a $ref costs a lookup per cell and value."""
    if isinstance(node, list):
        return [inline_refs(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref", "")
    if len(node) == 1 and ref.startswith("#/$defs/"):
        return inline_refs(defs[ref[len("#/$defs/"):]], defs)
    return {key: inline_refs(value, defs) for key, value in node.items()}


def memoizing_properties_keyword():
    """The "properties" keyword, remembering which (subschema, value) pairs
    passed. A result file repeats a few values in ~15,000 cells, and
    checking each afresh takes seconds. Exact: a subschema's verdict on a
    scalar depends on nothing else. Failures are not remembered, so every
    error is still found, with its path. One memory per validator, as it
    knows subschemas by id()."""
    passed = set()

    def properties(validator, properties, instance, schema):
        if not validator.is_type(instance, "object"):
            return
        for name, subschema in properties.items():
            if name not in instance:
                continue
            value = instance[name]
            memo = (id(subschema), type(value), value) \
                if isinstance(value, (str, int, float, type(None))) else None
            if memo in passed:
                continue
            errors = list(validator.descend(value, subschema, path=name,
                                            schema_path=name))
            if not errors and memo is not None:
                passed.add(memo)
            yield from errors

    return properties


def load_validator():
    jsonschema = require("jsonschema", "python3-jsonschema")
    from jsonschema import validators
    draft = jsonschema.Draft202012Validator
    schema = read_json(SCHEMA_PATH)
    try:
        draft.check_schema(schema)
    except jsonschema.SchemaError as error:
        raise ReportError(f"{SCHEMA_PATH}: not a valid JSON Schema: "
                          f"{error.message}") from None
    fast = validators.extend(
        draft, {"properties": memoizing_properties_keyword()})
    return fast(inline_refs(schema, schema.get("$defs", {})))


def json_path(parts):
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                   for p in parts)
    return text.lstrip(".") or "top level"


def one_line(text, limit=200):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_against_schema(path, document, validator):
    # is_valid first: on a valid file (the usual case) it is all there is
    # to pay, and best_match is only needed to word an error.
    if validator.is_valid(document):
        return
    from jsonschema.exceptions import best_match
    error = best_match(validator.iter_errors(document))
    raise ReportError(f"{path}: {json_path(error.absolute_path)}: "
                      f"{one_line(error.message)}")


def index_cells(path, cells):
    by_key, first_index = {}, {}
    for index, cell in enumerate(cells):
        key = cell_key(cell)
        if key in by_key:
            raise ReportError(f"{path}: cells[{index}] repeats cells"
                              f"[{first_index[key]}] ({describe_key(key)})")
        by_key[key], first_index[key] = cell, index
    return by_key


def vocabulary_problems(path, document):
    """One line per unknown name (field and value), with the valid names:
    a file of 15,000 cells with one wrong state is one line."""
    known = {table: set(vocabulary.names(table))
             for table in set(NAMED_FIELDS.values())}
    found = {}  # (field, value) -> [first cell index, count]
    for index, cell in enumerate(document["cells"]):
        for field, table in NAMED_FIELDS.items():
            value = cell.get(field)
            if value is None and field in OPTIONAL_NAMED:
                continue
            if value not in known[table]:
                found.setdefault((field, value), [index, 0])[1] += 1
    problems = []
    family = document["platform"]["family"]
    if family not in family_names():
        problems.append(f"{path}: platform.family {family!r} is not in the "
                        f"vocabulary (valid: {', '.join(family_names())})")
    for (field, value), (first, count) in found.items():
        more = f" and {count - 1} more" if count > 1 else ""
        problems.append(
            f"{path}: cells[{first}]{more}: {field} {value!r} is not in the "
            f"vocabulary (valid: "
            f"{', '.join(vocabulary.names(NAMED_FIELDS[field]))})")
    if len(problems) > MAX_PROBLEMS:
        left = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS] + [
            f"{path}: {left} more unknown names"]
    return problems


def checked_result(path, document, validator):
    check_against_schema(path, document, validator)
    problems = vocabulary_problems(path, document)
    if problems:
        raise ReportError("\n".join(problems))
    return ResultFile(path, document["platform"], document.get("harness"),
                      index_cells(path, document["cells"]))


def load_result_file(path, validator):
    path = Path(path)
    return checked_result(path, read_json(path), validator)


def reject_duplicate_ids(files):
    seen = {}
    for result in files:
        if result.id in seen:
            raise ReportError(f"platform id {result.id} is in both "
                              f"{seen[result.id]} and {result.path}")
        seen[result.id] = result.path


def column_order(result):
    """The vocabulary's OS families in order; in each, the strongest
    evidence first."""
    return (family_names().index(result.family), source_order(result))


def unique_paths(paths):
    # Keyed by the resolved path so that a file named twice loads once, but
    # messages name it as the user did.
    return {Path(p).resolve(): Path(p) for p in reversed(paths)}


def load_result_files(paths, validator):
    files = [load_result_file(path, validator)
             for path in unique_paths(paths).values()]
    reject_duplicate_ids(files)
    return sorted(files, key=column_order)


def is_reference_document(document):
    platform = document.get("platform") if isinstance(document, dict) \
        else None
    return isinstance(platform, dict) and \
        platform.get("source") == "reference"


def load_references(paths, but, validator):
    """The reference files among paths, leaving out the file but. The
    others are only read, to see what they are: checking and indexing a
    real run's 15,000 cells is the slow part, and --platform needs only
    the references."""
    references = []
    for resolved, path in unique_paths(paths).items():
        if resolved == Path(but).resolve():
            continue
        document = read_json(path)
        if is_reference_document(document):
            references.append(checked_result(path, document, validator))
    reject_duplicate_ids(references)
    return sorted(references, key=column_order)
