"""Python modules from Debian's packages, imported where they are needed so
that a Python without one fails in one line that says what to install."""

import importlib
import sys

from .model import ReportError

# Debian's python3 (/usr/bin/python3) has these once the package is in.
DEBIAN_PYTHON = "/usr/bin/python3"


def require(module, package):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ReportError(
            f"needs the Python module {module}, which {sys.executable} "
            f"lacks: apt-get install {package}, then run report.py with "
            f"{DEBIAN_PYTHON}") from None
