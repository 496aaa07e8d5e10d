"""Shared fixtures: one real run of every scenario per test session, and this
platform's expectations. The measured result file is kept under
$BINDMATRIX_RESULTS_DIR (the build directory when Meson runs the suite)."""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import expectations  # noqa: E402
import harness  # noqa: E402
import scenarios  # noqa: E402
import vocabulary  # noqa: E402


@pytest.fixture(scope="session")
def measured():
    result, _ = harness.measure(scenarios.for_this_run())
    keep = os.environ.get("BINDMATRIX_RESULTS_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        harness.write_result(
            result, Path(keep) / f"{result['platform']['id']}.json")
    return result


@pytest.fixture(scope="session")
def measured_cells(measured):
    return {vocabulary.cell_key(c): c for c in measured["cells"]}


@pytest.fixture(scope="session")
def expected(measured):
    return expectations.load_for_platform(measured["platform"])


def copy_of_the_build(folder, mode):
    """The build's programs, the runtimes' roles among them, in a new
    `folder` of that mode: its harness."""
    build = harness.harness_path().parent.parent
    folder.mkdir(mode=mode)
    folder.chmod(mode)
    (folder / "harness").mkdir()
    for program in ("bindmatrix", "bm-role"):
        shutil.copy(build / "harness" / program, folder / "harness")
    (folder / "runtimes").mkdir()
    for role in (build / "runtimes").iterdir():
        if role.is_file():
            shutil.copy(role, folder / "runtimes")
    return folder / "harness" / "bindmatrix"


@pytest.fixture
def private_checkout(tmp_path):
    """A checkout only root may enter, as one in a `mktemp -d` folder or in
    /root is: its harness."""
    return copy_of_the_build(tmp_path / "checkout", 0o700)


@pytest.fixture
def open_folder():
    """A folder every user may enter (pytest's tmp_path is under a folder
    only its user may enter): a $TMPDIR to see what a run leaves there, or
    where another user's programs are."""
    folder = Path(tempfile.mkdtemp(prefix="bm-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def open_checkout(open_folder):
    """A checkout every user may enter, whatever the real one's folders
    allow: its harness, for a run as an unprivileged user."""
    return copy_of_the_build(open_folder / "checkout", 0o755)
