"""Publish a built report: write the PDF, the HTML twin and the JSON sidecar aside, check them, and
move them where the last good report lies only when all of them are complete."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil

from evalreport.pipeline import document, pdf
from evalreport.files import file_mode, write_text

log = logging.getLogger(__name__)


def publish(plan, html: str, sidecar: dict):
    """Write and check every output of the report, then replace the last good ones; return (pages, checks)."""
    from evalreport.pipeline import pdfcheck

    config, project = plan.config, plan.project
    staging = plan.work / "out"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    staged = {plan.pdf: staging / plan.pdf.name, plan.html: staging / plan.html.name,
              plan.sidecar: staging / plan.sidecar.name}
    checks = []

    def verify(tmp) -> None:
        """The PDF must pass PDF/A-2a and PDF/UA-1 before it may replace the last good one."""
        checks.append(pdfcheck.verify_pdf(tmp, config.language, title=config.title, draft=config.draft,
                                          label=project.relative(plan.pdf)))

    epoch = int(dt.datetime.fromisoformat(plan.built_at).timestamp())
    pages = pdf.write_pdf(html, staged[plan.pdf], project.templates, epoch=epoch, verify=verify)
    document.write_html_twin(html, staged[plan.html], project.templates)
    result = checks[0]
    sidecar = {**sidecar, "pdf_checks": {"passed": result.passed, "checkers": list(result.checkers),
                                         "problems": [str(p) for p in result.problems], "draft": config.draft}}
    write_text(staged[plan.sidecar], json.dumps(sidecar, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    for source in staged.values():
        os.chmod(source, file_mode())
    replace_together(staged, staging / "previous")
    return pages, result


def replace_together(staged: dict, keep) -> None:
    """Move each staged file (target: source) into place; if any move fails or is interrupted, put
    back the files that were there before, so that the PDF, the HTML twin and the sidecar are always
    of one build.

    The old files are kept as hard links in `keep` (on the same file system) until every move has
    succeeded; a target that did not exist before is removed again.
    """
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    previous = {}
    for target in staged:
        if target.is_file():
            previous[target] = keep / target.name
            try:
                os.link(target, previous[target])
            except OSError:  # a file system without hard links
                shutil.copy2(target, previous[target])
    moved = []
    try:
        for target, source in staged.items():
            os.replace(source, target)
            moved.append(target)
    except BaseException:
        for target in reversed(moved):
            if target in previous:
                os.replace(previous[target], target)
            else:
                target.unlink(missing_ok=True)
        log.debug("publishing failed; the last good report was put back")
        raise
    finally:
        shutil.rmtree(keep, ignore_errors=True)
