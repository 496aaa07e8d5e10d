"""report.py's work: load (read and check result files), model (cells,
keys, orders, evidence classes), answers and card (each OS's answer from
its best evidence), views (what each table shows), winediff (an emulation
against its emulator's own tests), provenance (where each answer comes
from, line by line), and one module per output: text (terminal), markdown
(README), page (HTML), figure (PNG), check and baseline (--check), diff
(--diff), cli (the command line)."""
