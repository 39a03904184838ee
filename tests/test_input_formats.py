"""Inputs in the formats analysts receive: accepted where the reading is unambiguous (the
report's figures do not change), rejected with file, sheet, row, column and what to do where not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from evalreport.datasets import DatasetError
from support import load_case

CONFIG = "reports/vestre_toten.yaml"
CASE = Path("data/vestre_toten")


def use_file(project: Path, dataset: str, file: str, sheet: str | None = None) -> None:
    """Point the dataset's provenance record at another file (and sheet)."""
    path = project / CASE / "datasets.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records[dataset]["file"] = file
    if sheet:
        records[dataset]["sheet"] = sheet
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_workbook(path: Path, rows: list[list], sheet: str = "Ark1", merge: str | None = None) -> None:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    if merge:
        worksheet.merge_cells(merge)
    workbook.save(path)


def funding_rows(project: Path) -> list[list]:
    frame = pd.read_csv(project / CASE / "funding.csv")
    return [list(frame.columns)] + frame.values.tolist()


def load(project: Path):
    return load_case(CONFIG)


def problems(project: Path) -> str:
    with pytest.raises(DatasetError) as caught:
        load(project)
    return str(caught.value)


# --- accepted, figures unchanged -----------------------------------------------------------------

def test_funding_from_a_workbook(project):
    write_workbook(project / CASE / "funding.xlsx", [["Finansiering 2011-2017"], []] + funding_rows(project))
    use_file(project, "funding", "funding.xlsx")
    funding = load(project).funding
    assert funding["amount_nok"].sum() == 22_000_000  # published total
    assert len(funding) == 21  # 7 years x 3 sources


def test_workbook_total_row_equal_to_the_sum_is_ignored(project):
    rows = funding_rows(project)
    write_workbook(project / CASE / "funding.xlsx", rows + [["Sum", None, 22_000_000]])
    use_file(project, "funding", "funding.xlsx")
    assert load(project).funding["amount_nok"].sum() == 22_000_000


def test_semicolon_csv_with_decimal_comma_and_bom(project):
    frame = pd.read_csv(project / CASE / "unemployment.csv", dtype=str, keep_default_na=False)
    frame["unemployed_pct"] = frame["unemployed_pct"].str.replace(".", ",", regex=False)
    text = frame.to_csv(sep=";", index=False)
    (project / CASE / "unemployment.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    unemployment = load(project).unemployment
    row = unemployment[(unemployment["region_code"] == "05") & (unemployment["year"] == 2015)].iloc[0]
    assert row["unemployed_pct"] == pytest.approx(1.9)  # published: Oppland, September 2015


def test_windows_1252_file_is_read_with_its_letters(project):
    path = project / CASE / "projects.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    names = load(project).projects["name"]
    assert "Forskning på slagbehandling ved Steffensrud rehabiliteringssenter" in set(names)


def test_spaces_between_thousands_are_accepted(project):
    path = project / CASE / "funding.csv"
    frame = pd.read_csv(path, dtype=str)
    frame["amount_nok"] = frame["amount_nok"].map(lambda v: f"{int(v):,}".replace(",", "\u00a0"))
    frame.to_csv(path, sep=";", index=False)
    assert load(project).funding["amount_nok"].sum() == 22_000_000


def test_ssb_csv_download_wide_format(project):
    # SSB's download: title line, blank line, header with one column per year, "code name" regions.
    lines = ['"07459: Befolkning, etter region og år"', "",
             '"region";"Personer 2017";"Personer 2018"',
             '"0529 Vestre Toten (-2019)";13257;13314']
    path = project / CASE / "population_ssb.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    use_file(project, "population", "population_ssb.csv")
    population = load(project).population
    assert set(population["region_code"]) == {"3443"}
    assert population.set_index("year").loc[2018, "population"] == 13_314
    assert population["source_url"].iloc[0] == "https://www.ssb.no/statbank/table/07459"


def test_series_across_the_2020_renumbering_joins_into_one_line(project):
    path = project / CASE / "employment.csv"
    text = path.read_text(encoding="utf-8").replace("0529,Vestre Toten,2019,", "3443,Vestre Toten,2019,")
    path.write_text(text, encoding="utf-8")
    employment = load(project).employment
    vestre_toten = employment[employment["region_code"] == "3443"]
    assert sorted(vestre_toten["year"]) == list(range(2008, 2020))


# --- rejected, with a message that says where and what to do -------------------------------------

def test_thousands_separated_by_dots(project):
    path = project / CASE / "funding.csv"
    frame = pd.read_csv(path, dtype=str)
    frame.loc[0, "amount_nok"] = "2.500.000"
    frame.to_csv(path, sep=";", index=False)
    assert ("funding.csv: column 'amount_nok', row 2: expected a whole number, without spaces, units or "
            "thousands separators (found '2.500.000')") in problems(project)


def test_workbook_total_row_that_is_not_the_sum(project):
    write_workbook(project / CASE / "funding.xlsx", funding_rows(project) + [["Sum", None, 21_000_000]])
    use_file(project, "funding", "funding.xlsx")
    assert ("funding.xlsx, sheet 'Ark1': row 23 is labelled as a total but is not the sum of the rows above"
            in problems(project))


def test_workbook_with_a_merged_header(project):
    rows = funding_rows(project)
    header = [["Finansiering", None, None], ["år", "kilde", "beløp"]] + rows[1:]
    write_workbook(project / CASE / "funding.xlsx", header, merge="A1:C1")
    use_file(project, "funding", "funding.xlsx")
    message = problems(project)
    assert "funding.xlsx, sheet 'Ark1': no header row with the columns ['year', 'funder_id', 'amount_nok']" in message
    assert "merged cells (A1:C1)" in message and "unmerge them" in message


def test_workbook_without_the_named_sheet(project):
    write_workbook(project / CASE / "funding.xlsx", funding_rows(project), sheet="Regnskap")
    use_file(project, "funding", "funding.xlsx", sheet="Finansiering")
    assert "funding.xlsx: no sheet 'Finansiering'; the workbook has ['Regnskap']" in problems(project)


def test_year_written_as_a_date_in_text(project):
    path = project / CASE / "funding.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2011,fylkeskommunen", "01.01.2011,fylkeskommunen"),
                    encoding="utf-8")
    assert ("funding.csv: column 'year', row 2: expected a year such as 2015, found a date '01.01.2011'"
            in problems(project))


def test_year_as_a_date_cell_in_a_workbook(project):
    rows = funding_rows(project)
    rows[1][0] = dt.datetime(2011, 1, 1)
    write_workbook(project / CASE / "funding.xlsx", rows)
    use_file(project, "funding", "funding.xlsx")
    assert ("funding.xlsx, sheet 'Ark1': column 'year', row 2: expected a year such as 2015, found a date "
            "'2011-01-01'") in problems(project)


def test_decimal_point_in_a_decimal_comma_file(project):
    path = project / CASE / "unemployment.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["unemployed_pct"] = frame["unemployed_pct"].str.replace(".", ",", regex=False)
    frame.loc[3, "unemployed_pct"] = "2.7"
    frame.to_csv(path, sep=";", index=False)
    message = problems(project)
    assert "unemployment.csv: the file mixes decimal comma and decimal point in unemployed_pct" in message


def test_same_year_under_old_and_new_kommunenummer(project):
    path = project / CASE / "employment.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("3443,Vestre Toten,2019,6800,published,\n")
    message = problems(project)
    assert "employment.csv: row 13: region 3443 in 2019 appears under both its old and its new kommunenummer" in message
    assert "employment.csv: row 62: region 3443 in 2019" in message


def test_empty_cell_where_a_value_is_required(project):
    path = project / CASE / "goals.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("M3,nye_bedrifter,Nye bedrifter,10,8",
                                                             "M3,nye_bedrifter,Nye bedrifter,,8"), encoding="utf-8")
    assert "goals.csv: column 'target', row 4: empty cell: a value is required" in problems(project)


def test_old_excel_format(project):
    (project / CASE / "funding.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    use_file(project, "funding", "funding.xls")
    assert "funding.xls: old Excel format (.xls); save it as .xlsx" in problems(project)


def test_ssb_download_with_missing_values(project):
    lines = ['"07459: Befolkning, etter region og år"', "", '"region";"år";"Personer"',
             '"0529 Vestre Toten (-2019)";"2017";".."', '"0529 Vestre Toten (-2019)";"2018";13314']
    (project / CASE / "population_ssb.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    use_file(project, "population", "population_ssb.csv")
    assert ("population_ssb.csv: row 4: SSB marks the value for 2017 as missing ('..')" in problems(project))


def test_status_outside_the_allowed_values(project):
    path = project / CASE / "population.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",published,", ",offisiell,", 1), encoding="utf-8")
    assert "population.csv: column 'status'" in problems(project)
