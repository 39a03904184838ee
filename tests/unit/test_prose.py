"""Unit tests of evalreport.pipeline.prose: markdown with glued values, made into safe HTML."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from evalreport.errors import ProseError
from evalreport.pipeline.prose import ProseRenderer

NBSP = "\u00a0"
CELL = "notebooks/10_sammendrag.py"  # where a markdown cell lives, as a message names it

# What an attacker would put in data or prose: a script, markdown emphasis, a javascript: link.
HOSTILE_VALUE = "<script>alert(1)</script> *fet* [x](javascript:alert(1))"


@pytest.fixture
def prose_dir(tmp_path) -> Path:
    folder = tmp_path / "prose" / "testkommune"
    folder.mkdir(parents=True)
    return folder


def plain(html: str) -> str:
    """HTML without the source map (data-er-source, tested in test_sourcemap.py)."""
    return re.sub(r' data-er-source="[^"]*"', "", html)


def renderer(values: dict, prose_dir: Path | None = None, root: Path | None = None) -> ProseRenderer:
    relative = (lambda path: Path(path).relative_to(root).as_posix()) if root else str
    return ProseRenderer(values, prose_dir, relative)


# --- names -----------------------------------------------------------------------------------------


def test_a_glued_value_is_printed():
    html = renderer({"total_funding": f"22,0{NBSP}mill.{NBSP}kr"}).markdown_to_html(
        "Programmet fikk {{ total_funding }}.", CELL)
    # The sanitiser writes a no-break space as the entity &nbsp;: the same character to any reader.
    assert unescape(plain(html)) == f"<p>Programmet fikk 22,0{NBSP}mill.{NBSP}kr.</p>\n"


def test_unknown_name_names_file_and_line():
    # The cell's text starts on line 20 of the notebook file; the name is on its third line.
    source = "Første linje.\n\nProgrammet fikk {{ total_fundin }}."
    with pytest.raises(ProseError) as info:
        renderer({"total_funding": "22,0 mill. kr"}).markdown_to_html(source, CELL, first_line=20)
    message = str(info.value)
    assert message.startswith(f"{CELL}, line 22: ")  # 20 + 3 - 1
    assert "unknown name 'total_fundin'" in message
    assert "total_funding" in message  # the known names, to spot the typo


def test_a_number_printed_without_formatting_is_an_error():
    # 22000000 printed as is would read «22000000» instead of «22,0 mill. kr».
    with pytest.raises(ProseError) as info:
        renderer({"total_funding": 22_000_000}).markdown_to_html("Linje en.\nTotalt {{ total_funding }}.", CELL, 5)
    message = str(info.value)
    assert message.startswith(f"{CELL}, line 6: ")  # 5 + 2 - 1
    assert "not text but int" in message


def test_unsafe_attributes_are_refused():
    # The sandbox: prose cannot reach Python's internals through a value.
    with pytest.raises(ProseError) as info:
        renderer({"name": "Vestre Toten"}).markdown_to_html("{{ name.__class__.__mro__ }}", CELL)
    assert str(info.value).startswith(f"{CELL}, line 1: ")
    assert "unsafe" in str(info.value)


def test_template_syntax_error_names_file_and_line():
    with pytest.raises(ProseError) as info:
        renderer({"flag": True}).markdown_to_html("a\nb\n{% if %}x{% endif %}", CELL, first_line=10)
    assert str(info.value).startswith(f"{CELL}, line 12: ")  # 10 + 3 - 1


# --- conditions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("in_robek, sentence", [(True, "Kommunen var i ROBEK."), (False, "Kommunen var ikke i ROBEK.")])
def test_if_on_a_glued_bool(in_robek, sentence):
    source = "{% if in_robek %}Kommunen var i ROBEK.{% else %}Kommunen var ikke i ROBEK.{% endif %}"
    assert plain(renderer({"in_robek": in_robek}).markdown_to_html(source, CELL)) == f"<p>{sentence}</p>\n"


def test_a_glued_mapping_is_indexed_by_year():
    values = {"county_by_year": {"2011": f"2,5{NBSP}mill.{NBSP}kr", "2012": f"2,5{NBSP}mill.{NBSP}kr"}}
    html = renderer(values).markdown_to_html("I 2011 ga fylket {{ county_by_year[2011] }}.", CELL)
    assert unescape(plain(html)) == f"<p>I 2011 ga fylket 2,5{NBSP}mill.{NBSP}kr.</p>\n"


# --- escaping and sanitising -----------------------------------------------------------------------


def test_a_value_prints_escaped_and_inert():
    html = renderer({"name": HOSTILE_VALUE}).markdown_to_html("Bidragsyter: {{ name }}", CELL)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is
    assert "<em>" not in html and "*fet*" in html  # not markdown emphasis
    assert "<a" not in html and "[x](javascript:alert(1))" in html  # not a link


def test_markup_of_the_analyst_is_sanitised():
    source = ("Se **resultatene** og [rapporten](https://www.innovasjonnorge.no/).\n\n"
              '<img src="x" onerror="alert(1)">\n\n'
              "[klikk](javascript:alert(1)) og <a href=\"JaVaScRiPt:alert(2)\">her</a>")
    with pytest.raises(ProseError, match="<script> is not allowed in prose"):  # refused, not silently dropped
        renderer({}).markdown_to_html(source + "\n\n<script>alert(1)</script>\n", CELL)
    html = plain(renderer({}).markdown_to_html(source, CELL))
    assert "<script" not in html
    # Neither the script's text nor the handler nor the link survives; markdown leaves a link it refuses
    # (javascript:) as the text it was written as, which is inert.
    inert = html.replace("[klikk](javascript:alert(1))", "")
    assert "alert(1)" not in inert
    assert "onerror" not in html
    assert "javascript:" not in inert.lower() and 'href="javascript' not in html.lower()
    # What is safe stays: emphasis and an https link.
    assert "<strong>resultatene</strong>" in html
    assert '<a href="https://www.innovasjonnorge.no/">rapporten</a>' in html


def test_a_value_cannot_leave_the_attribute_it_is_printed_in():
    html = renderer({"note": 'x" onmouseover="alert(1)'}).markdown_to_html('<span title="{{ note }}">a</span>', CELL)
    assert plain(html) == '<p><span title="x&quot; onmouseover=&quot;alert(1)">a</span></p>\n'


def test_a_value_printed_as_a_link_target_cannot_make_a_javascript_link():
    # A source URL comes from the data (source_url in every statistics file), and the analyst's
    # markup may link to it. Whatever the data say, the report must not get a live javascript: link:
    # refusing the value (ProseError) or dropping the href are both safe.
    values = {"source_url": "javascript:alert(1)"}
    try:
        html = renderer(values).markdown_to_html('Se <a href="{{ source_url }}">kilden</a>.', CELL)
    except ProseError:
        return
    assert "javascript:" not in html.lower(), html


def test_a_glued_url_as_a_markdown_link_target_links_to_it():
    # A glued URL in a markdown link must either work or be an error naming the place, never a
    # silently broken link.
    values = {"table_url": "https://www.ssb.no/statbank/table/13472"}
    try:
        html = renderer(values).markdown_to_html("Se [tabell 13472]({{ table_url }}).", CELL)
    except ProseError as exc:
        assert str(exc).startswith(f"{CELL}, line 1: ")
        return
    assert '<a href="https://www.ssb.no/statbank/table/13472">tabell 13472</a>' in html, html


# --- the case's prose files ------------------------------------------------------------------------


def test_prose_includes_the_file_from_the_prose_folder(tmp_path, prose_dir):
    (prose_dir / "background.md").write_text("Kommunen mistet om lag {{ jobs_lost }} **arbeidsplasser**.\n",
                                             encoding="utf-8")
    html = renderer({"jobs_lost": "550"}, prose_dir, tmp_path).markdown_to_html('{{ prose("background") }}', CELL)
    assert plain(html) == "<p>Kommunen mistet om lag 550 <strong>arbeidsplasser</strong>.</p>\n"


def test_a_value_in_included_prose_is_escaped_too(tmp_path, prose_dir):
    (prose_dir / "projects.md").write_text("Største prosjekt: {{ largest }}\n", encoding="utf-8")
    html = renderer({"largest": HOSTILE_VALUE}, prose_dir, tmp_path).markdown_to_html('{{ prose("projects") }}', CELL)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<em>" not in html and "<a" not in html


def test_a_missing_prose_file_is_named(tmp_path, prose_dir):
    with pytest.raises(ProseError) as info:
        renderer({}, prose_dir, tmp_path).markdown_to_html('Tekst.\n{{ prose("lessons") }}', CELL, first_line=30)
    message = str(info.value)
    assert message.startswith(f"{CELL}, line 31: ")  # where it is asked for: 30 + 2 - 1
    assert "prose/testkommune/lessons.md: missing" in message  # and which file to write


def test_an_unknown_name_in_a_prose_file_names_that_file_and_its_line(tmp_path, prose_dir):
    (prose_dir / "assessment.md").write_text("Vurdering.\n\nDet ga {{ jobs_nwe }} nye jobber.\n", encoding="utf-8")
    with pytest.raises(ProseError) as info:
        renderer({"jobs_new": "20"}, prose_dir, tmp_path).markdown_to_html('{{ prose("assessment") }}', CELL, 40)
    message = str(info.value)
    assert message.startswith("prose/testkommune/assessment.md, line 3: ")
    assert "unknown name 'jobs_nwe'" in message


@pytest.mark.parametrize("name", ["../secret", "background.md", "a/b"])
def test_prose_is_named_not_a_path(tmp_path, prose_dir, name):
    with pytest.raises(ProseError, match="a prose file is named by letters, digits"):
        renderer({}, prose_dir, tmp_path).markdown_to_html(f'{{{{ prose("{name}") }}}}', CELL)


def test_a_prose_file_that_includes_itself_is_an_error(tmp_path, prose_dir):
    (prose_dir / "loop.md").write_text('{{ prose("loop") }}\n', encoding="utf-8")
    with pytest.raises(ProseError, match="loop.md: includes itself"):
        renderer({}, prose_dir, tmp_path).markdown_to_html('{{ prose("loop") }}', CELL)


# --- a chapter's text placing its exhibits ------------------------------------------------------------

TEXT = "notebooks/50_sysselsetting.md"
FIGURE = '<figure class="er-exhibit er-figure"><p>the chart</p></figure>'


def test_an_exhibit_goes_in_where_its_text_places_it_after_markdown():
    source = "# Kapittel\n\nFør *figuren*.\n\n{{ exhibit(\"fig-a\") }}\n\nEtter {{ n }}.\n"
    parts = renderer({"n": "3"}).chapter_to_html(source, TEXT, {"fig-a": FIGURE})
    # As it is (not markdown, not sanitised again), marked with its label as computed (the source map).
    assert parts[1] == FIGURE.replace("<figure ", '<figure data-er-label="fig-a" data-er-source="computed:fig-a" ')
    assert "<em>figuren</em>" in parts[0] and plain(parts[2]) == "<p>Etter 3.</p>\n"
    assert "".join(parts).count("<figure") == 1


def test_a_value_or_prose_that_looks_like_an_exhibits_mark_prints_as_itself(prose_dir):
    forged = "\ue002" + "0" * 32 + ":fig-a\ue003"
    (prose_dir / "employment.md").write_text(f"{forged}\n", encoding="utf-8")
    source = '{{ value }}\n\n{{ prose("employment") }}\n\n{{ exhibit("fig-a") }}\n'
    parts = renderer({"value": forged}, prose_dir).chapter_to_html(source, TEXT, {"fig-a": FIGURE})
    assert "".join(parts).count("<p>the chart</p>") == 1 and len(parts) == 3
    assert "fig-a\ue003" in parts[0]  # the value, printed as text


@pytest.mark.parametrize("source, message", [
    ('Tekst.\n\n{{ exhibit("fig-b") }}\n', f"{TEXT}, line 3: exhibit('fig-b'): the chapter's notebook has no cell "
                                          "with that label (its labels: fig-a)"),
    ('{{ exhibit("fig-a") }}\n\n{{ exhibit("fig-a") }}\n', f"{TEXT}, line 3: exhibit('fig-a'): placed twice"),
    ('Se {{ exhibit("fig-a") }} her.\n', f"{TEXT}, line 1: write {{{{ exhibit(\"label\") }}}} on a line of its own"),
    ("Tekst uten figur.\n", f"{TEXT}: never places the figure 'fig-a' of its notebook"),
])
def test_an_unknown_doubled_misplaced_or_unused_exhibit_names_the_file_and_line(source, message):
    with pytest.raises(ProseError) as info:
        renderer({}).chapter_to_html(source, TEXT, {"fig-a": FIGURE})
    assert str(info.value).startswith(message)


def test_a_case_prose_file_cannot_place_an_exhibit(prose_dir):
    (prose_dir / "employment.md").write_text('{{ exhibit("fig-a") }}\n', encoding="utf-8")
    with pytest.raises(ProseError, match="placed by its chapter's text, not by a case's prose file"):
        renderer({}, prose_dir).chapter_to_html('{{ prose("employment") }}\n\n{{ exhibit("fig-a") }}\n', TEXT,
                                                {"fig-a": FIGURE})
    with pytest.raises(ProseError, match="this chapter has no labelled tables or figures"):
        renderer({}).markdown_to_html('{{ exhibit("fig-a") }}', CELL)
