"""The inherit scenario: a server started a child and exited. Per
close-on-exec flag and spawn method, what its port showed then, what the
child was seen to hold, and whether the restarted server bound with the
old one's option (the diagonal); and the platform's verdict in a line.
Renderers (text, Markdown, HTML) only format these."""

from collections import defaultdict
from dataclasses import dataclass

from . import views
from .model import (NOT_EVIDENCE, NOT_MEASURED, address_of, display_value,
                    sorted_values, values_rank)

ROW_FIELDS = ("cloexec", "spawn")
# What the child held: null in a cell when the OS did not say.
HOLDS = {True: "yes", False: "no", None: "?"}
HEADERS = ["cloexec", "spawn", "port after the server exited",
           "child holds listener", "child holds event loop"]
LEGEND = (
    f"The inherit scenario at {views.DIGEST_ADDRESS}: a server listens, "
    "starts a long-lived child by one spawn method, its listener "
    "close-on-exec (`cloexec` true; on Windows not inheritable) or not, and "
    "exits. `port after the server exited`: the state the witness saw; "
    "`child holds listener`, `child holds event loop`: what the OS showed "
    "of the child's descriptors (`?` = the OS does not say); then, per "
    "listener option, the restarted server's bind() with that option.")


@dataclass(frozen=True)
class Row:
    cloexec: bool
    spawn: str
    port: str            # the witnessed states, e.g. LISTEN
    holds_listener: str  # yes, no, ? (the OS did not say)
    holds_loop: str
    restarts: dict       # listener option -> views.Entry


@dataclass(frozen=True)
class Inheritance:
    rows: list
    options: list        # the restart columns, in option order
    left_out: list       # spawn methods this OS lacks
    verdict: str         # None: no evidence


def restart_cells(result):
    """(key, cell) of the restarts: the probe binds with the listener's
    option, as the same user, where the inherit scenario runs. A runtime's
    own listener is the runtime table's."""
    return [(key, cell) for key, cell in result.cells.items()
            if cell["scenario"] == "inherit" and not views.runtime_listener(cell)
            and cell["listener_option"] == cell["probe_option"]
            and cell["probe_user"] == "same"
            and address_of(cell) == views.DIGEST_ADDRESS]


def joined(values, spell=str):
    """The distinct values, in the order first seen."""
    return "/".join(dict.fromkeys(spell(v) for v in values)) or NOT_MEASURED


def make_row(result, cloexec, spawn, keyed, options, references):
    evidence = [c for _, c in keyed if c["outcome"] not in NOT_EVIDENCE]
    by_option = {c["listener_option"]: k for k, c in keyed}
    return Row(cloexec, spawn,
               port=joined(c["witnessed_state"] for c in evidence),
               holds_listener=joined((c["child_holds_listener"]
                                      for c in evidence), HOLDS.get),
               holds_loop=joined((c["child_holds_loop"] for c in evidence),
                                 HOLDS.get),
               restarts={o: references.entry(result, by_option[o])
                         for o in options if o in by_option})


def inheritance(result, references):
    """The platform's inheritance table; None when it has no inherit cell.
    Options and spawn methods this OS lacks (every cell unsupported) are
    left out."""
    keyed = restart_cells(result)
    if not keyed:
        return None
    groups = defaultdict(list)
    for key, cell in keyed:
        groups[(cell["cloexec"], cell["spawn"])].append((key, cell))
    cells = [cell for _, cell in keyed]
    options = sorted_values("listener_option",
                            {c["listener_option"] for c in cells}
                            - views.unavailable_options(result))
    lacking = sorted_values("spawn", views.unavailable(cells, "spawn"))
    rows = [make_row(result, cloexec, spawn, groups[(cloexec, spawn)],
                     options, references)
            for cloexec, spawn in sorted(
                groups, key=lambda g: values_rank(ROW_FIELDS, g))
            if spawn not in lacking]
    return Inheritance(rows, options, lacking, verdict_line(cells))


# ---------------------------------------------------------------- verdict

def listed(field, cells):
    return ", ".join(sorted_values(field, {c[field] for c in cells}))


def outcomes_by_option(cells):
    """e.g. EADDRINUSE with default, SO_REUSEADDR; ok with SO_REUSEPORT:
    the refusals first."""
    options = defaultdict(set)
    for cell in cells:
        options[cell["outcome"]].add(cell["listener_option"])
    order = sorted(options, key=lambda o: (o == "ok", views.outcome_rank(o)))
    return "; ".join(
        f"{outcome} with "
        f"{', '.join(sorted_values('listener_option', options[outcome]))}"
        for outcome in order)


def leak_clause(leaked):
    refused = [c for c in leaked if c["outcome"] != "ok"]
    blocks = ("a leaked listener blocks the restart" if refused else
              "a leaked listener does not block the restart")
    return (f"{blocks} ({outcomes_by_option(leaked)}; leaked by "
            f"{listed('spawn', leaked)})")


def cloexec_clause(flagged):
    kept = [c for c in flagged if c["witnessed_state"] != "CLOSED"]
    if kept:
        return ("close-on-exec does not free the port with "
                f"{listed('spawn', kept)}")
    refused = [c for c in flagged if c["outcome"] != "ok"]
    if refused:
        return ("close-on-exec frees the port, but the restart is refused "
                f"({outcomes_by_option(refused)})")
    return f"close-on-exec frees the port ({listed('spawn', flagged)})"


def verdict_line(cells):
    """What the inherit cells say, in clauses; None without evidence."""
    evidence = [c for c in cells if c["outcome"] not in NOT_EVIDENCE]
    if not evidence:
        return None
    inheritable = [c for c in evidence if not c["cloexec"]]
    leaked = [c for c in inheritable if c["witnessed_state"] == "LISTEN"]
    passing_none = [c for c in inheritable if c["witnessed_state"] != "LISTEN"]
    flagged = [c for c in evidence if c["cloexec"]]
    loops = [c for c in evidence if c["child_holds_loop"]]
    clauses = [leak_clause(leaked)] if leaked else []
    if passing_none:
        clauses.append(f"{listed('spawn', passing_none)} passes no listener "
                       "to the child, close-on-exec or not")
    if flagged:
        clauses.append(cloexec_clause(flagged))
    if loops:
        clauses.append("the child holds the server's event loop too with "
                       f"{listed('spawn', loops)}")
    return "; ".join(clauses)


# ---------------------------------------------------------------- rendering

def table_rows(table, restart):
    """Each row's labels, then per option restart(entry): the renderer's
    spelling of the restart's outcome."""
    return [[display_value(r.cloexec), r.spawn, r.port, r.holds_listener,
             r.holds_loop]
            + [restart(r.restarts.get(o, views.EMPTY)) for o in table.options]
            for r in table.rows]


def notes(table):
    """The verdict line, and the spawn methods left out."""
    lines = ["Verdict: " + (table.verdict or "not measured: every restart "
                            "cell is unsupported or invalid")]
    if table.left_out:
        lines.append("Left out, this OS lacks them: "
                     + ", ".join(table.left_out))
    return lines
