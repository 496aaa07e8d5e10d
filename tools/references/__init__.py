"""Transcription of the OSes' own conformance tests into reference result
files (tools/transcribe-references): each suite's tests as runs of sockets
on one port (runs.py), read from the pinned sources (linux.py, wine.py,
freebsd.py), mapped onto our cells by one rule and written with the
provenance of every case (document.py)."""
