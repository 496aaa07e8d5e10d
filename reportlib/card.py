"""The answer card of an OS family: the listener option to set, and for it
each question answered from the best evidence there is.

Best evidence: a measured file of the family, else its references, and an
emulation only where no reference speaks. Sources of the best class that
disagree give the answer that warns; every other source that disagrees is
named on the card, so an emulation never passes for the OS and a
reference never hides a measurement. An emulator's own tests (Wine's
todo_wine marks) never answer: they say whether the emulation's
disagreement was predicted, or, without an emulation, what they predict."""

from dataclasses import dataclass

from . import answers, runtimes
from .answers import NO, QUESTIONS, SEVERITY, SHARED, YES
from .model import (MEASURED, PREDICTION_MARK, REFERENCE, cell_key,
                    family_label, family_names, listed, outcome_words,
                    outcomes_agree, site, source_order)

# How the option's answers rank it: a restart that works first (what the
# tool is for), then who cannot bind over it. Unknown sits between a
# proven yes and a proven no.
ANSWER_RANK = {YES: 3, SHARED: 2, None: 1, NO: 0}
# Lines of a source cited per answer at most; the detail lists them all.
CITED_LINES = 3


@dataclass(frozen=True)
class Answer:
    question: str
    finding: answers.Finding   # the best evidence's; None: no source speaks
    measured: bool             # a measured file decides it
    disagreements: tuple       # one short line per source that disagrees
    named: tuple = ()          # every file the answer names, decider first

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
    runtimes: str = ""         # the runtime defaults not safe here

    @property
    def label(self):
        return family_label(self.family)

    @property
    def named(self):
        """The files the card's answers name, in order, once."""
        return list(dict.fromkeys(
            r for q in QUESTIONS if q in self.answers
            for r in self.answers[q].named))


def severity(found):
    return SEVERITY.index(found.answer)


def example(cell):
    if cell["state"] in answers.RESTART_STATES:
        return cell["state"]
    return f"{answers.probe_text(cell)}, {cell['state']}"


def short_site(cell):
    """file:line, the file without its directories: for lines on a card."""
    return site(cell).rsplit("/", 1)[-1]


def marked_site(cell):
    """A prediction's line, with the mark that makes it one."""
    mark = f"{PREDICTION_MARK}, " if cell["provenance"].get(
        PREDICTION_MARK) else ""
    return f"{mark}{short_site(cell)}"


def decided_by(other, best):
    """(key, cell) of the cell that decides between two findings that
    differ: the one that says no has it; (None, None) where none does."""
    decider = other if other.answer == NO else best
    if decider.cell is None:
        return None, None
    return cell_key(decider.cell), decider.cell


def disagreement(other, best):
    """(line, key) where another source's answer differs from the best's:
    key is the cell the line is about. (None, None) where the other source
    only did not try the cell that decides the best's."""
    key, cell = decided_by(other, best)
    theirs = other.source.cells.get(key)
    ours = best.source.cells.get(key)
    if theirs and ours:
        return (f"{other.source.name} gives "
                f"{outcome_words(theirs['outcome'])} where "
                f"{best.source.name} gives {outcome_words(ours['outcome'])} "
                f"({example(cell)})"), key
    if other.answer == NO:
        return (f"{other.source.name} ({other.source.evidence}) says no: "
                f"{other.detail}"), cell_key(other.cell)
    return None, None


def os_view(prediction, sources, key):
    """The OS's side of the suite the prediction comes from (Wine's ok()
    lines beside its todo_wine marks), where it has the cell."""
    return next((r for r in sources if r.evidence == REFERENCE
                 and r.suite and r.suite == prediction.suite
                 and key in r.cells), None)


def prediction_note(emulated, key, predictions, sources):
    """Whether the emulator's own tests predict its disagreement at key:
    ", as Wine's tests predict (todo_wine, sock.c:2270)", or NOT where the
    suite asserts the OS's answer there without a mark; "" where its
    tests do not ask."""
    measured = emulated.cells.get(key)
    if measured is None:
        return ""
    for prediction in predictions:
        if prediction.platform["emulation"] != \
                emulated.platform["emulation"]:
            continue
        predicted = prediction.cells.get(key)
        if predicted is not None:
            said = "as" if outcomes_agree(predicted["outcome"],
                                          measured["outcome"]) \
                else f"where {outcome_words(predicted['outcome'])} is what"
            return (f", {said} {prediction.name} predict "
                    f"({marked_site(predicted)})")
        asserted = os_view(prediction, sources, key)
        if asserted is not None:
            return (f", NOT predicted by {prediction.name} "
                    f"({short_site(asserted.cells[key])}: no "
                    f"{PREDICTION_MARK})")
    return ""


def prediction_line(predicted, best):
    """What an emulator's own tests predict where the best evidence says
    otherwise, worded as a prediction about the emulator; None where they
    predict nothing of the deciding cell."""
    key, cell = decided_by(predicted, best)
    theirs = predicted.source.cells.get(key)
    ours = best.source.cells.get(key)
    if not (theirs and ours) or outcomes_agree(theirs["outcome"],
                                               ours["outcome"]):
        return None
    return (f"{predicted.source.name} predict "
            f"{predicted.source.platform['emulation']} gives "
            f"{outcome_words(theirs['outcome'])} where {best.source.name} "
            f"gives {outcome_words(ours['outcome'])} "
            f"({example(cell)}; {marked_site(theirs)})")


def findings_at(sources, option, question):
    """(the sources' findings, the state asked): a hijack question at
    LISTEN, else (no source speaks of a listener) at BOUND; ([], None)
    where no source speaks."""
    states = answers.HIJACK_STATES if answers.is_hijack_question(question) \
        else (None,)
    for state in states:
        found = [f for f in (answers.finding(r, option, question, state)
                             for r in sources) if f]
        if found:
            return found, state
    return [], None


def best_answer(sources, option, question):
    deciding = [r for r in sources if not r.is_prediction]
    found, state = findings_at(deciding, option, question)
    if not found:
        return Answer(question, None, False, ())
    best_class = found[0].source.evidence
    best = min((f for f in found if f.source.evidence == best_class),
               key=severity)
    predictions = [r for r in sources if r.is_prediction]
    lines, named = {}, [best.source]
    for other in found:
        if other.answer == best.answer:
            continue
        line, key = disagreement(other, best)
        if line:
            lines[line + prediction_note(other.source, key, predictions,
                                         sources)] = None
            named.append(other.source)
    # An emulator's own tests speak on their own only where no run under
    # that emulator does (the run's line says whether they predicted it).
    emulations = {r.platform.get("emulation") for r in deciding}
    for prediction in predictions:
        if prediction.platform["emulation"] in emulations:
            continue
        predicted = answers.finding(prediction, option, question, state)
        line = predicted and predicted.answer != best.answer and \
            prediction_line(predicted, best)
        if line:
            lines[line] = None
            named.append(prediction)
    return Answer(question, best, best_class == MEASURED, tuple(lines),
                  tuple(dict.fromkeys(named)))


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


# ---------------------------------------------------------------- runtimes

def runtime_line(sources, chosen):
    """The runtime defaults that are not safe on this OS, in a line: the
    runtimes grouped by what their listener carries otherwise than the
    chosen option sets, the evidence, and what goes wrong. "" where no
    source finds one unsafe (the runtime table says how far they went)."""
    unsafe = {}
    for option in runtimes.runtime_options():
        found = option_answers(sources, option)
        bad = phrases(found)[1]
        if bad:
            source = next(a.finding.source for a in found.values()
                          if a.finding)
            why = runtimes.differences(source, option, chosen)
            unsafe.setdefault((", ".join(why + [source.evidence]),
                               ", ".join(bad)), []).append(option)
    if not unsafe:
        return ""
    return "Unsafe runtime defaults: " + "; ".join(
        f"{', '.join(options)} ({why}): {bad}"
        for (why, bad), options in unsafe.items()) + "."


def family_card(family, files):
    sources = sorted((r for r in files if r.family == family),
                     key=source_order)
    by_option = {}
    for option in answers.options_of(family):
        found = option_answers(sources, option)
        if any(a.finding for a in found.values()):
            by_option[option] = found
    if not by_option:
        return Card(family, None, {}, "", sources,
                    runtime_line(sources, None))
    # max keeps the first of equals: the vocabulary's order (default first)
    chosen = max(by_option, key=lambda o: score(by_option[o]))
    return Card(family, chosen, by_option[chosen],
                tradeoff_line(chosen, by_option), sources,
                runtime_line(sources, chosen))


def cards(files, families=None):
    """One card per OS family, in the vocabulary's order."""
    return [family_card(family, files)
            for family in (families or family_names())]


def named_by(cards_):
    """Every file some card names, once, in the cards' order."""
    return list(dict.fromkeys(r for c in cards_ for r in c.named))


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class Row:
    """One answer as every renderer shows it."""
    title: str       # restart-safe, ...
    answer: str      # yes, no, shared, ?
    evidence: str    # e.g. "not measured; reference windows-...-msdoc"
    detail: str      # a few words from the deciding cells
    disagreements: tuple
    finding: answers.Finding = None   # the cells behind it, for details


def sites(cells):
    """The source lines cited cells come from: path:line, more lines of a
    path after a comma, at most CITED_LINES of them."""
    by_path = {}
    for cell in cells:
        provenance = cell.get("provenance")
        if provenance:
            by_path.setdefault(provenance["path"], {})[
                provenance["line"]] = None
    lines = [(path, line) for path, found in by_path.items()
             for line in sorted(found)]
    shown = {}
    for path, line in lines[:CITED_LINES]:
        shown.setdefault(path, []).append(str(line))
    more = ", …" if len(lines) > CITED_LINES else ""
    return "; ".join(f"{path}:{', '.join(numbers)}"
                     for path, numbers in shown.items()) + more


def citation(found):
    """The source, and where its cells cite their own (an OS's
    conformance tests), the file and lines."""
    cited = sites([found.cell] if found.cell else found.cells)
    return f"{found.source.id}, {cited}" if cited else found.source.id


def row(found):
    title = answers.TITLES[found.question]
    if found.finding is None:
        return Row(title, "?", "not measured, and no source says", "", ())
    gap = "" if found.measured else "not measured; "
    evidence = f"{gap}{found.finding.source.evidence} " \
               f"{citation(found.finding)}"
    return Row(title, found.value, evidence, found.finding.detail,
               found.disagreements, found.finding)


def card_rows(card):
    return [row(card.answers[q]) for q in QUESTIONS] if card.option else []


# A card without an option: no file of the OS, or files whose cells are
# none of a socket option's (a run of runtime listeners only).
NO_EVIDENCE = "no evidence yet (no measured file, reference or emulation)"
NO_OPTION = "no evidence of a socket option yet"


def heading(card):
    if card.option is None:
        return f"{card.label}: {NO_OPTION if card.sources else NO_EVIDENCE}"
    spelled = " (no option)" if card.option == "default" else ""
    return f"{card.label}: set {card.option}{spelled}"
