"""Cells whose outcome varied over repeated runs (bindmatrix matrix
--repeat N): the OS did not give the same answer every time, and each
answer is shown with how often it came and, where the OS said, which kind
of socket held the state (witnessed_kind)."""

from .model import describe_key, plural
from vocabulary import cell_key


def varied_cells(result):
    return [cell for cell in result.cells.values() if cell.get("varied")]


def seen_text(cell):
    """"EADDRINUSE 19 times (full), ok once (timewait)"."""
    parts = []
    for seen in cell["outcomes_seen"]:
        times = "once" if seen["count"] == 1 else f"{seen['count']} times"
        kind = seen.get("witnessed_kind")
        reached = seen.get("reached")
        parts.append(f"{seen['outcome']}"
                     + (f" reached {reached}" if reached else "")
                     + f" {times}" + (f" ({kind})" if kind else ""))
    return ", ".join(parts)


def varied_lines(result):
    """A heading line and a line per varied cell; [] when none varied."""
    cells = varied_cells(result)
    if not cells:
        return []
    runs = sum(seen["count"] for seen in cells[0]["outcomes_seen"])
    return ([f"{result.id}: {plural(len(cells), 'cell')} varied over {runs} "
             "runs (the OS's answer, not the harness's: each outcome with "
             "the kind of socket the witness met)"]
            + [f"{describe_key(cell_key(cell))}: {seen_text(cell)}"
               for cell in cells])
