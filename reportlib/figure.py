"""The picture (--png, and in the HTML page): the blog's table at the best
evidence, one panel per OS, options down and states across, each square
coloured by consequence and labelled with its outcome and source."""

import io

from . import text, views
from .consequence import COLOURS, LEGEND, consequence
from .model import (DIVERGENCE_MARK, family_label, family_names,
                    short_outcome, state_question)

CATEGORIES = list(COLOURS)
PANEL_WIDTH, ROW_HEIGHT = 5.2, 0.55   # inches


def label(entry, footnotes):
    if entry is None:
        return "–"
    mark = f" {DIVERGENCE_MARK}" if entry.others else ""
    return (f"{short_outcome(entry.outcome)}"
            f"{text.footnote_mark(footnotes[entry.source])}{mark}")


def draw_panel(axes, family, rows, states, footnotes):
    from matplotlib.colors import ListedColormap

    values = [[CATEGORIES.index(consequence(
        r.entries[s].cell if s in r.entries else None)) for s in states]
        for r in rows]
    axes.pcolormesh(values, cmap=ListedColormap(list(COLOURS.values())),
                    vmin=0, vmax=len(CATEGORIES) - 1, edgecolors="white",
                    linewidth=2)
    axes.invert_yaxis()
    for y, r in enumerate(rows):
        for x, state in enumerate(states):
            axes.text(x + 0.5, y + 0.5, label(r.entries.get(state),
                                              footnotes),
                      ha="center", va="center", fontsize=10)
    axes.set_xticks([x + 0.5 for x in range(len(states))],
                    [f"{s}\n({state_question(s)})" for s in states],
                    fontsize=9)
    axes.xaxis.tick_top()
    axes.set_yticks([y + 0.5 for y in range(len(rows))],
                    [r.option for r in rows], fontsize=10)
    axes.tick_params(length=0)
    axes.set_title(family_label(family), fontsize=12, fontweight="bold",
                   loc="left")


def report_figure(files):
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    table = views.best_table(files)
    footnotes = {r: i for i, r in enumerate(table.sources, 1)}
    panels = [(family, [r for r in table.rows if r.family == family])
              for family in dict.fromkeys(r.family for r in table.rows)]
    heights = [ROW_HEIGHT * len(rows) + 1.0 for _, rows in panels]
    notes = [f"{text.footnote_mark(i)} {r.id} ({r.kind})"
             for i, r in enumerate(table.sources, 1)]
    missing = [family_label(f) for f in family_names()
               if f not in {family for family, _ in panels}]
    if missing:
        notes.append(f"{', '.join(missing)}: no evidence yet")
    legend_height = 0.22 * (len(COLOURS) + len(notes) + 3)
    figure = Figure(figsize=(PANEL_WIDTH + 2.2,
                             sum(heights) + legend_height + 0.1),
                    layout="constrained")
    axes = figure.subplots(len(panels) + 1, 1, squeeze=False,
                           height_ratios=heights + [legend_height])[:, 0]
    for panel, (family, rows) in zip(axes, panels):
        draw_panel(panel, family, rows, table.states, footnotes)
    key = axes[-1]
    key.axis("off")
    patches = [Patch(facecolor=COLOURS[name], edgecolor="grey",
                     label=LEGEND[name]) for name in COLOURS]
    key.legend(handles=patches, loc="upper left", fontsize=9,
               frameon=False, borderaxespad=0)
    key.text(0, 0, "\n".join(["TCP 0.0.0.0/0.0.0.0: the new server binds "
                              "with the old one's option,",
                              "as the same user. Sources:"] + notes),
             transform=key.transAxes, va="bottom", fontsize=9)
    return figure


def figure_png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()
