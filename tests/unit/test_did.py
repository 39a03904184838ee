"""The one difference-in-differences (evalreport.methods.did), worked out by hand: log changes from
the pre-years to the post-years, each control with equal weight, placebos and the pre-trend gap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evalreport.methods.did import describe_changes, estimate_diff_in_diff
from evalreport.methods.panel import Specification, frame_to_panel


def panel(columns: dict[str, list[float]], first_year: int = 2008):
    frame = pd.DataFrame([{"unit": unit, "year": first_year + i, "y": value}
                          for unit, values in columns.items() for i, value in enumerate(values)])
    return frame_to_panel(frame, "unit", "year", ["y"])


def test_treated_grows_ten_percent_more_than_flat_controls():
    data = panel({"T": [100, 100, 100, 110, 110, 110], "A": [200] * 6, "B": [50] * 6})
    facts = describe_changes(data, Specification("y", "T", 2011), (2008, 2009, 2010), (2011, 2012, 2013))
    # change(T) = ln 110 - ln 100 = ln 1.1; change(A) = change(B) = 0; exp(ln 1.1 - 0) - 1 = 10 %
    assert facts["estimate_pct"] == pytest.approx(10.0)
    assert facts["treated_change_pct"] == pytest.approx(10.0)
    assert facts["controls_change_pct"] == pytest.approx(0.0, abs=1e-12)
    assert facts["placebo_pct"] == pytest.approx({"A": 0.0, "B": 0.0}, abs=1e-12)
    assert facts["placebo_at_least_as_large"] == 0
    assert facts["trend"]["gap_pct"] == pytest.approx(0.0, abs=1e-9)  # all flat before 2011
    assert (facts["pre_years"], facts["post_years"]) == ([2008, 2010], [2011, 2013])
    result = estimate_diff_in_diff(data, Specification("y", "T", 2011))
    assert result.att == pytest.approx(np.log(1.1))  # in log points


def test_moving_controls_and_placebos():
    # A: 100 -> 121 (ln 1.21 = 2 ln 1.1); B flat; controls' mean change ln 1.1; T: 100 -> 121, so
    # the estimate is exp(2 ln 1.1 - ln 1.1) - 1 = 10 %.
    data = panel({"T": [100, 100, 121, 121], "A": [100, 100, 121, 121], "B": [100, 100, 100, 100]})
    facts = describe_changes(data, Specification("y", "T", 2010), (2008, 2009), (2010, 2011))
    assert facts["estimate_pct"] == pytest.approx(10.0)
    assert facts["treated_change_pct"] == pytest.approx(21.0)
    assert facts["controls_change_pct"] == pytest.approx(10.0)
    # Placebo A vs B: exp(2 ln 1.1) - 1 = 21 %; B vs A: 1/1.21 - 1 = -17.355... %
    assert facts["placebo_pct"]["A"] == pytest.approx(21.0)
    assert facts["placebo_pct"]["B"] == pytest.approx(-17.355372, rel=1e-6)
    assert facts["placebo_at_least_as_large"] == 2


def test_the_pre_trend_gap_uses_every_year_before_the_post_years():
    # Log levels grow linearly before 2011: T by 0.05 a year, A by 0.01, B by 0.03:
    # gap = (0.05 - (0.01 + 0.03) / 2) * 100 = 3.0, over 2008-2010 although the pre-years are 2010 only.
    years = np.arange(3)
    data = panel({"T": [*(100 * np.exp(0.05 * years)), 150.0], "A": [*(100 * np.exp(0.01 * years)), 150.0],
                  "B": [*(100 * np.exp(0.03 * years)), 150.0]})
    facts = describe_changes(data, Specification("y", "T", 2011), (2010,), (2011,))
    assert facts["trend"] == {"first": 2008, "last": 2010, "gap_pct": pytest.approx(3.0)}


def test_one_control_has_no_placebo_and_one_year_before_no_trend():
    facts = describe_changes(panel({"T": [100, 110], "A": [100, 100]}), Specification("y", "T", 2009), (2008,), (2009,))
    assert facts["estimate_pct"] == pytest.approx(10.0)
    assert facts["placebo_pct"] == {} and facts["trend"] is None
