"""Load and validate the report's input data.

Every dataset has a schema (pandera) and a provenance record (`datasets.yaml` beside the data).
Validation is lazy: it collects every problem of every file, and the build stops with one
message that names file, column, row, what was expected and what was found.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from evalreport import readers, regions, yamlfile
from evalreport.config import ReportConfig
from evalreport.errors import ConfigError, DatasetError, excerpt

log = logging.getLogger(__name__)

STATUSES = ("published", "reconstructed", "synthetic")
TEMPLATE_STATUS = "template"  # what `make new-case` writes: a dataset still to be filled in
FUNDER_KINDS = ("fylkeskommune", "kommune", "innovasjon_norge", "stat", "privat", "annen")
YES_NO = {"yes": True, "ja": True, "true": True, "1": True, "no": False, "nei": False, "false": False, "0": False}
STATISTICS = ("employment", "unemployment", "population", "dwellings", "enterprises", "municipal_finances",
              "donor_pool_employment")


@dataclass(frozen=True)
class Provenance:
    """Where a dataset came from and how it was made."""

    name: str
    file: str
    title: str
    source: str
    source_url: str
    licence: str
    retrieved: str
    status: str
    method: str
    sheet: str = ""  # for a workbook: the sheet to read (default: the first)


@dataclass(frozen=True)
class Case:
    """Every validated input of one report, with its provenance."""

    funders: pd.DataFrame
    funding: pd.DataFrame
    spending: pd.DataFrame
    projects: pd.DataFrame
    goals: pd.DataFrame
    employment: pd.DataFrame
    unemployment: pd.DataFrame
    population: pd.DataFrame
    dwellings: pd.DataFrame
    enterprises: pd.DataFrame
    municipal_finances: pd.DataFrame
    donor_pool_employment: pd.DataFrame
    provenance: dict[str, Provenance] = field(default_factory=dict)

    @property
    def sample(self) -> dict | None:
        """What in the inputs is not published, for the label every page of a sample report carries:
        {"kinds": the statuses other than published, sorted; "partly": whether some data are
        published}, from the datasets' records and every row's status; None when all is published."""
        statuses = [p.status for p in self.provenance.values()]
        for name in STATISTICS:
            statuses += list(getattr(self, name)["status"].unique())
        kinds = sorted(set(statuses) - {"published"})
        return {"kinds": kinds, "partly": "published" in statuses} if kinds else None


def _doc(description: str, unit: str = "", example: str = "") -> dict:
    """What the data dictionary and the templates of `make new-case` say of a column."""
    return {"description": description, "metadata": {"unit": unit, "example": example}}


def _amount(name: str, description: str, example: str) -> pa.Column:
    return pa.Column(int, pa.Check.ge(0, error="must be zero or more"), nullable=False, coerce=True, title=name,
                     **_doc(description, "NOK (kroner, whole)", example))


def _year(first: int, last: int, what: str, description: str = "The year.", example: str = "") -> pa.Column:
    return pa.Column(int, pa.Check.in_range(first, last, error=f"must be a year within {what} {first}-{last}"),
                     coerce=True, **_doc(description, "year", example or str(first)))


def _one_of(values: tuple[str, ...]) -> pa.Check:
    return pa.Check.isin(values, error=f"must be one of {', '.join(values)}")


def _known_region() -> pa.Check:
    return pa.Check(lambda s: s.map(regions.is_known), element_wise=False,
                    error="must be a kommunenummer or fylkesnummer in use at some time since 1994, or 0 for the "
                          "whole country (see docs/data-dictionary.md)")


def _text(description: str, example: str, *checks: pa.Check, **kwargs) -> pa.Column:
    return pa.Column(str, list(checks) or None, coerce=True, **_doc(description, "", example), **kwargs)


STATISTICS_DOCS = {  # dataset: (value column, type, checks, what it holds, unit, example)
    "employment": ("employed", int, [pa.Check.ge(0)],
                   "Persons employed with their place of work in the region, 4th quarter (SSB 11616, before it "
                   "03311, else 13472).",
                   "persons", "6206"),
    "unemployment": ("unemployed_pct", float, [pa.Check.in_range(0, 100)],
                     "Registered fully unemployed (NAV's register) as a share of the labour force, by municipality "
                     "of residence: the year's mean of the monthly rates when make data fetches it.", "per cent",
                     "2.7"),
    "population": ("population", int, [pa.Check.ge(0)], "Population on 1 January of the year (SSB 07459).",
                   "persons", "13314"),
    "dwellings": ("dwellings_completed", int, [pa.Check.ge(0)], "Dwellings completed in the year (SSB 05940).",
                  "dwellings", "37"),
    "enterprises": ("new_enterprises", int, [pa.Check.ge(0)], "New enterprises registered in the year (SSB).",
                    "enterprises", "77"),
    "donor_pool_employment": ("employed", int, [pa.Check.ge(0)],
                              "Persons employed by place of work, 4th quarter, in every municipality for the years "
                              "its territory was the same: the donor pool of the synthetic control (make data "
                              "fetches it from SSB 11616, 03311 and 13472).",
                              "persons", "6206"),
}


def _region_columns(config: ReportConfig, first_year: int | None = None,
                    last_year: int | None = None) -> dict[str, pa.Column]:
    return {
        "region_code": _text("Kommunenummer or fylkesnummer as used in that year, or 0 for the whole country; "
                             "old and new numbers of one municipality join into one series.", "3443",
                             _known_region()),
        "region_name": _text("The region's name (for the reader of the file; the report takes names from the "
                             "region register).", "Vestre Toten"),
        "year": (_year(first_year, last_year, "the years") if first_year and last_year
                 else _year(config.period.start, config.period.end, "the report's period")),
    }


def _status_columns() -> dict[str, pa.Column]:
    return {
        "status": _text("Whether the value is published, reconstructed (derived from published figures) or "
                        "synthetic (made up, for a sample).", "published", _one_of(STATUSES)),
        "source_url": pa.Column(str, nullable=True, coerce=True,
                                **_doc("Where the value was published (may be empty).", "URL",
                                       "https://www.ssb.no/statbank/table/13472")),
    }


BREAK_SIDES = ("before", "from")  # the side of SSB's 2015 break in the employment series (see evalreport.ssb)


def _source_columns(name: str) -> dict[str, pa.Column]:
    """The optional columns `make data` writes to say which SSB table each value comes from and on
    which side of the 2015 series break it lies; a file made by hand may leave them out."""
    columns = {}
    if name in ("employment", "donor_pool_employment", "unemployment"):
        columns["source_table"] = pa.Column(
            str, nullable=True, required=False, coerce=True,
            **_doc("The SSB table the value comes from (make data writes it; may be empty or left out).", "",
                   "11616"))
    if name in ("employment", "donor_pool_employment"):
        columns["series_break"] = pa.Column(
            str, pa.Check.isin([*BREAK_SIDES, ""], error=f"must be one of {', '.join(BREAK_SIDES)} or empty"),
            nullable=True, required=False, coerce=True,
            **_doc("The side of SSB's series break: 'before' 2015 or 'from' 2015, when the register-based "
                   "employment statistics moved to a-ordningen and SSB says the years are not comparable "
                   "(make data writes it; may be left out: the year then decides).", "", "before"))
    return columns


def _statistics_schema(name: str, config: ReportConfig) -> pa.DataFrameSchema:
    value_column, dtype, checks, description, unit, example = STATISTICS_DOCS[name]
    # The donor pool is a national panel: it may hold more years than a report uses (before its period, for
    # the years the control group is fitted to, or after it); the effect estimate takes the years it needs.
    first, last = (1994, 2100) if name == "donor_pool_employment" else (config.period.start, config.period.end)
    return pa.DataFrameSchema(
        {**_region_columns(config, first, last),
         value_column: pa.Column(dtype, checks, coerce=True, **_doc(description, unit, example)),
         **_status_columns(), **_source_columns(name)},
        unique=["region_code", "year"], strict=True, ordered=False,
        description=f"{description} One row per region and year: the municipality and each comparison area.")


def schemas(config: ReportConfig) -> dict[str, pa.DataFrameSchema]:
    """Return the schema of every dataset, with the years and rules of this report."""
    start, end = config.period.start, config.period.end
    indicators = tuple(config.goal_indicators)
    non_empty = pa.Check.str_length(min_value=1)
    return {
        "funders": pa.DataFrameSchema(
            {"funder_id": _text("A short id of the funder, used in funding.csv.", "fylkeskommunen",
                                pa.Check.str_matches(r"^[A-Za-z0-9_-]+$",
                                                     error="must be a short id of letters, digits, '_' or '-'"),
                                unique=True),
             "name": _text("The funder's name as the report writes it.", "Møre og Romsdal fylkeskommune", non_empty),
             "kind": _text("What kind of funder it is: the county, the municipality, Innovasjon Norge, the state, "
                           "a private company or other.", "fylkeskommune", _one_of(FUNDER_KINDS)),
             "public": _text("Whether the money is public (counts in public money per job): yes or no.", "yes",
                             pa.Check(lambda s: s.str.strip().str.lower().isin(list(YES_NO)),
                                      error="must be yes or no (ja/nei, true/false and 1/0 also do)"))},
            strict=True, description="Everyone who funded the programme, one row each."),
        "funding": pa.DataFrameSchema(
            {"year": _year(start, end, "the report's period", "The year the money was granted."),
             "funder_id": _text("The funder, as in funders.csv.", "fylkeskommunen"),
             "amount_nok": _amount("amount_nok", "Money granted to the programme that year.", "2500000")},
            unique=["year", "funder_id"], strict=True,
            description="Funding of the programme by funder and year, one row per funder and year."),
        "spending": pa.DataFrameSchema(
            {"year": _year(start, end, "the report's period", "The year the money was spent."),
             "focus_area": _text("The focus area (innsatsområde); the administration of the programme is one, "
                                 "named by administration_area in the configuration.", "Industri og teknologi",
                                 non_empty),
             "amount_nok": _amount("amount_nok", "Money spent in the focus area that year.", "1300000")},
            unique=["year", "focus_area"], strict=True,
            description="The programme's accounts: spending by year and focus area. Spending and funding must add "
                        "up to the same total."),
        "projects": pa.DataFrameSchema(
            {"project_id": _text("A unique id of the project.", "P001", unique=True),
             "name": _text("The project's name.", "Automatisering i industrien", non_empty),
             "focus_area": _text("The focus area, as in spending.csv.", "Industri og teknologi", non_empty),
             "start_year": _year(start, end, "the report's period", "The year the project was granted support."),
             "granted_nok": _amount("granted_nok", "Support granted by the programme.", "600000"),
             "paid_nok": _amount("paid_nok", "Support paid out (at most the grant).", "534000"),
             "total_cost_nok": _amount("total_cost_nok", "The project's total cost, the grant included.",
                                       "1138000")},
            checks=[pa.Check(lambda df: df["paid_nok"] <= df["granted_nok"],
                             error="paid_nok must not exceed granted_nok"),
                    pa.Check(lambda df: df["total_cost_nok"] >= df["granted_nok"],
                             error="total_cost_nok must be at least granted_nok")],
            strict=True, description="Every project the programme supported, one row each."),
        "goals": pa.DataFrameSchema(
            {"goal_id": _text("A unique id of the goal.", "M1", unique=True),
             "indicator": _text("What the goal counts: an indicator declared under goal_indicators in the "
                                "configuration, which says whether it counts new jobs, secured jobs or other.",
                                "nye_arbeidsplasser",
                                pa.Check.isin(indicators, error=(
                                    f"must be an indicator declared under goal_indicators in the report's "
                                    f"configuration (declared: {', '.join(indicators) or 'none'}); declare it there "
                                    "with new_jobs, secured_jobs or other"))),
             "description": _text("The goal as the report writes it.", "Nye arbeidsplasser", non_empty),
             "target": pa.Column(float, pa.Check.gt(0, error="must be above zero"), coerce=True,
                                 **_doc("The goal's target.", "the indicator's unit", "100")),
             "achieved": pa.Column(float, pa.Check.ge(0, error="must be zero or more"), coerce=True,
                                   **_doc("What the programme reports as achieved.", "the indicator's unit", "110"))},
            strict=True, description="The programme's quantitative goals and results, one row per goal."),
        **{name: _statistics_schema(name, config) for name in STATISTICS_DOCS},
        "municipal_finances": pa.DataFrameSchema(
            {**_region_columns(config),
             "netto_driftsresultat_pct": pa.Column(float, pa.Check.in_range(-100, 100), coerce=True, **_doc(
                 "Net operating result as a share of operating revenue (KOSTRA, SSB 12134).", "per cent", "1.5")),
             "robek": pa.Column(int, pa.Check.isin([0, 1], error="must be 0 or 1"), coerce=True, **_doc(
                 "1 if the municipality was in the ROBEK register that year, else 0.", "0 or 1", "0")),
             **_status_columns()},
            unique=["region_code", "year"], strict=True,
            description="The municipality's finances by year (the municipality only is enough)."),
    }


_EXPECTED = {
    "int64": "a whole number, without spaces, units or thousands separators",
    "float64": "a number such as 1,8 or 1.8, without units or a % sign",
}
_CHECKS = {
    "field_uniqueness": "duplicate value: each must be unique",
    "multiple_fields_uniqueness": "duplicate key: this combination occurs more than once",
    "not_nullable": "empty cell: a value is required",
}


def _describe_failures(table: readers.RawTable, errors: SchemaErrors) -> list[str]:
    """Turn pandera's failure cases into one line each: file, column, row, expected, found.

    The first rows of each check in each column are listed and the rest counted, and values are
    quoted short and safe (`readers.ProblemLog`, `readers.quote`): a file with a bad value on
    every row gives a screenful, not a line per row.
    """
    label = table.label
    problems = readers.ProblemLog(label)
    cases = errors.failure_cases
    checks = cases["check"].astype(str)
    groups = cases.groupby([cases["schema_context"], cases["column"], checks], sort=False, dropna=False).indices
    index_of = pd.to_numeric(cases["index"], errors="coerce").to_numpy(dtype=float)  # NaN: no row
    found_of = cases["failure_case"].to_numpy()
    coerce_failed = {column for (_, column, check) in groups if check.startswith("coerce_dtype")}
    unreadable_rows: set[int] = set()
    for (_, column, check), positions in groups.items():
        if check.startswith("coerce_dtype"):
            rows = index_of[positions]
            unreadable_rows.update(rows[~pd.isna(rows)].astype(int).tolist())

    across: dict[str, list] = {}
    order = {name: i for i, name in enumerate(table.frame.columns)}
    for (context, column, check), positions in sorted(groups.items(), key=lambda g: order.get(g[0][1], len(order))):
        if context == "DataFrameSchema":
            if check == "column_in_dataframe":
                for found in found_of[positions]:
                    problems.add(f"{label}: missing column {readers.quote(str(found))}")
            elif check == "column_in_schema":
                for found in found_of[positions]:
                    problems.add(f"{label}: unexpected column {readers.quote(str(found))}: remove or rename it")
            else:
                across.setdefault(check, []).append(positions)
            continue
        if column in coerce_failed and not check.startswith("coerce_dtype"):
            continue  # the value's type is already reported; follow-up checks on it only repeat it
        if check.startswith("coerce_dtype"):
            dtype = check.split("'")[1] if "'" in check else check
            what = f"expected {_EXPECTED.get(dtype, dtype)}"
        else:
            what = _CHECKS.get(check, check)
        first = positions[index_of[positions].argsort(kind="stable")[:readers.PER_KIND]]  # NaN sorts last
        for index, found in zip(index_of[first], found_of[first]):
            if pd.isna(index):
                problems.add(f"{label}: column '{column}': {what} (found {readers.quote(found)})", column, check)
                continue
            where = f"{label}: column '{column}', row {table.row(int(index))}: {what}"
            if check == "not_nullable":
                problems.add(where, column, check)
                continue
            advice = readers.advise_on_number(found) if isinstance(found, str) and check.startswith("coerce") else None
            problems.add(f"{where} (found {readers.quote(found)}){f'; {advice}' if advice else ''}", column, check)
        problems.add_count(len(positions) - len(first), column, check)

    # A check across columns fails once per cell of its row: report the row once (the check's own
    # words name the columns), and not where a value in the row could not be read at all.
    for check, parts in across.items():
        what = _CHECKS.get(check, check)
        rows = [row for positions in parts for row in index_of[positions].tolist()]
        indexes = sorted({int(row) for row in rows if not pd.isna(row)} - unreadable_rows)
        for index in indexes[:readers.PER_KIND]:
            problems.add(f"{label}: row {table.row(index)}: {what}", None, check)
        problems.add_count(len(indexes) - readers.PER_KIND, None, check)
        if all(pd.isna(row) for row in rows) and not coerce_failed:
            # The check could not run at all; where a value could not be read, that value is the
            # problem to report, and the check runs again once it is corrected.
            for found in dict.fromkeys(str(f) for positions in parts for f in found_of[positions]):
                problems.add(f"{label}: {what} (found {readers.quote(found)})")
    return problems.lines()


def read_provenance(data_dir: Path, label: str) -> dict[str, Provenance]:
    """Read `datasets.yaml`, the provenance record of every dataset; `label` names it in messages."""
    path = data_dir / "datasets.yaml"
    if not path.is_file():
        raise DatasetError(f"{label}: missing; every data folder needs a provenance record per dataset "
                           "('make new-case' writes one)")
    try:
        records = yamlfile.read(path, label) or {}
    except yamlfile.YamlError as exc:
        raise DatasetError(str(exc)) from None
    if not isinstance(records, dict):
        raise DatasetError(f"{label}: expected one entry per dataset (name: its record)")
    provenance = {}
    problems = []
    fields = set(Provenance.__dataclass_fields__) - {"name"}
    optional = {"sheet"}
    for name, record in records.items():
        if not isinstance(record, dict):
            problems.append(f"{label}: dataset '{name}': expected its keys {sorted(fields - optional)}")
            continue
        missing = sorted(fields - optional - set(record))
        unknown = sorted(set(record) - fields)
        if missing or unknown:
            problems.append(f"{label}: dataset '{name}': missing keys {missing}, unknown keys {unknown}")
            continue
        if record["status"] not in (*STATUSES, TEMPLATE_STATUS):
            problems.append(f"{label}: dataset '{name}': status must be one of {', '.join(STATUSES)} "
                            f"(found {excerpt(record['status'])!r})")
            continue
        provenance[name] = Provenance(name=name, **{k: str(v if v is not None else "") for k, v in record.items()})
    if problems:
        raise DatasetError("\n".join(problems))
    return provenance


def layout_of(schema: pa.DataFrameSchema) -> readers.Layout:
    """What the readers need to know of a schema: its columns and which of them hold numbers."""
    columns = list(schema.columns)
    integers = tuple(c for c, col in schema.columns.items() if str(col.dtype) == "int64")
    decimals = tuple(c for c, col in schema.columns.items() if str(col.dtype) == "float64")
    values = [c for c in columns if c not in ("region_code", "region_name", "year", "status", "source_url",
                                              "source_table", "series_break")]
    return readers.Layout(columns, integers, decimals, values[0] if len(values) == 1 else None)


def _join_renumbered(name: str, frame: pd.DataFrame, table: readers.RawTable) -> list[str]:
    """Map region codes to today's codes; a year given under both the old and the new code is a problem."""
    frame["region_code"] = frame["region_code"].map(regions.to_current_code)
    clashes = frame[frame.duplicated(["region_code", "year"], keep=False)]
    return [f"{table.label}: row {table.row(i)}: region {frame.at[i, 'region_code']} in {frame.at[i, 'year']} "
            "appears under both its old and its new kommunenummer; keep one of them"
            for i in clashes.index]


def _dataset_path(data_dir: Path, record: Provenance | None, name: str) -> Path | str:
    """The file of a dataset, which must lie inside the case's data folder; else a problem."""
    written = record.file if record else f"{name}.csv"
    path = (data_dir / written).resolve()
    if not path.is_relative_to(data_dir.resolve()):
        return (f"dataset '{name}': file '{excerpt(written, 80)}' lies outside the case's data folder; copy it into "
                "the folder and name it relative to it")
    return data_dir / written


def load_case(config: ReportConfig, data_dir: Path, relative=str) -> Case:
    """Read and validate every input of the report; raise DatasetError listing all problems.

    `relative(path)` writes a path as the analyst sees it in messages (relative to the project).
    """
    datasets_label = relative(data_dir / "datasets.yaml")
    if not data_dir.is_dir():
        raise DatasetError(f"{relative(data_dir)}: the data folder does not exist (data_dir in the configuration)")
    provenance = read_provenance(data_dir, datasets_label)
    frames: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    templates = []
    tables: dict[str, readers.RawTable] = {}
    unvalidated: dict[str, readers.RawTable] = {}  # read, but with problems of their own: still cross-checked
    for name, schema in schemas(config).items():
        record = provenance.get(name)
        if record is None:
            problems.append(f"{datasets_label}: no provenance record for dataset '{name}'")
        path = _dataset_path(data_dir, record, name)
        if isinstance(path, str):
            problems.append(f"{datasets_label}: {path}")
            continue
        label = relative(path)
        if record is not None and record.status == TEMPLATE_STATUS:
            templates.append(label)
            continue
        if not path.is_file():
            problems.append(f"{label}: missing file")
            continue
        table = readers.read_table(path, label, layout_of(schema), sheet=(record.sheet or None) if record else None)
        if table.problems:
            problems += table.problems
            continue
        if table.frame.empty:
            problems.append(f"{table.label}: the file has no data rows")
            continue
        try:
            frame = schema.validate(table.frame, lazy=True)
        except SchemaErrors as exc:
            problems += _describe_failures(table, exc)
            unvalidated[name] = table
            continue
        if "region_code" in frame:
            problems += _join_renumbered(name, frame, table)
        frames[name], tables[name] = frame, table
    if templates:
        problems.insert(0, "fill in these files: they are still the templates 'make new-case' wrote, then set each "
                           f"one's status in {datasets_label} (published, reconstructed or synthetic): "
                           + ", ".join(templates))
    problems += _check_across(config, frames, tables, unvalidated)
    if problems:
        raise DatasetError(_problem_message(problems))
    for note in plausibility_notes(config, frames, tables):
        log.warning("note: %s", note)
    if "funders" in frames:
        frames["funders"]["public"] = frames["funders"]["public"].str.strip().str.lower().map(YES_NO)
    log.info("validated %d datasets in %s", len(frames), relative(data_dir))
    return Case(provenance=provenance, **{k: v.reset_index(drop=True) for k, v in frames.items()})


MESSAGE_LINES = 50  # a message longer than a screenful is not read: the rest is counted


def _problem_message(problems: list[str]) -> str:
    """One message for every problem, cut to about a screenful with a count of the rest."""
    shown = problems if len(problems) <= MESSAGE_LINES else problems[:MESSAGE_LINES - 1]
    lines = [f"  - {p}" for p in shown]
    if len(shown) < len(problems):
        lines.append(f"  … and {len(problems) - len(shown)} more problem(s) not listed here; correct the ones above "
                     "and run again")
    return f"{len(problems)} problem(s) in the input data:\n" + "\n".join(lines)


# What a restructuring programme's accounts look like (a municipality's programme: tens of projects,
# a few hundred at most). Beyond these a file is probably not what its name says; the analyst is
# told, the report is still built (the numbers may be right).
PLAUSIBLE_PROJECTS = 1_000
NOTES_PER_KIND = 5


def plausibility_notes(config: ReportConfig, frames: dict[str, pd.DataFrame],
                       tables: dict[str, readers.RawTable]) -> list[str]:
    """Valid data that is probably not what the analyst meant: years outside the programme, more paid
    out than the programme received, an implausible number of projects. Each note names the file and
    the rows."""
    notes = []
    start, end = config.programme.start, config.programme.end
    for name, column, what in (("projects", "start_year", "the project was granted support"),
                               ("spending", "year", "money was spent")):
        if name not in frames:
            continue
        frame = frames[name]
        outside = frame.index[(frame[column] < start) | (frame[column] > end)]
        if len(outside):
            rows = ", ".join(f"row {tables[name].row(i)} ({frame.at[i, column]})" for i in outside[:NOTES_PER_KIND])
            more = f" and {len(outside) - NOTES_PER_KIND} more" if len(outside) > NOTES_PER_KIND else ""
            notes.append(f"{tables[name].label}: column '{column}': {rows}{more}: {what} outside the programme's "
                         f"years ({start}–{end}); check the years, or the programme's years in the configuration")
    if "projects" in frames and "funding" in frames:
        paid, received = frames["projects"]["paid_nok"].sum(), frames["funding"]["amount_nok"].sum()
        if paid > received:
            notes.append(f"{tables['projects'].label}: the projects were paid {paid:,.0f} kr in all, more than the "
                         f"{received:,.0f} kr the programme received ({tables['funding'].label}); check both files")
    if "projects" in frames and len(frames["projects"]) > PLAUSIBLE_PROJECTS:
        notes.append(f"{tables['projects'].label}: {len(frames['projects']):,} projects, more than any restructuring "
                     f"programme has had (usually tens, at most a few hundred); is it the programme's project list?")
    return notes


def check_reconciliation(funding: pd.DataFrame, spending: pd.DataFrame, tolerance_nok: float = 1.0) -> None:
    """Raise if the accounts' total funding and total spending differ by more than `tolerance_nok` (rounding):
    a check across two input tables, made while the case is validated."""
    gap = float(funding["amount_nok"].sum() - spending["amount_nok"].sum())
    if abs(gap) > tolerance_nok:
        larger, smaller = ("funding", "spending") if gap > 0 else ("spending", "funding")
        raise ValueError(f"funding and spending do not reconcile: {larger} exceeds {smaller} by {abs(gap):,.0f} NOK")


def _check_across(config: ReportConfig, frames: dict[str, pd.DataFrame], tables: dict[str, readers.RawTable],
                  unvalidated: dict[str, readers.RawTable] | None = None) -> list[str]:
    """Rules that join two datasets, or a dataset and the configuration. A rule on ids (text) also
    runs on a file that has problems of its own, so that every problem is in the one message."""
    problems = []
    unvalidated = unvalidated or {}

    def ids(name: str, column: str):
        """The column as text, and its table, from the validated file or else the file as read."""
        if name in frames:
            return frames[name][column], tables[name]
        table = unvalidated.get(name)
        if table is not None and column in table.frame:
            return table.frame[column].astype(str).str.strip(), table
        return None, None

    (funder_ids, funding_table), (known_ids, funders_table) = ids("funding", "funder_id"), ids("funders", "funder_id")
    if funder_ids is not None and known_ids is not None:
        known = set(known_ids)
        for i in funder_ids.index[~funder_ids.isin(known)]:
            problems.append(f"{funding_table.label}: column 'funder_id', row {funding_table.row(i)}: "
                            f"'{excerpt(funder_ids.at[i])}' is not a funder in "
                            f"{funders_table.label} (known: {', '.join(sorted(known))}); add it there")
    area = config.administration_area
    if area is not None and "spending" in frames and area not in set(frames["spending"]["focus_area"]):
        spending = frames["spending"]
        problems.append(f"{tables['spending'].label}: no focus area '{excerpt(area, 80)}', which the configuration names "
                        f"as administration_area; the file has {', '.join(sorted(set(spending['focus_area'])))}. "
                        "Correct administration_area, or remove it if the programme had no administration costs")
    if "goals" in frames and config.goal_indicators:
        jobs = set(config.jobs_indicators["new_jobs"]) | set(config.jobs_indicators["secured_jobs"])
        if not set(frames["goals"]["indicator"]) & jobs:
            problems.append(f"{tables['goals'].label}: no goal counts jobs (indicators declared as new_jobs or "
                            "secured_jobs under goal_indicators); the report's cost per job needs at least one")
    for name in (*STATISTICS, "municipal_finances"):
        if name in frames and config.municipality not in set(frames[name]["region_code"]):
            problems.append(f"{tables[name].label}: no rows for the municipality {config.municipality} "
                            f"({regions.region_name(config.municipality)}); the report needs its figures")
    if "employment" in frames:
        employment = frames["employment"]
        for code in config.comparison:
            if code not in set(employment["region_code"]):
                problems.append(f"{tables['employment'].label}: no rows for the comparison area {code} "
                                f"({regions.region_name(code)}); add its figures or remove it from comparison")
        for code in [config.municipality, *config.comparison]:
            rows = employment[(employment["region_code"] == code) & (employment["year"] == config.base_year)]
            if code in set(employment["region_code"]) and rows.empty:
                problems.append(f"{tables['employment'].label}: no figure for {code} ({regions.region_name(code)}) in "
                                f"{config.base_year}, the base_year of the index; add it or choose another base_year")
    if "donor_pool_employment" in frames:  # every number under effect.exclude must name a donor, in any numbering
        try:
            config.excluded_by_analyst(sorted(set(frames["donor_pool_employment"]["region_code"])))
        except ConfigError as exc:
            problems += str(exc).splitlines()
    if len(config.fit_years) < 2:
        problems.append("the effect estimate of chapter 4 needs at least two years before the programme: start the "
                        "period earlier, or give effect.fit_years in the configuration (they may reach before the "
                        "period where the donor pool has the years)")
    elif "donor_pool_employment" in frames:
        pool = frames["donor_pool_employment"]
        missing = sorted(set(config.fit_years) - set(pool.loc[pool["region_code"] == config.municipality, "year"])
                         - set(frames.get("employment", pool).loc[lambda f: f["region_code"] == config.municipality,
                                                                    "year"]))
        if missing:
            problems.append(f"{tables['donor_pool_employment'].label}: no employment for the municipality "
                            f"{config.municipality} in {', '.join(map(str, missing))}, years the effect estimate is "
                            "fitted to (effect.fit_years); add them, or fit to other years")
    if "funding" in frames and "spending" in frames:
        try:  # the accounts must account for every krone, administration included
            check_reconciliation(frames["funding"], frames["spending"])
        except ValueError as exc:
            problems.append(f"{tables['funding'].label} and {tables['spending'].label}: {exc}; "
                            "correct the accounts")
    return problems
