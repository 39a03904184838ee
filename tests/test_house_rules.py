"""The house rules for chapter notebooks and their texts, checked on every chapter (as OWID scans its
steps): a notebook holds code (its parameters, one cell of values from the package, one labelled cell
per table or figure), its text is in one file per language, and the three languages agree."""

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
    for text in [path, *sorted(path.parent.glob(f"{path.stem}*.md"))]:
        assert not CASE_WORDS.search(text.read_text(encoding="utf-8")), f"{text.name} names the bundled case"


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
LABEL = re.compile(r"(fig|tbl)-[a-z0-9]+(-[a-z0-9]+)*")
EXHIBIT = re.compile(r"""\{\{ exhibit\("([^"]+)"\) \}\}""")


def text_files(path: Path) -> dict[str, Path]:
    """A standard chapter's text in each language, beside its notebook."""
    return {language: path.with_suffix(".md" if language == "nb" else f".{language}.md") for language in LANGUAGES}


def exhibit_cells(path: Path) -> list:
    return [c for c in jupytext.read(path).cells if c.cell_type == "code" and "exhibit" in c.metadata]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_holds_code_and_its_text_is_in_one_file_per_language(path):
    for language, text in text_files(path).items():
        assert text.is_file(), f"{path.name}: its text in {language} belongs in {text.name}"
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "markdown":  # only a note for analysts, which the report never shows
            assert "remove-cell" in cell.metadata.get("tags", []), f"{path.name}: prose in a cell: {cell.source[:60]!r}"
        assert not any(t.startswith("lang-") for t in cell.metadata.get("tags", [])), f"{path.name}: a lang-* cell"


def test_every_text_file_belongs_to_a_notebook():
    names = {text.name for path in NOTEBOOKS for text in text_files(path).values()}
    assert sorted(p.name for p in (ROOT / "notebooks").glob("*.md") if p.name not in names) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_report_say_and_words_from_the_catalogue(path):
    source = path.read_text(encoding="utf-8")
    assert "report.say(" not in source and ".say(" not in source, f"{path.name}: words come from the catalogue"
    strings = [node.value for source in code_cells(path) for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert not [text for text in strings if re.search(r"[æøåÆØÅ]| og | i ", text)], f"{path.name}: words in code"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if len(code_cells(p)) > 1], ids=lambda p: p.name)
def test_the_values_cell_is_a_few_lines_that_call_the_package(path):
    # The cell after the parameters loads the report and glues what its chapter module computes.
    values = code_cells(path)[1]
    statements = ast.parse(values).body
    assert len(statements) <= 6, f"{path.name}: {len(statements)} statements; compute in evalreport.chapters"
    assert "chapter.load(" in values and "report.glue(" in values and "chapters." in values, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_after_the_values_is_one_labelled_exhibit(path):
    for source, cell in zip(code_cells(path)[2:], [c for c in jupytext.read(path).cells if c.cell_type == "code"][2:]):
        label = cell.metadata.get("exhibit")
        assert label and LABEL.fullmatch(label), f"{path.name}: no label fig-... or tbl-...: {source[:60]!r}"
        assert "display(" not in source, f"{path.name}: {label} shows one exhibit, as its value"


def test_exhibit_labels_are_unique_in_the_report():
    labels = [c.metadata["exhibit"] for path in NOTEBOOKS for c in exhibit_cells(path)]
    assert len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)
    assert len(labels) >= 20


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_text_places_every_exhibit_once_on_a_line_of_its_own(path):
    labels = [c.metadata["exhibit"] for c in exhibit_cells(path)]
    for text in text_files(path).values():
        source = text.read_text(encoding="utf-8")
        placed = EXHIBIT.findall(source)
        assert sorted(placed) == sorted(labels), f"{text.name}: places {placed}, the notebook labels {labels}"
        lines = [line for line in source.splitlines() if "exhibit(" in line]
        assert all(EXHIBIT.fullmatch(line) for line in lines), f"{text.name}: {lines}"


def jinja_outline(text: str) -> dict:
    """What the three languages must share: the headings' levels, the values printed or tested, the
    conditions and loops in order, the exhibits and the case's prose files in order."""
    from jinja2 import meta, nodes
    from jinja2.sandbox import SandboxedEnvironment

    tree = SandboxedEnvironment().parse(text)
    conditions = [repr(node.test) if isinstance(node, (nodes.If, nodes.CondExpr)) else repr((node.target, node.iter))
                  for node in tree.find_all((nodes.If, nodes.CondExpr, nodes.For))]
    calls = [(call.node.name, call.args[0].value) for call in tree.find_all(nodes.Call)
             if isinstance(call.node, nodes.Name) and call.args and isinstance(call.args[0], nodes.Const)]
    # Headings: markdown lines starting with #, the text outside tags, without values.
    headings = [re.match(r"#+", line).group(0) + (" {-}" if line.rstrip().endswith("{-}") else "")
                for line in text.splitlines() if re.match(r"#+ ", line)]
    return {"headings": headings, "values": sorted(meta.find_undeclared_variables(tree) - {"prose", "exhibit"}),
            "conditions": conditions, "exhibits": [a for name, a in calls if name == "exhibit"],
            "prose": [a for name, a in calls if name == "prose"]}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_three_languages_agree(path):
    outlines = {language: jinja_outline(text.read_text(encoding="utf-8"))
                for language, text in text_files(path).items()}
    for part in ("headings", "values", "conditions", "exhibits", "prose"):
        assert outlines["nb"][part] == outlines["nn"][part] == outlines["en"][part], (
            f"{path.name}: the {part} differ: " + "; ".join(f"{k}: {v[part]}" for k, v in outlines.items()))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_starts_with_one_top_level_heading_in_each_language(path):
    for language, text in text_files(path).items():
        lines = text.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# "), f"{text.name}: a chapter starts with its heading"
        assert sum(line.startswith("# ") for line in lines) == 1, f"{text.name}: one top-level heading"


def test_the_agreement_check_sees_a_condition_that_differs():
    # The check above must be able to fail: a condition changed in one language is seen.
    nb = jinja_outline("# A\n\n{% if x %}a{% endif %} {{ y }}\n")
    nn = jinja_outline("# A\n\n{% if not x %}a{% endif %} {{ y }}\n")
    en = jinja_outline("# A\n\n## B\n\n{% if x %}a{% endif %} {{ z }}\n")
    assert nb["conditions"] != nn["conditions"]
    assert nb["headings"] != en["headings"] and nb["values"] != en["values"]


WORD_TABLE_KEYS = {"nb", "nn", "en"}


def _word_tables(tree: ast.AST) -> list[int]:
    """Lines of dict literals keyed by two or more languages whose values are written out: a table of
    words beside the catalogue. (Register rows keyed by language hold data, not text written here.)"""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keyed = [(k.value, v) for k, v in zip(node.keys, node.values)
                     if isinstance(k, ast.Constant) and k.value in WORD_TABLE_KEYS]
            if len(keyed) >= 2 and all(isinstance(v, (ast.Constant, ast.JoinedStr, ast.Tuple, ast.List, ast.Dict))
                                       for _, v in keyed):
                found.append(node.lineno)
    return found


def test_no_word_tables_outside_the_catalogue():
    package = ROOT / "src" / "evalreport"
    tables = {str(p.relative_to(ROOT)): _word_tables(ast.parse(p.read_text(encoding="utf-8")))
              for p in package.rglob("*.py")}
    assert {name: lines for name, lines in tables.items() if lines} == {}
    grep = [str(p.relative_to(ROOT)) for p in package.rglob("*.py") if '"nn":' in p.read_text(encoding="utf-8")]
    assert grep == []
    assert _word_tables(ast.parse('WORDS = {"nb": "og", "nn": "og", "en": "and"}')) == [1]  # the check can fail


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
