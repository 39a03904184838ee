"""Writing files so that a reader never sees half of one, and the last good file survives a failure."""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _umask() -> int:
    # Read once, before any thread starts: os.umask can only be read by setting it.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets under this process's umask (a temporary file gets 0600 instead)."""
    return 0o666 & ~_umask()


def folder_mode() -> int:
    """The mode a new folder gets under this process's umask (a temporary folder gets 0700 instead)."""
    return 0o777 & ~_umask()


def write_atomically(target: Path, write) -> None:
    """Call write(tmp_path), then move the result into place; on failure the old file stays.

    The file gets the mode any new file gets (the umask's), not the temporary file's 0600: the
    council's PDF on a shared drive must be readable by others.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except OSError as exc:
        # A full disk fails a write(), which names no file: say which file it was.
        if exc.filename is None:
            exc.filename = str(target)
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    """Write text atomically (UTF-8)."""
    write_atomically(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def clear_the_way(path: Path) -> None:
    """Remove what lies where the build keeps a folder of its own (in build/, which is safe to delete)
    if it is not a folder (a file, a link): it would otherwise stop every build with the same error."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()


def make_folder(path: Path) -> Path:
    """`path` as a folder of the build's own: made if missing, made anew if something else lies there."""
    clear_the_way(path)
    path.mkdir(parents=True, exist_ok=True)
    return path
