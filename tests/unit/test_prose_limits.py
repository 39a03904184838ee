"""Prose that never finishes, or makes gigabytes, stops with its file and line (issue 20): a loop
over a large range, nested loops, a string multiplied two billion times; and {% include %} says it is
not allowed in prose."""

from __future__ import annotations

import time

import pytest

from evalreport.errors import ProseError
from evalreport.pipeline import prose


def renderer() -> prose.ProseRenderer:
    return prose.ProseRenderer({"name": "Vestre Toten"}, None)


def test_a_huge_multiplication_is_refused_before_it_is_made():
    started = time.perf_counter()
    with pytest.raises(ProseError, match=r"prose/x/lessons.md, line 2: '\*' would make 2,000,000,000 characters"):
        renderer().markdown_to_html("Først.\n{{ 'x' * 2000000000 }}\n", "prose/x/lessons.md")
    assert time.perf_counter() - started < 5


def test_nested_loops_that_never_finish_stop_at_the_deadline(monkeypatch):
    monkeypatch.setattr(prose, "PROSE_SECONDS", 1.0)
    source = "Tekst.\n\n{% for a in range(100000) %}{% for b in range(100000) %}.{% endfor %}{% endfor %}\n"
    started = time.perf_counter()
    with pytest.raises(ProseError, match=r"prose/x/lessons.md, line 3: the text took more than 1 seconds"):
        renderer().markdown_to_html(source, "prose/x/lessons.md")
    assert time.perf_counter() - started < 10


def test_a_range_beyond_the_sandbox_is_named():
    with pytest.raises(ProseError, match="prose/x/a.md, line 1: .*range"):
        renderer().markdown_to_html("{% for i in range(10**9) %}x{% endfor %}", "prose/x/a.md")


def test_include_is_not_allowed_in_prose():
    with pytest.raises(ProseError, match=r"prose/x/a.md, line 2: \{% include %\} is not allowed in prose"):
        renderer().markdown_to_html("Tekst.\n{% include 'other.md' %}\n", "prose/x/a.md")


def test_ordinary_prose_with_loops_and_values_is_fine():
    html = renderer().markdown_to_html("{{ name }} {% for i in range(3) %}{{ 'ab' * 2 }}{% endfor %}", "p.md")
    assert "Vestre Toten abababababab" in html


def test_an_unclosed_style_does_not_silently_remove_the_rest_of_the_text():
    # Issue 20, P13: markdown passes <style> on to its end tag, which the sanitiser then drops with it.
    with pytest.raises(ProseError, match=r"prose/x/a.md, line 3: <style> is not allowed in prose"):
        renderer().markdown_to_html("Første avsnitt.\n\n<style>\n\nAndre avsnitt, som ville ha forsvunnet.\n",
                                    "prose/x/a.md")


def test_an_unclosed_pre_is_named_and_a_closed_one_is_fine():
    with pytest.raises(ProseError, match=r"prose/x/a.md, line 1: <pre> is not closed"):
        renderer().markdown_to_html("<pre>\nkode\n\nMer tekst.\n", "prose/x/a.md")
    assert "kode" in renderer().markdown_to_html("<pre>kode</pre>\n\nMer tekst.\n", "prose/x/a.md")
