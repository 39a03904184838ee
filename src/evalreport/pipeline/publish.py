"""Publish a built report: write the PDF, the HTML twin and the JSON sidecar aside, check them, and
move them where the last good report lies only when all of them are complete."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil

from evalreport.pipeline import document, pdf
from evalreport.pipeline.files import file_mode, write_text

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
    document.write_html_twin(html, staged[plan.html])
    result = checks[0]
    sidecar = {**sidecar, "pdf_checks": {"passed": result.passed, "checkers": list(result.checkers),
                                         "problems": [str(p) for p in result.problems], "draft": config.draft}}
    write_text(staged[plan.sidecar], json.dumps(sidecar, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    document.install_assets(project.templates, project.build_dir)
    for target, source in staged.items():
        os.chmod(source, file_mode())
        os.replace(source, target)
    return pages, result
