"""Careless, damaged and huge input files: each stops with a short message that names the file,
the column and the row and says what to do, or is read correctly; never a traceback, never a
megabyte of problems, never a whole line of the file echoed back (issue 10).

The tests read files as `load_case` does (read, then validate with a schema) on small schemas
written here, so that they do not depend on the report's datasets. Every expected message and
count is worked out from the file the test writes.
"""

from __future__ import annotations

import logging
import random
import zipfile
from pathlib import Path

import openpyxl
import pandera.pandas as pa
import pytest
from openpyxl.styles import Font
from pandera.errors import SchemaErrors

from evalreport.datasets import _describe_failures
from evalreport.readers import Layout, read_table

FUNDING = Layout(["year", "source", "amount_nok"], integer_columns=("year", "amount_nok"))
FUNDING_SCHEMA = pa.DataFrameSchema(
    {"year": pa.Column(int, coerce=True),
     "source": pa.Column(str, coerce=True),
     "amount_nok": pa.Column(int, pa.Check.ge(0, error="must be zero or more"), coerce=True)},
    strict=True)
RATES = Layout(["year", "unemployed_pct"], integer_columns=("year",), decimal_columns=("unemployed_pct",))
RATES_SCHEMA = pa.DataFrameSchema(
    {"year": pa.Column(int, coerce=True), "unemployed_pct": pa.Column(float, coerce=True)}, strict=True)
WHOLE_NUMBER = "expected a whole number, without spaces, units or thousands separators"


def problems_of(path: Path, layout: Layout = FUNDING, schema: pa.DataFrameSchema = FUNDING_SCHEMA,
                sheet: str | None = None) -> list[str]:
    """The problem lines `load_case` would report for this one file."""
    table = read_table(path, path.name, layout, sheet)
    if table.problems:
        return table.problems
    try:
        schema.validate(table.frame, lazy=True)
    except SchemaErrors as exc:
        return _describe_failures(table, exc)
    return []


def write_workbook(path: Path, rows: list[list], sheet: str = "Ark1") -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return workbook


# --- 1. empty columns without a name -------------------------------------------------------------

def test_trailing_empty_columns_of_an_excel_export_are_dropped_with_a_note(tmp_path, caplog):
    path = tmp_path / "funding.csv"  # Excel's export of A1:F3 when the table fills A:C
    path.write_text("year;source;amount_nok;;;\n2011;kommunen;100;;;\n2012;kommunen;200;;;\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="evalreport.readers"):
        table = read_table(path, "funding.csv", FUNDING)
    assert table.problems == []
    assert list(table.frame.columns) == ["year", "source", "amount_nok"]
    assert table.frame["amount_nok"].tolist() == ["100", "200"]
    assert table.rows == [2, 3]
    assert "funding.csv: ignored 3 empty column(s) without a name (D, E, F)" in caplog.text


def test_trailing_empty_columns_of_a_workbook_are_dropped_with_a_note(tmp_path, caplog):
    path = tmp_path / "funding.xlsx"
    workbook = write_workbook(path, [["year", "source", "amount_nok"], [2011, "kommunen", 100]])
    for column in (4, 5, 6):  # formatted but empty cells widen the sheet to column F
        workbook.active.cell(row=2, column=column).font = Font(bold=True)
    workbook.save(path)
    with caplog.at_level(logging.INFO, logger="evalreport.readers"):
        table = read_table(path, "funding.xlsx", FUNDING)
    assert table.problems == []
    assert list(table.frame.columns) == ["year", "source", "amount_nok"]
    assert "funding.xlsx, sheet 'Ark1': ignored 3 empty column(s) without a name (D, E, F)" in caplog.text


def test_values_in_a_workbook_column_without_a_name_are_a_problem(tmp_path):
    path = tmp_path / "funding.xlsx"
    write_workbook(path, [["year", "source", "amount_nok", None], [2011, "kommunen", 100, None],
                          [2012, "kommunen", 200, "sjekk"]])
    assert problems_of(path) == [
        "funding.xlsx, sheet 'Ark1': column D has no name in the header (row 1) but has values (row 3: found "
        "'sjekk'); give the column a name or delete it"]


def test_an_empty_column_without_a_name_in_the_middle_is_dropped(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year;;source;amount_nok\n2011;;kommunen;100\n", encoding="utf-8")
    table = read_table(path, "funding.csv", FUNDING)
    assert table.problems == []
    assert list(table.frame.columns) == ["year", "source", "amount_nok"]


def test_values_in_a_column_without_a_name_in_the_middle_are_a_problem(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year;;source;amount_nok\n2011;;kommunen;100\n2012;x;kommunen;200\n", encoding="utf-8")
    assert problems_of(path) == [
        "funding.csv: column B has no name in the header (row 1) but has values (row 3: found 'x'); give the "
        "column a name or delete it"]


def test_a_value_beyond_the_named_columns_is_a_problem(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year;source;amount_nok;;\n2011;kommunen;100;;\n2012;kommunen;200;;merknad\n", encoding="utf-8")
    assert problems_of(path) == [
        "funding.csv: row 3: a value in column E, which has no name in the header (found 'merknad'); name the "
        "column or remove the value"]


def test_a_column_name_twice_in_the_header(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year;source;amount_nok;Year\n2011;kommunen;100;2011\n", encoding="utf-8")
    assert problems_of(path) == [
        "funding.csv: row 1: the column name 'year' occurs 2 times in the header (columns A and D); keep one of "
        "them or give each its own name"]


def test_a_header_of_spaces_only(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("   ;  ;  \n2011;kommunen;100\n", encoding="utf-8")
    assert problems_of(path) == [
        "funding.csv: row 2 should be the header, with the columns year, source, amount_nok; found '2011', "
        "'kommunen', '100'; add or correct the header row"]


def test_a_header_without_rows_is_read_as_an_empty_table(tmp_path):
    # load_case then reports "<file>: the file has no data rows" (tests/test_bad_input.py style).
    path = tmp_path / "funding.csv"
    path.write_text("year,source,amount_nok\n", encoding="utf-8")
    table = read_table(path, "funding.csv", FUNDING)
    assert table.problems == []
    assert table.frame.empty and list(table.frame.columns) == ["year", "source", "amount_nok"]


def test_a_cell_with_line_breaks_keeps_its_text_and_the_rows_keep_excels_numbers(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text('year,source,amount_nok\n2011,"kommunen\n(vedtak 12/2011)",100\n2012,kommunen,-5\n',
                    encoding="utf-8")
    table = read_table(path, "funding.csv", FUNDING)
    assert table.frame["source"].tolist() == ["kommunen\n(vedtak 12/2011)", "kommunen"]
    assert table.rows == [2, 3]  # Excel shows the cell with a line break on one row, row 2
    assert problems_of(path) == ["funding.csv: column 'amount_nok', row 3: must be zero or more (found -5)"]


def test_old_mac_line_endings(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_bytes(b"year,source,amount_nok\r2011,kommunen,100\r2012,fylket,200\r")
    table = read_table(path, "funding.csv", FUNDING)
    assert table.problems == []
    assert table.frame.values.tolist() == [["2011", "kommunen", "100"], ["2012", "fylket", "200"]]
    assert table.rows == [2, 3]


def test_a_quote_that_is_not_closed(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text('year,source,amount_nok\n2011,"kommunen,100\n2012,kommunen,200\n', encoding="utf-8")
    assert problems_of(path) == [
        'funding.csv: row 2: a quote (") on this row is not closed, so the rows below it run into one cell; close '
        "the quote or remove it"]


def test_an_end_of_file_mark_of_old_dos_programs_is_ignored(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_bytes(b"year,source,amount_nok\r\n2011,kommunen,100\r\n\x1a")
    table = read_table(path, "funding.csv", FUNDING)
    assert table.problems == []
    assert table.frame.values.tolist() == [["2011", "kommunen", "100"]]


# --- 2. units and signs in numbers ---------------------------------------------------------------

def test_a_percent_sign_in_a_decimal_column_says_to_remove_it_not_to_use_a_point(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("year;unemployed_pct\n2015;2,1\n2016;1,8 %\n", encoding="utf-8")
    problems = problems_of(path, RATES, RATES_SCHEMA)
    assert problems == [
        "rates.csv: column 'unemployed_pct', row 3: expected a number such as 1,8 or 1.8, without units or a % "
        "sign (found '1,8 %'); remove the '%' sign: write '1,8'"]
    assert "decimal point" not in problems[0]


@pytest.mark.parametrize(("amount", "advice"), [
    ("2 500 000 kr", "remove 'kr': write '2 500 000'"),
    ("NOK 1200", "remove 'NOK': write '1200'"),
    ("1200,-", "remove ',-': write '1200'"),
    ("2,5 mill.", "write the whole amount in kroner, without 'mill.'"),
    ("3 MNOK", "write the whole amount in kroner, without 'MNOK'"),
])
def test_a_unit_in_an_amount_says_what_to_remove(tmp_path, amount, advice):
    path = tmp_path / "funding.csv"
    path.write_text(f"year;source;amount_nok\n2011;kommunen;{amount}\n", encoding="utf-8")
    assert problems_of(path) == [
        f"funding.csv: column 'amount_nok', row 2: {WHOLE_NUMBER} (found '{amount}'); {advice}"]


def test_text_that_is_no_number_with_a_unit_gets_no_advice(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year;source;amount_nok\n2011;kommunen;se vedlegg\n", encoding="utf-8")
    assert problems_of(path) == [f"funding.csv: column 'amount_nok', row 2: {WHOLE_NUMBER} (found 'se vedlegg')"]


def test_a_check_across_columns_waits_for_values_that_could_not_be_read(tmp_path):
    # With '1 kr' unreadable the check cannot compare the columns at all; row 4 (5 > 1) is found
    # once the value is corrected.
    layout = Layout(["paid", "granted"], integer_columns=("paid", "granted"))
    schema = pa.DataFrameSchema(
        {"paid": pa.Column(int, coerce=True), "granted": pa.Column(int, coerce=True)},
        checks=[pa.Check(lambda df: df["paid"] <= df["granted"], error="paid must not exceed granted")])
    path = tmp_path / "projects.csv"
    path.write_text("paid,granted\n1 kr,3\n2,4\n5,1\n", encoding="utf-8")
    assert problems_of(path, layout, schema) == [
        f"projects.csv: column 'paid', row 2: {WHOLE_NUMBER} (found '1 kr'); remove 'kr': write '1'"]
    path.write_text("paid,granted\n1,3\n2,4\n5,1\n", encoding="utf-8")
    assert problems_of(path, layout, schema) == ["projects.csv: row 4: paid must not exceed granted"]


# --- 3. formulas without saved values ------------------------------------------------------------

def test_formulas_without_saved_values(tmp_path):
    path = tmp_path / "funding.xlsx"  # openpyxl, like any program, stores the formula but not its result
    write_workbook(path, [["year", "source", "amount_nok"], [2011, "kommunen", "=50*2"], [2012, "kommunen", 200]])
    assert problems_of(path) == [
        "funding.xlsx, sheet 'Ark1': cell C2 holds a formula without a saved value, so its value cannot be read "
        "(the workbook was written by a program and never saved by Excel); open the workbook in Excel or "
        "LibreOffice and save it, so that the values are stored"]


def test_formulas_with_saved_values_are_read_as_their_values(tmp_path):
    written = tmp_path / "written.xlsx"
    write_workbook(written, [["year", "source", "amount_nok"], [2011, "kommunen", "=50*2"]])
    path = tmp_path / "funding.xlsx"  # what Excel stores on saving: the formula and its result, 100
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>50*2</f><v></v>" in data
                data = data.replace(b"<f>50*2</f><v></v>", b"<f>50*2</f><v>100</v>")
            target.writestr(item, data)
    table = read_table(path, "funding.xlsx", FUNDING)
    assert table.problems == []
    assert table.frame["amount_nok"].tolist() == ["100"]


# --- 4. hidden rows and columns ------------------------------------------------------------------

def test_hidden_rows_are_a_problem(tmp_path):
    path = tmp_path / "funding.xlsx"
    workbook = write_workbook(path, [["year", "source", "amount_nok"]] + [[2011 + i, "kommunen", 100] for i in range(4)])
    workbook.active.row_dimensions[3].hidden = True
    workbook.active.row_dimensions[5].hidden = True
    workbook.save(path)
    assert problems_of(path) == [
        "funding.xlsx, sheet 'Ark1': rows 3 and 5 are hidden or filtered out in Excel, but would be read with the "
        "others; delete them if they do not belong in the data, or unhide them (and clear the filter) if they do"]


def test_a_hidden_column_is_a_problem(tmp_path):
    path = tmp_path / "funding.xlsx"
    workbook = write_workbook(path, [["year", "source", "amount_nok"], [2011, "kommunen", 100]])
    workbook.active.column_dimensions["C"].hidden = True
    workbook.save(path)
    assert problems_of(path) == [
        "funding.xlsx, sheet 'Ark1': column 'amount_nok' (C) is hidden in Excel, but would be read with the "
        "others; unhide it and check its values, or delete it if it does not belong in the data"]


# --- 5. data on another sheet --------------------------------------------------------------------

def test_data_on_another_sheet_names_that_sheet(tmp_path):
    path = tmp_path / "funding.xlsx"
    workbook = write_workbook(path, [["Finansiering av omstillingsprogrammet"]], sheet="Forside")
    data = workbook.create_sheet("Regnskap")
    for row in [["year", "source", "amount_nok"], [2011, "kommunen", 100]]:
        data.append(row)
    workbook.save(path)
    assert problems_of(path) == [
        "funding.xlsx, sheet 'Forside': no header row with the columns ['year', 'source', 'amount_nok']; row 1 "
        "has ['Finansiering av omstillingsprogrammet'], missing ['amount_nok', 'source', 'year']; the data seem "
        "to be on sheet 'Regnskap': set `sheet: Regnskap` for this dataset in datasets.yaml (the workbook has "
        "the sheets ['Forside', 'Regnskap'])"]
    assert problems_of(path, sheet="Regnskap") == []


# --- 6. files that are not text ------------------------------------------------------------------

def test_binary_junk_gives_one_line(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_bytes(random.Random(10).randbytes(70_000))
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].startswith("funding.csv: the file looks damaged or is not a CSV file (it holds binary data")
    assert problems[0].endswith("export the table again as CSV UTF-8, and check that datasets.yaml names the right file")


def test_binary_junk_that_decodes_as_windows_1252_gives_one_line(tmp_path):
    # Without NUL bytes and without the five bytes Windows-1252 leaves undefined, any bytes decode.
    undefined = {0x00, 0x81, 0x8D, 0x8F, 0x90, 0x9D}
    junk = bytes(b for b in random.Random(10).randbytes(70_000) if b not in undefined)
    path = tmp_path / "funding.csv"
    path.write_bytes(junk)
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].startswith("funding.csv: the file looks damaged or is not a CSV file (it holds control "
                                  "characters")


def test_a_workbook_named_csv(tmp_path):
    path = tmp_path / "funding.csv"
    write_workbook(path, [["year", "source", "amount_nok"], [2011, "kommunen", 100]])
    assert problems_of(path) == [
        "funding.csv: the file is an Excel workbook (.xlsx), not a CSV file; give it the ending .xlsx (and the "
        "same name in datasets.yaml), or save it from Excel as CSV UTF-8"]


def test_a_pdf_named_csv(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert problems_of(path) == [
        "funding.csv: the file is a PDF document, not a CSV file; export the table as CSV UTF-8, and check that "
        "datasets.yaml names the right file"]


# --- 7. UTF-16 without a byte order mark -----------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_with_its_letters(tmp_path, codec):
    path = tmp_path / "funding.csv"
    path.write_bytes("year\tsource\tamount_nok\r\n2011\tFylkeskommunen i Innlandet, område nord\t100\r\n".encode(codec))
    table = read_table(path, "funding.csv", FUNDING)
    assert table.problems == []
    assert table.frame.values.tolist() == [["2011", "Fylkeskommunen i Innlandet, område nord", "100"]]


# --- 8. huge files: a screenful of problems ------------------------------------------------------

def test_the_same_problem_on_every_row_lists_five_rows_and_counts_the_rest(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year;source;amount_nok\n" + "2011;kommunen;100 kr\n" * 1000, encoding="utf-8")
    problems = problems_of(path)
    assert problems == [
        f"funding.csv: column 'amount_nok', row {row}: {WHOLE_NUMBER} (found '100 kr'); remove 'kr': write '100'"
        for row in range(2, 7)] + ["funding.csv: … and 995 more rows in column 'amount_nok' with the same problem"]


def test_rows_with_too_many_fields_list_five_and_count_the_rest(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year,source,amount_nok\n" + "2011,kommunen,2,500,000\n" * 100, encoding="utf-8")
    problems = problems_of(path)
    assert problems[:5] == [
        f"funding.csv: row {row}: expected 3 fields separated by ',', found 5; quote values that contain ',' or "
        "remove thousands separators" for row in range(2, 7)]
    assert problems[5:] == ["funding.csv: … and 95 more rows with the same problem"]


def test_a_file_stops_listing_after_a_screenful(tmp_path):
    # Ten columns, each wrong on 20 rows: per column 5 rows and a count of 15; the list stops at 30
    # lines: columns c1-c4 (24 lines), c5's five rows, and one line for the rest: c5's other 15 rows
    # and 20 rows in each of c6-c10, 15 + 5 * 20 = 115.
    names = [f"c{i}" for i in range(1, 11)]
    layout = Layout(names, integer_columns=tuple(names))
    schema = pa.DataFrameSchema({name: pa.Column(int, coerce=True) for name in names}, strict=True)
    path = tmp_path / "wide.csv"
    path.write_text(";".join(names) + "\n" + (";".join(["x"] * 10) + "\n") * 20, encoding="utf-8")
    problems = problems_of(path, layout, schema)
    assert len(problems) == 30
    assert problems[23] == "wide.csv: … and 15 more rows in column 'c4' with the same problem"
    assert problems[28] == f"wide.csv: column 'c5', row 6: {WHOLE_NUMBER} (found 'x')"
    assert problems[29] == "wide.csv: … and 115 more problems not listed here; correct the ones above and run again"


# --- 9. what a message may quote of a file -------------------------------------------------------

def test_a_secret_in_a_header_cell_is_named_but_cut(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year,source,amount_nok,SECRET_TOKEN=abcdefghijklmnopqrstuvwxyz0123456789\n"
                    "2011,kommunen,100,\n", encoding="utf-8")
    problems = problems_of(path)
    # 39 characters of the name and an ellipsis: 'SECRET_TOKEN=' (13) and a-z (26).
    assert problems == ["funding.csv: unexpected column 'SECRET_TOKEN=abcdefghijklmnopqrstuvwxyz…': remove or rename it"]


def test_terminal_escapes_are_shown_not_sent(tmp_path):
    path = tmp_path / "funding.csv"
    path.write_text("year,source,amount_nok,\x1b[2Jnotat\n2011,kommunen,\x1b[31m100,\n", encoding="utf-8")
    problems = problems_of(path)
    assert not any("\x1b" in line for line in problems)
    assert "funding.csv: unexpected column '\\x1b[2Jnotat': remove or rename it" in problems
    assert f"funding.csv: column 'amount_nok', row 2: {WHOLE_NUMBER} (found '\\x1b[31m100')" in problems
