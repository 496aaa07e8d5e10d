"""report.py's work: load (read and check result files), model (cells,
keys, orders), views (what each table shows), verdict, and one module per
output: text (terminal), markdown (README), page (HTML), figure (PNG),
check (--check), cli (the command line)."""
