"""The verdict, derived from the cells: per platform and listener option,
can a restarted server bind again, and can another process take the port
of a live listener (another user, or the same user)?"""

from collections import defaultdict
from dataclasses import dataclass

from .model import (ENDPOINT_ADDRESSES, NOT_EVIDENCE, address_of, plural,
                    sorted_values)

RESTART_ADDRESS = "0.0.0.0/0.0.0.0"
RESTART_STATES = ("FIN_WAIT_2", "TIME_WAIT")
HIJACK_STATE = "LISTEN"
# Options with which sockets ask to share a port; when listener and probe
# both set one, the same user's second listener is the feature at work.
SHARING_OPTIONS = frozenset({"SO_REUSEPORT", "SO_REUSEPORT_LB"})

YES, NO, SHARED = "yes", "no", "shared"
NOT_MEASURED, UNSUPPORTED = "not measured", "unsupported"

LEGEND = (
    "restart-safe: a restarted server (same option, same user, "
    "0.0.0.0/0.0.0.0) binds while old connections sit in FIN_WAIT_2 and in "
    "TIME_WAIT. hijack-safe: no probe, whatever its option, binds over the "
    "live listener (TCP, LISTEN, bind and hijack scenarios) at an address "
    "pair where it could take the listener's connections: a wildcard probe "
    "beside a specific listener, or IPv4 beside IPv6-only, does not count. "
    "Asked separately for another user and for the same user. `shared` = "
    "only probes that also set SO_REUSEPORT (or SO_REUSEPORT_LB) got in: "
    "sharing a port among one's own processes is what that option is for, "
    "not theft (Linux lets only sockets of the same effective user share). "
    "`not measured` = no cell answers the question (e.g. the harness could "
    "not run as another user); the verdict never guesses.")


@dataclass(frozen=True)
class Finding:
    answer: str  # one of the names above
    detail: str = ""

    def __str__(self):
        return f"{self.answer} — {self.detail}" if self.detail else self.answer


@dataclass(frozen=True)
class OptionVerdict:
    option: str
    restart: Finding
    other_user: Finding
    same_user: Finding

    @property
    def findings(self):
        return (self.restart, self.other_user, self.same_user)


def contests(cell):
    """Could the probe take connections meant for the listener? It must
    hold one of the listener's addresses, at least as specifically: a
    wildcard probe beside a specific listener gets none of its
    connections, an IPv4 probe none of an IPv6-only listener's."""
    listener = ENDPOINT_ADDRESSES[cell["listener_endpoint"]]
    probe = ENDPOINT_ADDRESSES[cell["probe_endpoint"]]
    return any(version in listener
               and listener[version] in ("*", address)
               for version, address in probe.items())


def is_restart_attempt(cell):
    return (cell["scenario"] == "bind" and cell["proto"] == "tcp"
            and cell["probe_user"] == "same"
            and cell["probe_option"] == cell["listener_option"]
            and address_of(cell) == RESTART_ADDRESS
            and cell["state"] in RESTART_STATES)


def is_hijack_attempt(cell):
    return (cell["scenario"] in ("bind", "hijack") and cell["proto"] == "tcp"
            and cell["state"] == HIJACK_STATE and contests(cell))


def took_over(cell):
    # In the hijack scenario the second socket must listen too.
    return cell["outcome"] == "ok" and cell.get("listen_outcome", "ok") == "ok"


def shares(cell):
    def sharing(option):
        return bool(SHARING_OPTIONS.intersection(option.split("+")))
    return sharing(cell["listener_option"]) and sharing(cell["probe_option"])


def distinct(items):
    return list(dict.fromkeys(items))


def not_measured(cells, wanted):
    """Why there is no evidence: the reasons of unsupported cells, if any."""
    reasons = distinct(c["reason"] for c in cells if c.get("reason"))
    return Finding(NOT_MEASURED, "; ".join(reasons) if reasons else wanted)


def restart_safety(cells):
    attempts = [c for c in cells if is_restart_attempt(c)]
    evidence = [c for c in attempts if c["outcome"] not in NOT_EVIDENCE]
    failures = distinct(f"{c['state']}: {c['outcome']}"
                        for c in evidence if c["outcome"] != "ok")
    if failures:
        return Finding(NO, "; ".join(failures))
    missing = [s for s in RESTART_STATES
               if not any(c["state"] == s for c in evidence)]
    if missing:
        return not_measured(attempts, "no cell in " + ", ".join(missing))
    return Finding(YES)


def probe_options_of(cells):
    return ", ".join(sorted_values("probe_option",
                                   {c["probe_option"] for c in cells}))


def hijack_safety(cells, user):
    attempts = [c for c in cells
                if c["probe_user"] == user and is_hijack_attempt(c)]
    evidence = [c for c in attempts if c["outcome"] not in NOT_EVIDENCE]
    if not evidence:
        return not_measured(attempts, f"no {user}-user probe in "
                                      f"{HIJACK_STATE}")
    winners = [c for c in evidence if took_over(c)]
    if not winners:
        return Finding(YES, f"refused in {plural(len(evidence), 'cell')}")
    if user == "same" and all(shares(c) for c in winners):
        return Finding(SHARED, f"with {probe_options_of(winners)}, by design")
    return Finding(NO, f"bound over by {probe_options_of(winners)}")


def cells_by_listener_option(result):
    by_option = defaultdict(list)
    for cell in result.cells.values():
        by_option[cell["listener_option"]].append(cell)
    return by_option


def option_verdict(option, cells):
    if all(c["outcome"] == "unsupported" for c in cells):
        unsupported = Finding(UNSUPPORTED)
        return OptionVerdict(option, unsupported, unsupported, unsupported)
    return OptionVerdict(option, restart_safety(cells),
                         hijack_safety(cells, "other"),
                         hijack_safety(cells, "same"))


def platform_verdicts(result):
    """One OptionVerdict per listener option of the platform."""
    by_option = cells_by_listener_option(result)
    return [option_verdict(option, by_option[option])
            for option in sorted_values("listener_option", by_option)]


def recommendation(verdicts):
    """The listener options to use, from the findings alone."""
    def options(answers):
        return [v for v in verdicts
                if all(f.answer in allowed
                       for f, allowed in zip(v.findings, answers))]

    safe = options(({YES}, {YES}, {YES}))
    sharing = options(({YES}, {YES}, {SHARED}))
    advice = []
    if safe:
        advice.append(", ".join(v.option for v in safe))
    if sharing:
        advice.append(", ".join(v.option for v in sharing)
                      + " if your own processes may share the port")
    if advice:
        return "; ".join(advice)
    open_ = {YES, SHARED, NOT_MEASURED}
    unproven = options((open_, open_, open_))
    if unproven:
        return "none proven; not measured: " + ", ".join(
            f"{v.option} ({gaps(v)})" for v in unproven)
    return "none: no option is both restart-safe and hijack-safe"


def gaps(verdict):
    names = ("restart", "other user", "same user")
    return ", ".join(name for name, finding in zip(names, verdict.findings)
                     if finding.answer == NOT_MEASURED)
