"""The effect analysis as chapter 4 prints it: its rows, their units, their windows, the range over
the identified rows, and the in-time placebo by its largest departure; on a hand-made analysis."""

from __future__ import annotations

import math

import pytest

from evalreport import effect
from evalreport.formatting import for_language
from evalreport.methods.result import EffectResult


def result(gap, start, effect_years, att, identified=True, **extra):
    return EffectResult("synthetic_control", "T", start, "employed", "level", att=att, gap=gap, pre_rmspe=0.5,
                        effect_years=tuple(effect_years), identified=identified, **extra)


@pytest.fixture
def analysis():
    # Effect window 2011-2013: gaps 4, 2, 6, mean 4; without 2011: 4; after (2014-15): 10, 8, mean 9.
    # Leaving out A gives 1, B 5: A moves it most. The short fit (7) is not identified. DiD against
    # the pool: log(1.1), +10 %. In-time placebo from 2005: gaps 5, -9, 4, 0, 1, 2 up to 2010.
    gap = {2011: 4.0, 2012: 2.0, 2013: 6.0, 2014: 10.0, 2015: 8.0}
    main = result(gap, 2011, range(2011, 2014), 4.0,
                  windows={"effect": {"first": 2011, "last": 2013, "years": 3, "mean_gap": 4.0},
                           "after": {"first": 2014, "last": 2015, "years": 2, "mean_gap": 9.0}},
                  sensitivity={"leave_one_out": {"A": {"att": 1.0, "identified": True},
                                                 "B": {"att": 5.0, "identified": True}}},
                  weights={"A": 0.7, "B": 0.3})
    short = result(gap, 2011, range(2011, 2014), 7.0, identified=False)
    in_time = result({2005: 5.0, 2006: -9.0, 2007: 4.0, 2008: 0.0, 2009: 1.0, 2010: 2.0}, 2005, range(2005, 2011), 0.5)
    did = EffectResult("difference_in_differences", "T", 2011, "employed", "log", att=math.log(1.1), gap={},
                       pre_rmspe=0.0)
    return effect.Analysis(main=main, fit_years=tuple(range(2000, 2011)), post_years=(2011, 2012, 2013),
                           donors=("A", "B"), excluded={}, short_fit=short, did_pool=did, in_time=in_time,
                           after_years=(2014, 2015))


def test_the_range_is_over_the_identified_estimates_of_the_programme_years_in_each_unit(analysis):
    assert effect.estimate_range(analysis, "points") == (1.0, 5.0)  # main 4, without 2011 4, leave-one-out 1 to 5
    assert effect.estimate_range(analysis, "percent") == pytest.approx((10.0, 10.0))


def test_rows_name_their_years_and_units_and_hide_what_is_not_identified(analysis):
    rows = dict(effect.sensitivity_rows(analysis, for_language("en")))
    assert rows["Main estimate: synthetic control fitted to 2000–2010, the programme years 2011–2013"] == "+4.0"
    assert rows["Fitted to 2008–2010 only, the programme years 2011–2013"] == "not uniquely determined"
    assert rows["Without the first programme year (2012–2013)"] == "+4.0"
    assert rows["Without one of the weighted municipalities, the programme years 2011–2013 (least–most; most: "
                "without A)"] == "+1.0 to +5.0"
    assert rows["The years after the programme (2014–2015), not the programme years"] == "+9.0"
    assert rows["Difference in differences against every municipality that could enter the synthetic control, "
                "2000–2010 against "
                "2011–2013 (%)"].startswith("+10.0")
    # the largest departure, -9 in 2006, not the mean; RMSPE sqrt((25 + 81 + 16 + 0 + 1 + 4) / 6) = 4.60
    assert rows["Placebo in time: a fake start in 2005, largest departure 2005–2010 (RMSPE 4.6)"] == "−9.0"


def test_the_glued_values_say_the_windows(analysis):
    from evalreport.config import ReportConfig

    config = ReportConfig.model_validate({
        "title": "t", "municipality": "3443", "programme": {"start": 2011, "end": 2013},
        "period": {"start": 2008, "end": 2015}, "base_year": 2010, "comparison": ["0"], "author": "a",
        "organisation": "o", "report_date": "2016-01-01", "data_dir": "data/x", "output_name": "x"})
    values = effect.glue_values(analysis, config, for_language("en"), lambda code: code)
    assert values["effect_post_years"] == "2011–2013" and values["effect_points"] == "4.0"
    assert (values["effect_after_years"], values["effect_after_points"]) == ("2014–2015", "+9.0")
    assert (values["effect_in_time"], values["effect_in_time_year"], values["effect_in_time_years"]) == (
        "−9.0", "2006", "2005–2010")
    assert (values["effect_loo_most"], values["effect_loo_without_most"]) == ("A", "+1.0")
    assert values["effect_range"] == "+1.0 to +5.0" and values["effect_unidentified_rows"] == 1
    assert values["did_available"] is False


@pytest.mark.parametrize("suffix, one, many", [
    ("", "Den syntetiske kontrollen er én kommune, Porsanger.", "består av tre kommuner med vekt, A, B og C."),
    (".nn", "Den syntetiske kontrollen er éin kommune, Porsanger.", "består av tre kommunar med vekt, A, B og C."),
    (".en", "The synthetic control is a single municipality, Porsanger.",
     "consists of three municipalities with weight, A, B and C."),
])
def test_chapter_4_says_a_synthetic_control_of_one_municipality_in_the_singular(suffix, one, many):
    # A pool where one municipality follows the programme's exactly gives it all the weight; the
    # sentence was «består av ett kommuner med vekt».
    import jinja2

    from support import ROOT

    source = (ROOT / "notebooks" / f"50_sysselsetting{suffix}.md").read_text(encoding="utf-8")
    template = jinja2.Environment().from_string(source)

    def say(**values):
        return " ".join(template.render(exhibit=lambda label: "", prose=lambda name: "", effect_weighted_all=True,
                                        **values).split())

    assert one in say(effect_weighted_one=True, effect_weighted_count="én", effect_weighted="Porsanger")
    assert many in say(effect_weighted_one=False, effect_weighted_count={"": "tre", ".nn": "tre", ".en": "three"}[suffix],
                       effect_weighted="A, B " + ("and" if suffix == ".en" else "og") + " C")
