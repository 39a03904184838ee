"""The command line as the analyst meets it: its version, its refusals, chapters it cannot use."""

from __future__ import annotations

import subprocess
import sys

from support import bare_environment


def evalreport(project, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evalreport", *arguments], cwd=project, capture_output=True,
                          text=True, env=bare_environment())


def test_python_m_evalreport_tells_its_version(project):
    from evalreport import __version__

    done = evalreport(project, "--version")
    assert done.returncode == 0 and done.stdout.strip() == f"evalreport {__version__}"


def test_no_chapters_side_by_side_is_refused(project):
    for jobs in ("0", "-2", "two"):
        done = evalreport(project, "build", "--jobs", jobs)
        assert done.returncode == 2 and "--jobs" in done.stderr and "Traceback" not in done.stderr
        assert not (project / "build").exists()


def test_a_notebook_chapter_saved_as_ipynb_is_reported_not_ignored(project):
    (project / "notebooks" / "45_mine.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, '
                                                         '"nbformat_minor": 5}', encoding="utf-8")
    done = evalreport(project, "check")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "notebooks/45_mine.ipynb: a chapter must be a jupytext text file (.py)" in done.stderr
    assert "jupytext --to py:percent 45_mine.ipynb" in done.stderr


def test_a_case_that_does_not_exist_is_named_with_the_cases_there_are(project):
    done = evalreport(project, "check", "--case", "sundal")
    assert done.returncode == 1 and "there is no case 'sundal'" in done.stderr and "vestre_toten" in done.stderr
