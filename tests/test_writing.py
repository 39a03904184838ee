"""Issue 17: a whole evaluation written in evalreport. The Årdal case in nynorsk with every writing
feature (tests/cases.py, write_writing_features): two images of its own, three footnotes, four
citations with a page, cross-references to a standard chapter's figure and to its own figures, table
and sections, a callout, sub- and superscript. Built once; the PDF (which the build checks: PDF/A-2a,
PDF/UA-1, our structure checks), the HTML twin (axe-core where Chromium and axe-core are installed)
and the composed document's source map are read back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from cases import write_ardal, write_writing_features
from support import build_report, copy_project

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("writing") / "project")
    write_ardal(root, "nn", "ardal")
    write_writing_features(root, "ardal")
    result = build_report("reports/ardal.yaml", root=root)
    composed = _composed(root)
    pages = [re.sub(r"\s+", " ", page.extract_text().replace(NBSP, " ")) for page in PdfReader(result.pdf).pages]
    sidecar = json.loads((root / "build" / "ardal.json").read_text(encoding="utf-8"))
    twin = (root / "build" / "ardal.html").read_text(encoding="utf-8")
    return {"root": root, "pages": pages, "text": " ".join(pages), "sidecar": sidecar, "twin": twin,
            "composed": composed}


def _composed(root: Path) -> str:
    """The composed document (what steps.compose makes, before the PDF and the twin), from the build's runs."""
    from evalreport.pipeline import build, steps
    from evalreport.pipeline.executors import LocalExecutor
    from evalreport.pipeline.plan import make_plan
    from evalreport.pipeline.state import BuildState
    from evalreport.project import Project

    project = Project(root)
    plan = make_plan(project, project.resolve("reports/ardal.yaml"))
    run = build.run_steps(plan, steps.steps_until("compose"), LocalExecutor(), BuildState.read(plan))
    return run.composed.html


def labels_of(sidecar: dict, kind: str) -> list[str]:
    return [entry["label"] for entry in sidecar["labels"] if entry["kind"] == kind]


def test_the_pdf_passed_every_check(written):
    assert written["sidecar"]["pdf_checks"]["passed"] is True, written["sidecar"]["pdf_checks"]["problems"]


def test_the_title_page_and_the_metadata_carry_the_commissioner_report_number_and_isbn(written):
    import pikepdf

    title_page = written["pages"][0]
    for fact in ["Oppdragsgjevar Sogn og Fjordane fylkeskommune", "Rapportnummer Rapport 2022:1",
                 "ISBN 978-82-93791-00-3"]:
        assert fact in title_page, fact
    with pikepdf.open(written["root"] / "build" / "ardal.pdf") as pdf:
        assert str(pdf.open_metadata().get("dc:identifier")) == "urn:isbn:9788293791003"


def test_the_prose_figures_and_table_are_numbered_with_every_other(written):
    figures, tables = labels_of(written["sidecar"], "figure"), labels_of(written["sidecar"], "table")
    # By hand: the map is in chapter 1, the organisation chart in chapter 2 before the funding chart; the
    # summary's key figures are the first table, the board's table in chapter 2 the second.
    assert figures[:3] == ["fig-kart", "fig-organisasjon", "fig-funding-by-year"]
    assert tables[:2] == ["tbl-key-figures", "tbl-styret"]
    text = written["text"]
    assert "Figur 1: Kart over industriområdet i Årdal" in text
    assert "Figur 2: Organisasjonskartet til programmet" in text
    assert "Tabell 2: Styret i programmet" in text
    assert "Kart: Testbyrå" in text  # a source that names its kind is printed as written
    assert "Kjelde: Testbyrå" in text and "Kjelde: Styrepapira til programmet" in text


def test_cross_references_name_the_number_in_the_reports_words(written):
    figures = labels_of(written["sidecar"], "figure")
    employment = figures.index("fig-employment-index") + 1  # a standard chapter's figure
    text = written["text"]
    assert f"Sysselsetjinga er vist i figur {employment}, og styret i tabell 2." in text
    assert "Figur 1 viser kvar verksemdene ligg." in text  # capitalised: it starts a sentence
    assert "sjå figur 2 og tabell 2." in text
    # The case's own chapter 75 comes after the six numbered standard chapters: chapter 7, section 7.1.
    assert "Kapittelet byggjer på intervju, sjå avsnitt 7.1." in text


def test_four_citations_with_a_page_and_the_reference_list(written):
    text = written["text"]
    for citation in ["(Telemarksforsking, 2022, s. 12)", "(Hydro Aluminium AS, 2015, s. 4)",
                     "(Nordmann og Hansen, 2017, s. 7)", "(Nordmann og Hansen, 2017, s. 9)",
                     "(Innovasjon Norge, u.å.)"]:  # the last: the standard introduction's own
        assert citation in text, citation
    references = next(page for page in written["pages"] if page.startswith("Referansar") and "Hydro" in page)
    order = [references.index(name) for name in ("Hydro Aluminium AS. (2015)", "Innovasjon Norge. (u.å.)",
                                                 "Nordmann, K. og Hansen, P. (2017)", "Telemarksforsking. (2022)")]
    assert order == sorted(order)
    contents = next(page for page in written["pages"] if "Innhald" in page)
    assert "Referansar" in contents


def test_footnotes_are_at_the_foot_of_their_page(written):
    notes = {"Evalueringa vart gjord av Testbyrå.": "peika på det same1",
             "Nedbemanninga kom i 2012 og 2013.": "aluminiumsindustrien2",
             "Tala gjeld heile programperioden.": "Styret møttest jamleg3"}
    for number, (note, call) in enumerate(notes.items(), start=1):
        page = next(p for p in written["pages"] if call in p)
        assert f"{number}. {note}" in page, (note, page[-300:])
        assert page.index(f"{number}. {note}") > page.index(call)  # below the text that calls it


def test_callout_and_sub_and_superscript(written):
    text = written["text"]
    assert "Kort sagt Programmet nådde dei fleste måla sine" in text
    soup = BeautifulSoup(written["twin"], "html.parser")
    callout = soup.select_one("div.er-callout.er-callout-note[role=note]")
    assert callout is not None and callout.select_one(".er-callout-title").get_text() == "Kort sagt"
    assert "H<sub>2</sub>O" in written["twin"] and "m<sup>2</sup>" in written["twin"]


def test_the_twin_has_the_notes_at_the_end_of_their_chapter_and_no_source_map(written):
    soup = BeautifulSoup(written["twin"], "html.parser")
    assert "data-er-" not in written["twin"]
    calls = soup.select("sup > a.er-footnote-ref")
    assert [a.get_text() for a in calls] == ["1", "2", "3"]
    for call in calls:
        note = soup.find(id=call["href"][1:])
        assert note is not None and note.find_parent("div", class_="er-footnotes") is not None
        assert note.select_one("a.er-back-link")["href"] == f"#{call['id']}"
        assert note.find_parent("section", class_="chapter") is call.find_parent("section", class_="chapter")
    images = soup.select("img.er-image")
    assert [i["src"].split(";")[0] for i in images] == ["data:image/png", "data:image/svg+xml"]
    assert images[1]["alt"].startswith("Styret øvst")  # fig-alt, not the caption


def test_the_composed_document_maps_each_block_to_its_file_and_line(written):
    soup = BeautifulSoup(written["composed"], "html.parser")

    def source(name: str, start: str) -> str:
        element = next(e for e in soup.select(f"{name}[data-er-source]") if e.get_text(" ", strip=True).startswith(start))
        return element["data-er-source"]

    # Lines counted by hand in tests/cases.py's WRITING_PROSE and OWN_CHAPTER.
    assert source("p", "Programmet hadde eit styre") == "prose/ardal/organisation.md:1"
    assert source("figure", "Figur 2: Organisasjonskartet") == "prose/ardal/organisation.md:3"
    assert source("table", "Rolle") == "prose/ardal/organisation.md:5"
    assert source("tr", "Medlem") == "prose/ardal/organisation.md:8"
    assert source("p", "Styret møttest jamleg") == "prose/ardal/organisation.md:12"
    assert source("span", "Tala gjeld heile programperioden") == "prose/ardal/organisation.md:14"  # the footnote
    assert source("div", "Kort sagt") == "prose/ardal/assessment.md:1"  # the callout
    assert source("p", "Sysselsetjinga er vist i") == "prose/ardal/assessment.md:5"
    assert source("h1", "7 Intervju med aktørane") == "prose/ardal/75_intervju.md:1"
    assert source("h2", "7.1 Metode") == "prose/ardal/75_intervju.md:5"
    # A standard chapter's own text, and the case's
    # prose it includes with {{ prose("background") }} on line 5 of the chapter's text.
    assert source("p", "Denne sluttevalueringa") == "notebooks/20_innledning.nn.md:12"
    assert source("p", "Årdal miste arbeidsplassar") == "prose/ardal/background.md:1"
    chart = soup.find("figure", attrs={"data-er-label": "fig-employment-index"})
    assert chart["data-er-source"] == "computed:fig-employment-index"
    # What the build makes itself carries none.
    assert not soup.select(".title-page [data-er-source], nav.toc [data-er-source], .colophon [data-er-source]")


def test_axe_core_finds_no_violation_in_the_twin(written, tmp_path):
    from test_html_twin import AXE, BROWSER, WCAG_21_AA

    from browser.chromium import Chromium, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `npm ci --prefix tests/browser` (.ci/run does)")
    page = tmp_path / "rapport.html"
    page.write_text(written["twin"], encoding="utf-8")
    with Chromium(executable) as browser:
        for width in (320, 1280):
            browser.set_viewport(width, 800)
            browser.open(page)
            browser.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
            result = browser.evaluate(f"""axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_21_AA)}}},
                resultTypes: ['violations']}}).then(r => r.violations.map(v => v.id + ': ' + v.help + ' at ' +
                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))""")
            assert result == [], (width, result)
    assert BROWSER.is_dir()
