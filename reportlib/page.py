"""The HTML page (--html): one self-contained file with the verdict, the
blog's table across platforms, the heatmap, and per platform the hijack
digest, the option-pair matrices and every cell. Every cell is a coloured
square with a tooltip, grouped in collapsed <details>, so that 15,000 cells
stay a page one can read."""

import base64
import html
import re

from . import inheritance, markdown, text, verdict, views
from .model import (DIVERGENCE_MARK, FAMILY_LABELS, NOT_MEASURED,
                    OUTCOME_COLOURS, address_of, outcome_category, plural,
                    short_legend, short_outcome)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222;
       max-width: 110em; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
th { background: #f0f0f0; }
td.o { text-align: center; white-space: nowrap; }
td.d { outline: 3px solid #000; outline-offset: -3px; font-weight: bold; }
th.v { writing-mode: vertical-rl; transform: rotate(180deg);
       white-space: nowrap; vertical-align: bottom; }
p.note { max-width: 60em; }
img { max-width: 100%; border: 1px solid #ccc; }
.wide { overflow-x: auto; }
.matrices { display: flex; flex-wrap: wrap; gap: 0 2em;
            align-items: flex-start; }
.matrices h4 { margin: 0.5em 0 0; }
details { margin: 0.3em 0 0.3em 1em; }
summary { cursor: pointer; }
table.cells td { width: 8px; height: 11px; padding: 0; border: 1px solid #fff;
                 font-size: 8px; text-align: center; }
table.cells th { font-size: 9px; padding: 0 1px; font-weight: normal; }
table.cells td.s { border-left: 3px solid #fff; }
td.yes { background: #c8e6c9; } td.no { background: #ffcdd2; }
td.shared { background: #ffe0b2; }
td.not-measured, td.unsupported { background: #eceff1; }
"""

# Outcome classes are short: the page has one per cell.
OUTCOME_CLASS = {name: f"k{i}" for i, name in enumerate(OUTCOME_COLOURS)}
# Hijack cells show which listener new connections reached.
REACHED_GLYPH = {"first": "1", "second": "2", "both": "12", "none": "0"}


def esc(value):
    return html.escape(str(value))


def prose(text):
    """Legend text: its Markdown `code` spans become <code>."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", esc(text))


def outcome_styles():
    return "\n".join(f".{OUTCOME_CLASS[name]} {{ background: {colour}; }}"
                     for name, colour in OUTCOME_COLOURS.items())


def outcome_classes(entry):
    """The outcome's colour, and a frame where it differs from the
    references."""
    return [OUTCOME_CLASS[outcome_category(entry.outcome)]] + (
        ["d"] if entry.divergent else [])


class Html(str):
    """Markup already made, which table() puts in as it is."""


def table(headers, rows):
    """A plain table of texts (escaped here) and Html cells."""
    def cell(content):
        return content if isinstance(content, Html) else \
            f"<td>{esc(content)}</td>"
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cell(c) for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def outcome_td(entry, text):
    classes = " ".join(["o"] + outcome_classes(entry))
    return Html(f'<td class="{classes}">{esc(text)}</td>')


# ---------------------------------------------------------------- verdict

def answer_td(finding):
    css = finding.answer.replace(" ", "-")
    return Html(f'<td class="{css}">{esc(finding)}</td>')


def verdict_html(files):
    sections = []
    for family, members in views.by_family(files):
        rows, advice = [], []
        for result in members:
            verdicts = verdict.platform_verdicts(result)
            rows += markdown.verdict_rows(result, verdicts, answer_td)
            advice.append(f"<li>{esc(result.id)}: "
                          f"{esc(verdict.recommendation(verdicts))}</li>")
        sections.append(f"<h3>{FAMILY_LABELS[family]}</h3>"
                        + table(markdown.VERDICT_HEADERS, rows)
                        + "<p>Recommended listener option:</p>"
                        f"<ul>{''.join(advice)}</ul>")
    return f'<p class="note">{prose(verdict.LEGEND)}</p>' + "".join(sections)


# ---------------------------------------------------------------- comparison

def comparison_html(files, references):
    grid = views.comparison_grid(files, references)
    top = ['<th colspan="3"></th>'] + [
        f'<th colspan="{len(members)}">{FAMILY_LABELS[family]}</th>'
        for family, members in views.by_family(files)]
    by_id = {r.id: r for r in files}
    second = [f"<th>{esc(h)}</th>" for h in ("family", "option", "state")] + [
        f"<th>{esc(c[0])}<br><small>{esc(by_id[c[0]].kind)}</small></th>"
        for c in grid.columns]
    body = []
    for row, labels in zip(grid.rows, views.row_labels(grid)):
        outcomes = [grid.entry(row, column) for column in grid.columns]
        body.append("<tr>" + "".join(f"<td>{esc(t)}</td>" for t in labels)
                    + "".join(outcome_td(e, markdown.entry_markdown(e))
                              for e in outcomes) + "</tr>")
    return (f'<p class="note">{prose(markdown.COMPARISON_LEGEND)}</p>'
            f'<div class="wide"><table><tr>{"".join(top)}</tr>'
            f'<tr>{"".join(second)}</tr>{"".join(body)}</table></div>')


# ---------------------------------------------------------------- inheritance

def inheritance_html(files, references):
    sections = []
    for result in files:
        found = inheritance.inheritance(result, references)
        if found is not None:
            rows = inheritance.table_rows(
                found, lambda e: outcome_td(e, markdown.entry_markdown(e)))
            sections.append(
                f"<h3>{esc(result.label)}</h3>"
                + table(inheritance.HEADERS + found.options, rows)
                + "".join(f"<p>{esc(line)}</p>"
                          for line in inheritance.notes(found)))
    if not sections:
        return ""
    return ("<h2>Inherited listeners</h2>"
            f'<p class="note">{prose(inheritance.LEGEND)}</p>'
            + "".join(sections))


# ---------------------------------------------------------------- a platform

def hijack_html(result):
    digest = views.hijack_digest(result)
    if not digest.measured:
        return ""
    rows = text.hijack_rows(digest.successes)
    return (f"<h3>Hijack at {views.DIGEST_ADDRESS}</h3><p>A second process "
            "binds and listens over a live listener. "
            f"{esc(text.got_in_line(digest))}.</p>"
            + (table(text.HIJACK_HEADERS, rows) if rows else ""))


def matrix_html(grid, title):
    """An option-pair matrix, probe option names written upwards."""
    head = "<th>listener ↓ probe →</th>" + "".join(
        f'<th class="v">{esc(column[0])}</th>' for column in grid.columns)
    body = "".join(
        f"<tr><td>{esc(row[0])}</td>" + "".join(
            outcome_td(entry, short_outcome(entry.outcome or NOT_MEASURED))
            for entry in (grid.entry(row, c) for c in grid.columns))
        + "</tr>" for row in grid.rows)
    return (f"<div><h4>{esc(title)}</h4><table><tr>{head}</tr>{body}"
            "</table></div>")


def pairs_html(result, references):
    shown = [matrix_html(grid, f"{state}, {user} user")
             for state in views.PAIR_STATES for user in ("same", "other")
             for grid in [views.pair_grid(result, state, user, references)]
             if grid.rows]
    if not shown:
        return ""
    return (f"<h3>Option pairs at {views.DIGEST_ADDRESS}</h3><p>Listener "
            "option down, probe option across. "
            f"{esc(short_legend('reasons below'))}.</p>"
            f'<div class="matrices">{"".join(shown)}</div>')


def cell_tooltip(cell, entry):
    text = (f"{cell['listener_option']} → {cell['probe_option']}, "
            f"{cell['state']}: {cell['outcome']}")
    if cell["os_error"] is not None:
        text += f" ({cell['os_error']})"
    if cell.get("listen_outcome"):
        text += f"; listen {cell['listen_outcome']}"
    if cell.get("reached"):
        text += f"; reached {cell['reached']} of {cell['connections']}"
    if "child_holds_listener" in cell:
        text += (f"; child holds listener "
                 f"{inheritance.HOLDS[cell['child_holds_listener']]}, loop "
                 f"{inheritance.HOLDS[cell['child_holds_loop']]}")
    if cell["outcome"] == "invalid" and cell.get("reason"):
        text += f"; {cell['reason']}"
    return text + (f" {DIVERGENCE_MARK} references" if entry.divergent
                   else "")


def cell_td(entry, starts_block):
    # s: a wider gap before the first probe column of each state.
    css = " ".join(outcome_classes(entry) + (["s"] if starts_block else []))
    if entry.cell is None:
        return f'<td class="{css}" title="not measured"></td>'
    glyph = REACHED_GLYPH.get(entry.cell.get("reached"), "")
    return (f'<td class="{css}" title="{esc(cell_tooltip(entry.cell, entry))}"'
            f">{glyph}</td>")


def group_html(result, group, keys, references):
    """One group as rows of listener options, and per state a block of
    probe-option columns (numbered as the rows)."""
    grid = views.group_grid(result, keys, references,
                            column_fields=("state", "probe_option"))
    states = list(dict.fromkeys(c[0] for c in grid.columns))
    numbers = {row[0]: str(i) for i, row in enumerate(grid.rows, 1)}
    # <wbr>: a long state name may wrap over its narrow block.
    top = "<th></th>" + "".join(
        f'<th colspan="{sum(c[0] == s for c in grid.columns)}">'
        f'{esc(s).replace("_", "_<wbr>")}</th>' for s in states)
    second = "<th></th>" + "".join(
        f"<th>{esc(numbers.get(c[1], c[1]))}</th>" for c in grid.columns)
    block_starts = [i > 0 and column[0] != grid.columns[i - 1][0]
                    for i, column in enumerate(grid.columns)]
    body = "".join(
        f"<tr><th>{numbers[row[0]]} {esc(row[0])}</th>" + "".join(
            cell_td(grid.entry(row, column), starts)
            for column, starts in zip(grid.columns, block_starts)) + "</tr>"
        for row in grid.rows)
    return (f"<div><h4>{esc(views.group_title(group))}</h4>"
            f'<table class="cells"><tr>{top}</tr><tr>{second}</tr>{body}'
            "</table></div>")


def outcome_summary(result, keys):
    counts = views.outcome_counts(result.cells[k] for k in keys)
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items())


def all_cells_html(result, references):
    """Every cell, in <details> per scenario and proto, then per address."""
    sections = {}
    for group, keys in views.cell_groups(result):
        outer = f"{group['scenario']} {group['proto']}"
        address = f"{address_of(group)} ({group['family']})"
        grids, cell_keys = sections.setdefault(outer, {}).setdefault(
            address, ([], []))
        grids.append(group_html(result, group, keys, references))
        cell_keys += keys
    parts = []
    for outer, addresses in sections.items():
        inner = "".join(
            f"<details><summary>{esc(address)}: "
            f"{esc(outcome_summary(result, keys))}</summary>"
            f'<div class="matrices">{"".join(grids)}</div></details>'
            for address, (grids, keys) in addresses.items())
        parts.append(f"<details><summary>{esc(outer)}: "
                     f"{plural(len(addresses), 'address pair')}</summary>"
                     f"{inner}</details>")
    return (f"<details><summary>Every cell ({len(result.cells)}), by "
            "scenario, proto, address and user</summary><p>Rows: listener "
            "option; columns: per state, the probe options, numbered as "
            "the rows. Hover a square for its cell. In hijack cells, 1, 2 "
            "or 12: which listener new connections reached.</p>"
            + "".join(parts) + "</details>")


def reasons_html(result):
    reasons = views.reason_counts(result)
    if not reasons:
        return ""
    items = "".join(f"<li>{n} × {esc(outcome)}: {esc(reason)}</li>"
                    for (outcome, reason), n in reasons.items())
    return f"<p>Cells with a reason:</p><ul>{items}</ul>"


def platform_html(result, references):
    return (f'<h2 id="{esc(result.id)}">{esc(result.label)}</h2>'
            f"<p>{esc(views.summary_line(result))}</p>"
            + hijack_html(result) + pairs_html(result, references)
            + reasons_html(result) + all_cells_html(result, references))


def report_html(files, picture_png):
    references = views.References(files)
    picture = base64.b64encode(picture_png).decode("ascii")
    contents = " · ".join(f'<a href="#{esc(r.id)}">{esc(r.id)}</a>'
                          for r in files)
    legend = "".join(
        f'<span class="{OUTCOME_CLASS[name]}" style="padding:0 0.6em; '
        f'border:1px solid #ccc">{esc(name)}</span> '
        for name in OUTCOME_COLOURS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>bindmatrix results</title>
<style>{STYLE}{outcome_styles()}</style></head>
<body>
<h1>bindmatrix: can a restarted server bind() its port again?</h1>
<p>Colours: {legend}</p>
<p>Platforms: {contents}</p>
<h2>The blog's table on every platform</h2>
{comparison_html(files, references)}
{inheritance_html(files, references)}
<h2>Heatmap</h2>
<img alt="bind() outcomes of the blog's table on every platform"
 src="data:image/png;base64,{picture}">
<h2>Verdict</h2>
{verdict_html(files)}
{"".join(platform_html(r, references) for r in files)}
</body></html>
"""
