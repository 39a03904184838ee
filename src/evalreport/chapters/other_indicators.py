"""Chapter 60, other indicators (Andre indikatorer): population, dwellings, new enterprises and the
municipality's finances."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evalreport import indicators, words
from evalreport import summary as key_figures
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.formatting import Formatter


@dataclass(frozen=True)
class Indicators:
    """What chapter 60 shows: the municipality's yearly series over the report's period."""

    population: pd.Series  # 1 January
    dwellings: pd.Series  # completed
    enterprises: pd.Series  # new
    finances: pd.Series  # netto driftsresultat, per cent of revenue
    robek: pd.Series  # 1 in a year the municipality was in ROBEK


def compute(config: ReportConfig, case: Case) -> Indicators:
    """The municipality's series of chapter 60, from the validated case."""
    code, years = config.municipality, range(config.period.start, config.period.end + 1)

    def series(frame: pd.DataFrame, column: str) -> pd.Series:
        return indicators.select_series(frame, column, [code], years)[code]

    return Indicators(population=series(case.population, "population").rename("population"),
                      dwellings=series(case.dwellings, "dwellings_completed").rename("dwellings"),
                      enterprises=series(case.enterprises, "new_enterprises").rename("enterprises"),
                      finances=series(case.municipal_finances, "netto_driftsresultat_pct"),
                      robek=series(case.municipal_finances, "robek"))


def values(shown: Indicators, config: ReportConfig, fmt: Formatter) -> dict:
    """Population at the start and after the end, dwellings completed in the programme's years (and
    whether every year has a figure), the finances before and at the end, the years in ROBEK."""
    start, end = config.programme.start, config.programme.end
    population_start = key_figures.observation(shown.population, start, +1)
    population_end = key_figures.observation(shown.population, end + 1, -1)
    finances_before = key_figures.observation(shown.finances, start - 1, -1)
    finances_end = key_figures.observation(shown.finances, end, -1)
    dwellings = shown.dwellings.loc[start:end]
    robek, known = shown.robek, shown.robek.dropna()
    return {
        "population_start": fmt.number(population_start.value) if population_start else None,
        "population_start_date": fmt.date_of_year(population_start.year) if population_start else None,
        "population_end": fmt.number(population_end.value) if population_end else None,
        "population_end_date": fmt.date_of_year(population_end.year) if population_end else None,
        "dwellings_programme": fmt.number(dwellings.sum()),
        "dwellings_programme_complete": bool(dwellings.notna().all()),
        "finances_before": fmt.percent(finances_before.value) if finances_before else None,
        "finances_before_year": str(finances_before.year) if finances_before else None,
        "finances_end": fmt.percent(finances_end.value) if finances_end else None,
        "finances_end_year": str(finances_end.year) if finances_end else None,
        "robek_years": fmt.join([str(y) for y in robek.index[robek == 1]], words.text(fmt.language, "words.and"))
        or None,
        "robek_known_years": fmt.years(int(known.index.min()), int(known.index.max())),
    }
