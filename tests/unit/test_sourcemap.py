"""The source map (the contract in evalreport.pipeline.render's docstring): every block from a text file
says which file and line it starts on, through Jinja's {% if %} and {{ prose(...) }}; prose cannot forge
it; the HTML twin carries none. Line numbers are counted by hand in the sources below."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from evalreport.pipeline import document
from evalreport.pipeline.prose import ProseRenderer, sanitise

TEXT = "notebooks/50_x.md"


def sources(markup: str) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(markup, "html.parser")
    return [(e.name, e.get_text(" ", strip=True)[:20], e["data-er-source"]) for e in soup.select("[data-er-source]")]


def renderer(prose_dir: Path | None = None, root: Path | None = None, **values) -> ProseRenderer:
    relative = (lambda path: Path(path).relative_to(root).as_posix()) if root else str
    return ProseRenderer(values, prose_dir, relative)


def test_each_block_names_its_line_and_if_leaves_them_where_they_are():
    source = ("# Tittel\n"                        # 1
              "\n"                                # 2
              "{% if shown %}\n"                  # 3
              "Vist.\n"                           # 4
              "{% endif %}\n"                     # 5
              "{% if hidden %}\n"                 # 6
              "Skjult\n"                          # 7
              "over to linjer.\n"                 # 8
              "{% endif %}\n"                     # 9
              "\n"                                # 10
              "- ett\n"                           # 11
              "- to\n"                            # 12
              "\n"                                # 13
              "> Sitat\n")                        # 14
    html = renderer(shown=True, hidden=False).markdown_to_html(source, TEXT)
    assert sources(html) == [("h1", "Tittel", f"{TEXT}:1"), ("p", "Vist.", f"{TEXT}:4"), ("li", "ett", f"{TEXT}:11"),
                             ("li", "to", f"{TEXT}:12"), ("blockquote", "Sitat", f"{TEXT}:14"),
                             ("p", "Sitat", f"{TEXT}:14")]


def test_included_prose_names_its_own_file_and_line(tmp_path):
    prose = tmp_path / "prose" / "case"
    prose.mkdir(parents=True)
    (prose / "background.md").write_text("{% if early %}\nTidleg.\n{% endif %}\n\nBakgrunn.\n", encoding="utf-8")
    source = "# Kapittel\n\n{{ prose(\"background\") }}\n\nEtterpå.\n"
    html = renderer(prose, tmp_path, early=False).markdown_to_html(source, TEXT, first_line=1)
    assert sources(html) == [("h1", "Kapittel", f"{TEXT}:1"), ("p", "Bakgrunn.", "prose/case/background.md:5"),
                             ("p", "Etterpå.", f"{TEXT}:5")]


def test_a_markdown_cell_counts_from_its_first_line_in_the_notebook():
    html = renderer().markdown_to_html("Første.\n\nAndre.\n", "prose/case/70_x.py", first_line=20)
    assert [s[2] for s in sources(html)] == ["prose/case/70_x.py:20", "prose/case/70_x.py:22"]


def test_a_computed_exhibit_is_marked_as_computed():
    figure = '<figure class="er-exhibit er-figure"><p>chart</p></figure>'
    parts = renderer().chapter_to_html('Tekst.\n\n{{ exhibit("fig-a") }}\n', TEXT, {"fig-a": figure})
    assert sources("".join(parts)) == [("p", "Tekst.", f"{TEXT}:1"), ("figure", "chart", "computed:fig-a")]


def test_prose_cannot_write_the_source_map():
    forged = '<p data-er-source="prose/x.md:1" data-er-label="fig-x" data-er-cite="{}">Falsk.</p>\n'
    html = renderer().markdown_to_html(forged, TEXT)
    assert "prose/x.md" not in html and "data-er-label" not in html and "data-er-cite" not in html
    assert sanitise('<p data-er-source="a:1">x</p>') == "<p>x</p>"  # without the render's key
    assert sanitise('<p data-er-source="k:a:1">x</p>', key="k") == '<p data-er-source="a:1">x</p>'


def test_the_twin_carries_no_source_map():
    html = renderer().markdown_to_html("Tekst.\n", TEXT)
    page = document.compose_html_twin(f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>T</title>'
                                      f'</head><body><section class="chapter">{html}</section></body></html>',
                                      Path(__file__).resolve().parents[2] / "report_templates")
    assert "data-er-source" not in page and "Tekst." in page
