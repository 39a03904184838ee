"""Unit tests of evalreport.summary: the key figures, from a tiny hand-made case."""

from __future__ import annotations

import pandas as pd
import pytest

from evalreport import summary
from evalreport.config import ReportConfig
from evalreport.datasets import Case


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
        # kommunen 1.0 M; fylkeskommunen 3.0 M (2011) + 2.0 M (2012); andre 2.0 M; total 8.0 M
        funding=pd.DataFrame({"year": [2011, 2011, 2012, 2012],
                              "source": ["kommunen", "fylkeskommunen", "fylkeskommunen", "andre"],
                              "amount_nok": [1_000_000, 3_000_000, 2_000_000, 2_000_000]}),
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
    )


def test_compute_key_figures(case):
    figures = summary.compute_key_figures(make_config(), case)
    assert figures.jobs_lost == 100
    assert figures.programme_years == 2  # 2011-2012
    assert figures.total_funding_nok == pytest.approx(8_000_000)  # 1 + 3 + 2 + 2 M
    assert figures.municipal_funding_nok == pytest.approx(1_000_000)
    assert figures.municipal_share_pct == pytest.approx(12.5)  # 1 / 8 = 12.5 %
    assert figures.county_funding_first_year_nok == pytest.approx(3_000_000)  # 2011
    assert figures.county_funding_second_year_nok == pytest.approx(2_000_000)  # 2012
    assert figures.projects == 2  # 'Administrasjon og drift' left out
    assert figures.jobs_new_and_secured == pytest.approx(30.0)  # 20 + 10
    assert figures.cost_per_job_nok == pytest.approx(200_000.0)  # public (1 + 3 + 2 M) / 30 jobs
    assert figures.employment_before == pytest.approx(1000.0)  # 2010
    assert figures.employment_end == pytest.approx(1100.0)  # 2012
    assert figures.employment_change_pct == pytest.approx(10.0)  # 1100 / 1000 - 1
    assert figures.diff_in_diff_pct == pytest.approx(10.0)  # pre 2009-2010 flat, post 1100; controls flat
    assert figures.population_after == pytest.approx(13000.0)  # 2013 (2009 + 4, fifth value), the year after
    assert figures.dwellings_last_three_years == pytest.approx(18.0)  # 2010-2012: 5 + 6 + 7
    assert figures.as_dict()["projects"] == 2


def test_estimate_programme_effect_pre_years_from_the_configuration(case):
    config = make_config(effect_pre_years=[2009, 2010])
    levels = summary.employment_levels(config, case)
    assert list(levels.columns) == ["3443", "3442", "3407"]  # municipality first
    did = summary.estimate_programme_effect(config, levels)
    assert did.pre_years == (2009, 2010)
    assert did.post_years == (2011, 2012)


def test_estimate_programme_effect_starts_from_the_year_before_the_programme(case):
    config = make_config(base_year=2009)  # the chart's index base does not move the estimate
    levels = summary.employment_levels(config, case)
    did = summary.estimate_programme_effect(config, levels)
    assert did.pre_years == (2010, 2010)
    assert did.estimate_pct == pytest.approx(10.0)  # 1000 -> 1100, controls flat


def test_effect_compares_with_municipalities_not_areas_that_contain_the_municipality():
    assert make_config(comparison=["0528", "05", "0"]).effect_controls == ["3442"]
    assert make_config(comparison=["05", "0"]).effect_controls == ["05", "0"]  # nothing else to compare with


def test_effect_pre_years_must_precede_the_programme():
    with pytest.raises(ValueError, match="effect_pre_years: 2011 must lie in the period and before the programme"):
        make_config(effect_pre_years=[2010, 2011])


def test_region_names():
    assert summary.region_names(make_config()) == {"3443": "Vestre Toten", "3442": "Østre Toten", "3407": "Gjøvik"}
