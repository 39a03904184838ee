"""A case named like the portfolio overview's files would overwrite them, and they it (issue 20, F6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))


def evalreport(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EVALREPORT, *args], cwd=project, capture_output=True, text=True, timeout=300)


def test_a_case_cannot_be_started_under_the_overviews_name(project):
    done = evalreport(project, "new-case", "--case", "portfolio", "--municipality", "1563", "--start", "2007",
                      "--end", "2013")
    assert done.returncode == 1 and "build/portfolio.pdf is the portfolio overview's" in done.stderr, done.stderr
    assert not (project / "reports" / "portfolio.yaml").exists()


def test_a_configuration_writing_the_overviews_files_is_refused_by_check(project):
    config = (project / "reports" / "vestre_toten.yaml").read_text(encoding="utf-8")
    (project / "reports" / "portfolio.yaml").write_text(config.replace("output_name: vestre_toten",
                                                                       "output_name: portfolio"), encoding="utf-8")
    done = evalreport(project, "check", "--case", "portfolio")
    assert done.returncode == 1, done.stderr
    assert "key 'output_name': 'portfolio' is the name of the portfolio overview's files" in done.stderr, done.stderr
