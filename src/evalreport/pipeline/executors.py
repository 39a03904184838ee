"""Where the heavy steps of a build run: on this machine (here), or on a Dask cluster
(`evalreport.pipeline.portfolio.DaskExecutor`). An executor runs the same steps of
`evalreport.pipeline.steps`; it only decides where.

An executor has
- `workers`: how many processes the effect estimate's placebo fits may use;
- `placebo_executor(plan)`: a concurrent.futures.Executor for the placebo fits, or None (local processes);
- `execute(run, chapters, parameters)`: run the chapters, each into `run.plan.executed(chapter)`,
  raising one ChapterError for all that failed;
- `document(run, steps)`: run the document steps (render, compose, the outputs) so that the
  run's staging folder holds the outputs and `run.results` what writing them found.
"""

from __future__ import annotations

import logging
import os

from evalreport.pipeline import execute

log = logging.getLogger(__name__)


class LocalExecutor:
    """Every step on this machine: chapters side by side in kernels of this process (one per core,
    reset between chapters), the placebo fits in processes when they are worth starting."""

    def __init__(self, jobs: int | None = None):
        self.workers = max(1, jobs or os.cpu_count() or 1)

    def placebo_executor(self, plan):
        return None

    def execute(self, run, chapters, parameters: dict) -> None:
        if not chapters:
            return
        plan = run.plan
        project = plan.project
        workers = max(1, min(self.workers, len(chapters)))
        log.info("Executing %d chapter(s) with %d worker(s):", len(chapters), workers)
        kernels = execute.Kernels(project.root)
        try:
            execute.execute_all([execute.Job(c.path, project.relative(c.path), plan.executed(c),
                                             plan.work / "failed", project.relative) for c in chapters],
                                parameters, workers, kernels)
        finally:
            kernels.shutdown()

    def document(self, run, steps) -> None:
        for step in steps:
            step.run(run)
