"""The HTML twin: one self-contained page for the municipality's website, which must meet WCAG 2.1 AA
(forskrift om universell utforming av IKT-løsninger, § 4, which points to WCAG 2.1 A and AA).

The first tests compose a small hand-made report; the browser tests load the bundled report's twin
in headless Chromium at a phone's, a tablet's and a desktop's width and run axe-core on it. They
skip, saying why, where Chromium or axe-core is missing; CI installs both (.ci/run).
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont

from evalreport.pipeline import document
from support import ROOT

TEMPLATES = ROOT / "report_templates"
BROWSER = Path(__file__).parent / "browser"
AXE = BROWSER / "node_modules" / "axe-core" / "axe.min.js"
SVG = "{http://www.w3.org/2000/svg}"

# A chart as matplotlib writes it (svg.fonttype none): metadata, a style sheet for everything, ids
# for every group, a clip path and a marker referred to by url(#...) and xlink:href.
CHART = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="200pt" height="100pt" viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg" version="1.1">
 <metadata>
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description/></rdf:RDF>
 </metadata>
 <defs>
  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
 </defs>
 <g id="figure_1">
  <path d="M 0 100 
L 200 100 
z
" clip-path="url(#p3c1)" style="fill: #0060a0"/>
  <use xlink:href="#m9a" x="10" y="10" style="fill: #0060a0"/>
  <text style="font-size: 9px; font-family: 'Source Sans Pro', 'DejaVu Sans', 'Arial', sans-serif; fill: #222222" x="10" y="90">Årdal 2011</text>
 </g>
 <defs>
  <clipPath id="p3c1"><rect x="0" y="0" width="200" height="100"/></clipPath>
  <path id="m9a" d="M 0 0 L 1 1"/>
 </defs>
</svg>
"""


def small_report(chart_alt: str = "Søyler for 2011–2017", charts: int = 1, language: str = "nb") -> str:
    """A report as compose_document writes it: title page, contents, a chapter with a table and charts."""
    data = base64.b64encode(CHART.encode("utf-8")).decode("ascii")
    images = "".join(
        f'<figure class="er-exhibit er-figure"><figcaption><span class="er-label" data-kind="figure">Figur {n}: </span>'
        f'<span class="er-caption">Finansiering</span></figcaption>'
        f'<img class="er-chart" src="data:image/svg+xml;base64,{data}" alt="{chart_alt}"></figure>'
        for n in range(1, charts + 1))
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>Sluttevaluering</title>
<link rel="stylesheet" href="evalreport/report.css">
<style>@page {{ @bottom-right {{ content: "Side " counter(page); }} }}</style></head>
<body>
<section class="title-page"><p class="kicker">Sluttevaluering</p><h1 class="report-title">Sluttevaluering i Åfjord</h1>
<div class="sample-notice"><p class="sample-banner">EKSEMPELRAPPORT</p></div></section>
<nav class="toc" aria-label="Innhold"><h1 class="toc-title">Innhold</h1><ul>
<li class="toc-level-1"><a href="#1-innledning">1 Innledning</a></li></ul></nav>
<section class="chapter"><h1 id="1-innledning"><span class="heading-number">1 </span>Innledning</h1>
<p>Kommunen søkte om status; <em>økte</em> sysselsetting.</p>
<figure class="er-exhibit er-table"><figcaption><span class="er-label" data-kind="table">Tabell 1: </span>
<span class="er-caption">Nøkkeltall</span></figcaption><table><tbody><tr><th class="text" scope="row">Prosjekter</th>
<td class="num">44</td></tr></tbody></table></figure>
{images}
</section>
<section class="chapter"><h1 id="2-vedlegg"><span class="heading-number">2 </span>Vedlegg</h1><p>Kilder.</p></section>
</body></html>"""


@pytest.fixture(scope="module")
def twin() -> str:
    return document.compose_html_twin(small_report(), TEMPLATES)


@pytest.fixture(scope="module")
def soup(twin) -> BeautifulSoup:
    return BeautifulSoup(twin, "html.parser")


def embedded_fonts(twin: str) -> list[TTFont]:
    return [TTFont(io.BytesIO(base64.b64decode(m[1])))
            for m in re.finditer(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", twin)]


def test_nothing_is_fetched_from_outside_the_file(twin, soup):
    assert soup.find("link") is None and soup.find("img") is None and soup.find("script") is None
    assert re.findall(r"url\((?!data:|#)", twin) == []  # stylesheets, fonts and charts: all inside
    assert "../fonts/" not in twin


def test_a_phone_gets_the_page_at_its_own_width(soup):
    assert soup.find("meta", attrs={"name": "viewport"})["content"] == "width=device-width, initial-scale=1"


def test_print_keeps_the_pdf_stylesheet_and_the_screen_gets_its_own(soup):
    printed = soup.find("style", attrs={"media": "print"}).string
    screen_css = (TEMPLATES / "evalreport" / "screen.css").read_text(encoding="utf-8")
    assert "size: A4" in printed and "@font-face" not in printed
    screen = [s.string for s in soup.find_all("style") if not s.get("media") and s.string and "@media screen" in s.string]
    assert len(screen) == 1 and ".er-table-scroll" in screen[0] and screen_css.count("{") == screen[0].count("{")


def test_landmarks_and_a_skip_link_to_the_chapters(soup):
    body_children = [c for c in soup.body.children if getattr(c, "name", None)]
    skip, header, nav, main = body_children
    assert (skip.name, skip["href"], skip.get_text()) == ("a", "#main", "Gå til hovedinnholdet")
    assert header.name == "header" and header.find("section", class_="title-page")
    assert nav.name == "nav" and nav["aria-label"] == "Innhold"
    assert main.name == "main" and main["id"] == "main"
    assert [h.get_text() for h in main.find_all("h1")] == ["1 Innledning", "2 Vedlegg"]


@pytest.mark.parametrize(("language", "skip"), [("nn", "Gå til hovudinnhaldet"), ("en", "Skip to main content")])
def test_the_skip_link_speaks_the_report_language(language, skip):
    twin = BeautifulSoup(document.compose_html_twin(small_report(language=language), TEMPLATES), "html.parser")
    assert twin.find("a", class_="skip-link").get_text() == skip


def test_a_table_scrolls_in_its_own_box_that_a_keyboard_reaches_and_a_reader_names(soup):
    box = soup.find("table").parent
    assert box.name == "div" and box["class"] == ["er-table-scroll"]
    assert (box["role"], box["tabindex"], box["aria-label"]) == ("region", "0", "Tabell 1: Nøkkeltall")


def test_a_chart_is_inline_svg_named_by_its_alt_text(soup, twin):
    svg = soup.find("svg")
    assert svg["role"] == "img" and svg["aria-label"] == "Søyler for 2011–2017"
    assert 'viewBox="0 0 200 100"' in twin  # as written, not lower-cased by an HTML parser


def test_a_chart_keeps_its_references_and_sheds_what_a_browser_does_not_need():
    root = ElementTree.fromstring(document.inline_chart(CHART, "Søyler", "er-chart-7", {"Source Sans Pro": "X Sans"}))
    ids = sorted(e.get("id") for e in root.iter() if e.get("id"))
    assert ids == ["er-chart-7", "er-chart-7-m9a", "er-chart-7-p3c1"]  # figure_1 was never referred to
    path = root.find(f"{SVG}g/{SVG}path")
    assert path.get("clip-path") == "url(#er-chart-7-p3c1)"
    assert path.get("d") == "M 0 100 L 200 100 z"
    assert root.find(f"{SVG}g/{SVG}use").get("href") == "#er-chart-7-m9a"
    assert root.find(f"{SVG}metadata") is None
    assert root.find(f"{SVG}defs/{SVG}style").text == "#er-chart-7 * {stroke-linejoin: round; stroke-linecap: butt}"
    text = root.find(f"{SVG}g/{SVG}text")
    assert text.text == "Årdal 2011"
    assert "font-family: 'X Sans', sans-serif" in text.get("style")


def test_a_chart_label_from_data_stays_text():
    # matplotlib escapes a label; the chart must come out of the twin escaped as it went in
    hostile = CHART.replace("Årdal 2011", "Sveis &lt;img src=x onerror=alert(2)&gt;")
    inline = document.inline_chart(hostile, "Søyler", "er-chart-1", {})
    assert "<img" not in inline and "Sveis &lt;img src=x onerror=alert(2)&gt;" in inline
    assert BeautifulSoup(inline, "html.parser").find("text").get_text() == "Sveis <img src=x onerror=alert(2)>"


def test_two_charts_share_no_id():
    twin = document.compose_html_twin(small_report(charts=2), TEMPLATES)
    ids = re.findall(r'\bid="([^"]+)"', twin)
    assert len(ids) == len(set(ids))
    assert {"er-chart-1-p3c1", "er-chart-2-p3c1"} <= set(ids)


def test_chart_text_and_body_text_name_the_same_embedded_family(soup):
    (family,) = {f.group(1) for f in re.finditer(r'@font-face \{ font-family: "([^"]+)"', str(soup))}
    assert family == "Evalreport Sans Pro"
    assert f"font-family: '{family}', sans-serif" in soup.find("svg").find("text")["style"]
    screen = next(s.string for s in soup.find_all("style") if s.string and "@media screen" in s.string)
    assert f'font-family: "{family}", "Source Sans Pro", sans-serif' in screen


def test_fonts_hold_the_page_characters_and_no_others(twin):
    fonts = embedded_fonts(twin)
    assert len(fonts) == 5  # the five faces report.css declares
    original = TTFont(TEMPLATES / "fonts" / "SourceSansPro-Regular.ttf")
    assert ord("Ж") in original.getBestCmap() and ord("€") in original.getBestCmap()
    for font in fonts:
        cmap = font.getBestCmap()
        # å, Å and ø are in the page; Ø only as the upper case of ø (text-transform may ask for it)
        assert {ord(c) for c in "åÅøØ–"} <= set(cmap)
        assert ord("Ж") not in cmap and ord("€") not in cmap
        assert len(font.getGlyphOrder()) < len(original.getGlyphOrder()) / 5


def test_the_subset_carries_no_reserved_font_name_but_keeps_notice_and_licence(twin):
    for font in embedded_fonts(twin):
        names = {r.nameID: r.toUnicode() for r in font["name"].names if r.platformID == 3}
        assert "Reserved Font Name" in names[0] and "Open Font License" in names[13]
        for name_id in document.NAME_IDS_OF_THE_FONT:
            assert "Source" not in names.get(name_id, ""), (name_id, names[name_id])
        assert names[1].startswith("Evalreport Sans Pro") and names[6].startswith("EvalreportSansPro-")


def test_reserved_font_names_are_read_from_the_copyright_notice():
    # The notice of Source Sans Pro 2.020 (name ID 0), and the OFL's own example wording
    font = TTFont(TEMPLATES / "fonts" / "SourceSansPro-Regular.ttf")
    assert document.reserved_font_names(font) == ["Source"]
    assert document.without_reserved_names("SourceSansPro-Semibold", ["Source"]) == "EvalreportSansPro-Semibold"
    assert document.without_reserved_names("Gentium Plus", []) == "Gentium Plus"


def test_a_missing_font_file_is_named_with_what_to_do(tmp_path):
    templates = tmp_path / "report_templates"
    shutil.copytree(TEMPLATES / "evalreport", templates / "evalreport")
    with pytest.raises(FileNotFoundError) as raised:
        document.compose_html_twin(small_report(), templates)
    assert raised.value.filename == str((templates / "fonts" / "SourceSansPro-Regular.ttf").resolve())
    assert "report.css names a font file that is not there" in raised.value.strerror


def test_the_same_report_gives_the_same_bytes():
    first = document.compose_html_twin(small_report(), TEMPLATES)
    document._subset_font.cache_clear()  # subset again, not from the cache
    assert document.compose_html_twin(small_report(), TEMPLATES) == first


def test_the_bundled_twin_is_one_file_well_under_a_megabyte(built_project):
    twin = built_project / "build" / "vestre_toten.html"
    assert twin.stat().st_size < 600_000  # comfortably under the 1 MB the issue allows
    assert not (built_project / "build" / "assets").exists()
    text = twin.read_text(encoding="utf-8")
    # Every chart inline, one per figure of the report (chapters 2, 4 and 5 draw them).
    figures = len(re.findall(r'data-kind="figure"', text))
    assert figures >= 5 and text.count("<svg") == figures and "<img" not in text


# The browser tests. Chromium is Debian's package; axe-core comes from the npm registry, pinned in
# tests/browser/package-lock.json (npm ci --prefix tests/browser).

WIDTHS = [320, 768, 1280]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser():
    from browser.chromium import Chromium, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    with Chromium(executable) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def lone_twin(built_project, tmp_path_factory) -> Path:
    """The bundled report's twin copied alone into an empty folder, as a web editor would upload it."""
    folder = tmp_path_factory.mktemp("website")
    return Path(shutil.copy(built_project / "build" / "vestre_toten.html", folder / "rapport.html"))


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def page(request, browser, lone_twin):
    browser.set_viewport(request.param, 800)
    browser.open(lone_twin)
    shots = os.environ.get("EVALREPORT_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        browser.screenshot(Path(shots) / f"twin-{request.param}.png")
    return browser, request.param


def test_the_page_never_scrolls_sideways(page):
    browser, width = page
    assert browser.evaluate("innerWidth") == width  # the viewport tag is honoured
    scroll_width = browser.evaluate("document.scrollingElement.scrollWidth")
    wider = browser.evaluate(f"""[...document.querySelectorAll('main *, header *, nav *')]
        .filter(e => !e.closest('.er-table-scroll') && e.getBoundingClientRect().right > {width} + 0.5)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert scroll_width <= width, wider


def test_every_contents_link_lands_on_its_heading(page):
    browser, _ = page
    links = browser.evaluate("[...document.querySelectorAll('nav.toc a')].map(a => [a.getAttribute('href'), "
                             "a.textContent.replace(/\\s+/g, ' ').trim()])")
    assert len(links) > 10
    for href, text in links:
        landed = browser.evaluate(f"""(() => {{
            location.hash = {json.dumps(href)};
            const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
            if (!target) return null;
            const box = target.getBoundingClientRect();
            return [target.tagName, target.textContent.replace(/\\s+/g, ' ').trim(), box.top >= 0 && box.top < innerHeight];
        }})()""")
        assert landed is not None, f"{href}: no element with that id"
        assert landed == [landed[0], text, True] and landed[0] in ("H1", "H2"), (href, landed)


def test_text_and_charts_are_set_in_the_embedded_font(page):
    browser, _ = page
    families = browser.evaluate("""[getComputedStyle(document.querySelector('main p')).fontFamily,
        getComputedStyle(document.querySelector('svg.er-chart text')).fontFamily,
        document.fonts.check('16px "Evalreport Sans Pro"'),
        [...document.fonts].filter(f => f.status === 'loaded').map(f => f.weight).sort()]""")
    body, chart, ready, loaded = families
    assert body.startswith('"Evalreport Sans Pro"') and chart.startswith('"Evalreport Sans Pro"')
    assert ready and {"400", "600"} <= set(loaded)


def test_the_skip_link_is_the_first_stop_and_shows_itself(page):
    browser, width = page
    browser.evaluate("window.scrollTo(0, 0); document.activeElement.blur(); true")
    browser.send("Input.dispatchKeyEvent", type="keyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9)
    browser.send("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9)
    focused = browser.evaluate("""(() => { const e = document.activeElement, box = e.getBoundingClientRect();
        return [e.className, box.top >= 0 && box.bottom <= innerHeight && box.width > 0,
                getComputedStyle(e).outlineStyle]; })()""")
    assert focused == ["skip-link", True, "solid"]


def test_axe_core_finds_no_violation_of_wcag_21_a_or_aa(page):
    browser, _ = page
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `npm ci --prefix tests/browser` (.ci/run does)")
    pinned = json.loads((BROWSER / "package-lock.json").read_text())["packages"]["node_modules/axe-core"]["version"]
    browser.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = browser.evaluate(f"""axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_21_AA)}}},
        resultTypes: ['violations']}}).then(r => ({{version: axe.version,
        violations: r.violations.map(v => v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))}}))""")
    assert result["version"] == pinned
    assert result["violations"] == []
