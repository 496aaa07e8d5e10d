"""Markdown: the blog's table across platforms, then the verdict. Printed by
report.py [FILES] and written into README.md between its markers."""

from pathlib import Path

from . import inheritance, verdict, views
from .model import (DIVERGENCE_MARK, FAMILY_LABELS, NOT_MEASURED,
                    ReportError)

README_BEGIN = "<!-- bindmatrix:table:begin -->"
README_END = "<!-- bindmatrix:table:end -->"

COMPARISON_LEGEND = (
    "The blog's experiment, a restarted server: TCP, the new server binds "
    "with the old one's option, as the same user, at ipv4 = "
    "0.0.0.0/0.0.0.0 or ipv6 = [::]/[::] (IPV6_V6ONLY on). `ok` = bind() "
    "succeeded, otherwise the error; `unsupported` = the OS lacks the "
    "option, or the cell cannot run here (its file says why); `invalid` = "
    f"the state was not witnessed; `{NOT_MEASURED}` = not measured; "
    f"`{DIVERGENCE_MARK}` = a measured result that no reference of that OS "
    "family gives. Columns are `reference` "
    "(transcribed from a published source, see its file's provenance), "
    "`measured` (this harness) or `emulated` (this harness under an "
    "emulator such as Wine). `report.py --platform FILE` shows one "
    "platform in full, `--html` every cell.")


def markdown_escape(text):
    return str(text).replace("|", "\\|")


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


VERDICT_HEADERS = ["platform", "listener option", "restart-safe",
                   "hijack-safe: other user", "hijack-safe: same user"]


def verdict_rows(result, verdicts, finding_cell=str):
    """One row per listener option; the platform named on the first."""
    return [[result.label if i == 0 else "", v.option]
            + [finding_cell(f) for f in v.findings]
            for i, v in enumerate(verdicts)]


def family_verdict_markdown(family, members):
    verdicts = {r.id: verdict.platform_verdicts(r) for r in members}
    rows = [row for r in members for row in verdict_rows(r, verdicts[r.id])]
    advice = "\n".join(f"- {r.id}: {verdict.recommendation(verdicts[r.id])}"
                       for r in members)
    return (f"#### {FAMILY_LABELS[family]}\n\n"
            f"{markdown_table(VERDICT_HEADERS, rows)}\n\n"
            f"Recommended listener option:\n\n{advice}\n")


def verdict_markdown(files):
    sections = [family_verdict_markdown(family, members)
                for family, members in views.by_family(files)]
    return verdict.LEGEND + "\n\n" + "\n".join(sections)


def report_markdown(files):
    references = views.References(files)
    return (f"### The blog's table on every platform\n\n{COMPARISON_LEGEND}"
            f"\n\n{comparison_markdown(files, references)}\n\n"
            f"{inheritance_markdown(files, references)}"
            f"### Verdict\n\n{verdict_markdown(files)}")


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
