"""The picture (--png, and inlined in the HTML page): the blog's table as a
colour grid, one small panel per platform, and under it the option pairs at
LISTEN of each measured platform, for the same and another user."""

import io
import math

from . import views
from .model import (DIVERGENCE_MARK, OUTCOME_COLOURS, display_value,
                    outcome_category, values_rank)

PANELS_PER_ROW = 4
CATEGORIES = list(OUTCOME_COLOURS)


def colour_grid(axes, grid, rows, columns):
    """Draw the grid's outcomes at the given rows and columns: one square
    per cell, white lines between, first row on top."""
    from matplotlib.colors import ListedColormap

    entries = [[grid.entry(row, column) for column in columns]
               for row in rows]
    values = [[CATEGORIES.index(outcome_category(e.outcome)) for e in line]
              for line in entries]
    colours = ListedColormap(list(OUTCOME_COLOURS.values()))
    axes.pcolormesh(values, cmap=colours, vmin=0, vmax=len(CATEGORIES) - 1,
                    edgecolors="white", linewidth=1)
    axes.invert_yaxis()
    for y, line in enumerate(entries):
        for x, entry in enumerate(line):
            if entry.divergent:
                axes.text(x + 0.5, y + 0.5, DIVERGENCE_MARK, ha="center",
                          va="center", fontsize=9, fontweight="bold")
    axes.tick_params(length=0)


def label_axes(axes, rows, columns, show_rows, show_columns):
    """Labels on the outer panels only: the panels share them."""
    def labels(values):
        return [" ".join(map(display_value, v)) for v in values]

    axes.set_xticks([x + 0.5 for x in range(len(columns))]
                    if show_columns else [],
                    labels(columns) if show_columns else [],
                    rotation=90, fontsize=7)
    axes.set_yticks([y + 0.5 for y in range(len(rows))] if show_rows else [],
                    labels(rows) if show_rows else [], fontsize=7)


def panel_grid(subfigure, count):
    """count axes, PANELS_PER_ROW to a row, each with whether it is on the
    left edge and whether no panel is under it."""
    columns = min(count, PANELS_PER_ROW)
    rows = math.ceil(count / columns)
    axes = subfigure.subplots(rows, columns, squeeze=False)
    for spare in axes.flat[count:]:
        spare.set_visible(False)
    return [(a, i % columns == 0, i + columns >= count)
            for i, a in enumerate(axes.flat[:count])]


def union(grids, attribute, fields):
    """The rows (or columns) of every grid, so that panels line up."""
    values = {v for grid in grids for v in getattr(grid, attribute)}
    return sorted(values, key=lambda v: values_rank(fields, v))


def draw_panels(subfigure, panels, row_fields, column_fields, title):
    """panels: (title, grid); all drawn on the same rows and columns."""
    grids = [grid for _, grid in panels]
    rows = union(grids, "rows", row_fields)
    columns = union(grids, "columns", column_fields)
    for (axes, left, bottom), (panel_title, grid) in zip(
            panel_grid(subfigure, len(panels)), panels):
        colour_grid(axes, grid, rows, columns)
        label_axes(axes, rows, columns, left, bottom)
        axes.set_title(panel_title, fontsize=8)
    subfigure.suptitle(title, fontsize=10)


def blog_panels(subfigure, files, references):
    panels = [(f"{r.family_label}: {r.id}\n({r.kind})",
               views.blog_grid(r, references)) for r in files]
    draw_panels(subfigure, panels, views.BLOG_ROW_FIELDS, ("state",),
                "The blog's table: TCP, new server = old server's option "
                "and user; rows: family, option")


def pair_panels(subfigure, measured, references):
    panels = [(f"{r.id}: {user} user",
               views.pair_grid(r, "LISTEN", user, references))
              for r in measured for user in ("same", "other")]
    draw_panels(subfigure, panels, ("listener_option",), ("probe_option",),
                f"Option pairs at LISTEN, {views.DIGEST_ADDRESS}: listener "
                "option down, probe option across")


def legend(subfigure):
    from matplotlib.patches import Patch
    patches = [Patch(facecolor=colour, edgecolor="grey", label=name)
               for name, colour in OUTCOME_COLOURS.items()]
    subfigure.legend(handles=patches, loc="center", ncol=len(patches),
                     fontsize=8, frameon=False)


def report_figure(files, references):
    from matplotlib.figure import Figure

    measured = [r for r in files if not r.is_reference]
    blog_rows = math.ceil(len(files) / PANELS_PER_ROW)
    pair_rows = math.ceil(2 * len(measured) / PANELS_PER_ROW)
    # Inches: the legend's strip, then per section its rows of panels and
    # the room their labels take.
    heights = [0.4, 2.2 * blog_rows + 1.4] \
        + ([3 * pair_rows + 1.4] if measured else [])
    figure = Figure(figsize=(3 * min(len(files), PANELS_PER_ROW) + 1.6,
                             sum(heights)), layout="constrained")
    legend_strip, blog, *pairs = figure.subfigures(
        len(heights), 1, height_ratios=heights, squeeze=False).flat
    legend(legend_strip)
    blog_panels(blog, files, references)
    for subfigure in pairs:
        pair_panels(subfigure, measured, references)
    return figure


def figure_png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
