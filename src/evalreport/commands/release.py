"""Releases to the council: `make release VERSION=1.1` (`evalreport release 1.1`).

A report sent to the council never changes under the same name. A release builds the report as it
stands, as that version (on its title page with its date, in its colophon, and, after an earlier
release, with a section saying what changed since it), and writes `dist/<name>-<version>.pdf`,
`.html` and `.json`, read-only, each with a line in `dist/SHA256SUMS`. A version that exists is
never written again. A draft, or a tree with uncommitted changes, is not released unless forced.

The release's date is the build's date (SOURCE_DATE_EPOCH, else the time of the commit), not the
clock's: building the same commit again gives the same PDF, and the date says which state of the
project the council got.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from evalreport.errors import ReleaseError
from evalreport.pipeline import build, colophon, steps
from evalreport.pipeline.executors import LocalExecutor
from evalreport.pipeline.plan import Plan, Release, make_plan, release_name
from evalreport.project import Project

log = logging.getLogger(__name__)

DIST = "dist"
SUMS = "SHA256SUMS"
VERSION_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,39}")  # a file name's part: no '/', no '..' first


@dataclass(frozen=True)
class ReleaseResult:
    """What a release wrote."""

    version: str
    date: str  # ISO 8601
    previous: str | None
    files: tuple[Path, ...]
    sha256: tuple[str, ...]
    pages: int
    changes: dict | None  # see colophon.compare_releases; None for a first release


def version_key(version: str) -> tuple:
    """A version's place in the order of releases: PEP 440's where it parses (1.0 < 1.1 < 1.10,
    1.1rc1 < 1.1), else by its numbers and words in turn ('2024-spring' < '2024-autumn-2' is by
    letters); versions of the first kind come after those of the second."""
    try:
        return (1, Version(version), ())
    except InvalidVersion:
        parts = re.findall(r"\d+|[A-Za-z]+", version)
        return (0, None, tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts))


def check_version_name(version: str) -> str:
    """The version as given, if it can be part of a file name; else a ReleaseError saying what to write."""
    if not version:
        raise ReleaseError("name the version: make release VERSION=1.0 (or 'evalreport release 1.0')")
    if not VERSION_NAME.fullmatch(version):
        raise ReleaseError(f"version {version[:40]!r}: use letters, digits, '.', '-', '_' and '+' only, starting "
                           "with a letter or digit, at most 40 characters (for example 1.0, 1.1 or 2.0rc1)")
    return version


def released_versions(dist: Path, output_name: str) -> dict[str, Path]:
    """The versions of one report in `dist`, each with its sidecar: a `<name>-<version>.json` whose
    content says it is that release of that report (another report's name may start the same)."""
    found = {}
    for path in sorted(dist.glob(f"{output_name}-*.json")) if dist.is_dir() else []:
        version = path.name[len(output_name) + 1:-len(".json")]
        try:
            sidecar = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (isinstance(sidecar, dict) and (sidecar.get("release") or {}).get("version") == version
                and (sidecar.get("parameters") or {}).get("output_name") == output_name):
            found[version] = path
    return found


def previous_release(versions, version: str) -> str | None:
    """The newest of `versions` that comes before `version`."""
    earlier = [v for v in versions if version_key(v) < version_key(version)]
    return max(earlier, key=version_key) if earlier else None


def uncommitted_files(root: Path, inputs: list[str]) -> list[str] | None:
    """The files of the project that differ from its commit: every tracked file changed, added or
    deleted, and every untracked file the report reads (`inputs`). None if the project is not a git
    checkout of its own. Releases in dist/ are the release's output, not its input."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != root.resolve() or git("rev-parse", "HEAD") is None:
        return None
    wanted = set(inputs)
    changed = []
    for entry in (git("status", "--porcelain=v1", "-z", "--untracked-files=all") or "").split("\0"):
        if len(entry) < 4:
            continue  # also the source of a rename, which -z puts in an entry of its own
        status, name = entry[:2], entry[3:]
        if name.startswith(f"{DIST}/"):
            continue
        if status != "??" or name in wanted:
            changed.append(name)
    return sorted(changed)


def release_report(project: Project, config_path: Path, version: str, force: bool = False,
                   jobs: int | None = None) -> ReleaseResult:
    """Build the report configured in `config_path` as `version` and write it to dist/."""
    check_version_name(version)
    plan = make_plan(project, config_path)
    name = plan.config.output_name
    dist = project.root / DIST
    targets = [dist / f"{release_name(name, version)}{suffix}" for suffix in steps.SUFFIXES]
    existing = [project.relative(t) for t in targets if t.exists()]
    versions = released_versions(dist, name)
    same = [v for v in versions if v != version and version_key(v) == version_key(version)]
    if existing or same:
        raise ReleaseError(
            f"version {version} of {name} was released already ({', '.join(existing) or 'as ' + same[0]}); a "
            "released version is never replaced. Release the report as a new version (for example "
            f"{suggest_next(sorted(versions, key=version_key)[-1] if versions else version)}).")

    refusals = []
    if plan.config.draft:
        refusals.append(f"the report is a draft (draft: true in {plan.config_arg}); set draft: false for the final "
                        "report")
    changed = uncommitted_files(project.root, list(plan.inputs))
    if changed is None:
        refusals.append("the project is not a git checkout with a commit, so the release could not be traced to "
                        "one; commit it first ('git init', 'git add', 'git commit')")
    elif changed:
        shown = ", ".join(changed[:12]) + (f" and {len(changed) - 12} more" if len(changed) > 12 else "")
        refusals.append(f"the project has uncommitted changes: {shown}; commit them (or undo them) first")
    if refusals and not force:
        raise ReleaseError(f"version {version} of {name} was not released, because "
                           + "; and ".join(refusals) + ". To release it as it is, force it: "
                           f"make release VERSION={version} FORCE=1 (evalreport release {version} --force).")
    for refusal in refusals:
        log.warning("Released although %s (forced).", refusal.split(";")[0])

    previous = previous_release(versions, version)
    previous_sidecar = json.loads(versions[previous].read_text(encoding="utf-8")) if previous else None
    release = Release(version, previous, previous_sidecar)
    log.info("Building version %s of %s%s ...", version, name, f" (previous: {previous})" if previous else "")
    result = build.build(plan.as_release(release), LocalExecutor(jobs), then=_published_outputs)
    contents = result.after
    sums = write_release(dist, dict(zip(targets, contents)))
    sidecar = json.loads(contents[-1].decode("utf-8"))
    return ReleaseResult(version, sidecar["release"]["date"], previous, tuple(targets), tuple(sums),
                         result.pages, sidecar["release"]["changes"])


def _published_outputs(plan: Plan) -> list[bytes]:
    """The published outputs of the release just built, read while the report's lock is held (so no
    other build can replace them in between), in the order of the build's outputs (the sidecar last)."""
    contents = [plan.output(suffix).read_bytes() for suffix in steps.SUFFIXES]
    release = (json.loads(contents[-1]).get("release") or {})
    if release.get("version") != plan.release.version or release.get("previous") != plan.release.previous_version:
        raise ReleaseError(f"{plan.project.relative(plan.pdf)} is not the release just built; nothing was written to "
                           "dist/. Release again.")
    return contents


def write_release(dist: Path, contents: dict[Path, bytes]) -> list[str]:
    """Write each file new and read-only (never over an existing one), then append its SHA-256 to
    dist/SHA256SUMS in the format of `sha256sum` (check with `sha256sum -c SHA256SUMS` in dist/).
    If any write fails, the files this release wrote are removed again. Returns the sums."""
    dist.mkdir(parents=True, exist_ok=True)
    written, sums = [], []
    try:
        for target, data in contents.items():
            # O_EXCL: if the file appeared since the check, this fails instead of replacing it.
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
            written.append(target)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(target, 0o444)  # whatever the umask
            sums.append(hashlib.sha256(data).hexdigest())
        with open(dist / SUMS, "a", encoding="utf-8") as stream:
            stream.write("".join(f"{digest}  {target.name}\n" for digest, target in zip(sums, contents)))
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise
    return sums


def suggest_next(version: str) -> str:
    """A next version after `version`: its last number plus one (1.0 -> 1.1, 1.9 -> 1.10)."""
    match = re.search(r"(\d+)(?!.*\d)", version)
    return f"{version[:match.start()]}{int(match.group(1)) + 1}{version[match.end():]}" if match else f"{version}.1"


def describe(result: ReleaseResult, project: Project) -> str:
    """What the release wrote, and what changed since the previous one, for the terminal."""
    lines = [f"Released version {result.version} ({result.date}, {result.pages} pages), read-only:"]
    lines += [f"  {project.relative(path)}  sha256 {digest}" for path, digest in zip(result.files, result.sha256)]
    lines.append(f"  (each sum appended to {project.relative(result.files[0].parent / SUMS)})")
    if result.changes is not None:
        lines.append(colophon.describe_changes(result.changes, result.version, result.previous))
    else:
        lines.append("The first release of this report in dist/: no list of changes.")
    return "\n".join(lines)
