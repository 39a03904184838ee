"""Releases to the council: `make release VERSION=1.1 CASE=<name>` (`evalreport release 1.1`).

A report sent to the council never changes under the same name. A release builds the report as it
stands, as that version (on its title page with its date, in its colophon, and, after an earlier
release, with a section saying what changed since it), and writes the folder

    dist/<name>-<version>/<name>-<version>.pdf, .html, .json, SHA256SUMS

read-only. The folder appears whole or not at all: it is written aside and moved into place by one
rename, so an interrupted or killed release leaves nothing a reader could take for a release. A
version that exists is never written again; versions are numbered (1.0, 1.1, 2.0) and each is newer
than every release before it. The previous release is checked against its SHA256SUMS before it is
compared with: the list of changes must be against what the council got. A draft, a tree with
uncommitted changes, or a report identical to the previous release is not released unless forced.

The release's date is the build's date (SOURCE_DATE_EPOCH, else the time of the commit), not the
clock's: building the same commit again gives the same PDF, and the date says which state of the
project the council got.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from evalreport.commands.newcase import REPORT_DATE_WRITTEN
from evalreport.errors import ReleaseError
from evalreport.pipeline import build, colophon, fingerprint, steps
from evalreport.pipeline.executors import LocalExecutor
from evalreport.pipeline.plan import Plan, Release, make_plan, release_name
from evalreport.project import REPORTS, Project

log = logging.getLogger(__name__)

DIST = "dist"
SUMS = "SHA256SUMS"
INCOMING = ".incoming-"  # a release being written, not yet a release
VERSION = re.compile(r"(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})(?:\.(0|[1-9]\d{0,3}))?")


@dataclass(frozen=True)
class ReleaseResult:
    """What a release wrote."""

    version: str
    date: str  # ISO 8601
    previous: str | None
    folder: Path
    files: tuple[Path, ...]
    sha256: tuple[str, ...]
    pages: int
    changes: dict | None  # see colophon.compare_releases; None for a first release


@dataclass(frozen=True)
class Released:
    """A release of one report found in dist/: its version, its files and its sidecar."""

    version: str
    files: tuple[Path, ...]  # the PDF, the HTML twin and the sidecar, in the build's order of outputs
    sums: Path  # the SHA256SUMS file that lists them
    sidecar: dict

    @property
    def draft(self) -> bool:
        """A draft forced out (its PDF said «UTKAST»): never the version a final release is compared with."""
        return bool((self.sidecar.get("parameters") or {}).get("draft"))


def version_key(version: str) -> tuple[int, ...]:
    """A version's place in the order of releases, by its numbers: 1.9 < 1.10 < 2.0."""
    return tuple(int(part) for part in version.split("."))


def check_version_name(version: str) -> str:
    """The version as given, if it is a version number (1.0, 1.1, 2.0, 1.0.1); else a ReleaseError
    saying what to write."""
    if not version:
        raise ReleaseError("name the version: make release VERSION=1.0 (or 'evalreport release 1.0')")
    if not VERSION.fullmatch(version):
        numbers = re.findall(r"\d+", version)[:2]
        example = ".".join(str(int(n)) for n in numbers) if len(numbers) == 2 else f"{int(numbers[0])}.0" \
            if numbers else "1.0"
        raise ReleaseError(f"version {version[:40]!r}: number the releases 1.0, 1.1, 2.0 (major.minor, and a third "
                           f"number for a correction if you like), so that anyone can tell their order; for example "
                           f"{example}")
    return version


def suggest_next(version: str) -> str:
    """The next version after `version`: its last number plus one (1.0 -> 1.1, 1.9 -> 1.10)."""
    head, _, last = version.rpartition(".")
    return f"{head}.{int(last) + 1}"


def _read_sums(path: Path) -> dict[str, str]:
    """file name -> sha256, from a file in sha256sum's format."""
    sums = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return sums
    for line in lines:
        digest, _, name = line.partition("  ")
        if re.fullmatch(r"[0-9a-f]{64}", digest) and name:
            sums[name.strip()] = digest
    return sums


def released(dist: Path, output_name: str) -> dict[str, Released]:
    """The releases of one report in `dist`: each a folder <name>-<version>/ with its files and
    SHA256SUMS, and whose sidecar says it is that release of that report (another report's name may
    start the same). Releases of evalreport before folders (dist/<name>-<version>.* with their sums in
    dist/SHA256SUMS) count too."""
    found = {}
    if not dist.is_dir():
        return found
    for folder in sorted(dist.glob(f"{output_name}-*")):
        version = folder.name[len(output_name) + 1:]
        if folder.is_dir():
            base, sums = folder / release_name(output_name, version), folder / SUMS
        elif folder.suffix == ".json":
            version = version[:-len(".json")]
            base, sums = dist / release_name(output_name, version), dist / SUMS
        else:
            continue
        if not VERSION.fullmatch(version) or version in found:
            continue
        try:
            sidecar = json.loads(base.with_name(base.name + ".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            sidecar = None
        if (isinstance(sidecar, dict) and (sidecar.get("release") or {}).get("version") == version
                and (sidecar.get("parameters") or {}).get("output_name") == output_name):
            files = tuple(base.with_name(base.name + suffix) for suffix in steps.ARCHIVAL_SUFFIXES)
            found[version] = Released(version, files, sums, sidecar)
    return found


def damage(release: Released, project: Project) -> list[str]:
    """What of a release no longer matches its SHA256SUMS (a file changed, missing or not listed)."""
    listed = _read_sums(release.sums)
    problems = []
    for path in release.files:
        where = project.relative(path)
        if path.name not in listed:
            problems.append(f"{where} is not listed in {project.relative(release.sums)}")
        elif not path.is_file():
            problems.append(f"{where} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != listed[path.name]:
            problems.append(f"{where} does not match its SHA-256 in {project.relative(release.sums)}")
    return problems


def previous_release(found: dict[str, Released], version: str, final: bool = True) -> Released | None:
    """The newest release before `version`; for a final release, the newest final one (a draft
    forced out is never what the council's final report is compared with)."""
    earlier = [r for v, r in found.items() if version_key(v) < version_key(version) and not (final and r.draft)]
    return max(earlier, key=lambda r: version_key(r.version)) if earlier else None


def uncommitted_files(root: Path, inputs: list[str]) -> list[str] | None:
    """The files of the project that differ from its commit: every tracked file changed, added or
    deleted, and every untracked file the report reads (`inputs`). None if the project is not a git
    checkout of its own with a commit."""
    state = fingerprint.git_state(root, inputs)
    return None if state["commit"] is None else sorted(set(state["changed"]) | set(state["uncommitted"]))


def _which(project: Project, config_path: Path) -> str:
    """The report as the command line named it: CASE=<name>, or CONFIG=<file>."""
    if config_path.parent == project.root / REPORTS:
        return f"CASE={config_path.stem}"
    return f"CONFIG={project.relative(config_path)}"


def _same_report(previous: dict, now: dict) -> bool:
    """Whether two releases say the same: the text of every chapter and every key figure as printed."""
    def content(sidecar: dict) -> tuple:
        chapters = {stem: c.get("text_sha256") for stem, c in (sidecar.get("chapters") or {}).items()}
        return chapters, sidecar.get("key_figures_printed")

    return content(previous) == content(now)


def release_report(project: Project, config_path: Path, version: str, force: bool = False,
                   jobs: int | None = None) -> ReleaseResult:
    """Build the report configured in `config_path` as `version` and write it to dist/."""
    check_version_name(version)
    plan = make_plan(project, config_path)
    name, which = plan.config.output_name, _which(project, config_path)
    dist = project.root / DIST
    for stale in dist.glob(f"{INCOMING}*") if dist.is_dir() else []:  # a release interrupted while written
        shutil.rmtree(stale, ignore_errors=True)
    found = released(dist, name)
    folder = dist / release_name(name, version)
    newest = max(found, key=version_key) if found else None
    if version in found or folder.exists():
        raise ReleaseError(
            f"version {version} of {name} was released already ({project.relative(folder)}); a released version is "
            f"never replaced. Release the report as a new version: make release VERSION="
            f"{suggest_next(newest or version)} {which}")
    if newest is not None and version_key(version) < version_key(newest):
        raise ReleaseError(f"version {version} comes before {newest}, the newest release of {name}; a new release "
                           f"gets a higher number: make release VERSION={suggest_next(newest)} {which}")

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
                           f"make release VERSION={version} {which} FORCE=1")
    for refusal in refusals:
        log.warning("Released although %s (forced).", refusal.split(";")[0])
    for warning in date_warnings(project, plan, config_path):
        log.warning("Warning: %s", warning)

    previous = previous_release(found, version, final=not plan.config.draft)
    if previous is not None:
        problems = damage(previous, project)
        if problems:
            raise ReleaseError(
                f"version {previous.version} of {name}, the release this one would be compared with, is not as it "
                f"was released: {'; '.join(problems)}. Restore {project.relative(previous.files[0].parent)} from "
                "the copy the council got (or your archive), then release again; nothing was written to dist/.")
    reasons = release_reasons(plan, previous) if previous is not None else ()
    release = Release(version, previous and previous.version, previous and previous.sidecar, reasons)
    log.info("Building version %s of %s%s ...", version, name, f" (previous: {previous.version})" if previous else "")
    result = build.build(plan.as_release(release), LocalExecutor(jobs), then=_published_outputs)
    contents = result.after
    sidecar = json.loads(contents[-1].decode("utf-8"))
    if previous is not None and _same_report(previous.sidecar, sidecar) and not force:
        raise ReleaseError(f"the report says exactly what version {previous.version} said (every chapter's text and "
                           f"every key figure); a new version would be the same report. Nothing was written to dist/. "
                           f"To release it all the same: make release VERSION={version} {which} FORCE=1")
    files = [folder / f"{release_name(name, version)}{suffix}" for suffix in steps.ARCHIVAL_SUFFIXES]
    sums = write_release(folder, dict(zip(files, contents)))
    return ReleaseResult(version, sidecar["release"]["date"], previous and previous.version, folder, tuple(files),
                         tuple(sums), result.pages, sidecar["release"]["changes"])


CHANGES_FILE = "changes.md"  # in the case's prose folder: why this release differs from the previous one


def release_reasons(plan: Plan, previous: Released) -> tuple[str, ...]:
    """Why this release differs from `previous`, in the analyst's words, for the change page: the
    paragraphs of prose/<case>/changes.md if the analyst wrote it, else the messages of the commits
    since the previous release that changed the report's inputs (none if there is no such history)."""
    written = plan.prose_dir / CHANGES_FILE
    if written.is_file():
        text = written.read_text(encoding="utf-8")
        return tuple(" ".join(paragraph.split()) for paragraph in re.split(r"\n\s*\n", text) if paragraph.strip())
    since = (previous.sidecar.get("provenance") or {}).get("git_commit")
    if not since or not plan.git.get("commit"):
        return ()
    inputs = [name for name in plan.inputs if (plan.project.root / name).exists()]
    try:
        done = subprocess.run(["git", "log", "--format=%s", f"{since}..HEAD", "--", *inputs], cwd=plan.project.root,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(line.strip() for line in reversed(done.stdout.splitlines()) if line.strip()) \
        if done.returncode == 0 else ()


def data_changed(project: Project, plan: Plan) -> dt.date | None:
    """The day the report's data last changed: the newest commit that touched one of its data files, or
    the newest file's time where git does not know it (an uncommitted or untracked one)."""
    data = [name for name in plan.inputs if (project.root / name).is_relative_to(plan.data_dir)]
    if not data:
        return None
    days = []
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct", "--", *data], cwd=project.root,
                              capture_output=True, text=True, timeout=30)
        if done.returncode == 0 and done.stdout.strip():
            days.append(dt.datetime.fromtimestamp(int(done.stdout.strip()), dt.timezone.utc).date())
    except (OSError, subprocess.SubprocessError):
        pass
    for name in uncommitted_files(project.root, data) or ([] if days else data):
        path = project.root / name
        if name in data and path.is_file():
            days.append(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date())
    return max(days) if days else None


def date_warnings(project: Project, plan: Plan, config_path: Path) -> list[str]:
    """What to tell the analyst about report_date before a release: still the date `make new-case`
    wrote, or older than the latest change to the data the report is built on."""
    config, label, warnings = plan.config, plan.config_arg, []
    written = REPORT_DATE_WRITTEN.search(config_path.read_text(encoding="utf-8"))
    if written and written.group(1) == config.report_date.isoformat():
        warnings.append(f"report_date in {label} is still {written.group(1)}, the day 'make new-case' started the "
                        "case; set the date the report is delivered")
    changed = data_changed(project, plan)
    if changed is not None and config.report_date < changed:
        warnings.append(f"report_date in {label} ({config.report_date.isoformat()}) is older than the latest change "
                        f"to the report's data ({changed.isoformat()}); the title page would date the report before "
                        "its own figures. Set the date the report is delivered")
    return warnings


def _published_outputs(plan: Plan) -> list[bytes]:
    """The published outputs of the release just built, read while the report's lock is held (so no
    other build can replace them in between), in the order of the build's outputs (the sidecar last)."""
    contents = [plan.output(suffix).read_bytes() for suffix in steps.ARCHIVAL_SUFFIXES]
    release = (json.loads(contents[-1]).get("release") or {})
    if release.get("version") != plan.release.version or release.get("previous") != plan.release.previous_version:
        raise ReleaseError(f"{plan.project.relative(plan.pdf)} is not the release just built; nothing was written to "
                           "dist/. Release again.")
    return contents


def write_release(folder: Path, contents: dict[Path, bytes]) -> list[str]:
    """Write the release folder whole: each file (named by `contents`' keys, all in `folder`) read-only,
    and SHA256SUMS listing them (check with `sha256sum -c SHA256SUMS` in the folder). They are
    written into a folder beside it and moved into place by one rename, which fails rather than
    replace a release that appeared meanwhile; a release is there whole, or not at all. Returns the sums."""
    dist = folder.parent
    dist.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=INCOMING, dir=dist))
    try:
        sums = []
        for target, data in contents.items():
            path = incoming / target.name
            with open(path, "xb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(path, 0o444)  # whatever the umask
            sums.append(hashlib.sha256(data).hexdigest())
        with open(incoming / SUMS, "x", encoding="utf-8") as stream:
            stream.write("".join(f"{digest}  {target.name}\n" for digest, target in zip(sums, contents)))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(incoming / SUMS, 0o444)
        os.chmod(incoming, 0o755)
        if folder.exists():  # rename would replace an empty folder; a release is never replaced
            raise ReleaseError(f"{folder.name} appeared in {DIST}/ while this release was written; nothing was changed")
        os.rename(incoming, folder)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return sums


def describe(result: ReleaseResult, project: Project) -> str:
    """What the release wrote, and what changed since the previous one, for the terminal."""
    lines = [f"Released version {result.version} ({result.date}, {result.pages} pages), read-only, in "
             f"{project.relative(result.folder)}/:"]
    lines += [f"  {path.name}  sha256 {digest}" for path, digest in zip(result.files, result.sha256)]
    lines.append(f"  (check them: cd {project.relative(result.folder)} && sha256sum -c {SUMS})")
    if result.changes is not None:
        lines.append(colophon.describe_changes(result.changes, result.version, result.previous))
    else:
        lines.append("The first release of this report in dist/: no list of changes.")
    return "\n".join(lines)
