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
def test_exactly_one_parameters_cell_naming_no_case(path):
    # A standard chapter serves every case: the build passes the report; nothing in it names one.
    cells = [c for c in jupytext.read(path).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    assigned = dict(re.findall(r'^(\w+) = "([^"]*)"$', cells[0].source, flags=re.M))
    assert {"config_file", "case_store", "project_root"} <= set(assigned)
    assert all(value == "" for value in assigned.values()), assigned


CASE_WORDS = re.compile(r"vestre toten|raufoss|gjøvik|steffensrud|pedersen sveis|toten", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_standard_chapters_tell_no_cases_story(path):
    assert not CASE_WORDS.search(path.read_text(encoding="utf-8")), f"{path.name} names the bundled case"


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


LANGUAGES = ("nb", "nn", "en")


def prose_cells(path: Path) -> list:
    return [c for c in jupytext.read(path).cells
            if c.cell_type == "markdown" and "remove-cell" not in c.metadata.get("tags", [])]


def language_of(cell) -> str | None:
    return next((t.removeprefix("lang-") for t in cell.metadata.get("tags", []) if t.startswith("lang-")), None)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_starts_with_one_top_level_heading_in_each_language(path):
    for language in LANGUAGES:
        headings = [line for cell in prose_cells(path) if language_of(cell) == language
                    for line in cell.source.splitlines() if line.startswith("# ")]
        assert len(headings) == 1, f"{path.name} ({language}): {headings}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_text_is_in_all_three_languages_with_the_same_sections(path):
    # Text outside a language's cells may only place the case's own prose.
    for cell in prose_cells(path):
        if language_of(cell) is None:
            lines = [line for line in cell.source.splitlines() if line.strip()]
            assert all(re.fullmatch(r'\{\{ prose\("\w+"\) \}\}', line.strip()) for line in lines), (
                f"{path.name}: text in no language's cell: {cell.source[:80]!r}")
    sections = {language: [line.split()[0] for cell in prose_cells(path) if language_of(cell) == language
                           for line in cell.source.splitlines() if line.startswith("#")]
                for language in LANGUAGES}
    assert sections["nb"] == sections["nn"] == sections["en"], f"{path.name}: {sections}"
    includes = {language: sorted(re.findall(r'prose\("(\w+)"\)', "".join(
        c.source for c in prose_cells(path) if language_of(c) in (language, None)))) for language in LANGUAGES}
    assert includes["nb"] == includes["nn"] == includes["en"], f"{path.name}: {includes}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_sentences_are_markdown_not_strings_in_code(path):
    for source in code_cells(path):
        assert "Markdown(" not in source, f"{path.name}: write prose as markdown cells with {{{{ values }}}}"


def test_no_stored_outputs_are_tracked():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for name in tracked:
        notebook = jupytext.read(ROOT / name)
        assert not any(c.get("outputs") for c in notebook.cells), f"{name} has stored outputs"
    assert not [n for n in tracked if n.startswith("notebooks/")], "chapters are kept as jupytext .py files"
