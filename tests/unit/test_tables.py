"""Unit tests of evalreport.tables: accessible HTML tables with Norwegian formatting."""

from __future__ import annotations

import pandas as pd
import pytest

from pathlib import Path

from evalreport import tables
from evalreport.exhibits import Look
from evalreport.formatting import Formatter
from evalreport.tables import Column, render_table

NBSP = "\u00a0"
LOOK = Look(Path(__file__).resolve().parents[2] / "report_templates")


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"name": ["Alpha", "Beta", "Sum placeholder"], "value": [1, 2, 3]})


COLUMNS = [Column("name", "Name", numeric=False), Column("value", "Value", lambda v: f"<{v}>")]


def test_render_table_column_headers_have_scope(frame):
    html = render_table(frame, COLUMNS, LOOK)
    assert html.startswith("<table><thead><tr>")
    assert '<th scope="col" class="text">Name</th>' in html
    assert '<th scope="col" class="num">Value</th>' in html
    assert html.count('scope="col"') == 2


def test_render_table_first_cells_are_row_headers(frame):
    html = render_table(frame, COLUMNS, LOOK)
    assert '<tr><th scope="row" class="text">Alpha</th><td class="num">&lt;1&gt;</td></tr>' in html
    assert html.count('scope="row"') == 3  # one per body row
    assert 'class="total"' not in html  # no total_label, no total row


def test_render_table_marks_last_row_as_total(frame):
    html = render_table(frame, COLUMNS, LOOK, total_label="Sum")
    # The last row's first cell is replaced by the label; its other cells are formatted as usual.
    assert '<tr class="total"><th scope="row" class="text">Sum</th><td class="num">&lt;3&gt;</td></tr>' in html
    assert html.count('class="total"') == 1
    assert "Sum placeholder" not in html
    assert '<tr><th scope="row" class="text">Beta</th>' in html  # the row before is an ordinary row


def test_render_table_without_header(frame):
    html = render_table(frame, COLUMNS, LOOK, show_header=False)
    assert "<thead>" not in html
    assert 'scope="col"' not in html
    assert html.startswith("<table><tbody>")


def test_render_table_escapes_text():
    frame = pd.DataFrame({"name": ["R&D <pilot>"], "value": [1]})
    html = render_table(frame, [Column("name", "A & B", numeric=False), Column("value", "V", str)], LOOK)
    assert "<th scope=\"col\" class=\"text\">A &amp; B</th>" in html
    assert "R&amp;D &lt;pilot&gt;" in html


@pytest.fixture
def by_funder() -> pd.DataFrame:
    # As indicators.summarise_funding_by_funder returns it.
    # 18.4 M + 3.6 M = 22.0 M; shares 18.4 / 22 = 83.6363... % and 3.6 / 22 = 16.3636... %
    return pd.DataFrame(
        {"funder_id": ["fylket", "kommunen"],
         "name": ["Oppland fylkeskommune", "Vestre Toten kommune"],
         "kind": ["fylkeskommune", "kommune"],
         "public": [True, True],
         "amount_nok": [18_400_000, 3_600_000],
         "share_pct": [18.4 / 22 * 100, 3.6 / 22 * 100]}
    )


def test_table_funding_by_funder_norwegian(by_funder):
    exhibit = tables.table_funding_by_funder(by_funder, Formatter("nb"), LOOK, "Finansiering", "Regnskap")
    body = exhibit.body_html
    assert exhibit.kind == "table"
    assert exhibit.source_label == "Kilde"
    assert '<th scope="col" class="text">Bidragsyter</th>' in body
    assert '<th scope="row" class="text">Vestre Toten kommune</th>' in body  # the funder's name, not its id
    assert ">kommunen<" not in body
    assert f'<td class="num">3,6</td><td class="num">16,4{NBSP}%</td>' in body  # 3 600 000 / 1e6 = 3,6
    assert f'<td class="num">18,4</td><td class="num">83,6{NBSP}%</td>' in body
    # Total row: 22,0 million and 83.64 + 16.36 = 100,0 %
    assert (f'<tr class="total"><th scope="row" class="text">Sum</th><td class="num">22,0</td>'
            f'<td class="num">100,0{NBSP}%</td></tr>') in body


def test_table_funding_by_funder_english(by_funder):
    exhibit = tables.table_funding_by_funder(by_funder, Formatter("en"), LOOK, "Funding", "Accounts")
    body = exhibit.body_html
    assert '<th scope="col" class="text">Funder</th>' in body
    # A funder's name is data: it is printed as the data give it, in every language.
    assert '<th scope="row" class="text">Vestre Toten kommune</th>' in body
    assert f'<td class="num">16.4{NBSP}%</td>' in body
    assert '<th scope="row" class="text">Total</th>' in body
    assert exhibit.source_label == "Source"


def test_table_funding_by_funder_escapes_the_name():
    frame = pd.DataFrame({"funder_id": ["eu"], "name": ["EU <Interreg> & co"], "kind": ["annen"],
                          "public": [True], "amount_nok": [1_000_000], "share_pct": [100.0]})
    body = tables.table_funding_by_funder(frame, Formatter("nb"), LOOK, "c", "s").body_html
    assert '<th scope="row" class="text">EU &lt;Interreg&gt; &amp; co</th>' in body


@pytest.fixture
def by_year() -> pd.DataFrame:
    # As indicators.pivot_funding_by_year returns it: one column per funder id, a total, and 2012
    # (no funding) as a row of zeros.
    frame = pd.DataFrame(
        {"fylket": [3_000_000, 0, 2_500_000], "kommunen": [1_000_000, 0, 600_000],
         "total": [4_000_000, 0, 3_100_000]},
        index=pd.Index([2011, 2012, 2013], name="year"),
    )
    return frame


NAMES = {"fylket": "Oppland fylkeskommune", "kommunen": "Vestre Toten kommune"}


def test_table_funding_by_year_heads_columns_by_name(by_year):
    body = tables.table_funding_by_year(by_year, NAMES, Formatter("nb"), LOOK, "Finansiering per år",
                                        "Regnskap").body_html
    assert ('<thead><tr><th scope="col" class="text">År</th>'
            '<th scope="col" class="num">Oppland fylkeskommune</th>'
            '<th scope="col" class="num">Vestre Toten kommune</th>'
            '<th scope="col" class="num">Sum</th></tr></thead>') in body
    # 2011: 3,0 + 1,0 = 4,0 million
    assert ('<tr><th scope="row" class="text">2011</th><td class="num">3,0</td><td class="num">1,0</td>'
            '<td class="num">4,0</td></tr>') in body
    # A year without funding is shown, as zeros
    assert ('<tr><th scope="row" class="text">2012</th><td class="num">0,0</td><td class="num">0,0</td>'
            '<td class="num">0,0</td></tr>') in body
    # Totals: 3,0 + 0 + 2,5 = 5,5; 1,0 + 0 + 0,6 = 1,6; 4,0 + 0 + 3,1 = 7,1
    assert ('<tr class="total"><th scope="row" class="text">Sum</th><td class="num">5,5</td>'
            '<td class="num">1,6</td><td class="num">7,1</td></tr>') in body


def test_table_funding_by_year_english(by_year):
    exhibit = tables.table_funding_by_year(by_year, NAMES, Formatter("en"), LOOK, "Funding by year", "Accounts")
    body = exhibit.body_html
    assert '<th scope="col" class="text">Year</th>' in body
    assert '<th scope="col" class="num">Total</th>' in body
    assert '<td class="num">2.5</td><td class="num">0.6</td><td class="num">3.1</td>' in body  # 2013
    assert '<tr class="total"><th scope="row" class="text">Total</th>' in body
    assert "2011.0" not in body  # years stay whole beside the amounts


def test_with_total_appends_sum_row():
    frame = pd.DataFrame({"label": ["a", "b"], "x": [1.5, 2.5], "y": [10, 20]})
    result = tables.with_total(frame, "label", ["x"])
    assert len(result) == 3
    assert result.iloc[-1]["x"] == pytest.approx(4.0)  # 1.5 + 2.5
    assert result.iloc[-1]["label"] == ""
    assert len(frame) == 2  # input unchanged


def test_table_key_figures_has_no_header():
    exhibit = tables.table_key_figures([("Tapte arbeidsplasser", "550"), ("År", "7")], "nb", LOOK, "Nøkkeltall",
                                       "Egne tall")
    assert "<thead>" not in exhibit.body_html
    assert '<th scope="row" class="text">Tapte arbeidsplasser</th><td class="num">550</td>' in exhibit.body_html


def test_table_projects_formats_leverage_and_total():
    summary = pd.DataFrame(
        {"focus_area": ["Kompetanse", "total"], "projects": [3, 3], "granted_nok": [2_000_000, 2_000_000],
         "paid_nok": [1_000_000, 1_000_000], "paid_pct": [50.0, 50.0],
         "total_cost_nok": [2_500_000, 2_500_000], "leverage": [1.25, 1.25]}
    )
    body = tables.table_projects(summary, Formatter("nb"), LOOK, "Prosjekter", "Prosjektliste").body_html
    # projects 3; granted 2,0; paid 1,0; 50,0 %; cost 2,5; leverage 1,25
    row = (f'<th scope="row" class="text">Kompetanse</th><td class="num">3</td><td class="num">2,0</td>'
           f'<td class="num">1,0</td><td class="num">50,0{NBSP}%</td><td class="num">2,5</td>'
           f'<td class="num">1,25</td>')
    assert row in body
    assert '<tr class="total"><th scope="row" class="text">Sum</th>' in body


def test_whole_numbers_stay_whole_beside_decimal_columns():
    # A year column next to a float column: iterrows() would make the year 2008.0.
    frame = pd.DataFrame({"year": [2008, 2009], "rate": [1.8, 4.4]})
    html = render_table(frame, [Column("year", "År", numeric=False), Column("rate", "Rate", lambda v: f"{v:.1f}")],
                        LOOK)
    assert '<th scope="row" class="text">2008</th>' in html
    assert "2008.0" not in html


def test_a_series_across_the_break_in_the_statistics_says_so_under_the_table():
    from pathlib import Path

    import pandas as pd

    from evalreport.exhibits import Look
    from evalreport.formatting import Formatter
    from evalreport.tables import table_series

    look = Look(Path(__file__).resolve().parents[2] / "report_templates")
    series = pd.DataFrame({"3443": [6206.0, 6232.0, 6539.0]}, index=pd.Index([2013, 2014, 2015], name="year"))
    across = table_series(series, {"3443": "Vestre Toten"}, Formatter("nb"), look, "Sysselsatte", "SSB",
                          series_break=2015)._repr_html_()
    assert "Brudd i statistikken fra 2015: tallene fra 2015 bygger på a-ordningen" in across
    before = table_series(series.loc[[2013, 2014]], {"3443": "Vestre Toten"}, Formatter("nb"), look, "Sysselsatte",
                          "SSB", series_break=2015)._repr_html_()
    assert "Brudd i statistikken" not in before  # the years do not cross it
