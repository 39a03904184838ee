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
from evalreport.pipeline.files import write_text
from evalreport.pipeline.project import Chapter, Project, find_chapters

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
             self.built_at], sort_keys=True))

    @property
    def case_key(self) -> str:
        """What the validated case depends on: the data, the configuration and the code that checks them."""
        return fingerprint.hash_text(self.data_key, self.inputs[self.config_arg], self.package_key,
                                     json.dumps(self.environment, sort_keys=True))

    def chapter_key(self, code_signature: str, reads_data: bool) -> str:
        """What a chapter's execution depends on: its code, the configuration, the data it reads, the
        package, the fonts its charts are measured in, and the environment (not its prose)."""
        return fingerprint.hash_text(code_signature, self.inputs[self.config_arg],
                                     self.data_key if reads_data else "", self.package_key,
                                     fingerprint.hash_tree(self.project.fonts),
                                     json.dumps(self.environment, sort_keys=True))

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
    inputs = {config_arg: fingerprint.hash_file(config_path), **data, **prose,
              **{project.relative(c.path): fingerprint.hash_file(c.path) for c in chapters},
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
                 executor=None) -> BuildResult:
    """Build the PDF and HTML twin of the report configured in `config_path`."""
    from evalreport.pipeline.lock import report_lock

    started = time.perf_counter()
    plan = make_plan(project, config_path)
    if draft and not plan.config.draft:
        plan = _as_draft(plan)
    with report_lock(plan.work, project.relative(plan.pdf)):
        state = _read_state(plan)
        if _up_to_date(plan, state):
            seconds = time.perf_counter() - started
            log.info("Nothing changed since the last build: %s is up to date (%.2f s).",
                     project.relative(plan.pdf), seconds)
            return BuildResult(plan.pdf, plan.html, state.get("pages", 0), seconds, rebuilt=False)
        return _build(plan, state, jobs, started, executor)


def _as_draft(plan: Plan) -> Plan:
    import dataclasses

    config = plan.config.model_copy(update={"draft": True})
    return dataclasses.replace(plan, config=config, inputs={**plan.inputs, "(draft)": "yes"})


def _build(plan: Plan, state: dict, jobs: int | None, started: float, executor=None) -> BuildResult:
    from evalreport.pipeline import check, execute, publish

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

    mark = time.perf_counter()
    html, glue, facts, fragment_digests = compose_report(plan, state.get("fragments", {}), case_facts)
    phases["render"] = time.perf_counter() - mark

    mark = time.perf_counter()
    pages, checks = publish.publish(plan, html, sidecar_of(plan, glue, facts, case_facts))
    phases["pdf"] = time.perf_counter() - mark

    write_state(plan, pages, case_facts, keys, fragment_digests)
    seconds = time.perf_counter() - started
    executed_names = [c.stem for c in pending]
    log.info("Wrote %s (%d pages) and %s in %.1f s: %d chapter(s) executed, %d reused (%s).",
             project.relative(plan.pdf), pages, project.relative(plan.html), seconds, len(executed_names),
             len(reused), ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    if not checks.passed:
        log.warning("DRAFT: the PDF does not pass every check; it is marked as a draft (see above).")
    return BuildResult(plan.pdf, plan.html, pages, seconds, executed_names, reused)


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


def compose_report(plan: Plan, fragments_state: dict, case_facts: dict) -> tuple[str, dict, dict, dict]:
    """The whole report as one HTML document from the executed chapters: (html, the glued values,
    the provenance facts, the digests of the rendered fragments)."""
    from evalreport.pipeline import colophon, document, render

    config = plan.config
    fragments, glue, fragment_digests = render.render_report(plan, fragments_state)
    # The system libraries that lay out the PDF and the font subsetter are named beside the packages.
    facts = colophon.collect(plan, {**fingerprint.package_versions(REPORTED_VERSIONS),
                                    **fingerprint.system_libraries()})
    fragments.append(colophon.render_colophon(facts, config.language))
    html = document.compose_document(fragments, config, document.DocumentFacts(
        sample=case_facts["sample"], created=plan.built_at, provenance=facts), plan.project.templates)
    return html, glue, facts, fragment_digests


def sidecar_of(plan: Plan, glue: dict, facts: dict, case_facts: dict) -> dict:
    """The JSON sidecar beside the PDF (publish adds the PDF checks); the effect estimate as numbers."""
    from evalreport import effect

    config = plan.config
    estimate = effect.key_figures(effect.read(Path(case_facts["effect"])), config.effect.significance)
    return {"report": config.title, "config": plan.config_arg, "parameters": config.model_dump(mode="json"),
            "key_figures": glue.get("key_figures", {}), "effect": estimate, "values": glue, "provenance": facts}


def write_state(plan: Plan, pages: int, case_facts: dict, keys: dict[str, str], fragment_digests: dict) -> None:
    """Record what the published report was built from, for the next build to reuse."""
    new_state = {"version": STATE_VERSION, "document_key": plan.document_key, "pages": pages,
                 "pdf_sha256": fingerprint.hash_file(plan.pdf), "html_sha256": fingerprint.hash_file(plan.html),
                 "fragments": fragment_digests,
                 "chapters": {c.stem: {"key": keys[c.stem], "sha256": fingerprint.hash_file(plan.executed(c))}
                              for c in plan.chapters if c.is_notebook},
                 "case": {**case_facts, "store": str(case_facts["store"]), "effect": str(case_facts["effect"])}}
    write_text(plan.work / "state.json", json.dumps(new_state, indent=2, sort_keys=True))


def check_report(project: Project, config_path: Path) -> ReportConfig:
    """Check the configuration and every input of the report, without building; return the configuration."""
    from evalreport.datasets import load_case

    config = load_config(config_path, project.relative(config_path))
    load_case(config, project.resolve(config.data_dir), project.relative)
    prose_dir = project.resolve(config.prose_dir or f"prose/{config_path.stem}")
    find_chapters(project, prose_dir)
    return config


__all__ = ["BuildResult", "ChapterError", "Plan", "build_report", "chapter_parameters", "chapters_to_run",
           "check_report", "compose_report", "make_plan", "sidecar_of", "write_state"]
