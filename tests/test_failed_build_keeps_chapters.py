"""A build that fails after its chapters ran (here at the PDF's checks) keeps their runs: the retry
after the fix runs no chapter again (issue 18, the analyst's loop)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))
# A picture without a caption beside it: the PDF's accessibility check refuses it.
UNCAPTIONED = ('\n\n<figure><img alt="Et bilde uten bildetekst" src="data:image/svg+xml;base64,'
               'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg=="></figure>\n')


def build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([EVALREPORT, "build", "--case", "vestre_toten"], cwd=project, capture_output=True,
                          text=True, timeout=900)


def test_a_build_failing_its_pdf_checks_keeps_its_chapters_for_the_next(project):
    lessons = project / "prose" / "vestre_toten" / "lessons.md"
    kept = lessons.read_text(encoding="utf-8")
    lessons.write_text(kept + UNCAPTIONED, encoding="utf-8")
    failed = build(project)
    assert failed.returncode == 1 and "the figure has no caption" in failed.stderr, failed.stderr
    assert len(re.findall(r"executed\s+\d\d_", failed.stderr)) == 8
    lessons.write_text(kept, encoding="utf-8")
    again = build(project)
    assert again.returncode == 0, again.stderr
    assert not re.search(r"executed\s+\d\d_", again.stderr), again.stderr
    assert len(re.findall(r"reused\s+\d\d_", again.stderr)) == 8
