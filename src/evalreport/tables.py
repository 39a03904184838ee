"""Tables of the report, built from indicator outputs with Norwegian formatting."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from evalreport import texts
from evalreport.exhibits import Exhibit
from evalreport.formatting import Formatter


LONG_TABLE_ROWS = 14  # longer tables may break across pages rather than leave a page half empty


@dataclass(frozen=True)
class Column:
    """One column of a table: which field, its header, and how its values are written."""

    field: str
    header: str
    format: Callable[[object], str] = str
    numeric: bool = True


def render_table(frame: pd.DataFrame, columns: list[Column], total_label: str | None = None,
                 show_header: bool = True) -> str:
    """Return an accessible HTML table: header cells with scope, the first column as row headers.

    When `total_label` is given, the last row of `frame` is the total and is marked as such.
    """
    head = "".join(
        f'<th scope="col" class="{"num" if c.numeric else "text"}">{html.escape(c.header)}</th>' for c in columns
    )
    body_rows = []
    # Records, not iterrows(): a row of ints and floats must not turn the years into floats.
    for position, row in enumerate(frame.to_dict("records")):
        is_total = total_label is not None and position == len(frame) - 1
        cells = []
        for i, column in enumerate(columns):
            value = total_label if (is_total and i == 0) else column.format(row[column.field])
            css = "num" if column.numeric else "text"
            tag = f'th scope="row" class="{css}"' if i == 0 else f'td class="{css}"'
            cells.append(f"<{tag}>{html.escape(str(value))}</{tag.split()[0]}>")
        row_class = ' class="total"' if is_total else ""
        body_rows.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    thead = f"<thead><tr>{head}</tr></thead>" if show_header else ""
    return f'<table>{thead}<tbody>{"".join(body_rows)}</tbody></table>'


def make_table(frame: pd.DataFrame, columns: list[Column], caption: str, source: str, language: str,
               total_label: str | None = None, note: str = "", show_header: bool = True,
               long: bool | None = None) -> Exhibit:
    """Wrap a rendered table as a numbered exhibit; a long one may break across pages (by default one
    of more than LONG_TABLE_ROWS rows)."""
    body = render_table(frame, columns, total_label, show_header)
    return Exhibit("table", caption, body, source, texts.fixed(language)["source"], note,
                   long=len(frame) > LONG_TABLE_ROWS if long is None else long)


def with_total(frame: pd.DataFrame, label_field: str, sum_fields: list[str]) -> pd.DataFrame:
    """Append a total row that sums `sum_fields`."""
    total = {field: frame[field].sum() for field in sum_fields}
    total[label_field] = ""
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def _mnok(fmt: Formatter) -> Callable[[object], str]:
    return lambda v: fmt.number(float(v) / 1e6, 1)


def _table_of_shares(frame: pd.DataFrame, label_field: str, header: str, fmt: Formatter, caption: str,
                     source: str) -> Exhibit:
    """Amounts in NOK million and their shares, one row per label, with a total row."""
    lang = fmt.language
    frame = with_total(frame, label_field, ["amount_nok", "share_pct"])
    columns = [Column(label_field, header, numeric=False),
               Column("amount_nok", texts.label(lang, "amount_mnok"), _mnok(fmt)),
               Column("share_pct", texts.label(lang, "share"), fmt.percent)]
    return make_table(frame, columns, caption, source, lang, total_label=texts.fixed(lang)["total"])


def table_funding_by_funder(by_funder: pd.DataFrame, fmt: Formatter, caption: str, source: str) -> Exhibit:
    """Funding per funder (under the name the data gives it) with shares and a total row."""
    return _table_of_shares(by_funder, "name", texts.label(fmt.language, "funder"), fmt, caption, source)


def table_funding_by_year(by_year: pd.DataFrame, names: dict[str, str], fmt: Formatter, caption: str,
                          source: str) -> Exhibit:
    """Funding per year (rows) and funder (columns, by id, headed by `names`), in NOK million, with totals."""
    lang = fmt.language
    frame = by_year.reset_index()
    frame = with_total(frame, "year", [c for c in by_year.columns])
    columns = [Column("year", texts.label(lang, "year"), numeric=False)]
    columns += [Column(c, names.get(c, texts.fixed(lang)["total"]), _mnok(fmt)) for c in by_year.columns]
    return make_table(frame, columns, caption, source, lang, total_label=texts.fixed(lang)["total"])


def table_spending_by_area(by_area: pd.DataFrame, fmt: Formatter, caption: str, source: str) -> Exhibit:
    """Spending per focus area with shares and a total row."""
    return _table_of_shares(by_area, "focus_area", texts.label(fmt.language, "focus_area"), fmt, caption, source)


def table_projects(summary: pd.DataFrame, fmt: Formatter, caption: str, source: str) -> Exhibit:
    """Projects per focus area; the summary's last row is the total."""
    lang = fmt.language
    columns = [Column("focus_area", texts.label(lang, "focus_area"), numeric=False),
               Column("projects", texts.label(lang, "projects"), lambda v: fmt.number(v)),
               Column("granted_nok", texts.label(lang, "granted_mnok"), _mnok(fmt)),
               Column("paid_nok", texts.label(lang, "paid_mnok"), _mnok(fmt)),
               Column("paid_pct", texts.label(lang, "paid_share"), fmt.percent),
               Column("total_cost_nok", texts.label(lang, "total_cost_mnok"), _mnok(fmt)),
               Column("leverage", texts.label(lang, "leverage"), lambda v: fmt.number(v, 2))]
    return make_table(summary, columns, caption, source, lang, total_label=texts.fixed(lang)["total"])


def table_goals(attainment: pd.DataFrame, fmt: Formatter, caption: str, source: str) -> Exhibit:
    """Goals against results."""
    lang = fmt.language
    columns = [Column("description", texts.label(lang, "goal"), numeric=False),
               Column("target", texts.label(lang, "target"), lambda v: fmt.number(v)),
               Column("achieved", texts.label(lang, "achieved"), lambda v: fmt.number(v)),
               Column("pct_of_target", texts.label(lang, "pct_of_target"), lambda v: fmt.percent(v, 0))]
    return make_table(attainment, columns, caption, source, lang)


def table_series(series: pd.DataFrame, names: dict[str, str], fmt: Formatter, caption: str, source: str,
                 decimals: int = 0) -> Exhibit:
    """A yearly series per region (years as rows): the data behind a chart."""
    lang = fmt.language
    frame = series.reset_index()
    columns = [Column("year", texts.label(lang, "year"), numeric=False)]
    columns += [Column(code, names.get(code, code), lambda v, d=decimals: fmt.number(v, d)) for code in series.columns]
    return make_table(frame, columns, caption, source, lang)


def table_key_figures(rows: list[tuple[str, str]], language: str, caption: str, source: str) -> Exhibit:
    """Two columns: what, and its value already formatted."""
    frame = pd.DataFrame(rows, columns=["what", "value"])
    columns = [Column("what", "", numeric=False), Column("value", "", str)]
    # Row headers only: an empty header row would be read aloud as blank cells.
    return make_table(frame, columns, caption, source, language, show_header=False)


def table_datasets(provenance: dict, language: str, caption: str, source: str) -> Exhibit:
    """Every dataset with its source, licence, retrieval date and status."""
    import datetime as dt

    from evalreport.formatting import for_language

    fixed, fmt = texts.fixed(language), for_language(language)
    frame = pd.DataFrame([{"title": f"{p.title} ({p.file})", "source": p.source, "licence": p.licence,
                           "retrieved": fmt.date(dt.date.fromisoformat(p.retrieved)),
                           "status": fixed["status"][p.status]}
                          for p in provenance.values()])
    columns = [Column("title", texts.label(language, "dataset"), numeric=False),
               Column("source", texts.label(language, "source_col"), numeric=False),
               Column("licence", texts.label(language, "licence"), numeric=False),
               Column("retrieved", texts.label(language, "retrieved"), numeric=False),
               Column("status", texts.label(language, "status"), numeric=False)]
    # Its rows are tall (sources in several lines): kept whole, it would leave a page all but empty.
    return make_table(frame, columns, caption, source, language, long=True)


def table_rows(rows: list[tuple[str, str]], headers: tuple[str, str], language: str, caption: str,
               source: str) -> Exhibit:
    """Two columns with headers: what (row headers), and its value already formatted."""
    frame = pd.DataFrame(rows, columns=["what", "value"])
    columns = [Column("what", headers[0], numeric=False), Column("value", headers[1], str)]
    return make_table(frame, columns, caption, source, language)


def table_weights(weights: dict[str, float], names: dict[str, str], fmt: Formatter, caption: str, source: str,
                  least: float = 0.005) -> Exhibit:
    """The control group's members and their weights (largest first; weights below `least` left out)."""
    lang = fmt.language
    kept = sorted(((w, code) for code, w in weights.items() if w >= least), reverse=True)
    frame = pd.DataFrame([{"name": names.get(code, code), "weight": w * 100} for w, code in kept])
    columns = [Column("name", texts.label(lang, "municipality"), numeric=False),
               Column("weight", texts.label(lang, "weight"), lambda v: fmt.percent(v, 1))]
    return make_table(frame, columns, caption, source, lang)
