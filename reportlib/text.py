"""Plain text for the terminal: what ./matrix run prints after measuring
(report.py --platform FILE), and every cell (--all). Tables stay within
about 100 columns: short outcome names, headers wrapped at '_' and '+',
option-pair matrices with numbered columns."""

import re
import textwrap

from . import card, inheritance, provenance, runtimes, varied, views, winediff
from .consequence import question_legend, took_over
from .model import (DIVERGENCE_MARK, NOT_MEASURED, family_label,
                    short_legend, short_outcome, sorted_values)

WIDTH = 100
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

HEADER_BREAK = re.compile(r"[^_+ ]*[_+ ]|[^_+ ]+$")
REACHED = {"first": "first only", "second": "second only", "both": "both",
           "none": "neither"}


# ---------------------------------------------------------------- tables

def wrap_header(text, width):
    """The header in lines of at most width, broken after '_', '+' or ' '
    (a longer unbreakable piece keeps its line)."""
    lines = [""]
    for chunk in HEADER_BREAK.findall(text):
        if lines[-1] and len((lines[-1] + chunk).rstrip()) > width:
            lines.append("")
        lines[-1] += chunk
    return [line.rstrip() for line in lines]


def column_width(header, cells):
    """As narrow as the cells allow, with the header in at most two lines
    (or as many as its longest unbreakable piece needs)."""
    longest_piece = max(len(chunk.rstrip())
                        for chunk in HEADER_BREAK.findall(header))
    width = max([longest_piece] + [len(cell) for cell in cells])
    while len(wrap_header(header, width)) > 2:
        width += 1
    return width


def text_table(headers, rows):
    columns = list(zip(*rows)) if rows else [()] * len(headers)
    widths = [column_width(h, c) for h, c in zip(headers, columns)]
    wrapped = [wrap_header(h, w) for h, w in zip(headers, widths)]
    height = max(len(lines) for lines in wrapped)
    # Bottom-aligned, so that every header ends on the line above the rule.
    wrapped = [[""] * (height - len(lines)) + lines for lines in wrapped]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    header = [line(parts) for parts in zip(*wrapped)]
    rule = line(["-" * w for w in widths])
    return "\n".join(header + [rule] + [line(r) for r in rows])


def entry_text(entry):
    cell = entry.cell
    if cell is None:
        return NOT_MEASURED
    text = short_outcome(cell["outcome"])
    if cell.get("listen_outcome"):
        text += f"; listen {short_outcome(cell['listen_outcome'])}"
    if cell.get("reached"):
        text += f"; reached {cell['reached']}"
    return text + (f" {DIVERGENCE_MARK}" if entry.divergent else "")


def grid_text(grid, label_headers):
    rows = [labels + [entry_text(grid.entry(row, column))
                      for column in grid.columns]
            for row, labels in zip(grid.rows, views.row_labels(grid))]
    headers = list(label_headers) + [" ".join(c) for c in grid.columns]
    return text_table(headers, rows)


def numbered_matrix_text(grid, corner):
    """A square option matrix: rows numbered, columns by those numbers, so
    that seven option names fit across a terminal."""
    options = [row[0] for row in grid.rows]
    options += [c[0] for c in grid.columns if c[0] not in options]
    number = {option: str(i) for i, option in enumerate(options, 1)}
    rows = [[f"{number[row[0]]} {row[0]}"]
            + [entry_text(grid.entry(row, column)) for column in grid.columns]
            for row in grid.rows]
    headers = [corner] + [number[column[0]] for column in grid.columns]
    return text_table(headers, rows)


# ---------------------------------------------------------------- sections

def platform_heading(result):
    """What the file is, first as its OS family and evidence class: an
    emulator reports a Windows of its own choosing."""
    platform = result.platform
    where = " ".join(str(platform[f]) for f in ("os", "release", "arch")
                     if platform.get(f))
    if result.harness:
        how = (f"harness {result.harness['version']}, "
               f"libuv {result.harness['libuv']}")
    else:
        how = platform["provenance"]["document"]
    if result.evidence == "emulated":
        return (f"{result.family_label} under {platform['emulation']} "
                f"(emulated: the emulator applies its own bind rules), "
                f"{result.id}; it reports {where}; {how}")
    return f"{result.family_label}, {result.id} ({result.kind}): {where}; " \
        f"{how}"


def footnote_mark(number):
    return str(number).translate(SUPERSCRIPTS)


def fill(text, indent="", rest=None):
    """Wrapped at WIDTH between words only: ids such as
    windows-xp-sp3-blog stay whole."""
    return textwrap.fill(text, WIDTH, initial_indent=indent,
                         subsequent_indent=indent + "  " if rest is None
                         else rest, break_on_hyphens=False,
                         break_long_words=False)


def wrapped(text, indent):
    return fill(text, indent)


# ---------------------------------------------------------------- the card

def card_text(found):
    """The answer card: the option, one line per question with its
    evidence, the disagreements under it, the trade-off. What each file it
    names is follows the blog's table."""
    lines = [card.heading(found)]
    rows = card.card_rows(found)
    width = max((len(r.title) for r in rows), default=0)
    # Wrapped lines start under the evidence.
    under = " " * (2 + width + 2 + 7)
    for r in rows:
        detail = f": {r.detail}" if r.detail else ""
        lines.append(fill(f"{r.title.ljust(width)}  {r.answer.ljust(6)} "
                          f"{r.evidence}{detail}", "  ", under))
        lines += [fill(f"{DIVERGENCE_MARK} {d}", under)
                  for d in r.disagreements]
    if found.tradeoff:
        lines.append(wrapped(f"trade-off: {found.tradeoff}", "  "))
    if found.runtimes:
        lines.append(wrapped(found.runtimes, "  "))
    return "\n".join(lines)


# ---------------------------------------------------------------- main table

def blog_entry_text(entry, footnotes, spell=short_outcome):
    if entry is None:
        return NOT_MEASURED
    mark = f" {DIVERGENCE_MARK}" if entry.others else ""
    return f"{spell(entry.outcome)}{footnote_mark(footnotes[entry.source])}" \
        + mark


# Marks a source named by a card that gives no value in the table.
NAMED_ONLY = "·"


def footnotes(table, named=()):
    """The table's sources by their marks, then the card's others."""
    return [f"{footnote_mark(n) if n else NAMED_ONLY} {note}"
            for n, note in views.source_notes(table, named)]


def footnote_lines(table, named=()):
    return [fill(note, "", "  ") for note in footnotes(table, named)]


def blog_table_text(table, named=()):
    """named: the card's files, described under the table's."""
    if not table.rows:
        return "The blog's table: no cell of its experiment here."
    footnotes = {r: i for i, r in enumerate(table.sources, 1)}
    with_source = any(r.label for r in table.rows)
    headers = ["OS", "option"] + (["from"] if with_source else []) \
        + table.states
    rows, previous = [], None
    for r in table.rows:
        same_family = previous is not None and previous.family == r.family
        same_option = same_family and previous.option == r.option
        labels = ["" if same_family else family_label(r.family),
                  "" if same_option else r.option]
        rows.append(labels + ([r.label] if with_source else [])
                    + [blog_entry_text(r.entries.get(s), footnotes)
                       for s in table.states])
        previous = r
    notes = footnote_lines(table, named)
    divergent = views.divergences(table)
    if divergent:
        notes.append(f"{DIVERGENCE_MARK} other sources disagree:")
        notes += [wrapped(line, "  ") for line in divergent]
    return (fill("The blog's table: TCP, 0.0.0.0/0.0.0.0; the new server "
                 "binds with the old one's option, as the same user. "
                 + question_legend(table.states), "", "")
            + "\n\n" + text_table(headers, rows) + "\n\n"
            + "\n".join(notes))


# ---------------------------------------------------------------- runtimes

def runtime_section(result):
    table = runtimes.runtime_table(result)
    if table is None:
        return "Your runtime: no runtime's own listener measured here."
    headers = (["runtime"] + table.fields
               + [runtimes.HEADERS[q] for q in table.questions])
    rows = [[r.option] + [r.carries(f) for f in table.fields]
            + [r.answer(q) for q in table.questions] for r in table.rows]
    return "\n".join(
        [fill(f"Your runtime: {runtimes.heading(table)}", "", ""),
         fill(runtimes.legend([table]), "", ""), "",
         text_table(headers, rows), ""]
        + [fill(line) for line in runtimes.notes(table)])


# Short headers: a table of five options stays within 100 columns.
INHERIT_HEADERS = ["cloexec", "spawn", "port", "listener", "loop"]


def inheritance_section(result, references):
    table = inheritance.inheritance(result, references)
    if table is None:
        return "Inherited listeners: not measured here."
    title = (f"Inherited listeners at {views.DIGEST_ADDRESS}: the server "
             "started a child and exited.\nport: its state then; listener, "
             "loop: held by the child (? = the OS does not say);\nthen the "
             "restart with each listener option")
    rows = inheritance.table_rows(table, entry_text)
    notes = [fill(line) for line in inheritance.notes(table)]
    return "\n".join([title, "", text_table(INHERIT_HEADERS + table.options,
                                             rows), ""] + notes)


HIJACK_HEADERS = ["user", "over", "listener option", "probe option",
                  "listen", "connections", "reached"]


def hijack_rows(successes):
    return [[c["probe_user"], c["state"], c["listener_option"], c["probe_option"],
             short_outcome(c["listen_outcome"] or NOT_MEASURED),
             str(c["connections"]) if c["connections"] is not None
             else NOT_MEASURED,
             REACHED.get(c["reached"], NOT_MEASURED)]
            for c in successes]


def got_in_line(digest):
    """Who got a second listener: its bind() and listen() worked (a
    runtime's bind may succeed and its listen() refuse, as libuv defers
    EADDRINUSE to listen)."""
    got_in = [c["probe_user"] for c in digest.successes if took_over(c)]
    counts = ", ".join(f"{user} user {got_in.count(user)} of "
                       f"{digest.measured[user]}"
                       for user in ("same", "other"))
    counts += " cells (an option pair over LISTEN or BOUND)"
    refused = "bind() refused" if all(map(took_over, digest.successes)) \
        else "bind() or listen() refused"
    return f"Got in: {counts}; the rest: {refused}"


def hijack_section(result):
    digest = views.hijack_digest(result)
    if not digest.measured:
        return f"Hijack at {views.DIGEST_ADDRESS}: not measured here."
    title = (f"Hijack at {views.DIGEST_ADDRESS}: a second process binds and "
             "listens over a live listener (LISTEN) or a socket bound and "
             "not yet listening (BOUND)")
    text = f"{fill(title)}\n{fill(got_in_line(digest))}"
    if digest.successes:
        rows = hijack_rows(digest.successes)
        text += "\n\n" + text_table(HIJACK_HEADERS, rows)
    return text


def wine_section(result, reference_files):
    """For an emulation: where it differs from the OS as its emulator's
    tests assert it, predicted or not; "" where they are not at hand."""
    found = [d for d in winediff.wine_diffs([result] + reference_files)
             if d.measured is result]
    return "\n\n".join(
        "\n".join([winediff.title(d), fill(winediff.summary(d))]
                  + [fill(winediff.row_line(d, r), "  ", "    ")
                     for r in d.rows]
                  + [fill(line, "  ", "    ")
                     for line in winediff.unseen_lines(d)])
        for d in found)


def pairs_section(result, references, unavailable):
    """The option pairs; a runtime's listener is in its own table."""
    left_out = unavailable | set(runtimes.runtime_options())
    grids = [(state, views.drop_options(
        views.pair_grid(result, state, "same", references), left_out))
        for state in views.PAIR_STATES]
    shown = [numbered_matrix_text(grid, state)
             for state, grid in grids if grid.rows]
    if not shown:
        return "Option pairs: not measured here."
    return (f"Option pairs at {views.DIGEST_ADDRESS}, same user: listener "
            "option down, probe option across\n(columns numbered as the "
            "rows)\n\n" + "\n\n".join(shown))


def varied_section(result):
    lines = varied.varied_lines(result)
    return "\n".join([fill(lines[0])] + [fill(line, "  ", "    ")
                                         for line in lines[1:]]) \
        if lines else ""


def footer(result, unavailable):
    lines = [short_legend("--all says why"),
             f"{DIVERGENCE_MARK} = an outcome no {result.family_label} "
             "reference gives"]
    if unavailable:
        lines.append("Left out above, this OS lacks them (every cell "
                     "unsupported): " + ", ".join(
                         sorted_values("listener_option", unavailable)))
    lines.append(views.summary_line(result))
    return "\n".join(lines)


def platform_text(result, reference_files):
    """What ./matrix run prints: the answer card of the file's OS (from
    the file and its family's references), the blog's table beside the
    references, then the detail."""
    references = views.References(reference_files)
    # A runtime this OS lacks is said in the runtime table.
    unavailable = views.unavailable_options(result) - set(
        runtimes.runtime_options())
    found = own_card(result, reference_files)
    sections = [platform_heading(result),
                card_text(found),
                blog_table_text(views.platform_table(result,
                                                     reference_files),
                                found.named),
                runtime_section(result),
                wine_section(result, reference_files),
                inheritance_section(result, references),
                hijack_section(result),
                pairs_section(result, references, unavailable),
                varied_section(result),
                footer(result, unavailable)]
    return "\n\n".join(s for s in sections if s) + "\n"


def suite_lines(cells, indent):
    """Cited cells under the file of the suite that asserts them."""
    lines = []
    for suite, group in provenance.by_suite(cells):
        lines.append(fill(f"{suite}:", indent))
        lines += [fill(provenance.cell_source(cell), indent + "  ",
                       indent + "    ") for cell in group]
    return lines


def own_card(result, reference_files):
    """The card of the file's OS, from the file and its references."""
    return card.family_card(result.family, [result] + [
        r for r in reference_files if r.family == result.family])


def sources_section(result, reference_files):
    """Where the answers of the file's card come from, cell by cell."""
    lines = []
    for answer in provenance.answer_sources([own_card(result,
                                                      reference_files)]):
        lines.append(fill(provenance.source_line(answer)))
        lines += suite_lines(answer.cells, "  ")
        if answer.more:
            lines.append(f"  {provenance.more_line(answer)}")
    return "Where the answers come from:\n" + "\n".join(lines)


def all_cells_text(result, reference_files):
    """Every cell: one table per group, option pairs down, states across;
    then where the card's answers come from, and a transcribed file's
    source line per cell."""
    references = views.References(reference_files)
    sections = [platform_heading(result)]
    for group, keys in views.cell_groups(result):
        grid = views.group_grid(result, keys, references)
        sections.append(views.group_title(group) + "\n"
                        + grid_text(grid, ("listener option",
                                           "probe option")))
    reasons = [f"{n} × {outcome}: {reason}" for (outcome, reason), n
               in views.reason_counts(result).items()]
    if reasons:
        sections.append("Cells with a reason:\n" + "\n".join(reasons))
    sections.append(sources_section(result, reference_files))
    cited = provenance.cited_cells(result)
    if cited:
        sections.append("\n".join(["Each cell's source:"]
                                  + suite_lines(cited, "")))
    sections.append(short_legend("reasons above") + "\n"
                    + views.summary_line(result))
    return "\n\n".join(sections) + "\n"
