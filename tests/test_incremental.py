"""The build redoes only what changed, says so, and gives the same bytes for the same inputs.

Each test changes its own copy of the session's warm build (`warm_project`, the working directory).
"""

from __future__ import annotations

import json
import os

import pytest
from pypdf import PdfReader

from evalreport.errors import ChapterError
from support import build_report, copy_project

CONFIG = "reports/vestre_toten.yaml"
DATA_CHAPTERS = {"10_sammendrag", "20_innledning", "30_omstillingsprosessen", "40_maloppnaelse",
                 "50_sysselsetting", "60_andre_indikatorer", "90_vedlegg"}


def test_a_clean_build_runs_every_chapter(warm_build):
    assert len(warm_build.result.executed) == 8 and not warm_build.result.reused


def pdf_text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\u00a0", " ")


def test_nothing_changed_does_no_work(warm_project):
    pdf = warm_project / "build" / "vestre_toten.pdf"
    before = (pdf.stat().st_mtime_ns, pdf.read_bytes())
    result = build_report(CONFIG)
    assert result.rebuilt is False and result.executed == []
    assert (pdf.stat().st_mtime_ns, pdf.read_bytes()) == before


def test_new_timestamp_on_unchanged_data_does_no_work(warm_project):
    data = warm_project / "data" / "vestre_toten" / "funding.csv"
    os.utime(data, (data.stat().st_atime + 3600, data.stat().st_mtime + 3600))
    assert build_report(CONFIG).rebuilt is False


def test_prose_edit_runs_no_chapter(warm_project):
    prose = warm_project / "prose" / "vestre_toten" / "permanent_work.md"
    prose.write_text(prose.read_text(encoding="utf-8").replace(
        "Etter programslutt videreføres", "Etter programslutt i 2017 videreføres"), encoding="utf-8")
    result = build_report(CONFIG)
    assert result.executed == [] and len(result.reused) == 8
    assert "Etter programslutt i 2017 videreføres" in pdf_text(result.pdf)


def rendered(project) -> dict[str, str]:
    """Each chapter's rendered fragment, by the key it was rendered under."""
    state = json.loads((project / "build" / ".work" / "vestre_toten" / "state.json").read_text(encoding="utf-8"))
    return {stem: fragment["key"] for stem, fragment in state["fragments"].items()}


def test_an_edit_to_a_standard_chapters_text_runs_no_chapter(warm_project):
    before = rendered(warm_project)
    text = warm_project / "notebooks" / "20_innledning.md"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "Denne sluttevalueringen skal vurdere", "Denne sluttevalueringen skal særlig vurdere"), encoding="utf-8")
    result = build_report(CONFIG)
    assert result.executed == [] and len(result.reused) == 8
    assert "Denne sluttevalueringen skal særlig vurdere" in pdf_text(result.pdf)
    after = rendered(warm_project)
    assert [stem for stem in after if after[stem] != before[stem]] == ["20_innledning"]  # only its text is rendered


def test_an_edit_to_a_text_in_another_language_changes_nothing(warm_project):
    text = warm_project / "notebooks" / "20_innledning.nn.md"
    text.write_text(text.read_text(encoding="utf-8").replace("## Mandat", "## Mandatet"), encoding="utf-8")
    assert build_report(CONFIG).rebuilt is False  # the report is in bokmål


def test_code_edit_runs_that_chapter_only(warm_project):
    chapter = warm_project / "notebooks" / "40_maloppnaelse.py"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        'report.source("goals")', 'report.source("goals") + " (kontrollert)"'), encoding="utf-8")
    result = build_report(CONFIG)
    assert result.executed == ["40_maloppnaelse"]
    assert "(kontrollert)" in pdf_text(result.pdf)


def test_an_exhibit_template_edit_runs_the_chapters_that_show_exhibits(warm_project):
    # A table's markup is made while its chapter runs: a new template is a new run, not a reuse.
    template = warm_project / "report_templates" / "evalreport" / "exhibits" / "exhibit.html.j2"
    before = template.read_text(encoding="utf-8")
    after = before.replace("{{ source_label }}: ", "{{ source_label }} (ny mal): ")
    assert after != before, "the exhibit template no longer writes the source line this test changes"
    template.write_text(after, encoding="utf-8")
    result = build_report(CONFIG)
    assert len(result.executed) == 8 and "Kilde (ny mal): " in pdf_text(result.pdf)


def test_data_edit_runs_the_chapters_that_read_data(warm_project):
    goals = warm_project / "data" / "vestre_toten" / "goals.csv"
    goals.write_text(goals.read_text(encoding="utf-8").replace("M3,nye_bedrifter,Nye bedrifter,10,8",
                                                               "M3,nye_bedrifter,Nye bedrifter,10,9"),
                     encoding="utf-8")
    result = build_report(CONFIG)
    assert set(result.executed) == DATA_CHAPTERS  # 70_utviklingsevne is prose only
    assert result.reused == ["70_utviklingsevne"]


def test_same_inputs_give_the_same_bytes(warm_project, tmp_path, monkeypatch):
    # A build after edits of prose, a chapter's text, a chapter's code and the data, which reuses
    # what it may, and a build from nothing of the same inputs, one chapter at a time (other timing,
    # other order): the same bytes. Each subsets its fonts into an empty cache of its own.
    edits = [("prose/vestre_toten/permanent_work.md", "Etter programslutt videreføres",
              "Etter programslutt i 2017 videreføres"),
             ("notebooks/20_innledning.md", "Denne sluttevalueringen skal vurdere",
              "Denne sluttevalueringen skal særlig vurdere"),
             ("notebooks/40_maloppnaelse.py", 'report.source("goals")', 'report.source("goals") + " (kontrollert)"'),
             ("data/vestre_toten/goals.csv", "M3,nye_bedrifter,Nye bedrifter,10,8", "M3,nye_bedrifter,Nye bedrifter,10,9")]
    for name, old, new in edits:
        path = warm_project / name
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setenv("EVALREPORT_CACHE", str(tmp_path / "cache-incremental"))
    incremental = build_report(CONFIG)
    assert incremental.reused == ["70_utviklingsevne"]
    again = copy_project(tmp_path / "again", root=warm_project)
    monkeypatch.setenv("EVALREPORT_CACHE", str(tmp_path / "cache-clean"))
    result = build_report(CONFIG, jobs=1, root=again)
    assert len(result.executed) == 8
    assert result.pdf.read_bytes() == incremental.pdf.read_bytes()
    assert result.html.read_bytes() == incremental.html.read_bytes()


def test_a_failed_build_leaves_nothing_a_later_build_would_reuse(warm_project):
    # A data edit and a failing chapter; then both are undone and only prose changes. The
    # report must show the data as they are, not as the failed build saw them.
    population = warm_project / "data" / "vestre_toten" / "population.csv"
    chapter = warm_project / "notebooks" / "70_utviklingsevne.py"
    original_population, original_chapter = population.read_bytes(), chapter.read_bytes()
    population.write_text(population.read_text(encoding="utf-8").replace(
        "0529,Vestre Toten,2018,13314,", "0529,Vestre Toten,2018,13999,"), encoding="utf-8")
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n# %%\n1 / 0\n", encoding="utf-8")
    with pytest.raises(ChapterError):
        build_report(CONFIG)
    population.write_bytes(original_population)
    chapter.write_bytes(original_chapter)
    prose = warm_project / "prose" / "vestre_toten" / "permanent_work.md"
    prose.write_text(prose.read_text(encoding="utf-8").replace("Etter programslutt", "Rett etter programslutt"),
                     encoding="utf-8")
    result = build_report(CONFIG)
    text = pdf_text(result.pdf)
    assert "13 314" in text and "13 999" not in text
    assert "Rett etter programslutt" in text


def test_template_edit_renders_again_in_the_same_process(warm_project):
    # A build in this process first, which reads the templates of this copy (and may keep them) ...
    prose = warm_project / "prose" / "vestre_toten" / "permanent_work.md"
    prose.write_text(prose.read_text(encoding="utf-8") + "\nEin setning til.\n", encoding="utf-8")
    assert 'data-edition="2"' not in build_report(CONFIG).html.read_text(encoding="utf-8")
    # ... then an edit of a template, which the next build in the same process must use.
    template = warm_project / "report_templates" / "evalreport" / "chapter.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '<section class="chapter">', '<section class="chapter" data-edition="2">'), encoding="utf-8")
    result = build_report(CONFIG)
    assert result.executed == [] and 'data-edition="2"' in result.html.read_text(encoding="utf-8")


def test_data_folder_outside_the_project(project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    for source in (project / "data" / "vestre_toten").iterdir():
        (outside / source.name).write_bytes(source.read_bytes())
    config = project / "reports" / "outside.yaml"
    config.write_text((project / CONFIG).read_text(encoding="utf-8")
                      .replace("data_dir: data/vestre_toten", f"data_dir: {outside}")
                      .replace("output_name: vestre_toten", "output_name: outside")
                      + "prose_dir: prose/vestre_toten\n", encoding="utf-8")
    result = build_report("reports/outside.yaml")
    assert result.pdf.name == "outside.pdf" and "13 314" in pdf_text(result.pdf)
