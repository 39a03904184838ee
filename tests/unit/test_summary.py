"""Unit tests of evalreport.summary: the key figures, from a tiny hand-made case."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from evalreport import summary
from evalreport.chapter import ChapterContext
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.summary import Observation

NBSP = "\u00a0"


def make_config(**changes) -> ReportConfig:
    raw = {
        "title": "Test",
        "municipality": "0529",
        "programme": {"start": 2011, "end": 2012, "status_applied": 2010, "jobs_lost": 100},
        "period": {"start": 2009, "end": 2013},
        "base_year": 2009,
        "comparison": ["0528", "0502"],
        "author": "A",
        "organisation": "O",
        "report_date": "2013-06-01",
        "data_dir": "data/test",
        "output_name": "test",
        "administration_area": "Administrasjon og drift",
        "goal_indicators": {"nye_arbeidsplasser": "new_jobs", "sikrede_arbeidsplasser": "secured_jobs",
                            "nye_bedrifter": "other"},
    }
    raw.update(changes)
    return ReportConfig.model_validate(raw)


def long(value: str, rows: dict[str, list[float]], first_year: int) -> pd.DataFrame:
    records = [
        {"region_code": code, "year": first_year + i, value: v}
        for code, values in rows.items()
        for i, v in enumerate(values)
    ]
    return pd.DataFrame(records)


@pytest.fixture
def case() -> Case:
    empty = pd.DataFrame()
    return Case(
        funders=pd.DataFrame({"funder_id": ["kommunen", "fylket", "industriparken", "staten"],
                              "name": ["Vestre Toten kommune", "Oppland fylkeskommune", "Raufoss Industripark AS",
                                       "Staten"],
                              "kind": ["kommune", "fylkeskommune", "privat", "stat"],
                              "public": [True, True, False, True]}),
        # kommunen 0.5 M (2010, before the programme) + 1.0 M (2011) = 1.5 M;
        # fylket 3.0 M (2011) + 1.0 M (2012) + 0.5 M (2013, after the programme) = 4.5 M;
        # industriparken (a company, not public) 2.0 M (2012); staten a row of 0 (2012).
        # Total 1.5 + 4.5 + 2.0 = 8.0 M; public 1.5 + 4.5 = 6.0 M.
        funding=pd.DataFrame({"year": [2010, 2011, 2011, 2012, 2012, 2012, 2013],
                              "funder_id": ["kommunen", "kommunen", "fylket", "fylket", "industriparken", "staten",
                                            "fylket"],
                              "amount_nok": [500_000, 1_000_000, 3_000_000, 1_000_000, 2_000_000, 0, 500_000]}),
        spending=pd.DataFrame({"year": [2011, 2012], "focus_area": ["Næring", "Næring"],
                               "amount_nok": [4_000_000, 4_000_000]}),
        projects=pd.DataFrame({"project_id": ["P1", "P2", "P3"],
                               "focus_area": ["Næring", "Kompetanse", "Administrasjon og drift"],
                               "granted_nok": [100, 200, 300], "paid_nok": [100, 200, 300],
                               "total_cost_nok": [100, 200, 300]}),
        goals=pd.DataFrame({"goal_id": ["M1", "M2", "M3"],
                            "indicator": ["nye_arbeidsplasser", "sikrede_arbeidsplasser", "nye_bedrifter"],
                            "description": ["a", "b", "c"], "target": [25.0, 10.0, 5.0],
                            "achieved": [20.0, 10.0, 4.0]}),
        # 3443 flat at 1000 until 2010, 1100 in the programme years; comparison areas flat.
        employment=long("employed", {"3443": [1000, 1000, 1100, 1100, 1200],
                                     "3442": [500] * 5, "3407": [2000] * 5}, 2009),
        unemployment=empty,
        # population 2009-2013: 13500, 13400, 13300, 13200, 13000
        population=long("population", {"3443": [13500, 13400, 13300, 13200, 13000]}, 2009),
        dwellings=long("dwellings_completed", {"3443": [9, 5, 6, 7, 8]}, 2009),
        enterprises=empty,
        municipal_finances=empty,
        donor_pool_employment=empty,
    )


def test_compute_key_figures(case):
    figures = summary.compute_key_figures(make_config(), case)
    assert figures.programme_years == 2  # 2011-2012
    assert figures.total_funding_nok == pytest.approx(8_000_000)  # 0.5 + 1 + 3 + 1 + 2 + 0 + 0.5 M
    assert figures.public_funding_nok == pytest.approx(6_000_000)  # all but the company's 2.0 M
    assert figures.municipal_funding_nok == pytest.approx(1_500_000)  # 0.5 + 1.0 M
    assert figures.municipal_share_pct == pytest.approx(18.75)  # 1.5 / 8 = 18.75 %
    assert figures.county_funding_nok == pytest.approx(4_500_000)  # 3.0 + 1.0 + 0.5 M
    assert figures.funding_before_start_nok == pytest.approx(500_000)  # 2010
    assert figures.funding_after_end_nok == pytest.approx(500_000)  # 2013
    assert figures.funders == 3  # kommunen, fylket, industriparken; staten gave 0
    assert figures.projects == 2  # 'Administrasjon og drift' is the administration_area, not a project
    assert figures.jobs_new == pytest.approx(20.0)
    assert figures.jobs_secured == pytest.approx(10.0)
    assert figures.jobs == pytest.approx(30.0)  # 20 + 10; 'nye_bedrifter' is declared other
    assert figures.cost_per_job_nok == pytest.approx(200_000.0)  # public 6.0 M / 30 jobs
    assert figures.cost_per_new_job_nok == pytest.approx(300_000.0)  # public 6.0 M / 20 new jobs
    assert figures.employment_before == Observation(1000.0, 2010)  # the year before the programme
    assert figures.employment_end == Observation(1100.0, 2012)  # the programme's last year
    assert figures.employment_change_pct == pytest.approx(10.0)  # 1100 / 1000 - 1
    assert figures.population_after == Observation(13000.0, 2013)  # 1 January of the year after (2012 + 1)
    assert figures.dwellings_last_three_years == pytest.approx(18.0)  # 2010-2012: 5 + 6 + 7
    assert figures.as_dict()["projects"] == 2


def test_a_company_counts_in_the_total_but_not_in_public_funding(case):
    base = summary.compute_key_figures(make_config(), case)
    funding = case.funding.copy()
    funding.loc[funding["funder_id"] == "industriparken", "amount_nok"] = 5_000_000  # 2.0 -> 5.0 M
    figures = summary.compute_key_figures(make_config(), replace(case, funding=funding))
    assert figures.total_funding_nok == pytest.approx(11_000_000)  # 8.0 + 3.0 M
    assert figures.public_funding_nok == pytest.approx(base.public_funding_nok)  # still 6.0 M
    assert figures.cost_per_job_nok == pytest.approx(200_000.0)  # still 6.0 M / 30
    assert figures.municipal_share_pct == pytest.approx(13.636364, rel=1e-6)  # 1.5 / 11 = 13.6363... %


def test_projects_count_the_administration_only_when_none_is_declared(case):
    assert summary.compute_key_figures(make_config(administration_area=None), case).projects == 3  # P1, P2, P3


def test_key_figures_without_jobs_have_no_cost_per_job(case):
    goals = case.goals.assign(achieved=[0.0, 0.0, 4.0])  # no new or secured job; 4 new firms
    figures = summary.compute_key_figures(make_config(), replace(case, goals=goals))
    assert figures.jobs == 0.0
    assert figures.cost_per_job_nok is None
    assert figures.cost_per_new_job_nok is None


def test_key_figures_say_which_year_a_value_is_for_when_data_end_early(case):
    # Population only up to 2011 and employment without 2012: the latest earlier year is used, and named.
    population = case.population[case.population["year"] <= 2011]
    employment = case.employment[~((case.employment["region_code"] == "3443") & (case.employment["year"] == 2012))]
    dwellings = case.dwellings[case.dwellings["year"] != 2011]  # 2010-2012 incomplete
    figures = summary.compute_key_figures(make_config(), replace(case, population=population, employment=employment,
                                                                 dwellings=dwellings))
    assert figures.population_after == Observation(13300.0, 2011)  # 2009 + 2 -> third value
    assert figures.employment_end == Observation(1100.0, 2011)
    assert figures.employment_change_pct == pytest.approx(10.0)  # 1100 (2011) / 1000 (2010) - 1
    assert figures.dwellings_last_three_years is None  # a sum over two of three years would mislead


def test_key_figures_without_employment_or_population(case):
    employment = case.employment[case.employment["region_code"] != "3443"]
    population = case.population.iloc[0:0]
    figures = summary.compute_key_figures(make_config(), replace(case, employment=employment, population=population))
    assert figures.employment_before is None
    assert figures.employment_end is None
    assert figures.employment_change_pct is None
    assert figures.population_after is None


def test_observation_takes_the_year_or_the_nearest_in_the_direction_given():
    series = pd.Series([10.0, float("nan"), 30.0, 40.0], index=[2010, 2011, 2012, 2013])
    assert summary.observation(series, 2012, -1) == Observation(30.0, 2012)  # the year itself
    assert summary.observation(series, 2011, -1) == Observation(10.0, 2010)  # 2011 is a gap: back to 2010
    assert summary.observation(series, 2011, +1) == Observation(30.0, 2012)  # ... or forward to 2012
    assert summary.observation(series, 2020, -1) == Observation(40.0, 2013)
    assert summary.observation(series, 2009, -1) is None  # nothing before 2010
    assert summary.observation(series, 2014, +1) is None  # nothing after 2013


@pytest.mark.parametrize("value, digits, expected", [
    (122_222.2, 2, 120_000.0),  # 1.2 x 10^5
    (233_333.3, 2, 230_000.0),
    (1_987, 2, 2_000.0),  # 19.87 hundreds -> 20 hundreds
    (-4_567, 2, -4_600.0),  # 45.67 hundreds -> 46 hundreds, sign kept
    (0.012345, 3, 0.0123),
    (465_000, 3, 465_000.0),  # already three significant digits
])
def test_round_to_significant(value, digits, expected):
    assert summary.round_to_significant(value, digits) == pytest.approx(expected)


def test_round_to_significant_leaves_zero_and_non_finite_values():
    assert summary.round_to_significant(0) == 0
    assert math.isnan(summary.round_to_significant(float("nan")))
    assert summary.round_to_significant(float("inf")) == float("inf")


def test_key_figure_rows_in_bokmaal(case):
    config = make_config()
    rows = dict(summary.key_figure_rows(summary.compute_key_figures(config, case), config))
    assert rows["Tapte arbeidsplasser før programmet"] == "om lag 100"  # programme.jobs_lost
    assert rows["Programperiode"] == "2011\u20132012 (to år)"
    assert rows["Samlet finansiering"] == f"8,0{NBSP}mill.{NBSP}kr"
    # 1.5 M and 18.75 %, which rounds half to even at one decimal: 18,8 %
    assert rows["Herav fra kommunen"] == f"1,5{NBSP}mill.{NBSP}kr (18,8{NBSP}%)"
    assert rows["Prosjekter"] == "2"
    assert rows["Nye arbeidsplasser"] == "20"
    assert rows["Sikrede arbeidsplasser"] == "10"
    # 200 000 NOK per job, to two significant digits: 200 000
    assert rows["Offentlige midler per ny eller sikret arbeidsplass"] == f"om lag 200{NBSP}000{NBSP}kr"
    assert rows["Sysselsatte (arbeidssted) 2012"] == f"1{NBSP}100"
    assert rows[f"Folkemengde 1.{NBSP}januar{NBSP}2013"] == f"13{NBSP}000"


def test_key_figure_rows_leave_out_rows_without_data(case):
    programme = {"start": 2011, "end": 2012}  # no jobs_lost, no status_applied
    config = make_config(programme=programme, language="en")
    goals = case.goals.assign(achieved=[0.0, 0.0, 4.0])
    key = summary.compute_key_figures(config, replace(case, goals=goals, population=case.population.iloc[0:0]))
    rows = dict(summary.key_figure_rows(key, config))
    assert "Jobs lost before the programme" not in rows
    assert "Public money per new or secured job" not in rows  # no job, no cost per job
    assert not any(label.startswith("Population") for label in rows)
    assert rows["Programme period"] == "2011\u20132012 (two years)"
    assert rows["Total funding"] == f"NOK{NBSP}8.0{NBSP}million"
    assert rows["New jobs"] == "0"


def test_the_did_pre_years_come_from_the_configuration_or_the_year_before_the_programme():
    assert make_config(effect_pre_years=[2009, 2010]).pre_years == [2009, 2010]
    assert make_config(base_year=2009).pre_years == [2010]  # the chart's index base does not move them


def test_employment_levels_cover_every_year_of_the_period(case):
    config = make_config(period={"start": 2008, "end": 2013})  # the data start in 2009
    levels = summary.employment_levels(config, case)
    assert list(levels.index) == [2008, 2009, 2010, 2011, 2012, 2013]
    assert levels.loc[2008].isna().all()  # a gap, not a missing row


def test_effect_compares_with_municipalities_not_areas_that_contain_the_municipality():
    assert make_config(comparison=["0528", "05", "0"]).effect_controls == ["3442"]
    assert make_config(comparison=["05", "0"]).effect_controls == ["05", "0"]  # nothing else to compare with


def test_effect_pre_years_must_precede_the_programme():
    with pytest.raises(ValueError, match="effect_pre_years: 2011 must lie in the period and before the programme"):
        make_config(effect_pre_years=[2010, 2011])


@pytest.mark.parametrize("language, country", [("nb", "Hele landet"), ("nn", "Heile landet"), ("en", "Norway")])
def test_chapter_names_the_municipality_and_its_comparison_areas(case, language, country):
    config = make_config(comparison=["0528", "0502", "0"], language=language)
    names = ChapterContext(config, case, Path(".")).names
    # Keyed by today's codes (0529 -> 3443, 0528 -> 3442, 0502 -> 3407), the municipality first.
    assert names == {"3443": "Vestre Toten", "3442": "Østre Toten", "3407": "Gjøvik", "0": country}
    assert list(names) == ["3443", "3442", "3407", "0"]
