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
import yaml
from pandera.errors import SchemaErrors

from evalreport import readers, regions
from evalreport.config import ReportConfig
from evalreport.errors import DatasetError, excerpt

log = logging.getLogger(__name__)

STATUSES = ("published", "reconstructed", "synthetic")
TEMPLATE_STATUS = "template"  # what `make new-case` writes: a dataset still to be filled in
FUNDER_KINDS = ("fylkeskommune", "kommune", "innovasjon_norge", "stat", "privat", "annen")
YES_NO = {"yes": True, "ja": True, "true": True, "1": True, "no": False, "nei": False, "false": False, "0": False}
STATISTICS = ("employment", "unemployment", "population", "dwellings", "enterprises", "municipal_finances")


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
    provenance: dict[str, Provenance] = field(default_factory=dict)

    @property
    def is_sample(self) -> bool:
        """True when any input is reconstructed or synthetic, in its record or in any row."""
        if any(p.status != "published" for p in self.provenance.values()):
            return True
        return any((getattr(self, name)["status"] != "published").any() for name in STATISTICS)


def _amount(name: str) -> pa.Column:
    return pa.Column(int, pa.Check.ge(0, error="must be zero or more"), nullable=False, coerce=True,
                     title=name)


def _year(first: int, last: int, what: str) -> pa.Column:
    return pa.Column(int, pa.Check.in_range(first, last, error=f"must be a year within {what} {first}-{last}"),
                     coerce=True)


def _one_of(values: tuple[str, ...]) -> pa.Check:
    return pa.Check.isin(values, error=f"must be one of {', '.join(values)}")


def _known_region() -> pa.Check:
    return pa.Check(lambda s: s.map(regions.is_known), element_wise=False,
                    error="must be a kommunenummer or fylkesnummer in use at some time since 1994, or 0 for the "
                          "whole country (see docs/data-dictionary.md)")


def _statistics_schema(value_column: str, dtype, config: ReportConfig, checks: list[pa.Check]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "region_code": pa.Column(str, _known_region(), coerce=True),
            "region_name": pa.Column(str, coerce=True),
            "year": _year(config.period.start, config.period.end, "the report's period"),
            value_column: pa.Column(dtype, checks, coerce=True),
            "status": pa.Column(str, _one_of(STATUSES), coerce=True),
            "source_url": pa.Column(str, nullable=True, coerce=True),
        },
        unique=["region_code", "year"],
        strict=True,
        ordered=False,
    )


def schemas(config: ReportConfig) -> dict[str, pa.DataFrameSchema]:
    """Return the schema of every dataset, with the years and rules of this report."""
    start, end = config.period.start, config.period.end
    indicators = tuple(config.goal_indicators)
    return {
        "funders": pa.DataFrameSchema(
            {"funder_id": pa.Column(str, pa.Check.str_matches(r"^[A-Za-z0-9_-]+$", error=(
                "must be a short id of letters, digits, '_' or '-'")), unique=True, coerce=True),
             "name": pa.Column(str, pa.Check.str_length(min_value=1), coerce=True),
             "kind": pa.Column(str, _one_of(FUNDER_KINDS), coerce=True),
             "public": pa.Column(str, pa.Check(lambda s: s.str.strip().str.lower().isin(list(YES_NO)),
                                               error="must be yes or no (ja/nei, true/false and 1/0 also do)"),
                                 coerce=True)},
            strict=True),
        "funding": pa.DataFrameSchema(
            {"year": _year(start, end, "the report's period"),
             "funder_id": pa.Column(str, coerce=True),
             "amount_nok": _amount("amount_nok")},
            unique=["year", "funder_id"], strict=True),
        "spending": pa.DataFrameSchema(
            {"year": _year(start, end, "the report's period"),
             "focus_area": pa.Column(str, pa.Check.str_length(min_value=1), coerce=True),
             "amount_nok": _amount("amount_nok")},
            unique=["year", "focus_area"], strict=True),
        "projects": pa.DataFrameSchema(
            {"project_id": pa.Column(str, unique=True, coerce=True),
             "name": pa.Column(str, pa.Check.str_length(min_value=1), coerce=True),
             "focus_area": pa.Column(str, pa.Check.str_length(min_value=1), coerce=True),
             "start_year": _year(start, end, "the report's period"),
             "granted_nok": _amount("granted_nok"),
             "paid_nok": _amount("paid_nok"),
             "total_cost_nok": _amount("total_cost_nok")},
            checks=[pa.Check(lambda df: df["paid_nok"] <= df["granted_nok"],
                             error="paid_nok must not exceed granted_nok"),
                    pa.Check(lambda df: df["total_cost_nok"] >= df["granted_nok"],
                             error="total_cost_nok must be at least granted_nok")],
            strict=True),
        "goals": pa.DataFrameSchema(
            {"goal_id": pa.Column(str, unique=True, coerce=True),
             "indicator": pa.Column(str, pa.Check.isin(indicators, error=(
                 f"must be an indicator declared under goal_indicators in the report's configuration "
                 f"(declared: {', '.join(indicators) or 'none'}); declare it there with new_jobs, secured_jobs "
                 "or other")), coerce=True),
             "description": pa.Column(str, pa.Check.str_length(min_value=1), coerce=True),
             "target": pa.Column(float, pa.Check.gt(0, error="must be above zero"), coerce=True),
             "achieved": pa.Column(float, pa.Check.ge(0, error="must be zero or more"), coerce=True)},
            strict=True),
        "employment": _statistics_schema("employed", int, config, [pa.Check.ge(0)]),
        "unemployment": _statistics_schema("unemployed_pct", float, config, [pa.Check.in_range(0, 100)]),
        "population": _statistics_schema("population", int, config, [pa.Check.ge(0)]),
        "dwellings": _statistics_schema("dwellings_completed", int, config, [pa.Check.ge(0)]),
        "enterprises": _statistics_schema("new_enterprises", int, config, [pa.Check.ge(0)]),
        "municipal_finances": pa.DataFrameSchema(
            {"region_code": pa.Column(str, _known_region(), coerce=True),
             "region_name": pa.Column(str, coerce=True),
             "year": _year(config.period.start, config.period.end, "the report's period"),
             "netto_driftsresultat_pct": pa.Column(float, pa.Check.in_range(-100, 100), coerce=True),
             "robek": pa.Column(int, pa.Check.isin([0, 1], error="must be 0 or 1"), coerce=True),
             "status": pa.Column(str, _one_of(STATUSES), coerce=True),
             "source_url": pa.Column(str, nullable=True, coerce=True)},
            unique=["region_code", "year"], strict=True),
    }


_EXPECTED = {
    "int64": "a whole number, without spaces, units or thousands separators",
    "float64": "a number with a decimal point",
}
_CHECKS = {
    "field_uniqueness": "duplicate value: each must be unique",
    "multiple_fields_uniqueness": "duplicate key: this combination occurs more than once",
    "not_nullable": "empty cell: a value is required",
}


def _describe_failures(table: readers.RawTable, errors: SchemaErrors) -> list[str]:
    """Turn pandera's failure cases into one line each: file, column, row, expected, found."""
    label = table.label
    cases = errors.failure_cases
    coerce_failed = set(cases.loc[cases["check"].astype(str).str.startswith("coerce_dtype"), "column"])
    problems = []
    reported_rows = set()
    for _, case in cases.iterrows():
        column = case["column"] if isinstance(case["column"], str) else None
        check, found, index = str(case["check"]), case["failure_case"], case["index"]
        if column in coerce_failed and not check.startswith("coerce_dtype"):
            continue  # the value's type is already reported; follow-up checks on it only repeat it
        if case["schema_context"] == "DataFrameSchema" and check not in ("column_in_schema", "column_in_dataframe") \
                and index is not None and not (isinstance(index, float) and pd.isna(index)):
            # A check across columns fails once per cell of the row: report the row once; the
            # check's own words name the columns.
            if (int(index), check) not in reported_rows:
                reported_rows.add((int(index), check))
                problems.append(f"{label}: row {table.row(int(index))}: {_CHECKS.get(check, check)}")
            continue
        if case["schema_context"] == "DataFrameSchema" and check == "column_in_schema":
            problems.append(f"{label}: unexpected column '{found}': remove or rename it")
            continue
        if case["schema_context"] == "DataFrameSchema" and check == "column_in_dataframe":
            problems.append(f"{label}: missing column '{found}'")
            continue
        if check.startswith("coerce_dtype"):
            dtype = check.split("'")[1] if "'" in check else check
            check = f"expected {_EXPECTED.get(dtype, dtype)}"
        check = _CHECKS.get(check, check)
        where = f"column '{column}', " if column else ""
        if check == _CHECKS["not_nullable"]:
            problems.append(f"{label}: {where}row {table.row(int(index))}: {check}")
            continue
        if index is None or (isinstance(index, float) and pd.isna(index)):
            problems.append(f"{label}: {where}{check} (found {found!r})")
        else:
            problems.append(f"{label}: {where}row {table.row(int(index))}: {check} (found {found!r})")
    return problems


def read_provenance(data_dir: Path, label: str) -> dict[str, Provenance]:
    """Read `datasets.yaml`, the provenance record of every dataset; `label` names it in messages."""
    path = data_dir / "datasets.yaml"
    if not path.is_file():
        raise DatasetError(f"{label}: missing; every data folder needs a provenance record per dataset "
                           "('make new-case' writes one)")
    try:
        records = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{label}: not valid YAML ({excerpt(str(exc), 200)})") from None
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
    values = [c for c in columns if c not in ("region_code", "region_name", "year", "status", "source_url")]
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
            continue
        if "region_code" in frame:
            problems += _join_renumbered(name, frame, table)
        frames[name], tables[name] = frame, table
    if templates:
        problems.insert(0, "fill in these files: they are still the templates 'make new-case' wrote, then set each "
                           f"one's status in {datasets_label} (published, reconstructed or synthetic): "
                           + ", ".join(templates))
    problems += _check_across(config, frames, tables)
    if problems:
        raise DatasetError(f"{len(problems)} problem(s) in the input data:\n" + "\n".join(f"  - {p}" for p in problems))
    if "funders" in frames:
        frames["funders"]["public"] = frames["funders"]["public"].str.strip().str.lower().map(YES_NO)
    log.info("validated %d datasets in %s", len(frames), relative(data_dir))
    return Case(provenance=provenance, **{k: v.reset_index(drop=True) for k, v in frames.items()})


def _check_across(config: ReportConfig, frames: dict[str, pd.DataFrame],
                  tables: dict[str, readers.RawTable]) -> list[str]:
    """Rules that join two datasets, or a dataset and the configuration."""
    problems = []
    if "funding" in frames and "funders" in frames:
        funding, known = frames["funding"], set(frames["funders"]["funder_id"])
        for i in funding.index[~funding["funder_id"].isin(known)]:
            problems.append(f"{tables['funding'].label}: column 'funder_id', row {tables['funding'].row(i)}: "
                            f"'{excerpt(funding.at[i, 'funder_id'])}' is not a funder in "
                            f"{tables['funders'].label} (known: {', '.join(sorted(known))}); add it there")
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
    if "funding" in frames and "spending" in frames:
        from evalreport.indicators import check_reconciliation

        try:  # the accounts must account for every krone, administration included
            check_reconciliation(frames["funding"], frames["spending"])
        except ValueError as exc:
            problems.append(f"{tables['funding'].label} and {tables['spending'].label}: {exc}; "
                            "correct the accounts")
    return problems
