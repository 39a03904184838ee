"""The report tells the truth about itself (issue 18): built from case files the commit does not hold,
its colophon says so and is dated by those files, not by the tool's last commit."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "2026-11-30T10:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-30T10:00:00+00:00"}


def test_a_report_from_untracked_case_files_says_so_and_is_dated_by_them(project):
    lessons = project / "prose" / "vestre_toten" / "lessons.md"
    (project / ".gitignore").write_text(f"/build/\n/{lessons.relative_to(project)}\n", encoding="utf-8")
    env = {**os.environ, **GIT_ENV}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "the tool and most of the case"]):
        subprocess.run(["git", *command], cwd=project, env=env, check=True, capture_output=True)
    (project / ".gitignore").write_text("/build/\n", encoding="utf-8")  # the prose file is now untracked
    subprocess.run(["git", "commit", "-qam", "ignore build only"], cwd=project, env=env, check=True,
                   capture_output=True)
    edited = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc).timestamp()
    os.utime(lessons, (edited, edited))
    built = subprocess.run([EVALREPORT, "build", "--case", "vestre_toten"], cwd=project, capture_output=True,
                           text=True, timeout=900, env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"})
    assert built.returncode == 0, built.stderr
    text = " ".join(page.extract_text() for page in PdfReader(project / "build" / "vestre_toten.pdf").pages)
    colophon = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).split("Kolofon")[-1]
    assert "Ikke-innsjekkede endringer ja" in colophon, colophon
    assert "Bygget 7. desember 2026 12:00 UTC" in colophon, colophon
