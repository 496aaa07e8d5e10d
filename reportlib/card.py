"""The answer card of an OS family: the listener option to set, and for it
each question answered from the best evidence there is.

Best evidence: a measured file of the family, else its references, and an
emulation only where no reference speaks. Sources of the best class that
disagree give the answer that warns; every other source that disagrees is
named on the card, so an emulation never passes for the OS and a
reference never hides a measurement."""

from dataclasses import dataclass

from . import answers
from .answers import NO, QUESTIONS, SEVERITY, SHARED, YES
from .model import (MEASURED, cell_key, family_label, family_names, listed,
                    source_order)

# How the option's answers rank it: a restart that works first (what the
# tool is for), then who cannot bind over it. Unknown sits between a
# proven yes and a proven no.
ANSWER_RANK = {YES: 3, SHARED: 2, None: 1, NO: 0}


@dataclass(frozen=True)
class Answer:
    question: str
    finding: answers.Finding   # the best evidence's; None: no source speaks
    measured: bool             # a measured file decides it
    disagreements: tuple       # one short line per source that disagrees

    @property
    def value(self):
        return self.finding.answer if self.finding else None


@dataclass(frozen=True)
class Card:
    family: str
    option: str                # None: no source speaks of any option
    answers: dict              # question -> Answer, for option
    tradeoff: str
    sources: list              # the family's files, strongest first

    @property
    def label(self):
        return family_label(self.family)


def severity(found):
    return SEVERITY.index(found.answer)


def example(cell):
    if cell["state"] in answers.RESTART_STATES:
        return cell["state"]
    return f"{answers.probe_text(cell)}, {cell['state']}"


def disagreement(other, best):
    """One line where another source's answer differs from the best's, or
    None where it only did not try the cell that decides the best's."""
    decider = other if other.answer == NO else best
    if decider.cell is not None:
        key = cell_key(decider.cell)
        theirs = other.source.cells.get(key)
        ours = best.source.cells.get(key)
        if theirs and ours:
            return (f"{other.source.name} gives {theirs['outcome']} where "
                    f"{best.source.name} gives {ours['outcome']} "
                    f"({example(decider.cell)})")
    if other.answer == NO:
        return (f"{other.source.name} ({other.source.evidence}) says no: "
                f"{other.detail}")
    return None


def best_answer(sources, option, question):
    found = [f for f in (answers.finding(r, option, question)
                         for r in sources) if f]
    if not found:
        return Answer(question, None, False, ())
    best_class = found[0].source.evidence
    best = min((f for f in found if f.source.evidence == best_class),
               key=severity)
    others = tuple(dict.fromkeys(
        line for line in (disagreement(f, best) for f in found
                          if f.answer != best.answer) if line))
    return Answer(question, best, best_class == MEASURED, others)


def option_answers(sources, option):
    return {q: best_answer(sources, option, q) for q in QUESTIONS}


def score(found):
    return tuple(ANSWER_RANK[found[q].value] for q in QUESTIONS)


# ---------------------------------------------------------------- trade-off

def phrases(found):
    """(good, bad) phrases for an option's answers."""
    good, bad = [], []
    restart = found["restart"].finding
    if restart:
        if restart.answer == YES:
            good.append("restart-safe")
        else:
            states = listed(s for s in answers.RESTART_STATES
                            if s in restart.detail)
            bad.append(f"blocks a restart in {states}")
    users = {q: found[q].value for q in ("other", "same")}
    if users == {"other": YES, "same": YES}:
        good.append("refuses everyone")
    else:
        if users["other"] == YES:
            good.append("refuses other users")
        if users["same"] == YES:
            good.append("refuses the same user")
        if users["other"] == NO:
            bad.append("lets another user bind over it")
        if users["same"] == NO:
            bad.append("lets the same user bind over it")
        if users["same"] == SHARED:
            bad.append("shares with the same user's sharing sockets")
    return good, bad


def summary(option, found):
    good, bad = phrases(found)
    text = f"{option}: " + ", ".join(good) if good else f"{option}:"
    if bad:
        text += (" but " if good else " ") + ", ".join(bad)
    return text


def tradeoff_line(chosen, by_option):
    """The chosen option's cost, then each option that does better on some
    question and what it costs, and the default's, when not chosen."""
    mine = score(by_option[chosen])
    lines = [summary(chosen, by_option[chosen])]
    for option, found in by_option.items():
        better = any(a > b for a, b in zip(score(found), mine))
        if option != chosen and (better or option == "default"):
            lines.append(summary(option, found))
    return "; ".join(lines) + "."


def family_card(family, files):
    sources = sorted((r for r in files if r.family == family),
                     key=source_order)
    by_option = {}
    for option in answers.options_of(family):
        found = option_answers(sources, option)
        if any(a.finding for a in found.values()):
            by_option[option] = found
    if not by_option:
        return Card(family, None, {}, "", sources)
    # max keeps the first of equals: the vocabulary's order (default first)
    chosen = max(by_option, key=lambda o: score(by_option[o]))
    return Card(family, chosen, by_option[chosen],
                tradeoff_line(chosen, by_option), sources)


def cards(files, families=None):
    """One card per OS family, in the vocabulary's order."""
    return [family_card(family, files)
            for family in (families or family_names())]


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class Row:
    """One answer as every renderer shows it."""
    title: str       # restart-safe, ...
    answer: str      # yes, no, shared, ?
    evidence: str    # e.g. "not measured; reference windows-...-msdoc"
    detail: str      # a few words from the deciding cells
    disagreements: tuple


def citation(found):
    """The source, and where a cell cites its own (an OS's conformance
    test), the file and line."""
    text = found.source.id
    provenance = found.cell.get("provenance") if found.cell else None
    if provenance:
        text += f" ({provenance['path'].rsplit('/', 1)[-1]}:" \
                f"{provenance['line']})"
    return text


def row(found):
    title = answers.TITLES[found.question]
    if found.finding is None:
        return Row(title, "?", "not measured, and no source says", "", ())
    gap = "" if found.measured else "not measured; "
    evidence = f"{gap}{found.finding.source.evidence} " \
               f"{citation(found.finding)}"
    return Row(title, found.value, evidence, found.finding.detail,
               found.disagreements)


def card_rows(card):
    return [row(card.answers[q]) for q in QUESTIONS] if card.option else []


def heading(card):
    if card.option is None:
        return (f"{card.label}: no evidence yet (no measured file, "
                "reference or emulation)")
    spelled = " (no option)" if card.option == "default" else ""
    return f"{card.label}: set {card.option}{spelled}"
