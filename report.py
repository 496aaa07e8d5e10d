#!/usr/bin/env python3
"""Turn bindmatrix result files into comparison tables.

    report.py [FILES...]              Markdown: verdict + matrix, to stdout
    report.py --platform FILE         one platform's cells, states as columns
    report.py --check [FILES...]      exit 1 when a measured file disagrees
                                      with its family's expectations
    report.py --html PAGE --png PICTURE --readme README.md [FILES...]

FILES default to every *.json under results/ (reference/ included). Every
error a user can cause is one line on stderr and exit status 2.
"""

import argparse
import base64
import html
import importlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent
RESULTS_DIR = REPO / "results"
SCHEMA_PATH = RESULTS_DIR / "schema.json"
DRIVERS_DIR = REPO / "drivers"
README_BEGIN = "<!-- bindmatrix:table:begin -->"
README_END = "<!-- bindmatrix:table:end -->"

EXIT_DISAGREE = 1
EXIT_USAGE = 2

# What a run observed or a transcriber remarked. Every other field of a cell
# says which cell it is, so new scenario fields become key columns unasked.
MEASURED_FIELDS = frozenset(
    {"witnessed_state", "outcome", "os_error", "reason", "note"})

# Key columns come in this order; any other key field follows, by name.
KEY_FIELD_ORDER = ("scenario", "proto", "family", "listener_option",
                   "probe_option", "listener_addr", "probe_addr", "v6only",
                   "probe_user", "state")

OPTION_ORDER = ("default", "SO_REUSEADDR", "SO_REUSEPORT",
                "SO_REUSEADDR+SO_REUSEPORT", "SO_REUSEPORT_LB",
                "SO_EXCLUSIVEADDRUSE", "uv_tcp_bind")
# The life of the old connection, from first to last.
STATE_ORDER = ("BOUND", "LISTEN", "ESTABLISHED", "ESTABLISHED_NO_LISTENER",
               "CLOSE_WAIT", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING",
               "LAST_ACK", "TIME_WAIT")
# Known values sort in this order; others follow alphabetically.
VALUE_ORDER = {
    "family": ("ipv4", "ipv6"),
    "listener_option": OPTION_ORDER,
    "probe_option": OPTION_ORDER,
    "listener_addr": ("wildcard", "specific"),
    "probe_addr": ("wildcard", "specific"),
    "v6only": (None, False, True),
    "probe_user": ("same", "other"),
    "state": STATE_ORDER,
}

# OS families in column order, with the names people use for them.
FAMILY_LABELS = {"windows": "Windows", "linux": "Linux", "bsd": "BSD",
                 "darwin": "macOS"}

DIVERGENCE_MARK = "≠"
NOT_MEASURED = "–"

# One colour per kind of outcome, shared by the HTML page and the picture.
OUTCOME_COLOURS = {
    "ok": "#4caf50",
    "EADDRINUSE": "#e53935",
    "EACCES": "#fb8c00",
    "other error": "#8e24aa",
    "unsupported": "#b0bec5",
    "invalid": "#fdd835",
    "not measured": "#f2f2f2",
}

# The verdict answers the restart question of the plain "bind" scenario:
# later scenarios (e.g. an inherited listener) ask other questions.
VERDICT_SCENARIO = "bind"
RESTART_STATES = ("FIN_WAIT_2", "TIME_WAIT")
HIJACK_STATE = "LISTEN"
# Such outcomes say nothing about the OS's bind rules.
NOT_EVIDENCE = frozenset({"invalid", "unsupported"})


class ReportError(Exception):
    """A problem the user can fix: printed as one line, exit status 2."""


@dataclass(frozen=True)
class ResultFile:
    path: Path
    platform: dict
    cells: dict  # cell key -> cell

    @property
    def id(self):
        return self.platform["id"]

    @property
    def is_reference(self):
        return self.platform["source"] == "reference"


@dataclass(frozen=True)
class Finding:
    answer: str  # "yes", "no", "unknown" or "unsupported"
    detail: str = ""

    def __str__(self):
        return f"{self.answer} — {self.detail}" if self.detail else self.answer


# ---------------------------------------------------------------- cell keys

def key_field_rank(field):
    if field in KEY_FIELD_ORDER:
        return (KEY_FIELD_ORDER.index(field), "")
    return (len(KEY_FIELD_ORDER), field)


def cell_key(cell):
    """The cell's identity: its non-measured fields, in key column order."""
    fields = sorted((f for f in cell if f not in MEASURED_FIELDS),
                    key=key_field_rank)
    return tuple((field, cell[field]) for field in fields)


def value_rank(field, value):
    order = VALUE_ORDER.get(field, ())
    if value in order:
        return (0, order.index(value), "")
    return (1, 0, json.dumps(value))


def key_sort_order(key):
    return tuple((key_field_rank(field), value_rank(field, value))
                 for field, value in key)


def without_field(key, dropped):
    return tuple(pair for pair in key if pair[0] != dropped)


def display_value(value):
    """JSON spelling, so that null and booleans read as in the files."""
    return value if isinstance(value, str) else json.dumps(value)


def key_cells(key, fields):
    """The key's values under the given columns ("" where it has none)."""
    values = dict(key)
    return [display_value(values[f]) if f in values else "" for f in fields]


def describe_key(key):
    return " ".join(f"{field}={display_value(value)}" for field, value in key)


def constant_fields(keys):
    """Fields that have one value in every key: said once, not per row."""
    if not keys:
        return {}
    common = dict(keys[0])
    for key in keys[1:]:
        values = dict(key)
        common = {f: v for f, v in common.items()
                  if f in values and values[f] == v}
    return common


def varying_fields(keys, constants):
    fields = {field for key in keys for field, _ in key} - set(constants)
    return sorted(fields, key=key_field_rank)


# ---------------------------------------------------------------- loading

def default_result_paths():
    # Hidden files are runs still being written (./matrix run writes
    # results/.run-PID.json, then renames it).
    paths = sorted(p for p in RESULTS_DIR.rglob("*.json")
                   if p != SCHEMA_PATH and not p.name.startswith("."))
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


def load_validator():
    # Imported here so that a machine without jsonschema gets one line.
    try:
        import jsonschema
    except ImportError:
        raise ReportError("python3-jsonschema is not installed") from None
    schema = read_json(SCHEMA_PATH)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        raise ReportError(f"{SCHEMA_PATH}: not a valid JSON Schema: "
                          f"{error.message}") from None
    return jsonschema.Draft202012Validator(schema)


def json_path(parts):
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "top level"


def one_line(text, limit=200):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_against_schema(path, document, validator):
    from jsonschema.exceptions import best_match
    error = best_match(validator.iter_errors(document))
    if error is not None:
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


def load_result_file(path, validator):
    document = read_json(path)
    check_against_schema(path, document, validator)
    return ResultFile(path, document["platform"],
                      index_cells(path, document["cells"]))


def reject_duplicate_ids(files):
    seen = {}
    for result in files:
        if result.id in seen:
            raise ReportError(f"platform id {result.id} is in both "
                              f"{seen[result.id]} and {result.path}")
        seen[result.id] = result.path


def column_order(result):
    family = result.platform["family"]
    return (list(FAMILY_LABELS).index(family), not result.is_reference,
            result.id)


def load_result_files(paths, validator):
    # Keyed by the resolved path so that a file named twice loads once, but
    # messages name it as the user did.
    unique = {Path(p).resolve(): Path(p) for p in reversed(paths)}
    files = [load_result_file(path, validator) for path in unique.values()]
    reject_duplicate_ids(files)
    return sorted(files, key=column_order)


# ---------------------------------------------------------------- comparison

def platform_kind(platform):
    if platform["source"] == "reference":
        return "reference"
    if platform.get("emulation"):
        return f"emulated: {platform['emulation']}"
    return "measured"


def platform_label(result):
    return f"{result.id} ({platform_kind(result.platform)})"


def column_label(result):
    return f"{FAMILY_LABELS[result.platform['family']]}: " \
        f"{platform_label(result)}"


def reference_outcomes(files):
    """(family, cell key) -> every outcome the references give for it."""
    outcomes = {}
    for result in files:
        if result.is_reference:
            family = result.platform["family"]
            for key, cell in result.cells.items():
                outcomes.setdefault((family, key), set()).add(cell["outcome"])
    return outcomes


def diverges(result, key, references):
    """A measured outcome that no reference of its family gives."""
    cell = result.cells.get(key)
    if result.is_reference or cell is None:
        return False
    expected = references.get((result.platform["family"], key))
    return bool(expected) and cell["outcome"] not in expected


def cell_text(result, key, references):
    cell = result.cells.get(key)
    if cell is None:
        return NOT_MEASURED
    mark = f" {DIVERGENCE_MARK}" if diverges(result, key, references) else ""
    return cell["outcome"] + mark


def outcome_category(outcome):
    """The colour class of an outcome (None: not measured)."""
    if outcome is None:
        return "not measured"
    if outcome in OUTCOME_COLOURS:
        return outcome
    return "other error"


@dataclass(frozen=True)
class MatrixLayout:
    """What every rendering of the matrix shows, computed once."""
    keys: list        # rows, in display order
    constants: dict   # key fields with one value in every row
    fields: list      # the key columns that do vary
    references: dict  # see reference_outcomes()


def matrix_layout(files):
    keys = sorted({key for result in files for key in result.cells},
                  key=key_sort_order)
    constants = constant_fields(keys)
    return MatrixLayout(keys, constants, varying_fields(keys, constants),
                        reference_outcomes(files))


# ---------------------------------------------------------------- verdict

def verdict_cells(result, listener_option):
    """The option's cells in row order, so that findings read the same way."""
    keys = sorted(result.cells, key=key_sort_order)
    return [result.cells[key] for key in keys
            if dict(key)["scenario"] == VERDICT_SCENARIO
            and dict(key)["listener_option"] == listener_option]


def is_restart_attempt(cell):
    """A restarted server: same option, address and user as the old one."""
    return (cell["probe_option"] == cell["listener_option"]
            and cell["probe_addr"] == cell["listener_addr"]
            and cell["probe_user"] == "same"
            and cell["state"] in RESTART_STATES
            and cell["outcome"] not in NOT_EVIDENCE)


def is_hijack_attempt(cell):
    # A wildcard bind beside a specific listener takes every address but the
    # listener's, so it steals nothing from it; every other pair competes.
    beside_only = (cell["listener_addr"] == "specific"
                   and cell["probe_addr"] == "wildcard")
    return (cell["state"] == HIJACK_STATE and not beside_only
            and cell["outcome"] not in NOT_EVIDENCE)


def distinct(items):
    return list(dict.fromkeys(items))


def restart_safety(cells):
    attempts = [c for c in cells if is_restart_attempt(c)]
    failures = distinct(f"{c['state']}: {c['outcome']}"
                        for c in attempts if c["outcome"] != "ok")
    if failures:
        return Finding("no", "; ".join(failures))
    missing = [s for s in RESTART_STATES
               if not any(c["state"] == s for c in attempts)]
    if missing:
        return Finding("unknown", "not measured: " + ", ".join(missing))
    return Finding("yes")


def describe_probe(cell):
    user = ", other user" if cell["probe_user"] == "other" else ""
    return f"{cell['probe_option']} {cell['probe_addr']}{user}"


def hijack_safety(cells):
    attempts = [c for c in cells if is_hijack_attempt(c)]
    if not attempts:
        return Finding("unknown", f"no probe measured in {HIJACK_STATE}")
    winners = distinct(describe_probe(c) for c in attempts
                       if c["outcome"] == "ok")
    if winners:
        return Finding("no", "bound over it: " + "; ".join(winners))
    refused = sorted({c["probe_option"] for c in attempts},
                     key=lambda o: value_rank("probe_option", o))
    return Finding("yes", "refused: " + ", ".join(refused))


def listener_options(result):
    options = {cell["listener_option"] for cell in result.cells.values()
               if cell["scenario"] == VERDICT_SCENARIO}
    return sorted(options, key=lambda o: value_rank("listener_option", o))


def option_verdict(result, option):
    """(restart-safe, hijack-safe) of one listener option on one platform."""
    cells = verdict_cells(result, option)
    if all(c["outcome"] == "unsupported" for c in cells):
        unsupported = Finding("unsupported")
        return unsupported, unsupported
    return restart_safety(cells), hijack_safety(cells)


def recommendation(result):
    verdicts = {o: option_verdict(result, o) for o in listener_options(result)}
    safe = [o for o, pair in verdicts.items()
            if all(f.answer == "yes" for f in pair)]
    if safe:
        return ", ".join(safe)
    open_options = [o for o, pair in verdicts.items()
                    if all(f.answer in ("yes", "unknown") for f in pair)]
    if open_options:
        return ("none proven: not enough data for "
                + ", ".join(open_options))
    return "none: no option is both restart-safe and hijack-safe"


# ---------------------------------------------------------------- Markdown

def markdown_escape(text):
    return str(text).replace("|", "\\|")


def markdown_table(headers, rows):
    table = [list(map(markdown_escape, headers))]
    table += [list(map(markdown_escape, row)) for row in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]

    def line(cells):
        padded = (c.ljust(w) for c, w in zip(cells, widths))
        return "| " + " | ".join(padded) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    header, *body = table
    return "\n".join([line(header), separator] + [line(r) for r in body])


def constants_line(constants):
    if not constants:
        return ""
    pairs = ", ".join(f"{f}={display_value(v)}" for f, v in constants.items())
    return f"Every row: {pairs}.\n\n"


LEGEND = (
    "Outcomes: `ok` = bind() succeeded, otherwise the error (EADDRINUSE, "
    "EACCES, ...); `unsupported` = the OS lacks the option; `invalid` = the "
    "TCP state was not witnessed; `" + NOT_MEASURED + "` = not measured; `"
    + DIVERGENCE_MARK + "` = a measured result that no reference for that OS "
    "family gives. Columns are `reference` (transcribed from a published "
    "source, see its file's provenance), `measured` (this harness) or "
    "`emulated: ...` (this harness under an emulator such as Wine).")

VERDICT_LEGEND = (
    "restart-safe: a restarted server binding with the same option, address "
    "and user succeeds while old connections sit in FIN_WAIT_2 and in "
    "TIME_WAIT. hijack-safe: no probe (any option in the data, the same "
    "option included, any user) binds over the live listener in LISTEN; a "
    "wildcard probe beside a specific listener does not count, it takes "
    "only the other addresses.")


def matrix_markdown(files):
    layout = matrix_layout(files)
    rows = [key_cells(key, layout.fields)
            + [cell_text(r, key, layout.references) for r in files]
            for key in layout.keys]
    headers = layout.fields + [column_label(r) for r in files]
    return constants_line(layout.constants) + markdown_table(headers, rows)


def verdict_rows(result):
    rows = []
    for option in listener_options(result):
        restart, hijack = option_verdict(result, option)
        platform = platform_label(result) if not rows else ""
        rows.append([platform, option, str(restart), str(hijack)])
    return rows


def family_verdict_markdown(family, members):
    rows = [row for result in members for row in verdict_rows(result)]
    table = markdown_table(
        ["platform", "listener option", "restart-safe", "hijack-safe"], rows)
    advice = "\n".join(f"- {result.id}: {recommendation(result)}"
                       for result in members)
    return (f"#### {FAMILY_LABELS[family]}\n\n{table}\n\n"
            f"Recommended listener option:\n\n{advice}\n")


def families_present(files):
    return [f for f in FAMILY_LABELS
            if any(r.platform["family"] == f for r in files)]


def members_of(files, family):
    return [r for r in files if r.platform["family"] == family]


def verdict_markdown(files):
    sections = [family_verdict_markdown(f, members_of(files, f))
                for f in families_present(files)]
    return VERDICT_LEGEND + "\n\n" + "\n".join(sections)


def report_markdown(files):
    return (f"### Verdict\n\n{verdict_markdown(files)}\n"
            f"### Matrix\n\n{LEGEND}\n\n{matrix_markdown(files)}\n")


def platform_markdown(target, references):
    """One platform in the blog's 結果一覧 style: states across."""
    comparison = reference_outcomes(references)
    # (key without its state, state) -> the full key, to fill the grid.
    by_row_and_state = {(without_field(k, "state"), dict(k)["state"]): k
                        for k in target.cells}
    states = sorted({state for _, state in by_row_and_state},
                    key=lambda s: value_rank("state", s))
    row_keys = sorted({row for row, _ in by_row_and_state},
                      key=key_sort_order)
    constants = constant_fields(row_keys)
    fields = varying_fields(row_keys, constants)
    rows = [key_cells(row, fields)
            + [cell_text(target, by_row_and_state.get((row, s)), comparison)
               for s in states]
            for row in row_keys]
    title = f"{column_label(target)}: {len(target.cells)} cells\n\n"
    return (title + constants_line(constants)
            + markdown_table(fields + states, rows) + "\n")


# ---------------------------------------------------------------- picture

def matrix_figure(files):
    """A colour grid: one row per cell key, one column per platform."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    layout = matrix_layout(files)
    keys = layout.keys
    categories = list(OUTCOME_COLOURS)
    grid = [[categories.index(outcome_category(
        r.cells[k]["outcome"] if k in r.cells else None)) for r in files]
        for k in keys]

    figure = Figure(figsize=(4 + 1.1 * len(files), 2.5 + 0.24 * len(keys)))
    axes = figure.add_subplot()
    axes.imshow(grid, cmap=ListedColormap(list(OUTCOME_COLOURS.values())),
                vmin=0, vmax=len(categories) - 1, aspect="auto",
                interpolation="nearest")
    for row, key in enumerate(keys):
        for column, result in enumerate(files):
            if diverges(result, key, layout.references):
                axes.text(column, row, DIVERGENCE_MARK, ha="center",
                          va="center", fontsize=9, fontweight="bold")
    axes.set_xticks(range(len(files)),
                    [column_label(r).replace(" (", "\n(") for r in files],
                    rotation=40, ha="right", fontsize=7)
    axes.set_yticks(range(len(keys)),
                    [" ".join(key_cells(k, layout.fields)) for k in keys],
                    fontsize=6)
    axes.set_xticks([x - 0.5 for x in range(1, len(files))], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, len(keys))], minor=True)
    axes.grid(which="minor", color="white", linewidth=0.6)
    axes.tick_params(which="minor", length=0)
    axes.set_title("bind() outcome per cell and platform\nrows: "
                   + " ".join(layout.fields), fontsize=9)
    axes.legend(handles=[Patch(facecolor=c, edgecolor="grey", label=name)
                         for name, c in OUTCOME_COLOURS.items()],
                loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    figure.tight_layout()
    return figure


def figure_png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


# ---------------------------------------------------------------- HTML

PAGE_STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
th { background: #eee; }
td.outcome { text-align: center; white-space: nowrap; }
td.divergent { outline: 3px solid #000; outline-offset: -3px;
               font-weight: bold; }
img { max-width: 100%; border: 1px solid #ccc; }
div.wide { overflow-x: auto; }
p.note { max-width: 60em; }
"""


def html_prose(text):
    """Legend text: the Markdown `code` spans become <code>."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", html.escape(text))


def category_class(category):
    return "o-" + category.replace(" ", "-")


def outcome_styles():
    return "\n".join(f"td.{category_class(name)} {{ background: {colour}; }}"
                     for name, colour in OUTCOME_COLOURS.items())


def html_cell(result, key, references):
    cell = result.cells.get(key)
    category = outcome_category(cell["outcome"] if cell else None)
    classes = ["outcome", category_class(category)]
    if diverges(result, key, references):
        classes.append("divergent")
    text = html.escape(cell_text(result, key, references))
    return f'<td class="{" ".join(classes)}">{text}</td>'


def html_matrix_header(files, fields):
    """Two header rows: OS families over their platforms' columns."""
    top = [f'<th rowspan="2">{html.escape(f)}</th>' for f in fields]
    for family in families_present(files):
        span = len(members_of(files, family))
        top.append(f'<th colspan="{span}">{FAMILY_LABELS[family]}</th>')
    bottom = [f"<th>{html.escape(r.id)}<br><small>"
              f"{html.escape(platform_kind(r.platform))}</small></th>"
              for r in files]
    return f"<tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr>"


def html_matrix(files):
    layout = matrix_layout(files)
    body = []
    for key in layout.keys:
        labels = "".join(f"<td>{html.escape(text)}</td>"
                         for text in key_cells(key, layout.fields))
        outcomes = "".join(html_cell(r, key, layout.references)
                           for r in files)
        body.append(f"<tr>{labels}{outcomes}</tr>")
    caption = html.escape(constants_line(layout.constants).strip())
    return (f'<p class="note">{caption}</p><div class="wide"><table>'
            f"{html_matrix_header(files, layout.fields)}{''.join(body)}"
            "</table></div>")


def html_table(headers, rows):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def html_verdict(files):
    sections = []
    for family in families_present(files):
        members = members_of(files, family)
        rows = [row for r in members for row in verdict_rows(r)]
        advice = "".join(f"<li>{html.escape(r.id)}: "
                         f"{html.escape(recommendation(r))}</li>"
                         for r in members)
        sections.append(
            f"<h3>{FAMILY_LABELS[family]}</h3>"
            + html_table(["platform", "listener option", "restart-safe",
                          "hijack-safe"], rows)
            + f"<p>Recommended listener option:</p><ul>{advice}</ul>")
    return "".join(sections)


def report_html(files, picture_png):
    picture = base64.b64encode(picture_png).decode("ascii")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>bindmatrix results</title>
<style>{PAGE_STYLE}{outcome_styles()}</style></head>
<body>
<h1>bindmatrix: can a restarted server bind() its port again?</h1>
<h2>Verdict</h2>
<p class="note">{html_prose(VERDICT_LEGEND)}</p>
{html_verdict(files)}
<h2>Matrix</h2>
<p class="note">{html_prose(LEGEND)}</p>
{html_matrix(files)}
<h2>Heatmap</h2>
<img alt="bind() outcome heatmap" src="data:image/png;base64,{picture}">
</body></html>
"""


# ---------------------------------------------------------------- outputs

def write_output(path, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise ReportError(f"cannot write {path}: {error.strerror}") from None


def refreshed_readme(text, generated, path):
    begin = text.find(README_BEGIN)
    end = -1 if begin < 0 else text.find(README_END,
                                         begin + len(README_BEGIN))
    if end < 0:
        raise ReportError(f"{path}: needs the markers {README_BEGIN} and "
                          f"{README_END}, in that order")
    head = text[:begin + len(README_BEGIN)]
    return f"{head}\n{generated}\n{text[end:]}"


def refresh_readme(path, files):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ReportError(f"{path}: cannot read: {error.strerror}") from None
    write_output(path, refreshed_readme(text, report_markdown(files), path))


# ---------------------------------------------------------------- --check

def load_expectations():
    """The drivers' expectations module (drivers/expectations.py)."""
    if str(DRIVERS_DIR) not in sys.path:
        sys.path.insert(0, str(DRIVERS_DIR))
    try:
        return importlib.import_module("expectations")
    except ImportError as error:
        raise ReportError(f"--check needs {DRIVERS_DIR}/expectations.py: "
                          f"{error}") from None


def disagreement(cell, expectation):
    """Why a cell fails its expectation, or None when it agrees."""
    if cell["outcome"] == "invalid":
        reason = cell.get("reason") or "state not witnessed"
        return f"invalid, not witnessed: {reason}"
    if expectation is None or expectation.outcome == cell["outcome"]:
        return None
    note = f"; {expectation.note}" if expectation.note else ""
    return (f"expected {expectation.outcome} ({expectation.source}{note}), "
            f"got {cell['outcome']}")


def expectations_for(module, platform):
    # A broken expectations file is the user's to fix: the module's own
    # error (ExpectationError, a one-line message) becomes ours.
    broken_file = getattr(module, "ExpectationError", ())
    try:
        return module.load_for_platform(platform)
    except broken_file as error:
        raise ReportError(str(error)) from None


def check_file(result, expectations_module):
    """Print the file's disagreements; True when there are none."""
    expectations = expectations_for(expectations_module, result.platform)
    if expectations is None:
        print(f"no expectations for {result.id}, recorded only")
        return True
    problems, unexpected = [], 0
    for key in sorted(result.cells, key=key_sort_order):
        cell = result.cells[key]
        expectation = expectations.lookup(cell)
        if expectation is None and cell["outcome"] != "invalid":
            unexpected += 1
        problem = disagreement(cell, expectation)
        if problem:
            problems.append(f"  {describe_key(key)}: {problem}")
    print(f"{result.id}: {len(result.cells)} cells, {len(problems)} disagree, "
          f"{unexpected} without expectation")
    for problem in problems:
        print(problem)
    return not problems


def run_check(files):
    measured = [r for r in files if not r.is_reference]
    if not measured:
        print("no measured result files to check")
        return 0
    module = load_expectations()
    results = [check_file(r, module) for r in measured]
    return 0 if all(results) else EXIT_DISAGREE


# ---------------------------------------------------------------- CLI

class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line, exit 2."""

    def error(self, message):
        raise ReportError(message)


def parse_arguments(argv):
    parser = OneLineParser(
        prog="report.py",
        description="bindmatrix result files -> comparison tables.")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="result files (default: results/**/*.json)")
    parser.add_argument("--platform", metavar="FILE",
                        help="print only FILE's cells, states as columns, "
                             "marked against the references among FILES")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a measured file disagrees with "
                             "its family's expectations")
    parser.add_argument("--html", metavar="PAGE",
                        help="write a self-contained HTML page")
    parser.add_argument("--png", metavar="PICTURE",
                        help="write the matrix as a PNG heatmap")
    parser.add_argument("--readme", metavar="README",
                        help="refresh the table between the bindmatrix "
                             "markers in README")
    return parser.parse_args(argv)


def write_pictures(args, files):
    """--png and --html share one rendering of the heatmap."""
    import matplotlib
    matplotlib.use("Agg")
    picture = figure_png(matrix_figure(files))
    if args.png:
        write_output(args.png, picture)
    if args.html:
        write_output(args.html, report_html(files, picture))


def reject_platform_with_other_outputs(args):
    others = [f"--{name}" for name in ("check", "html", "png", "readme")
              if getattr(args, name)]
    if args.platform and others:
        raise ReportError("--platform prints one platform's table; it does "
                          f"not combine with {', '.join(others)}")


def run(args):
    reject_platform_with_other_outputs(args)
    validator = load_validator()
    paths = args.files or default_result_paths()
    if args.platform:
        target = load_result_file(Path(args.platform), validator)
        references = [r for r in load_result_files(paths, validator)
                      if r.is_reference and r.id != target.id]
        print(platform_markdown(target, references), end="")
        return 0
    files = load_result_files(paths, validator)
    if args.png or args.html:
        write_pictures(args, files)
    if args.readme:
        refresh_readme(args.readme, files)
    if args.check:
        return run_check(files)
    if not (args.png or args.html or args.readme):
        print(report_markdown(files), end="")
    return 0


def main(argv=None):
    try:
        return run(parse_arguments(sys.argv[1:] if argv is None else argv))
    except ReportError as error:
        print(f"report.py: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (e.g. head) has had enough: not an error. Point stdout
        # at /dev/null so that Python's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
