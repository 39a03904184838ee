"""The build redoes only what changed, says so, and gives the same bytes for the same inputs."""

from __future__ import annotations

import json
import os

import pytest
from pypdf import PdfReader

from support import build_report
from evalreport.errors import ChapterError

from support import copy_project

CONFIG = "reports/vestre_toten.yaml"
DATA_CHAPTERS = {"10_sammendrag", "20_innledning", "30_omstillingsprosessen", "40_maloppnaelse",
                 "50_sysselsetting", "60_andre_indikatorer", "90_vedlegg"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """One copy of the project, built once; each test leaves it built and up to date."""
    root = copy_project(tmp_path_factory.mktemp("incremental") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVALREPORT_ROOT", str(root))
        first = build_report(CONFIG)
        assert len(first.executed) == 8 and not first.reused
        yield root


def pdf_text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\u00a0", " ")


def test_nothing_changed_does_no_work(project):
    pdf = project / "build" / "vestre_toten.pdf"
    before = (pdf.stat().st_mtime_ns, pdf.read_bytes())
    result = build_report(CONFIG)
    assert result.rebuilt is False and result.executed == []
    assert (pdf.stat().st_mtime_ns, pdf.read_bytes()) == before


def test_new_timestamp_on_unchanged_data_does_no_work(project):
    data = project / "data" / "vestre_toten" / "funding.csv"
    os.utime(data, (data.stat().st_atime + 3600, data.stat().st_mtime + 3600))
    assert build_report(CONFIG).rebuilt is False


def test_prose_edit_runs_no_chapter(project):
    prose = project / "prose" / "vestre_toten" / "permanent_work.md"
    prose.write_text(prose.read_text(encoding="utf-8").replace(
        "Etter programslutt videreføres", "Etter programslutt i 2017 videreføres"), encoding="utf-8")
    result = build_report(CONFIG)
    assert result.executed == [] and len(result.reused) == 8
    assert "Etter programslutt i 2017 videreføres" in pdf_text(result.pdf)


def rendered(project) -> dict[str, str]:
    """Each chapter's rendered fragment, by the key it was rendered under."""
    state = json.loads((project / "build" / ".work" / "vestre_toten" / "state.json").read_text(encoding="utf-8"))
    return {stem: fragment["key"] for stem, fragment in state["fragments"].items()}


def test_an_edit_to_a_standard_chapters_text_runs_no_chapter(project):
    before = rendered(project)
    text = project / "notebooks" / "20_innledning.md"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "Denne sluttevalueringen skal vurdere", "Denne sluttevalueringen skal særlig vurdere"), encoding="utf-8")
    result = build_report(CONFIG)
    assert result.executed == [] and len(result.reused) == 8
    assert "Denne sluttevalueringen skal særlig vurdere" in pdf_text(result.pdf)
    after = rendered(project)
    assert [stem for stem in after if after[stem] != before[stem]] == ["20_innledning"]  # only its text is rendered


def test_an_edit_to_a_text_in_another_language_changes_nothing(project):
    text = project / "notebooks" / "20_innledning.nn.md"
    text.write_text(text.read_text(encoding="utf-8").replace("## Mandat", "## Mandatet"), encoding="utf-8")
    assert build_report(CONFIG).rebuilt is False  # the report is in bokmål


def test_code_edit_runs_that_chapter_only(project):
    chapter = project / "notebooks" / "40_maloppnaelse.py"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        'report.source("goals")', 'report.source("goals") + " (kontrollert)"'), encoding="utf-8")
    result = build_report(CONFIG)
    assert result.executed == ["40_maloppnaelse"]
    assert "(kontrollert)" in pdf_text(result.pdf)


def test_an_exhibit_template_edit_runs_the_chapters_that_show_exhibits(project):
    # A table's markup is made while its chapter runs: a new template is a new run, not a reuse.
    template = project / "report_templates" / "evalreport" / "exhibits" / "exhibit.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '<p class="er-source">{{ source_label }}: ', '<p class="er-source">{{ source_label }} (ny mal): '),
        encoding="utf-8")
    result = build_report(CONFIG)
    assert len(result.executed) == 8 and "Kilde (ny mal): " in pdf_text(result.pdf)


def test_data_edit_runs_the_chapters_that_read_data(project):
    goals = project / "data" / "vestre_toten" / "goals.csv"
    goals.write_text(goals.read_text(encoding="utf-8").replace("M3,nye_bedrifter,Nye bedrifter,10,8",
                                                               "M3,nye_bedrifter,Nye bedrifter,10,9"),
                     encoding="utf-8")
    result = build_report(CONFIG)
    assert set(result.executed) == DATA_CHAPTERS  # 70_utviklingsevne is prose only
    assert result.reused == ["70_utviklingsevne"]


def test_same_inputs_give_the_same_bytes(project, tmp_path, monkeypatch):
    again = copy_project(tmp_path / "again")
    for part in ("notebooks", "data", "prose", "report_templates"):  # the same inputs as the module's project has now
        for source in (project / part).rglob("*"):
            if source.is_file():
                target = again / source.relative_to(project)
                target.write_bytes(source.read_bytes())
    monkeypatch.setenv("EVALREPORT_ROOT", str(again))
    result = build_report(CONFIG, jobs=1)  # other timing, other chapter order: same bytes
    assert result.pdf.read_bytes() == (project / "build" / "vestre_toten.pdf").read_bytes()
    assert result.html.read_bytes() == (project / "build" / "vestre_toten.html").read_bytes()


def test_a_failed_build_leaves_nothing_a_later_build_would_reuse(project):
    # A data edit and a failing chapter; then both are undone and only prose changes. The
    # report must show the data as they are, not as the failed build saw them.
    population = project / "data" / "vestre_toten" / "population.csv"
    chapter = project / "notebooks" / "70_utviklingsevne.py"
    original_population, original_chapter = population.read_bytes(), chapter.read_bytes()
    population.write_text(population.read_text(encoding="utf-8").replace(
        "0529,Vestre Toten,2018,13314,", "0529,Vestre Toten,2018,13999,"), encoding="utf-8")
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n# %%\n1 / 0\n", encoding="utf-8")
    with pytest.raises(ChapterError):
        build_report(CONFIG)
    population.write_bytes(original_population)
    chapter.write_bytes(original_chapter)
    prose = project / "prose" / "vestre_toten" / "permanent_work.md"
    prose.write_text(prose.read_text(encoding="utf-8").replace("Etter programslutt", "Rett etter programslutt"),
                     encoding="utf-8")
    result = build_report(CONFIG)
    text = pdf_text(result.pdf)
    assert "13 314" in text and "13 999" not in text
    assert "Rett etter programslutt" in text


def test_template_edit_renders_again_in_the_same_process(project):
    template = project / "report_templates" / "evalreport" / "chapter.html.j2"
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
