"""The one publisher: a report's outputs (PDF, HTML twin, sidecar, ...) become visible all at once.

Each published set of outputs lies in a folder of its own under the report's work folder, and one
link, `current`, names the set that is published:

    build/<name>.pdf   -> .work/<name>/published/current/<name>.pdf
    build/<name>.html  -> .work/<name>/published/current/<name>.html
    .work/<name>/published/current -> v-<digest>        (switched by one rename)
    .work/<name>/published/v-<digest>/<name>.pdf, .html, .json

The outputs in build/ are links that never change; publishing a new set writes it whole into a new
folder and then replaces `current` by one atomic rename. A reader, whatever it opens and whenever
the build is interrupted or killed, finds the outputs of one build: the old ones until the rename,
the new ones after it. Nothing else is ever written where the links point.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from evalreport.files import file_mode, folder_mode, make_folder

log = logging.getLogger(__name__)

PUBLISHED = "published"
CURRENT = "current"


class Staging:
    """A folder to write one set of outputs into before it is published (see `publish`)."""

    def __init__(self, work: Path, name: str):
        self.name = name
        self.root = make_folder(work / PUBLISHED)
        for stale in [*self.root.glob(".staging-*"), *self.root.glob(".adopting-*")]:  # a build killed while it wrote
            shutil.rmtree(stale, ignore_errors=True)
        self.folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.root))
        self.version: str | None = None  # the folder it is published as (v-<digest>), once known

    def path(self, suffix: str) -> Path:
        """Where the output with `suffix` is written before it is published."""
        return self.folder / f"{self.name}{suffix}"

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def publish(staging: Staging, build_dir: Path, suffixes: tuple[str, ...]) -> None:
    """Make the staged outputs build/<name><suffix> for every suffix, all at once.

    The staged files get the mode any new file gets (the umask), their folder that of any new
    folder (not a temporary folder's 0700, which would keep the group and others out), flushed to
    disk, and moved whole into a folder named by their content; then the links in build/ are made
    if they are missing, and `current` is switched to the new folder. If this is interrupted before
    the switch, the last published outputs stay as they were.
    """
    name, root = staging.name, staging.root
    os.chmod(staging.folder, folder_mode())
    digest = hashlib.sha256()
    for suffix in suffixes:
        path = staging.path(suffix)
        os.chmod(path, file_mode())
        with open(path, "rb") as stream:
            os.fsync(stream.fileno())
            digest.update(suffix.encode() + b"\0" + hashlib.sha256(stream.read()).digest())
    version = root / f"v-{digest.hexdigest()[:16]}"
    staging.version = version.name
    if version.is_dir():  # the very same outputs were published before
        staging.discard()
    else:
        os.replace(staging.folder, version)
    build_dir.mkdir(parents=True, exist_ok=True)
    _adopt_plain_outputs(root, build_dir, name, suffixes)
    for suffix in suffixes:
        _ensure_link(build_dir / f"{name}{suffix}",
                     Path(os.path.relpath(root / CURRENT / f"{name}{suffix}", build_dir)))
    _replace_link(root / CURRENT, Path(version.name))
    for old in root.glob("v-*"):
        if old != version:
            shutil.rmtree(old, ignore_errors=True)


def _adopt_plain_outputs(root: Path, build_dir: Path, name: str, suffixes: tuple[str, ...]) -> None:
    """Outputs in build/ that are plain files (written by a version of evalreport before the links)
    become the published set first, so that each link replaces its file with the same bytes and
    the new outputs still appear all at once, at the switch. Without this the links would replace
    the last good report one file at a time, each pointing at a set not yet published."""
    if (root / CURRENT).is_symlink():
        return
    plain = [build_dir / f"{name}{s}" for s in suffixes]
    plain = [p for p in plain if p.is_file() and not p.is_symlink()]
    if not plain:
        return
    adopted = Path(tempfile.mkdtemp(prefix=".adopting-", dir=root))
    for path in plain:
        shutil.copy2(path, adopted / path.name)
    os.chmod(adopted, folder_mode())
    version = root / "v-plain"
    shutil.rmtree(version, ignore_errors=True)  # an adoption that was interrupted
    os.replace(adopted, version)
    _replace_link(root / CURRENT, Path(version.name))


def _ensure_link(path: Path, target: Path) -> None:
    """`path` a symbolic link to `target`, unless it is one already (a file there is replaced)."""
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    _replace_link(path, target)


def _replace_link(path: Path, target: Path) -> None:
    """Point `path` at `target` in one step: a new link is made beside it and renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)


def switched(staging: Staging | None) -> bool:
    """Whether the outputs staged in `staging` are the published ones (`current` was switched to them)."""
    return (staging is not None and staging.version is not None
            and published_version(staging.root.parent) == staging.version)


def published_version(work: Path) -> str | None:
    """The folder name of the published set (v-<digest>), or None if nothing was published."""
    current = work / PUBLISHED / CURRENT
    return os.readlink(current) if current.is_symlink() else None
