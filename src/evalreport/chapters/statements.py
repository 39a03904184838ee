"""The sentences the standard chapters say on the analyst's behalf: claims about the evaluation that
no data can check («Den følger Innovasjon Norges veileder …», the national study's finding). Each is
written in a chapter's text under `{% if said_<switch> %} … {% endif %}`, said while the
configuration's `statements.<switch>` is on, and listed by `make check` so that the analyst sees them
before the build."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from evalreport.config import ReportConfig, Statements

# Studies of the restructuring scheme as a whole, which a report may cite only if they were
# published before its date (a 2018 report cannot cite a 2022 study): (citation key in the sources
# evalreport ships, resources/citations/references.json; the date it was published). The summary's
# text cites the study under its condition said_national_study.
NATIONAL_STUDIES = (("telemarksforsking2022", dt.date(2022, 12, 31)),)


def studies_before(date: dt.date) -> list[str]:
    """The citation keys of the studies of the whole scheme published by `date`."""
    return [key for key, published in NATIONAL_STUDIES if published <= date]


SAID = re.compile(r"\{%-?\s*if\s+said_(\w+)\s*-?%\}(.*?)\{%-?\s*endif\s*-?%\}", re.S)


@dataclass(frozen=True)
class Statement:
    switch: str  # the configuration's statements.<switch>
    file: Path
    line: int
    text: str  # as written in the chapter's text, on one line
    said: bool  # whether this report says it
    why_not: str | None = None  # why this report does not say it


def said(config: ReportConfig) -> dict[str, bool]:
    """Whether the report says each statement: its switch, and for the national study also that the
    report is dated after the study was published."""
    switches = config.statements
    return {"follows_guide": switches.follows_guide,
            "national_study": switches.national_study and bool(studies_before(config.report_date))}


def standard_statements(chapters, config: ReportConfig) -> list[Statement]:
    """Every statement in the texts of the report's standard chapters (a case's own chapter says what its
    analyst wrote), in the report's language, in the order of the chapters."""
    saying = said(config)
    found = []
    for chapter in chapters:
        text = chapter.text_file(config.language) if chapter.is_notebook and not chapter.own else None
        if text is None:
            continue
        source = text.read_text(encoding="utf-8")
        for match in SAID.finditer(source):
            switch = match.group(1)
            if switch not in Statements.model_fields:
                continue  # a name the chapter computes itself; only the switches are the analyst's
            why_not = (None if saying[switch] else "switched off" if not getattr(config.statements, switch)
                       else "the report is dated before the study was published")
            found.append(Statement(switch, text, source.count("\n", 0, match.start()) + 1,
                                   " ".join(match.group(2).split()), saying[switch], why_not))
    return found


def describe(statements: list[Statement], config_label: str, relative=str) -> str:
    """What `make check` prints of them."""
    lines = [f"Said on your behalf by the standard chapters (switch one off under 'statements:' in {config_label} "
             "where it is not true of this evaluation):"]
    for statement in statements:
        state = "said" if statement.said else f"not said: {statement.why_not}"
        lines.append(f"  statements.{statement.switch} ({relative(statement.file)}, line {statement.line}; {state}): "
                     f"{statement.text}")
    return "\n".join(lines)
