#!/usr/bin/env python3
"""Turn bindmatrix result files into comparison tables.

    report.py [FILES...]              Markdown: the blog's table on every
                                      platform, then the verdict
    report.py --platform FILE [--all] one platform for a terminal: the
                                      blog's table, the hijack digest, the
                                      option pairs (--all: every cell)
    report.py --check [FILES...]      exit 1 when a measured file disagrees
                                      with its family's expectations
    report.py --html PAGE --png PICTURE --readme README.md [FILES...]

FILES default to every *.json under results/ (reference/ included). Every
error a user can cause is one line on stderr and exit status 2. The work is
done in reportlib/ (load, views, verdict, text, markdown, page, figure,
check, cli).
"""

import sys

from reportlib.cli import main

if __name__ == "__main__":
    sys.exit(main())
