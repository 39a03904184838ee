"""Chapter 20, the introduction (Innledning): background, mandate, data and method."""

from __future__ import annotations

from evalreport import words
from evalreport.chapters import statements
from evalreport.config import ReportConfig
from evalreport.formatting import for_language


def values(report) -> dict:
    """What the introduction prints, for a chapter's `report` (evalreport.chapter.ChapterContext)."""
    return introduction_values(report.config, report.names)


def introduction_values(config: ReportConfig, names: dict[str, str]) -> dict:
    """The year the status was applied for (None if not known), the comparison areas, named, and whether
    the mandate says the evaluation follows Innovasjon Norge's guide (statements.follows_guide)."""
    fmt = for_language(config.language)
    status_applied = config.programme.status_applied
    return {"status_applied": str(status_applied) if status_applied else None,
            "said_follows_guide": statements.said(config)["follows_guide"],
            "comparison_areas": fmt.join([names[code] for code in config.comparison],
                                         words.text(config.language, "words.and"))}
