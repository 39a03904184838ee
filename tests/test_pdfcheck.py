"""The final PDF passes PDF/A-2a, PDF/UA-1 and our own accessibility checks, and each check of ours
catches the fault it is there for (shown on copies of the real PDF, broken with pikepdf)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import page as page_validation
import pdfua
import pikepdf
import pytest
from pdfua.model import Report, RuleOutcome

from evalreport.pipeline import pdf as render, pdfcheck
from evalreport.pipeline.pdfcheck import CheckResult, PdfCheckError, Problem, check_pdf, enforce

TITLE = "Sluttevaluering av omstillingsprogrammet i Vestre Toten 2011–2017"


@pytest.fixture(scope="module")
def report_pdf(built_project) -> Path:
    return built_project / "build" / "vestre_toten.pdf"


@pytest.fixture(scope="module")
def bundled(report_pdf) -> CheckResult:
    return check_pdf(report_pdf, "nb", title=TITLE)


# --- the bundled report -------------------------------------------------------------------------

def test_bundled_report_passes_every_check(bundled):
    assert bundled.passed, bundled.report()


def test_every_checker_ran_on_the_bundled_report(bundled):
    ran = " | ".join(bundled.checkers)
    for name in ["evalreport structure checks", "page-validation 0.11.0 PDF/A-2a", "page-validation 0.11.0 PDF/UA-1",
                 "pdfua 0.1.3"]:
        assert name in ran, ran


def test_validators_themselves_pass_the_bundled_report(report_pdf):
    # Directly, not through our wrapper: a wrapper that lost failures would still be caught here.
    for profile in ("2a", "ua1"):
        report = page_validation.validate_pdf(report_pdf, profile=profile)
        assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    findings = pdfua.validate(str(report_pdf)).findings
    assert not findings, [(f.rule_id, f.message) for f in findings]


def test_bundled_report_claims_pdfa_2a_and_pdfua_1_and_names_the_organisation(report_pdf):
    with pikepdf.open(report_pdf) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance"), meta.get("pdfuaid:part")) == ("2", "A", "1")
        assert meta.get("dc:publisher") == {"evalreport (eksempel)"}
        assert "/Filter" not in pdf.Root.Metadata.stream_dict  # the XMP stays readable as it is


# --- broken copies ----------------------------------------------------------------------------

def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def elements(pdf: pikepdf.Pdf, *roles: str) -> list[pikepdf.Dictionary]:
    """Structure elements in document order, of the given roles (all if none given)."""
    found, stack = [], list(reversed(_kids(pdf.Root.StructTreeRoot)))
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if not roles or str(node.get("/S")) in roles:
            found.append(node)
        stack.extend(reversed(_kids(node)))
    return found


def detach(element: pikepdf.Dictionary) -> None:
    """Take `element` out of its parent's /K."""
    parent = element.P
    parent.K = pikepdf.Array([kid for kid in _kids(parent)
                              if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen)])


@pytest.fixture
def broken(report_pdf, tmp_path):
    """broken(edit) -> path of a copy of the report with `edit(pdf)` applied."""
    def make(edit) -> Path:
        target = tmp_path / "broken.pdf"
        with pikepdf.open(report_pdf) as pdf:
            edit(pdf)
            pdf.save(target)
        return target
    return make


def problems(path: Path, check: str, language: str = "nb", title: str | None = TITLE) -> list[Problem]:
    result = check_pdf(path, language, title=title, validators=False)
    return [p for p in result.problems if p.check == check]


def test_the_unbroken_copy_has_no_problem(broken):
    # Saving with pikepdf alone must not produce problems, or the tests below would prove nothing.
    assert check_pdf(broken(lambda pdf: None), "nb", title=TITLE, validators=False).problems == ()


@pytest.mark.parametrize("alt, says", [(None, "no alternative text"), ("", "no alternative text"),
                                       ("   ", "no alternative text"), ("sysselsetting.svg", "file name"),
                                       ("Figur1.PNG", "file name")])
def test_figure_without_real_alternative_text_is_reported(broken, alt, says):
    def edit(pdf):
        figure = elements(pdf, "/Figure")[1]
        if alt is None:
            del figure["/Alt"]
        else:
            figure.Alt = pikepdf.String(alt)
    found = problems(broken(edit), "figure-alt")
    assert len(found) == 1 and "Figure 2" in found[0].where and says in found[0].message, found


def test_figure_without_caption_is_reported(broken):
    def edit(pdf):
        figure = elements(pdf, "/Figure")[0]
        for caption in [kid for kid in _kids(figure.P) if isinstance(kid, pikepdf.Dictionary)
                        and kid.get("/S") == "/Caption"]:
            detach(caption)
    found = problems(broken(edit), "figure-caption")
    assert [p.where.split(", ")[-1] for p in found] == ["Figure 1"], found


@pytest.mark.parametrize("lang", ["en", "", None])
def test_wrong_or_missing_language_is_reported(broken, lang):
    def edit(pdf):
        if lang is None:
            del pdf.Root["/Lang"]
        else:
            pdf.Root.Lang = pikepdf.String(lang)
    found = problems(broken(edit), "language")
    assert len(found) == 1 and "expected 'nb'" in found[0].message


def test_expected_language_is_compared(report_pdf):
    assert [p.check for p in check_pdf(report_pdf, "nn", validators=False).problems] == ["language"]


def test_skipped_heading_level_is_reported(broken):
    def edit(pdf):
        headings = elements(pdf, "/H1", "/H2", "/H3")
        for before, after in zip(headings, headings[1:]):
            if (before.S, after.S) == ("/H1", "/H2"):
                after.S = pikepdf.Name("/H4")
                return
        raise AssertionError("no H2 right after an H1")
    found = problems(broken(edit), "heading-levels")
    assert len(found) == 1 and "H4 follows H1" in found[0].message and "H3" in found[0].message, found


def test_first_heading_not_h1_is_reported(broken):
    def edit(pdf):
        elements(pdf, "/H1")[0].S = pikepdf.Name("/H2")
    found = problems(broken(edit), "heading-levels")
    assert len(found) == 1 and "first heading is H2" in found[0].message, found


def test_empty_heading_is_reported(broken):
    def edit(pdf):
        elements(pdf, "/H2")[0].K = pikepdf.Array([])
    found = problems(broken(edit), "heading-empty")
    assert len(found) == 1 and "(H2)" in found[0].where, found


def test_table_without_header_cells_is_reported(broken):
    def edit(pdf):
        table = elements(pdf, "/Table")[1]
        for cell in elements(pdf, "/TH"):
            node = cell
            while node.get("/S") != "/Table":
                node = node.P
            if node.objgen == table.objgen:
                cell.S = pikepdf.Name("/TD")
    found = problems(broken(edit), "table-headers")
    assert len(found) == 1 and "table element 2" in found[0].where and "no header cells" in found[0].message


def test_header_cell_without_scope_is_reported(broken):
    def edit(pdf):
        del elements(pdf, "/TH")[0].A["/Scope"]
    found = problems(broken(edit), "table-scope")
    assert len(found) == 1 and "table element 1" in found[0].where and found[0].message.startswith("1 of ")


@pytest.mark.parametrize("edit, check, says", [
    (lambda pdf: pdf.Root.ViewerPreferences.__setattr__("DisplayDocTitle", False), "title", "DisplayDocTitle"),
    (lambda pdf: pdf.Root.__delitem__("/ViewerPreferences"), "title", "DisplayDocTitle"),
    (lambda pdf: pdf.docinfo.__setitem__("/Title", pikepdf.String("Utkast")), "title", "expected"),
    (lambda pdf: pdf.docinfo.__delitem__("/Title"), "metadata", "Title"),
    (lambda pdf: pdf.docinfo.__delitem__("/Keywords"), "metadata", "Keywords"),
    (lambda pdf: pdf.docinfo.__delitem__("/ModDate"), "metadata", "ModDate"),
    (lambda pdf: pdf.Root.MarkInfo.__setattr__("Marked", False), "tagged", "Marked"),
    (lambda pdf: pdf.Root.__delitem__("/Outlines"), "bookmarks", "no bookmarks"),
])
def test_document_level_faults_are_reported(broken, edit, check, says):
    found = problems(broken(edit), check)
    assert found and says in found[0].message, found


@pytest.mark.parametrize("key, check", [("pdfuaid:part", "identification"), ("pdfaid:conformance", "identification"),
                                        ("dc:publisher", "metadata"), ("dc:creator", "metadata")])
def test_missing_xmp_entries_are_reported(broken, key, check):
    def edit(pdf):
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            del meta[key]
    found = problems(broken(edit), check)
    assert len(found) == 1 and key in found[0].message, found


def test_validators_report_a_missing_pdfua_claim(broken):
    # Without the claim and its extension schema: pdfua's UA-28-004 only looks for the word "pdfuaid".
    def edit(pdf):
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        claim = r'<rdf:Description rdf:about="" xmlns:(?:pdfaExtension|pdfuaid)=[^>]*>.*?</rdf:Description>(?=<rdf:D)'
        xmp, claims = re.subn(claim, "", xmp)
        assert claims == 2, xmp
        pdf.Root.Metadata.write(xmp.encode("utf-8"))
    checks = {p.check for p in check_pdf(broken(edit), "nb", title=TITLE).problems}
    assert {"identification", "page-validation PDF/UA-1 PDFUA1-ID-PART-001", "pdfua UA-28-004"} <= checks, checks


def test_tagged_content_outside_the_structure_tree_is_reported(broken):
    # What WeasyPrint 70 does with running headers and page numbers unless render.finish_pdf fixes it.
    def edit(pdf):
        paragraph = elements(pdf, "/P")[0]
        detach(paragraph)
    found = problems(broken(edit), "artifacts")
    assert [p.where for p in found] == ["page 1"] and "/Artifact" in found[0].message, found


def test_unmarked_text_is_reported(broken):
    def edit(pdf):
        page = pdf.pages[2]
        kept = [i for i in pikepdf.parse_content_stream(page) if str(i.operator) not in ("BDC", "BMC", "EMC")]
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    found = problems(broken(edit), "artifacts")
    assert any(p.where == "page 3" and "neither tagged nor marked" in p.message for p in found), found


def test_structure_that_goes_back_a_page_is_reported(broken):
    def edit(pdf):
        document = elements(pdf, "/Document")[0]
        kids = list(document.K)
        kids[0], kids[-1] = kids[-1], kids[0]
        document.K = pikepdf.Array(kids)
    found = problems(broken(edit), "reading-order")
    assert len(found) == 1 and "goes back" in found[0].message, found


# --- the validators' wrappers, the gate, and the write step -----------------------------------

def test_a_pdfua_rule_that_could_not_run_is_a_problem_unless_known(monkeypatch, tmp_path):
    outcomes = (RuleOutcome("UA-14-001", skipped_reason="known crash"), RuleOutcome("UA-99-001", skipped_reason="boom"))
    monkeypatch.setattr(pdfua, "validate", lambda path: Report(path=path, outcomes=outcomes))
    found, notes, _ = pdfcheck.pdfua_problems(tmp_path / "any.pdf")
    assert [p.check for p in found] == ["pdfua UA-99-001"] and "boom" in found[0].message
    assert len(notes) == 1 and "UA-14-001" in notes[0]


def test_enforce_stops_the_build_and_only_warns_for_a_draft(tmp_path, caplog):
    failed = CheckResult(tmp_path / "r.pdf", (Problem("figure-alt", "page 7, Figure 3", "no alternative text"),),
                         checkers=("test",))
    with pytest.raises(PdfCheckError, match=r"\[figure-alt, WCAG 1\.1\.1\] page 7, Figure 3: no alternative text"):
        enforce(failed)
    with caplog.at_level(logging.WARNING, logger="evalreport.pdfcheck"):
        enforce(failed, draft=True)
    assert "DRAFT" in caplog.text and "page 7, Figure 3" in caplog.text
    caplog.clear()
    enforce(CheckResult(tmp_path / "r.pdf", ()), draft=False)
    assert not caplog.text


def test_no_stream_data_ends_in_a_carriage_return():
    # b"0 g\\n" * 12 compresses to Flate data whose last byte is CR; b"BT ET\\r" is such data as it is.
    import io

    import pydyf

    def written(fix: bool) -> bytes:
        pdf = pydyf.PDF()
        for content, compress in [(b"0 g\n" * 12, True), (b"BT ET\r", False)]:
            stream = pydyf.Stream([content], compress=compress)
            pdf.add_object(stream)
            pdf.catalog[f"S{stream.number}"] = stream.reference
        if fix:
            render._unambiguous_stream_ends(pdf)
        output = io.BytesIO()
        pdf.write(output)
        return output.getvalue()

    assert written(fix=False).count(b"\r\nendstream") == 2  # what page-validation and veraPDF count wrong
    data = written(fix=True)
    assert b"\r\nendstream" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        contents = sorted(pdf.Root[key].read_bytes() for key in pdf.Root.keys() if key.startswith("/S"))
    assert contents == sorted([b"0 g\n" * 12, b"BT ET\r"])


TEMPLATES = Path(__file__).resolve().parents[1] / "report_templates"
SMALL = """<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Prøve</title>
<meta name="author" content="A. Forfatter"><meta name="dcterms.publisher" content="Kommunen">
<meta name="description" content="Emne"><meta name="keywords" content="a, b">
<meta name="dcterms.created" content="2018-06-01T12:00:00+00:00">
<meta name="dcterms.modified" content="2018-06-01T12:00:00+00:00">
<link rel="stylesheet" href="evalreport/report.css">
<style>@page { @top-right { content: "Topptekst"; } @bottom-right { content: counter(page); } }</style></head>
<body><section class="chapter"><h1>Overskrift</h1><p>Tekst.</p>
<figure class="er-exhibit"><figcaption>Tabell</figcaption><table><thead><tr><th scope="col">År</th>
<th scope="col">Tall</th></tr></thead><tbody><tr><th scope="row">2010</th><td>1</td></tr></tbody></table></figure>
<figure class="er-exhibit"><figcaption>Figur</figcaption><img class="er-chart" alt="Et rødt kvadrat."
src="data:image/svg+xml;utf8,&lt;svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'&gt;&lt;rect \
width='10' height='10' fill='red'/&gt;&lt;/svg&gt;"></figure></section></body></html>"""


def test_write_pdf_makes_a_passing_pdf_from_a_small_document(tmp_path):
    target = tmp_path / "small.pdf"
    render.write_pdf(SMALL, target, TEMPLATES)
    result = check_pdf(target, "nb", title="Prøve")
    assert result.passed, result.report()


def test_write_pdf_keeps_the_last_good_pdf_when_verification_fails(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"last good")

    def refuse(path):
        assert path != target and path.read_bytes().startswith(b"%PDF-")
        raise PdfCheckError("not fit")

    with pytest.raises(PdfCheckError):
        render.write_pdf(SMALL, target, TEMPLATES, verify=refuse)
    assert target.read_bytes() == b"last good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


# --- a stream that pydyf makes while it writes may end in CR (issue 20, S1) --------------------------

# With pydyf 0.13 and WeasyPrint 70, this one-line document's object stream or cross-reference
# stream ends in a carriage return when written once (found by trying 'Prøve 0' onwards; 495 was
# the first). The validators then misread its /Length.
TRIGGER = ('<html lang="nb"><head><meta charset="utf-8"><title>T</title></head>'
           '<body><p>Prøve 495</p></body></html>')
TEMPLATES = Path(__file__).resolve().parents[1] / "report_templates"


def test_the_trigger_document_does_end_a_stream_in_cr_when_written_once(tmp_path, monkeypatch):
    # Shows that the next test tests something: without a second try, this document fails.
    monkeypatch.setattr(render, "MAX_PADDINGS", 1)
    with pytest.raises(render.RenderingError, match="carriage return"):
        render.write_pdf(TRIGGER, tmp_path / "once.pdf", TEMPLATES, epoch=1764000000)


def test_no_stream_of_a_written_pdf_ends_in_cr_and_the_validator_agrees(tmp_path):
    target = tmp_path / "trigger.pdf"
    render.write_pdf(TRIGGER, target, TEMPLATES, epoch=1764000000)
    assert b"\r\nendstream" not in target.read_bytes()
    report = page_validation.validate_pdf(target, profile="2a")
    assert not [f for f in report.failures if "LENGTH" in f.rule_id], [(f.rule_id, f.message) for f in report.failures]
    again = tmp_path / "again.pdf"
    render.write_pdf(TRIGGER, again, TEMPLATES, epoch=1764000000)
    assert again.read_bytes() == target.read_bytes()  # the same number of tries: the same bytes
