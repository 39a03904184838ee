"""One checkout holds several cases of different shapes; each report is built from its own data and
prose, in its own language, and nothing of one leaks into another."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from cases import TEXTS, write_ardal
from support import build_report, copy_project

# Words that betray another written language (bokmål, nynorsk, or Norwegian in an English report).
NOT_IN = {
    "nb": ["ikkje", "frå", "Heile", "Kjelde", "kva", "korleis", "eit"],
    "nn": ["ikke", "fra", "Hele", "Kilde", "hva", "hvordan", "ett"],
    "en": ["og", "ikke", "ikkje", "fra", "frå", "av", "til", "som", "med", "Kilde", "Kjelde", "Side", "Tabell",
           "Figur", "Innhold", "Innhald", "kommunen", "mill."],
}


def words(text: str) -> set[str]:
    return set(re.findall(r"[\wæøåÆØÅ.]+", text))


def pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages).replace("\u00a0", " "))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """One copy of the project with the bundled case, the Årdal case in nynorsk and in English."""
    root = copy_project(tmp_path_factory.mktemp("cases") / "project")
    write_ardal(root, "nn", "ardal")
    write_ardal(root, "en", "ardal_en")
    built = {name: build_report(f"reports/{name}.yaml", root=root) for name in ("vestre_toten", "ardal", "ardal_en")}
    return {name: pdf_text(result.pdf) for name, result in built.items()}


def test_each_report_has_its_own_figures(checkout):
    ardal, vestre_toten = checkout["ardal"], checkout["vestre_toten"]
    # Worked out in tests/cases.py: 24,5 mill. kr in all, 3,0 mill. kr (12,2 %) from the municipality,
    # 0,5 mill. kr before 2014, 45 new and 50 secured jobs, about 230 000 / 480 000 kr per job.
    for figure in ["24,5 mill. kr", "3,0 mill. kr (12,2 %)", "Av summen vart 0,5 mill. kr løyvd før det første programåret",
                   "45 nye og 50 sikra arbeidsplassar", "om lag 230 000 kr", "om lag 480 000 kr",
                   "fire bidragsytarar", "fem prosjekt", "Hydro Aluminium AS"]:
        assert figure in ardal, figure
    assert "22,0 mill. kr" in vestre_toten


def test_no_report_shows_the_other_case(checkout):
    for other in ["Vestre Toten", "Raufoss", "Steffensrud", "22,0 mill. kr", "Gjøvik"]:
        assert other not in checkout["ardal"] and other not in checkout["ardal_en"], other
    for other in ["Årdal", "Hydro", "24,5 mill. kr", "Lærdal"]:
        assert other not in checkout["vestre_toten"], other


def test_funding_before_the_programme_and_the_company_are_counted_as_declared(checkout):
    # The company's 3.0 M counts in the total but not as public money: public 21.5 M of 24.5 M = 87.8 %.
    assert "Offentlege midlar utgjorde 87,8 % av finansieringa" in checkout["ardal"]
    assert "Den offentlege finansieringa var 21,5 mill. kr" in checkout["ardal"]
    # Funding runs from 2013, the year before the programme: the tables start there.
    assert "i åra 2013–2019" in checkout["ardal"]


def test_renumbered_municipality_joins_into_one_series(checkout):
    # Employment under 1424 until 2019 and 4643 from 2020: one line, 2 690 in 2020 and 2 710 in 2021.
    assert "2020 2 690" in checkout["ardal"] and "2021 2 710" in checkout["ardal"]


def test_a_missing_year_shows_as_missing_not_as_zero(checkout):
    # Unemployment in Årdal has no 2017 row: the table shows a dash for it, and the sentence about the
    # population names the years it has (2014 and 2020), not 2016, which is missing.
    assert re.search(r"2017 – 2,5", checkout["ardal"])
    assert "Folketalet i Årdal var 5 340 per 1. januar 2014 og 5 260 per 1. januar 2020" in checkout["ardal"]


@pytest.mark.parametrize("name,language", [("vestre_toten", "nb"), ("ardal", "nn"), ("ardal_en", "en")])
def test_every_word_is_in_the_reports_language(checkout, name, language):
    found = sorted(words(checkout[name]) & set(NOT_IN[language]))
    assert not found, f"{name} ({language}) has words of another language: {found}"


def test_the_english_report_is_english(checkout):
    text = checkout["ardal_en"]
    for phrase in ["Summary", "Introduction", "NOK 24.5 million", "Source:", "Table 1:", "Figure 1:", "Norway",
                   TEXTS["en"]["funders"][3]]:
        assert phrase in text, phrase
