"""Unit tests of evalreport.pipeline.render: a chapter composed from its text and its notebook's outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from evalreport.errors import ChapterError, ProseError
from evalreport.exhibits import Look
from evalreport.pipeline import render
from evalreport.pipeline.prose import ProseRenderer

LOOK = Look(Path(__file__).resolve().parents[2] / "report_templates")
SOURCE = render.Source("notebooks/50_x.py", (2, 6, 10, 14))
TEXT = render.Text("# Kapittel\n\nTekst.\n\n{{ exhibit(\"tbl-b\") }}\n\n{{ exhibit(\"fig-a\") }}\n",
                   "notebooks/50_x.md")


def code(outputs: list, **metadata):
    cell = nbformat.v4.new_code_cell("x", metadata=metadata)
    return cell, outputs


def html(markup: str) -> dict:
    return nbformat.v4.new_output("display_data", data={"text/html": markup, "text/plain": "x"})


def glue(**values) -> dict:
    return nbformat.v4.new_output("display_data", data={render.GLUE_MIMETYPE: values, "text/plain": "glued"})


def test_a_chapter_is_its_text_with_the_exhibits_in_the_texts_order():
    cells = [code([], tags=["parameters"]), code([glue(n=1)]), code([html("<p>A</p>")], exhibit="fig-a"),
             code([html("<p>B</p>")], exhibit="tbl-b")]
    fragment, labels = render.render_chapter(cells, SOURCE, TEXT, ProseRenderer({}, None), LOOK)
    assert fragment == ('<section class="chapter"><h1 data-er-source="notebooks/50_x.md:1">Kapittel</h1>\n'
                        '<p data-er-source="notebooks/50_x.md:3">Tekst.</p>\n'
                        '<div data-er-label="tbl-b" data-er-source="computed:tbl-b"><p>B</p></div>'
                        '<div data-er-label="fig-a" data-er-source="computed:fig-a"><p>A</p></div></section>')
    assert labels == ["tbl-b", "fig-a"]  # as the text places them


def test_an_exhibits_html_is_sanitised_from_the_notebook():
    cells = [code([html('<p onclick="steal()">A<script>x()</script></p>')], exhibit="fig-a"),
             code([html("<p>B</p>")], exhibit="tbl-b")]
    fragment, _ = render.render_chapter(cells, SOURCE, TEXT, ProseRenderer({}, None), LOOK)
    assert "onclick" not in fragment and "<script" not in fragment and "<p>A</p>" in fragment


@pytest.mark.parametrize("cells, message", [
    ([code([html("<p>A</p>")])], "notebooks/50_x.py, line 2: this cell shows a table or figure without a label"),
    ([code([], exhibit="fig-a")], "notebooks/50_x.py, line 2: the cell labelled 'fig-a' shows nothing"),
    ([code([html("<p>A</p>")], exhibit="Figur 1")], "notebooks/50_x.py, line 2: exhibit label 'Figur 1'"),
    ([code([html("a")], exhibit="fig-a"), code([html("b")], exhibit="fig-a")],
     "notebooks/50_x.py, line 6: a second cell labelled 'fig-a'"),
    ([(nbformat.v4.new_markdown_cell("Tekst"), [])], "notebooks/50_x.py, line 2: this chapter's text is in "
                                                      "notebooks/50_x.md"),
])
def test_a_cell_that_does_not_fit_its_text_names_the_file_and_line(cells, message):
    with pytest.raises(ProseError) as info:
        render.render_chapter(cells, SOURCE, TEXT, ProseRenderer({}, None), LOOK)
    assert str(info.value).startswith(message)


def test_a_notebook_without_a_text_shows_its_cells_in_order():
    cells = [(nbformat.v4.new_markdown_cell("# Egen"), []), code([html("<p>A</p>")]),
             (nbformat.v4.new_markdown_cell("Notat", metadata={"tags": ["remove-cell"]}), [])]
    fragment, labels = render.render_chapter(cells, SOURCE, None, ProseRenderer({}, None), LOOK)
    assert "Egen" in fragment and fragment.endswith("<p>A</p></section>") and "Notat" not in fragment
    assert labels == []


def test_two_chapters_may_glue_one_name_only_with_one_value():
    def notebook(**values):
        book = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [glue(**values)]
        book.cells.append(cell)
        return book

    assert render.collect_glue({"10": notebook(p="0,30", a="1"), "50": notebook(p="0,30")}) == {"p": "0,30", "a": "1"}
    with pytest.raises(ChapterError, match="'p' is glued by both 10 and 50, with different values"):
        render.collect_glue({"10": notebook(p="0,30"), "50": notebook(p="0,31")})
