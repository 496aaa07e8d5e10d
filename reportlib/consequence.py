"""Colour by consequence, not by errno: what an outcome means for the
question its cell asks. Under a hijack question (a live socket holds the
port) `ok` means another socket got in: bad, unless both sockets asked to
share the port. Under a restart question `ok` means the restarted server
binds: good. The page, the picture and the legends share these."""

from .model import NOT_EVIDENCE, option_shares, state_question

GOOD, BAD, SHARED, NEUTRAL, INVALID, NONE = (
    "good", "bad", "shared", "neutral", "invalid", "not measured")

COLOURS = {
    GOOD: "#a5d6a7",
    BAD: "#ef9a9a",
    SHARED: "#ffe082",
    NEUTRAL: "#e0e0e0",
    INVALID: "#fff59d",
    NONE: "#ffffff",
}

LEGEND = {
    GOOD: "safe: a hijack refused, or a restart that binds",
    BAD: "unsafe: another socket got in, or a restart refused",
    SHARED: "shared on purpose: both sockets set a port-sharing option",
    NEUTRAL: "unsupported here (no such option, or the condition cannot be "
             "built)",
    INVALID: "invalid: the state was not witnessed",
    NONE: "not measured",
}

QUESTIONS = {
    "hijack": "a live socket holds the port; ok = another socket got in",
    "restart": "only old connections remain; ok = a restarted server binds",
}


def question_legend(states):
    """Which question each column asks, from the vocabulary."""
    return " ".join(
        f"{', '.join(s for s in states if state_question(s) == q)} ask the "
        f"{q} question: {what}." for q, what in QUESTIONS.items()
        if any(state_question(s) == q for s in states))


def cell_question(cell):
    """hijack or restart. An inherit cell's probe is the restarted server,
    whatever the leaked child holds."""
    if cell["scenario"] == "inherit":
        return "restart"
    return state_question(cell["state"])


def took_over(cell):
    """The second socket bound (and, in the hijack scenario, listened)."""
    return cell["outcome"] == "ok" and cell.get("listen_outcome",
                                                "ok") == "ok"


def listener_shares(cell):
    """The listener asked to share its port: by its option, or (a
    runtime's own listener, whose option sets nothing we chose) by a
    sharing socket option the OS showed on it (listener_socket)."""
    carried = cell.get("listener_socket") or {}
    return option_shares(cell["listener_option"]) or any(
        value is True and option_shares(name)
        for name, value in carried.items())


def both_share(cell):
    return listener_shares(cell) and option_shares(cell["probe_option"])


def consequence(cell):
    """One of GOOD, BAD, SHARED, NEUTRAL, INVALID; NONE without a cell."""
    if cell is None:
        return NONE
    outcome = cell["outcome"]
    if outcome in NOT_EVIDENCE:
        return INVALID if outcome == "invalid" else NEUTRAL
    if cell_question(cell) == "hijack":
        if not took_over(cell):
            return GOOD
        return SHARED if both_share(cell) else BAD
    return GOOD if outcome == "ok" else BAD
