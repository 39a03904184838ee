"""Saving a chapter in JupyterLab changes nothing but what was edited (issue 18): without the project's
jupytext.toml, jupytext wrote its own version and the format's into every chapter's header, which
changed the file for git, the build's fingerprints and the release check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTEXT = str(Path(sys.executable).with_name("jupytext"))
CHAPTERS = sorted((ROOT / "notebooks").glob("*.py"))


def save_as_jupyterlab_does(folder: Path, chapter: Path) -> bytes:
    """Open the chapter as a notebook and save it back as its percent script, with the project's config."""
    copy = Path(shutil.copy(chapter, folder / chapter.name))  # jupytext looks for the config from the file's folder up
    notebook = folder / f"{chapter.stem}.ipynb"
    subprocess.run([JUPYTEXT, "--to", "ipynb", "-o", str(notebook), str(copy)], check=True, capture_output=True)
    saved = folder / "saved" / chapter.name
    saved.parent.mkdir(exist_ok=True)
    subprocess.run([JUPYTEXT, "--to", "py:percent", "-o", str(saved), str(notebook)], check=True, capture_output=True)
    return saved.read_bytes()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_a_chapter_saved_unchanged_is_the_same_file(tmp_path, chapter):
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    assert save_as_jupyterlab_does(tmp_path, chapter) == chapter.read_bytes()


def test_without_the_projects_config_saving_would_change_the_header(tmp_path):
    # Shows what the config prevents (so the test above tests something).
    saved = save_as_jupyterlab_does(tmp_path, CHAPTERS[0]).decode("utf-8")
    assert "jupytext_version:" in saved and saved != CHAPTERS[0].read_text(encoding="utf-8")
