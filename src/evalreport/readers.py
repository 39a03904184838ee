"""Read input tables as analysts receive them: CSV from Excel or accounting systems, `.xlsx`
workbooks, and Statistics Norway's own CSV download.

Every reader returns the table as text with the file's own row numbers (Excel's: a cell with
line breaks stays on one row), so that validation can name the row an analyst sees. What is
normalised is unambiguous (encoding, separator, spaces between thousands, a decimal comma in a
file that uses it, a total row that equals the sum of the rows above, empty columns without a
name) and is logged; anything that could change a number if guessed wrong is reported as a
problem instead. A file that is damaged or not a table stops with one line, and a file with a
bad value on every row gives a screenful of problems, not one line per row (`ProblemLog`).

Messages quote a file's content only through `quote`: short and with control characters shown
as escapes, so a message never echoes a whole line of a file or a terminal escape sequence.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import re
import zipfile
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from evalreport.errors import excerpt

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

PER_KIND = 5  # rows listed for one kind of problem in one column; the rest are counted
PER_FILE = 30  # lines listed for one file: about a screenful
EXCERPT = 40  # characters of a file's content that a message quotes at most
HEAD_BYTES = 1 << 16  # read to recognise a file's kind, encoding, separator and header
CHUNK_BYTES = 1 << 20
SHARED_VALUES = 10_000  # distinct values per column kept as one object each while reading
# A programme's table has hundreds of rows, a statistics table tens of thousands of cells. Files far
# beyond that are refused before they are unpacked or parsed: a 3 MB workbook can unpack to gigabytes.
MAX_FILE_BYTES = 200_000_000
MAX_UNPACKED_BYTES = 100_000_000
MAX_CELLS = 5_000_000
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python's csv and newline="" treat as the end of a line
TEXT = re.compile(r'[^\s;,\t"]')  # a line that holds more than separators and quotes
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not in a text file, except by damage
# A number with a unit around it: "1,8 %", "kr 2 500", "2.5 mill", "2500,-". Only what can be
# removed or written out without a guess; the analyst decides, the reader only says what to remove.
UNIT = re.compile(
    r"^(?P<before>kr\.?|nok)?\s*(?P<number>[-\u2212+]?\d[\d \u00a0\u202f.,]*?)\s*"
    r"(?P<after>%|prosent|pst\.?|kr\.?|kroner|nok|,-|\.-|"
    r"(?P<scale>mnok|mill\.?|millioner|mrd\.?|milliarder|tusen|k)(?:\s*(?:kr\.?|kroner|nok))?)?$",
    re.IGNORECASE)
SIGNATURES = (  # what a file that is not text usually is, by its first bytes
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls), a password-protected workbook or "
                                          "another Office file"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
)
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


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


class ProblemLog:
    """The problems of one file: the first few of each kind in full, the rest counted.

    A kind is a column and a check; a file with a bad value on every row then reads as a
    screenful ("… and 96 058 more rows in column 'granted_nok' with the same problem"), and
    the whole list stops after `limit` lines with the number of problems left out.
    """

    def __init__(self, label: str, per_kind: int = PER_KIND, limit: int = PER_FILE) -> None:
        self.label = label
        self.per_kind = per_kind
        self.limit = limit
        self._listed: dict[Hashable, list[str]] = {}
        self._more: dict[Hashable, int] = {}
        self._columns: dict[Hashable, str | None] = {}

    def __bool__(self) -> bool:
        return bool(self._listed)

    def add(self, message: str, column: str | None = None, kind: Hashable | None = None) -> None:
        """Add one problem; `kind` groups it with problems of the same check in the same column."""
        key = object() if kind is None else (column, kind)
        listed = self._listed.setdefault(key, [])
        self._columns[key] = column
        if len(listed) < self.per_kind:
            listed.append(message)
        else:
            self._more[key] = self._more.get(key, 0) + 1

    def add_count(self, count: int, column: str | None, kind: Hashable) -> None:
        """Count `count` more problems of a kind without writing each of them out."""
        if count > 0:
            key = (column, kind)
            self._listed.setdefault(key, [])
            self._columns[key] = column
            self._more[key] = self._more.get(key, 0) + count

    def lines(self) -> list[str]:
        """The problems as message lines, at most `limit` of them."""
        entries: list[tuple[str, int]] = []  # (line, how many problems it stands for)
        for key, listed in self._listed.items():
            entries += [(line, 1) for line in listed]
            more = self._more.get(key, 0)
            if more:
                column = self._columns[key]
                where = f" in column '{column}'" if column else ""
                entries.append((f"{self.label}: … and {format_count(more)} more {'row' if more == 1 else 'rows'}"
                                f"{where} with the same problem", more))
        if len(entries) <= self.limit:
            return [line for line, _ in entries]
        left_out = sum(n for _, n in entries[self.limit - 1:])
        return [line for line, _ in entries[:self.limit - 1]] + [
            f"{self.label}: … and {format_count(left_out)} more {'problem' if left_out == 1 else 'problems'} "
            "not listed here; correct the ones above and run again"]


def format_count(count: int) -> str:
    """A count as the report writes it: 96 058."""
    return f"{count:,}".replace(",", " ")


def quote(value) -> str:
    """A value from a file as a message shows it: `errors.excerpt` (at most `EXCERPT` characters,
    control characters as escapes such as \\x1b), in quotes if it is text ('2.5 mill')."""
    return f"'{excerpt(value, EXCERPT)}'" if isinstance(value, str) else excerpt(value, EXCERPT)


def advise_on_number(text: str) -> str | None:
    """What to remove from a number written with a unit ("1,8 %", "kr 2 500", "2.5 mill"), or None."""
    match = UNIT.match(text.strip())
    if not match or not (match["before"] or match["after"]):
        return None
    unit = (match["before"] or match["after"]).strip()
    if match["scale"]:
        return f"write the whole amount in kroner, without {unit!r}"
    number = match["number"].strip()
    if unit == "%":
        return f"remove the '%' sign: write {number!r}"
    return f"remove {unit!r}: write {number!r}"


def read_table(path: Path, label: str, layout: Layout, sheet: str | None = None) -> RawTable:
    """Read a CSV or `.xlsx` file as text; problems are collected on the result, not raised."""
    suffix = path.suffix.lower()
    problems = ProblemLog(label)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return RawTable(pd.DataFrame(), [], label, [
            f"{label}: {size / 1e6:,.0f} MB, far more than a table of a programme or of statistics (at most "
            f"{MAX_FILE_BYTES / 1e6:,.0f} MB are read); is it the right file?"])
    if suffix in (".xlsx", ".xlsm"):
        table = _read_excel(path, label, layout, sheet, problems)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(path, label, layout, problems)
    elif suffix == ".xls":
        return RawTable(pd.DataFrame(), [], label, [f"{label}: old Excel format (.xls); save it as .xlsx"])
    else:
        return RawTable(pd.DataFrame(), [], label, [f"{label}: unknown file type '{suffix}'; use .csv or .xlsx"])
    if table is None:
        return RawTable(pd.DataFrame(), [], problems.label, problems.lines())
    if not problems and not table.frame.empty:
        _drop_total_row(table, layout, problems)
        _normalise_values(table, layout, problems)
    table.problems = problems.lines()
    return table


# --- CSV ---------------------------------------------------------------------------------------

def _detect_encoding(path: Path, label: str, problems: ProblemLog) -> tuple[str, str] | None:
    """Return (codec, name) for a text file, or None with a problem for a file that is not text.

    UTF-8 with or without BOM, UTF-16 with BOM or without (Excel's "Unicode text"), else
    Windows-1252. Reads the file once in chunks rather than holding it whole.
    """
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
        kind = _binary_kind(head)
        if kind:
            problems.add(_not_a_csv(label, kind))
            return None
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig", "UTF-8 with BOM"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", "UTF-16"
        utf16 = _utf16_without_bom(head)
        if utf16:
            return utf16, "UTF-16 without BOM"
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8, undefined, position, chunk = True, None, 0, head
        while chunk:
            if b"\0" in chunk:
                nul = position + chunk.index(b"\0")
                problems.add(_not_a_csv(label, f"binary data (a NUL byte at byte {nul})"))
                return None
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if undefined is None and (found := CP1252_UNDEFINED.search(chunk)):
                undefined = position + found.start()
            position += len(chunk)
            chunk = stream.read(CHUNK_BYTES)
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return "utf-8", "UTF-8"
        except UnicodeDecodeError:
            pass
    if undefined is None:
        # Excel's default for CSV on Norwegian Windows. Digits are the same in every one of these
        # encodings, so reading the file this way cannot change a number, only letters.
        return "cp1252", "Windows-1252"
    problems.add(f"{label}: neither UTF-8 nor Windows-1252 (byte {undefined}); save it as UTF-8 (CSV UTF-8 in Excel)")
    return None


def _binary_kind(head: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            if signature == b"PK\x03\x04" and b"xl/" in head:
                return "an Excel workbook (.xlsx)"
            return kind
    return None


def _not_a_csv(label: str, kind: str) -> str:
    if kind.startswith("an Excel workbook"):
        return (f"{label}: the file is {kind}, not a CSV file; give it the ending .xlsx (and the same name "
                "in datasets.yaml), or save it from Excel as CSV UTF-8")
    if kind.startswith("binary data") or kind.startswith("control characters"):
        return (f"{label}: the file looks damaged or is not a CSV file (it holds {kind}); export the table "
                "again as CSV UTF-8, and check that datasets.yaml names the right file")
    return (f"{label}: the file is {kind}, not a CSV file; export the table as CSV UTF-8, and check that "
            "datasets.yaml names the right file")


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' where every other byte is NUL, as in UTF-16 text of Latin letters."""
    sample = head[:4096 - 4096 % 2] if len(head) >= 4096 else head[:len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    for codec, zeros, letters in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if zeros > 0.4 and letters < 0.05:
            try:
                sample.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def _read_csv(path: Path, label: str, layout: Layout, problems: ProblemLog) -> RawTable | None:
    size = path.stat().st_size
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if not head.strip() and size <= HEAD_BYTES:
        problems.add(f"{label}: the file is empty; it needs a header row and data rows")
        return None
    detected = _detect_encoding(path, label, problems)
    if detected is None:
        return None
    codec, encoding = detected
    if encoding != "UTF-8":
        log.info("%s: read as %s", label, encoding)
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head)
    controls = len(CONTROL.findall(text))
    if controls > max(2, len(text) // 50):  # 2 %: random bytes have about 11 %
        problems.add(_not_a_csv(label, f"control characters, {controls} in its first {len(text)} characters"))
        return None
    lines = LINE_BREAK.split(text)
    first = next((i for i, line in enumerate(lines) if TEXT.search(line)), None)
    if first is None:
        problems.add(f"{label}: the file has no text, only separators or spaces; it needs a header row and data rows")
        return None
    title = SSB_TITLE.match(lines[first].lstrip("\ufeff"))
    start = first
    if title:  # SSB's download: a title line, maybe blank lines, then the header
        start = next((i for i in range(first + 1, len(lines)) if TEXT.search(lines[i])), None)
        if start is None:
            problems.add(f"{label}: the SSB download has a title but no table below it; download the table again")
            return None
    delimiter = _sniff_delimiter(lines[start:start + 20])
    if delimiter is None:
        problems.add(f"{label}: could not tell which character separates the columns in the header "
                     f"{quote(lines[start])}; use ';' or ','")
        return None
    del head, text, lines
    with path.open(encoding=codec, errors="strict", newline="") as stream:
        for _ in range(start):
            stream.readline()
        reader = csv.reader(stream, delimiter=delimiter)
        header_row = start + 1
        names = [h.strip().lstrip("\ufeff").strip() for h in next(reader)]
        if not title and not {n.lower() for n in names} & {c.lower() for c in layout.columns}:
            shown = ", ".join(quote(n) for n in names[:8]) + (", …" if len(names) > 8 else "")
            problems.add(f"{label}: row {header_row} should be the header, with the columns "
                         f"{', '.join(layout.columns)}; found {shown}; add or correct the header row")
            return None
        if _check_names(names, label, header_row, problems):
            return None
        return _read_records(reader, names, label, delimiter, header_row, title, layout, problems)


def _read_records(reader, names: list[str], label: str, delimiter: str, header_row: int, title,
                  layout: Layout, problems: ProblemLog) -> RawTable | None:
    """Read the rows below the header into one list per column (rows are never all held twice)."""
    width = len(names)
    while width and not names[width - 1]:
        width -= 1  # Excel writes ';;;' for empty columns to the right of a table
    columns: list[list[str]] = [[] for _ in range(width)]
    shared: list[dict[str, str]] = [{} for _ in range(width)]
    rows: list[int] = []
    number = header_row
    try:
        for number, record in enumerate(reader, start=header_row + 1):
            if not "".join(record).replace("\x1a", "").strip():  # \x1a: old DOS programs' end-of-file mark
                continue
            if len(record) != width:
                extra = record[width:]
                if len(record) > width and not "".join(extra).strip():
                    record = record[:width]
                elif width < len(record) <= len(names):
                    column = next(i for i, cell in enumerate(extra, start=width) if cell.strip())
                    problems.add(f"{label}: row {number}: a value in column {_letter(column)}, which has no name in "
                                 f"the header (found {quote(record[column])}); name the column or remove the value",
                                 kind="unnamed")
                    continue
                elif len(record) < width and ("\n" in record[-1] or "\r" in record[-1]):
                    problems.add(f"{label}: row {number}: a quote (\") on this row is not closed, so the rows below "
                                 "it run into one cell; close the quote or remove it", kind="quote")
                    continue
                else:
                    problems.add(f"{label}: row {number}: expected {width} fields separated by '{delimiter}', "
                                 f"found {len(record)}; quote values that contain '{delimiter}' or remove thousands "
                                 "separators", kind="fields")
                    continue
            for values, seen, cell in zip(columns, shared, record):
                # Share one object per distinct value (years, areas, codes repeat on every row).
                if len(seen) < SHARED_VALUES:
                    cell = seen.setdefault(cell, cell)
                values.append(cell)
            rows.append(number)
    except csv.Error as exc:  # a quote that is never closed swallows the rest of the file into one cell
        problems.add(f"{label}: row {number + 1}: {excerpt(exc, 80)}; most likely a quote (\") on this "
                     "row or below it is not closed; check the quotes from this row on")
    except UnicodeDecodeError as exc:
        problems.add(f"{label}: after row {number}, bytes that are not text in the file's encoding "
                     f"({excerpt(exc.reason, 80)}); the file looks damaged: export the table again as CSV UTF-8")
    if problems:
        return None
    trailing = [_letter(i) for i in range(width, len(names))]
    frame = _frame_from_columns(names[:width], columns, rows, label, header_row, problems, trailing)
    if frame is None:
        return None
    table = RawTable(frame, rows, label)
    if title:
        _from_ssb_download(table, layout, title.group(1), problems)
    table.frame.attrs["decimal"] = _decimal_mark(table, layout, delimiter, problems)
    return table


def _check_names(names: list[str], label: str, header_row: int, problems: ProblemLog) -> bool:
    """Report column names that occur more than once in the header; True if there are any."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name:
            positions.setdefault(name.lower(), []).append(i)
    repeated = [where for where in positions.values() if len(where) > 1]
    for where in repeated:
        problems.add(f"{label}: row {header_row}: the column name {quote(names[where[0]])} occurs "
                     f"{len(where)} times in the header (columns {_join_and([_letter(i) for i in where])}); "
                     "keep one of them or give each its own name")
    return bool(repeated)


def _frame_from_columns(names: list[str], columns: list[list], rows: list[int], label: str, header_row: int,
                        problems: ProblemLog, dropped_before: list[str] = ()) -> pd.DataFrame | None:
    """Make the frame; columns without a name are dropped if empty and a problem if not."""
    keep, dropped, unnamed = [], [], False
    for i, (name, values) in enumerate(zip(names, columns)):
        if name:
            keep.append(i)
            continue
        filled = next((j for j, v in enumerate(values) if v is not None and str(v).strip()), None)
        if filled is None:
            dropped.append(_letter(i))
        else:
            unnamed = True
            problems.add(f"{label}: column {_letter(i)} has no name in the header (row {header_row}) but has "
                         f"values (row {rows[filled]}: found {quote(values[filled])}); give the column a name "
                         "or delete it")
    if unnamed:
        return None
    dropped += dropped_before
    if dropped:
        log.info("%s: ignored %d empty column(s) without a name (%s)", label, len(dropped), ", ".join(dropped))
    frame = pd.DataFrame({names[i]: pd.Series(columns[i], dtype=object) for i in keep}, dtype=object)
    for i in keep:
        columns[i] = []  # the frame holds the values now; let the lists go
    return frame


def _join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _letter(index: int) -> str:
    """Excel's name of the column at a 0-based index: A, B, ..., Z, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _sniff_delimiter(lines: list[str]) -> str | None:
    counts = {d: lines[0].count(d) for d in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        return None
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";\t,").delimiter
    except csv.Error:
        return best


def _decimal_mark(table: RawTable, layout: Layout, delimiter: str, problems: ProblemLog) -> str | None:
    """',' or '.', from the separator and the values; None where the file mixes both."""
    comma = point = False
    for column in layout.decimal_columns:
        if column in table.frame:
            values = table.frame[column].dropna().astype(str).str.strip()
            comma = comma or bool(values.str.match(DECIMAL_COMMA).any())
            point = point or bool(values.str.match(DECIMAL_POINT).any())
    if comma and point:
        problems.add(f"{table.label}: the file mixes decimal comma and decimal point in "
                     f"{', '.join(layout.decimal_columns)}; use one of them throughout")
        return None
    if comma or (delimiter == ";" and not point):
        return ","
    return "."


def _from_ssb_download(table: RawTable, layout: Layout, table_id: str, problems: ProblemLog) -> None:
    """Turn SSB's CSV download (region "3443 Vestre Toten", year, value) into the report's columns.

    SSB writes either one column per year ("Personer 2017"; wide) or a year column ("år"; long).
    """
    frame = table.frame
    region_column = next((c for c in frame.columns if c.lower() in ("region", "kommune", "fylke")), frame.columns[0])
    year_column = next((c for c in frame.columns if c.lower() in ("år", "tid", "year")), None)
    if year_column is None:
        year_columns = {c: re.search(r"(\d{4})$", c.strip()) for c in frame.columns if c != region_column}
        if not all(year_columns.values()):
            problems.add(f"{table.label}: an SSB download should have a region column and a year column, "
                         f"or one column per year; found {[quote(c) for c in frame.columns]}")
            return
        long = frame.melt(id_vars=[region_column], var_name="year", value_name="value", ignore_index=False)
        long["year"] = long["year"].map(lambda c: year_columns[c].group(1))
        table.rows = [table.rows[i] for i in long.index]
    else:
        value_columns = [c for c in frame.columns if c not in (region_column, year_column)]
        if len(value_columns) != 1:
            problems.add(f"{table.label}: expected one value column in the SSB download, "
                         f"found {[quote(c) for c in value_columns]}")
            return
        long = frame.rename(columns={year_column: "year", value_columns[0]: "value"})
    long = long.reset_index(drop=True)
    parsed = long[region_column].astype(str).str.strip().str.extract(SSB_REGION)
    for i in parsed.index[parsed[0].isna()]:
        problems.add(f"{table.label}: row {table.rows[i]}: expected a region like '3443 Vestre Toten', "
                     f"found {quote(long.at[i, region_column])}", column=region_column, kind="region")
    missing = long["value"].astype(str).str.strip().isin(MISSING_SYMBOLS)
    for i in long.index[missing]:
        problems.add(f"{table.label}: row {table.rows[i]}: SSB marks the value for {long.at[i, 'year']} "
                     f"as missing ({quote(long.at[i, 'value'])}); choose other years or fill it from another source",
                     column="value", kind="missing")
    table.frame = pd.DataFrame({
        "region_code": parsed[0], "region_name": parsed[1], "year": long["year"],
        layout.value_column or "value": long["value"],
        "status": "published", "source_url": f"https://www.ssb.no/statbank/table/{table_id}",
    })


# --- Excel -------------------------------------------------------------------------------------

def _read_excel(path: Path, label: str, layout: Layout, sheet: str | None, problems: ProblemLog) -> RawTable | None:
    with path.open("rb") as stream:
        head = stream.read(4096)
    if not head.startswith(b"PK\x03\x04"):
        kind = _binary_kind(head)
        if kind and "password" in kind:
            problems.add(f"{label}: not an .xlsx workbook: it is {kind}; remove the password, or save it "
                         "from Excel as .xlsx (Excel Workbook)")
        elif not kind and head and b"\0" not in head:
            problems.add(f"{label}: the file holds text, not an .xlsx workbook; if it is a CSV file, "
                         "give it the ending .csv (and the same name in datasets.yaml)")
        else:
            problems.add(f"{label}: not an .xlsx workbook{f' (it is {kind})' if kind else ''}; save it "
                         "again from Excel as .xlsx")
        return None
    if not _workbook_of_sensible_size(path, label, sheet, problems):
        return None
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same advice
        problems.add(f"{label}: not a readable .xlsx workbook ({excerpt(exc, 80)}); save it again from Excel")
        return None
    if sheet is not None and sheet not in workbook.sheetnames:
        problems.add(f"{label}: no sheet '{excerpt(sheet)}'; the workbook has {workbook.sheetnames}")
        return None
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    label = problems.label = f"{label}, sheet '{excerpt(worksheet.title)}'"
    cells = [list(row) for row in worksheet.iter_rows(values_only=True)]
    if _report_formulas_without_values(path, worksheet.title, cells, label, problems):
        return None
    wanted = {c.lower() for c in layout.columns}
    header_row = _find_header(cells, wanted)
    if header_row is None:
        other = next((s.title for s in workbook.worksheets if s.title != worksheet.title
                      and _find_header([list(r) for r in s.iter_rows(max_row=10, values_only=True)], wanted)
                      is not None), None)
        hint = ""
        if other is not None:
            hint = (f"; the data seem to be on sheet '{excerpt(other)}': set `sheet: {excerpt(other)}` for this "
                    f"dataset in datasets.yaml (the workbook has the sheets {workbook.sheetnames})")
        if not any(any(v is not None for v in row) for row in cells):
            problems.add(f"{label}: the sheet is empty{hint}")
            return None
        first = next(i for i, row in enumerate(cells) if any(v is not None for v in row))
        found = [quote(str(v)) for v in cells[first] if v is not None]
        merged = [str(r) for r in worksheet.merged_cells.ranges if r.min_row <= first + 2]
        if merged and not hint:
            hint = (f"; the header has merged cells ({', '.join(merged)}): unmerge them and give each column "
                    "a name of its own in one row")
        missing = sorted(wanted - {str(v).strip().lower() for v in cells[first] if v is not None})
        problems.add(f"{label}: no header row with the columns {layout.columns}; row {first + 1} has "
                     f"[{', '.join(found)}], missing {missing}{hint}")
        return None
    header = [str(v).strip() if v is not None else "" for v in cells[header_row]]
    header = [h.lower() if h.lower() in wanted else h for h in header]
    if _check_names(header, label, header_row + 1, problems):
        return None
    body, rows = [], []
    for i in range(header_row + 1, len(cells)):
        row = cells[i]
        if not any(v is not None and str(v).strip() for v in row):
            continue
        body.append([_excel_text(v) for v in row[:len(header)]])
        rows.append(i + 1)
    if _report_hidden(worksheet, header, header_row, rows, body, label, problems):
        return None
    columns = [[row[j] for row in body] for j in range(len(header))]
    del body
    frame = _frame_from_columns(header, columns, rows, label, header_row + 1, problems)
    if frame is None:
        return None
    frame.attrs["decimal"] = "."  # numbers in cells carry no separators; text cells are normalised below
    return RawTable(frame, rows, label)


def _workbook_of_sensible_size(path: Path, label: str, sheet: str | None, problems: ProblemLog) -> bool:
    """Whether the workbook unpacks to a sensible size and its sheet holds a sensible number of cells;
    a problem saying which limit it passes otherwise. Looks only at the zip's directory and the
    sheet's stated dimension, so a zip bomb is never unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(f"{label}: not a readable .xlsx workbook ({excerpt(exc, 80)}); save it again from Excel")
        return False
    if unpacked > MAX_UNPACKED_BYTES:
        problems.add(f"{label}: the workbook unpacks to {unpacked / 1e6:,.0f} MB, more than the "
                     f"{MAX_UNPACKED_BYTES / 1e6:,.0f} MB a table of data needs (a damaged or hostile file?); "
                     "copy the table alone into a new workbook or save it as CSV")
        return False
    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            worksheet = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.worksheets[0]
            rows, columns = worksheet.max_row or 0, worksheet.max_column or 0
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - the full read that follows names the problem
        return True
    if rows * columns > MAX_CELLS:
        problems.add(f"{label}: the sheet spans {format_count(rows)} rows and {format_count(columns)} columns, more "
                     f"than the {format_count(MAX_CELLS)} cells a table of data needs; copy the table alone into a "
                     "new workbook")
        return False
    return True


def _find_header(cells: list[list], wanted: set[str]) -> int | None:
    """The index of the first of the top ten rows that holds every wanted column name."""
    for i, row in enumerate(cells[:10]):
        if wanted <= {str(v).strip().lower() for v in row if v is not None}:
            return i
    return None


def _report_formulas_without_values(path: Path, title: str, cells: list[list], label: str,
                                    problems: ProblemLog) -> bool:
    """Report cells with a formula but no saved value; True if there are any.

    A workbook written by a program (not by Excel) stores formulas without their results, and
    reading it gives empty cells where the numbers should be.
    """
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        missing = [cell.coordinate for row in workbook[title].iter_rows() for cell in row
                   if getattr(cell, "data_type", None) == "f" and _cell(cells, cell.row, cell.column) is None]
    finally:
        workbook.close()
    if missing:
        shown = _join_and(missing[:5] + ([f"{format_count(len(missing) - 5)} more"] if len(missing) > 5 else []))
        what = ("cell {} holds a formula without a saved value, so its value" if len(missing) == 1
                else "cells {} hold formulas without saved values, so their values").format(shown)
        problems.add(f"{label}: {what} cannot be read (the workbook was written by a program and never saved by "
                     "Excel); open the workbook in Excel or LibreOffice and save it, so that the values are stored")
    return bool(missing)


def _cell(cells: list[list], row: int, column: int):
    """The value at Excel's 1-based row and column, None outside the sheet."""
    if row <= len(cells) and column <= len(cells[row - 1]):
        return cells[row - 1][column - 1]
    return None


def _report_hidden(worksheet, header: list[str], header_row: int, rows: list[int], body: list[list], label: str,
                   problems: ProblemLog) -> bool:
    """Report hidden (or filtered out) rows and hidden columns that hold data; True if there are any.

    Hidden rows are usually data left out on purpose; reading them would change a sum the
    analyst checked against the sheet on screen.
    """
    hidden = {r for r, dimension in worksheet.row_dimensions.items() if dimension.hidden}
    hidden_rows = [r for r in rows if r in hidden]
    if hidden_rows:
        shown = _join_and([str(r) for r in hidden_rows[:10]]
                          + ([f"{format_count(len(hidden_rows) - 10)} more"] if len(hidden_rows) > 10 else []))
        problems.add(f"{label}: {'row' if len(hidden_rows) == 1 else 'rows'} {shown} "
                     f"{'is' if len(hidden_rows) == 1 else 'are'} hidden or filtered out in Excel, but would be "
                     "read with the others; delete them if they do not belong in the data, or unhide them "
                     "(and clear the filter) if they do")
    hidden_columns = set()
    for dimension in worksheet.column_dimensions.values():
        if dimension.hidden and dimension.min:
            hidden_columns.update(range(dimension.min - 1, (dimension.max or dimension.min)))
    reported = 0
    for j in sorted(c for c in hidden_columns if c < len(header)):
        if header[j] or any(row[j] is not None for row in body):
            reported += 1
            name = f"'{excerpt(header[j])}' ({_letter(j)})" if header[j] else _letter(j)
            problems.add(f"{label}: column {name} is hidden in Excel, but would be read with the others; "
                         "unhide it and check its values, or delete it if it does not belong in the data")
    return bool(hidden_rows) or bool(reported)


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

def _drop_total_row(table: RawTable, layout: Layout, problems: ProblemLog) -> None:
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
        problems.add(f"{table.label}: row {table.rows[-1]} is labelled as a total but is not the sum of "
                     "the rows above; remove it (the report computes its own totals)")


def _normalise_values(table: RawTable, layout: Layout, problems: ProblemLog) -> None:
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
                    problems.add(f"{table.label}: column '{column}', row {table.rows[i]}: found {quote(text)} in "
                                 "a file that writes decimals with a comma; write it with a comma",
                                 column=column, kind="decimal point")
            if text is not None and column in YEAR_COLUMNS and DATE_TEXT.match(text):
                problems.add(f"{table.label}: column '{column}', row {table.rows[i]}: expected a year such "
                             f"as 2015, found a date {quote(text)}; write the year only", column=column, kind="date")
            cleaned.append(text)
        frame[column] = pd.Series(cleaned, index=frame.index, dtype=object)
