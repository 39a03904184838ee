"""Build one report: run a plan over the build's one list of steps (`evalreport.pipeline.steps`).

A build is a function of (project, case). It is incremental: a chapter runs again only when its
code, the report's configuration, the data it reads, the package or the environment changed; an
edit to prose alone runs no kernel (the text is rendered again from the chapter's last run). With
nothing changed the build says so and stops. Nothing is written where the last good report lies
until every step has succeeded, and then all of it at once.

Every way of building is a plan over the same steps: `build` (a report, a release as a version,
each report of a portfolio with the Dask executor) runs all of them; `preview_page` runs them up to
`compose` and hands back the HTML twin without writing anything in build/.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from evalreport.chapters import statements
from evalreport.config import ReportConfig, load_config
from evalreport.datasets import load_case
from evalreport.errors import Published
from evalreport.files import clear_the_way
from evalreport.pipeline import document, language, prose, publish, steps
from evalreport.pipeline.executors import LocalExecutor
from evalreport.pipeline.lock import report_lock
from evalreport.pipeline.plan import Plan, Release, make_plan, prose_dir_of
from evalreport.pipeline.state import BuildState
from evalreport.project import Project, find_chapters

log = logging.getLogger(__name__)


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
    passed: bool = True  # the PDF passed every check (a draft may not)
    phases: dict = field(default_factory=dict)  # seconds by step
    after: object = None  # what `then` returned (see `build`)


WORK_FOLDERS = ("executed", "fragments", "failed", "published")


def run_steps(plan: Plan, selected: tuple[steps.Step, ...], executor, state: BuildState,
              run: steps.Run | None = None) -> steps.Run:
    """Run `selected` steps in order; the document steps (render to the outputs) go to the executor
    together, as one piece of work where the files are."""
    for folder in WORK_FOLDERS:  # a file where the build keeps a folder would stop every build alike
        clear_the_way(plan.work / folder)
    run = run or steps.Run(plan, state, executor)
    index = 0
    while index < len(selected):
        step = selected[index]
        mark = time.perf_counter()
        if step.document:
            group = []
            while index < len(selected) and selected[index].document:
                group.append(selected[index])
                index += 1
            executor.document(run, tuple(group))
            run.phases["+".join(s.name for s in group)] = time.perf_counter() - mark
            continue
        step.run(run)
        run.phases[step.name] = time.perf_counter() - mark
        index += 1
    return run


def build(plan: Plan, executor=None, then: Callable[[Plan], object] | None = None) -> BuildResult:
    """Build the report `plan` describes, unless its published outputs are those it would write.

    `then(plan)`, if given, is called with the report's lock still held once the outputs are
    published (or found up to date), so that no other build can replace them in between: a release
    reads them there.
    """
    started = time.perf_counter()
    executor = executor or LocalExecutor()
    with report_lock(plan.work, plan.project.relative(plan.pdf)):
        state = BuildState.read(plan)
        if state.up_to_date(plan, steps.SUFFIXES):
            seconds = time.perf_counter() - started
            log.info("Nothing changed since the last build: %s is up to date (%.2f s).",
                     plan.project.relative(plan.pdf), seconds)
            return BuildResult(plan.pdf, plan.html, state.pages, seconds, rebuilt=False,
                               after=then(plan) if then else None)
        run = steps.Run(plan, state, executor)
        try:
            run_steps(plan, steps.STEPS, executor, state, run)
        except BaseException as exc:
            # Stopped after the switch (an interrupt, a full disk while the state is written):
            # build/ holds the new outputs, and the message must not say otherwise.
            if run.published or publish.switched(run.staging):
                Published.mark(exc, [plan.project.relative(plan.output(s)) for s in steps.SUFFIXES])
            raise
        after = then(plan) if then else None
    seconds = time.perf_counter() - started
    pages, checks = run.results["pdf"]["pages"], run.results["pdf"]["checks"]
    log.info("Wrote %s (%d pages) and %s in %.1f s: %d chapter(s) executed, %d reused (%s).",
             plan.project.relative(plan.pdf), pages, plan.project.relative(plan.html), seconds, len(run.executed),
             len(run.reused), ", ".join(f"{k} {v:.1f} s" for k, v in run.phases.items()))
    if not checks.passed:
        log.warning("DRAFT: the PDF does not pass every check; it is marked as a draft (see above).")
    return BuildResult(plan.pdf, plan.html, pages, seconds, run.executed, run.reused,
                       changes=run.composed.changes if run.composed else None, passed=checks.passed,
                       phases=dict(run.phases), after=after)


def build_report(project: Project, config_path: Path, jobs: int | None = None, draft: bool = False,
                 release: Release | None = None) -> BuildResult:
    """Build the PDF and HTML twin of the report configured in `config_path` on this machine; with
    `release`, as that version (on the title page, in the colophon, and with what changed since the
    previous one)."""
    return build(make_plan(project, config_path, draft=draft, release=release), LocalExecutor(jobs))


def preview_page(project: Project, config_path: Path, draft: bool = False, jobs: int | None = None,
                 font_url=None) -> str:
    """The HTML twin of the report as it stands, for the preview: the build's steps up to `compose`,
    without the PDF and without writing anything in build/.

    The chapters it executes and the fragments it renders are recorded in the report's state, so
    that the full build that follows reuses them and only writes the outputs. `font_url(face)`, if
    given, links each font instead of embedding a subset (see `document.compose_html_twin`).
    """
    plan = make_plan(project, config_path, draft=draft)
    with report_lock(plan.work, project.relative(plan.html)):
        state = BuildState.read(plan)
        run = run_steps(plan, steps.steps_until("compose"), LocalExecutor(jobs), state)
        # build/ is unchanged, and so is what the state says about it: only what the next build may
        # reuse is recorded.
        state.reusable(plan, run.case_facts, run.chapter_keys, run.fragments.digests).write(plan)
    return document.compose_html_twin(run.composed.html, project.templates, font_url=font_url,
                                      charts=run.composed.charts)


@dataclass(frozen=True)
class Checked:
    """What `make check` found: the configuration, and the sentences the standard chapters would say on
    the analyst's behalf."""

    config: ReportConfig
    statements: list[statements.Statement]


def check_report(project: Project, config_path: Path) -> Checked:
    """Check the configuration and every input of the report, without building."""
    config = load_config(config_path, project.relative(config_path))
    load_case(config, project.resolve(config.data_dir), project.relative)
    prose_dir = prose_dir_of(project, config, config_path)
    chapters = find_chapters(project, prose_dir)
    prose.check_markup(chapters, prose_dir, config.language, project.relative)
    for warning in language.check_prose(prose_dir, config.language, project.relative):
        log.warning("warning: %s", warning)
    return Checked(config, statements.standard_statements(chapters, config))
