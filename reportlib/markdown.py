"""Markdown: the answer cards, then the blog's table at the best evidence
of each OS; with --all every platform file's tables. Printed by report.py
[FILES] and written into README.md between its markers."""

from pathlib import Path

from . import (answers, card, inheritance, provenance, runtimes, text,
               varied, views, winediff)
from .consequence import question_legend
from .model import (DIVERGENCE_MARK, NOT_MEASURED, ReportError,
                    family_label, state_question)

README_BEGIN = "<!-- bindmatrix:table:begin -->"
README_END = "<!-- bindmatrix:table:end -->"

EVIDENCE_LEGEND = (
    "Evidence: `measured` = this harness on that OS; `reference` = a "
    "published source or an OS's own conformance tests (these cite the "
    "file and line that asserts each cell, e.g. `sock.c:2270`); `emulated` "
    "= this harness under an emulator such as Wine, which applies its own "
    "bind rules; `emulator's own tests` = the marks in an emulator's test "
    "suite where it is known to differ from the OS (Wine's `todo_wine`): a "
    "prediction about the emulator, neither a measurement nor evidence of "
    "the OS. Each answer comes from a measured file of that OS, else its "
    "references, and an emulation only where no reference speaks; an "
    "emulator's tests never answer. `not measured` says the answer is not "
    "this harness's, `≠` names a source that disagrees, and `BOUND: before "
    "listen()` an answer where no source speaks of a listener, only of the "
    "socket bound before it listens.")

COMPARISON_LEGEND = (
    "The blog's experiment, a restarted server: TCP, the new server binds "
    "with the old one's option, as the same user, at ipv4 = "
    "0.0.0.0/0.0.0.0 or ipv6 = [::]/[::] (IPV6_V6ONLY on). `ok` = bind() "
    "succeeded, otherwise the error; `unsupported` = the OS lacks the "
    "option, or the cell cannot run here (its file says why); `invalid` = "
    f"the state was not witnessed; `{NOT_MEASURED}` = not measured; "
    f"`{DIVERGENCE_MARK}` = a measured result that no reference of that OS "
    "family gives.")


def markdown_escape(text):
    return str(text).replace("|", "\\|")


def code(text):
    return f"`{text}`"


def markdown_table(headers, rows):
    """Columns padded to their widest body cell, so that the rows line up
    in the source; a longer header (platform names) just sticks out."""
    header = [markdown_escape(c) for c in headers]
    body = [[markdown_escape(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in body or [header])
              for i in range(len(headers))]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) \
            + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), separator] + [line(r) for r in body])


def entry_markdown(entry):
    if entry.cell is None:
        return NOT_MEASURED
    mark = f" {DIVERGENCE_MARK}" if entry.divergent else ""
    return entry.outcome + mark


# ---------------------------------------------------------------- cards

def card_markdown(found):
    lines = [f"#### {card.heading(found)}", ""]
    rows = card.card_rows(found)
    if rows:
        body = [[r.title, f"**{r.answer}**",
                 f"{r.evidence}" + (f": {r.detail}" if r.detail else "")
                 + "".join(f"<br>{DIVERGENCE_MARK} {d}"
                           for d in r.disagreements)]
                for r in rows]
        lines += [markdown_table(["question", "answer", "evidence"], body),
                  ""]
    if found.tradeoff:
        lines += [f"Trade-off: {found.tradeoff}", ""]
    if found.runtimes:
        lines += [found.runtimes, ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- main table

def blog_markdown(table, named=()):
    """named: the cards' files, described after the table's."""
    footnotes = {r: i for i, r in enumerate(table.sources, 1)}
    headers = ["OS", "option"] + [
        f"{s}<br>({state_question(s)})" for s in table.states]
    rows, previous = [], None
    for r in table.rows:
        same = previous is not None and previous.family == r.family
        rows.append(["" if same else family_label(r.family), r.option]
                    + [text.blog_entry_text(r.entries.get(s), footnotes,
                                            str)
                       for s in table.states])
        previous = r
    notes = [f"- {line}" for line in text.footnotes(table, named)]
    divergent = [f"- {DIVERGENCE_MARK} {line}"
                 for line in views.divergences(table)]
    return (markdown_table(headers, rows) + "\n\nSources "
            f"({text.NAMED_ONLY} = named by a card only):\n\n"
            + "\n".join(notes)
            + ("\n\nOther sources disagree:\n\n" + "\n".join(divergent)
               if divergent else ""))


# ---------------------------------------------------------------- runtimes

def runtimes_markdown(files):
    """One line per runtime, a column per file that measured runtimes."""
    tables = runtimes.tables(files)
    title = "### Your runtime: what its own listener does\n\n"
    if not tables:
        return f"{title}No runtime's own listener measured yet.\n\n"

    def cell(table, option):
        row = table.row(option)
        return runtimes.summary(row, table.questions) if row \
            else table.missing(option)
    rows = [[code(option)] + cells
            for option, cells in runtimes.row_cells(tables, cell)]
    headers = ["runtime"] + [platform_header(t.source) for t in tables]
    return (f"{title}{runtimes.legend(tables)}\n\n"
            f"{markdown_table(headers, rows)}\n\n")


# ---------------------------------------------------------------- Wine

def wine_markdown(files, every=False):
    """Per emulation, the counts of where it differs from the OS as its
    emulator's tests assert it; the cells their marks do not predict
    always, every cell with every. "" without the files."""
    sections = []
    for found in winediff.wine_diffs(files):
        rows = found.rows if every else found.unpredicted
        lines = [f"- {winediff.row_line(found, r)}" for r in rows]
        if every:
            lines += [f"- {line}" for line in winediff.unseen_lines(found)]
        sections.append(f"### {winediff.title(found)}\n\n"
                        f"{winediff.summary(found)}"
                        + ("\n\n" + "\n".join(lines) if lines else ""))
    return "".join(f"{s}\n\n" for s in sections)


def varied_markdown(files):
    """Per file, the cells whose outcome varied over repeated runs."""
    sections = []
    for result in files:
        lines = varied.varied_lines(result)
        if lines:
            sections.append(f"{lines[0]}:\n\n"
                            + "\n".join(f"- {line}" for line in lines[1:]))
    return "".join(f"{s}\n\n" for s in sections)


def sources_markdown(cards):
    """Where each answer comes from, with the cells a suite asserts."""
    lines = []
    for found in provenance.answer_sources(cards):
        lines.append(f"- {provenance.source_line(found)}")
        for suite, cells in provenance.by_suite(found.cells):
            lines.append(f"  - {suite}:")
            lines += [f"    - {provenance.cell_source(cell, code)}"
                      for cell in cells]
        if found.more:
            lines.append(f"  - {provenance.more_line(found)}")
    return "### Where each answer comes from\n\n" + "\n".join(lines) \
        + "\n\n"


# ---------------------------------------------------------------- --all

def platform_header(result):
    # <br>: GitHub renders it, and narrow columns keep the table readable.
    return f"{result.family_label}<br>{result.id}<br>{result.kind}"


def comparison_markdown(files, references):
    grid = views.comparison_grid(files, references)
    by_id = {result.id: result for result in files}
    headers = ["family", "option", "state"] + [
        platform_header(by_id[column[0]]) for column in grid.columns]
    rows = [labels + [entry_markdown(grid.entry(row, column))
                      for column in grid.columns]
            for row, labels in zip(grid.rows, views.row_labels(grid))]
    return markdown_table(headers, rows)


def inheritance_markdown(files, references):
    """One table per platform with inherit cells; "" when none has."""
    sections = []
    for result in files:
        table = inheritance.inheritance(result, references)
        if table is not None:
            rows = inheritance.table_rows(table, entry_markdown)
            sections.append(
                f"#### {result.label}\n\n"
                + markdown_table(inheritance.HEADERS + table.options, rows)
                + "\n\n" + "\n\n".join(inheritance.notes(table)))
    if not sections:
        return ""
    return ("### Inherited listeners\n\n" + inheritance.LEGEND + "\n\n"
            + "\n\n".join(sections) + "\n\n")


ANSWER_HEADERS = ["platform", "listener option"] + [
    answers.TITLES[q] for q in answers.QUESTIONS]


def answer_rows(result, finding_cell=lambda f: f"{f.answer}: {f.detail}"):
    """Every option of one file, each question from that file alone."""
    rows = []
    for option in answers.options_of(result.family):
        found = [answers.finding(result, option, q)
                 for q in answers.QUESTIONS]
        if any(found):
            rows.append([result.label if not rows else "", option] + [
                finding_cell(f) if f else NOT_MEASURED for f in found])
    return rows


def answers_markdown(files):
    rows = [row for result in files for row in answer_rows(result)]
    return markdown_table(ANSWER_HEADERS, rows)


def everything_markdown(files, cards):
    references = views.References(files)
    return (f"{sources_markdown(cards)}"
            f"### The blog's table in every file\n\n{COMPARISON_LEGEND}"
            f"\n\n{comparison_markdown(files, references)}\n\n"
            f"{inheritance_markdown(files, references)}"
            "### Each file's answers, option by option\n\n"
            f"{answers_markdown(files)}\n")


def report_markdown(files, every=False):
    table = views.best_table(files)
    cards = card.cards(files)
    named = card.named_by(cards)
    # The answer first; what its evidence classes mean after it.
    text_ = ("### What to set: the answer per OS\n\n"
             + "\n".join(card_markdown(c) for c in cards) + "\n"
             f"{EVIDENCE_LEGEND}\n\n"
             "### The blog's table, at the best evidence per OS\n\n"
             "TCP at 0.0.0.0/0.0.0.0: the new server binds with the old "
             "one's option, as the same user. "
             f"{question_legend(table.states)}\n\n"
             f"{blog_markdown(table, named)}\n\n"
             f"{runtimes_markdown(files)}"
             f"{wine_markdown(files, every)}"
             f"{varied_markdown(files)}")
    if every:
        return text_ + everything_markdown(files, cards)
    return text_ + ("Everything else is one step away: `report.py --all` "
                    "(every file's tables), `report.py --platform FILE` "
                    "(one platform), `report.py --diff linux windows`, "
                    "`report.py --html PAGE` (every cell).\n")


# ---------------------------------------------------------------- README

def readme_with_report(path, files):
    """README's text with the report between its markers."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ReportError(f"{path}: cannot read: {error.strerror}") from None
    begin = text.find(README_BEGIN)
    end = -1 if begin < 0 else text.find(README_END,
                                         begin + len(README_BEGIN))
    if end < 0:
        raise ReportError(f"{path}: needs the markers {README_BEGIN} and "
                          f"{README_END}, in that order")
    head = text[:begin + len(README_BEGIN)]
    return f"{head}\n{report_markdown(files)}\n{text[end:]}"
