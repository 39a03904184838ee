"""`make new-case`: start the report of another programme. Writes the case's configuration, a data
folder with one template per dataset, and the case's prose files, and says what to fill in.

Nothing that exists is overwritten: a case is started once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import yaml

from evalreport import regions, words
from evalreport.errors import ConfigError

FILL_IN = "<!-- evalreport: fill in -->"  # marks a prose file still as `make new-case` wrote it
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
    if not re.fullmatch(r"\d{4}", code) or not regions.is_known(code) or regions.lookup(code).kind != "kommune":
        near = ", ".join(str(r) for r in regions.suggest(code)) if code else ""
        raise ConfigError(f"MUNICIPALITY={code!r} is not a kommunenummer that has existed since 1994"
                          + (f"; nearest: {near}" if near else "") + ". Write it with four digits, e.g. 0529 or 3443.")
    return code


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _template_rows(name: str, schema, config, name_of_municipality: str) -> list[list[str]]:
    """The header and one example row of a dataset, with the case's own codes and years where they fit."""
    from evalreport.commands.datadict import describe_columns

    columns = describe_columns(schema)
    example = {c["name"]: c["example"] for c in columns}
    if "region_code" in example:
        example.update(region_code=config.municipality, region_name=name_of_municipality,
                       year=str(config.programme.start), status="published", source_url="")
    if name == "funders":
        county = regions.region_name(regions.lookup(config.municipality).county_code)
        example.update(name=f"{county} fylkeskommune")
    for column in ("year", "start_year"):
        if column in example and "region_code" not in example:
            example[column] = str(config.programme.start)
    return [[c["name"] for c in columns], [example[c["name"]] for c in columns]]


def scaffold(project, case: str, municipality: str, start: int, end: int, language: str = "nb") -> list[Path]:
    """Write a new case; return the files written. Refuses to touch a case that exists."""
    from evalreport.config import ReportConfig

    if not re.fullmatch(r"[A-Za-z0-9_-]+", case or ""):
        raise ConfigError(f"CASE={case!r}: name the case with letters, digits, '_' and '-' (e.g. sunndal)")
    if not 1980 <= start <= end <= 2100:
        raise ConfigError(f"START={start} and END={end}: the programme's first and last year, first <= last")
    code = _municipality(municipality)
    current = regions.to_current_code(code)
    config_path = project.root / "reports" / f"{case}.yaml"
    data_dir = project.root / "data" / case
    prose_dir = project.root / "prose" / case
    existing = [p for p in (config_path, data_dir, prose_dir) if p.exists()]
    if existing:
        raise ConfigError(f"the case '{case}' exists already ({', '.join(project.relative(p) for p in existing)}); "
                          "nothing was changed. Choose another name, or edit that case")
    name = regions.region_name(current, language)
    last_full_year = dt.date.today().year - 1
    period_end = max(end, min(end + 2, last_full_year))
    county = _choose_county(code, current, start)
    fields = {
        "title": words.text(language, "new_case.title", name=name, period=f"{start}–{end}"),
        "municipality": current,
        "programme": {"start": start, "end": end},
        "period": {"start": start - 3, "end": period_end},
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
    }
    config = ReportConfig.model_validate({**fields, "author": "-", "organisation": "-"})
    # Everything is written aside first and moved into place at the end: a case is there whole or not at all.
    import shutil
    import tempfile

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
    return [project.root / p.relative_to(staging) for p in written]


def _write_case(project, root: Path, case: str, config, fields: dict, name: str, county: str,
                language: str) -> list[Path]:
    """Write a case's files under `root` (a staging folder shaped like the project)."""
    from evalreport.datasets import TEMPLATE_STATUS, schemas

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
    from evalreport.commands import datadict

    readme = data_dir / "README.md"
    readme.write_text(datadict.render().replace("# Data dictionary", f"# Data of the case {case}", 1),
                      encoding="utf-8")
    written.append(readme)

    prose_dir.mkdir(parents=True)
    guidance = words.section(language, "new_case.guidance")
    for slot in prose_slots(project):
        path = prose_dir / f"{slot}.md"
        text = words.text(language, "new_case.write_here", guidance=guidance.get(slot, guidance["other"]))
        path.write_text(f"{FILL_IN}\n{text}\n", encoding="utf-8")
        written.append(path)
    return written


def _config_text(fields: dict, name: str, county: str) -> str:
    body = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=100)
    body = re.sub(r"^municipality: '?(\d+)'?$", r'municipality: "\1"', body, flags=re.M)
    notes = {
        "programme:": "# the programme's years; add status_applied: <year> and jobs_lost: <number> if known",
        "comparison:": f"# {regions.region_name(county)} and the whole country; add neighbouring municipalities",
        "author:": "# fill in: who wrote the evaluation",
        "organisation:": "# fill in: the evaluator's organisation",
        "draft:": "# true while you work: a failed PDF check warns instead of stopping; false for the final",
        "administration_area:": "# the focus area in spending.csv that is the programme's own administration",
        "goal_indicators:": "# every indicator in goals.csv: new_jobs, secured_jobs or other",
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


def next_steps(project, case: str, written: list[Path]) -> str:
    """What the analyst does next, printed after the scaffold."""
    return "\n".join([
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
