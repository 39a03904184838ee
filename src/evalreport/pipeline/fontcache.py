"""Subset fonts once: a cache of fontTools' subsets on this machine, keyed by everything the bytes
depend on (the font file, the glyphs or characters kept, the options, the date written into the
font, and fontTools' version).

Subsetting the five faces takes fontTools about three seconds for the PDF and as much again for
the HTML twin, in every build; the same inputs always give the same bytes, so a build may take
them from an earlier one. A cached entry is checked against its own digest before it is used, and
written atomically; a damaged one is made again. The cache is a plain folder, safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from fontTools import version as fonttools_version

from evalreport.files import write_atomically

MAX_ENTRIES = 400  # about 30 KB each; the oldest go first


def cache_dir() -> Path:
    """$EVALREPORT_CACHE, else $XDG_CACHE_HOME/evalreport/fonts, else ~/.cache/evalreport/fonts."""
    chosen = os.environ.get("EVALREPORT_CACHE")
    if chosen:
        return Path(chosen) / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "evalreport" / "fonts"


def key_of(**parts) -> str:
    return hashlib.sha256(json.dumps({**parts, "fonttools": fonttools_version}, sort_keys=True, default=str).encode()).hexdigest()


def _seal(key: str, body: bytes) -> bytes:
    """The digest an entry starts with: of its key and its body, so that an entry that is intact but
    filed under another key (two files swapped) is refused as well as a damaged one."""
    return hashlib.sha256(key.encode("ascii") + b"\0" + body).hexdigest().encode("ascii")


def get(key: str) -> bytes | None:
    """The cached bytes for `key`, if an intact entry made for `key` exists."""
    path = cache_dir() / f"{key}.bin"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    seal, body = data[:64], data[64:]
    if seal != _seal(key, body):
        return None  # damaged, or another key's: made again, and written over
    return body


def put(key: str, body: bytes) -> None:
    """Keep `body` for `key`; a cache that cannot be written (read-only home) is simply not used."""
    folder = cache_dir()
    try:
        write_atomically(folder / f"{key}.bin", lambda tmp: tmp.write_bytes(_seal(key, body) + body))
        entries = sorted(folder.glob("*.bin"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def cached(key: str, make) -> bytes:
    """The bytes for `key`, made by `make()` and kept when the cache has none."""
    body = get(key)
    if body is None:
        body = make()
        put(key, body)
    return body
