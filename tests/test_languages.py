"""`language: nn` and `language: en` render every word of the report in that language: the fixed texts
from the catalogue, the standard chapters' texts from their files in that language, and the case's
prose, which the case writes in its report's language (here the bundled case's prose in nynorsk and
English, from tests/cases.py). Case prose in another language than the report's is warned about."""

from __future__ import annotations

import logging
import re

from pypdf import PdfReader

from cases import write_prose
from support import build_report

WARNING = "reads as bokmål, but the report is in English"


def build_in(project, language: str, prose: str | None = None):
    """Build the bundled case in `language`, with its prose in that language (or from prose/<prose>/)."""
    if prose is None:
        prose = f"vestre_toten_{language}"
        write_prose(project, language, prose)
    base = (project / "reports" / "vestre_toten.yaml").read_text(encoding="utf-8")
    config = project / "reports" / f"vestre_toten_{language}.yaml"
    config.write_text(base.replace("language: nb", f"language: {language}")
                      .replace("output_name: vestre_toten", f"output_name: vestre_toten_{language}")
                      + f"prose_dir: prose/{prose}\n",
                      encoding="utf-8")
    result = build_report(f"reports/vestre_toten_{language}.yaml")
    pages = [re.sub(r"\s+", " ", p.extract_text().replace("\u00a0", " ")) for p in PdfReader(result.pdf).pages]
    return result, pages


def test_nynorsk_fixed_texts(project, caplog):
    caplog.set_level(logging.WARNING)
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
    # The standard text and the case's prose are nynorsk too.
    assert "Sysselsetjing og arbeidsløyse" in text and "Programmet vart organisert med eit eige styre" in text
    assert "Programmet ble organisert" not in text
    assert not [r for r in caplog.records if "reads as" in r.getMessage()]


def test_english_fixed_texts_and_number_format(project, caplog):
    caplog.set_level(logging.WARNING)
    result, pages = build_in(project, "en")
    text = " ".join(pages)
    assert PdfReader(result.pdf).trailer["/Root"]["/Lang"] == "en"
    assert "Prepared by" in pages[0] and "1 June 2018" in pages[0]
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert re.search(r"Table 1: \S", text) and "Source: " in text
    assert "NOK 22.0 million" in text and "13,314" in text
    # Every paragraph is English: the standard text and the case's own prose (names in the data, such as the
    # goals' and the focus areas', are the data's own).
    assert "Employment and unemployment" in text and "The programme was organised with a board of its own" in text
    assert "Programmet ble organisert" not in text and "Kommunen har fått bedre kjennskap" not in text
    assert not [r for r in caplog.records if "reads as" in r.getMessage()]

    # The same report with the case's prose in bokmål: the build says which files are not in English.
    caplog.clear()
    result, pages = build_in(project, "en", prose="vestre_toten")
    warned = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
    assert any("prose/vestre_toten/organisation.md" in message for message in warned), warned
    assert "Programmet ble organisert" in " ".join(pages)  # a warning, not a refusal
