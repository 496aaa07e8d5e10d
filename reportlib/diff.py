"""--diff A B: what changes when a server moves from A to B (result files,
or OS families read at their best evidence). First what each side's card
says to set and what the option A's card chose does on B, then the cells
whose consequence changes (a hijack that now gets in, a restart that now
fails), the blog's cells first; cells whose error only changes its name
are counted (--all lists them)."""

from dataclasses import dataclass
from pathlib import Path

from . import answers, card, views
from .consequence import consequence
from .model import (NOT_EVIDENCE, ReportError, address_of, display_value,
                    family_label, family_names, key_sort_order, plural,
                    source_order)

# Cells listed per section without --all.
SHOWN = 20


@dataclass(frozen=True)
class Side:
    name: str
    family: str
    files: list        # strongest evidence first

    def best(self, key):
        """The cell of the strongest source that has evidence for it (else
        the first that has it), and that source."""
        having = [r for r in self.files if key in r.cells]
        if not having:
            return None, None
        shown = next((r for r in having
                      if r.cells[key]["outcome"] not in NOT_EVIDENCE),
                     having[0])
        return shown.cells[key], shown

    def keys(self):
        return {key for r in self.files for key in r.cells}


def side(name, paths, validator):
    from . import load
    families = {f: f for f in family_names()}
    families.update({family_label(f).lower(): f for f in family_names()})
    family = families.get(name.lower())
    if family:
        # An emulator's own tests predict the emulator, not the family.
        members = [r for r in load.load_result_files(paths, validator)
                   if r.family == family and not r.is_prediction]
        if not members:
            raise ReportError(f"--diff {name}: no result file of "
                              f"{family_label(family)} among the files")
        return Side(family_label(family), family,
                    sorted(members, key=source_order))
    if not Path(name).exists():
        raise ReportError(f"--diff {name}: neither a result file nor an OS "
                          f"family (families: {', '.join(family_names())})")
    result = load.load_result_file(name, validator)
    return Side(result.id, result.family, [result])


def sides(names, paths, validator):
    return [side(name, paths, validator) for name in names]


def describe(cell):
    extra = [f"{f}={display_value(v)}" for f, v in cell.items()
             if f in ("cloexec", "spawn")]
    return " ".join([cell["scenario"], cell["proto"], address_of(cell),
                     f"{cell['listener_option']}→{cell['probe_option']}",
                     f"{cell['probe_user']} user", cell["state"]] + extra)


def spelled(cell, source, one_file):
    return cell["outcome"] if one_file else \
        f"{cell['outcome']} ({source.name})"


def changes(a, b):
    """(behaviour changes, name-only changes): (key, line) in key order."""
    behaviour, renamed = [], []
    one_file = len(a.files) == 1 and len(b.files) == 1
    for key in sorted(a.keys() & b.keys(), key=key_sort_order):
        (old, old_source), (new, new_source) = a.best(key), b.best(key)
        if old["outcome"] == new["outcome"] or \
                {old["outcome"], new["outcome"]} & NOT_EVIDENCE:
            continue
        was, now = consequence(old), consequence(new)
        line = (f"{describe(old)}: {spelled(old, old_source, one_file)} → "
                f"{spelled(new, new_source, one_file)}")
        if was != now:
            behaviour.append((key, f"{line}  [{was} → {now}]"))
        else:
            renamed.append((key, line))
    return behaviour, renamed


def porting_lines(a, b):
    """The option A's card chose, asked again on B."""
    mine = card.family_card(a.family, a.files)
    theirs = card.family_card(b.family, b.files)
    lines = [card.heading(c) if s.name == c.label
             else f"{s.name}, {card.heading(c)}"
             for s, c in ((a, mine), (b, theirs))]
    if mine.option is None or mine.option not in answers.options_of(
            b.family):
        return lines
    there = card.option_answers(b.files, mine.option)
    for question in answers.QUESTIONS:
        old, new = mine.answers[question], there[question]
        if old.value != new.value:
            lines.append(f"  {mine.option} on {b.name}: "
                         f"{answers.TITLES[question]} {old.value or '?'} → "
                         f"{new.value or '?'}"
                         + (f" ({new.finding.detail})" if new.finding
                            else ""))
    return lines


def listing(title, items, every):
    shown = items if every else items[:SHOWN]
    lines = [f"{title}: {plural(len(items), 'cell')}"]
    lines += [f"  {line}" for _, line in shown]
    if len(shown) < len(items):
        lines.append(f"  and {len(items) - len(shown)} more (--all lists "
                     "them)")
    return lines


def diff_text(a, b, every=False):
    behaviour, renamed = changes(a, b)
    blog = {views.blog_key(o, s) for o in answers.options_of(a.family)
            for s in views.BLOG_STATES}
    first = [item for item in behaviour if item[0] in blog]
    rest = [item for item in behaviour if item[0] not in blog]
    common = len(a.keys() & b.keys())
    sections = [
        f"From {a.name} to {b.name}: {plural(common, 'cell')} in both",
        "\n".join(porting_lines(a, b)),
        "\n".join(listing("The blog's cells whose consequence changes",
                          first, every)),
        "\n".join(listing("Other cells whose consequence changes", rest,
                          every)),
        "\n".join(listing("Cells whose error only changes its name",
                          renamed, every)),
        "[good → bad]: a hijack that now gets in, or a restart that now "
        "fails. Cells unsupported or invalid on either side are not "
        "compared."]
    return "\n\n".join(sections) + "\n"
