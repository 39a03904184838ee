"""The sentences the standard chapters say on the analyst's behalf (issue 18): listed by `make check`
with their text in the report's language, each switchable in the configuration, and left out of the
report when switched off."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evalreport.chapters import introduction, statements
from evalreport.pipeline.prose import ProseRenderer
from evalreport.project import Project, find_chapters
from support import ROOT, bare_environment
from test_chapters import make_config

CHAPTERS = find_chapters(Project(ROOT), None)
# The words of each sentence, read off the chapter texts by hand.
GUIDE = {"nb": "Den følger Innovasjon Norges veileder", "nn": "Ho følgjer rettleiaren til Innovasjon Noreg",
         "en": "It follows Innovation Norway's guide"}
STUDY = {"nb": "fant ingen varig sysselsettingseffekt", "nn": "fann ingen varig sysselsetjingseffekt",
         "en": "found no lasting employment effect"}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_statements_are_listed_in_the_reports_language_where_they_are_written(language):
    found = statements.standard_statements(CHAPTERS, make_config(language=language, report_date="2023-01-15"))
    assert sorted(s.switch for s in found) == ["follows_guide", "national_study"]
    by_switch = {s.switch: s for s in found}
    guide, study = by_switch["follows_guide"], by_switch["national_study"]
    assert guide.text.startswith(GUIDE[language]) and "[@innovasjonnorge-sluttevaluering]" in guide.text
    assert study.text.startswith("@telemarksforsking2022") and STUDY[language] in study.text
    for statement in found:
        lines = statement.file.read_text(encoding="utf-8").splitlines()
        assert f"said_{statement.switch}" in lines[statement.line - 1]  # the line the analyst is sent to
        assert statement.file.name.startswith(("10_sammendrag", "20_innledning"))
        assert statement.said and statement.why_not is None


def test_a_statement_switched_off_or_before_its_source_is_not_said_and_says_why():
    off = make_config(report_date="2023-01-15", statements={"follows_guide": False})
    by_switch = {s.switch: s for s in statements.standard_statements(CHAPTERS, off)}
    assert not by_switch["follows_guide"].said and by_switch["follows_guide"].why_not == "switched off"
    assert by_switch["national_study"].said
    early = make_config(report_date="2018-06-01")  # before the national study of 2022
    by_switch = {s.switch: s for s in statements.standard_statements(CHAPTERS, early)}
    assert by_switch["follows_guide"].said
    assert not by_switch["national_study"].said and "before the study" in by_switch["national_study"].why_not
    both_off = make_config(report_date="2023-01-15", statements={"follows_guide": False, "national_study": False})
    assert not any(s.said for s in statements.standard_statements(CHAPTERS, both_off))


def test_a_switch_the_configuration_does_not_know_is_refused():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="follows_gide"):
        make_config(statements={"follows_gide": False})


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("follows_guide", [True, False])
def test_the_introduction_says_it_follows_the_guide_only_while_switched_on(tmp_path, language, follows_guide):
    config = make_config(language=language, statements={"follows_guide": follows_guide})
    (tmp_path / "background.md").write_text("Bakgrunn.\n", encoding="utf-8")
    values = {**introduction.introduction_values(config, {"3442": "Østre Toten", "3407": "Gjøvik", "0": "Norge"}),
              "municipality": "Vestre Toten", "programme_length": "seks", "programme_start": "2011",
              "programme_end": "2017"}
    chapter = next(c for c in CHAPTERS if c.stem == "20_innledning")
    text = chapter.text_file(language)
    html = ProseRenderer(values, tmp_path, language=language).markdown_to_html(
        text.read_text(encoding="utf-8"), str(text))
    words = {"nb": "Innovasjon Norges veileder", "nn": "rettleiaren til Innovasjon Noreg",
             "en": "guide to the final evaluation"}[language]
    assert (words in html) is follows_guide
    assert "sluttevaluering" in html or "final evaluation" in html  # the rest of the mandate stays


def test_make_check_prints_them(project):
    checked = subprocess.run([sys.executable, "-m", "evalreport", "check"], cwd=project, capture_output=True,
                             text=True, env=bare_environment())
    assert checked.returncode == 0, checked.stderr
    assert "Said on your behalf by the standard chapters" in checked.stdout
    assert "statements.follows_guide (notebooks/20_innledning.md, line 13; said): Den følger" in checked.stdout
    # the bundled case is dated 2018, before the national study
    assert "statements.national_study (notebooks/10_sammendrag.md, line 29; not said:" in checked.stdout
