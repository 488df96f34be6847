"""Index writers on one machine (workers, management commands) take turns."""

from __future__ import annotations

import subprocess
import sys

from matching.index import build_lock

HOLD_THE_LOCK = """
import sys
from filelock import FileLock, Timeout
try:
    FileLock(sys.argv[1], timeout=0.2).acquire()
except Timeout:
    sys.exit(3)
"""


def test_another_process_cannot_build_while_the_lock_is_held(settings, tmp_path):
    settings.INDEX_DIR = tmp_path / "index"

    def other_writer() -> int:
        lock = str(settings.INDEX_DIR / ".build.lock")
        return subprocess.run([sys.executable, "-c", HOLD_THE_LOCK, lock], check=False).returncode

    with build_lock():
        assert other_writer() == 3  # timed out waiting
    assert other_writer() == 0  # free again once the first writer is done
