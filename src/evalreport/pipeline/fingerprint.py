"""Content fingerprints of everything a build depends on (standard library only; WeasyPrint's
libraries are read through ctypes, so that a build with nothing to do never loads WeasyPrint)."""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from functools import lru_cache
from pathlib import Path


def hash_bytes(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def hash_text(*parts: str) -> str:
    return hash_bytes(*(p.encode("utf-8") for p in parts))


def hash_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hash_files(paths: list[Path], root: Path) -> dict[str, str]:
    """sha256 of each file, keyed by its path relative to `root`, in a stable order."""
    return {Path(os.path.relpath(p, root)).as_posix(): hash_file(p) for p in sorted(paths)}


def files_under(folder: Path, exclude: tuple[str, ...] = ()) -> list[Path]:
    """Every regular file below `folder`, caches, hidden files and the top-level names in `exclude` left out."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
                  and p.relative_to(folder).parts[0] not in exclude)


def hash_tree(folder: Path, exclude: tuple[str, ...] = ()) -> str:
    """One fingerprint for the content of every file below `folder` (names included)."""
    return hash_text(json.dumps(hash_files(files_under(folder, exclude), folder), sort_keys=True))


@lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    """The interpreter, every installed distribution with its version, and the system libraries that
    lay out and write the PDF (a new Pango breaks lines elsewhere: the report must be built again)."""
    distributions = sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()},
                           key=str.lower)
    return {"python": sys.version.split()[0], "platform": platform.platform(),
            "distributions": hash_text(*distributions), **system_libraries()}


# The names WeasyPrint's weasyprint/text/ffi.py tries, in its order, for the same libraries.
_LIBRARIES = {
    "Pango": (("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"), "pango_version_string"),
    "HarfBuzz": (("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"), "hb_version_string"),
}
# Who subsets the embedded fonts: always fontTools (evalreport.pipeline.pdf._font_subsetting sets
# WeasyPrint's HarfBuzz-Subset aside), so that the bytes do not depend on which the machine has.
FONT_SUBSETTER = "fontTools"


@lru_cache(maxsize=1)
def system_libraries() -> dict[str, str]:
    """Versions of the system libraries that shape the PDF, and the font subsetter with its version.

    Read through ctypes, not WeasyPrint's bindings, which take most of a second to load: the check
    for a build with nothing to do must stay fast.
    """
    found = {}
    for name, (files, function) in _LIBRARIES.items():
        found[name] = "not found"
        for file in files:
            try:
                library = ctypes.CDLL(file)
            except OSError:
                continue
            version = getattr(library, function)
            version.restype = ctypes.c_char_p
            found[name] = version().decode("ascii")
            break
    try:
        subsetter = f"{FONT_SUBSETTER} {importlib.metadata.version('fonttools')}"
    except importlib.metadata.PackageNotFoundError:
        subsetter = f"{FONT_SUBSETTER} (not installed)"
    return {**found, "font subsetter": subsetter}


def package_versions(names: list[str]) -> dict[str, str]:
    """Installed versions of the named distributions."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_state(root: Path, inputs: list[str] = ()) -> dict:
    """The commit the project is at and the commit's time, and what the commit does not hold as it
    is: `changed`, every tracked file changed, added or deleted (releases in dist/ aside, which are
    the releases' output), and `uncommitted`, those of the report's `inputs` (paths relative to the
    root) that are changed or untracked. `dirty` is whether either has any. Outside a git checkout of
    its own (or before its first commit) the commit and `dirty` are None."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip("\n") if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    commit = git("rev-parse", "HEAD") if top is not None and Path(top).resolve() == root.resolve() else None
    if commit is None:
        return {"commit": None, "dirty": None, "commit_time": None, "changed": [], "uncommitted": []}
    wanted, changed, uncommitted = set(inputs), [], []
    for entry in (git("status", "--porcelain=v1", "-z", "--untracked-files=all") or "").split("\0"):
        if len(entry) < 4:
            continue  # also the source of a rename, which -z puts in an entry of its own
        status, name = entry[:2], entry[3:]
        if name.startswith("dist/"):
            continue
        if status != "??":
            changed.append(name)
        if name in wanted:
            uncommitted.append(name)
    time = git("log", "-1", "--format=%ct")
    return {"commit": commit, "dirty": bool(changed or uncommitted), "commit_time": int(time) if time else None,
            "changed": sorted(changed), "uncommitted": sorted(uncommitted)}
