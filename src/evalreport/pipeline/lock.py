"""One build of a report at a time: a second build of the same report waits for the first."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import shutil
from pathlib import Path

from evalreport.files import make_folder

log = logging.getLogger(__name__)


@contextlib.contextmanager
def report_lock(work: Path, label: str):
    """Hold the lock of one report's work folder; wait, saying so, while another build holds it.

    An advisory lock (flock) on a file in the work folder: the operating system releases it when
    the process ends, however it ends, so a crashed build never leaves a stale lock behind.
    """
    make_folder(work)
    lock = work / ".lock"
    if lock.is_dir() and not lock.is_symlink():  # not ours: a lock is a file (build/ is safe to clear)
        shutil.rmtree(lock)
    elif lock.is_symlink():
        lock.unlink()
    with open(lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("Another build of %s is running; waiting for it to finish ...", label)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
