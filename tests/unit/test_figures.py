"""Unit tests of evalreport.figures' alternative texts, on hand-made frames with the sentences written out."""

from __future__ import annotations

import math

import pandas as pd

from evalreport import figures
from evalreport.formatting import for_language

NAMES = {"3443": "Vestre Toten", "0300": "Oslo"}


def test_describe_index_chart_names_the_municipalitys_change_then_every_areas_last_index():
    years = [2010, 2011, 2012]
    levels = pd.DataFrame({"3443": [100, 105, 120], "0300": [200, 210, 190]}, index=years)
    index = pd.DataFrame({"3443": [100.0, 105.0, 120.0], "0300": [100.0, 105.0, 95.0]}, index=years)
    assert figures.describe_index_chart("Employment", "3443", levels, index, NAMES, for_language("en")) == (
        "Employment in Vestre Toten rose from 100 in 2010 to 120 in 2012. "
        "The index for Vestre Toten was 120.0 in 2012. The index for Oslo was 95.0 in 2012.")


def test_describe_rates_chart_skips_the_years_without_a_figure():
    rates = pd.DataFrame({"3443": [3.0, math.nan, 2.5], "0300": [4.0, 4.2, math.nan]}, index=[2010, 2011, 2012])
    assert figures.describe_rates_chart("Unemployment", "3443", rates, NAMES, for_language("en")) == (
        "Unemployment in Vestre Toten fell from 3.0 in 2010 to 2.5 in 2012. In Oslo it was 4.2 in 2011.")
