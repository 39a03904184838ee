"""The Word copy for the client's comments, and the comments back (issue 17, items 5 and 6).

One module fixture releases the test case of tests/cases.py (Årdal, nynorsk) from a git checkout, as
the council gets it: `make release` builds every output into build/ (the Word copy too) and puts the
archival ones in dist/. The Word copy is then opened with python-docx as a person's Word would read
it, and compared with the HTML twin of the same build. The comments come back through the command
line from copies edited with python-docx: two comments and a tracked insertion (w:ins) on a Word copy
made from HTML that carries the source map (data-er-source), as the composed report will.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from cases import write_ardal
from support import copy_project

from evalreport.cli import main
from evalreport.pipeline import ooxml, wordcopy

ROOT = Path(__file__).resolve().parents[1]
W = ooxml.NS["w"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
NO_SOURCE_MAP = ("the composed HTML carries no source map yet (data-er-source on its blocks, from the renderer's "
                 "part of issue 17): the Word copy of a real build maps every block to its chapter only")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALREPORT_CACHE", str(tmp_path / "cache"))


def git(root: Path, *args: str) -> None:
    date = "2026-03-02T10:00:00+00:00"
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """Årdal (nynorsk) committed in a git checkout and released as 1.0 by the command line."""
    base = tmp_path_factory.mktemp("word")
    root = copy_project(base / "project")
    write_ardal(root, "nn", "ardal")
    (root / ".gitignore").write_text("/build/\n/dist/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Årdal")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(GIT_ENV)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "evalreport", "release", "1.0", "--config", "reports/ardal.yaml"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr
    return {"root": root, "done": done, "seconds": time.perf_counter() - started,
            "document": docx.Document(root / "build" / "ardal.docx"),
            "twin": BeautifulSoup((root / "build" / "ardal.html").read_text(encoding="utf-8"), "html.parser")}


def part(path: Path, name: str):
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def words_of(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def body_paragraphs(document) -> list:
    return [p for p in document.paragraphs if p.text.strip()]


# --- the Word copy of a build -----------------------------------------------------------------------------

def test_the_word_copy_is_built_with_the_report_but_a_release_to_the_council_leaves_it_out(released):
    root = released["root"]
    assert (root / "build" / "ardal.docx").is_file()
    folder = root / "dist" / "ardal-1.0"
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "ardal-1.0.html", "ardal-1.0.json",
                                                        "ardal-1.0.pdf"]
    assert ".docx" not in (folder / "SHA256SUMS").read_text(encoding="utf-8")


def test_headings_are_words_heading_styles_in_the_order_of_the_report(released):
    document, twin = released["document"], released["twin"]
    headings = [(int(p.style.name[-1]), words_of(p.text)) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    expected = [(int(h.name[1]), words_of(h.get_text())) for h in twin.select("main section.chapter")
                for h in h.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert headings == expected
    # The report's own numbering, as the PDF has it (nynorsk words of the standard chapters).
    assert headings[:3] == [(1, "Samandrag"), (1, "1 Innleiing"), (2, "1.1 Bakgrunn")]
    # The title page and the contents are not headings of the document.
    assert [p.style.name for p in body_paragraphs(document)[:4]] == ["Draft Notice", "Kicker", "Title", "Subtitle"]


def test_tables_are_word_tables_with_their_header_row_repeated_on_every_page(released):
    document, twin = released["document"], released["twin"]
    tables = twin.select("main table")
    assert len(document.tables) == len(tables) > 5
    for table, html in zip(document.tables, tables):
        header = html.find("thead")
        first = table.rows[0]._tr
        repeated = first.find(f"{{{W}}}trPr/{{{W}}}tblHeader")
        if header is None:
            assert repeated is None
            continue
        assert repeated is not None and repeated.get(f"{{{W}}}val", "on") in ("on", "1", "true")
        assert [words_of(c.text) for c in table.rows[0].cells] == [words_of(th.get_text()) for th in
                                                                  header.find_all("th")]
        caption = table._tbl.find(f"{{{W}}}tblPr/{{{W}}}tblCaption")  # a screen reader's name for the table
        assert caption is not None and caption.get(f"{{{W}}}val").startswith("Tabell ")


def test_captions_are_in_words_caption_styles_above_their_exhibits(released):
    document, twin = released["document"], released["twin"]
    captions = [(p.style.name, words_of(p.text)) for p in document.paragraphs
                if p.style.name in ("Table Caption", "Image Caption")]
    expected = [("Table Caption" if "er-table" in f["class"] else "Image Caption", words_of(f.figcaption.get_text()))
                for f in twin.select("figure.er-exhibit")]
    assert captions == expected
    assert captions[0][1].startswith("Tabell 1: ") and any(c.startswith("Figur 1: ") for _, c in captions)
    styles = document.styles
    assert styles["Table Caption"].base_style.name == styles["Image Caption"].base_style.name == "Caption"


def test_charts_are_png_images_with_their_alt_text(released):
    root, twin = released["root"], released["twin"]
    body = part(root / "build" / "ardal.docx", "word/document.xml")
    described = [e.get("descr") for e in body.iter(f"{{{ooxml.NS['wp']}}}docPr")]
    alt = [svg["aria-label"] for svg in twin.select("svg.er-chart")]
    assert described == alt and len(alt) >= 5 and all(len(a) > 20 for a in alt)
    with zipfile.ZipFile(root / "build" / "ardal.docx") as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(media) == len(alt) and all(n.endswith(".png") for n in media)
        from PIL import Image

        image = Image.open(io.BytesIO(package.read(media[0])))
        assert image.format == "PNG" and round(image.info["dpi"][0]) == wordcopy.CHART_DPI == 150 and image.size[0] > 800


def test_the_language_is_set_on_the_text(released):
    path = released["root"] / "build" / "ardal.docx"
    defaults = part(path, "word/styles.xml").find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr/{{{W}}}lang")
    assert defaults.get(f"{{{W}}}val") == "nn-NO"
    assert released["document"].core_properties.language == "nn-NO"


def test_it_says_on_its_first_page_and_in_its_properties_that_it_is_a_draft_for_comments(released):
    document = released["document"]
    first = body_paragraphs(document)[0].text
    assert first.startswith("Utkast til kommentarar – ikkje den endelege rapporten.") and "Testbyrå" in first
    properties = document.core_properties
    assert properties.title == "Utkast til kommentarar: Sluttevaluering av omstillingsprogrammet i Årdal 2014–2019"
    assert properties.subject == "Utkast til kommentarar – ikkje den endelege rapporten"
    assert properties.keywords.startswith("utkast til kommentarar, ikkje endeleg")
    assert properties.content_status == "Utkast til kommentarar"
    # Word opens it with change tracking on, so that the client's edits come back as tracked changes.
    assert part(released["root"] / "build" / "ardal.docx", "word/settings.xml").find(f"{{{W}}}trackRevisions") \
        is not None


def test_the_title_page_gives_the_reports_facts(released):
    texts = {p.style.name: [] for p in released["document"].paragraphs}
    for p in released["document"].paragraphs:
        texts[p.style.name].append(words_of(p.text))
    assert texts["Title"] == ["Sluttevaluering av omstillingsprogrammet i Årdal 2014–2019"]
    assert texts["Subtitle"] == ["Årdal"]
    assert texts["Title Facts"][:2] == ["Programperiode: 2014–2019", "Utarbeidd av: Testforfattar, Testbyrå"]
    assert "Versjon: 1.0 (2. mars 2026)" in texts["Title Facts"]


def test_the_same_inputs_give_the_same_bytes_dated_by_the_build(released, monkeypatch):
    """The release's plan made again in this process, later, writes the very bytes of build/ardal.docx."""
    from evalreport.pipeline import build, steps
    from evalreport.pipeline.executors import LocalExecutor
    from evalreport.pipeline.plan import Release, make_plan
    from evalreport.pipeline.state import BuildState
    from evalreport.project import Project

    root = released["root"]
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = Project(root)
    plan = make_plan(project, root / "reports" / "ardal.yaml").as_release(Release("1.0"))
    run = build.run_steps(plan, steps.steps_until("compose"), LocalExecutor(1), BuildState.read(plan))
    again = root / "again.docx"
    steps.write_docx(run, again)
    assert again.read_bytes() == (root / "build" / "ardal.docx").read_bytes()
    with zipfile.ZipFile(again) as package:
        assert {info.date_time for info in package.infolist()} == {(2026, 3, 2, 10, 0, 0)}  # the commit's time
    assert released["document"].core_properties.created.isoformat() == "2026-03-02T10:00:00+00:00"


def test_libreoffice_opens_the_word_copy(released, tmp_path):
    """Optional: with LibreOffice on the machine (apt-get install libreoffice-writer-nogui), the copy
    converts to a PDF that starts with the draft note and holds every chapter."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    done = subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(released["root"] / "build" / "ardal.docx")],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    pdf = tmp_path / "ardal.pdf"
    assert pdf.is_file(), done.stderr
    text = words_of(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert text.startswith("Utkast til kommentarar – ikkje den endelege rapporten")
    assert "6 Utviklingsevne og overføringsverdi" in text or "6 Utviklingsevne" in text


@pytest.mark.parametrize("language, tag, notice, title", [
    ("nb", "nb-NO", "Utkast til kommentarer – ikke den endelige rapporten.", "Utkast til kommentarer: Testrapporten"),
    ("nn", "nn-NO", "Utkast til kommentarar – ikkje den endelege rapporten.", "Utkast til kommentarar: Testrapporten"),
    ("en", "en-GB", "Draft for comments – not the final report.", "Draft for comments: Testrapporten")])
def test_every_language_has_its_draft_note_and_its_language_tag(project, language, tag, notice, title):
    html = source_map_html(project).replace('<html lang="nb">', f'<html lang="{language}">')
    copy = write_copy(project, html, project / f"{language}.docx", language=language)
    document = docx.Document(copy)
    first = body_paragraphs(document)[0].text
    assert first.startswith(notice) and "Byrå" in first
    assert document.core_properties.title == title and document.core_properties.language == tag
    rpr = part(copy, "word/styles.xml").find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr")
    assert rpr.find(f"{{{W}}}lang").get(f"{{{W}}}val") == tag


def test_the_house_style_is_made_by_its_script():
    """report_templates/evalreport/reference.docx is what `python -m dev.referencedoc` writes."""
    from dev import referencedoc

    assert referencedoc.make_reference() == (ROOT / "report_templates" / "evalreport" / "reference.docx").read_bytes()


# --- a Word copy with a source map, and the comments back -------------------------------------------------

LESSONS = "prose/vestre_toten/lessons.md"
BACKGROUND = "prose/vestre_toten/background.md"


def source_map_html(project: Path) -> str:
    """The report as the composed HTML will carry it, every block with data-er-source: the title page,
    the background (two paragraphs, the first printing {{ jobs_lost }} = 550), a computed figure, the
    lessons as a list (lines 1, 2 and 4 of lessons.md), a line of a standard chapter's text, the colophon."""
    chart = wordcopy.SVG_DATA + __import__("base64").b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt" viewBox="0 0 200 100">'
        b'<rect width="200" height="100" fill="#0B4F8A"/><text x="10" y="50">2011</text></svg>').decode()
    lessons = (project / LESSONS).read_text(encoding="utf-8").splitlines()
    items = [lessons[0][2:], " ".join([lessons[1][2:], lessons[2].strip()]), lessons[3][2:]]
    return f"""<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>T</title></head><body>
<section class="title-page"><p class="kicker">Sluttevaluering</p><h1 class="report-title">Testrapporten</h1>
<p class="municipality">Vestre Toten</p><dl class="facts"><dt>Dato</dt><dd>1. juni 2018</dd></dl></section>
<nav class="toc"><h1 class="toc-title">Innhold</h1><ul><li class="toc-level-1"><a href="#b">1 Bakgrunn</a></li></ul></nav>
<section class="chapter"><h1 id="b" data-er-source="notebooks/20_innledning.md:1">1 Bakgrunn</h1>
<p data-er-source="{BACKGROUND}:1">Etter finanskrisen i 2008 mistet Raufoss-industrien om lag 550 arbeidsplasser i løpet
av få måneder.</p>
<p data-er-source="{BACKGROUND}:6">Kommunen søkte fylkeskommunen om status som omstillingskommune og fikk den \
innvilget.</p>
<figure class="er-exhibit er-figure" data-er-source="computed:fig-funding-by-year"><figcaption><span
class="er-label" data-kind="figure">Figur 1: </span><span class="er-caption">Finansiering etter år</span></figcaption><img
class="er-chart" src="{chart}" alt="Søyler for 2011"><p class="er-source">Kilde: regnskapet</p></figure>
<ul><li data-er-source="{LESSONS}:1">{items[0]}</li><li data-er-source="{LESSONS}:2">{items[1]}</li>
<li data-er-source="{LESSONS}:4">{items[2]}</li></ul>
<p data-er-source="notebooks/50_sysselsetting.md:30">Tabellen viser sysselsettingen.</p>
</section>
<section class="chapter colophon"><h2>Kolofon</h2><dl class="colophon-facts"><dt>Versjon</dt><dd>utkast</dd></dl>
</section></body></html>"""


def write_copy(project: Path, html: str, target: Path, name: str = "vestre_toten", language: str = "nb",
               prose_dir: Path | None = None) -> Path:
    from evalreport.pipeline.fingerprint import hash_file

    digests = {p: hash_file(project / p) for p in (LESSONS, BACKGROUND)}
    facts = wordcopy.WordFacts(name=name, config=f"reports/{name}.yaml", language=language, title="Testrapporten",
                               author="Forfatter", organisation="Byrå", municipality="Vestre Toten",
                               built_at="2026-12-01T08:00:00+00:00", chapters=("notebooks/20_innledning.md",),
                               labels={"fig-funding-by-year": "notebooks/30_omstillingsprosessen.py"},
                               digests=digests, prose_dir=prose_dir)
    wordcopy.write_word_copy(html, target, project / "report_templates", facts)
    return target


def comment(document, paragraph, text: str, author: str, date: str) -> None:
    added = document.add_comment(paragraph.runs, text=text, author=author, initials=author[:2])
    added._comment_elm.set(qn("w:date"), date)


def insert(paragraph, text: str, author: str, date: str) -> None:
    """A tracked insertion at the end of `paragraph`, as Word writes one."""
    inserted = OxmlElement("w:ins")
    for key, value in (("w:id", "901"), ("w:author", author), ("w:date", date)):
        inserted.set(qn(key), value)
    run, written = OxmlElement("w:r"), OxmlElement("w:t")
    written.set(qn("xml:space"), "preserve")
    written.text = text
    run.append(written)
    inserted.append(run)
    paragraph._p.append(inserted)


def find(document, start: str):
    return next(p for p in document.paragraphs if words_of(p.text).startswith(start))


def test_comments_and_a_tracked_insertion_name_the_prose_files_and_lines(project, capsys):
    copy = write_copy(project, source_map_html(project), project / "build" / "vestre_toten.docx")
    document = docx.Document(copy)
    comment(document, find(document, "Et lite og ubyråkratisk"), "Gjelder dette alle programmer?",
            "Kari (kommunen)", "2026-12-03T09:15:00Z")
    comment(document, find(document, "Kommunen søkte"), "Når ble søknaden sendt?", "Per Olsen", "2026-12-02T14:00:00Z")
    insert(find(document, "Resultatmål bør følges opp"), " Det bør også telles arbeidsplasser.", "Kari (kommunen)",
           "2026-12-04T08:00:00Z")
    returned = project / "returned.docx"
    document.save(returned)
    assert main(["comments", str(returned), "--case", "vestre_toten"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    lessons = (project / LESSONS).read_text(encoding="utf-8").splitlines()
    assert (f"- [ ] {LESSONS}:2 — Kari (kommunen), 2026-12-03: «{lessons[1][2:]} {lessons[2].strip()}» — comment: "
            "«Gjelder dette alle programmer?»") in lines
    assert (f"- [ ] {BACKGROUND}:6 — Per Olsen, 2026-12-02: «Kommunen søkte fylkeskommunen om status som "
            "omstillingskommune og fikk den innvilget.» — comment: «Når ble søknaden sendt?»") in lines
    assert (f"- [ ] {LESSONS}:4 — Kari (kommunen), 2026-12-04: «{lessons[3][2:]}» — inserted: «Det bør også telles "
            "arbeidsplasser.»") in lines
    # Grouped by file in the report's order: the background comes before the lessons.
    assert lines.index(f"## {BACKGROUND}") < lines.index(f"## {LESSONS}")
    assert "2 comments and 1 tracked change, by Kari (kommunen), Per Olsen." in out
    assert (project / "build" / "vestre_toten-comments.md").read_text(encoding="utf-8") == out


def test_a_comment_on_a_computed_figure_or_number_says_it_comes_from_the_data(project, capsys):
    copy = write_copy(project, source_map_html(project), project / "build" / "vestre_toten.docx")
    (project / "build" / "vestre_toten.json").write_text('{"values": {"jobs_lost": "550"}}', encoding="utf-8")
    document = docx.Document(copy)
    comment(document, find(document, "Figur 1: Finansiering"), "Mangler 2018?", "Kari", "2026-12-01T10:00:00Z")
    comment(document, find(document, "Etter finanskrisen"), "Var det ikke 600?", "Kari", "2026-12-01T10:01:00Z")
    comment(document, find(document, "Testrapporten"), "Ny tittel?", "Kari", "2026-12-01T10:02:00Z")
    comment(document, find(document, "Tabellen viser"), "Hvilken tabell?", "Kari", "2026-12-01T10:03:00Z")
    returned = project / "returned.docx"
    document.save(returned)
    assert main(["comments", str(returned)]) == 0  # the report is the one the copy names
    lines = capsys.readouterr().out.splitlines()
    assert ("- [ ] computed in the standard chapter notebooks/30_omstillingsprosessen.py (fig-funding-by-year) from "
            "the data — Kari, 2026-12-01: «Figur 1: Finansiering etter år» — comment: «Mangler 2018?»") in lines
    at = lines.index(f"- [ ] {BACKGROUND}:1 — Kari, 2026-12-01: «Etter finanskrisen i 2008 mistet Raufoss-industrien "
                     "om lag 550 arbeidsplasser i løpet av få måneder.» — comment: «Var det ikke 600?»")
    assert lines[at + 1] == ("  - computed from the data, not written in the prose: «550» ({{ jobs_lost }}); change the "
                             "data if it is wrong")
    assert ("- [ ] the build itself (title page, contents, colophon) — Kari, 2026-12-01: «Testrapporten» — comment: "
            "«Ny tittel?»") in lines
    assert any(line.startswith("- [ ] notebooks/50_sysselsetting.md:30 — Kari") for line in lines)
    assert lines.index("## the build itself") < lines.index(f"## {BACKGROUND}")


def test_comment_text_from_the_client_is_escaped(project, capsys):
    copy = write_copy(project, source_map_html(project), project / "build" / "vestre_toten.docx")
    document = docx.Document(copy)
    comment(document, find(document, "Kommunen søkte"), "<script>alert(1)</script>\n# [lenke](javascript:x)",
            "Ola <b>_x_", "2026-12-01T10:00:00Z")
    returned = project / "returned.docx"
    document.save(returned)
    assert main(["comments", str(returned)]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "Kommunen søkte" in line)
    assert "<script>" not in out and "<b>" not in out and "[lenke](" not in out
    assert line.endswith(r"comment: «\<script\>alert(1)\</script\> \# \[lenke\](javascript:x)»")
    assert r"Ola \<b\>\_x\_, 2026-12-01" in line


def test_a_file_that_is_not_a_word_copy_of_the_report_gets_a_clear_message(project, capsys):
    blank = project / "blank.docx"
    docx.Document().save(blank)
    assert main(["comments", str(blank)]) == 1
    assert "is not a Word copy made by evalreport: it has no source map" in capsys.readouterr().err
    text = project / "notes.docx"
    text.write_text("just some notes", encoding="utf-8")
    assert main(["comments", str(text)]) == 1
    assert "is not a Word document (.docx)" in capsys.readouterr().err
    assert main(["comments", str(project / "missing.docx")]) == 1
    assert "no such file" in capsys.readouterr().err
    other = write_copy(project, source_map_html(project), project / "other.docx", name="ardal")
    assert main(["comments", str(other), "--case", "vestre_toten"]) == 1
    err = capsys.readouterr().err
    assert "is the Word copy of the report 'ardal' (reports/ardal.yaml), not of 'vestre_toten'" in err
    assert "Traceback" not in err


def test_footnotes_become_words_own_footnotes(project):
    html = source_map_html(project).replace(
        "innvilget.</p>", 'innvilget.<span class="footnote">Søknaden ble sendt i 2009.</span></p>'
        '<p>Se notat<sup class="footnote-ref"><a href="#fn-1" id="fnref-1">1</a></sup>.</p>'
        '<section class="footnotes"><ol><li id="fn-1"><p>Notatet fra 2010.<a href="#fnref-1">↩</a></p></li></ol>'
        "</section>")
    copy = write_copy(project, html, project / "notes.docx")
    notes = part(copy, "word/footnotes.xml")
    texts = [words_of("".join(n.itertext())) for n in notes.iter(f"{{{W}}}footnote") if n.get(f"{{{W}}}type") is None]
    assert texts == ["Søknaden ble sendt i 2009.", "Notatet fra 2010."]
    assert len(list(part(copy, "word/document.xml").iter(f"{{{W}}}footnoteReference"))) == 2


def test_images_from_the_case_folder_are_embedded_and_no_other_file_is_read(project):
    """An image the prose names by its file is read only inside the case's prose folder."""
    from PIL import Image

    folder = project / "prose" / "vestre_toten"
    Image.new("RGB", (60, 30), "#0B4F8A").save(folder / "kart.png")
    secret = project / "secret.png"
    Image.new("RGB", (60, 30), "#8A1C1C").save(secret)
    html = source_map_html(project).replace(
        "<ul><li data-er-source", '<p><img src="kart.png" alt="Kart over industriparken"></p>'
        f'<p><img src="file://{secret}" alt="Hemmelig bilde"></p><p><img src="../../secret.png" alt="Også hemmelig">'
        '</p><p><img src="https://example.org/x.png" alt="Fra nettet"></p><ul><li data-er-source')
    copy = write_copy(project, html, project / "images.docx", prose_dir=folder)
    body = part(copy, "word/document.xml")
    assert [e.get("descr") for e in body.iter(f"{{{ooxml.NS['wp']}}}docPr")] == ["Søyler for 2011",
                                                                               "Kart over industriparken"]
    text = words_of("".join(body.itertext()))
    assert "Hemmelig bilde" in text and "Også hemmelig" in text and "Fra nettet" in text
    with zipfile.ZipFile(copy) as package:
        media = [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
    assert secret.read_bytes() not in media and (folder / "kart.png").read_bytes() in media


def test_comments_on_the_built_copy_name_the_prose_files_and_lines(released, tmp_path, capsys, monkeypatch):
    """The same on the real build, once the composed HTML carries the source map: every prose file of
    Årdal holds the same sentence, so only the map can tell lessons.md from the others."""
    root = released["root"]
    properties = ooxml.read_custom_properties(ooxml.read_package((root / "build" / "ardal.docx").read_bytes()))
    if not any('"prose/ardal/' in value for value in properties.values()):
        pytest.skip(NO_SOURCE_MAP)
    document = docx.Document(root / "build" / "ardal.docx")
    headings = [i for i, p in enumerate(document.paragraphs)
                if p.style.name == "Heading 2" and words_of(p.text) == "6.3 Overføringsverdi"]
    lessons = next(p for p in document.paragraphs[headings[0] + 1:] if p.text.startswith("Årdal miste"))
    comment(document, lessons, "Kva med reiselivet?", "Kari", "2026-12-01T10:00:00Z")
    insert(lessons, " Meir her.", "Per", "2026-12-02T10:00:00Z")
    returned = tmp_path / "returned.docx"
    document.save(returned)
    monkeypatch.chdir(root)  # the command line finds the project where it runs
    assert main(["comments", str(returned), "--config", "reports/ardal.yaml"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("- [ ] prose/ardal/lessons.md:1 — Kari, 2026-12-01: «Årdal miste") for line in lines)
    assert any(line.startswith("- [ ] prose/ardal/lessons.md:1 — Per, 2026-12-02:") and "inserted: «Meir her.»" in line
               for line in lines)


def change(kind: str, text: str, author: str, date: str, change_id: str):
    """A tracked change as Word writes one: <w:ins> or <w:del> around a run."""
    element = OxmlElement(f"w:{kind}")
    for key, value in (("w:id", change_id), ("w:author", author), ("w:date", date)):
        element.set(qn(key), value)
    run, written = OxmlElement("w:r"), OxmlElement("w:delText" if kind == "del" else "w:t")
    written.set(qn("xml:space"), "preserve")
    written.text = text
    run.append(written)
    element.append(run)
    return element


def test_a_replacement_and_an_insertion_word_split_in_two_are_one_item_each(project, capsys):
    copy = write_copy(project, source_map_html(project), project / "build" / "vestre_toten.docx")
    document = docx.Document(copy)
    paragraph = find(document, "Kommunen søkte")
    # «den innvilget» replaced by «statusen»: the deleted run, then the inserted one in its place.
    first = paragraph.runs[0]._r
    text = first.find(qn("w:t")).text
    assert text.endswith("den innvilget.")
    first.find(qn("w:t")).text = text[:-len("den innvilget.")]
    first.addnext(change("del", "den innvilget", "Per", "2026-12-05T10:00:00Z", "801"))
    first.getnext().addnext(change("ins", "statusen", "Per", "2026-12-05T10:00:00Z", "802"))
    tail = OxmlElement("w:r")
    dot = OxmlElement("w:t")
    dot.text = "."
    tail.append(dot)
    first.getnext().getnext().addnext(tail)
    # One insertion that Word wrote as two elements (two runs of different formatting).
    other = find(document, "Etter finanskrisen")
    other._p.append(change("ins", " Det gjaldt", "Kari", "2026-12-05T11:00:00Z", "803"))
    other._p.append(change("ins", " underleverandørene.", "Kari", "2026-12-05T11:00:00Z", "804"))
    returned = project / "returned.docx"
    document.save(returned)
    assert main(["comments", str(returned)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("- [ ]")]
    assert lines == [
        f"- [ ] {BACKGROUND}:1 — Kari, 2026-12-05: «Etter finanskrisen i 2008 mistet Raufoss-industrien om lag 550 "
        "arbeidsplasser i løpet av få måneder.» — inserted: «Det gjaldt underleverandørene.»",
        f"- [ ] {BACKGROUND}:6 — Per, 2026-12-05: «Kommunen søkte fylkeskommunen om status som omstillingskommune og "
        "fikk den innvilget.» — replaced «den innvilget» with «statusen»"]


def test_replies_go_under_their_comment_and_a_resolved_comment_is_ticked(project, capsys):
    """Word 2013 and later keep threads and the resolved state in word/commentsExtended.xml."""
    copy = write_copy(project, source_map_html(project), project / "build" / "vestre_toten.docx")
    document = docx.Document(copy)
    comment(document, find(document, "Kommunen søkte"), "Når ble søknaden sendt?", "Per", "2026-12-02T10:00:00Z")
    comment(document, find(document, "Kommunen søkte"), "I 2009, se kapittel 1.", "Ola", "2026-12-03T10:00:00Z")
    comment(document, find(document, "Etter finanskrisen"), "Fint.", "Kari", "2026-12-03T11:00:00Z")
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    for n, element in enumerate(document.part._comments_part.element.iter(qn("w:p")), start=1):
        element.set(f"{{{w14}}}paraId", f"0000000{n}")
    returned = project / "returned.docx"
    document.save(returned)
    parts = ooxml.read_package(returned.read_bytes())
    w15 = ooxml.NS["w15"]
    parts["word/commentsExtended.xml"] = (
        f'<w15:commentsEx xmlns:w15="{w15}"><w15:commentEx w15:paraId="00000001" w15:done="0"/>'
        '<w15:commentEx w15:paraId="00000002" w15:paraIdParent="00000001" w15:done="0"/>'
        '<w15:commentEx w15:paraId="00000003" w15:done="1"/></w15:commentsEx>').encode()
    returned.write_bytes(ooxml.write_package(parts, __import__("datetime").datetime(2026, 12, 3,
                                                   tzinfo=__import__("datetime").timezone.utc)))
    assert main(["comments", str(returned)]) == 0
    lines = capsys.readouterr().out.splitlines()
    at = lines.index(f"- [ ] {BACKGROUND}:6 — Per, 2026-12-02: «Kommunen søkte fylkeskommunen om status som "
                     "omstillingskommune og fikk den innvilget.» — comment: «Når ble søknaden sendt?»")
    assert lines[at + 1] == "  - reply — Ola, 2026-12-03: «I 2009, se kapittel 1.»"
    assert any(line.startswith(f"- [x] {BACKGROUND}:1 — Kari") and line.endswith("«Fint.» (resolved in Word)")
               for line in lines)
    assert "2 comments and 0 tracked changes" in "\n".join(lines)
