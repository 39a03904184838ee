"""The report's numbers: pure functions from DataFrames to DataFrames or numbers, with no I/O."""

from __future__ import annotations


import pandas as pd

def summarise_funding_by_funder(funding: pd.DataFrame, funders: pd.DataFrame) -> pd.DataFrame:
    """Total funding per funder (id, name, kind, public) and its share of all funding, largest first.

    Funders without funding are left out.
    """
    by_funder = funding.groupby("funder_id", as_index=False)["amount_nok"].sum()
    by_funder = by_funder.merge(funders, on="funder_id", how="left", validate="one_to_one")
    by_funder["share_pct"] = by_funder["amount_nok"] / by_funder["amount_nok"].sum() * 100
    by_funder = by_funder.sort_values(["amount_nok", "funder_id"], ascending=[False, True]).reset_index(drop=True)
    return by_funder[["funder_id", "name", "kind", "public", "amount_nok", "share_pct"]]


def pivot_funding_by_year(funding: pd.DataFrame) -> pd.DataFrame:
    """Funding with one row per year (every year from the first to the last with funding) and one
    column per funder id, largest funder first, plus a 'total' column."""
    by_year = funding.pivot_table(index="year", columns="funder_id", values="amount_nok", aggfunc="sum", fill_value=0)
    order = funding.groupby("funder_id")["amount_nok"].sum().reset_index()
    order = order.sort_values(["amount_nok", "funder_id"], ascending=[False, True])["funder_id"]
    years = range(int(by_year.index.min()), int(by_year.index.max()) + 1)
    by_year = by_year.reindex(index=years, columns=list(order), fill_value=0)
    by_year.index.name = "year"
    by_year["total"] = by_year.sum(axis=1)
    by_year.columns.name = None
    return by_year


def sum_funding_of_kind(funding: pd.DataFrame, funders: pd.DataFrame, kind: str) -> float:
    """Funding from every funder of one kind (e.g. 'kommune'), in NOK."""
    ids = funders.loc[funders["kind"] == kind, "funder_id"]
    return float(funding.loc[funding["funder_id"].isin(ids), "amount_nok"].sum())


def summarise_spending_by_area(spending: pd.DataFrame) -> pd.DataFrame:
    """Spending per focus area and its share of all spending, largest first."""
    by_area = spending.groupby("focus_area", as_index=False)["amount_nok"].sum()
    by_area["share_pct"] = by_area["amount_nok"] / by_area["amount_nok"].sum() * 100
    return by_area.sort_values(["amount_nok", "focus_area"], ascending=[False, True]).reset_index(drop=True)


def summarise_projects(projects: pd.DataFrame, exclude_areas: tuple[str, ...] = ()) -> pd.DataFrame:
    """Projects per focus area: count, granted, paid, paid share of granted, total cost, leverage.

    Leverage is total project cost per krone granted by the programme. A last row 'total'
    sums all areas.
    """
    projects = projects[~projects["focus_area"].isin(exclude_areas)]
    by_area = projects.groupby("focus_area").agg(
        projects=("project_id", "count"),
        granted_nok=("granted_nok", "sum"),
        paid_nok=("paid_nok", "sum"),
        total_cost_nok=("total_cost_nok", "sum"),
    )
    by_area = by_area.sort_values("granted_nok", ascending=False)
    by_area.loc["total"] = by_area.sum()
    by_area["paid_pct"] = by_area["paid_nok"] / by_area["granted_nok"] * 100
    by_area["leverage"] = by_area["total_cost_nok"] / by_area["granted_nok"]
    by_area.index.name = "focus_area"
    return by_area.reset_index()


def compute_goal_attainment(goals: pd.DataFrame) -> pd.DataFrame:
    """Each goal's result as a percentage of its target."""
    attainment = goals[["goal_id", "indicator", "description", "target", "achieved"]].copy()
    attainment["pct_of_target"] = attainment["achieved"] / attainment["target"] * 100
    return attainment


def count_goals_reached(attainment: pd.DataFrame) -> int:
    """How many goals reached at least 100 % of their target."""
    return int((attainment["pct_of_target"] >= 100).sum())


def sum_public_funding(funding: pd.DataFrame, funders: pd.DataFrame) -> float:
    """Funding from the funders marked public, in NOK."""
    public = funders.loc[funders["public"].astype(bool), "funder_id"]
    return float(funding.loc[funding["funder_id"].isin(public), "amount_nok"].sum())


def count_jobs(goals: pd.DataFrame, indicators: list[str]) -> float:
    """Jobs achieved under the given goal indicators (those declared as counting new or secured jobs)."""
    return float(goals.loc[goals["indicator"].isin(indicators), "achieved"].sum())


def compute_cost_per_job(public_funding_nok: float, jobs: float) -> float | None:
    """Public funding per job, in NOK; None when no job was reported (there is no such cost)."""
    return public_funding_nok / jobs if jobs > 0 else None


def select_series(statistics: pd.DataFrame, value: str, regions: list[str], years=None) -> pd.DataFrame:
    """One column per region (in the order given), one row per year; a year without a value is NaN.

    With `years`, every one of them is a row (a year missing from the data shows as a gap).
    """
    wide = statistics.pivot_table(index="year", columns="region_code", values=value, aggfunc="sum")
    missing = [r for r in regions if r not in wide.columns]
    if missing:
        raise KeyError(f"no '{value}' series for region(s) {missing}")
    wide = wide[regions]
    if years is not None:
        wide = wide.reindex(list(years))
    wide.index.name = "year"
    wide.columns.name = None
    return wide


def compute_index(series: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Each column as an index with base_year = 100."""
    if base_year not in series.index:
        raise KeyError(f"base year {base_year} is not in the series ({series.index.min()}-{series.index.max()})")
    return series / series.loc[base_year] * 100


def compute_change(series: pd.Series, first: int, last: int) -> tuple[float, float]:
    """Change from `first` to `last`: (absolute, percent)."""
    absolute = float(series.loc[last] - series.loc[first])
    return absolute, absolute / float(series.loc[first]) * 100


def sum_over_years(statistics: pd.DataFrame, value: str, region: str, first: int, last: int) -> float:
    """Sum of a yearly count (dwellings, new enterprises) for one region over [first, last]."""
    rows = statistics[(statistics["region_code"] == region) & statistics["year"].between(first, last)]
    if rows["year"].nunique() != last - first + 1:
        raise KeyError(f"'{value}' for region {region} lacks years in {first}-{last}")
    return float(rows[value].sum())


def value_in(statistics: pd.DataFrame, value: str, region: str, year: int) -> float:
    """One region's value in one year."""
    rows = statistics[(statistics["region_code"] == region) & (statistics["year"] == year)]
    if rows.empty:
        raise KeyError(f"no '{value}' for region {region} in {year}")
    return float(rows[value].iloc[0])

