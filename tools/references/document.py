"""Mapped cases -> a reference result file (results/schema.json): one
cell per key with the provenance of every case that gives it, and the
unmapped cases with their reasons and counts."""

import collections

import vocabulary
from conformance.cells import ANY_ERROR, derived

from references.sources import TranscriptionError

# The number each OS gives for an error the suites name (Linux
# include/uapi/asm-generic/errno-base.h and errno.h; Winsock winsock2.h;
# FreeBSD sys/sys/errno.h).
ERRNO = {"linux": {"EADDRINUSE": 98, "EACCES": 13},
         "windows": {"EADDRINUSE": 10048, "EACCES": 10013},
         "bsd": {"EADDRINUSE": 48, "EACCES": 13}}

OUTCOME_FIELDS = ("outcome", "listen_outcome", "reached", "connections")


def full_cell(cell, family):
    if cell["outcome"] not in ("ok", ANY_ERROR) and \
            cell["outcome"] not in ERRNO[family]:
        raise TranscriptionError(f"no {family} number for {cell['outcome']}")
    out = {"scenario": cell["scenario"], "proto": cell["proto"],
           **derived(cell["listener_endpoint"], cell["probe_endpoint"]),
           "listener_endpoint": cell["listener_endpoint"],
           "probe_endpoint": cell["probe_endpoint"],
           "listener_option": cell["listener_option"],
           "probe_option": cell["probe_option"],
           "probe_user": cell["probe_user"], "state": cell["state"],
           "witnessed_state": None, "outcome": cell["outcome"],
           "os_error": ERRNO[family].get(cell["outcome"])}
    if cell["scenario"] == "hijack":
        out.update({f: cell[f] for f in OUTCOME_FIELDS[1:]})
    return out


def site_id(record):
    return (record["path"], record["line"], record.get("variant"),
            record["function"])


def by_case(mapped):
    cases = collections.OrderedDict()
    for m in mapped:
        cases.setdefault(m.case, []).append(m)
    return cases


def build(platform, notes, ambiguities, mapped, family, sources):
    """The reference document. A case (one assertion) maps when every call
    it asserts maps; its cells then join the file, merged by key."""
    cells, unmapped = {}, []
    reasons = collections.Counter()
    cases = by_case(mapped)
    for case, parts in cases.items():
        problems = [p.reason for p in parts if p.reason]
        if problems:
            reason = "; ".join(dict.fromkeys(problems))
            reasons[reason] += 1
            unmapped.append({**parts[0].site.record(), "reason": reason})
            continue
        for part in parts:
            add_cell(cells, part, family)
    counts = {"cases": len(cases), "mapped": len(cases) - len(unmapped),
              "unmapped": len(unmapped), "cells": len(cells)}
    provenance = {
        "document": platform.pop("document"), "url": None,
        "date": platform.pop("date"), "os_build": platform.pop("os_build"),
        "sources": [s.record() for s in sources],
        "notes": notes, "ambiguities": ambiguities, "counts": counts,
        "unmapped_reasons": [{"reason": r, "cases": n}
                             for r, n in reasons.most_common()],
        "unmapped": unmapped}
    ordered = sorted(cells.values(), key=cell_order)
    return {"schema": 1,
            "platform": {**platform, "source": "reference",
                         "provenance": provenance},
            "harness": None, "cells": ordered}


def add_cell(cells, part, family):
    cell = full_cell(part.cell, family)
    key = vocabulary.cell_key(cell)
    record = part.site.record()
    also = [s.record() for s in part.also]
    if key not in cells:
        cell["provenance"] = {**record, "also": []}
        cells[key] = cell
    else:
        held = cells[key]
        if any(held[f] != cell.get(f) for f in OUTCOME_FIELDS if f in held):
            raise TranscriptionError(
                f"{record['path']}:{record['line']} and "
                f"{held['provenance']['path']}:{held['provenance']['line']}"
                f" expect different outcomes for one cell {dict(key)}")
        also.insert(0, record)
    prov = cells[key]["provenance"]
    seen = {site_id(prov)} | {site_id(a) for a in prov["also"]}
    for extra in also:
        if site_id(extra) not in seen:
            seen.add(site_id(extra))
            prov["also"].append(extra)


def cell_order(cell):
    orders = {f: {n: i for i, n in enumerate(vocabulary.names(t))}
              for f, t in (("scenario", "scenarios"), ("proto", "protos"),
                           ("listener_endpoint", "endpoints"),
                           ("probe_endpoint", "endpoints"),
                           ("listener_option", "options"),
                           ("probe_option", "options"),
                           ("probe_user", "users"), ("state", "states"))}
    return tuple(orders[f][cell[f]] for f in orders)
