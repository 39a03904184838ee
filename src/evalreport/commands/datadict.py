"""The data dictionary: every dataset, column, type, unit, allowed values and an example, written from
the schemas themselves (`make data-dictionary`), so that it cannot drift from what `make check` checks.
A test compares the committed file with what this writes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from evalreport.config import ReportConfig
from evalreport.datasets import schemas

PATH = Path("docs/data-dictionary.md")
TYPES = {"int64": "whole number", "float64": "number (decimal comma or point)"}


def _example_config():
    """A configuration to build the schemas from; the years in messages come out as placeholders."""
    return ReportConfig.model_validate({
        "title": "-", "municipality": "3443", "programme": {"start": 2011, "end": 2017},
        "period": {"start": 2008, "end": 2019}, "base_year": 2010, "comparison": ["0"], "author": "-",
        "organisation": "-", "report_date": dt.date(2018, 6, 1), "data_dir": "-", "output_name": "x",
        "goal_indicators": {"nye_arbeidsplasser": "new_jobs"}})


def describe_columns(schema) -> list[dict]:
    """Each column of a schema: name, type, unit, what it holds, the values it allows, an example."""
    columns = []
    for name, column in schema.columns.items():
        allowed = []
        for check in column.checks:
            text = str(check.error or "")
            if check.name == "str_length":
                allowed.append("not empty")
            elif check.name == "greater_than_or_equal_to":
                allowed.append(f"{check.statistics['min_value']} or more")
            elif check.name == "in_range":
                allowed.append(f"{check.statistics['min_value']} to {check.statistics['max_value']}")
            elif text.startswith("must be one of"):
                allowed.append(text.removeprefix("must be one of ").strip())
            elif text.startswith("must be a year within"):
                allowed.append("a year within the report's period (period in the configuration)")
            elif text.startswith("must be an indicator"):
                allowed.append("an indicator declared under goal_indicators in the configuration")
            elif text:
                allowed.append(re.sub(r"^must (be )?", "", text))
        if column.unique:
            allowed.append("unique")
        if not column.nullable and name != "source_url":
            allowed.append("required")
        metadata = column.metadata or {}
        columns.append({"name": name, "type": TYPES.get(str(column.dtype), "text"),
                        "unit": metadata.get("unit", ""), "description": column.description or "",
                        "allowed": "; ".join(allowed), "example": metadata.get("example", "")})
    return columns


def render(config=None, heading: str = "Data dictionary", intro: list[str] | None = None,
           examples: dict[str, str] | None = None) -> str:
    """The data dictionary as markdown, from the schemas of `config` (default: an example case), under
    `heading`, with `intro` lines first. A case's README (`config` given) shows its own codes and years
    as `examples` (column: value) and no other example figures: the sample's are not the case's."""
    written = ("Written from the schemas by `make data-dictionary`; do not edit by hand." if config is None else
               "Written by `make new-case` from the schemas of this case.")
    lines = [f"# {heading}", "", *(intro or []),
             "Every dataset a case needs, one file each in the case's data folder (`data/<case>/`), named in its",
             f"`datasets.yaml`. {written}",
             "Files may be CSV (`;` or `,`, decimal comma or point, UTF-8 or Windows-1252) or `.xlsx`.", ""]
    for dataset, schema in schemas(config or _example_config()).items():
        lines += [f"## {dataset}", "", schema.description or "", ""]
        if schema.unique:
            lines += [f"Each combination of {', '.join(f'`{c}`' for c in schema.unique)} occurs once.", ""]
        lines += ["| column | type | unit | what it holds | allowed values | example |",
                  "|---|---|---|---|---|---|"]
        for column in describe_columns(schema):
            if config is not None:
                column["example"] = (examples or {}).get(column["name"], column["example"] if column["type"] == "text"
                                                         and column["name"] not in ("status", "source_url") else "")
            cells = [f"`{column['name']}`", column["type"], column["unit"], column["description"],
                     column["allowed"], f"`{column['example']}`" if column["example"] else ""]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path
