"""A release to the council is complete or absent, compared with what the council got, and numbered
(issue 20, R9-R11; issue 18, the release items).

Each test works on its own copy of one project: the bundled case committed to git and released as
1.0 by the command line, once for the module.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support import copy_project

NAME = "vestre_toten"
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

# Runs the command line and, when the finished release folder is about to be moved into dist/,
# delivers `signal` to itself: SIGKILL as a crash or a power cut, SIGINT as Ctrl-C.
AT_THE_MOVE = r'''
import os, signal, sys
kind = sys.argv.pop(1)
original = os.rename
def rename(source, target, *args, **kwargs):
    if os.path.basename(os.fspath(source)).startswith(".incoming-"):
        print("SIGNAL AT THE MOVE", file=sys.stderr, flush=True)
        os.kill(os.getpid(), getattr(signal, kind))
    return original(source, target, *args, **kwargs)
os.rename = rename
from evalreport.cli import main
sys.exit(main(sys.argv[1:]))
'''


def git(root: Path, *args: str, date: str = "2026-03-02T10:00:00+00:00") -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def evalreport(root: Path, *args: str, at_the_move: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # the commit's time decides
    env.update(GIT_ENV)
    command = ([sys.executable, "-c", AT_THE_MOVE, at_the_move] if at_the_move
               else [sys.executable, "-m", "evalreport"])
    return subprocess.run([*command, *args], cwd=root, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("released") / "project")
    (root / ".gitignore").write_text("/build/\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the report as the council gets it")
    done = evalreport(root, "release", "1.0", "--case", NAME)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def project(template, tmp_path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "project", symlinks=True))


def releases(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "dist").iterdir())


def change_the_report(root: Path, words: str = "Ein ny setning i lærdommene.") -> None:
    lessons = root / "prose" / NAME / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")
    git(root, "commit", "-qam", "a new lesson", date="2026-04-15T10:00:00+00:00")


def test_a_release_is_a_folder_with_its_sums_that_sha256sum_accepts(template):
    folder = template / "dist" / f"{NAME}-1.0"
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", f"{NAME}-1.0.html", f"{NAME}-1.0.json",
                                                        f"{NAME}-1.0.pdf"]
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.count(": OK") == 3


@pytest.mark.parametrize("version, example", [("v2", "2.0"), ("2024-spring", "2024.0"), ("1", "1.0"),
                                              ("1.0rc1", "1.0")])
def test_a_version_that_is_not_a_version_number_is_refused_with_an_example(project, version, example):
    done = evalreport(project, "release", version, "--case", NAME)
    assert done.returncode == 1 and "number the releases 1.0, 1.1, 2.0" in done.stderr, done.stderr
    assert f"for example {example}" in done.stderr
    assert releases(project) == [f"{NAME}-1.0"]


def test_an_older_number_is_refused_with_the_next_one_and_the_case(project):
    done = evalreport(project, "release", "0.9", "--case", NAME)
    assert done.returncode == 1, done.stderr
    assert "version 0.9 comes before 1.0, the newest release" in done.stderr
    assert f"make release VERSION=1.1 CASE={NAME}" in done.stderr


def test_the_refusal_names_the_case_so_that_running_it_as_printed_releases_this_report(project):
    lessons = project / "prose" / NAME / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "\nIkkje sjekka inn.\n", encoding="utf-8")
    done = evalreport(project, "release", "1.1", "--case", NAME)
    assert done.returncode == 1 and f"uncommitted changes: prose/{NAME}/lessons.md" in done.stderr
    assert f"make release VERSION=1.1 CASE={NAME} FORCE=1" in done.stderr


def test_a_release_identical_to_the_previous_one_is_refused(project):
    git(project, "commit", "-q", "--allow-empty", "-m", "nothing new", date="2026-04-15T10:00:00+00:00")
    done = evalreport(project, "release", "1.1", "--case", NAME)
    assert done.returncode == 1, done.stderr
    assert "says exactly what version 1.0 said" in done.stderr and "Nothing was written to dist/" in done.stderr
    assert releases(project) == [f"{NAME}-1.0"]


def test_a_damaged_previous_release_stops_the_next_naming_the_file(project):
    pdf = project / "dist" / f"{NAME}-1.0" / f"{NAME}-1.0.pdf"
    os.chmod(pdf.parent, 0o755)
    os.chmod(pdf, 0o644)
    pdf.write_bytes(pdf.read_bytes() + b"\n% changed after the release\n")
    change_the_report(project)
    done = evalreport(project, "release", "1.1", "--case", NAME)
    assert done.returncode == 1, done.stderr
    assert (f"version 1.0 of {NAME}, the release this one would be compared with, is not as it was released: "
            f"dist/{NAME}-1.0/{NAME}-1.0.pdf does not match its SHA-256") in done.stderr
    assert releases(project) == [f"{NAME}-1.0"]


@pytest.mark.parametrize("kind", ["SIGKILL", "SIGINT"])
def test_a_release_stopped_while_it_is_moved_into_place_is_absent_and_can_be_made_again(project, kind):
    change_the_report(project)
    stopped = evalreport(project, "release", "1.1", "--case", NAME, at_the_move=kind)
    assert "SIGNAL AT THE MOVE" in stopped.stderr, stopped.stderr
    assert stopped.returncode == (-signal.SIGKILL if kind == "SIGKILL" else 130), stopped.stderr
    if kind == "SIGINT":
        assert "nothing was written to dist/" in stopped.stderr and "Traceback" not in stopped.stderr
    visible = [name for name in releases(project) if not name.startswith(".")]
    assert visible == [f"{NAME}-1.0"]  # no part of 1.1 a reader could take for a release
    again = evalreport(project, "release", "1.1", "--case", NAME)
    assert again.returncode == 0, again.stderr
    assert releases(project) == [f"{NAME}-1.0", f"{NAME}-1.1"]


def test_a_forced_draft_is_never_the_previous_version_of_a_final_release(project):
    config = project / "reports" / f"{NAME}.yaml"
    final = config.read_text(encoding="utf-8")
    config.write_text(final + "draft: true\n", encoding="utf-8")
    git(project, "commit", "-qam", "a draft for the board", date="2026-04-01T10:00:00+00:00")
    forced = evalreport(project, "release", "1.1", "--case", NAME, "--force")
    assert forced.returncode == 0, forced.stderr
    config.write_text(final, encoding="utf-8")
    change_the_report(project)
    done = evalreport(project, "release", "2.0", "--case", NAME)
    assert done.returncode == 0, done.stderr
    sidecar = json.loads((project / "dist" / f"{NAME}-2.0" / f"{NAME}-2.0.json").read_text(encoding="utf-8"))
    assert sidecar["release"]["previous"] == "1.0"


def test_the_change_page_says_why_and_lists_every_changed_sentence(project):
    from pypdf import PdfReader

    lessons = project / "prose" / NAME / "lessons.md"
    text = lessons.read_text(encoding="utf-8")
    first = text.split(".")[0]  # the first sentence, as the analyst wrote it
    lessons.write_text(text.replace(first, first + " (endret etter høringen)", 1), encoding="utf-8")
    (project / "prose" / NAME / "changes.md").write_text(
        "Kommunen ba om at lærdommene skulle presiseres.\n\nTallene er uendret.\n", encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "lessons after the hearing", date="2026-04-15T10:00:00+00:00")
    done = evalreport(project, "release", "1.1", "--case", NAME)
    assert done.returncode == 0, done.stderr
    pages = [" ".join(p.extract_text().replace("\u00a0", " ").split())
             for p in PdfReader(project / "dist" / f"{NAME}-1.1" / f"{NAME}-1.1.pdf").pages]
    page = next(p for p in pages if "Endringer fra versjon 1.0" in p and "Innhold" not in p)
    assert "Hvorfor Kommunen ba om at lærdommene skulle presiseres. Tallene er uendret." in page, page
    assert "Endret tekst" in page and "(endret etter høringen)" in page, page
    assert "(endret etter høringen)" in done.stdout  # the terminal lists the sentence too
