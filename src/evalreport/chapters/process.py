"""Chapter 30, the restructuring process and its resources (Omstillingsprosessen og ressursbruk):
funding by funder and year, spending by focus area, projects."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evalreport import indicators, words
from evalreport import summary as key_figures
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.formatting import Formatter


@dataclass(frozen=True)
class Process:
    """What chapter 30 shows."""

    funding_by_funder: pd.DataFrame  # indicators.summarise_funding_by_funder: largest first
    funding_by_year: pd.DataFrame  # indicators.pivot_funding_by_year: a column per funder and 'total'
    spending_by_area: pd.DataFrame
    projects_by_area: pd.DataFrame  # summary.programme_projects: the last row is the total
    funder_names: dict[str, str]
    public_funding_nok: float


def compute(config: ReportConfig, case: Case) -> Process:
    """The tables of chapter 30, from the validated case."""
    return Process(
        funding_by_funder=indicators.summarise_funding_by_funder(case.funding, case.funders),
        funding_by_year=indicators.pivot_funding_by_year(case.funding),
        spending_by_area=indicators.summarise_spending_by_area(case.spending),
        projects_by_area=key_figures.programme_projects(config, case),
        funder_names=dict(zip(case.funders["funder_id"], case.funders["name"])),
        public_funding_nok=indicators.sum_public_funding(case.funding, case.funders))


def values(process: Process, fmt: Formatter) -> dict:
    """The funding's total and years, its largest funder, the public share, the projects granted, the
    share of grants paid, the projects' cost per krone of grant, and each funder's money by year."""
    by_funder, by_year = process.funding_by_funder, process.funding_by_year
    largest, total = by_funder.iloc[0], process.projects_by_area.iloc[-1]
    funding = by_funder["amount_nok"].sum()
    return {
        "funding_total": fmt.mnok(funding),
        "funding_first_year": str(by_year.index[0]),
        "funding_last_year": str(by_year.index[-1]),
        "largest_funder": str(largest["name"]),
        "largest_funder_amount": fmt.mnok(largest["amount_nok"]),
        "largest_funder_share": fmt.percent(largest["share_pct"]),
        "public_share": fmt.percent(process.public_funding_nok / funding * 100),
        "projects_granted": fmt.count(int(total["projects"]), words.text(fmt.language, "counts.projects_one"),
                                      words.text(fmt.language, "counts.projects_many")),
        "paid_share": fmt.percent(total["paid_pct"]),
        "leverage": fmt.number(total["leverage"], 2),
        "funding_by_year": {funder: {str(year): fmt.mnok(amount) for year, amount in by_year[funder].items()}
                            for funder in by_year.columns if funder != "total"},
    }
