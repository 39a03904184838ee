"""Build the bundled report and read the PDF back (the session's one build, `built_project`; the
second configuration of the case is built in tests/test_faults.py, beside this one)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from pypdf import PdfReader



def read_pages(pdf_path) -> list[str]:
    """The text of each page, with no-break spaces as plain spaces and lines joined."""
    reader = PdfReader(pdf_path)
    return [re.sub(r"\s+", " ", page.extract_text().replace("\u00a0", " ")) for page in reader.pages]


@pytest.fixture(scope="module")
def pages(built_project) -> list[str]:
    return read_pages(built_project / "build" / "vestre_toten.pdf")


@pytest.fixture(scope="module")
def text(pages) -> str:
    return " ".join(pages)


# Published figures of the case (DOMAIN: the newspaper report and the municipality's figures),
# as the council must read them in Norwegian format.
PUBLISHED = [
    "om lag 550 arbeidsplasser",
    "2011–2017",
    "sju år",
    "22,0 mill. kr",
    "3,6 mill. kr (16,4 %)",
    "2,5 mill. kr per år i 2011 og 2012",
    "fullført 150 boliger",
    "13 314",
    "1. januar 2018",
    "6 206",
    "6 539",
]


@pytest.mark.parametrize("figure", PUBLISHED)
def test_pdf_shows_published_figure(text, figure):
    assert figure in text


def test_employment_table_lists_published_levels_by_year(text):
    # 2010: 6 206 ... 2015: 6 539, as rows of the employment table (year, then Vestre Toten).
    for year, level in [(2010, "6 206"), (2011, "6 232"), (2012, "6 258"), (2013, "6 229"), (2014, "6 516"),
                        (2015, "6 539")]:
        assert f"{year} {level}" in text


CHAPTERS = ["Sammendrag", "1 Innledning", "2 Omstillingsprosessen og ressursbruk", "3 Måloppnåelse",
            "4 Sysselsetting og arbeidsledighet", "5 Andre indikatorer", "6 Utviklingsevne og overføringsverdi",
            "Vedlegg"]


def test_title_page_names_report_municipality_period_author_date(pages):
    first = pages[0]
    for expected in ["Sluttevaluering av omstillingsprogrammet i Vestre Toten", "Programperiode 2011–2017",
                     "Eksempelforfatter", "1. juni 2018", "EKSEMPELRAPPORT"]:
        assert expected in first


def test_table_of_contents_lists_chapters_with_page_numbers(pages):
    toc = pages[1]
    assert toc.startswith("Innhold") or " Innhold " in f" {toc} "
    for chapter in CHAPTERS:
        match = re.search(re.escape(chapter) + r"\s*\.+\s*(\d+)", toc)
        assert match, f"{chapter!r} is not in the contents with a page number"
        page = int(match.group(1))
        assert chapter in pages[page - 1], f"{chapter!r} is not on page {page} as the contents say"


def test_every_page_after_the_first_is_numbered_and_marked_as_sample(pages):
    total = len(pages)
    assert total >= 12
    for number, page in enumerate(pages[1:], start=2):
        assert f"Side {number} av {total}" in page
        assert "Eksempelrapport – bygger delvis på rekonstruerte og syntetiske data" in page


def test_figures_and_tables_are_numbered_in_order_with_captions_and_sources(text):
    tables = [int(n) for n in re.findall(r"Tabell (\d+): \S", text)]
    figures = [int(n) for n in re.findall(r"Figur (\d+): \S", text)]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 8
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 4
    assert text.count("Kilde: ") >= len(tables) + len(figures)


def test_no_code_reaches_the_pdf(text):
    for code in ["import ", "config_file", "chapter.load", "def ", "fmt.", "evalreport."]:
        assert code not in text


def test_pdf_metadata_and_variant(built_project):
    reader = PdfReader(built_project / "build" / "vestre_toten.pdf")
    assert reader.metadata.title == "Sluttevaluering av omstillingsprogrammet i Vestre Toten 2011–2017"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nb"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp or 'pdfaid:part="2"' in xmp


def test_fonts_are_the_shipped_family_and_embedded(built_project):
    reader = PdfReader(built_project / "build" / "vestre_toten.pdf")
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts and all(f.replace("-", "").startswith("SourceSansPro") for f in fonts), fonts


def test_html_twin_and_key_figures_sidecar(built_project, text):
    html = unescape((built_project / "build" / "vestre_toten.html").read_text(encoding="utf-8"))
    assert '<html lang="nb">' in html and "22,0\u00a0mill.\u00a0kr" in html
    key = json.loads((built_project / "build" / "vestre_toten.json").read_text(encoding="utf-8"))["key_figures"]
    assert key["total_funding_nok"] == 22_000_000
    assert key["municipal_funding_nok"] == 3_600_000
    assert key["population_after"] == {"value": 13_314, "year": 2018}
    printed = json.loads((built_project / "build" / "vestre_toten.json").read_text(encoding="utf-8"))["values"]
    assert printed["total_funding"] == "22,0\u00a0mill.\u00a0kr"  # what the prose printed, as it printed it


def test_provenance_in_the_xmp_and_the_sidecar_match_the_inputs(built_project):
    import hashlib
    import html as html_module

    funding = built_project / "data" / "vestre_toten" / "funding.csv"
    expected = hashlib.sha256(funding.read_bytes()).hexdigest()
    reader = PdfReader(built_project / "build" / "vestre_toten.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    inputs = json.loads(html_module.unescape(re.search(r"<evalreport:inputsSha256>(.*?)</", xmp).group(1)))
    assert inputs["data/vestre_toten/funding.csv"] == expected
    assert "<evalreport:versions>" in xmp and "<evalreport:builtAt>" in xmp
    sidecar = json.loads((built_project / "build" / "vestre_toten.json").read_text(encoding="utf-8"))
    assert sidecar["provenance"]["inputs_sha256"]["data/vestre_toten/funding.csv"] == expected
    assert sidecar["pdf_checks"]["passed"] is True
