"""The Windows build of the harness, run under Wine on x86_64 Linux.

libuv for mingw is built from Debian's source package and cached in
build-mingw-deps/ (tools/build-libuv-mingw.sh, which also writes the Meson
cross file); the harness is cross-built in build-wine/; every run happens
inside a Wine session with a private prefix and a persistent wineserver
(tools/wine-session.sh), stopped afterwards.
"""
import ast
import configparser
import contextlib
import os
import platform
import shutil
import subprocess

from harness import build_step
from scenarios import ROOT

DEPS = ROOT / "build-mingw-deps"
BUILD = ROOT / "build-wine"
CROSS_FILE = DEPS / "mingw-w64-x86_64.ini"
PREFIX = DEPS / "wineprefix"
TOOLS = ROOT / "tools"


def unavailable_reason():
    """Why this machine cannot run the Wine leg, or None when it can."""
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        return "the Wine leg runs on x86_64 Linux only"
    for tool in ("wine", "x86_64-w64-mingw32-gcc", "cmake"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    return None


def ensure_build():
    build_step([str(TOOLS / "build-libuv-mingw.sh"), str(DEPS)])
    if not (BUILD / "build.ninja").exists():
        build_step(["meson", "setup", str(BUILD), str(ROOT), "--cross-file",
                    str(CROSS_FILE), "-Dwerror=true"])
    build_step(["meson", "compile", "-C", str(BUILD)])


# One cell of each kind of sequence a run has: the first cells of a fresh
# session pay for Wine's socket and IP Helper start-up and for the first
# start of every program, which has taken longer than a cell's deadline
# (seen here: the first cells of a fresh prefix invalid).
WARM_UP = ("scenario=bind,inherit proto=tcp address=0.0.0.0/0.0.0.0 "
           "option=default probe_user=same state=LISTEN,CLOSED "
           "spawn=CreateProcess-noinherit,uv_spawn cloexec=true")


def warm_up():
    """A few cells, with a generous deadline, before the real run."""
    env = harness_environment()
    subprocess.run([*env["BINDMATRIX_WRAPPER"].split("\n"),
                    env["BINDMATRIX_HARNESS"], "matrix", "--quiet", "--filter",
                    WARM_UP, "--timeout-ms", "120000"],
                   check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def session():
    """A Wine session (a private prefix, its wineserver kept up, warmed up)
    around Python code that starts Wine processes, meson test included."""
    subprocess.run([str(TOOLS / "wine-session.sh"), "start", str(PREFIX)],
                   check=True, stdout=subprocess.DEVNULL)
    try:
        warm_up()
        yield
    finally:
        subprocess.run([str(TOOLS / "wine-session.sh"), "stop", str(PREFIX)],
                       check=False)


def harness_environment():
    """The environment for drivers/harness.py to run the Windows harness:
    its path and the cross file's wrapper (harness_wrapper)."""
    cross = configparser.ConfigParser()
    cross.read(CROSS_FILE)
    wrapper = ast.literal_eval(cross["properties"]["harness_wrapper"])
    return {"BINDMATRIX_HARNESS": str(BUILD / "harness" / "bindmatrix.exe"),
            "BINDMATRIX_WRAPPER": "\n".join(wrapper),
            "BINDMATRIX_TIMEOUT_MS": "10000"}


@contextlib.contextmanager
def environment():
    """os.environ pointing drivers/harness.py at the Windows harness."""
    saved = dict(os.environ)
    os.environ.update(harness_environment())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
