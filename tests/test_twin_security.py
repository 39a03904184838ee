"""No script reaches the HTML twin through prose (issue 20, P14).

The twin inlines the charts the build drew as SVG, so that their text is set in the page's font. It
used to inline every `img.er-chart` with an SVG data: URI, a class any prose may set: an SVG written
into prose with a script, an event handler and a javascript: link then ran in the reader's browser.
Now only charts the chapters' code drew are inlined (known by digest), and every inlined SVG is
cleaned of scripts, handlers and outside links.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evalreport.pipeline import document

HOSTILE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 width="100" height="50" onload="window.pwned = (window.pwned || 0) + 1; document.title = 'pwned onload'">
 <script>window.pwned = (window.pwned || 0) + 10; document.title = 'pwned script';</script>
 <a xlink:href="javascript:window.pwned = 100"><text x="5" y="20">Klikk</text></a>
 <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
 <rect width="100" height="50" style="fill: #ccc" onclick="window.pwned = 1000"/>
</svg>"""
HOSTILE_DATA = "data:image/svg+xml;base64," + base64.b64encode(HOSTILE_SVG.encode()).decode()


def test_an_inlined_chart_loses_scripts_handlers_and_links_out():
    inline = document.inline_chart(HOSTILE_SVG, "Diagram", "er-chart-1", {})
    soup = BeautifulSoup(inline, "html.parser")
    assert soup.find("script") is None and soup.find("foreignobject") is None and soup.find("a") is None
    assert not [(e.name, a) for e in soup.find_all(True) for a in e.attrs if a.lower().startswith("on")]
    assert "javascript:" not in inline and "pwned" not in inline
    assert soup.find("rect") is not None  # the drawing itself stays


def test_a_chart_in_prose_is_never_inlined_only_one_the_build_drew():
    prose_image = f'<figure><img class="er-chart" alt="Kart" src="{HOSTILE_DATA}"></figure>'
    page = (f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>T</title></head><body>'
            f'<section class="chapter"><h1>Kapittel</h1>{prose_image}</section></body></html>')
    twin = document.compose_html_twin(page, Path(__file__).resolve().parents[1] / "report_templates")
    soup = BeautifulSoup(twin, "html.parser")
    assert soup.find("svg") is None  # not inlined: it stays an <img>, in which a browser runs no script
    assert soup.find("img", src=HOSTILE_DATA) is not None
