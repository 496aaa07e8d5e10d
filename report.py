#!/usr/bin/env python3
"""Turn bindmatrix result files into comparison tables.

    report.py [FILES...] [--all]      Markdown: the answer card per OS, the
                                      blog's table at the best evidence, an
                                      emulation against its emulator's own
                                      tests (--all: every file's tables and
                                      where each answer comes from)
    report.py --platform FILE [--all] one platform for a terminal: its
                                      card, the blog's table beside the
                                      references, the detail (--all: every
                                      cell and each one's source line)
    report.py --diff A B [--all]      what changes from A to B
    report.py --check [--baseline B]  exit 1 when a measured file disagrees
                                      with its family's expectations (or
                                      with an earlier run)
    report.py --html PAGE --png PICTURE --readme README.md [FILES...]

FILES default to every *.json under results/ (reference/ included). Every
error a user can cause is one line on stderr and exit status 2. The work is
done in reportlib/.
"""

import sys

from reportlib.cli import main

if __name__ == "__main__":
    sys.exit(main())
