"""A test as a run of socket calls on one port, and the one rule that says
which asserted call is one of our cells.

Our cell has two sockets: the listener (bound, then maybe listening, or an
old connection in a declared state) and a probe that binds the same port,
and in the hijack scenario listens too. An asserted bind() maps onto a cell
when exactly one other socket is on the port and both sockets are ours:
an endpoint and an option of the vocabulary, set before bind(), nothing
else done to them. Anything else is an unmapped case with its reason.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sock:
    label: str  # the suite's name for it: "fd[1]", "s2", ...
    proto: str  # tcp, udp, or the suite's (dccp: not ours)
    where: str  # the address as the suite sets it, e.g. "::1, IPV6_V6ONLY off"
    endpoint: str | None  # our endpoint, None when `where` is none of ours
    option: str = "default"
    user: str = "same"
    twist: str | None = None  # what the suite does that our roles do not
    state: str | None = None  # an old connection's state (TIME_WAIT)


@dataclass(frozen=True)
class Site:
    """Where a case is asserted, and what the suite expects there."""
    function: str
    line: int
    text: str  # the source line, stripped: checked against the source
    expected: str  # the suite's expectation as written
    variant: str | None = None
    todo_wine: bool = False

    def record(self):
        out = {"function": self.function, "line": self.line,
               "expected": self.expected, "text": self.text}
        if self.variant:
            out["variant"] = self.variant
        if self.todo_wine:
            out["todo_wine"] = True
        return out


@dataclass(frozen=True)
class Bind:
    sock: Sock
    expect: str | None  # ok, an error name, "error"; None: setup, asserted ok
    site: Site | None = None
    case: str | None = None  # one id per assertion; None for setup


@dataclass(frozen=True)
class Listen:
    sock: Sock
    expect: str | None
    site: Site | None = None
    case: str | None = None


@dataclass(frozen=True)
class Accept:
    """The suite accepted one connection on `sock`."""
    sock: Sock
    site: Site
    case: str


@dataclass(frozen=True)
class Close:
    sock: Sock


@dataclass(frozen=True)
class Other:
    """An asserted case that is no bind() of two sockets (delivery among
    many listeners, a setsockopt, ...): always unmapped."""
    site: Site
    case: str
    reason: str


@dataclass
class Mapped:
    """A case and the cell it gives, or the reason it gives none."""
    case: str
    site: Site
    cell: dict | None = None
    reason: str | None = None
    also: list = field(default_factory=list)  # further sites of the cell


def bind_problem(others, probe):
    """Why the probe's bind() beside `others` (the sockets already on the
    port) is not one of our cells, or None."""
    if probe.proto not in ("tcp", "udp"):
        return f"protocol {probe.proto}"
    if len(others) != 1:
        return ("several sockets already on the port (ours: one)" if others
                else "nothing else on the port")
    first = others[0]
    if first.proto != probe.proto:
        return "the two sockets are of different protocols"
    for role, sock in (("first", first), ("second", probe)):
        if sock.endpoint is None:
            return f"the {role} socket's address {sock.where} is none of ours"
        if sock.twist:
            return f"the {role} socket: {sock.twist}"
    if first.user != "same":
        return "the first socket is another user's"
    return None


class Port:
    """The sockets on one port as a run goes along."""

    def __init__(self):
        self.bound = []  # in bind order
        self.listening = set()
        self.at_bind = {}  # probe label -> (first, state, expect, site)
        self.unmapped = {}  # probe label -> why its bind() maps onto no cell

    def state_of(self, sock):
        if sock.state:
            return sock.state
        if sock.proto == "tcp" and sock.label in self.listening:
            return "LISTEN"
        return "BOUND"


def bind_cell(first, probe, state, outcome, scenario="bind"):
    cell = {"scenario": scenario, "proto": probe.proto,
            "listener_endpoint": first.endpoint,
            "probe_endpoint": probe.endpoint,
            "listener_option": first.option, "probe_option": probe.option,
            "probe_user": probe.user, "state": state, "outcome": outcome}
    if scenario == "hijack":
        cell.update(listen_outcome=None, reached=None, connections=None)
    return cell


def walk(run):
    """The cases of one run, each Mapped with a cell or a reason."""
    port = Port()
    out = []
    hijacks = {}  # probe label -> its hijack Mapped
    for event in run:
        if isinstance(event, Bind):
            out.extend(on_bind(port, event))
        elif isinstance(event, Listen):
            out.extend(on_listen(port, event, hijacks))
        elif isinstance(event, Accept):
            out.append(on_accept(port, event, hijacks))
        elif isinstance(event, Close):
            port.bound = [s for s in port.bound if s != event.sock]
            port.listening.discard(event.sock.label)
        else:
            out.append(Mapped(event.case, event.site, reason=event.reason))
    return out


def on_bind(port, event):
    probe, others = event.sock, list(port.bound)
    succeeded = event.expect == "ok" or event.expect is None
    if succeeded:
        port.bound.append(probe)
    if event.case is None:
        return []
    problem = bind_problem(others, probe)
    if problem:
        port.unmapped[probe.label] = problem
        return [Mapped(event.case, event.site, reason=problem)]
    first = others[0]
    state = port.state_of(first)
    port.at_bind[probe.label] = (first, state, event.expect, event.site)
    return [Mapped(event.case, event.site,
                   cell=bind_cell(first, probe, state, event.expect))]


def on_listen(port, event, hijacks):
    probe = event.sock
    if event.expect in ("ok", None):
        port.listening.add(probe.label)
    if event.case is None:
        return []
    if probe.label not in port.at_bind:
        return [Mapped(event.case, event.site, reason=port.unmapped.get(
            probe.label, "the second socket's bind() is not asserted"))]
    first, state, bind_expect, bind_site = port.at_bind[probe.label]
    if port.state_of(first) != state:
        return [Mapped(event.case, event.site, reason=(
            f"the first socket went from {state} to {port.state_of(first)} "
            "between the second socket's bind() and its listen()"))]
    cell = bind_cell(first, probe, state, bind_expect, scenario="hijack")
    if bind_expect == "ok":
        cell["listen_outcome"] = event.expect
    mapped = Mapped(event.case, event.site, cell=cell, also=[bind_site])
    hijacks[probe.label] = (first, mapped)
    return [mapped]


def on_accept(port, event, hijacks):
    for probe_label, (first, mapped) in hijacks.items():
        cell = mapped.cell
        if cell["listen_outcome"] != "ok":
            continue
        if event.sock.label in (first.label, probe_label):
            cell["reached"] = ("first" if event.sock.label == first.label
                               else "second")
            cell["connections"] = 1
            mapped.also.append(event.site)
            return Mapped(event.case, event.site, cell=dict(cell))
    return Mapped(event.case, event.site, reason=(
        "the connection is accepted beside more than our two sockets"))
