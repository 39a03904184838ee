"""`language: nn` and `language: en` render every fixed text of the report in that language."""

from __future__ import annotations

import re

from pypdf import PdfReader

from support import build_report


def build_in(project, language: str):
    base = (project / "reports" / "vestre_toten.yaml").read_text(encoding="utf-8")
    config = project / "reports" / f"vestre_toten_{language}.yaml"
    config.write_text(base.replace("language: nb", f"language: {language}")
                      .replace("output_name: vestre_toten", f"output_name: vestre_toten_{language}")
                      + "prose_dir: prose/vestre_toten\n",
                      encoding="utf-8")
    result = build_report(f"reports/vestre_toten_{language}.yaml")
    pages = [re.sub(r"\s+", " ", p.extract_text().replace("\u00a0", " ")) for p in PdfReader(result.pdf).pages]
    return result, pages


def test_nynorsk_fixed_texts(project):
    result, pages = build_in(project, "nn")
    text = " ".join(pages)
    assert PdfReader(result.pdf).trailer["/Root"]["/Lang"] == "nn"
    assert "Utarbeidd av" in pages[0] and "Dato 1. juni 2018" in pages[0]
    assert "Dette er ein eksempelrapport" in pages[0]
    assert pages[1].startswith("Innhald") or " Innhald " in f" {pages[1]} "
    assert f"Side 2 av {len(pages)}" in pages[1]
    assert "Eksempelrapport – byggjer delvis på rekonstruerte og syntetiske data" in pages[1]
    assert re.search(r"Tabell 1: \S", text) and re.search(r"Figur 1: \S", text)
    assert "Kjelde: " in text and "Kilde: " not in text
    assert "Innhold" not in text and "Utarbeidet" not in text
    assert "Folketal 1. januar" in text  # a column label of the population table
    assert "Kolofon" in text and "Ikkje innsjekka endringar" in text


def test_english_fixed_texts_and_number_format(project):
    result, pages = build_in(project, "en")
    text = " ".join(pages)
    assert PdfReader(result.pdf).trailer["/Root"]["/Lang"] == "en"
    assert "Prepared by" in pages[0] and "1 June 2018" in pages[0]
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert re.search(r"Table 1: \S", text) and "Source: " in text
    assert "NOK 22.0 million" in text and "13,314" in text
