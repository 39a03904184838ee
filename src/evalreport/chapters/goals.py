"""Chapter 40, goal attainment (Måloppnåelse): the programme's goals against its results, and public
money per job."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evalreport import indicators
from evalreport import summary as key_figures
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.formatting import Formatter


@dataclass(frozen=True)
class Goals:
    """What chapter 40 shows."""

    attainment: pd.DataFrame  # indicators.compute_goal_attainment
    key: key_figures.KeyFigures


def compute(config: ReportConfig, case: Case) -> Goals:
    return Goals(indicators.compute_goal_attainment(case.goals), key_figures.compute_key_figures(config, case))


def values(goals: Goals, fmt: Formatter) -> dict:
    """Goals reached of all, the jobs reported, public funding and public money per job (exact here,
    rounded as the summary prints it too)."""
    key = goals.key
    return {
        "goals_reached": fmt.number_word(indicators.count_goals_reached(goals.attainment)),
        "goals_total": fmt.number_word(len(goals.attainment)),
        "jobs_total": fmt.number(key.jobs),
        "public_funding": fmt.mnok(key.public_funding_nok),
        "cost_per_job_exact": fmt.nok(key.cost_per_job_nok) if key.cost_per_job_nok else None,
        **key_figures.job_values(key, fmt),
    }
