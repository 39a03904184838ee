"""Read input tables as analysts receive them: CSV from Excel or accounting systems, `.xlsx`
workbooks, and Statistics Norway's own CSV download.

Every reader returns the table as text with the file's own row numbers, so that validation can
name the row an analyst sees in Excel or a text editor. What is normalised is unambiguous
(encoding, separator, spaces between thousands, a decimal comma in a file that uses it, a total
row that equals the sum of the rows above) and is logged; anything that could change a number
if guessed wrong is reported as a problem instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

TOTAL_LABELS = {"sum", "total", "totalt", "sum totalt", "i alt", "totalsum"}
MISSING_SYMBOLS = {"..", ".", ":", "-"}  # SSB's symbols for missing, not applicable, confidential, zero
THOUSANDS = re.compile(r"^-?\d{1,3}([ \u00a0\u202f\u2009]\d{3})+$")
DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
DECIMAL_POINT = re.compile(r"^-?\d+\.\d+$")
DATE_TEXT = re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}([ T].*)?)$")
SSB_TITLE = re.compile(r'^"?(\d{5}):')
SSB_REGION = re.compile(r"^(\d{1,4}) (.+?)(?: \(.*\))?$")
YEAR_COLUMNS = ("year", "start_year")


@dataclass
class RawTable:
    """A table as text, with the row number each line has in its file."""

    frame: pd.DataFrame
    rows: list[int]
    label: str
    problems: list[str] = field(default_factory=list)

    def row(self, index: int) -> int:
        return self.rows[index]


@dataclass(frozen=True)
class Layout:
    """What the schema says about the columns, which the readers need to normalise values."""

    columns: list[str]
    integer_columns: tuple[str, ...] = ()
    decimal_columns: tuple[str, ...] = ()
    value_column: str | None = None  # for SSB downloads: the column their single value becomes


def read_table(path: Path, label: str, layout: Layout, sheet: str | None = None) -> RawTable:
    """Read a CSV or `.xlsx` file as text; problems are collected on the result, not raised."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _read_excel(path, label, layout, sheet)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(path, label, layout)
    elif suffix == ".xls":
        return RawTable(pd.DataFrame(), [], label, [f"{label}: old Excel format (.xls); save it as .xlsx"])
    else:
        return RawTable(pd.DataFrame(), [], label, [f"{label}: unknown file type '{suffix}'; use .csv or .xlsx"])
    if not table.problems and not table.frame.empty:
        _drop_total_row(table, layout)
        _normalise_values(table, layout)
    return table


# --- CSV ---------------------------------------------------------------------------------------

def _decode(data: bytes, label: str) -> tuple[str | None, str]:
    """Return (text, encoding). UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's default for CSV on Norwegian Windows. Digits are the same in every one of these
        # encodings, so reading the file this way cannot change a number, only letters.
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        return None, f"neither UTF-8 nor Windows-1252 (byte {exc.start})"


def _read_csv(path: Path, label: str, layout: Layout) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        return RawTable(pd.DataFrame(), [], label, [f"{label}: the file is empty; it needs a header row and data rows"])
    text, encoding = _decode(data, label)
    if text is None:
        return RawTable(pd.DataFrame(), [], label, [f"{label}: {encoding}; save it as UTF-8 (CSV UTF-8 in Excel)"])
    if encoding != "UTF-8":
        log.info("%s: read as %s", label, encoding)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    title = SSB_TITLE.match(lines[first])
    start = first
    if title:  # SSB's download: a title line, maybe blank lines, then the header
        start = next(i for i in range(first + 1, len(lines)) if lines[i].strip())
    delimiter = _sniff_delimiter(lines[start:start + 20])
    if delimiter is None:
        return RawTable(pd.DataFrame(), [], label, [
            f"{label}: could not tell which character separates the columns in the header "
            f"'{lines[start][:80]}'; use ';' or ','"])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    records = list(reader)
    header = [h.strip().lstrip("\ufeff") for h in records[0]]
    body, rows, problems = [], [], []
    for offset, record in enumerate(records[1:], start=start + 2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(f"{label}: row {offset}: expected {len(header)} fields separated by '{delimiter}', "
                            f"found {len(record)}; quote values that contain '{delimiter}' or remove thousands separators")
            continue
        body.append(record)
        rows.append(offset)
    if problems:
        return RawTable(pd.DataFrame(), [], label, problems)
    frame = pd.DataFrame(body, columns=header, dtype=object)
    table = RawTable(frame, rows, label)
    if title:
        _from_ssb_download(table, layout, title.group(1))
    table.frame.attrs["decimal"] = _decimal_mark(table, layout, delimiter)
    return table


def _sniff_delimiter(lines: list[str]) -> str | None:
    counts = {d: lines[0].count(d) for d in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        return None
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";\t,").delimiter
    except csv.Error:
        return best


def _decimal_mark(table: RawTable, layout: Layout, delimiter: str) -> str | None:
    """',' or '.', from the separator and the values; None where the file mixes both."""
    values = [str(v) for c in layout.decimal_columns if c in table.frame for v in table.frame[c].dropna()]
    comma = any(DECIMAL_COMMA.match(v.strip()) for v in values)
    point = any(DECIMAL_POINT.match(v.strip()) for v in values)
    if comma and point:
        table.problems.append(f"{table.label}: the file mixes decimal comma and decimal point in "
                              f"{', '.join(layout.decimal_columns)}; use one of them throughout")
        return None
    if comma or (delimiter == ";" and not point):
        return ","
    return "."


def _from_ssb_download(table: RawTable, layout: Layout, table_id: str) -> None:
    """Turn SSB's CSV download (region "3443 Vestre Toten", year, value) into the report's columns.

    SSB writes either one column per year ("Personer 2017"; wide) or a year column ("år"; long).
    """
    frame = table.frame
    region_column = next((c for c in frame.columns if c.lower() in ("region", "kommune", "fylke")), frame.columns[0])
    year_column = next((c for c in frame.columns if c.lower() in ("år", "tid", "year")), None)
    if year_column is None:
        year_columns = {c: re.search(r"(\d{4})$", c.strip()) for c in frame.columns if c != region_column}
        if not all(year_columns.values()):
            table.problems.append(f"{table.label}: an SSB download should have a region column and a year column, "
                                  f"or one column per year; found {list(frame.columns)}")
            return
        long = frame.melt(id_vars=[region_column], var_name="year", value_name="value", ignore_index=False)
        long["year"] = long["year"].map(lambda c: year_columns[c].group(1))
        table.rows = [table.rows[i] for i in long.index]
    else:
        value_columns = [c for c in frame.columns if c not in (region_column, year_column)]
        if len(value_columns) != 1:
            table.problems.append(f"{table.label}: expected one value column in the SSB download, found {value_columns}")
            return
        long = frame.rename(columns={year_column: "year", value_columns[0]: "value"})
    long = long.reset_index(drop=True)
    parsed = long[region_column].astype(str).str.strip().str.extract(SSB_REGION)
    for i in parsed.index[parsed[0].isna()]:
        table.problems.append(f"{table.label}: row {table.rows[i]}: expected a region like '3443 Vestre Toten', "
                              f"found {long.at[i, region_column]!r}")
    missing = long["value"].astype(str).str.strip().isin(MISSING_SYMBOLS)
    for i in long.index[missing]:
        table.problems.append(f"{table.label}: row {table.rows[i]}: SSB marks the value for {long.at[i, 'year']} "
                              f"as missing ({long.at[i, 'value']!r}); choose other years or fill it from another source")
    table.frame = pd.DataFrame({
        "region_code": parsed[0], "region_name": parsed[1], "year": long["year"],
        layout.value_column or "value": long["value"],
        "status": "published", "source_url": f"https://www.ssb.no/statbank/table/{table_id}",
    })


# --- Excel -------------------------------------------------------------------------------------

def _read_excel(path: Path, label: str, layout: Layout, sheet: str | None) -> RawTable:
    import openpyxl  # only needed for workbooks

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same advice
        return RawTable(pd.DataFrame(), [], label, [f"{label}: not a readable .xlsx workbook ({exc}); save it again from Excel"])
    if sheet is not None and sheet not in workbook.sheetnames:
        return RawTable(pd.DataFrame(), [], label, [f"{label}: no sheet '{sheet}'; the workbook has {workbook.sheetnames}"])
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    label = f"{label}, sheet '{worksheet.title}'"
    cells = [list(row) for row in worksheet.iter_rows(values_only=True)]
    if not any(any(v is not None for v in row) for row in cells):
        return RawTable(pd.DataFrame(), [], label, [f"{label}: the sheet is empty"])
    wanted = {c.lower() for c in layout.columns}
    header_row = None
    for i, row in enumerate(cells[:10]):
        names = {str(v).strip().lower() for v in row if v is not None}
        if wanted <= names:
            header_row = i
            break
    if header_row is None:
        first = next(i for i, row in enumerate(cells) if any(v is not None for v in row))
        found = [str(v) for v in cells[first] if v is not None]
        merged = [str(r) for r in worksheet.merged_cells.ranges if r.min_row <= first + 2]
        hint = (f"; the header has merged cells ({', '.join(merged)}): unmerge them and give each column "
                "a name of its own in one row") if merged else ""
        missing = sorted(wanted - {f.strip().lower() for f in found})
        return RawTable(pd.DataFrame(), [], label, [
            f"{label}: no header row with the columns {layout.columns}; row {first + 1} has {found}, "
            f"missing {missing}{hint}"])
    header = [str(v).strip() if v is not None else f"(empty {j + 1})" for j, v in enumerate(cells[header_row])]
    header = [h.lower() if h.lower() in wanted else h for h in header]
    body, rows = [], []
    for i in range(header_row + 1, len(cells)):
        row = cells[i]
        if not any(v is not None and str(v).strip() for v in row):
            continue
        body.append([_excel_text(v) for v in row[:len(header)]])
        rows.append(i + 1)
    keep = [h for h in header if not h.startswith("(empty ")] or header
    frame = pd.DataFrame(body, columns=header, dtype=object)[keep]
    frame.attrs["decimal"] = "."  # numbers in cells carry no separators; text cells are normalised below
    return RawTable(frame, rows, label)


def _excel_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


# --- normalisation shared by every format ------------------------------------------------------

def _drop_total_row(table: RawTable, layout: Layout) -> None:
    """Drop a last row labelled Sum/Total whose amounts equal the sum of the rows above; any
    other row so labelled is a problem, since dropping it could change the report's numbers."""
    frame = table.frame
    last = frame.iloc[-1]
    labels = {str(v).strip().lower() for v in last if isinstance(v, str)}
    if not labels & TOTAL_LABELS:
        return
    numeric = [c for c in layout.integer_columns + layout.decimal_columns
               if c in frame and c not in YEAR_COLUMNS and not str(last[c]).strip().lower() in TOTAL_LABELS]
    above = frame.iloc[:-1]

    def as_number(value):
        text = re.sub(r"[ \u00a0\u202f\u2009]", "", str(value)).replace(",", ".")
        return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None

    sums_match = bool(numeric) and all(
        as_number(last[c]) is not None
        and all(as_number(v) is not None for v in above[c])
        and abs(as_number(last[c]) - sum(as_number(v) for v in above[c])) < 0.5
        for c in numeric if last[c] is not None
    )
    if sums_match:
        log.info("%s: ignored row %d, a total row equal to the sum of the rows above", table.label, table.rows[-1])
        table.frame = above.reset_index(drop=True)
        table.rows = table.rows[:-1]
    else:
        table.problems.append(f"{table.label}: row {table.rows[-1]} is labelled as a total but is not the sum of "
                              "the rows above; remove it (the report computes its own totals)")


def _normalise_values(table: RawTable, layout: Layout) -> None:
    """Strip cells, make empty cells missing, and write numbers the one way Python reads them."""
    frame = table.frame
    decimal = frame.attrs.get("decimal", ".")
    for column in frame.columns:
        cleaned = []
        for i, value in enumerate(frame[column]):
            text = None if value is None else str(value).strip()
            text = text or None
            if text is not None and column in layout.integer_columns + layout.decimal_columns:
                text = text.replace("\u2212", "-")
                if THOUSANDS.match(text):
                    text = re.sub(r"[ \u00a0\u202f\u2009]", "", text)
                if column in layout.decimal_columns and decimal == "," and DECIMAL_COMMA.match(text):
                    text = text.replace(",", ".")
                elif column in layout.decimal_columns and decimal == "," and DECIMAL_POINT.match(text):
                    table.problems.append(f"{table.label}: column '{column}', row {table.rows[i]}: found {text!r} in "
                                          "a file that writes decimals with a comma; write it with a comma")
            if text is not None and column in YEAR_COLUMNS and DATE_TEXT.match(text):
                table.problems.append(f"{table.label}: column '{column}', row {table.rows[i]}: expected a year such "
                                      f"as 2015, found a date {text!r}; write the year only")
            cleaned.append(text)
        frame[column] = pd.Series(cleaned, index=frame.index, dtype=object)
