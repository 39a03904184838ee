"""One build of a report at a time: a second build of the same report waits for the first."""

from __future__ import annotations

import contextlib
import fcntl
import logging
from pathlib import Path

log = logging.getLogger(__name__)


@contextlib.contextmanager
def report_lock(work: Path, label: str):
    """Hold the lock of one report's work folder; wait, saying so, while another build holds it.

    An advisory lock (flock) on a file in the work folder: the operating system releases it when
    the process ends, however it ends, so a crashed build never leaves a stale lock behind.
    """
    work.mkdir(parents=True, exist_ok=True)
    with open(work / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("Another build of %s is running; waiting for it to finish ...", label)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
