"""What one build of one report depends on, by content: the plan every step reads.

A plan is made once per build from the project and the report's configuration: the checked
configuration, the chapters, the SHA-256 of every input (configuration, data, chapters, prose,
templates), fingerprints of the package and the environment, the git state, the build's time, and
what kind of build it is (a draft, a release as some version). Every step of the build, wherever it
runs (here, or on a Dask worker), decides from the plan alone what to do and what it may reuse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from evalreport import yamlfile
from evalreport.config import ReportConfig, load_config
from evalreport.errors import DatasetError
from evalreport.pipeline import fingerprint
from evalreport.project import Chapter, Project, find_chapters

PACKAGE = Path(__file__).resolve().parents[1]
# What chapters import and what decides their outputs; the build's own code and the user commands
# are not in it, so that editing them runs no chapter again.
RUNTIME_EXCLUDED = ("pipeline", "commands", "cli.py", "__main__.py")
FORMAT = 5  # of the build's own records (the state, the document key); a new format builds everything again


@dataclass(frozen=True)
class Release:
    """A version of the report sent to the council: its name, and the release before it in dist/
    (its name and its sidecar), which the section «Endringer fra versjon ...» compares with."""

    version: str
    previous_version: str | None = None
    previous: dict | None = None  # the previous release's JSON sidecar
    reasons: tuple[str, ...] = ()  # why it changed, in the analyst's words (paragraphs)

    def key(self) -> str:
        return fingerprint.hash_text(self.version, self.previous_version or "",
                                     json.dumps(self.previous, sort_keys=True) if self.previous else "",
                                     *self.reasons)


def release_name(output_name: str, version: str) -> str:
    """The file name (without suffix) of a release: vestre_toten-1.1."""
    return f"{output_name}-{version}"


@dataclass(frozen=True)
class Plan:
    """What one report's build depends on, by content."""

    project: Project
    config: ReportConfig
    config_path: Path
    config_arg: str  # the configuration's path as the chapters get it (relative to the project)
    data_dir: Path
    prose_dir: Path
    chapters: tuple[Chapter, ...]
    inputs: dict[str, str]  # file as the analyst sees it -> sha256: configuration, data, chapters, prose, templates
    data_key: str
    prose_key: str
    templates_key: str
    package_key: str
    pipeline_key: str
    environment: dict[str, str]
    git: dict
    built_at: str
    release: Release | None = None
    work_dir: Path | None = None  # where a Dask worker keeps its own work (default: build/.work/<name>)

    @property
    def name(self) -> str:
        """The report's name: its outputs are build/<name>.pdf, .html, .json."""
        return self.config.output_name

    @property
    def work(self) -> Path:
        """The report's own folder of intermediate results (build/.work/<name>)."""
        return self.work_dir or self.project.build_dir / ".work" / self.name

    def output(self, suffix: str) -> Path:
        """Where the published output with `suffix` ('.pdf') lies: build/<name><suffix>."""
        return self.project.build_dir / f"{self.name}{suffix}"

    @property
    def pdf(self) -> Path:
        return self.output(".pdf")

    @property
    def html(self) -> Path:
        return self.output(".html")

    @property
    def sidecar(self) -> Path:
        return self.output(".json")

    @property
    def document_key(self) -> str:
        """What the published outputs depend on: every input, the code, the environment, the time
        and the kind of build."""
        return fingerprint.hash_text(json.dumps(
            [FORMAT, self.inputs, self.package_key, self.pipeline_key, self.environment, self.git,
             self.built_at, self.release.key() if self.release else None], sort_keys=True))

    @property
    def case_key(self) -> str:
        """What the validated case depends on: the data, the configuration and the code that checks them."""
        return fingerprint.hash_text(self.data_key, self.inputs[self.config_arg], self.package_key,
                                     json.dumps(self.environment, sort_keys=True))

    def chapter_key(self, code_signature: str, reads_data: bool) -> str:
        """What a chapter's execution depends on: its code, the configuration, the data it reads, the
        package, the look of its tables and figures (their templates, the chart style and the fonts the
        charts are measured in), and the environment (not its text)."""
        fonts, exhibits, chart_style = self.project.look_files
        return fingerprint.hash_text(code_signature, self.inputs[self.config_arg],
                                     self.data_key if reads_data else "", self.package_key,
                                     fingerprint.hash_tree(fonts), fingerprint.hash_tree(exhibits),
                                     fingerprint.hash_file(chart_style), json.dumps(self.environment, sort_keys=True))

    def executed(self, chapter: Chapter) -> Path:
        return self.work / "executed" / f"{chapter.stem}.ipynb"

    def as_draft(self) -> Plan:
        """The same report built as a draft («UTKAST» on every page), whatever its configuration says."""
        if self.config.draft:
            return self
        config = self.config.model_copy(update={"draft": True})
        return dataclasses.replace(self, config=config, inputs={**self.inputs, "(draft)": "yes"})

    def working_in(self, folder: Path) -> Plan:
        """The same plan with its intermediate results in `folder` (a Dask worker's scratch folder);
        the inputs stay where they are."""
        return dataclasses.replace(self, work_dir=folder)

    def as_release(self, release: Release) -> Plan:
        """The same report built as the version `release` (title page, colophon, changes)."""
        return dataclasses.replace(self, release=release)

    @property
    def release_date(self) -> dt.date:
        """A release's date: the day of the build's time (SOURCE_DATE_EPOCH or the commit's time, in
        UTC), so that building the same commit again gives the same PDF, not the day it was run."""
        return dt.datetime.fromisoformat(self.built_at).astimezone(dt.timezone.utc).date()

    @property
    def epoch(self) -> int:
        """The build's time as seconds since 1970, for the files' own timestamps."""
        return int(dt.datetime.fromisoformat(self.built_at).timestamp())


def _built_at(project: Project, git: dict, config: ReportConfig) -> str:
    """The build's time, taken from the inputs so that the same inputs give the same files:
    SOURCE_DATE_EPOCH when set; else, in a git checkout, the time of the commit if it holds every
    input as it is, or else the time the newest of the inputs it does not hold was last written (a
    report built from files edited after the commit is not dated by the commit); outside git, noon
    of the report's date (no file's time: a copy made with other file times is the same input)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch and git.get("commit"):
        times = [project.resolve(name).stat().st_mtime for name in git["uncommitted"]
                 if project.resolve(name).is_file()]
        epoch = max([git.get("commit_time") or 0, *map(int, times)]) or None
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).isoformat()
    return f"{config.report_date.isoformat()}T12:00:00+00:00"


def _data_files(data_dir: Path, label: str) -> list[Path]:
    """The files the case reads: datasets.yaml and each file it names (inside the data folder);
    reading them is checked later, this only says what to fingerprint."""
    provenance = data_dir / "datasets.yaml"
    if not provenance.is_file():
        raise DatasetError(f"{label}: missing; every data folder needs datasets.yaml, a provenance record per "
                           "dataset ('make new-case' writes one)")
    try:
        records = yamlfile.read(provenance, label) or {}
    except yamlfile.YamlError:
        records = {}  # the check names the problem
    files = [provenance]
    for record in records.values() if isinstance(records, dict) else []:
        name = record.get("file") if isinstance(record, dict) else None
        path = (data_dir / str(name)).resolve() if name else None
        if path is not None and path.is_relative_to(data_dir.resolve()) and path.is_file():
            files.append(data_dir / str(name))
    return sorted(set(files))


def prose_dir_of(project: Project, config: ReportConfig, config_path: Path) -> Path:
    """The case's prose folder: the configuration's `prose_dir`, else prose/<name of the configuration>."""
    return project.resolve(config.prose_dir or f"prose/{config_path.stem}")


def make_plan(project: Project, config_path: Path, draft: bool = False, release: Release | None = None) -> Plan:
    """Check the configuration, then fingerprint every input of the report."""
    config = load_config(config_path, project.relative(config_path))
    config_arg = project.relative(config_path)
    data_dir = project.resolve(config.data_dir)
    prose_dir = prose_dir_of(project, config, config_path)
    chapters = tuple(find_chapters(project, prose_dir))
    data = {project.relative(p): fingerprint.hash_file(p)
            for p in _data_files(data_dir, project.relative(data_dir / "datasets.yaml"))}
    prose_files = fingerprint.files_under(prose_dir) if prose_dir.is_dir() else []
    prose = {project.relative(p): fingerprint.hash_file(p) for p in prose_files}
    templates = fingerprint.files_under(project.templates)
    texts = [c.text_file(config.language) for c in chapters if c.text_file(config.language)]
    inputs = {config_arg: fingerprint.hash_file(config_path), **data, **prose,
              **{project.relative(c.path): fingerprint.hash_file(c.path) for c in chapters},
              **{project.relative(p): fingerprint.hash_file(p) for p in texts},
              **{project.relative(p): fingerprint.hash_file(p) for p in templates}}
    git = fingerprint.git_state(project.root, list(inputs))
    plan = Plan(
        project=project, config=config, config_path=config_path, config_arg=config_arg, data_dir=data_dir,
        prose_dir=prose_dir, chapters=chapters, inputs=inputs,
        data_key=fingerprint.hash_text(json.dumps(data, sort_keys=True)),
        prose_key=fingerprint.hash_text(json.dumps(prose, sort_keys=True)),
        templates_key=fingerprint.hash_tree(project.templates),
        package_key=package_key(),
        pipeline_key=fingerprint.hash_tree(PACKAGE / "pipeline"),
        environment=fingerprint.environment(), git=git, built_at=_built_at(project, git, config),
    )
    if draft:
        plan = plan.as_draft()
    return plan.as_release(release) if release else plan


def package_key() -> str:
    """The fingerprint of the package the chapters import (not the build's own code)."""
    return fingerprint.hash_tree(PACKAGE, exclude=RUNTIME_EXCLUDED)
