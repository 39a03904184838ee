"""Chapter 50, employment and unemployment (Sysselsetting og arbeidsledighet): employment by place of
work against the comparison areas, the estimate of the programme's effect (synthetic control, with
its placebos and sensitivity, and difference-in-differences as a cross-check: see evalreport.effect),
and unemployment."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evalreport import effect, indicators
from evalreport import summary as key_figures
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.formatting import Formatter



@dataclass(frozen=True)
class Employment:
    """What chapter 50 shows."""

    levels: pd.DataFrame  # employed by place of work, a column per region, the municipality first
    index: pd.DataFrame  # the same, base year = 100
    unemployment: pd.DataFrame  # per cent, the municipality and the comparison areas that have figures
    analysis: effect.Analysis
    synthetic: pd.DataFrame  # the municipality ('treated') and its synthetic control, index points
    treated_gap: pd.Series
    placebo_gaps: pd.DataFrame
    event_study: pd.DataFrame  # gap, low, high by year
    declared_break: int | None = None  # the configuration's effect.series_break (SSB's a-ordningen from 2015)

    @property
    def series_break(self) -> int | None:
        """The first year of the new statistics series, if the report's years cross it."""
        years, year = self.levels.index, self.declared_break
        return year if year is not None and years.min() < year <= years.max() else None


def compute(config: ReportConfig, case: Case, analysis: effect.Analysis) -> Employment:
    """The series and estimates of chapter 50, from the validated case and the effect analysis."""
    code = config.municipality
    levels = key_figures.employment_levels(config, case)
    regions = [code] + [c for c in config.comparison if c in set(case.unemployment["region_code"])]
    return Employment(
        levels=levels, index=indicators.compute_index(levels, config.base_year),
        unemployment=indicators.select_series(case.unemployment, "unemployed_pct", regions,
                                              years=range(config.period.start, config.period.end + 1)),
        analysis=analysis, synthetic=effect.frame_of_levels(analysis),
        treated_gap=pd.Series(analysis.main.gap).sort_index(),
        placebo_gaps=pd.DataFrame(analysis.main.placebo.gaps).sort_index(),
        event_study=pd.DataFrame(analysis.main.event_study).T.sort_index(),
        declared_break=config.effect.series_break)


def values(employment: Employment, config: ReportConfig, fmt: Formatter, names: dict[str, str], name) -> dict:
    """Everything chapter 50 prints: the employment levels and the effect analysis, its
    difference-in-differences cross-check included (`name(code)` names any municipality, `names` the
    report's own areas)."""
    own = employment.levels[config.municipality].dropna()
    return {
        "base_year": str(config.base_year),
        "employment_base": fmt.number(employment.levels.loc[config.base_year, config.municipality]),
        "employment_latest": fmt.number(own.iloc[-1]),
        "employment_latest_year": str(own.index[-1]),
        "series_break_in_period": employment.series_break is not None,
        "series_break": str(employment.series_break) if employment.series_break else None,
        **effect.glue_values(employment.analysis, config, fmt, name),
    }

