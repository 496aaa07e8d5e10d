"""The pinned source files a transcription reads, and the check that a
case's line really says what the transcription claims."""

import functools
from dataclasses import dataclass
from pathlib import Path

from references.runs import Site


class TranscriptionError(Exception):
    """A source that is missing or does not hold what a case says; one
    line."""


@functools.lru_cache(maxsize=None)
def read_lines(file):
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except OSError as error:
        raise TranscriptionError(
            f"{file}: cannot read: {error.strerror} (see "
            "tools/fetch-reference-sources)") from None


@dataclass(frozen=True)
class Source:
    repository: str
    path: str  # inside the repository
    version: str
    file: Path  # the pinned text on this machine

    def lines(self):
        return read_lines(str(self.file))

    def line(self, number):
        lines = self.lines()
        if not 1 <= number <= len(lines):
            raise TranscriptionError(
                f"{self.path}: no line {number} (it has {len(lines)})")
        return lines[number - 1].strip()

    def site(self, function, line, expected, holds, variant=None,
             todo_wine=False):
        """A case asserted at `line`, which must contain `holds`: the
        hand-written half of the check that the line is that case."""
        text = self.line(line)
        if holds not in text:
            raise TranscriptionError(
                f"{self.path}:{line}: expected {holds!r}, found {text!r}")
        return SourcedSite(function, line, text, expected, variant,
                           todo_wine, self)

    def find(self, text, start=1):
        """The number of the first line from `start` that contains text."""
        for number, line in enumerate(self.lines()[start - 1:], start):
            if text in line:
                return number
        raise TranscriptionError(f"{self.path}: no line with {text!r}")

    def record(self):
        return {"repository": self.repository, "path": self.path,
                "version": self.version}


@dataclass(frozen=True)
class SourcedSite(Site):
    source: Source | None = None

    def record(self):
        return {**self.source.record(), **super().record()}


def verify(document, sources):
    """Every cell's and every unmapped case's line, re-read from the pinned
    sources: the recorded text must be that line. Returns the problems."""
    by_path = {s.path: s for s in sources}
    problems = []
    prov = document["platform"]["provenance"]
    sites = [c["provenance"] for c in document["cells"]]
    sites += [a for c in document["cells"]
              for a in c["provenance"].get("also", [])]
    sites += prov.get("unmapped", [])
    for site in sites:
        source = by_path.get(site["path"])
        if source is None:
            problems.append(f"{site['path']}: not a pinned source")
            continue
        text = source.line(site["line"])
        if text != site["text"]:
            problems.append(f"{site['path']}:{site['line']}: recorded "
                            f"{site['text']!r}, source has {text!r}")
    return problems
