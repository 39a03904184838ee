"""Build one report: check, execute, render, write the PDF and the HTML twin, publish.

A build is a function of (project, case). It is incremental: a chapter runs again only when its
code, the report's configuration, the data it reads, the package or the environment changed; an
edit to prose alone runs no kernel (the text is rendered again from the chapter's last run). With
nothing changed the build says so and stops. Nothing is written where the last good report lies
until every step has succeeded.

Heavy libraries are imported inside the functions that need them, so that the no-op check is fast.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evalreport.config import ReportConfig, load_config
from evalreport.errors import ChapterError, DatasetError
from evalreport.pipeline import fingerprint
from evalreport.files import write_text
from evalreport.project import Chapter, Project, find_chapters

log = logging.getLogger(__name__)

STATE_VERSION = 3
REPORTED_VERSIONS = ["evalreport", "pandas", "numpy", "pandera", "matplotlib", "papermill", "nbconvert",
                     "jupytext", "ipykernel", "weasyprint", "pydantic", "openpyxl", "pikepdf", "page-validation",
                     "pdfua", "nh3"]
PACKAGE = Path(__file__).resolve().parents[1]
# What chapters import and what decides their outputs; the build's own code and the tools are not in
# it, so that editing them runs no chapter again.
RUNTIME_EXCLUDED = ("pipeline", "tools", "cli.py", "__main__.py")


@dataclass(frozen=True)
class BuildResult:
    pdf: Path
    html: Path
    pages: int
    seconds: float
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    rebuilt: bool = True
    changes: dict | None = None  # a release after another: what changed (see colophon.compare_releases)


@dataclass(frozen=True)
class Release:
    """A version of the report sent to the council: its name, and the release before it in dist/
    (its name and its sidecar), which the section «Endringer fra versjon ...» compares with."""

    version: str
    previous_version: str | None = None
    previous: dict | None = None  # the previous release's JSON sidecar

    def key(self) -> str:
        return fingerprint.hash_text(self.version, self.previous_version or "",
                                     json.dumps(self.previous, sort_keys=True) if self.previous else "")


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

    @property
    def work(self) -> Path:
        return self.project.build_dir / ".work" / self.config.output_name

    @property
    def pdf(self) -> Path:
        return self.project.build_dir / f"{self.config.output_name}.pdf"

    @property
    def html(self) -> Path:
        return self.project.build_dir / f"{self.config.output_name}.html"

    @property
    def sidecar(self) -> Path:
        return self.project.build_dir / f"{self.config.output_name}.json"

    @property
    def document_key(self) -> str:
        return fingerprint.hash_text(json.dumps(
            [STATE_VERSION, self.inputs, self.package_key, self.pipeline_key, self.environment, self.git,
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


def _built_at(git: dict, config: ReportConfig) -> str:
    """The build's time, taken from the inputs so that the same inputs give the same files:
    SOURCE_DATE_EPOCH when set, else the time of the commit the project is at, else the report's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or git.get("commit_time")
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
        records = yaml.safe_load(provenance.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        records = {}  # the check names the problem
    files = [provenance]
    for record in records.values() if isinstance(records, dict) else []:
        name = record.get("file") if isinstance(record, dict) else None
        path = (data_dir / str(name)).resolve() if name else None
        if path is not None and path.is_relative_to(data_dir.resolve()) and path.is_file():
            files.append(data_dir / str(name))
    return sorted(set(files))


def make_plan(project: Project, config_path: Path) -> Plan:
    """Check the configuration, then fingerprint every input of the report."""
    config = load_config(config_path, project.relative(config_path))
    config_arg = project.relative(config_path)
    data_dir = project.resolve(config.data_dir)
    prose_dir = project.resolve(config.prose_dir or f"prose/{config_path.stem}")
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
    git = fingerprint.git_state(project.root)
    return Plan(
        project=project, config=config, config_path=config_path, config_arg=config_arg, data_dir=data_dir,
        prose_dir=prose_dir, chapters=chapters, inputs=inputs,
        data_key=fingerprint.hash_text(json.dumps(data, sort_keys=True)),
        prose_key=fingerprint.hash_text(json.dumps(prose, sort_keys=True)),
        templates_key=fingerprint.hash_tree(project.templates),
        package_key=fingerprint.hash_tree(PACKAGE, exclude=RUNTIME_EXCLUDED),
        pipeline_key=fingerprint.hash_tree(PACKAGE / "pipeline"),
        environment=fingerprint.environment(), git=git, built_at=_built_at(git, config),
    )


def _read_state(plan: Plan) -> dict:
    try:
        state = json.loads((plan.work / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else {}


def _up_to_date(plan: Plan, state: dict) -> bool:
    return (state.get("document_key") == plan.document_key
            and all(p.is_file() for p in (plan.pdf, plan.html, plan.sidecar))
            and fingerprint.hash_file(plan.pdf) == state.get("pdf_sha256")
            and fingerprint.hash_file(plan.html) == state.get("html_sha256"))


def build_report(project: Project, config_path: Path, jobs: int | None = None, draft: bool = False,
                 executor=None, release: Release | None = None) -> BuildResult:
    """Build the PDF and HTML twin of the report configured in `config_path`; with `release`, as that
    version (on the title page, in the colophon, and with what changed since the previous one)."""
    from evalreport.pipeline.lock import report_lock

    started = time.perf_counter()
    plan = _planned(project, config_path, draft, release)
    with report_lock(plan.work, project.relative(plan.pdf)):
        state = _read_state(plan)
        if _up_to_date(plan, state):
            seconds = time.perf_counter() - started
            log.info("Nothing changed since the last build: %s is up to date (%.2f s).",
                     project.relative(plan.pdf), seconds)
            return BuildResult(plan.pdf, plan.html, state.get("pages", 0), seconds, rebuilt=False)
        return _build(plan, state, jobs, started, executor)


def build_html_only(project: Project, config_path: Path, draft: bool = False, jobs: int | None = None,
                    executor=None, font_url=None) -> str:
    """The HTML twin of the report as it stands, for the preview: the same plan, chapters, rendering
    and document as `build_report`, without the PDF and without writing anything in build/.

    The chapters it executes and the fragments it renders are recorded in the work folder's state,
    so that the full build that follows reuses them and only writes the PDF. `font_url(face)`, if
    given, links each font instead of embedding a subset (see `document.compose_html_twin`).
    """
    from evalreport.pipeline import document
    from evalreport.pipeline.lock import report_lock

    plan = _planned(project, config_path, draft, None)
    with report_lock(plan.work, project.relative(plan.html)):
        state = _read_state(plan)
        case_facts, keys, *_ = _prepare(plan, state, jobs, executor)
        composed = compose(plan, state.get("fragments", {}), case_facts)
        # build/ is unchanged, and so is what the state says about it (the document key, the outputs'
        # digests): only what the next build may reuse is recorded.
        write_text(plan.work / "state.json", json.dumps(
            {**state, **_reusable_state(plan, case_facts, keys, composed.fragment_digests)}, indent=2, sort_keys=True))
    return document.compose_html_twin(composed.html, project.templates, font_url=font_url)


def _planned(project: Project, config_path: Path, draft: bool, release: Release | None) -> Plan:
    import dataclasses

    plan = make_plan(project, config_path)
    if draft and not plan.config.draft:
        plan = _as_draft(plan)
    return dataclasses.replace(plan, release=release) if release else plan


def _as_draft(plan: Plan) -> Plan:
    import dataclasses

    config = plan.config.model_copy(update={"draft": True})
    return dataclasses.replace(plan, config=config, inputs={**plan.inputs, "(draft)": "yes"})


def _build(plan: Plan, state: dict, jobs: int | None, started: float, executor=None) -> BuildResult:
    from evalreport.pipeline import publish

    project = plan.project
    case_facts, keys, pending, reused, phases = _prepare(plan, state, jobs, executor)

    mark = time.perf_counter()
    composed = compose(plan, state.get("fragments", {}), case_facts)
    phases["render"] = time.perf_counter() - mark

    mark = time.perf_counter()
    sidecar = sidecar_of(plan, composed.glue, composed.facts, case_facts, composed)
    pages, checks = publish.publish(plan, composed.html, sidecar)
    phases["pdf"] = time.perf_counter() - mark

    write_state(plan, pages, case_facts, keys, composed.fragment_digests)
    seconds = time.perf_counter() - started
    executed_names = [c.stem for c in pending]
    log.info("Wrote %s (%d pages) and %s in %.1f s: %d chapter(s) executed, %d reused (%s).",
             project.relative(plan.pdf), pages, project.relative(plan.html), seconds, len(executed_names),
             len(reused), ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    if not checks.passed:
        log.warning("DRAFT: the PDF does not pass every check; it is marked as a draft (see above).")
    return BuildResult(plan.pdf, plan.html, pages, seconds, executed_names, reused, changes=composed.changes)


def _prepare(plan: Plan, state: dict, jobs: int | None, executor=None):
    """Check the case, estimate the effect, execute the chapters whose inputs changed; return
    (the case's facts, each chapter's key, the chapters executed, the names of those reused, seconds by phase)."""
    from evalreport.pipeline import check, execute

    project = plan.project
    phases: dict[str, float] = {}
    mark = time.perf_counter()
    case_facts = check.check_case(plan, state.get("case", {}))
    phases["check"] = time.perf_counter() - mark
    mark = time.perf_counter()
    from evalreport.pipeline import estimation

    case_facts["effect"] = estimation.estimate_effect(plan, case_facts, state.get("case", {}),
                                                      workers=max(1, jobs or os.cpu_count() or 1), executor=executor)
    phases["effect"] = time.perf_counter() - mark

    mark = time.perf_counter()
    keys, pending, reused = chapters_to_run(plan, state)
    if pending:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
        log.info("Executing %d chapter(s) with %d worker(s):", len(pending), workers)
        kernels = execute.Kernels(project.root)
        try:
            execute.execute_all([execute.Job(c.path, project.relative(c.path), plan.executed(c),
                                             plan.work / "failed", project.relative) for c in pending],
                                chapter_parameters(plan, case_facts), workers, kernels)
        finally:
            kernels.shutdown()
    phases["chapters"] = time.perf_counter() - mark
    return case_facts, keys, pending, reused, phases


# The steps of a build that a portfolio build (evalreport.pipeline.portfolio) also calls on their own.

def chapters_to_run(plan: Plan, state: dict) -> tuple[dict[str, str], list[Chapter], list[str]]:
    """Each notebook chapter's key, the chapters to execute, and the names of those whose last run is reused."""
    from evalreport.pipeline import execute

    keys, pending, reused = {}, [], []
    previous = state.get("chapters", {})
    for chapter in (c for c in plan.chapters if c.is_notebook):
        source = execute.read_chapter(chapter.path)
        keys[chapter.stem] = plan.chapter_key(execute.code_signature(source), execute.reads_data(source))
        executed = plan.executed(chapter)
        recorded = previous.get(chapter.stem, {})
        # Reuse only the very file the last good build recorded: a failed or damaged run is made again.
        if (recorded.get("key") == keys[chapter.stem] and executed.is_file()
                and recorded.get("sha256") == fingerprint.hash_file(executed)):
            reused.append(chapter.stem)
            log.info("  reused    %s", chapter.stem)
        else:
            if executed.is_file() and recorded.get("key") == keys[chapter.stem]:
                log.info("  note: the last run of %s was changed or damaged; running it again", chapter.stem)
            pending.append(chapter)
    return keys, pending, reused


def chapter_parameters(plan: Plan, case_facts: dict) -> dict:
    """The papermill parameters every chapter of the report gets."""
    return {"config_file": plan.config_arg, "case_store": str(case_facts["store"]),
            "effect_store": str(case_facts["effect"]), "project_root": str(plan.project.root)}


@dataclass(frozen=True)
class Composed:
    """The report as one HTML document, with what the sidecar and the next build need of it."""

    html: str
    glue: dict  # every value the chapters glued
    facts: dict  # the build's provenance
    fragment_digests: dict  # for the next build to reuse the rendered chapters
    chapters: dict  # each chapter's title and the digest of its text (colophon.chapter_texts)
    changes: dict | None = None  # a release after another: what changed since the previous one


def compose(plan: Plan, fragments_state: dict, case_facts: dict) -> Composed:
    """The whole report as one HTML document from the executed chapters: for a release after
    another the changes since it come first, then the chapters, then the colophon."""
    from evalreport.pipeline import colophon, document, render

    config, release = plan.config, plan.release
    fragments, glue, fragment_digests = render.render_report(plan, fragments_state)
    chapters = colophon.chapter_texts(fragments, [c.stem for c in plan.chapters])
    changes = None
    if release is not None and release.previous is not None:
        changes = colophon.compare_releases(release.previous, glue.get("key_figures_printed") or [], chapters)
        fragments.insert(0, colophon.render_changes(changes, release.version, release.previous_version,
                                                    config.language, plan.project.templates))
    # The system libraries that lay out the PDF and the font subsetter are named beside the packages.
    facts = colophon.collect(plan, {**fingerprint.package_versions(REPORTED_VERSIONS),
                                    **fingerprint.system_libraries()})
    sidecar = f"{release_name(config.output_name, release.version)}.json" if release else plan.sidecar.name
    fragments.append(colophon.render_colophon(facts, config.language, sidecar, plan.project.templates,
                                              release and release.version))
    html = document.compose_document(fragments, config, document.DocumentFacts(
        sample=case_facts["sample"], created=plan.built_at, provenance=facts, draft=config.draft,
        release_version=release and release.version, release_date=release and release_date(plan)),
        plan.project.templates)
    return Composed(html, glue, facts, fragment_digests, chapters, changes)


def compose_report(plan: Plan, fragments_state: dict, case_facts: dict) -> tuple[str, dict, dict, dict]:
    """`compose` as (html, the glued values, the provenance facts, the digests of the rendered fragments)."""
    composed = compose(plan, fragments_state, case_facts)
    return composed.html, composed.glue, composed.facts, composed.fragment_digests


def release_date(plan: Plan) -> dt.date:
    """A release's date: the day of the build's time (SOURCE_DATE_EPOCH or the commit's time, in
    UTC), so that building the same commit again gives the same PDF, not the day it was run."""
    return dt.datetime.fromisoformat(plan.built_at).astimezone(dt.timezone.utc).date()


def sidecar_of(plan: Plan, glue: dict, facts: dict, case_facts: dict, composed: Composed | None = None) -> dict:
    """The JSON sidecar beside the PDF (publish adds the PDF checks); the effect estimate as numbers;
    the key figures as printed and each chapter's text digest, for the next release to compare."""
    from evalreport import effect
    from evalreport.pipeline import render

    config, release = plan.config, plan.release
    estimate = effect.key_figures(effect.read(Path(case_facts["effect"])), config.effect.significance)
    sidecar = {"report": config.title, "config": plan.config_arg, "parameters": config.model_dump(mode="json"),
               "key_figures": glue.get("key_figures", {}), "key_figures_printed": glue.get("key_figures_printed", []),
               "effect": estimate, "values": glue, "provenance": facts, "sample": bool(case_facts["sample"])}
    if composed is not None:
        sidecar["chapters"] = composed.chapters
        sidecar["labels"] = render.exhibit_labels(composed.fragment_digests)
    if release is not None:
        sidecar["release"] = {"version": release.version, "date": release_date(plan).isoformat(),
                              "previous": release.previous_version,
                              "changes": composed.changes if composed is not None else None}
    return sidecar


def write_state(plan: Plan, pages: int, case_facts: dict, keys: dict[str, str], fragment_digests: dict) -> None:
    """Record what the published report was built from, for the next build to reuse."""
    new_state = {**_reusable_state(plan, case_facts, keys, fragment_digests),
                 "document_key": plan.document_key, "pages": pages,
                 "pdf_sha256": fingerprint.hash_file(plan.pdf), "html_sha256": fingerprint.hash_file(plan.html)}
    write_text(plan.work / "state.json", json.dumps(new_state, indent=2, sort_keys=True))


def _reusable_state(plan: Plan, case_facts: dict, keys: dict[str, str], fragment_digests: dict) -> dict:
    """What the next build may reuse: the validated case, each chapter's last run, each rendered fragment."""
    return {"version": STATE_VERSION, "fragments": fragment_digests,
            "chapters": {c.stem: {"key": keys[c.stem], "sha256": fingerprint.hash_file(plan.executed(c))}
                         for c in plan.chapters if c.is_notebook},
            "case": {**case_facts, "store": str(case_facts["store"]), "effect": str(case_facts["effect"])}}


def check_report(project: Project, config_path: Path) -> ReportConfig:
    """Check the configuration and every input of the report, without building; return the configuration."""
    from evalreport.datasets import load_case

    from evalreport.pipeline import language, prose

    config = load_config(config_path, project.relative(config_path))
    load_case(config, project.resolve(config.data_dir), project.relative)
    prose_dir = project.resolve(config.prose_dir or f"prose/{config_path.stem}")
    chapters = find_chapters(project, prose_dir)
    prose.check_markup(chapters, prose_dir, config.language, project.relative)
    for warning in language.check_prose(prose_dir, config.language, project.relative):
        log.warning("warning: %s", warning)
    return config


__all__ = ["BuildResult", "ChapterError", "Composed", "Plan", "Release", "build_html_only", "build_report",
           "chapter_parameters", "chapters_to_run", "check_report", "compose", "compose_report", "make_plan",
           "release_date", "release_name", "sidecar_of", "write_state"]
