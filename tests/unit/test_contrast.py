"""WCAG 2.1 contrast (1.4.3 text 4.5:1, 1.4.11 graphics 3:1) of the report's colours on white."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evalreport import figures

CSS = Path(__file__).resolve().parents[2] / "report_templates" / "evalreport" / "report.css"


def luminance(colour: str) -> float:
    """Relative luminance as WCAG 2.1 defines it."""
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def test_luminance_formula_against_known_pairs():
    # Black on white is 21:1 and white on white 1:1 by definition; #767676 is the lightest
    # grey that passes 4.5:1 (a value often quoted: 4.54:1).
    assert contrast_on_white("#000000") == pytest.approx(21.0)
    assert contrast_on_white("#FFFFFF") == pytest.approx(1.0)
    assert contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)


TEXT_COLOURS = sorted(set(re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{3,6})\b", CSS.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("colour", TEXT_COLOURS)
def test_text_colours_have_at_least_4_5_to_1(colour):
    assert contrast_on_white(colour) >= 4.5


def test_every_text_colour_of_the_stylesheet_is_checked():
    assert len(TEXT_COLOURS) >= 5


@pytest.mark.parametrize("colour", [*figures.PALETTE, figures.CONTEXT_COLOUR, figures.PLACEBO_COLOUR])
def test_chart_colours_have_at_least_3_to_1(colour):
    assert contrast_on_white(colour) >= 3.0


def test_chart_text_colour_has_at_least_4_5_to_1():
    assert contrast_on_white(figures.TEXT_COLOUR) >= 4.5


def test_series_differ_by_more_than_colour():
    n = len(figures.PALETTE)
    assert len(set(map(str, figures.LINESTYLES[:n]))) == n
    assert len(set(figures.MARKERS[:n])) == n
    assert len(set(figures.HATCHES[:n])) == n
