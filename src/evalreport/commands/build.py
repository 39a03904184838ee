"""`evalreport build` and `evalreport check`: one report, every report of a portfolio on a Dask cluster, or
the check of a report's configuration and data alone. The command line loads this module when one of them
runs: the build's modules take seconds to import, which `evalreport --help` need not wait for."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from evalreport.chapters import statements
from evalreport.commands.newcase import unfinished_prose
from evalreport.pipeline import portfolio
from evalreport.pipeline.build import build_report, check_report


def build(project, config_path: Path, jobs: int | None, draft: bool) -> int:
    """Build one report; say where its outputs are."""
    result = build_report(project, config_path, jobs=jobs, draft=draft)
    print(f"The report is ready: {project.relative(result.pdf)} ({result.pages} pages); "
          f"HTML twin: {project.relative(result.html)}; Word copy for comments: "
          f"{project.relative(result.pdf.with_suffix('.docx'))}")
    return 0


def build_portfolio(project, portfolio_file: Path | None, scheduler: str | None, workers: int | None, draft: bool,
                    verbose: bool) -> int:
    """Every case (or those `portfolio_file` lists) on a Dask cluster: a local one, or `scheduler`'s."""
    configs = portfolio.portfolio_cases(project, portfolio_file)
    if not verbose:  # the portfolio says one line per report and chapter; the steps' own lines would interleave
        logging.getLogger("evalreport").setLevel(logging.WARNING)
    with portfolio.Cluster(scheduler, workers) as cluster:
        result = portfolio.build_portfolio(project, configs, cluster, draft=draft)
    print(result.summary(project))
    return 1 if result.failed else 0


def check(project, config_path: Path) -> int:
    """Check a report's configuration and data; print the sentences the standard chapters say on the
    analyst's behalf; name the prose files still as `make new-case` left them."""
    checked = check_report(project, config_path)
    config = checked.config
    print(f"{project.relative(config_path)}: the configuration and the data are valid")
    if checked.statements:
        print(statements.describe(checked.statements, project.relative(config_path), project.relative))
    unfinished = unfinished_prose(project.resolve(config.prose_dir or f"prose/{config_path.stem}"))
    if unfinished:
        print("Still to write (as 'make new-case' left them): "
              + ", ".join(project.relative(p) for p in unfinished), file=sys.stderr)
    return 0
