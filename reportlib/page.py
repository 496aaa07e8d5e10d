"""The HTML pages (--html PAGE): PAGE opens with the answer cards and the
blog's table at the best evidence per OS, everything else in collapsed
sections; every cell of every file is on a page of its own beside it
(PAGE-cells.html), so that the first stays small. Both are rendered from
the jinja2 templates in reportlib/templates; this module only prepares
what they show."""

import base64
import struct
from pathlib import Path

from . import (answers, card, inheritance, markdown, provenance, runtimes,
               text, views, winediff)
from .consequence import COLOURS, LEGEND, consequence, question_legend
from .model import (DIVERGENCE_MARK, NOT_MEASURED, address_of, site,
                    family_label, plural, short_outcome, state_question)
from .modules import require

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Hijack cells show which listener new connections reached.
REACHED_GLYPH = {"first": "1", "second": "2", "both": "12", "none": "0"}
ANSWER_CONSEQUENCE = {answers.YES: "good", answers.NO: "bad",
                      answers.SHARED: "shared", "?": "not-measured",
                      NOT_MEASURED: "not-measured"}


def cells_path(page):
    page = Path(page)
    return page.with_name(f"{page.stem}-cells{page.suffix or '.html'}")


def environment():
    jinja2 = require("jinja2", "python3-jinja2")
    from markupsafe import Markup, escape  # jinja2's own dependency
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    # Paths (dlls/ws2_32/tests/sock.c:2270) may break after a slash on a
    # narrow card, rather than anywhere; runtime names (rust:std::net::
    # TcpListener) after a colon.
    def breakable(text, after="/"):
        text = escape(text)
        for mark in after:
            text = text.replace(mark, Markup(f"{mark}<wbr>"))
        return text
    env.filters["breakable"] = breakable
    return env


def png_size(data):
    return struct.unpack(">II", data[16:24])


# ---------------------------------------------------------------- cards

def card_view(found):
    # The evidence's tooltip says what the deciding file is.
    rows = [dict(title=r.title, answer=r.answer, detail=r.detail,
                 evidence=r.evidence, disagreements=r.disagreements,
                 source=r.finding.source.described if r.finding else "",
                 consequence=ANSWER_CONSEQUENCE[r.answer])
            for r in card.card_rows(found)]
    return dict(family=found.family, label=found.label, option=found.option,
                heading=card.heading(found), rows=rows,
                sourced=bool(found.sources), tradeoff=found.tradeoff,
                runtimes=found.runtimes)


# ---------------------------------------------------------------- tables

def outcome_cell(cell, shown, title=""):
    return dict(text=shown, title=title,
                consequence=consequence(cell).replace(" ", "-"))


def blog_view(table, named):
    footnotes = {r: i for i, r in enumerate(table.sources, 1)}
    families = []
    for row in table.rows:
        entries = []
        for state in table.states:
            entry = row.entries.get(state)
            if entry is None:
                entries.append(outcome_cell(None, NOT_MEASURED,
                                            "not measured"))
                continue
            others = "; ".join(views.claim(r, o) for r, o in entry.others)
            cited = site(entry.cell)
            title = f"{entry.outcome} ({entry.source.id}" + (
                f", {cited})" if cited else ")") + (
                f"; {DIVERGENCE_MARK} {others}" if others else "")
            entries.append(outcome_cell(
                entry.cell, text.blog_entry_text(entry, footnotes), title))
        if not families or families[-1][0] != family_label(row.family):
            families.append((family_label(row.family), []))
        families[-1][1].append(dict(option=row.option, entries=entries))
    return dict(states=table.states, families=families,
                questions={s: state_question(s) for s in table.states},
                sources=text.footnotes(table, named),
                divergences=views.divergences(table))


def runtime_answer(row, question):
    """An answer of the runtime table, its detail (or why it is missing)
    as the tooltip."""
    found = row.findings[question]
    title = found.detail if found else row.unmeasured[question]
    return dict(text=row.answer(question), title=title,
                consequence=ANSWER_CONSEQUENCE[row.answer(question)])


def runtimes_view(files):
    """Per file with runtime cells, a row per runtime in the vocabulary's
    order; a runtime it lacks spans the row with the reason."""
    tables = runtimes.tables(files)
    questions = runtimes.shown_questions(tables)
    groups = []
    for table in tables:
        rows = []
        for option in runtimes.runtime_options():
            row = table.row(option)
            if row:
                rows.append(dict(option=option, carried=row.carried,
                                 missing="", answers=[
                                     runtime_answer(row, q)
                                     for q in questions]))
            elif option in table.unmeasured:
                rows.append(dict(option=option,
                                 missing=table.missing(option)))
        groups.append(dict(heading=runtimes.heading(table), rows=rows,
                           notes=runtimes.notes(table)))
    return dict(groups=groups, legend=runtimes.legend(tables),
                carried=f"listener at {runtimes.LISTENER_ENDPOINT}",
                headers=[runtimes.HEADERS[q] for q in questions])


def grid_cell(entry):
    if entry.cell is None:
        return outcome_cell(None, NOT_MEASURED)
    return outcome_cell(entry.cell, markdown.entry_markdown(entry))


def comparison_view(files, references):
    grid = views.comparison_grid(files, references)
    headers = ["family", "option", "state"] + [
        f"{c[0]} ({r.kind})" for c in grid.columns
        for r in files if r.id == c[0]]
    rows = [labels + [grid_cell(grid.entry(row, column))
                      for column in grid.columns]
            for row, labels in zip(grid.rows, views.row_labels(grid))]
    return dict(headers=headers, rows=rows)


def answers_view(files):
    rows = [row for result in files for row in markdown.answer_rows(result)]
    return dict(headers=markdown.ANSWER_HEADERS, rows=rows)


# ---------------------------------------------------------------- platforms

def section(title, notes=(), headers=None, rows=()):
    return dict(title=title, notes=list(notes), headers=headers,
                rows=list(rows))


def inheritance_section(result, references):
    found = inheritance.inheritance(result, references)
    if found is None:
        return None
    rows = inheritance.table_rows(found, lambda e: grid_cell(e))
    return section("Inherited listeners", [inheritance.LEGEND]
                   + inheritance.notes(found),
                   inheritance.HEADERS + found.options, rows)


def hijack_section(result):
    digest = views.hijack_digest(result)
    if not digest.measured:
        return None
    return section(f"Hijack at {views.DIGEST_ADDRESS}",
                   ["A second process binds and listens over a live "
                    f"listener. {text.got_in_line(digest)}."],
                   text.HIJACK_HEADERS if digest.successes else None,
                   text.hijack_rows(digest.successes))


def pair_sections(result, references):
    sections = []
    for state in views.PAIR_STATES:
        for user in ("same", "other"):
            grid = views.pair_grid(result, state, user, references)
            if grid.rows:
                rows = [[row[0]] + [
                    outcome_cell(grid.entry(row, c).cell, short_outcome(
                        grid.entry(row, c).outcome or NOT_MEASURED))
                    for c in grid.columns] for row in grid.rows]
                sections.append(section(
                    f"Option pairs at {views.DIGEST_ADDRESS}, {state}, "
                    f"{user} user", ["Listener option down, probe option "
                                     "across."],
                    ["listener ↓ probe →"] + [c[0] for c in grid.columns],
                    rows))
    return sections


def reasons_section(result):
    reasons = views.reason_counts(result)
    if not reasons:
        return None
    return section("Cells with a reason", [
        f"{n} × {outcome}: {reason}"
        for (outcome, reason), n in reasons.items()])


def platform_view(result, references):
    sections = [inheritance_section(result, references),
                hijack_section(result)] \
        + pair_sections(result, references) + [reasons_section(result)]
    return dict(id=result.id, label=result.label,
                summary=views.summary_line(result),
                sections=[s for s in sections if s])


def source_view(result):
    found = result.platform.get("provenance") or {}
    return dict(id=result.id, kind=result.kind, what=result.document,
                url=found.get("url"))


def wine_view(found):
    """An emulation against its emulator's tests: the counts, then every
    differing cell (unpredicted first) and every unseen prediction."""
    return dict(title=winediff.title(found), summary=winediff.summary(found),
                headers=winediff.headers(found),
                rows=[list(winediff.row_parts(found, r)) for r in found.rows],
                unseen=winediff.unseen_lines(found))


def answer_sources_view(cards):
    return [dict(line=provenance.source_line(found),
                 suites=[(suite, [provenance.cell_parts(c) for c in cells])
                         for suite, cells in provenance.by_suite(
                             found.cells)],
                 more=provenance.more_line(found) if found.more else "")
            for found in provenance.answer_sources(cards)]


# ---------------------------------------------------------------- every cell

def cell_tooltip(cell):
    text_ = (f"{cell['listener_option']} → {cell['probe_option']}, "
             f"{cell['state']}: {cell['outcome']}")
    if cell["os_error"] is not None:
        text_ += f" ({cell['os_error']})"
    if cell.get("listen_outcome"):
        text_ += f"; listen {cell['listen_outcome']}"
    if cell.get("reached"):
        text_ += f"; reached {cell['reached']} of {cell['connections']}"
    if "child_holds_listener" in cell:
        text_ += (f"; child holds listener "
                  f"{inheritance.HOLDS[cell['child_holds_listener']]}, loop "
                  f"{inheritance.HOLDS[cell['child_holds_loop']]}")
    if cell["outcome"] in ("invalid", "unsupported") and cell.get("reason"):
        text_ += f"; {cell['reason']}"
    provenance = cell.get("provenance")
    if provenance:
        text_ += (f"; {provenance['repository']} {provenance['path']}:"
                  f"{provenance['line']}")
    return text_


def group_view(result, group, keys, references):
    """One group as rows of listener options, and per state a block of
    probe-option columns (numbered as the rows)."""
    grid = views.group_grid(result, keys, references,
                            column_fields=("state", "probe_option"))
    states = list(dict.fromkeys(c[0] for c in grid.columns))
    numbers = {row[0]: str(i) for i, row in enumerate(grid.rows, 1)}
    starts = [i > 0 and column[0] != grid.columns[i - 1][0]
              for i, column in enumerate(grid.columns)]
    rows = []
    for row in grid.rows:
        cells = []
        for column, start in zip(grid.columns, starts):
            cell = grid.entry(row, column).cell
            cells.append(dict(
                consequence=consequence(cell).replace(" ", "-"),
                starts=start,
                title=cell_tooltip(cell) if cell else "not measured",
                glyph=REACHED_GLYPH.get(cell.get("reached"), "")
                if cell else ""))
        rows.append(dict(label=f"{numbers[row[0]]} {row[0]}", cells=cells))
    return dict(title=views.group_title(group), rows=rows,
                states=[dict(name=s, span=sum(c[0] == s
                                              for c in grid.columns))
                        for s in states],
                numbers=[numbers.get(c[1], c[1]) for c in grid.columns])


def cells_view(result, references):
    """Every cell, in sections per scenario and proto, then address."""
    outer = {}
    for group, keys in views.cell_groups(result):
        title = f"{group['scenario']} {group['proto']}"
        address = f"{address_of(group)} ({group['family']})"
        grids, cell_keys = outer.setdefault(title, {}).setdefault(
            address, ([], []))
        grids.append(group_view(result, group, keys, references))
        cell_keys += keys
    sections = [dict(title=f"{title}: "
                     f"{plural(len(addresses), 'address pair')}",
                     addresses=[dict(
                         title=f"{address}: " + ", ".join(
                             f"{n} {o}" for o, n in views.outcome_counts(
                                 result.cells[k] for k in keys).items()),
                         grids=grids)
                         for address, (grids, keys) in addresses.items()])
                for title, addresses in outer.items()]
    return dict(id=result.id, label=result.label,
                summary=views.summary_line(result), sections=sections)


# ---------------------------------------------------------------- pages

def common():
    return dict(colours=COLOURS, consequences=LEGEND)


def report_pages(files, picture_png, page_path):
    """(main page, cells page) as text."""
    env = environment()
    references = views.References(files)
    width, height = png_size(picture_png)
    table = views.best_table(files)
    cards = card.cards(files)
    named = card.named_by(cards)
    main = env.get_template("index.html.j2").render(
        title="bindmatrix: which listener option to set, per OS",
        cards=[card_view(c) for c in cards],
        blog=blog_view(table, named),
        runtimes=runtimes_view(files),
        wine=[wine_view(d) for d in winediff.wine_diffs(files)],
        answer_sources=answer_sources_view(cards),
        questions=question_legend(table.states),
        cells_page=cells_path(page_path).name,
        picture=dict(data=base64.b64encode(picture_png).decode("ascii"),
                     width=width, height=height),
        comparison=comparison_view(files, references),
        answers=answers_view(files),
        platforms=[platform_view(r, references) for r in files],
        sources=[source_view(r) for r in files],
        **common())
    cells = env.get_template("cells.html.j2").render(
        title="bindmatrix: every cell", main_page=Path(page_path).name,
        platforms=[cells_view(r, references) for r in files], **common())
    return main, cells

