"""The report's headline figures, computed from the validated case, with what a sentence about them
needs to stay true for any data: which years a value is for, and None where the data has none."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from evalreport import indicators, words
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.formatting import for_language


@dataclass(frozen=True)
class Observation:
    """A value and the year it is for."""

    value: float
    year: int


@dataclass(frozen=True)
class KeyFigures:
    """Numbers a council member should find on the summary page."""

    programme_years: int
    total_funding_nok: float
    public_funding_nok: float
    municipal_funding_nok: float
    municipal_share_pct: float
    county_funding_nok: float
    funding_before_start_nok: float  # granted in years before the programme's first year
    funding_after_end_nok: float
    funders: int
    projects: int
    jobs_new: float
    jobs_secured: float
    cost_per_job_nok: float | None  # public funding per new or secured job
    cost_per_new_job_nok: float | None
    employment_before: Observation | None
    employment_end: Observation | None
    population_after: Observation | None
    dwellings_last_three_years: float | None

    @property
    def jobs(self) -> float:
        return self.jobs_new + self.jobs_secured

    @property
    def employment_change_pct(self) -> float | None:
        if self.employment_before is None or self.employment_end is None:
            return None
        return (self.employment_end.value / self.employment_before.value - 1) * 100

    def as_dict(self) -> dict:
        return asdict(self)


def employment_levels(config: ReportConfig, case: Case) -> pd.DataFrame:
    """Employment by place of work, one column per region (the municipality first), every year of the period."""
    return indicators.select_series(case.employment, "employed", [config.municipality, *config.comparison],
                                    years=range(config.period.start, config.period.end + 1))


def programme_projects(config: ReportConfig, case: Case) -> pd.DataFrame:
    """Projects per focus area (the administration area left out), with a total row."""
    excluded = (config.administration_area,) if config.administration_area else ()
    return indicators.summarise_projects(case.projects, excluded)


def observation(series: pd.Series, year: int, direction: int) -> Observation | None:
    """The value in `year`, or else the nearest year with a value in `direction` (-1 earlier, +1 later)."""
    present = series.dropna()
    candidates = present[present.index <= year] if direction < 0 else present[present.index >= year]
    if candidates.empty:
        return None
    chosen = candidates.index.max() if direction < 0 else candidates.index.min()
    return Observation(float(candidates.loc[chosen]), int(chosen))


def compute_key_figures(config: ReportConfig, case: Case) -> KeyFigures:
    """Compute the key figures of the report."""
    start, end = config.programme.start, config.programme.end
    funding = case.funding
    total = float(funding["amount_nok"].sum())
    municipal = indicators.sum_funding_of_kind(funding, case.funders, "kommune")
    public = indicators.sum_public_funding(funding, case.funders)
    jobs = config.jobs_indicators
    jobs_new = indicators.count_jobs(case.goals, jobs["new_jobs"])
    jobs_secured = indicators.count_jobs(case.goals, jobs["secured_jobs"])
    own = case.employment[case.employment["region_code"] == config.municipality].set_index("year")["employed"]
    population = case.population[case.population["region_code"] == config.municipality].set_index("year")
    dwellings = case.dwellings[(case.dwellings["region_code"] == config.municipality)
                               & case.dwellings["year"].between(end - 2, end)]
    projects = programme_projects(config, case)
    return KeyFigures(
        programme_years=end - start + 1,
        total_funding_nok=total,
        public_funding_nok=public,
        municipal_funding_nok=municipal,
        municipal_share_pct=municipal / total * 100 if total else 0.0,
        county_funding_nok=indicators.sum_funding_of_kind(funding, case.funders, "fylkeskommune"),
        funding_before_start_nok=float(funding.loc[funding["year"] < start, "amount_nok"].sum()),
        funding_after_end_nok=float(funding.loc[funding["year"] > end, "amount_nok"].sum()),
        funders=int(funding.loc[funding["amount_nok"] > 0, "funder_id"].nunique()),
        projects=int(projects.loc[projects["focus_area"] == "total", "projects"].iloc[0]) if len(projects) else 0,
        jobs_new=jobs_new,
        jobs_secured=jobs_secured,
        cost_per_job_nok=indicators.compute_cost_per_job(public, jobs_new + jobs_secured),
        cost_per_new_job_nok=indicators.compute_cost_per_job(public, jobs_new),
        employment_before=observation(own, start - 1, -1),
        employment_end=observation(own, end, -1),
        population_after=observation(population["population"], end + 1, -1) if len(population) else None,
        dwellings_last_three_years=(float(dwellings["dwellings_completed"].sum())
                                    if dwellings["year"].nunique() == 3 else None),
    )


def round_to_significant(value: float, digits: int = 2) -> float:
    """Round to the precision the inputs support: 122 222 with two significant digits is 120 000."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def job_values(key: KeyFigures, fmt) -> dict:
    """The jobs the programme reports and public money per job (to two significant digits), as the
    summary and the chapter on goals print them; None where there is no job to divide by."""
    return {"jobs_new": fmt.number(key.jobs_new), "jobs_secured": fmt.number(key.jobs_secured),
            "cost_per_job": fmt.nok(round_to_significant(key.cost_per_job_nok)) if key.cost_per_job_nok else None,
            "cost_per_new_job": (fmt.nok(round_to_significant(key.cost_per_new_job_nok))
                                 if key.cost_per_new_job_nok else None)}


def key_figure_rows(key: KeyFigures, config: ReportConfig) -> list[tuple[str, str]]:
    """The summary's table of key figures: (what, value) in the report's language, rows without data left out."""
    language = config.language
    fmt = for_language(language)

    def label(name: str, **values) -> str:
        return words.text(language, f"key_figures.{name}", **values)

    def about(value: str) -> str:
        return words.text(language, "words.about", value=value)

    start, end = config.programme.start, config.programme.end
    years = fmt.count(key.programme_years, words.text(language, "counts.years_one"),
                      words.text(language, "counts.years_many"))
    rows = []
    if config.programme.jobs_lost:
        rows.append((label("jobs_lost"), about(fmt.number(config.programme.jobs_lost))))
    rows += [
        (label("programme_period"), f"{fmt.years(start, end)} ({years})"),
        (label("total_funding"), fmt.mnok(key.total_funding_nok)),
        (label("municipal_funding"), f"{fmt.mnok(key.municipal_funding_nok)} ({fmt.percent(key.municipal_share_pct)})"),
        (label("projects"), fmt.number(key.projects)),
        (label("jobs_new"), fmt.number(key.jobs_new)),
        (label("jobs_secured"), fmt.number(key.jobs_secured)),
    ]
    if key.cost_per_job_nok:
        rows.append((label("cost_per_job"), about(fmt.nok(round_to_significant(key.cost_per_job_nok)))))
    if key.employment_end:
        rows.append((label("employed", year=key.employment_end.year), fmt.number(key.employment_end.value)))
    if key.population_after:
        rows.append((label("population", date=fmt.date_of_year(key.population_after.year)),
                     fmt.number(key.population_after.value)))
    return rows
