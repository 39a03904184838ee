"""The house rules for chapter notebooks, checked on every notebook (as OWID scans its steps)."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
ABSOLUTE_PATH = re.compile(r"""["'](/(?:home|work|tmp|Users|root|mnt|opt|var)/|[A-Za-z]:\\\\)""")


def code_cells(path: Path) -> list[str]:
    return [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]


def test_there_are_chapters_numbered_in_tens():
    assert len(NOTEBOOKS) >= 8
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z_]+\.py", path.name), path.name
        assert int(path.name[:2]) % 10 == 0, f"{path.name}: number chapters in tens"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exactly_one_parameters_cell_that_runs_on_the_bundled_case(path):
    cells = [c for c in jupytext.read(path).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    assigned = dict(re.findall(r'^(\w+) = "([^"]*)"$', cells[0].source, flags=re.M))
    assert (ROOT / assigned["config_file"]).is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_function_or_class_definitions(path):
    for source in code_cells(path):
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)), (
                f"{path.name}: move definitions into the package")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_absolute_paths_and_no_file_reading(path):
    for source in code_cells(path):
        assert not ABSOLUTE_PATH.search(source), f"{path.name}: absolute path"
        assert "read_csv" not in source and "open(" not in source, f"{path.name}: load data through the package"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_starts_with_one_top_level_heading(path):
    markdown = [c.source for c in jupytext.read(path).cells
                if c.cell_type == "markdown" and "remove-cell" not in c.metadata.get("tags", [])]
    headings = [line for cell in markdown for line in cell.splitlines() if line.startswith("# ")]
    assert len(headings) == 1, f"{path.name}: {headings}"


def test_no_stored_outputs_are_tracked():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for name in tracked:
        notebook = jupytext.read(ROOT / name)
        assert not any(c.get("outputs") for c in notebook.cells), f"{name} has stored outputs"
    assert not [n for n in tracked if n.startswith("notebooks/")], "chapters are kept as jupytext .py files"
