"""Tables of the report, built from indicator outputs with Norwegian formatting; their markup is the
template exhibits/table.html.j2 (see evalreport.exhibits.Look)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from evalreport import words
from evalreport.exhibits import Exhibit, Look
from evalreport.formatting import Formatter, for_language


LONG_TABLE_ROWS = 14  # longer tables may break across pages rather than leave a page half empty


@dataclass(frozen=True)
class Column:
    """One column of a table: which field, its header, and how its values are written."""

    field: str
    header: str
    format: Callable[[object], str] = str
    numeric: bool = True


def render_table(frame: pd.DataFrame, columns: list[Column], look: Look, total_label: str | None = None,
                 show_header: bool = True) -> str:
    """Return an accessible HTML table (template exhibits/table.html.j2): header cells with scope, the
    first column as row headers. When `total_label` is given, the last row of `frame` is the total and
    is marked as such."""
    rows = []
    # Records, not iterrows(): a row of ints and floats must not turn the years into floats.
    for position, row in enumerate(frame.to_dict("records")):
        is_total = total_label is not None and position == len(frame) - 1
        cells = [(str(total_label if (is_total and i == 0) else column.format(row[column.field])), column.numeric)
                 for i, column in enumerate(columns)]
        rows.append({"cells": cells, "total": is_total})
    header = [(c.header, c.numeric) for c in columns] if show_header else None
    return look.html("exhibits/table.html.j2", header=header, rows=rows)


def make_table(frame: pd.DataFrame, columns: list[Column], caption: str, source: str, language: str, look: Look,
               total_label: str | None = None, note: str = "", show_header: bool = True,
               long: bool | None = None) -> Exhibit:
    """Wrap a rendered table as a numbered exhibit; a long one may break across pages (by default one
    of more than LONG_TABLE_ROWS rows)."""
    body = render_table(frame, columns, look, total_label, show_header)
    return Exhibit("table", caption, body, source, words.text(language, "document.source"), look, note,
                   long=len(frame) > LONG_TABLE_ROWS if long is None else long)


def with_total(frame: pd.DataFrame, label_field: str, sum_fields: list[str]) -> pd.DataFrame:
    """Append a total row that sums `sum_fields`."""
    total = {field: frame[field].sum() for field in sum_fields}
    total[label_field] = ""
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def _mnok(fmt: Formatter) -> Callable[[object], str]:
    return lambda v: fmt.number(float(v) / 1e6, 1)


def _table_of_shares(frame: pd.DataFrame, label_field: str, header: str, fmt: Formatter, look: Look, caption: str,
                     source: str) -> Exhibit:
    """Amounts in NOK million and their shares, one row per label, with a total row."""
    lang = fmt.language
    frame = with_total(frame, label_field, ["amount_nok", "share_pct"])
    columns = [Column(label_field, header, numeric=False),
               Column("amount_nok", words.text(lang, "labels.amount_mnok"), _mnok(fmt)),
               Column("share_pct", words.text(lang, "labels.share"), fmt.percent)]
    return make_table(frame, columns, caption, source, lang, look, total_label=words.text(lang, "labels.total"))


def table_funding_by_funder(by_funder: pd.DataFrame, fmt: Formatter, look: Look, caption: str, source: str) -> Exhibit:
    """Funding per funder (under the name the data gives it) with shares and a total row."""
    return _table_of_shares(by_funder, "name", words.text(fmt.language, "labels.funder"), fmt, look, caption, source)


def table_funding_by_year(by_year: pd.DataFrame, names: dict[str, str], fmt: Formatter, look: Look, caption: str,
                          source: str) -> Exhibit:
    """Funding per year (rows) and funder (columns, by id, headed by `names`), in NOK million, with totals."""
    lang = fmt.language
    frame = by_year.reset_index()
    frame = with_total(frame, "year", [c for c in by_year.columns])
    columns = [Column("year", words.text(lang, "labels.year"), numeric=False)]
    columns += [Column(c, names.get(c, words.text(lang, "labels.total")), _mnok(fmt)) for c in by_year.columns]
    return make_table(frame, columns, caption, source, lang, look, total_label=words.text(lang, "labels.total"))


def table_spending_by_area(by_area: pd.DataFrame, fmt: Formatter, look: Look, caption: str, source: str) -> Exhibit:
    """Spending per focus area with shares and a total row."""
    return _table_of_shares(by_area, "focus_area", words.text(fmt.language, "labels.focus_area"), fmt, look, caption,
                            source)


def table_projects(summary: pd.DataFrame, fmt: Formatter, look: Look, caption: str, source: str) -> Exhibit:
    """Projects per focus area; the summary's last row is the total."""
    lang = fmt.language
    columns = [Column("focus_area", words.text(lang, "labels.focus_area"), numeric=False),
               Column("projects", words.text(lang, "labels.projects"), lambda v: fmt.number(v)),
               Column("granted_nok", words.text(lang, "labels.granted_mnok"), _mnok(fmt)),
               Column("paid_nok", words.text(lang, "labels.paid_mnok"), _mnok(fmt)),
               Column("paid_pct", words.text(lang, "labels.paid_share"), fmt.percent),
               Column("total_cost_nok", words.text(lang, "labels.total_cost_mnok"), _mnok(fmt)),
               Column("leverage", words.text(lang, "labels.leverage"), lambda v: fmt.number(v, 2))]
    return make_table(summary, columns, caption, source, lang, look, total_label=words.text(lang, "labels.total"))


def table_goals(attainment: pd.DataFrame, fmt: Formatter, look: Look, caption: str, source: str) -> Exhibit:
    """Goals against results."""
    lang = fmt.language
    columns = [Column("description", words.text(lang, "labels.goal"), numeric=False),
               Column("target", words.text(lang, "labels.target"), lambda v: fmt.number(v)),
               Column("achieved", words.text(lang, "labels.achieved"), lambda v: fmt.number(v)),
               Column("pct_of_target", words.text(lang, "labels.pct_of_target"), lambda v: fmt.percent(v, 0))]
    return make_table(attainment, columns, caption, source, lang, look)


def table_series(series: pd.DataFrame, names: dict[str, str], fmt: Formatter, look: Look, caption: str, source: str,
                 decimals: int = 0, series_break: int | None = None) -> Exhibit:
    """A yearly series per region (years as rows): the data behind a chart; where it crosses a break in
    the statistics (`series_break`, the first year of the new series), a note under it says so."""
    lang = fmt.language
    frame = series.reset_index()
    columns = [Column("year", words.text(lang, "labels.year"), numeric=False)]
    columns += [Column(code, names.get(code, code), lambda v, d=decimals: fmt.number(v, d)) for code in series.columns]
    crosses = series_break is not None and series.index.min() < series_break <= series.index.max()
    note = words.text(lang, "notes.series_break", year=series_break) if crosses else ""
    return make_table(frame, columns, caption, source, lang, look, note=note)


def table_key_figures(rows: list[tuple[str, str]], language: str, look: Look, caption: str, source: str) -> Exhibit:
    """Two columns: what, and its value already formatted."""
    frame = pd.DataFrame(rows, columns=["what", "value"])
    columns = [Column("what", "", numeric=False), Column("value", "", str)]
    # Row headers only: an empty header row would be read aloud as blank cells.
    return make_table(frame, columns, caption, source, language, look, show_header=False)


def table_datasets(provenance: dict, language: str, look: Look, caption: str, source: str) -> Exhibit:
    """Every dataset with its source, licence, retrieval date and status."""
    fmt = for_language(language)
    frame = pd.DataFrame([{"title": f"{p.title} ({p.file})", "source": p.source, "licence": p.licence,
                           "retrieved": fmt.date(dt.date.fromisoformat(p.retrieved)),
                           "status": words.text(language, f"status.{p.status}")}
                          for p in provenance.values()])
    columns = [Column("title", words.text(language, "labels.dataset"), numeric=False),
               Column("source", words.text(language, "labels.source_col"), numeric=False),
               Column("licence", words.text(language, "labels.licence"), numeric=False),
               Column("retrieved", words.text(language, "labels.retrieved"), numeric=False),
               Column("status", words.text(language, "labels.status"), numeric=False)]
    # Its rows are tall (sources in several lines): kept whole, it would leave a page all but empty.
    return make_table(frame, columns, caption, source, language, look, long=True)


def table_rows(rows: list[tuple[str, str]], headers: tuple[str, str], language: str, look: Look, caption: str,
               source: str) -> Exhibit:
    """Two columns with headers: what (row headers), and its value already formatted."""
    frame = pd.DataFrame(rows, columns=["what", "value"])
    columns = [Column("what", headers[0], numeric=False), Column("value", headers[1], str)]
    return make_table(frame, columns, caption, source, language, look)


def table_weights(weights: dict[str, float], names: dict[str, str], fmt: Formatter, look: Look, caption: str,
                  source: str, least: float = 0.005) -> Exhibit:
    """The control group's members and their weights (largest first; weights below `least` left out)."""
    lang = fmt.language
    kept = sorted(((w, code) for code, w in weights.items() if w >= least), reverse=True)
    frame = pd.DataFrame([{"name": names.get(code, code), "weight": w * 100} for w, code in kept])
    columns = [Column("name", words.text(lang, "labels.municipality"), numeric=False),
               Column("weight", words.text(lang, "labels.weight"), lambda v: fmt.percent(v, 1))]
    return make_table(frame, columns, caption, source, lang, look)
