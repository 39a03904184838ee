"""JSON files named by the SHA-256 of their content, for what one step of a build hands the next
(the validated case, the effect analysis).

JSON, not pickle: a file in the work folder must never be able to run code. The name carries the
digest, so a damaged or altered file is noticed before it is used.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from evalreport.files import write_atomically


class DamagedStore(ValueError):
    """A stored file does not match its digest or cannot be read."""


def write(folder: Path, prefix: str, payload: dict, default=None) -> Path:
    """Write `payload` atomically as `<prefix>-<sha256>.json` in `folder`; return its path."""
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, allow_nan=False, default=default).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{prefix}-{digest}.json"
    if not (target.is_file() and verify(target, prefix)):
        write_atomically(target, lambda tmp: tmp.write_bytes(data))
    return target


def verify(path: Path, prefix: str) -> bool:
    """Whether the file is intact: its content matches the digest in its name."""
    try:
        return path.name == f"{prefix}-{hashlib.sha256(path.read_bytes()).hexdigest()}.json"
    except OSError:
        return False


def read(path: Path, prefix: str, what: str) -> dict:
    """The payload of an intact store; DamagedStore naming `what` otherwise."""
    if not verify(path, prefix):
        raise DamagedStore(f"{path.name}: the stored {what} is damaged or was changed after it was written")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DamagedStore(f"{path.name}: not a stored {what} ({type(exc).__name__})") from None
    if not isinstance(payload, dict):
        raise DamagedStore(f"{path.name}: not a stored {what}")
    return payload
