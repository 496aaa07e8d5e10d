"""The views every output shares: which cells each table shows, pivoted
into rows and columns, with the measured cells that no reference of their
OS family gives marked. Renderers (text, Markdown, HTML, picture) only
format these."""

from collections import Counter, defaultdict
from dataclasses import dataclass

import vocabulary

from . import answers
from .model import (NOT_EVIDENCE, address_of, display_value, family_label,
                    family_names, key_sort_order, outcome_words,
                    outcomes_agree, site, source_order, values_rank)

# The comparison of every platform file (--all): the blog's experiment at
# both IP versions.
BLOG_ADDRESSES = ("0.0.0.0/0.0.0.0", "[::]/[::]")
# The main table: the blog's own columns, the hijack question then the
# restart question, at the blog's address; first BOUND (the listener
# before it listens), the case the OSes' conformance suites test, so that
# they give values where they are the best evidence.
BLOG_STATES = (answers.BEFORE_LISTEN, answers.HIJACK_STATE,
               "ESTABLISHED") + answers.RESTART_STATES
# The address pair of the hijack digest and the option-pair matrices.
DIGEST_ADDRESS = answers.RESTART_ADDRESS
PAIR_STATES = ("LISTEN", "TIME_WAIT")
OPTION_FIELDS = ("listener_option", "probe_option")
# --all: one grid per group, option pairs against states inside it.
PIVOT_FIELDS = ("listener_option", "probe_option", "state")
# These follow from the endpoints, so titles need not repeat them.
DERIVED_FIELDS = ("family", "listener_addr", "probe_addr", "v6only")


@dataclass(frozen=True)
class Entry:
    """One place of a grid: the cell there (None: not measured)."""
    cell: dict = None
    divergent: bool = False

    @property
    def outcome(self):
        return self.cell["outcome"] if self.cell else None


EMPTY = Entry()


@dataclass(frozen=True)
class Grid:
    """Cells pivoted: rows and columns are tuples of field values."""
    row_fields: tuple
    column_fields: tuple
    rows: list
    columns: list
    entries: dict  # (row, column) -> Entry

    def entry(self, row, column):
        return self.entries.get((row, column), EMPTY)


def make_grid(row_fields, column_fields, items, columns=None):
    """items: (row, column, entry); columns default to their value order."""
    entries = {(row, column): entry for row, column, entry in items}
    rows = sorted({row for row, _ in entries},
                  key=lambda row: values_rank(row_fields, row))
    if columns is None:
        columns = sorted({column for _, column in entries},
                         key=lambda column: values_rank(column_fields, column))
    return Grid(tuple(row_fields), tuple(column_fields), rows, list(columns),
                entries)


class References:
    """What the reference files of each OS family say, to mark the
    measured cells that none of them gives. An emulator's own tests are
    no reference of the OS: they are left out."""

    def __init__(self, files):
        self.outcomes = defaultdict(set)  # (family, key) -> outcomes
        for result in files:
            if result.is_reference and not result.is_prediction:
                for key, cell in result.cells.items():
                    self.outcomes[(result.family, key)].add(cell["outcome"])

    def diverges(self, result, key):
        if result.is_reference:
            return False
        expected = self.outcomes.get((result.family, key))
        outcome = result.cells[key]["outcome"]
        return bool(expected) and not any(outcomes_agree(e, outcome)
                                          for e in expected)

    def entry(self, result, key):
        cell = result.cells.get(key)
        return Entry(cell, self.diverges(result, key)) if cell else EMPTY


def field_values(cell, fields):
    return tuple(cell[field] for field in fields)


def select(result, predicate):
    return [key for key, cell in result.cells.items() if predicate(cell)]


def pivot(result, keys, row_fields, column_fields, references):
    items = ((field_values(result.cells[key], row_fields),
              field_values(result.cells[key], column_fields),
              references.entry(result, key)) for key in keys)
    return make_grid(row_fields, column_fields, items)


def drop_options(grid, options):
    """The grid without the rows and columns of these options."""
    def keep(fields, values):
        return not any(field in OPTION_FIELDS and value in options
                       for field, value in zip(fields, values))
    rows = [r for r in grid.rows if keep(grid.row_fields, r)]
    columns = [c for c in grid.columns if keep(grid.column_fields, c)]
    return Grid(grid.row_fields, grid.column_fields, rows, columns,
                grid.entries)


def by_family(files):
    """(OS family, its files) in column order, for the families present."""
    return [(family, [r for r in files if r.family == family])
            for family in family_names()
            if any(r.family == family for r in files)]


# ---------------------------------------------------------------- main table

@dataclass(frozen=True)
class BlogEntry:
    """The main table's value: a cell of the strongest source that has
    one, and the other sources that give another outcome."""
    cell: dict
    source: object       # ResultFile
    others: tuple        # (ResultFile, outcome) that disagree

    @property
    def outcome(self):
        return self.cell["outcome"]


@dataclass(frozen=True)
class BlogRow:
    family: str
    option: str
    label: str           # which sources the row reads ("" for the best)
    entries: dict        # state -> BlogEntry


@dataclass(frozen=True)
class BlogTable:
    states: list
    rows: list
    sources: list        # every source an entry shows, for the footnotes


def main_options(family):
    """The blog's rows: the default and each single socket option."""
    return [option for option in answers.options_of(family)
            if len(vocabulary.row("options", option)["sets"][family]) <= 1]


def blog_key(option, state):
    return vocabulary.cell_key({
        "scenario": "bind", "proto": "tcp", "probe_user": "same",
        "listener_endpoint": "0.0.0.0", "probe_endpoint": "0.0.0.0",
        "listener_option": option, "probe_option": option, "state": state})


def blog_entry(key, readers, everyone, unsupported_shown):
    """From the first reader with evidence, marked with every other source
    whose evidence differs. Where none has evidence: the first reader's
    cell when unsupported_shown (one file's own table says what it could
    not measure), else nothing (an unsupported cell is no answer)."""
    having = [r for r in readers if key in r.cells]
    shown = next((r for r in having
                  if r.cells[key]["outcome"] not in NOT_EVIDENCE),
                 having[0] if having and unsupported_shown else None)
    if shown is None:
        return None
    cell = shown.cells[key]
    others = tuple((r, r.cells[key]["outcome"]) for r in everyone
                   if r is not shown and key in r.cells
                   and r.cells[key]["outcome"] not in NOT_EVIDENCE
                   and cell["outcome"] not in NOT_EVIDENCE
                   and not outcomes_agree(r.cells[key]["outcome"],
                                          cell["outcome"]))
    return BlogEntry(cell, shown, others)


def blog_table(row_groups, unsupported_shown=False):
    """row_groups: (family, label, readers, everyone): per main option of
    the family, one row from readers (strongest first), marked against
    everyone. An emulator's own tests never give a value, they only
    disagree. Rows and columns without a single entry are left out."""
    rows = []
    for family, label, readers, everyone in row_groups:
        readers = sorted((r for r in readers if not r.is_prediction),
                         key=source_order)
        for option in main_options(family):
            entries = {state: entry for state in BLOG_STATES
                       for entry in [blog_entry(blog_key(option, state),
                                                readers, everyone,
                                                unsupported_shown)]
                       if entry}
            if entries:
                rows.append(BlogRow(family, option, label, entries))
    states = [s for s in BLOG_STATES if any(s in r.entries for r in rows)]
    sources = list(dict.fromkeys(
        r.entries[s].source for r in rows for s in states
        if s in r.entries))
    return BlogTable(states, rows, sources)


def best_table(files):
    """The main table: per OS family one row per option, each value from
    the best evidence of that family."""
    return blog_table([(family, "", members, members)
                       for family, members in by_family(files)])


def platform_table(target, references):
    """--platform: the file's rows, each beside its family's references."""
    mine = [r for r in references if r.family == target.family]
    groups = [(target.family, target.name, [target], [target] + mine)]
    if mine:
        groups.append((target.family, "references", mine, [target] + mine))
    table = blog_table(groups, unsupported_shown=True)
    # An option's rows together: the file's, then the references'.
    order = main_options(target.family)
    rows = sorted(table.rows, key=lambda r: order.index(r.option))
    return BlogTable(table.states, rows, table.sources)


def claim(source, outcome):
    """What a source says of a cell: a prediction as one."""
    if source.is_prediction:
        return f"{source.name} predict {outcome_words(outcome)}"
    return f"{source.name} {outcome}"


def cited_sites(table, source):
    """Where the source's values in the table come from, for the
    footnotes: "default BOUND dlls/ws2_32/tests/sock.c:2336"."""
    return [f"{row.option} {state} {site(entry.cell)}"
            for row in table.rows for state in table.states
            for entry in [row.entries.get(state)]
            if entry and entry.source is source and site(entry.cell)]


def source_notes(table, named=()):
    """What each source is, as (mark number or None, line): the table's
    sources in the order of their marks, with the lines a reference
    cites for its values; then the other files named (by a card)."""
    notes = []
    for number, source in enumerate(table.sources, 1):
        cited = cited_sites(table, source)
        notes.append((number, source.described
                      + (f"; {', '.join(cited)}" if cited else "")))
    return notes + [(None, r.described) for r in named
                    if r not in table.sources]


def divergences(table):
    """One line per marked place (OS, option, state), once: what the shown
    source gives, then the others."""
    lines = {}
    for row in table.rows:
        for state in table.states:
            entry = row.entries.get(state)
            place = (row.family, row.option, state)
            if entry and entry.others and place not in lines:
                others = ", ".join(claim(r, outcome)
                                   for r, outcome in entry.others)
                lines[place] = (f"{family_label(row.family)} {row.option} "
                                f"{state}: {entry.source.name} "
                                f"{entry.outcome}; {others}")
    return list(lines.values())


# ---------------------------------------------------------------- every file

def is_blog_cell(cell):
    return (cell["scenario"] == "bind" and cell["proto"] == "tcp"
            and cell["probe_user"] == "same"
            and cell["listener_option"] == cell["probe_option"]
            and address_of(cell) in BLOG_ADDRESSES)


BLOG_ROW_FIELDS = ("family", "listener_option")


def comparison_grid(files, references):
    """The blog's cells of every platform: one column per platform."""
    row_fields = BLOG_ROW_FIELDS + ("state",)
    items = [(field_values(cell, row_fields), (result.id,),
              references.entry(result, key))
             for result in files
             for key, cell in result.cells.items() if is_blog_cell(cell)]
    return make_grid(row_fields, ("platform",), items,
                     columns=[(result.id,) for result in files])


# ---------------------------------------------------------------- option pairs

def pair_grid(result, state, user, references):
    """Listener options down, probe options across, at DIGEST_ADDRESS."""
    keys = select(result, lambda c: c["scenario"] == "bind"
                  and c["proto"] == "tcp" and c["state"] == state
                  and c["probe_user"] == user
                  and address_of(c) == DIGEST_ADDRESS)
    return pivot(result, keys, ("listener_option",), ("probe_option",),
                 references)


def unavailable(cells, field):
    """The values of field whose every cell is unsupported: what this
    platform lacks. Views fold them into one line."""
    outcomes = defaultdict(set)
    for cell in cells:
        outcomes[cell[field]].add(cell["outcome"])
    return {value for value, seen in outcomes.items()
            if seen == {"unsupported"}}


def unavailable_options(result):
    """Options this platform lacks: every cell they are the listener's is
    unsupported."""
    return unavailable(result.cells.values(), "listener_option")


# ---------------------------------------------------------------- hijack

@dataclass(frozen=True)
class HijackDigest:
    successes: list    # cells whose second bind() worked, in row order
    measured: Counter  # probe_user -> option pairs that ran


DIGEST_ORDER = ("probe_user", "state") + OPTION_FIELDS


def runtime_option(option):
    """Whether a listener option is a runtime's own ordinary listen (the
    vocabulary's runtime listener kinds): the one definition."""
    return vocabulary.row("options", option).get("via") == "runtime"


def runtime_listener(cell):
    """A runtime's own listener: its answers are the runtime table's."""
    return runtime_option(cell["listener_option"])


def hijack_digest(result):
    """The hijack scenario at DIGEST_ADDRESS: who got a second listener,
    over a listener (LISTEN) or a bound socket (BOUND), among the
    harness's options (runtimes: the runtime table)."""
    cells = [c for c in result.cells.values() if c["scenario"] == "hijack"
             and address_of(c) == DIGEST_ADDRESS
             and c["outcome"] not in NOT_EVIDENCE
             and not runtime_listener(c)]
    cells.sort(key=lambda c: values_rank(DIGEST_ORDER,
                                         field_values(c, DIGEST_ORDER)))
    return HijackDigest(
        successes=[c for c in cells if c["outcome"] == "ok"],
        measured=Counter(c["probe_user"] for c in cells))


# ---------------------------------------------------------------- --all

def group_of(key):
    return tuple(pair for pair in key if pair[0] not in PIVOT_FIELDS)


def cell_groups(result):
    """Every cell, grouped by what is not pivoted (scenario, proto,
    address, user and any field a new scenario adds)."""
    groups = defaultdict(list)
    for key in result.cells:
        groups[group_of(key)].append(key)

    def described(group):
        # The fields that follow from the endpoints, from a cell of it.
        cell = result.cells[groups[group][0]]
        return {**dict(group), **{f: cell[f] for f in DERIVED_FIELDS
                                  if f in cell}}
    return [(described(group), groups[group])
            for group in sorted(groups, key=key_sort_order)]


GROUP_TITLE_FIELDS = ("scenario", "proto", "listener_endpoint",
                      "probe_endpoint", "probe_user")


def group_title(group):
    """e.g. bind tcp 0.0.0.0/[::]dual, other user (dualstack)."""
    title = (f"{group['scenario']} {group['proto']} {address_of(group)}, "
             f"{group['probe_user']} user ({group['family']})")
    # Fields a new scenario adds (say cloexec) are named in full.
    said = GROUP_TITLE_FIELDS + DERIVED_FIELDS
    extra = [f"{field}={display_value(value)}"
             for field, value in group.items() if field not in said]
    return " ".join([title] + extra)


def group_grid(result, keys, references, column_fields=("state",)):
    row_fields = tuple(f for f in PIVOT_FIELDS if f not in column_fields)
    return pivot(result, keys, row_fields, column_fields, references)


# ---------------------------------------------------------------- counts

LAST_OUTCOMES = ("unsupported", "invalid")


def outcome_rank(outcome):
    """ok first, then the errors by name, then unsupported and invalid."""
    if outcome == "ok":
        return (0, outcome)
    if outcome in LAST_OUTCOMES:
        return (2 + LAST_OUTCOMES.index(outcome), outcome)
    return (1, outcome)


def outcome_counts(cells):
    """Outcome -> cells, in outcome_rank order."""
    counts = Counter(cell["outcome"] for cell in cells)
    return {outcome: counts[outcome]
            for outcome in sorted(counts, key=outcome_rank)}


def reason_counts(result):
    """(outcome, reason) -> cells: why cells are unsupported or invalid."""
    counts = Counter((c["outcome"], c["reason"])
                     for c in result.cells.values() if c.get("reason"))
    return dict(counts.most_common())


def summary_line(result):
    counts = outcome_counts(result.cells.values())
    parts = ", ".join(f"{n} {outcome}" for outcome, n in counts.items()
                      if outcome != "invalid")
    return (f"{len(result.cells)} cells: {parts}; "
            f"{counts.get('invalid', 0)} invalid")


def row_labels(grid):
    """Each row's label texts, a value left blank where it repeats the row
    above (and so do the values before it): groups read at a glance."""
    labels, previous = [], ()
    for row in grid.rows:
        texts = [display_value(v) for v in row]
        shown = [("" if row[:i + 1] == previous[:i + 1] else text)
                 for i, text in enumerate(texts)]
        labels.append(shown)
        previous = row
    return labels
