"""What one result file says about one listener option, question by
question: is it restart-safe, hijack-safe as another user and as the same
user, inherit-safe? A finding is None where the file has no evidence;
otherwise it names the cell that decides it, so that a card can cite it
and hold other sources against it."""

from dataclasses import dataclass

import vocabulary

from .consequence import both_share, took_over
from .model import (NOT_EVIDENCE, ResultFile, address_of, endpoint_holds,
                    listed, option_shares, plural, sorted_values,
                    value_rank)

# The blog's experiment: a restarted server, same option and user as the
# old one, both on the IPv4 wildcard, while old connections sit in the
# states a server that closed first leaves behind.
RESTART_ADDRESS = "0.0.0.0/0.0.0.0"
RESTART_STATES = ("FIN_WAIT_2", "TIME_WAIT")
# A hijack: a second socket binds over a live listener. Where no source
# speaks of a listener, the same socket before it listens (BOUND: the
# conformance suites' usual case) answers, said as such: Linux lets two
# SO_REUSEADDR sockets share a port while neither listens, so BOUND is a
# weaker answer, never mixed with LISTEN's.
HIJACK_STATE = "LISTEN"
BEFORE_LISTEN = "BOUND"
HIJACK_STATES = (HIJACK_STATE, BEFORE_LISTEN)
HIJACK_SCENARIOS = ("bind", "hijack")
INHERIT_SCENARIO = "inherit"

YES, NO, SHARED = "yes", "no", "shared"
# Worst first: where sources of one class disagree, the card keeps the
# answer that warns.
SEVERITY = (NO, SHARED, YES)

QUESTIONS = ("restart", "other", "same", "inherit")
TITLES = {"restart": "restart-safe", "other": "hijack-safe, other user",
          "same": "hijack-safe, same user", "inherit": "inherit-safe"}
USERS = {"other": "other", "same": "same"}


@dataclass(frozen=True)
class Finding:
    answer: str          # YES, NO or SHARED
    detail: str          # a few words
    cell: dict           # the deciding cell (None: many cells decide)
    source: ResultFile
    cells: tuple         # every cell the answer rests on, in key order


def options_of(family):
    """The options a listener can set on this OS family: socket options
    (not a library's or runtime's call), in the vocabulary's order."""
    return [row["name"] for row in vocabulary.rows("options")
            if row.get("via") == "setsockopt"
            and row["sets"].get(family) is not None]


def contests(cell):
    """Could the probe take connections meant for the listener? It must
    hold one of the listener's addresses, at least as specifically: a
    wildcard probe beside a specific listener gets none of its
    connections, an IPv4 probe none of an IPv6-only listener's."""
    listener = endpoint_holds(cell["listener_endpoint"])
    probe = endpoint_holds(cell["probe_endpoint"])
    return any(version in listener and listener[version] in ("*", address)
               for version, address in probe.items())


def is_restart_attempt(cell):
    return (cell["scenario"] == "bind" and cell["proto"] == "tcp"
            and cell["probe_user"] == "same"
            and cell["probe_option"] == cell["listener_option"]
            and address_of(cell) == RESTART_ADDRESS
            and cell["state"] in RESTART_STATES)


def is_hijack_attempt(cell, state=HIJACK_STATE):
    return (cell["scenario"] in HIJACK_SCENARIOS and cell["proto"] == "tcp"
            and cell["state"] == state and contests(cell))


def is_inherit_restart(cell):
    return (cell["scenario"] == INHERIT_SCENARIO
            and cell["probe_option"] == cell["listener_option"]
            and cell["probe_user"] == "same"
            and address_of(cell) == RESTART_ADDRESS)


def asks(cell, question, state=HIJACK_STATE):
    """The cell is one that answers the question, whatever its outcome
    (state: where a hijack question is asked)."""
    if question == "restart":
        return is_restart_attempt(cell)
    if question == "inherit":
        return is_inherit_restart(cell)
    return cell["probe_user"] == USERS[question] and \
        is_hijack_attempt(cell, state)


def asking(result, option, question, state=HIJACK_STATE):
    """The cells of the option's listener that answer the question."""
    return [c for c in result.by_listener_option.get(option, ())
            if asks(c, question, state)]


def evidence(cells):
    return in_key_order(c for c in cells if c["outcome"] not in NOT_EVIDENCE)


def in_key_order(cells):
    fields = ("probe_option", "probe_endpoint", "state", "scenario")
    return sorted(cells, key=lambda c: tuple(value_rank(f, c[f])
                                             for f in fields))


def probe_text(cell):
    """e.g. default probe at 127.0.0.1."""
    return f"{cell['probe_option']} probe at {cell['probe_endpoint']}"


def restart_finding(result, option):
    cells = evidence(asking(result, option, "restart"))
    refused = [c for c in cells if c["outcome"] != "ok"]
    if refused:
        return Finding(NO, "refused in " + listed(
            f"{c['state']}: {c['outcome']}" for c in refused),
            refused[0], result, tuple(refused))
    if {c["state"] for c in cells} == set(RESTART_STATES):
        return Finding(YES, "binds in " + ", ".join(RESTART_STATES), None,
                       result, tuple(cells))
    return None


def hijack_finding(result, option, question, state=HIJACK_STATE):
    cells = evidence(asking(result, option, question, state))
    if not cells:
        return None
    # Said where the socket is only bound: not yet a listener.
    when = "" if state == HIJACK_STATE else f" ({state}: before listen())"
    winners = [c for c in cells if took_over(c)]
    stealing = [c for c in winners if not both_share(c)]
    if stealing:
        return Finding(NO, f"a {probe_text(stealing[0])} binds over it"
                           f"{when}", stealing[0], result, tuple(stealing))
    if winners:
        probes = sorted_values("probe_option",
                               {c["probe_option"] for c in winners})
        return Finding(SHARED, f"shares with {', '.join(probes)} by design"
                               f"{when}", winners[0], result, tuple(winners))
    tried = sorted_values("probe_option", {c["probe_option"] for c in cells})
    untried = [o for o in options_of(result.family) if o not in tried]
    # Whichever list is shorter.
    if not untried:
        coverage = ""
    elif len(untried) < len(tried):
        coverage = f"; {', '.join(untried)} probes not tried"
    else:
        coverage = f"; only {', '.join(tried)} probes tried"
    return Finding(YES, f"refused in {plural(len(cells), 'cell')}{when}"
                        f"{coverage}", None, result, tuple(cells))


def inherit_finding(result, option):
    """A server left a child holding its (inheritable) listener: does the
    restart with the same option bind, and does close-on-exec help?"""
    cells = evidence(asking(result, option, "inherit"))
    inheritable = [c for c in cells if not c["cloexec"]]
    if not inheritable:
        return None
    flagged = [c for c in cells if c["cloexec"]]
    fix = ("; close-on-exec frees the port" if flagged and
           all(c["outcome"] == "ok" for c in flagged) else "")
    refused = [c for c in inheritable if c["outcome"] != "ok"]
    if refused:
        spawns = listed(c["spawn"] for c in refused)
        return Finding(NO, f"an inherited listener blocks it "
                           f"({refused[0]['outcome']}; {spawns}){fix}",
                       refused[0], result, tuple(refused))
    leaked = [c for c in inheritable if c["witnessed_state"] == HIJACK_STATE]
    if leaked and option_shares(option):
        return Finding(NO, "binds beside an inherited listener, "
                           f"which still takes connections{fix}",
                       leaked[0], result, tuple(leaked))
    return Finding(YES, "binds after the server's child started", None,
                   result, tuple(cells))


def finding(result, option, question, state=None):
    """What result says; state: where a hijack question is asked (None:
    at LISTEN)."""
    if question == "restart":
        return restart_finding(result, option)
    if question == "inherit":
        return inherit_finding(result, option)
    return hijack_finding(result, option, question, state or HIJACK_STATE)


def is_hijack_question(question):
    return question in USERS
