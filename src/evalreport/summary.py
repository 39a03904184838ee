"""The report's key figures, computed once from the validated case.

The summary chapter presents them, and the build writes them to the JSON sidecar so that two
versions of a report can be compared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from evalreport import indicators
from evalreport.config import ReportConfig
from evalreport.datasets import Case

ADMINISTRATION_AREAS = ("Administrasjon og drift",)


@dataclass(frozen=True)
class KeyFigures:
    """Numbers a council member should find on the summary page."""

    jobs_lost: int
    programme_years: int
    total_funding_nok: float
    municipal_funding_nok: float
    municipal_share_pct: float
    county_funding_first_year_nok: float
    county_funding_second_year_nok: float
    projects: int
    jobs_new_and_secured: float
    cost_per_job_nok: float
    employment_before: float
    employment_end: float
    employment_change_pct: float
    diff_in_diff_pct: float
    population_after: float
    dwellings_last_three_years: float

    def as_dict(self) -> dict:
        return asdict(self)


def employment_levels(config: ReportConfig, case: Case):
    """Employment by place of work: the municipality first, then its comparison areas."""
    return indicators.select_series(case.employment, "employed", [config.municipality, *config.comparison])


def estimate_programme_effect(config: ReportConfig, levels) -> indicators.DiffInDiff:
    """Difference-in-differences from the configured pre-years to the programme's years, against
    the comparison municipalities (see ReportConfig.effect_controls)."""
    return indicators.estimate_diff_in_diff(levels, config.municipality, config.effect_controls, config.pre_years,
                                            config.programme_years)


def compute_key_figures(config: ReportConfig, case: Case) -> KeyFigures:
    """Compute the key figures of the report."""
    start, end = config.programme.start, config.programme.end
    by_source = indicators.summarise_funding_by_source(case.funding).set_index("source")
    by_year = indicators.pivot_funding_by_year(case.funding)
    county = by_year["fylkeskommunen"] if "fylkeskommunen" in by_year else by_year["total"] * 0
    projects = indicators.summarise_projects(case.projects, ADMINISTRATION_AREAS)
    jobs = indicators.count_jobs(case.goals)
    levels = employment_levels(config, case)
    municipality = levels[config.municipality]
    _, change_pct = indicators.compute_change(municipality, start - 1, end)
    did = estimate_programme_effect(config, levels)
    return KeyFigures(
        jobs_lost=config.programme.jobs_lost,
        programme_years=end - start + 1,
        total_funding_nok=float(case.funding["amount_nok"].sum()),
        municipal_funding_nok=float(by_source["amount_nok"].get("kommunen", 0.0)),
        municipal_share_pct=float(by_source["share_pct"].get("kommunen", 0.0)),
        county_funding_first_year_nok=float(county.get(start, 0.0)),
        county_funding_second_year_nok=float(county.get(start + 1, 0.0)),
        projects=int(projects.loc[projects["focus_area"] == "total", "projects"].iloc[0]),
        jobs_new_and_secured=jobs,
        cost_per_job_nok=indicators.compute_cost_per_job(case.funding, jobs),
        employment_before=float(municipality.loc[start - 1]),
        employment_end=float(municipality.loc[end]),
        employment_change_pct=change_pct,
        diff_in_diff_pct=did.estimate_pct,
        population_after=indicators.value_in(case.population, "population", config.municipality, end + 1),
        dwellings_last_three_years=indicators.sum_over_years(case.dwellings, "dwellings_completed",
                                                             config.municipality, end - 2, end),
    )


def region_names(config: ReportConfig) -> dict[str, str]:
    """Display names of the municipality and its comparison areas, by current code."""
    from evalreport import regions

    return {code: regions.region_name(code) for code in [config.municipality, *config.comparison]}


def source_of(case: Case, *names: str, language: str = "nb") -> str:
    """The source line under a table or figure, from the datasets' provenance; a dataset that is
    not (wholly) published says so, so that a sample is never read as a real evaluation."""
    from evalreport import texts

    status = texts.fixed(language)["status"]
    parts = []
    for name in names:
        record = case.provenance[name]
        note = "" if record.status == "published" else f" ({status[record.status]})"
        parts.append(f"{record.source}{note}")
    return "; ".join(dict.fromkeys(parts))
