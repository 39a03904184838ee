"""`make new-case`: start the report of another programme. Writes the case's configuration, a data
folder with one template per dataset, and the case's prose files, and says what to fill in.

Nothing that exists is overwritten: a case is started once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from evalreport import regions, words
from evalreport.commands import datadict
from evalreport.config import RESERVED_OUTPUT_NAMES, ReportConfig, Statements, describe_wrong_place
from evalreport.datasets import TEMPLATE_STATUS, schemas
from evalreport.errors import ConfigError
from evalreport.ssb.definitions import EMPLOYMENT_FIRST_YEAR

FILL_IN = "<!-- evalreport: fill in -->"  # marks a prose file still as `make new-case` wrote it
# The comment above report_date in a new case's configuration: the date new-case wrote, which a release
# warns about while report_date is still that date (commands/release.py).
REPORT_DATE_NOTE = "# the date on the title page: make new-case wrote {date}, the day it ran; set the day you deliver"
REPORT_DATE_WRITTEN = re.compile(r"^# the date on the title page: make new-case wrote (\d{4}-\d{2}-\d{2})", re.M)
PROSE_CALL = re.compile(r"""prose\(\s*["']([A-Za-z0-9_-]+)["']\s*\)""")


def prose_slots(project) -> list[str]:
    """The prose files the standard chapters include (in their code or their text in bokmål), in chapter order."""
    slots = []
    for chapter in sorted(project.notebooks.glob("*.py")):
        text = "".join(path.read_text(encoding="utf-8") for path in (chapter, chapter.with_suffix(".md"))
                       if path.is_file())
        for name in PROSE_CALL.findall(text):
            if name not in slots:
                slots.append(name)
    return slots


def _choose_county(code: str, current: str, year: int) -> str:
    """The fylke the municipality belonged to in `year` (its code then), for the comparison."""
    for candidate in (code, current):
        region = regions.lookup(candidate)
        if region.is_valid_in(year) and region.county_code and regions.is_known(region.county_code):
            return region.county_code
    return regions.lookup(current).county_code


def _municipality(code: str) -> str:
    code = str(code).strip()
    if regions.is_known(code) and regions.lookup(code).kind != "kommune":
        # A county or the country is no case: nearest-number suggestions would name some municipality
        # in it (03 -> 0301) as if that were meant.
        what = "the whole country" if code == "0" else "a fylkesnummer (a county)"
        raise ConfigError(f"MUNICIPALITY={code!r} is {what}, not a kommunenummer: a case is one municipality. "
                          "Give its four-digit kommunenummer, e.g. 0529 or 3443")
    if not re.fullmatch(r"\d{4}", code) or not regions.is_known(code):
        near = ", ".join(str(r) for r in regions.suggest(code) if r.kind == "kommune") if code else ""
        raise ConfigError(f"MUNICIPALITY={code!r} is not a kommunenummer that has existed since 1994"
                          + (f"; nearest: {near}" if near else "") + ". Write it with four digits, e.g. 0529 or 3443.")
    return code


def choose_place(case: str, code: str, start: int, end: int, language: str) -> tuple[str, list[str]]:
    """The municipality that ran a programme of `start`-`end` under the number `code`, and what to
    tell the analyst about its changes of number. Raise ConfigError when the number's place did not
    exist then (1579 Hustadvika, formed in 2020, for 2012-2017), naming the municipalities that did,
    with the exact command for each."""
    problem = describe_wrong_place(code, start, end)
    if problem:
        candidates = regions.places_in(code, start, end)
        commands = "\n".join(f"  {regions.lookup(c)}: make new-case CASE={case} MUNICIPALITY={c} START={start} "
                             f"END={end}" + (f" LANGUAGE={language}" if language != "nb" else "")
                             for c in candidates)
        raise ConfigError(f"MUNICIPALITY={code}: {problem.removeprefix('municipality ')}.\n"
                          + ("Which one ran the programme? Start the case for it:\n" + commands if candidates else
                             "No municipality under that number or in its territory existed then; check the number "
                             "and the years"))
    notes = []
    then = [c for c in regions.places_in(code, start, end) if regions.is_same_place(c, code)]
    if then and then[0] != code:
        notes.append(f"{code} {regions.lookup(code).name} had the number {then[0]} in {start}; the case is that "
                     "municipality, and its series join across the change of number")
    for change in regions.later_history(then[0] if then else code, end, "en"):
        notes.append(f"{change.code} {change.name} {change.text} in {change.year}")
    return regions.to_current_code(code), notes


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _template_rows(name: str, schema, config, name_of_municipality: str) -> list[list[str]]:
    """The header and one example row of a dataset, with the case's own codes and years where they fit."""
    columns = datadict.describe_columns(schema)
    # The case's own codes and years; every figure empty, and no status: a template row is never
    # taken for a published figure (the sample's numbers are not this case's).
    example = {c["name"]: "" if c["type"] != "text" else c["example"] for c in columns}
    if "region_code" in example:
        example.update(region_code=config.municipality_code_in(config.programme.start), region_name=name_of_municipality,
                       status="", source_url="")
    if name == "funders":
        county = regions.lookup(config.municipality_code_in(config.programme.start)).county_code
        example.update(name=f"{regions.region_name(county, config.language, config.programme.start)} fylkeskommune")
    for column in ("year", "start_year"):
        if column in example:
            example[column] = str(config.programme.start)
    for column in ("source_table", "series_break"):
        if column in example:
            example[column] = ""
    return [[c["name"] for c in columns], [example[c["name"]] for c in columns]]


MAX_CASE_NAME = 100  # the case names the PDF file (output_name), which may be at most this long


def _check_years(start: int, end: int, shock_year: int | None) -> None:
    this_year = dt.date.today().year
    if end < start:
        raise ConfigError(f"START={start} and END={end}: the programme's first and last year; END must not be before "
                          "START")
    if start > this_year:
        raise ConfigError(f"START={start}: the programme has not started yet (this is {this_year}); a final "
                          "evaluation is of a programme that ran. Give its first year")
    if start < regions.FIRST_YEAR + 2:
        raise ConfigError(f"START={start}: the region register begins in {regions.FIRST_YEAR}, and the effect estimate "
                          "needs at least two years before the programme, so a programme may start in "
                          f"{regions.FIRST_YEAR + 2} at the earliest (SSB's employment series here begin in "
                          f"{EMPLOYMENT_FIRST_YEAR})")
    if end > start + 30:
        raise ConfigError(f"START={start} and END={end}: a restructuring programme runs a few years (about six); "
                          "check the years")
    if shock_year is not None and not EMPLOYMENT_FIRST_YEAR < shock_year <= start:
        raise ConfigError(f"SHOCK={shock_year}: the year of the shock (the closure that led to the programme) must lie "
                          f"after {EMPLOYMENT_FIRST_YEAR} and not after the programme's first year {start}")


def start_case(project, case: str, municipality: str, start: int, end: int, language: str = "nb",
               shock_year: int | None = None) -> tuple[list[Path], list[str]]:
    """Write a new case; return the files written and what to tell the analyst about the municipality's
    changes of number. Refuses to touch a case that exists."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", case or ""):
        raise ConfigError(f"CASE={case!r}: name the case with letters, digits, '_' and '-' (e.g. sunndal)")
    if case.lower() in RESERVED_OUTPUT_NAMES:
        raise ConfigError(f"CASE={case}: build/{case}.pdf is the portfolio overview's; name the case after its "
                          "municipality (e.g. sunndal)")
    if len(case) > MAX_CASE_NAME:
        raise ConfigError(f"CASE=: the name has {len(case)} characters; it names the report's files, so give one of at "
                          f"most {MAX_CASE_NAME} (e.g. the municipality's name)")
    _check_years(start, end, shock_year)
    code = _municipality(municipality)
    current, notes = choose_place(case, code, start, end, language)
    config_path = project.root / "reports" / f"{case}.yaml"
    data_dir = project.root / "data" / case
    prose_dir = project.root / "prose" / case
    existing = [p for p in (config_path, data_dir, prose_dir) if p.exists()]
    if existing:
        raise ConfigError(f"the case '{case}' exists already ({', '.join(project.relative(p) for p in existing)}); "
                          "nothing was changed. Choose another name, or edit that case")
    then = [c for c in regions.places_in(current, start, start) if regions.is_same_place(c, current)]
    name = regions.region_name(then[0] if then else current, language, start if then else None)
    last_full_year = dt.date.today().year - 1
    period_end = max(end, min(end + 2, last_full_year))
    county = _choose_county(then[0] if then else code, current, start)
    # Every year the employment series have before the programme: the synthetic control fits and
    # tests better on more years, and three years before it would be those of the shock itself.
    period_start = min(EMPLOYMENT_FIRST_YEAR, start - 2)
    fields = {
        "title": words.text(language, "new_case.title", name=name, period=f"{start}–{end}"),
        "municipality": current,
        "programme": {"start": start, "end": end},
        "period": {"start": period_start, "end": period_end},
        "base_year": start - 1,
        "comparison": [county, "0"],
        "author": "",
        "organisation": "",
        "report_date": dt.date.today(),
        "language": language,
        "data_dir": f"data/{case}",
        "output_name": case,
        "draft": True,
        "administration_area": "Administrasjon og drift",
        "goal_indicators": {"nye_arbeidsplasser": "new_jobs", "sikrede_arbeidsplasser": "secured_jobs"},
        "statements": Statements().model_dump(),
    }
    if shock_year is not None:  # fitted to the years before the shock only
        fields["effect"] = {"fit_years": f"{period_start}-{shock_year - 1}"}
    config = ReportConfig.model_validate({**fields, "author": "-", "organisation": "-"})
    # Everything is written aside first and moved into place at the end: a case is there whole or not at all.
    staging = Path(tempfile.mkdtemp(prefix=".new-case-", dir=project.root))
    try:
        written = _write_case(project, staging, case, config, fields, name, county, language)
        moved = []
        for final in (config_path, data_dir, prose_dir):
            final.parent.mkdir(parents=True, exist_ok=True)
            (staging / final.relative_to(project.root)).rename(final)
            moved.append(final)
    except BaseException:
        for final in locals().get("moved", []):
            shutil.rmtree(final) if final.is_dir() else final.unlink()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [project.root / p.relative_to(staging) for p in written], notes


def _write_case(project, root: Path, case: str, config, fields: dict, name: str, county: str,
                language: str) -> list[Path]:
    """Write a case's files under `root` (a staging folder shaped like the project)."""
    config_path = root / "reports" / f"{case}.yaml"
    data_dir = root / "data" / case
    prose_dir = root / "prose" / case
    written = []
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(_config_text(fields, name, county), encoding="utf-8")
    written.append(config_path)

    data_dir.mkdir(parents=True)
    records = {}
    for dataset, schema in schemas(config).items():
        path = data_dir / f"{dataset}.csv"
        path.write_text(_csv(_template_rows(dataset, schema, config, name)), encoding="utf-8")
        written.append(path)
        records[dataset] = {"file": path.name, "title": words.text(language, f"new_case.datasets.{dataset}"),
                            "source": "",
                            "source_url": "", "licence": "", "retrieved": "", "status": TEMPLATE_STATUS,
                            "method": ""}
    provenance = data_dir / "datasets.yaml"
    provenance.write_text(
        "# Where each dataset came from. For each: replace the template file with your data, then fill in\n"
        "# source, source_url, licence, retrieved (YYYY-MM-DD), method (how it was made) and set status to\n"
        "# published, reconstructed or synthetic. `make data CASE=...` fetches the statistics from SSB.\n"
        + yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    written.append(provenance)
    readme = data_dir / "README.md"
    code = config.municipality_code_in(config.programme.start)
    examples = {"region_code": code, "region_name": name, "year": str(config.programme.start),
                "start_year": str(config.programme.start), "source_table": "", "series_break": ""}
    readme.write_text(datadict.render(config, heading=f"Data of the case {case}", intro=_case_intro(config, name),
                                      examples=examples), encoding="utf-8")
    written.append(readme)

    prose_dir.mkdir(parents=True)
    guidance = words.section(language, "new_case.guidance")
    for slot in prose_slots(project):
        path = prose_dir / f"{slot}.md"
        text = words.text(language, "new_case.write_here", guidance=guidance.get(slot, guidance["other"]))
        path.write_text(f"{FILL_IN}\n{text}\n", encoding="utf-8")
        written.append(path)
    return written


def _case_intro(config, name: str) -> list[str]:
    """What the case's data README says first: the municipality and the years of this case."""
    code = config.municipality_code_in(config.programme.start)
    comparison = ", ".join(f"{c} {regions.region_name(c)}" if c != "0" else "0 (the whole country)"
                           for c in config.comparison)
    return [f"The data of the final evaluation of {code} {name}'s restructuring programme "
            f"({config.programme.start}-{config.programme.end}). The statistics cover {config.period.start}-"
            f"{config.period.end} (period in reports/<case>.yaml) for the municipality and its comparison areas "
            f"({comparison}); `make data CASE=...` fetches them from SSB, and the donor pool for every "
            "municipality from 2000 to the latest year.", ""]


def _config_text(fields: dict, name: str, county: str) -> str:
    body = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=100)
    body = re.sub(r"^municipality: '?(\d+)'?$", r'municipality: "\1"', body, flags=re.M)
    notes = {
        "programme:": "# the programme's years; add status_applied: <year> and jobs_lost: <number> if known",
        "period:": "# every year SSB's employment series have before the programme (from 2000), to two after it",
        "effect:": "# the effect estimate is fitted to the years before the shock (SHOCK=) only",
        "comparison:": f"# {regions.region_name(county)} and the whole country; add neighbouring municipalities",
        "author:": "# fill in: who wrote the evaluation",
        "organisation:": "# fill in: the evaluator's organisation",
        "draft:": "# true while you work: a failed PDF check warns instead of stopping; false for the final",
        "administration_area:": "# the focus area in spending.csv that is the programme's own administration",
        "goal_indicators:": "# every indicator in goals.csv: new_jobs, secured_jobs or other",
        "statements:": "# sentences the standard chapters say for you, not from the data (make check prints them):\n"
                       "# set one to false where it is not true of this evaluation",
        "report_date:": REPORT_DATE_NOTE.format(date=fields["report_date"].isoformat()),
    }
    lines = []
    for line in body.splitlines():
        note = next((n for key, n in notes.items() if line.startswith(key)), None)
        lines.append(f"{note}\n{line}" if note else line)
    return (f"# The final evaluation of {name}'s restructuring programme: written by `make new-case`.\n"
            + "\n".join(lines) + "\n")


def unfinished_prose(prose_dir: Path) -> list[Path]:
    """The case's prose files still as `make new-case` wrote them."""
    return sorted(p for p in prose_dir.glob("*.md") if FILL_IN in p.read_text(encoding="utf-8"))


def next_steps(project, case: str, written: list[Path], notes: list[str] | None = None) -> str:
    """What the analyst does next, printed after the scaffold."""
    return "\n".join([
        *(f"Note: {note}." for note in notes or []),
        f"Started the case '{case}':",
        *(f"  {project.relative(p)}" for p in written if p.suffix == ".yaml"),
        f"  data/{case}/ (one template per dataset, README.md says what each column holds)",
        f"  prose/{case}/ (the case's own text, one file per section)",
        "",
        "Fill in, in this order:",
        f"  1. reports/{case}.yaml: author, organisation, comparison areas, goal_indicators",
        f"  2. make data CASE={case}   (fetches the statistics from SSB), then replace the programme's own",
        f"     files in data/{case}/ (funders, funding, spending, projects, goals) and set each dataset's",
        f"     source and status in data/{case}/datasets.yaml",
        f"  3. make check CASE={case}   (lists everything still missing, by file, column and row)",
        f"  4. write prose/{case}/*.md, then make report CASE={case}",
    ])
