"""Unit tests of evalreport.chapters: the values each standard chapter prints, from hand-made inputs.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations


import pandas as pd

from evalreport.chapters import appendix, goals, introduction, other_indicators, process, summary
from evalreport.config import ReportConfig
from evalreport.datasets import Provenance
from evalreport.formatting import Formatter
from evalreport.summary import KeyFigures, Observation
from support import ROOT

NBSP = "\u00a0"


def make_config(**changes) -> ReportConfig:
    raw = {
        "title": "Test", "municipality": "0529",
        "programme": {"start": 2011, "end": 2013, "status_applied": 2010, "jobs_lost": 100},
        "period": {"start": 2009, "end": 2014}, "base_year": 2010, "comparison": ["0528", "0502", "0"],
        "author": "A", "organisation": "O", "report_date": "2014-06-01", "data_dir": "data/test",
        "output_name": "test", "administration_area": "Administrasjon og drift",
        "goal_indicators": {"nye_arbeidsplasser": "new_jobs", "sikrede_arbeidsplasser": "secured_jobs"},
    }
    raw.update(changes)
    return ReportConfig.model_validate(raw)


def key_figures(**changes) -> KeyFigures:
    figures = dict(
        programme_years=3, total_funding_nok=8_000_000, public_funding_nok=6_000_000, municipal_funding_nok=1_500_000,
        municipal_share_pct=18.75, county_funding_nok=4_500_000, funding_before_start_nok=500_000,
        funding_after_end_nok=0, funders=3, projects=2, jobs_new=20, jobs_secured=10, cost_per_job_nok=200_000,
        cost_per_new_job_nok=300_000, employment_before=Observation(1000, 2010),
        employment_end=Observation(1100, 2013), population_after=Observation(13_000, 2014),
        dwellings_last_three_years=18)
    figures.update(changes)
    return KeyFigures(**figures)


EFFECT = {"effect_available": True, "effect_identified": True, "effect_points": "4,1", "effect_higher": True,
          "effect_fit_years": "2000–2010", "effect_post_years": "2011–2017", "effect_range": "−1,0 til +4,7",
          "effect_range_did": "−5,9 %", "effect_clear": False, "effect_p": "0,48", "effect_loo_most": "Kommune",
          "effect_loo_without_most": "−1,0", "effect_data_synthetic": True, "effect_donors": "354"}


# --- 10: the summary ------------------------------------------------------------------------------


def test_summary_values_in_bokmaal():
    values = summary.summary_values(key_figures(), make_config(), EFFECT)
    assert values["jobs_lost"] == "100"
    assert values["total_funding"] == f"8,0{NBSP}mill.{NBSP}kr"
    assert values["funders"] == "tre bidragsytere"
    assert values["municipal_funding"] == f"1,5{NBSP}mill.{NBSP}kr"
    assert values["municipal_share"] == f"18,8{NBSP}%"  # 18.75 to one decimal, half to even
    assert values["funding_before_start"] == f"0,5{NBSP}mill.{NBSP}kr" and values["funding_after_end"] is None
    assert values["projects"] == "to prosjekter"
    assert values["jobs_new"] == "20" and values["jobs_secured"] == "10"
    assert values["cost_per_job"] == f"200{NBSP}000{NBSP}kr" and values["cost_per_new_job"] == f"300{NBSP}000{NBSP}kr"
    assert values["employment_change"] == f"+10,0{NBSP}%"  # 1100 / 1000 - 1
    assert values["employment_verb"] == "økte"
    assert values["population_date"] == f"1.{NBSP}januar{NBSP}2014"
    assert values["last_three_years"] == "2011–2013"
    assert values["said_national_study"] is False  # a report of 2014 cannot cite the study of 2022
    # The effect sentence: the summary's own subset of the effect values, as chapter 50 prints them.
    assert {k: values[k] for k in summary.EFFECT_VALUES} == {k: EFFECT[k] for k in summary.EFFECT_VALUES}
    assert "effect_donors" not in values
    assert ["Programperiode", "2011–2013 (tre år)"] == list(values["key_figures_printed"][1])


def test_summary_values_in_nynorsk_and_english_say_one_of_a_thing_in_words():
    nn = summary.summary_values(key_figures(funders=1, projects=1), make_config(language="nn"), EFFECT)
    assert nn["funders"] == "éin bidragsytar" and nn["projects"] == "eitt prosjekt"
    en = summary.summary_values(key_figures(employment_end=Observation(900, 2013)), make_config(language="en"),
                                EFFECT)
    assert en["employment_verb"] == "fell" and en["employment_change"] == f"−10.0{NBSP}%"  # 900 / 1000 - 1
    assert en["total_funding"] == f"NOK{NBSP}8.0{NBSP}million"


def test_summary_cites_the_national_study_once_published():
    values = summary.summary_values(key_figures(), make_config(report_date="2023-01-15", language="en"), EFFECT)
    assert values["said_national_study"] is True


def test_summary_leaves_out_what_the_data_does_not_have():
    values = summary.summary_values(
        key_figures(cost_per_job_nok=None, cost_per_new_job_nok=None, employment_before=None, population_after=None,
                    dwellings_last_three_years=None, municipal_funding_nok=0),
        make_config(programme={"start": 2011, "end": 2013}), EFFECT)
    assert values["jobs_lost"] is None and values["cost_per_job"] is None and values["municipal_funding"] is None
    assert values["employment_known"] is False and values["employment_verb"] is None
    assert values["population_after"] is None and values["dwellings_last_three"] is None


# --- 20: the introduction -------------------------------------------------------------------------


def test_introduction_names_the_comparison_areas_in_the_reports_language():
    names = {"3443": "Vestre Toten", "3442": "Østre Toten", "3407": "Gjøvik", "0": "Norway"}
    values = introduction.introduction_values(make_config(language="en"), names)
    assert values == {"status_applied": "2010", "comparison_areas": "Østre Toten, Gjøvik and Norway",
                      "said_follows_guide": True}
    values = introduction.introduction_values(make_config(programme={"start": 2011, "end": 2013}), names)
    assert values["status_applied"] is None and values["comparison_areas"] == "Østre Toten, Gjøvik og Norway"


# --- 30: the process and its resources --------------------------------------------------------------


def test_process_values_from_its_tables():
    # Two funders: fylket 6.0 M (75 %), a company 2.0 M (25 %); public money 6.0 of 8.0 M = 75 %.
    shown = process.Process(
        funding_by_funder=pd.DataFrame({"funder_id": ["fylket", "firma"], "name": ["Fylket", "Firma AS"],
                                        "amount_nok": [6_000_000, 2_000_000], "share_pct": [75.0, 25.0]}),
        funding_by_year=pd.DataFrame({"fylket": [2_000_000, 4_000_000], "firma": [2_000_000, 0],
                                      "total": [4_000_000, 4_000_000]}, index=pd.Index([2011, 2012], name="year")),
        spending_by_area=pd.DataFrame(),
        # 3 projects; 1.8 M paid of 2.0 M granted = 90 %; total cost 5.0 M per 2.0 M granted = 2.5
        projects_by_area=pd.DataFrame({"focus_area": ["Næring", "total"], "projects": [3, 3],
                                       "paid_pct": [90.0, 90.0], "leverage": [2.5, 2.5]}),
        funder_names={"fylket": "Fylket", "firma": "Firma AS"}, public_funding_nok=6_000_000)
    values = process.values(shown, Formatter("nb"))
    assert values["funding_total"] == f"8,0{NBSP}mill.{NBSP}kr"
    assert (values["funding_first_year"], values["funding_last_year"]) == ("2011", "2012")
    assert values["largest_funder"] == "Fylket" and values["largest_funder_share"] == f"75,0{NBSP}%"
    assert values["public_share"] == f"75,0{NBSP}%"
    assert values["projects_granted"] == "tre prosjekter"
    assert values["paid_share"] == f"90,0{NBSP}%" and values["leverage"] == "2,50"
    mnok = f"{NBSP}mill.{NBSP}kr"
    assert values["funding_by_year"] == {"fylket": {"2011": f"2,0{mnok}", "2012": f"4,0{mnok}"},
                                         "firma": {"2011": f"2,0{mnok}", "2012": f"0,0{mnok}"}}


# --- 40: goals ---------------------------------------------------------------------------------------


def test_goals_values_count_the_goals_reached_and_share_the_summarys_job_values():
    # Targets 25, 10, 5; achieved 20 (80 %), 10 (100 %), 6 (120 %): two of three reached.
    attainment = pd.DataFrame({"target": [25.0, 10.0, 5.0], "achieved": [20.0, 10.0, 6.0],
                               "pct_of_target": [80.0, 100.0, 120.0]})
    key = key_figures(cost_per_job_nok=123_456.0)
    values = goals.values(goals.Goals(attainment, key), Formatter("nn"))
    assert values["goals_reached"] == "to" and values["goals_total"] == "tre"
    assert values["jobs_total"] == "30"  # 20 new + 10 secured
    assert values["public_funding"] == f"6,0{NBSP}mill.{NBSP}kr"
    assert values["cost_per_job_exact"] == f"123{NBSP}456{NBSP}kr"
    assert values["cost_per_job"] == f"120{NBSP}000{NBSP}kr"  # two significant digits, as the summary prints it
    printed = summary.summary_values(key, make_config(language="nn"), EFFECT)
    assert {k: printed[k] for k in ("jobs_new", "jobs_secured", "cost_per_job", "cost_per_new_job")} == \
        {k: values[k] for k in ("jobs_new", "jobs_secured", "cost_per_job", "cost_per_new_job")}


# --- 50: employment -----------------------------------------------------------------------------------


def test_difference_in_differences_as_printed():
    from types import SimpleNamespace

    from evalreport.effect import _did_glue

    facts = {"estimate_pct": 5.123, "treated_change_pct": 8.0, "controls_change_pct": 2.7,
             "placebo_pct": {"3442": 6.0, "3407": -1.0}, "placebo_at_least_as_large": 1, "pre_years": [2010, 2010],
             "post_years": [2011, 2013], "controls": ["3442", "3407"],
             "trend": {"first": 2007, "last": 2010, "gap_pct": -0.44}}
    names = {"3443": "Vestre Toten", "3442": "Østre Toten", "3407": "Gjøvik", "0": "Hele landet", "1111": "Kommune X"}
    values = _did_glue(SimpleNamespace(did_facts=facts, did_left_out=["1111"]), Formatter("nb"), names.get, "og")
    assert values["did_available"] is True
    assert values["did_controls"] == "Østre Toten og Gjøvik"
    assert values["did_left_out"] == "Kommune X"  # left out of the controls for spill-over
    assert values["did_pre"] == "2010" and values["did_post"] == "2011–2013"
    assert values["did_estimate"] == f"+5,1{NBSP}%" and values["did_better"] is True
    assert values["did_comparison_change"] == f"+2,7{NBSP}%"
    # One of two placebos (6.0) is at least as large as 5.123 in size.
    assert values["did_placebo_rank"] == "ett" and values["did_placebo_count"] == "to"
    assert values["did_trend_years"] == "2007–2010" and values["did_trend_gap"] == "0,4"
    assert values["did_trend_stronger"] is False  # the municipality grew 0.44 points a year less before


def test_difference_in_differences_without_controls_is_not_available():
    from types import SimpleNamespace

    from evalreport.effect import _did_glue

    values = _did_glue(SimpleNamespace(did_facts=None, did_left_out=["3442", "3407"]), Formatter("en"),
                       {"3442": "Østre Toten", "3407": "Gjøvik"}.get, "and")
    assert values["did_available"] is False and values["did_left_out"] == "Østre Toten and Gjøvik"
    assert values["did_estimate"] is None and values["did_placebo_possible"] is None


# --- 60: other indicators --------------------------------------------------------------------------


def test_other_indicators_values():
    years = pd.Index(range(2009, 2015))
    shown = other_indicators.Indicators(
        population=pd.Series([100, None, 102, 103, 104, 105], index=years, dtype=float),
        dwellings=pd.Series([1, 2, 3, None, 5, 6], index=years, dtype=float),
        enterprises=pd.Series([0] * 6, index=years, dtype=float),
        finances=pd.Series([1.0, 2.5, 1.5, 0.5, -0.4, None], index=years),
        robek=pd.Series([0, 1, 1, 0, 0, None], index=years, dtype=float))
    values = other_indicators.values(shown, make_config(), Formatter("nb"))  # programme 2011-2013
    assert values["population_start"] == "102" and values["population_start_date"] == f"1.{NBSP}januar{NBSP}2011"
    assert values["population_end"] == "105"  # 1 January 2014, the year after the programme
    assert values["dwellings_programme"] == "8"  # 3 + 5
    assert values["dwellings_programme_complete"] is False  # 2012 missing
    assert values["finances_before"] == f"2,5{NBSP}%" and values["finances_before_year"] == "2010"
    assert values["finances_end"] == f"−0,4{NBSP}%" and values["finances_end_year"] == "2013"
    assert values["robek_years"] == "2010 og 2011" and values["robek_known_years"] == "2009–2013"


# --- 90: the appendix ----------------------------------------------------------------------------------


def test_appendix_lists_the_datasets_in_order():
    record = dict(source="SSB", source_url="", licence="CC BY 4.0", retrieved="2026-11-30", status="published")
    provenance = {"b": Provenance(name="b", file="b.csv", title="B", method="Summed.", **record),
                  "a": Provenance(name="a", file="a.csv", title="A", method="As published.", **record)}
    assert appendix.values(provenance) == {"datasets": [{"title": "B", "file": "b.csv", "method": "Summed."},
                                                        {"title": "A", "file": "a.csv", "method": "As published."}],
                                           "method_series_break": None}
    assert appendix.values(provenance, series_break=2015)["method_series_break"] == "2015"


def test_the_summary_cites_the_national_study_in_each_language_from_the_shipped_sources():
    from evalreport.pipeline import citations

    assert "telemarksforsking2022" in citations.load(None)
    for name, words in (("10_sammendrag.md", "fant"), ("10_sammendrag.nn.md", "fann"), ("10_sammendrag.en.md", "found")):
        text = (ROOT / "notebooks" / name).read_text(encoding="utf-8")
        sentence = text[text.index("{% if said_national_study %}"):]
        sentence = sentence[:sentence.index("{% endif %}")]
        assert "@telemarksforsking2022" in sentence and words in sentence, name
