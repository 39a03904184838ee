"""Chapter 10, the summary (Sammendrag): the page the council reads. Its effect sentence is computed
here from the effect analysis, as chapter 50 computes it, so that the summary holds when a case
replaces chapter 50."""

from __future__ import annotations

from evalreport import effect, words
from evalreport import summary as key_figures
from evalreport.chapters import statements
from evalreport.config import ReportConfig
from evalreport.formatting import for_language

# The values of the effect analysis the summary prints (effect.glue_values gives them all).
EFFECT_VALUES = ("effect_available", "effect_identified", "effect_points", "effect_higher", "effect_fit_years",
                 "effect_post_years", "effect_range", "effect_range_did", "effect_clear", "effect_p",
                 "effect_loo_most", "effect_loo_without_most", "effect_data_synthetic")


def values(report) -> dict:
    """What the summary prints, for a chapter's `report` (evalreport.chapter.ChapterContext)."""
    key = key_figures.compute_key_figures(report.config, report.case)
    return summary_values(key, report.config, effect.glue_values(report.effect, report.config, report.fmt,
                                                                 report.name))


def summary_values(key: key_figures.KeyFigures, config: ReportConfig, effect_values: dict) -> dict:
    """The summary's values from the key figures and the effect analysis's values (effect.glue_values);
    None where the data has nothing to say, so that the text leaves the sentence out."""
    language = config.language
    fmt = for_language(language)
    change = key.employment_change_pct
    return {
        "jobs_lost": fmt.number(config.programme.jobs_lost) if config.programme.jobs_lost else None,
        "total_funding": fmt.mnok(key.total_funding_nok),
        "funders": fmt.count(key.funders, words.text(language, "counts.funders_one"),
                             words.text(language, "counts.funders_many")),
        "municipal_funding": fmt.mnok(key.municipal_funding_nok) if key.municipal_funding_nok else None,
        "municipal_share": fmt.percent(key.municipal_share_pct),
        "county_funding": fmt.mnok(key.county_funding_nok) if key.county_funding_nok else None,
        "funding_before_start": fmt.mnok(key.funding_before_start_nok) if key.funding_before_start_nok else None,
        "funding_after_end": fmt.mnok(key.funding_after_end_nok) if key.funding_after_end_nok else None,
        "projects": fmt.count(key.projects, words.text(language, "counts.projects_one"),
                              words.text(language, "counts.projects_many")),
        "has_administration": config.administration_area is not None,
        **key_figures.job_values(key, fmt),
        "employment_known": change is not None,
        "employment_before": fmt.number(key.employment_before.value) if key.employment_before else None,
        "employment_before_year": str(key.employment_before.year) if key.employment_before else None,
        "employment_end": fmt.number(key.employment_end.value) if key.employment_end else None,
        "employment_end_year": str(key.employment_end.year) if key.employment_end else None,
        "employment_change": fmt.percent(change, 1, signed=True) if change is not None else None,
        "employment_verb": (fmt.change_verb(key.employment_before.value, key.employment_end.value)
                            if change is not None else None),
        "population_after": fmt.number(key.population_after.value) if key.population_after else None,
        "population_date": fmt.date_of_year(key.population_after.year) if key.population_after else None,
        "dwellings_last_three": (fmt.number(key.dwellings_last_three_years)
                                 if key.dwellings_last_three_years is not None else None),
        "last_three_years": fmt.years(config.programme.end - 2, config.programme.end),
        "said_national_study": statements.said(config)["national_study"],
        **{name: effect_values[name] for name in EFFECT_VALUES},
        "key_figures": key.as_dict(),  # the numbers themselves, for the JSON sidecar beside the PDF
        "key_figures_printed": key_figures.key_figure_rows(key, config),  # as printed, for releases to compare
    }
