"""What a cell's key says about its sockets, and how two cells are compared.

The fields a cell derives from its endpoints (family, listener_addr,
probe_addr, v6only) follow the harness's rule (harness/bm_json.c); the
endpoints' properties come from results/vocabulary.json.
"""

import vocabulary

# A reference outcome for "bind() fails" where the source names no error
# (an assertion such as `fd < 0`, or Wine's todo_wine on an ok(!rc)):
# any error agrees with it, ok does not. References only: the harness
# always names the error.
ANY_ERROR = "error"

# Measured outcomes that say nothing about the OS's bind rules: such a
# cell counts as not measured, never as agreeing.
NOT_MEASURED = ("unsupported", "invalid")


def endpoint(name):
    row = vocabulary.row("endpoints", name)
    if row is None:
        raise ValueError(f"{name!r} is not an endpoint of the vocabulary")
    return row


def derived(listener_endpoint, probe_endpoint):
    """family, listener_addr, probe_addr and v6only of a cell, as the
    harness writes them: dualstack when a side is a dual-stack IPv6 socket,
    mixed for IPv4 beside IPv6-only; v6only null when no socket is IPv6."""
    listener, probe = endpoint(listener_endpoint), endpoint(probe_endpoint)
    sides = (listener, probe)
    if any(s["ip"] == "ipv6" and s["v6only"] is False for s in sides):
        family = "dualstack"
    elif listener["ip"] != probe["ip"]:
        family = "mixed"
    else:
        family = listener["ip"]
    v6only = None if family == "ipv4" else family != "dualstack"
    return {"family": family, "listener_addr": listener["addr"],
            "probe_addr": probe["addr"], "v6only": v6only}


def outcome_agrees(reference, measured):
    """Whether a measured outcome is what the reference says."""
    if reference == ANY_ERROR:
        return measured.startswith("E")
    return reference == measured


def reached_agrees(reference, connections, measured):
    """A reference that followed one connection (connections 1) to a
    listener agrees with a measurement where that listener got them all or
    shared them: it saw only one."""
    if connections == 1 and reference in ("first", "second"):
        return measured in (reference, "both")
    return reference == measured


def differences(reference, measured):
    """The fields where a measured cell disagrees with a reference cell:
    the bind outcome and, for a hijack cell, what the reference says of the
    second listener (listen_outcome, reached) where it says anything."""
    found = []
    if not outcome_agrees(reference["outcome"], measured["outcome"]):
        found.append("outcome")
    if reference["scenario"] == "hijack" and "outcome" not in found:
        want = reference.get("listen_outcome")
        if want is not None and not outcome_agrees(
                want, measured.get("listen_outcome") or ""):
            found.append("listen_outcome")
        want = reference.get("reached")
        if want is not None and not reached_agrees(
                want, reference.get("connections"), measured.get("reached")):
            found.append("reached")
    return found
