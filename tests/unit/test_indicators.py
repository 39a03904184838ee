"""Unit tests of evalreport.indicators, on small hand-made frames with hand-worked expectations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evalreport import indicators

MILLION = 1_000_000


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def funders() -> pd.DataFrame:
    # As load_case leaves them: `public` is a bool. The company's money is private (public=False);
    # 'staten' is declared but gave nothing.
    return pd.DataFrame(
        {
            "funder_id": ["fylket", "kommunen", "innovasjon_norge", "industriparken", "staten"],
            "name": ["Oppland fylkeskommune", "Vestre Toten kommune", "Innovasjon Norge", "Raufoss Industripark AS",
                     "Kommunal- og moderniseringsdepartementet"],
            "kind": ["fylkeskommune", "kommune", "innovasjon_norge", "privat", "stat"],
            "public": [True, True, True, False, True],
        }
    )


@pytest.fixture
def funding() -> pd.DataFrame:
    # Totals per funder: fylket 6.0 + 6.0 = 12.0 M, kommunen 2.0 + 1.6 = 3.6 M,
    # industriparken 3.4 M, innovasjon_norge 3.0 M; all funding 22.0 M.
    return pd.DataFrame(
        {
            "year": [2011, 2011, 2011, 2012, 2012, 2012],
            "funder_id": ["kommunen", "fylket", "innovasjon_norge", "kommunen", "fylket", "industriparken"],
            "amount_nok": [2_000_000, 6_000_000, 3_000_000, 1_600_000, 6_000_000, 3_400_000],
        }
    )


@pytest.fixture
def spending() -> pd.DataFrame:
    # Per area: Næringsutvikling 5.0 + 7.0 = 12.0 M, Kompetanse 3.0 + 3.0 = 6.0 M,
    # Administrasjon og drift 2.0 + 2.0 = 4.0 M; all spending 22.0 M (equals funding).
    return pd.DataFrame(
        {
            "year": [2011, 2011, 2011, 2012, 2012, 2012],
            "focus_area": ["Næringsutvikling", "Kompetanse", "Administrasjon og drift"] * 2,
            "amount_nok": [5_000_000, 3_000_000, 2_000_000, 7_000_000, 3_000_000, 2_000_000],
        }
    )


@pytest.fixture
def projects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4"],
            "focus_area": ["Næringsutvikling", "Næringsutvikling", "Kompetanse", "Administrasjon og drift"],
            "granted_nok": [1_000_000, 500_000, 2_000_000, 4_000_000],
            "paid_nok": [800_000, 500_000, 1_000_000, 4_000_000],
            "total_cost_nok": [3_000_000, 1_000_000, 2_500_000, 4_000_000],
        }
    )


@pytest.fixture
def goals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "goal_id": ["M1", "M2", "M3"],
            "indicator": ["nye_arbeidsplasser", "sikrede_arbeidsplasser", "nye_bedrifter"],
            "description": ["Nye arbeidsplasser", "Sikrede arbeidsplasser", "Nye bedrifter"],
            "target": [40.0, 20.0, 8.0],
            "achieved": [30.0, 10.0, 10.0],
        }
    )


@pytest.fixture
def statistics() -> pd.DataFrame:
    # Long format, as the datasets are: employment in two regions over three years.
    return pd.DataFrame(
        {
            "region_code": ["3443", "3443", "3443", "3442", "3442", "3442"],
            "year": [2010, 2011, 2012, 2010, 2011, 2012],
            "employed": [4000, 3800, 4200, 5000, 5500, 4500],
        }
    )


# --- funding and spending ------------------------------------------------------------------------


def test_summarise_funding_by_funder_totals_and_order(funding, funders):
    by_funder = indicators.summarise_funding_by_funder(funding, funders)
    assert list(by_funder.columns) == ["funder_id", "name", "kind", "public", "amount_nok", "share_pct"]
    # Largest first: 12.0 M > 3.6 M > 3.4 M > 3.0 M; 'staten' gave nothing and is left out.
    assert list(by_funder["funder_id"]) == ["fylket", "kommunen", "industriparken", "innovasjon_norge"]
    assert list(by_funder["amount_nok"]) == [12_000_000, 3_600_000, 3_400_000, 3_000_000]
    # Each row carries the funder's own record.
    assert list(by_funder["name"]) == ["Oppland fylkeskommune", "Vestre Toten kommune", "Raufoss Industripark AS",
                                       "Innovasjon Norge"]
    assert list(by_funder["kind"]) == ["fylkeskommune", "kommune", "privat", "innovasjon_norge"]
    assert list(by_funder["public"]) == [True, True, False, True]


def test_summarise_funding_by_funder_shares(funding, funders):
    shares = indicators.summarise_funding_by_funder(funding, funders).set_index("funder_id")["share_pct"]
    assert shares["fylket"] == pytest.approx(54.545454, rel=1e-6)  # 12.0 / 22.0 = 54.5454... %
    assert shares["kommunen"] == pytest.approx(16.363636, rel=1e-6)  # 3.6 / 22.0 = 16.3636... %
    assert shares["industriparken"] == pytest.approx(15.454545, rel=1e-6)  # 3.4 / 22.0 = 15.4545... %
    assert shares["innovasjon_norge"] == pytest.approx(13.636363, rel=1e-6)  # 3.0 / 22.0 = 13.6363... %
    assert shares.sum() == pytest.approx(100.0)


def test_summarise_funding_by_funder_breaks_ties_by_funder_id():
    # The ids and the names sort in opposite orders, so the test tells which one breaks the tie.
    funders = pd.DataFrame({"funder_id": ["zeta", "alfa", "fylket"], "name": ["Alfa AS", "Zeta AS", "Fylket"],
                            "kind": ["privat", "privat", "fylkeskommune"], "public": [False, False, True]})
    funding = pd.DataFrame(
        {"year": [2011, 2011, 2011], "funder_id": ["zeta", "alfa", "fylket"],
         "amount_nok": [1_000_000, 1_000_000, 2_000_000]}
    )
    by_funder = indicators.summarise_funding_by_funder(funding, funders)
    # 2.0 M first; the two 1.0 M funders by id: alfa < zeta (by name it would be Alfa AS = zeta first).
    assert list(by_funder["funder_id"]) == ["fylket", "alfa", "zeta"]
    assert list(by_funder["name"]) == ["Fylket", "Zeta AS", "Alfa AS"]
    assert list(by_funder["share_pct"]) == pytest.approx([50.0, 25.0, 25.0])  # 2/4, 1/4, 1/4


def test_pivot_funding_by_year_columns_and_total(funding):
    by_year = indicators.pivot_funding_by_year(funding)
    # Funders by id in the order of their totals (12.0, 3.6, 3.4, 3.0 M), then the total column.
    assert list(by_year.columns) == ["fylket", "kommunen", "industriparken", "innovasjon_norge", "total"]
    assert list(by_year.index) == [2011, 2012]
    # 2011: 6.0 + 2.0 + 0 + 3.0 = 11.0 M; 2012: 6.0 + 1.6 + 3.4 + 0 = 11.0 M.
    assert by_year.loc[2011].tolist() == [6_000_000, 2_000_000, 0, 3_000_000, 11_000_000]
    assert by_year.loc[2012].tolist() == [6_000_000, 1_600_000, 3_400_000, 0, 11_000_000]
    assert by_year.columns.name is None


def test_pivot_funding_by_year_has_a_row_of_zeros_for_a_year_without_funding():
    funding = pd.DataFrame({"year": [2011, 2013, 2013], "funder_id": ["fylket", "fylket", "kommunen"],
                            "amount_nok": [1_000_000, 2_000_000, 500_000]})
    by_year = indicators.pivot_funding_by_year(funding)
    assert list(by_year.index) == [2011, 2012, 2013]  # 2012 had no funding, but is a year of the programme
    assert list(by_year.columns) == ["fylket", "kommunen", "total"]  # 3.0 M before 0.5 M
    assert by_year.loc[2011].tolist() == [1_000_000, 0, 1_000_000]
    assert by_year.loc[2012].tolist() == [0, 0, 0]
    assert by_year.loc[2013].tolist() == [2_000_000, 500_000, 2_500_000]  # 2.0 + 0.5 M


def test_sum_funding_of_kind(funding, funders):
    assert indicators.sum_funding_of_kind(funding, funders, "kommune") == pytest.approx(3_600_000)  # 2.0 + 1.6 M
    assert indicators.sum_funding_of_kind(funding, funders, "fylkeskommune") == pytest.approx(12_000_000)  # 6 + 6 M
    assert indicators.sum_funding_of_kind(funding, funders, "privat") == pytest.approx(3_400_000)
    assert indicators.sum_funding_of_kind(funding, funders, "stat") == 0.0  # declared, but gave nothing
    assert indicators.sum_funding_of_kind(funding, funders, "annen") == 0.0  # no funder of that kind


def test_sum_funding_of_kind_adds_every_funder_of_the_kind(funding, funders):
    funders = pd.concat([funders, pd.DataFrame([{"funder_id": "nabokommunen", "name": "Østre Toten kommune",
                                                 "kind": "kommune", "public": True}])], ignore_index=True)
    funding = pd.concat([funding, pd.DataFrame([{"year": 2012, "funder_id": "nabokommunen",
                                                 "amount_nok": 400_000}])], ignore_index=True)
    # Vestre Toten 3.6 M + Østre Toten 0.4 M = 4.0 M
    assert indicators.sum_funding_of_kind(funding, funders, "kommune") == pytest.approx(4_000_000)


def test_summarise_spending_by_area(spending):
    by_area = indicators.summarise_spending_by_area(spending)
    assert list(by_area["focus_area"]) == ["Næringsutvikling", "Kompetanse", "Administrasjon og drift"]
    assert list(by_area["amount_nok"]) == [12_000_000, 6_000_000, 4_000_000]
    # 12 / 22 = 54.5454... %, 6 / 22 = 27.2727... %, 4 / 22 = 18.1818... %
    assert list(by_area["share_pct"]) == pytest.approx([54.545454, 27.272727, 18.181818], rel=1e-6)
    assert by_area["share_pct"].sum() == pytest.approx(100.0)


def test_summarise_projects_by_area(projects):
    summary = indicators.summarise_projects(projects).set_index("focus_area")
    # Ordered by granted, largest first (4.0 M, 2.0 M, 1.5 M), with 'total' last.
    assert list(summary.index) == ["Administrasjon og drift", "Kompetanse", "Næringsutvikling", "total"]
    row = summary.loc["Næringsutvikling"]
    assert row["projects"] == 2
    assert row["granted_nok"] == 1_500_000  # 1.0 M + 0.5 M
    assert row["paid_nok"] == 1_300_000  # 0.8 M + 0.5 M
    assert row["total_cost_nok"] == 4_000_000  # 3.0 M + 1.0 M
    assert row["paid_pct"] == pytest.approx(86.666667, rel=1e-6)  # 1.3 / 1.5 = 86.666... %
    assert row["leverage"] == pytest.approx(2.666667, rel=1e-6)  # 4.0 / 1.5 = 2.666...
    assert summary.loc["Kompetanse", "paid_pct"] == pytest.approx(50.0)  # 1.0 / 2.0
    assert summary.loc["Kompetanse", "leverage"] == pytest.approx(1.25)  # 2.5 / 2.0


def test_summarise_projects_total_row(projects):
    summary = indicators.summarise_projects(projects)
    total = summary.iloc[-1]
    assert total["focus_area"] == "total"
    assert total["projects"] == 4
    assert total["granted_nok"] == 7_500_000  # 1.0 + 0.5 + 2.0 + 4.0 M
    assert total["paid_nok"] == 6_300_000  # 0.8 + 0.5 + 1.0 + 4.0 M
    assert total["total_cost_nok"] == 10_500_000  # 3.0 + 1.0 + 2.5 + 4.0 M
    # The total's ratios are ratios of sums, not sums of ratios.
    assert total["paid_pct"] == pytest.approx(84.0)  # 6.3 / 7.5 = 84 %
    assert total["leverage"] == pytest.approx(1.4)  # 10.5 / 7.5 = 1.4


def test_summarise_projects_exclude_areas(projects):
    summary = indicators.summarise_projects(projects, exclude_areas=("Administrasjon og drift",))
    assert list(summary["focus_area"]) == ["Kompetanse", "Næringsutvikling", "total"]
    total = summary.set_index("focus_area").loc["total"]
    assert total["projects"] == 3
    assert total["granted_nok"] == 3_500_000  # 1.0 + 0.5 + 2.0 M
    assert total["paid_pct"] == pytest.approx(65.714286, rel=1e-6)  # 2.3 / 3.5 = 65.714... %
    assert total["leverage"] == pytest.approx(1.857143, rel=1e-6)  # 6.5 / 3.5 = 1.857...


# --- goals and jobs ------------------------------------------------------------------------------


def test_compute_goal_attainment(goals):
    attainment = indicators.compute_goal_attainment(goals)
    assert list(attainment.columns) == ["goal_id", "indicator", "description", "target", "achieved", "pct_of_target"]
    # 30 / 40 = 75 %, 10 / 20 = 50 %, 10 / 8 = 125 %
    assert list(attainment["pct_of_target"]) == pytest.approx([75.0, 50.0, 125.0])
    assert "pct_of_target" not in goals.columns  # the input is left alone


JOB_INDICATORS = ["nye_arbeidsplasser", "sikrede_arbeidsplasser"]  # as a configuration declares them


def test_count_jobs_counts_the_indicators_given(goals):
    # 30 new + 10 secured; 'nye_bedrifter' is not among them
    assert indicators.count_jobs(goals, JOB_INDICATORS) == pytest.approx(40.0)
    assert indicators.count_jobs(goals, ["nye_arbeidsplasser"]) == pytest.approx(30.0)
    assert indicators.count_jobs(goals, ["sikrede_arbeidsplasser"]) == pytest.approx(10.0)
    # Which goals count is the configuration's rule, not the indicator's name: any declared indicator counts.
    assert indicators.count_jobs(goals, ["nye_bedrifter"]) == pytest.approx(10.0)
    assert indicators.count_jobs(goals, []) == 0.0


def test_sum_public_funding_counts_the_funders_marked_public(funding, funders):
    # Public: fylket 12.0 M + kommunen 3.6 M + innovasjon_norge 3.0 M = 18.6 M; the company
    # (industriparken 3.4 M, marked not public) is left out; 'staten' is public but gave nothing.
    assert indicators.sum_public_funding(funding, funders) == pytest.approx(18_600_000)
    # The company's money is in the total all the same: 18.6 + 3.4 = 22.0 M.
    assert funding["amount_nok"].sum() == 22_000_000


def test_sum_public_funding_follows_the_flag_not_the_kind(funding, funders):
    # The same company marked public (say, one the municipality owns): 18.6 + 3.4 = 22.0 M.
    company_public = funders.assign(public=funders["funder_id"].isin(["fylket", "kommunen", "innovasjon_norge",
                                                                       "industriparken"]))
    assert indicators.sum_public_funding(funding, company_public) == pytest.approx(22_000_000)
    # The county marked not public: 18.6 - 12.0 = 6.6 M.
    county_private = funders.assign(public=funders["funder_id"].isin(["kommunen", "innovasjon_norge"]))
    assert indicators.sum_public_funding(funding, county_private) == pytest.approx(6_600_000)


def test_compute_cost_per_job_from_public_funding(funding, funders, goals):
    public = indicators.sum_public_funding(funding, funders)  # 18.6 M (see above)
    jobs = indicators.count_jobs(goals, JOB_INDICATORS)  # 40
    # 18 600 000 / 40 jobs = 465 000 NOK per job.
    assert indicators.compute_cost_per_job(public, jobs) == pytest.approx(465_000.0)
    assert indicators.compute_cost_per_job(3_000_000, 4) == pytest.approx(750_000.0)  # 3.0 M / 4


@pytest.mark.parametrize("jobs", [0, 0.0, -1])
def test_compute_cost_per_job_is_none_without_jobs(jobs):
    # No job reported: there is no cost per job (the report leaves the figure out).
    assert indicators.compute_cost_per_job(18_600_000, jobs) is None


# --- statistical series --------------------------------------------------------------------------


def test_select_series_orders_columns_as_given(statistics):
    wide = indicators.select_series(statistics, "employed", ["3442", "3443"])
    assert list(wide.columns) == ["3442", "3443"]
    assert list(wide.index) == [2010, 2011, 2012]
    assert wide.loc[2011, "3443"] == 3800
    assert wide.loc[2012, "3442"] == 4500


def test_select_series_with_years_shows_missing_years_as_gaps(statistics):
    # The data cover 2010-2012; asked for 2009-2013, 2009 and 2013 are rows of NaN, not left out.
    wide = indicators.select_series(statistics, "employed", ["3443", "3442"], years=range(2009, 2014))
    assert list(wide.index) == [2009, 2010, 2011, 2012, 2013]
    assert wide.index.name == "year"
    assert wide.loc[2009].isna().all()
    assert wide.loc[2013].isna().all()
    assert wide.loc[2011].tolist() == [3800, 5500]


def test_select_series_leaves_a_gap_where_one_region_lacks_a_year(statistics):
    without = statistics[~((statistics["region_code"] == "3442") & (statistics["year"] == 2011))]
    wide = indicators.select_series(without, "employed", ["3443", "3442"], years=[2010, 2011, 2012])
    assert math.isnan(wide.loc[2011, "3442"])
    assert wide.loc[2011, "3443"] == 3800  # the other region keeps its value


def test_select_series_raises_on_missing_region(statistics):
    with pytest.raises(KeyError, match="0502"):
        indicators.select_series(statistics, "employed", ["3443", "0502"])


def test_compute_index_base_year_is_100(statistics):
    wide = indicators.select_series(statistics, "employed", ["3443", "3442"])
    index = indicators.compute_index(wide, 2010)
    assert index.loc[2010].tolist() == pytest.approx([100.0, 100.0])
    assert index.loc[2011, "3443"] == pytest.approx(95.0)  # 3800 / 4000 * 100
    assert index.loc[2012, "3443"] == pytest.approx(105.0)  # 4200 / 4000 * 100
    assert index.loc[2011, "3442"] == pytest.approx(110.0)  # 5500 / 5000 * 100
    assert index.loc[2012, "3442"] == pytest.approx(90.0)  # 4500 / 5000 * 100


def test_compute_index_other_base_year(statistics):
    wide = indicators.select_series(statistics, "employed", ["3443"])
    index = indicators.compute_index(wide, 2012)
    assert index["3443"].tolist() == pytest.approx([95.238095, 90.476190, 100.0], rel=1e-6)  # 4000/4200, 3800/4200


def test_compute_index_raises_on_missing_base_year(statistics):
    wide = indicators.select_series(statistics, "employed", ["3443"])
    with pytest.raises(KeyError, match="2009"):
        indicators.compute_index(wide, 2009)


def test_compute_change():
    series = pd.Series([4000, 3900, 3700], index=[2010, 2014, 2017])
    absolute, percent = indicators.compute_change(series, 2010, 2017)
    assert absolute == pytest.approx(-300.0)  # 3700 - 4000
    assert percent == pytest.approx(-7.5)  # -300 / 4000 = -7.5 %


def test_compute_change_increase():
    series = pd.Series([200.0, 250.0], index=[2010, 2011])
    assert indicators.compute_change(series, 2010, 2011) == pytest.approx((50.0, 25.0))  # 50 / 200 = 25 %


@pytest.fixture
def dwellings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["3443", "3443", "3443", "3443", "3442"],
            "year": [2014, 2015, 2016, 2017, 2016],
            "dwellings_completed": [99, 10, 20, 15, 1000],
        }
    )


def test_sum_over_years(dwellings):
    # 2015-2017 in 3443: 10 + 20 + 15 = 45 (2014 and the other region are left out).
    assert indicators.sum_over_years(dwellings, "dwellings_completed", "3443", 2015, 2017) == pytest.approx(45.0)


def test_sum_over_years_raises_on_missing_year(dwellings):
    with pytest.raises(KeyError, match="2015-2018"):
        indicators.sum_over_years(dwellings, "dwellings_completed", "3443", 2015, 2018)  # no 2018
    gap = dwellings[dwellings["year"] != 2016]
    with pytest.raises(KeyError):
        indicators.sum_over_years(gap, "dwellings_completed", "3443", 2015, 2017)  # no 2016


def test_value_in(dwellings):
    assert indicators.value_in(dwellings, "dwellings_completed", "3442", 2016) == pytest.approx(1000.0)
    assert indicators.value_in(dwellings, "dwellings_completed", "3443", 2016) == pytest.approx(20.0)


def test_value_in_raises_when_absent(dwellings):
    with pytest.raises(KeyError, match="2017"):
        indicators.value_in(dwellings, "dwellings_completed", "3442", 2017)
