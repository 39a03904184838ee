"""Waiting on another process for a complete answer.

A file another process writes exists before it is written: Dask's scheduler creates its scheduler
file, then writes the JSON into it, so a reader that starts reading as soon as the file exists may
read nothing or half of it (a JSONDecodeError on a loaded machine). A reader waits until the file
parses and holds what it needs, with a deadline, and says what it last found if it gives up.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Callable


def wait_for_json(path: Path, complete: Callable[[object], bool], seconds: float, what: str,
                  process: subprocess.Popen | None = None, interval: float = 0.1) -> object:
    """The JSON in `path` once it parses and `complete(value)` holds, read again until then.

    Gives up after `seconds`, or as soon as `process` (the writer) has exited, with a RuntimeError
    that names `what`, the file and what it held.
    """
    deadline = time.monotonic() + seconds
    found = "nothing (the file does not exist)"
    while True:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            pass
        except OSError as exc:
            found = f"a file that cannot be read ({exc.strerror})"
        else:
            try:
                value = json.loads(text)
            except ValueError:
                found = f"{len(text)} characters that are not yet complete JSON" if text else "an empty file"
            else:
                if complete(value):
                    return value
                found = f"JSON without what is needed: {text[:200]!r}"
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before {path} was complete; "
                               f"it held {found}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not write {path} within {seconds:.0f} s; it held {found}")
        time.sleep(interval)
