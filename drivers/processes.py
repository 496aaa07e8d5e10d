"""For the tests: the processes a test started, found by a token in their
environment (every process a run starts inherits it), a bounded wait for
what they do, and the stand-ins they run: a copy of the harness with a
role of the test's own, and a process short of descriptors."""
import os
import shutil
import time
import uuid
from pathlib import Path

import harness


def with_token():
    """An environment whose token marks every process a run starts."""
    token = str(uuid.uuid4())
    return token, {**os.environ, "BM_TEST_TOKEN": token}


def processes_with(token):
    """Live processes whose environment carries `token`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if token.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


def programs_with(token):
    """The program names (as ps shows them) of those processes."""
    found = []
    for pid in processes_with(token):
        try:
            found.append(Path(f"/proc/{pid}/comm").read_text().strip())
        except OSError:
            continue
    return found


def wait_until(condition, what, limit=30):
    """Polls `condition`: a bound, not a timing (it fails only when the
    condition never comes)."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)


def harness_with_role(folder, role_script, interpreter="/bin/sh"):
    """A copy of the harness in `folder` (made if missing) whose bm-role
    is `role_script`, run by `interpreter`."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "bindmatrix"
    shutil.copy(harness.harness_path(), exe)
    role = folder / "bm-role"
    role.write_text(f"#!{interpreter}\n{role_script}\n")
    role.chmod(0o755)
    return exe


def few_descriptors():
    """For preexec_fn: the child may open 24 descriptors, so that most
    cells run out of them."""
    import resource  # not on Windows
    resource.setrlimit(resource.RLIMIT_NOFILE, (24, 24))
