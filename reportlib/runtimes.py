"""The "your runtime" table: per runtime listener kind (an option of the
vocabulary whose listener is a runtime's own ordinary listen) and result
file, what the runtime's listener carried and the card's questions
answered for it from that file alone:

- carries: the cells' listener_socket at the restart's listener endpoint
  (0.0.0.0, where an ordinary server listens), as the OS showed it; null
  where it does not say (Wine, macOS, FreeBSD).
- restart-safe: its own probe, the restarted server's listen, binds in
  FIN_WAIT_2 and TIME_WAIT at that address;
- hijack-safe, other user and same user: no probe binds over its live
  listener where it could take its connections (shared: both asked to);
- inherit-safe: a child it started does not block the restart.

Each answer is answers.finding's, as on the cards, so that a runtime reads
like any listener option. Renderers (text, Markdown, HTML) only format
these."""

from collections import defaultdict
from dataclasses import dataclass

import vocabulary

from . import answers, views
from .answers import NO, QUESTIONS, SHARED
from .model import NOT_EVIDENCE, NOT_MEASURED, ResultFile

# Where a runtime's listener is read: the restart's listener endpoint.
LISTENER_ENDPOINT = answers.RESTART_ADDRESS.split("/")[0]
# The listener_socket fields that say which addresses a socket holds,
# and the endpoint row's field that says what the endpoint asked for.
ADDRESS_FIELDS = {"family": "ip", "IPV6_V6ONLY": "v6only"}
# Short column titles; the legend says what each question is.
HEADERS = {"restart": "restart", "other": "hijack other",
           "same": "hijack same", "inherit": "inherit"}
UNKNOWN = "?"
FLAG_WORDS = {True: "yes", False: "no", None: NOT_MEASURED}
# What each column says, for the legend under the table's title.
MEANINGS = {
    "restart": "its own probe, the restarted server, binds at "
               f"{answers.RESTART_ADDRESS} in "
               f"{' and '.join(answers.RESTART_STATES)}",
    "other": "no probe of another user binds over its live listener where "
             "it could take its connections",
    "same": "no probe of the same user binds over its live listener "
            "(shared: both asked to share the port)",
    "inherit": "a child it started does not block the restart",
}


def runtime_options():
    """The vocabulary's runtime listener kinds, in its order."""
    return [name for name in vocabulary.names("options")
            if views.runtime_option(name)]


@dataclass(frozen=True)
class Row:
    option: str
    sockets: list        # the distinct listener_sockets at LISTENER_ENDPOINT
    findings: dict       # question -> answers.Finding, or None
    unmeasured: dict     # question -> why there is no finding

    def carries(self, field):
        """One field of the listener, for a table: yes, no, ipv6, ..."""
        values = dict.fromkeys(s.get(field) for s in self.sockets)
        if not values:
            return UNKNOWN
        return "/".join(value if isinstance(value, str) else
                        FLAG_WORDS[value] for value in values)

    @property
    def carried(self):
        """What the listener carried, in words."""
        return " / ".join(map(spelled, self.sockets)) or UNKNOWN

    def answer(self, question):
        found = self.findings.get(question)
        return found.answer if found else NOT_MEASURED

    def own_probe_only(self, question):
        """A hijack answer that rests on the runtime's own probe alone (no
        socket option was probed over it): weaker than one every option
        tried."""
        found = self.findings.get(question)
        return bool(found) and answers.is_hijack_question(question) and \
            {c["probe_option"] for c in found.cells} == {self.option}


@dataclass(frozen=True)
class Table:
    source: ResultFile
    rows: list           # Row per runtime measured here, in option order
    fields: list         # listener_socket fields the OS showed
    questions: list      # the questions some row answers
    unmeasured: dict     # runtime -> why every cell is unsupported
    absent: list         # runtimes with no cell here
    mismatches: list     # (endpoint, the socket, runtimes) per mismatch

    def row(self, option):
        return next((r for r in self.rows if r.option == option), None)

    def has(self, option):
        return self.row(option) is not None or option in self.unmeasured

    def missing(self, option):
        """Why a runtime has no row: every cell unsupported, or none."""
        reason = self.unmeasured.get(option)
        return f"not measured: {reason}" if reason else NOT_MEASURED


def sockets(cells, endpoint):
    """The distinct listener_sockets of cells at endpoint, null left out."""
    seen = {}
    for cell in cells:
        carried = cell.get("listener_socket")
        if carried and cell["listener_endpoint"] == endpoint:
            seen[tuple(carried.items())] = carried
    return list(seen.values())


def own_reason(reason, option):
    """A cell's reason without the option's name, which its row shows."""
    prefix = f"listener option {option}: "
    return reason[len(prefix):] if reason.startswith(prefix) else reason


def why_unmeasured(result, option, question):
    """Why no cell answers: the reasons of the cells that would have, or
    that none asks it here."""
    reasons = {own_reason(c.get("reason") or c["outcome"], option): None
               for c in answers.asking(result, option, question)
               if c["outcome"] in NOT_EVIDENCE}
    return "; ".join(reasons) or "no cell here asks it"


def make_row(result, option):
    cells = result.by_listener_option[option]
    findings = {q: answers.finding(result, option, q) for q in QUESTIONS}
    return Row(option, sockets(cells, LISTENER_ENDPOINT), findings,
               {q: why_unmeasured(result, option, q)
                for q, found in findings.items() if found is None})


def spelled(carried):
    """A listener_socket in words: its family first, then each option set
    or not (IPV6_V6ONLY is not said of an IPv4 socket)."""
    words = []
    for field, value in carried.items():
        if isinstance(value, str):
            words.append(value)
        elif value is not None:
            words.append(field if value else f"no {field}")
    return ", ".join(words)


def asked(endpoint, carried):
    """Whether the socket is what the endpoint asks for: its family, and
    IPV6_V6ONLY where the socket has it."""
    row = vocabulary.row("endpoints", endpoint)
    return all(carried.get(field) is None or carried[field] == row[wanted]
               for field, wanted in ADDRESS_FIELDS.items())


def mismatches(result, options):
    """(endpoint, the socket in words, runtimes) where a runtime's listen
    made another socket than the endpoint asks for, in endpoint order."""
    found = defaultdict(list)
    for endpoint in vocabulary.names("endpoints"):
        for option in options:
            for carried in sockets(result.by_listener_option[option],
                                   endpoint):
                if not asked(endpoint, carried):
                    address = {f: carried.get(f) for f in ADDRESS_FIELDS}
                    found[(endpoint, spelled(address))].append(option)
    return [(endpoint, socket, runtimes)
            for (endpoint, socket), runtimes in found.items()]


def runtime_table(result):
    """The file's runtime table; None when it has no runtime cell."""
    present = [o for o in runtime_options() if o in result.by_listener_option]
    if not present:
        return None
    unavailable = views.unavailable_options(result)
    unmeasured = {}
    for option in present:
        if option in unavailable:
            unmeasured[option] = "; ".join(dict.fromkeys(
                own_reason(c.get("reason") or "unsupported", option)
                for c in result.by_listener_option[option]))
    measured = [o for o in present if o not in unmeasured]
    rows = [make_row(result, o) for o in measured]
    fields = list(dict.fromkeys(f for r in rows for s in r.sockets
                                for f in s))
    questions = [q for q in QUESTIONS if any(r.findings[q] for r in rows)]
    return Table(result, rows, fields, questions, unmeasured,
                 [o for o in runtime_options() if o not in present],
                 mismatches(result, measured))


def tables(files):
    """The runtime table of every file that has runtime cells."""
    return [t for t in map(runtime_table, files) if t is not None]


def differences(source, option, chosen):
    """What the runtime's listener in source carries otherwise than the
    listener option chosen for its OS sets: e.g. ["no SO_REUSEADDR"]; []
    where the OS does not say."""
    sets = vocabulary.row("options", chosen)["sets"][source.family] \
        if chosen else None
    if sets is None:
        return []
    words = {}
    for carried in sockets(source.by_listener_option[option],
                           LISTENER_ENDPOINT):
        for name in vocabulary.names("sockopts"):
            if carried.get(name) is not None and \
                    carried[name] != (name in sets):
                words[name if carried[name] else f"no {name}"] = None
    return list(words)


# ---------------------------------------------------------------- notes

def warnings(table):
    """One line per answer that warns: the runtime, the question, why."""
    return [f"{row.option}, {HEADERS[q]} {found.answer}: {found.detail}"
            for row in table.rows for q in QUESTIONS
            for found in [row.findings[q]]
            if found and found.answer in (NO, SHARED)]


def own_probe_only(table):
    """Per hijack question, the runtimes whose answer rests on their own
    probe alone."""
    lines = []
    for question in table.questions:
        alone = [r.option for r in table.rows if r.own_probe_only(question)]
        if alone:
            lines.append(f"{HEADERS[question]}: only the runtime's own "
                         f"probe was tried over {', '.join(alone)}")
    return lines


def gaps(table):
    """Why an answer the table shows is not measured, per runtime."""
    return [f"{row.option}, {HEADERS[q]} {NOT_MEASURED}: "
            f"{row.unmeasured[q]}"
            for row in table.rows for q in table.questions
            if q in row.unmeasured]


def mismatch_line(table):
    if not table.mismatches:
        return None
    return "Not the socket the address asks for: " + "; ".join(
        f"at {endpoint} {socket}: {', '.join(runtimes)}"
        for endpoint, socket, runtimes in table.mismatches)


def coverage_lines(table):
    """The runtimes without a measured cell here, never dropped silently."""
    lines = [f"{option}: {table.missing(option)}"
             for option in table.unmeasured]
    if table.absent:
        lines.append(f"No cell here: {', '.join(table.absent)}")
    return lines


def notes(table):
    """Under the table: what warns, why answers are missing, what a
    runtime's listen made of its address, the runtimes not measured."""
    carried = [] if table.fields else [
        f"What the listeners carry: {table.source.name} does not show it"]
    mismatch = mismatch_line(table)
    return (carried + warnings(table) + own_probe_only(table) + gaps(table)
            + ([mismatch] if mismatch else []) + coverage_lines(table))


def shown_questions(tables_):
    """The questions some of these tables show, in QUESTIONS' order."""
    return [q for q in QUESTIONS if any(q in t.questions for t in tables_)]


def legend(tables_):
    """What the columns of these tables say: the listener's fields where
    an OS showed them, then each question some table shows."""
    questions = shown_questions(tables_)
    shown = any(t.fields for t in tables_)
    carried = (f"Its listener at {LISTENER_ENDPOINT} as the OS shows it "
               f"({UNKNOWN} = the OS does not say). ") if shown else ""
    emulators = ", ".join(dict.fromkeys(
        t.source.emulator for t in tables_ if t.source.emulator))
    caveat = (f" An emulated table says what {emulators} does, not the "
              "OS: it applies its own bind rules.") if emulators else ""
    left_out = [answers.TITLES[q] for q in QUESTIONS if q not in questions]
    unasked = (f" {', '.join(left_out)}: not measured for any runtime "
               "here yet.") if left_out else ""
    return (carried + "; ".join(f"{HEADERS[q]}: {MEANINGS[q]}"
                                for q in questions)
            + f". {NOT_MEASURED} = not measured"
            + (", or not an IPv6 socket." if shown else ".")
            + unasked + caveat)


def summary(row, questions):
    """A row's answers and listener in a line: for the README."""
    said = ", ".join(f"{HEADERS[q]} {row.answer(q)}" + (
        " (its own probe only)" if row.own_probe_only(q) else "")
        for q in questions)
    return f"{said}; listener: {row.carried}"


def heading(table):
    """The file the table comes from, by evidence class."""
    source = table.source
    if source.emulator:
        return (f"{source.family_label} under {source.platform['emulation']}"
                f", {source.id} ({source.evidence})")
    return f"{source.family_label}, {source.id} ({source.evidence})"


def row_cells(tables_, cell):
    """(runtime, [cell(table, runtime) per table]) for every runtime some
    table has, in the vocabulary's order: several files side by side."""
    return [(option, [cell(t, option) for t in tables_])
            for option in runtime_options()
            if any(t.has(option) for t in tables_)]
