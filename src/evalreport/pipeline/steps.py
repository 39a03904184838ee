"""The steps of a build, in order, each with what decides whether its last result can be reused.

    check      validate the configuration and every input; keep the validated case  (key: the case)
    estimate   the effect analysis of chapter 4, once, before the chapters         (key: the case)
    execute    run each chapter whose code, configuration, data or package changed  (key: per chapter)
    render     each chapter to an HTML fragment, its prose filled in                (key: per fragment)
    compose    the whole report as one HTML document (title page, contents, colophon)
    pdf        the archival PDF, checked (PDF/A-2a, PDF/UA-1)                        } the outputs, each
    html       the HTML twin                                                         } written aside
    sidecar    the JSON sidecar: key figures, values, provenance, the PDF's checks   }
    docx       the Word copy for the client's comments (not archival)                }
    publish    the outputs become build/<name>.* all at once; the state is recorded  (key: the document)

Every way of building runs a plan over this one list (see `evalreport.pipeline.build`): a report
all of it; the preview up to `compose`; a release all of it as a version; a portfolio all of it for
each report, with an executor that runs `execute` and the document steps (render to sidecar) on a
Dask cluster. An output format is one `Output` in `OUTPUTS` (and its template): the build, the
state, the publisher, releases and the portfolio take every output from there (a release only the
archival ones).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from evalreport import casestore, effect
from evalreport.datasets import load_case
from evalreport.errors import DatasetError
from evalreport.files import write_text
from evalreport.pipeline import (citations, colophon, document, execute, fingerprint, pdf, pdfcheck, publish, render,
                                 wordcopy)
from evalreport.pipeline.plan import Plan, release_name
from evalreport.pipeline.state import BuildState
from evalreport.project import Chapter

log = logging.getLogger(__name__)

REPORTED_VERSIONS = ["evalreport", "pandas", "numpy", "pandera", "matplotlib", "papermill", "nbconvert",
                     "jupytext", "ipykernel", "weasyprint", "pydantic", "openpyxl", "pikepdf", "page-validation",
                     "pdfua", "nh3"]


@dataclass(frozen=True)
class Rendered:
    """Every chapter as an HTML fragment, the values the chapters glued, and the fragments' digests
    (for the next build to reuse them)."""

    fragments: tuple[str, ...] = ()
    glue: dict = field(default_factory=dict)
    digests: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Composed:
    """The report as one HTML document, with what the sidecar and the next build need of it."""

    html: str
    glue: dict  # every value the chapters glued
    facts: dict  # the build's provenance
    chapters: dict  # each chapter's title and the digest of its text (colophon.chapter_texts)
    changes: dict | None = None  # a release after another: what changed since the previous one
    charts: frozenset[str] = frozenset()  # the digests of the charts the chapters drew (document.drawn_charts)


@dataclass
class Run:
    """One build of one report in progress: its plan, the state it started from, where its heavy
    steps run, and what each step has made so far."""

    plan: Plan
    state: BuildState
    executor: object  # see evalreport.pipeline.executors
    case_facts: dict = field(default_factory=dict)  # {"key", "sample", "store", "effect"}
    chapter_keys: dict[str, str] = field(default_factory=dict)
    executed: list[str] = field(default_factory=list)  # chapters run in this build
    reused: list[str] = field(default_factory=list)  # chapters whose last run was reused
    fragments: Rendered = field(default_factory=Rendered)
    composed: Composed | None = None
    staging: publish.Staging | None = None
    results: dict[str, dict] = field(default_factory=dict)  # output name -> what writing it found (pages, checks)
    phases: dict[str, float] = field(default_factory=dict)  # seconds by step
    published: bool = False


# --- check and estimate ----------------------------------------------------------------------------

def check(run: Run) -> None:
    """Validate the case, or reuse the last build's verdict when nothing it depends on changed.

    A stored case is reused only when its content still matches its digest; it is validated and
    written again otherwise.
    """
    plan, previous = run.plan, run.state.case
    key = plan.case_key
    store = Path(previous.get("store", ""))
    if previous.get("key") == key and previous.get("store") and store.parent == plan.work:
        if casestore.verify(store):
            run.case_facts = {"key": key, "sample": previous["sample"], "store": store}
            return
        log.info("  note: the stored case %s was damaged or changed; checking the data again", store.name)
    case = load_case(plan.config, plan.data_dir, plan.project.relative)
    for stale in plan.work.glob("case-*.json"):
        stale.unlink()
    run.case_facts = {"key": key, "sample": case.sample, "store": casestore.write(plan.work, key, plan.config, case)}


def estimate(run: Run) -> None:
    """The effect analysis of the report: reused if the case is unchanged and its file intact.

    The synthetic control with its placebo runs is the one heavy computation of a report: here it
    can use every core (or a Dask cluster's workers, through the executor), while the chapters only
    present it.
    """
    plan, previous, facts = run.plan, run.state.case, run.case_facts
    stored = Path(previous.get("effect", "") or "")
    if previous.get("key") == facts["key"] and stored.parent == plan.work and effect.verify(stored):
        facts["effect"] = stored
        return
    # Said only when the case is the same: after a change of data estimating again is no news.
    if previous.get("key") == facts["key"] and stored.name and stored.parent == plan.work and stored.exists():
        log.info("  note: the stored effect analysis was changed or damaged; estimating again")
    started = time.perf_counter()
    config, case, _ = casestore.read(Path(facts["store"]))
    try:
        analysis = effect.analyse(config, case, workers=run.executor.workers,
                                  executor=run.executor.placebo_executor(plan))
    except ValueError as exc:  # data the estimate cannot use, named by the analysis
        raise DatasetError(f"the effect estimate of chapter 4 cannot be made: {exc}") from None
    for stale in plan.work.glob("effect-*.json"):
        stale.unlink()
    facts["effect"] = effect.write(plan.work, analysis)
    log.info("estimated the effect on employment: synthetic control of %d donors with placebos (%.1f s)",
             len(analysis.donors), time.perf_counter() - started)


# --- execute -------------------------------------------------------------------------------------

def chapters_to_run(plan: Plan, state: BuildState) -> tuple[dict[str, str], list[Chapter], list[str]]:
    """Each notebook chapter's key, the chapters to execute, and the names of those whose last run is reused."""
    keys, pending, reused = {}, [], []
    for chapter in (c for c in plan.chapters if c.is_notebook):
        source = execute.read_chapter(chapter.path)
        keys[chapter.stem] = plan.chapter_key(execute.code_signature(source), execute.reads_data(source))
        executed = plan.executed(chapter)
        recorded = state.chapters.get(chapter.stem, {})
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


def execute_chapters(run: Run) -> None:
    """Run the chapters whose inputs changed, where the executor runs them (side by side)."""
    run.chapter_keys, pending, run.reused = chapters_to_run(run.plan, run.state)
    run.executor.execute(run, pending, chapter_parameters(run.plan, run.case_facts))
    run.executed = [c.stem for c in pending]
    if pending:  # kept at once: a build that fails later (a PDF check) need not run them again
        run.state = run.state.reusable(run.plan, run.case_facts, run.chapter_keys, run.state.fragments)
        run.state.write(run.plan)


# --- render and compose ----------------------------------------------------------------------------

def render_chapters(run: Run) -> None:
    """Every chapter as an HTML fragment; only those whose run, prose or templates changed are rendered again."""
    fragments, glue, digests = render.render_report(run.plan, run.state.fragments)
    run.fragments = Rendered(tuple(fragments), glue, digests)


def compose(run: Run) -> None:
    """The whole report as one HTML document from the rendered chapters: for a release after
    another the changes since it come first, then the chapters, then the colophon."""
    plan, rendered = run.plan, run.fragments
    config, release = plan.config, plan.release
    fragments = list(rendered.fragments)
    chapters = colophon.chapter_texts(fragments, [c.stem for c in plan.chapters])
    changes = None
    if release is not None and release.previous is not None:
        changes = colophon.compare_releases(release.previous, rendered.glue.get("key_figures_printed") or [],
                                            chapters)
        fragments.insert(0, colophon.render_changes(changes, release.version, release.previous_version,
                                                    config.language, plan.project.templates, release.reasons))
    # The system libraries that lay out the PDF and the font subsetter are named beside the packages.
    facts = colophon.collect(plan, {**fingerprint.package_versions(REPORTED_VERSIONS),
                                    **fingerprint.system_libraries()})
    sidecar = f"{release_name(config.output_name, release.version)}.json" if release else plan.sidecar.name
    fragments.append(colophon.render_colophon(facts, config.language, sidecar, plan.project.templates,
                                              release and release.version))
    html = document.compose_document(fragments, config, document.DocumentFacts(
        sample=run.case_facts["sample"], created=plan.built_at, provenance=facts, draft=config.draft,
        release_version=release and release.version, release_date=release and plan.release_date),
        plan.project.templates, bibliography=lambda: citations.load(plan.prose_dir, plan.project.relative))
    charts = document.drawn_charts(render.read_executed(plan.executed(c)) for c in plan.chapters if c.is_notebook)
    run.composed = Composed(html, rendered.glue, facts, chapters, changes, charts)


# --- the outputs ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Output:
    """One output file of a report: its name, its suffix, how it is written (into `target`, from the
    run's composed document and what the outputs before it found), and whether it is part of the
    record sent to the council (a release holds only the archival outputs)."""

    name: str
    suffix: str
    write: Callable[[Run, Path], dict]
    archival: bool = True


def write_pdf(run: Run, target: Path) -> dict:
    """The PDF, checked (PDF/A-2a, PDF/UA-1, our structure checks) before it counts as written."""
    plan = run.plan
    config, checks = plan.config, []

    def verify(tmp) -> None:
        checks.append(pdfcheck.verify_pdf(tmp, config.language, title=config.title, draft=config.draft,
                                          label=plan.project.relative(plan.pdf)))

    pages = pdf.write_pdf(run.composed.html, target, plan.project.templates, epoch=plan.epoch, verify=verify)
    return {"pages": pages, "checks": checks[0]}


def write_html(run: Run, target: Path) -> dict:
    document.write_html_twin(run.composed.html, target, run.plan.project.templates, run.composed.charts)
    return {}


def write_sidecar(run: Run, target: Path) -> dict:
    result = run.results["pdf"]["checks"]
    sidecar = {**sidecar_of(run), "pdf_checks": {"passed": result.passed, "checkers": list(result.checkers),
                                                 "problems": [str(p) for p in result.problems],
                                                 "draft": run.plan.config.draft}}
    write_text(target, json.dumps(sidecar, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return {}


def write_docx(run: Run, target: Path) -> dict:
    """The Word copy for the client's comments, with its source map (see `evalreport.pipeline.wordcopy`)."""
    return wordcopy.write_word_copy(run.composed.html, target, run.plan.project.templates, wordcopy.facts_of(run))


OUTPUTS = (Output("pdf", ".pdf", write_pdf), Output("html", ".html", write_html),
           Output("sidecar", ".json", write_sidecar), Output("docx", ".docx", write_docx, archival=False))
SUFFIXES = tuple(o.suffix for o in OUTPUTS)
ARCHIVAL_SUFFIXES = tuple(o.suffix for o in OUTPUTS if o.archival)  # what a release holds, the sidecar last


def sidecar_of(run: Run) -> dict:
    """The JSON sidecar beside the PDF (the PDF's checks are added when it is written): the effect
    estimate as numbers, the key figures as printed and each chapter's text digest, for the next
    release to compare."""
    plan, composed = run.plan, run.composed
    config, release, glue = plan.config, plan.release, composed.glue
    estimate = effect.key_figures(effect.read(Path(run.case_facts["effect"])), config.effect.significance)
    sidecar = {"report": config.title, "config": plan.config_arg, "parameters": config.model_dump(mode="json"),
               "key_figures": glue.get("key_figures", {}), "key_figures_printed": glue.get("key_figures_printed", []),
               "effect": estimate, "values": glue, "provenance": composed.facts, "sample": bool(run.case_facts["sample"]),
               "sample_data": run.case_facts["sample"],
               "chapters": composed.chapters, "labels": render.exhibit_labels(run.fragments.digests)}
    if release is not None:
        sidecar["release"] = {"version": release.version, "date": plan.release_date.isoformat(),
                              "previous": release.previous_version, "changes": composed.changes}
    return sidecar


def write_outputs(run: Run) -> None:
    """Write every output into the run's staging folder, in order."""
    if run.staging is None:
        run.staging = publish.Staging(run.plan.work, run.plan.name)
    for output in OUTPUTS:
        run.results[output.name] = output.write(run, run.staging.path(output.suffix))


# --- publish -------------------------------------------------------------------------------------

def publish_outputs(run: Run) -> None:
    """Make the staged outputs the report's, all at once, then record what they were built from."""
    plan = run.plan
    reusable = run.state.reusable(plan, run.case_facts, run.chapter_keys, run.fragments.digests)
    publish.publish(run.staging, plan.project.build_dir, SUFFIXES)
    run.published = True
    reusable.published(plan, SUFFIXES, run.results["pdf"]["pages"]).write(plan)


@dataclass(frozen=True)
class Step:
    """One step of the build: its name, its function, and whether it belongs to the document (the
    steps from render to the last output, which an executor runs together where the files are)."""

    name: str
    run: Callable[[Run], None]
    document: bool = False


STEPS = (Step("check", check), Step("estimate", estimate), Step("execute", execute_chapters),
         Step("render", render_chapters, document=True), Step("compose", compose, document=True),
         Step("outputs", write_outputs, document=True), Step("publish", publish_outputs))


def steps_until(name: str) -> tuple[Step, ...]:
    """The steps of the build up to and including `name` (the preview stops at 'compose')."""
    names = [s.name for s in STEPS]
    return STEPS[:names.index(name) + 1]
