"""Releases to the council, drafts and the short colophon (issue 11).

The pure parts (the order of versions, the previous release, the list of changes, writing dist/,
what counts as an uncommitted change) are tested on hand-made inputs. The module builds the test
case of tests/cases.py (Årdal, nynorsk) as the council gets it: release 1.0, the refusals, a
change of data, release 1.1 with the list of changes, and a draft. Release 1.0 and release 1.1
are each made once, in a checkout no test changes; a test that changes one works on its own copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from cases import write_ardal
from support import copy_built, copy_project, environment

from evalreport.errors import ReleaseError
from evalreport.pipeline import colophon
from evalreport.commands import release

TEMPLATES = Path(__file__).resolve().parents[1] / "report_templates"

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


# --- the order of versions and the previous release ------------------------------------------------

def test_versions_are_ordered_as_numbers_not_as_text():
    ordered = ["0.9", "1.0", "1.0.1", "1.1", "1.2", "1.10", "2.0"]
    assert sorted(reversed(ordered), key=release.version_key) == ordered


def released_in(dist: Path, name: str, version: str, draft: bool = False) -> None:
    """A release folder as release_report writes it: the three files and their SHA256SUMS."""
    folder = dist / f"{name}-{version}"
    folder.mkdir(parents=True)
    sidecar = {"release": {"version": version}, "parameters": {"output_name": name, "draft": draft}}
    contents = {f"{name}-{version}.pdf": b"%PDF", f"{name}-{version}.html": b"<html>",
                f"{name}-{version}.json": json.dumps(sidecar).encode()}
    for file_name, data in contents.items():
        (folder / file_name).write_bytes(data)
    (folder / "SHA256SUMS").write_text("".join(f"{hashlib.sha256(d).hexdigest()}  {f}\n" for f, d in contents.items()))


def test_the_previous_release_is_the_newest_earlier_final_one(tmp_path):
    dist = tmp_path / "dist"
    for version in ("1.0", "1.1", "1.10", "2.0"):
        released_in(dist, "r", version)
    released_in(dist, "r", "2.1", draft=True)
    found = release.released(dist, "r")
    assert release.previous_release(found, "1.2").version == "1.1"
    assert release.previous_release(found, "1.11").version == "1.10"
    assert release.previous_release(found, "3.0").version == "2.0"  # not the forced draft 2.1
    assert release.previous_release(found, "3.0", final=False).version == "2.1"
    assert release.previous_release(found, "0.5") is None


@pytest.mark.parametrize("name", ["", "../1.0", "1.0/a", ".hidden", "1 0", "x" * 41, "v2", "1", "1.0rc1",
                                  "2024-spring", "01.0"])
def test_a_version_must_be_a_version_number(name):
    with pytest.raises(ReleaseError):
        release.check_version_name(name)


def test_the_suggested_next_version_counts_up_the_last_number():
    assert release.suggest_next("1.9") == "1.10"
    assert release.suggest_next("2.0") == "2.1"
    assert release.suggest_next("1.0.3") == "1.0.4"


# --- the list of changes ------------------------------------------------------------------------------

PREVIOUS = {"key_figures_printed": [["Samla finansiering", "24,5 mill. kr"], ["Prosjekt", "5"],
                                    ["Sysselsette (arbeidsstad) 2019", "2 720"]],
            "chapters": {"10_sammendrag": {"title": "Samandrag", "text_sha256": "a"},
                         "20_innledning": {"title": "Innleiing", "text_sha256": "b"},
                         "80_gammalt": {"title": "Eit kapittel som gjekk ut", "text_sha256": "c"}}}


def test_changes_list_each_changed_key_figure_with_old_and_new_value_and_each_changed_chapter():
    now = [["Samla finansiering", "25,0 mill. kr"], ["Prosjekt", "5"], ["Sysselsette (arbeidsstad) 2020", "2 690"]]
    chapters = {"10_sammendrag": {"title": "Samandrag", "text_sha256": "A"},
                "20_innledning": {"title": "Innleiing", "text_sha256": "b"},
                "75_intervju": {"title": "Intervju", "text_sha256": "d"}}
    changes = colophon.compare_releases(PREVIOUS, now, chapters)
    assert changes["key_figures"] == [["Samla finansiering", "24,5 mill. kr", "25,0 mill. kr"],
                                      ["Sysselsette (arbeidsstad) 2020", None, "2 690"],
                                      ["Sysselsette (arbeidsstad) 2019", "2 720", None]]
    assert changes["chapters"] == ["Samandrag", "Intervju", "Eit kapittel som gjekk ut"]


def test_nothing_changed_says_so_in_the_reports_language():
    changes = colophon.compare_releases(PREVIOUS, PREVIOUS["key_figures_printed"], PREVIOUS["chapters"])
    assert changes == {"key_figures": [], "chapters": [], "sentences": []}
    section = colophon.render_changes(changes, "1.1", "1.0", "nn", TEMPLATES)
    assert "Endringar frå versjon 1.0 {-}" in section and "Ingen nøkkeltal er endra." in section
    assert "Changes from version 1.0" in colophon.render_changes(changes, "1.1", "1.0", "en", TEMPLATES)
    assert "Endringer fra versjon 1.0" in colophon.render_changes(changes, "1.1", "1.0", "nb", TEMPLATES)


def test_the_section_sets_old_and_new_values_side_by_side_and_escapes_them():
    changes = {"key_figures": [["<b>Tal</b>", "1", "2"]], "chapters": ["Samandrag"]}
    section = colophon.render_changes(changes, "1.1", "1.0", "nn", TEMPLATES)
    assert '<th scope="col" class="num">Versjon 1.0</th><th scope="col" class="num">Versjon 1.1</th>' in section
    assert "<td class=\"num\">1</td><td class=\"num\">2</td>" in section and "&lt;b&gt;Tal" in section
    assert "Teksten er endra i: «Samandrag»." in section


# --- writing dist/ ----------------------------------------------------------------------------------

def test_a_release_folder_is_written_read_only_with_its_sums(tmp_path):
    folder = tmp_path / "dist" / "r-1.0"
    contents = {folder / "r-1.0.pdf": b"%PDF-1.7 a", folder / "r-1.0.json": b"{}"}
    sums = release.write_release(folder, contents)
    assert sums == [hashlib.sha256(b"%PDF-1.7 a").hexdigest(), hashlib.sha256(b"{}").hexdigest()]
    for path, data in contents.items():
        assert path.read_bytes() == data and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert (folder / "SHA256SUMS").read_text() == f"{sums[0]}  r-1.0.pdf\n{sums[1]}  r-1.0.json\n"
    # sha256sum -c reads the same format (two spaces: a text-mode line)
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0 and "r-1.0.pdf: OK" in done.stdout
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["r-1.0"]  # nothing aside is left


def test_an_existing_release_is_never_replaced_and_a_failed_release_leaves_nothing(tmp_path):
    folder = tmp_path / "dist" / "r-1.0"
    folder.mkdir(parents=True)
    (folder / "r-1.0.json").write_bytes(b"old")
    with pytest.raises(ReleaseError, match="appeared"):
        release.write_release(folder, {folder / "r-1.0.pdf": b"new pdf", folder / "r-1.0.json": b"new"})
    assert (folder / "r-1.0.json").read_bytes() == b"old"
    assert not (folder / "r-1.0.pdf").exists() and not (folder / "SHA256SUMS").exists()
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["r-1.0"]


def test_releases_are_read_from_the_sidecars_of_that_report(tmp_path):
    dist = tmp_path / "dist"
    for name, version in (("r", "1.0"), ("r", "1.1"), ("r-nabo", "1.0")):
        released_in(dist, name, version)
    (dist / "r-2.0").mkdir()
    (dist / "r-2.0" / "r-2.0.json").write_text("not json")
    assert set(release.released(dist, "r")) == {"1.0", "1.1"}  # not 'nabo-1.0', not the damaged one
    assert set(release.released(dist, "r-nabo")) == {"1.0"}


def test_a_release_changed_since_is_found_by_its_sums(tmp_path):
    dist = tmp_path / "dist"
    released_in(dist, "r", "1.0")
    [found] = release.released(dist, "r").values()
    from evalreport.project import Project

    assert release.damage(found, Project(tmp_path)) == []
    (dist / "r-1.0" / "r-1.0.pdf").write_bytes(b"%PDF changed")
    assert release.damage(found, Project(tmp_path)) == ["dist/r-1.0/r-1.0.pdf does not match its SHA-256 in "
                                                         "dist/r-1.0/SHA256SUMS"]


# --- uncommitted changes ------------------------------------------------------------------------------

def git(root: Path, *args: str, date: str = "2026-03-02T10:00:00+00:00") -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_uncommitted_files_are_changed_tracked_files_and_untracked_inputs(tmp_path):
    root = tmp_path / "p"
    (root / "prose").mkdir(parents=True)
    assert release.uncommitted_files(root, []) is None  # not a git checkout
    (root / "a.md").write_text("a")
    (root / "README.md").write_text("r")
    git(root, "init", "-q")
    assert release.uncommitted_files(root, []) is None  # a checkout without a commit
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    assert release.uncommitted_files(root, ["a.md"]) == []
    (root / "README.md").write_text("changed")
    (root / "prose" / "new.md").write_text("new text the report reads")
    (root / "notes.txt").write_text("not read by the report")
    (root / "dist").mkdir()
    (root / "dist" / "r-1.0.pdf").write_text("a release")
    assert release.uncommitted_files(root, ["a.md", "prose/new.md"]) == ["README.md", "prose/new.md"]


# --- the release flow, end to end -----------------------------------------------------------------------

def evalreport(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = environment(**GIT_ENV)  # without SOURCE_DATE_EPOCH: the commit's time decides
    return subprocess.run([sys.executable, "-m", "evalreport", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=900)


def pdf_pages(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text().replace("\u00a0", " ")) for page in PdfReader(path).pages]


def plain(text: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", text)


@pytest.fixture(scope="module")
def first_release(tmp_path_factory):
    """The Årdal case committed in a git checkout, released as 1.0; what the release said. No test
    changes this checkout: those that change one take `released`, a copy of their own."""
    root = copy_project(tmp_path_factory.mktemp("release") / "project")
    write_ardal(root, "nn", "ardal")
    (root / ".gitignore").write_text("/build/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Årdal as the council gets it")  # 2 March 2026: the release's date
    first = evalreport(root, "release", "1.0", "--config", "reports/ardal.yaml")
    return {"root": root, "first": first}


@pytest.fixture
def released(first_release, tmp_path):
    """This test's own copy of the checkout released as 1.0."""
    return {"root": copy_built(first_release["root"], tmp_path / "project"), "first": first_release["first"]}


def test_a_release_writes_the_three_files_read_only_with_their_sums(released):
    root, done = released["root"], released["first"]
    assert done.returncode == 0, done.stderr
    dist = root / "dist" / "ardal-1.0"
    names = ["ardal-1.0.pdf", "ardal-1.0.html", "ardal-1.0.json"]
    sums = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sums == [f"{hashlib.sha256((dist / n).read_bytes()).hexdigest()}  {n}" for n in names]
    for name in names:
        assert stat.S_IMODE((dist / name).stat().st_mode) == 0o444
        assert f"  {name}  sha256 " in done.stdout
    assert "in dist/ardal-1.0/:" in done.stdout
    assert "The first release of this report" in done.stdout


def test_the_title_page_shows_the_version_and_the_date_of_its_commit(released):
    pages = pdf_pages(released["root"] / "dist" / "ardal-1.0" / "ardal-1.0.pdf")
    assert "Versjon 1.0 (2. mars 2026)" in pages[0]
    sidecar = json.loads((released["root"] / "dist" / "ardal-1.0" / "ardal-1.0.json").read_text(encoding="utf-8"))
    assert sidecar["release"] == {"version": "1.0", "date": "2026-03-02", "previous": None, "changes": None}
    assert not any("Endringar frå versjon" in page for page in pages)


def test_the_colophon_is_short_and_says_where_the_full_provenance_is(released):
    root = released["root"]
    pages = pdf_pages(root / "dist" / "ardal-1.0" / "ardal-1.0.pdf")
    colophon_text = " ".join(pages).split("Kolofon")[-1]
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    for fact in ("Versjon 1.0", "Bygd 2. mars 2026 10:00 UTC", "Ikkje innsjekka endringar nei",
                 "ardal-1.0.json", "XMP"):
        assert fact in colophon_text, fact
    assert commit in colophon_text.replace(" ", "")  # a hash may break across lines
    # No tables of package versions, parameters or input checksums: one hash, the commit's.
    assert re.findall(r"\b[0-9a-f]{64}\b", colophon_text.replace(" ", "")) == []
    assert "Programvare" not in colophon_text and "weasyprint" not in colophon_text.lower()
    assert len(colophon_text) < 700
    assert not re.search(r"Tabell \d+: (Kolofon|Programvare|Parametrar|Inndata)", " ".join(pages))
    # ... which stay in the sidecar and the XMP, for machines
    sidecar = json.loads((root / "dist" / "ardal-1.0" / "ardal-1.0.json").read_text(encoding="utf-8"))
    funding = hashlib.sha256((root / "data" / "ardal" / "funding.csv").read_bytes()).hexdigest()
    assert sidecar["provenance"]["inputs_sha256"]["data/ardal/funding.csv"] == funding
    assert "weasyprint" in sidecar["provenance"]["versions"]
    xmp = PdfReader(root / "dist" / "ardal-1.0" / "ardal-1.0.pdf").trailer["/Root"]["/Metadata"].get_object().get_data()
    assert funding.encode() in xmp and b"<evalreport:versions>" in xmp


def test_a_released_version_is_never_written_again(released):
    root = released["root"]
    before = (root / "dist" / "ardal-1.0" / "SHA256SUMS").read_bytes()
    done = evalreport(root, "release", "1.0", "--config", "reports/ardal.yaml", "--force")
    assert done.returncode == 1
    assert "version 1.0 of ardal was released already" in done.stderr and "never replaced" in done.stderr
    assert "make release VERSION=1.1 CASE=ardal" in done.stderr and "Traceback" not in done.stderr
    assert (root / "dist" / "ardal-1.0" / "SHA256SUMS").read_bytes() == before


def test_a_release_is_refused_with_uncommitted_changes_naming_them(released):
    root = released["root"]
    prose = root / "prose" / "ardal" / "lessons.md"
    kept = prose.read_text(encoding="utf-8")
    prose.write_text(kept + "Ei setning som ikkje er sjekka inn.\n", encoding="utf-8")
    try:
        done = evalreport(root, "release", "1.1", "--config", "reports/ardal.yaml")
    finally:
        prose.write_text(kept, encoding="utf-8")
    assert done.returncode == 1
    assert "uncommitted changes: prose/ardal/lessons.md" in done.stderr
    assert "FORCE=1" in done.stderr and not (root / "dist" / "ardal-1.1" / "ardal-1.1.pdf").exists()


def test_a_draft_is_not_released_unless_forced(released):
    root = released["root"]
    config = root / "reports" / "ardal.yaml"
    kept = config.read_text(encoding="utf-8")
    config.write_text(kept + "draft: true\n", encoding="utf-8")
    try:
        git(root, "commit", "-qam", "a draft")
        done = evalreport(root, "release", "1.1", "--config", "reports/ardal.yaml")
    finally:
        config.write_text(kept, encoding="utf-8")
        git(root, "commit", "-qam", "final again")
    assert done.returncode == 1
    assert "the report is a draft (draft: true in reports/ardal.yaml)" in done.stderr
    assert not (root / "dist" / "ardal-1.1" / "ardal-1.1.pdf").exists()


@pytest.fixture(scope="module")
def second_release(first_release, tmp_path_factory):
    """A copy of the checkout released as 1.0, then a change of data (the company's 2014 grant 1.5 ->
    2.0 M, spent on industry), committed on 15 April 2026, then release 1.1; the checkout and what
    the release said. No test changes it."""
    root = copy_built(first_release["root"], tmp_path_factory.mktemp("second") / "project")
    funding = root / "data" / "ardal" / "funding.csv"
    funding.write_text(funding.read_text(encoding="utf-8").replace("2014,hydro,1500000", "2014,hydro,2000000"),
                       encoding="utf-8")
    spending = root / "data" / "ardal" / "spending.csv"
    text = spending.read_text(encoding="utf-8")
    industry_2014 = next(line for line in text.splitlines() if line.startswith("2014,Industri,"))
    spending.write_text(text.replace(industry_2014, "2014,Industri,3200000"), encoding="utf-8")
    git(root, "commit", "-qam", "The company's grant for 2014 was 2.0 M", date="2026-04-15T10:00:00+00:00")
    return {"root": root, "second": evalreport(root, "release", "1.1", "--config", "reports/ardal.yaml")}


def test_the_next_release_lists_the_changed_key_figures_and_chapters(second_release):
    second, root = second_release["second"], second_release["root"]
    assert second.returncode == 0, second.stderr
    # Worked out by hand: 24.5 M + 0.5 M = 25.0 M in all; the municipality's 3.0 M is 12.2 % of 24.5 M
    # and 12.0 % of 25.0 M. Public money is unchanged (the company is private), so is the cost per job.
    out = plain(second.stdout)
    assert "Changes from version 1.0 to 1.1:" in out
    assert re.search(r"Samla finansiering +24,5 mill\. kr -> 25,0 mill\. kr", out)
    assert re.search(r"Av dette frå kommunen +3,0 mill\. kr \(12,2 %\) -> 3,0 mill\. kr \(12,0 %\)", out)
    assert "Offentlege midlar" not in out.split("chapters whose text changed:")[0]  # not among the key figures
    # ... and every sentence that changed is listed, the chapter before it: the municipality's share
    assert re.search(r"Samandrag: .*12,2 %.*\n? *-> .*12,0 %", second.stdout) or "12,0 %" in out.split(
        "chapters whose text changed:")[1]
    assert "Samandrag" in out.split("chapters whose text changed:")[1]
    pages = pdf_pages(root / "dist" / "ardal-1.1" / "ardal-1.1.pdf")
    assert "Versjon 1.1 (15. april 2026)" in pages[0]
    section = next(page for page in pages if "Endringar frå versjon 1.0" in page and "Innhald" not in page)
    assert "Nøkkeltal Versjon 1.0 Versjon 1.1" in section
    assert "Samla finansiering 24,5 mill. kr 25,0 mill. kr" in section
    assert "Av dette frå kommunen 3,0 mill. kr (12,2 %) 3,0 mill. kr (12,0 %)" in section
    assert "«Samandrag»" in section
    sidecar = json.loads((root / "dist" / "ardal-1.1" / "ardal-1.1.json").read_text(encoding="utf-8"))
    assert sidecar["release"]["previous"] == "1.0" and sidecar["release"]["date"] == "2026-04-15"
    assert len((root / "dist" / "ardal-1.1" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()) == 3
    assert stat.S_IMODE((root / "dist" / "ardal-1.0" / "ardal-1.0.pdf").stat().st_mode) == 0o444  # 1.0 untouched


# --- drafts ---------------------------------------------------------------------------------------------

def test_a_draft_says_utkast_on_every_page_and_still_passes_the_pdf_checks(second_release, tmp_path):
    assert second_release["second"].returncode == 0, second_release["second"].stderr
    root = copy_built(second_release["root"], tmp_path / "project")
    done = evalreport(root, "build", "--config", "reports/ardal.yaml", "--draft")
    assert done.returncode == 0, done.stderr
    pdf = root / "build" / "ardal.pdf"
    pages = pdf_pages(pdf)
    assert all("UTKAST" in page for page in pages)  # the running header, on every page
    assert "Utkast til kommentarar – ikkje den endelege rapporten" in pages[0]
    sidecar = json.loads((root / "build" / "ardal.json").read_text(encoding="utf-8"))
    # A draft turns failed checks into warnings; this one must have passed them all.
    assert sidecar["pdf_checks"]["passed"] is True and sidecar["pdf_checks"]["problems"] == []
    assert any("PDF/UA-1" in checker for checker in sidecar["pdf_checks"]["checkers"])
    # The diagonal watermark: one drawing painted inside an /Artifact sequence on every page, which
    # the final report (release 1.1) does not have.
    assert len(drawn_on_every_page_as_artifact(pdf)) == 1
    assert drawn_on_every_page_as_artifact(root / "dist" / "ardal-1.1" / "ardal-1.1.pdf") == set()
    assert "UTKAST" not in " ".join(pdf_pages(root / "dist" / "ardal-1.1" / "ardal-1.1.pdf"))


def drawn_on_every_page_as_artifact(pdf: Path) -> set[str]:
    """The drawings (form XObjects, by content) that every page paints inside an artifact."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        pages = []
        for page in document.pages:
            marked, drawn = [], set()  # the open marked-content sequences; what is drawn inside an artifact
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("BMC", "BDC"):
                    marked.append(str(operands[0]))
                elif str(operator) == "EMC" and marked:
                    marked.pop()
                elif str(operator) == "Do" and "/Artifact" in marked:
                    drawn.add(_drawing_digest(page.obj.Resources.XObject[str(operands[0])]))
            pages.append(drawn)
    return set.intersection(*pages)


def _drawing_digest(xobject) -> str:
    """What a form XObject draws, its nested forms included (WeasyPrint wraps a background in groups)."""
    parts = [xobject.read_bytes()]
    for name, inner in (xobject.get("/Resources", {}).get("/XObject", {}) or {}).items():
        parts.append(_drawing_digest(inner).encode())
    return hashlib.sha256(b"".join(parts)).hexdigest()


def test_a_release_warns_about_a_report_date_before_its_data(released):
    # Årdal's report_date is 2022-03-01; its data was committed on 2 March 2026.
    done = released["first"]
    assert ("report_date in reports/ardal.yaml (2022-03-01) is older than the latest change to the report's data "
            "(2026-03-02)") in done.stderr + done.stdout


def test_a_release_warns_about_the_date_new_case_wrote(tmp_path):
    import datetime as dt
    from types import SimpleNamespace

    from evalreport.commands.newcase import REPORT_DATE_NOTE

    root = tmp_path / "p"
    (root / "data" / "c").mkdir(parents=True)
    (root / "data" / "c" / "x.csv").write_text("a\n")
    os.utime(root / "data" / "c" / "x.csv", (1577880000, 1577880000))  # 1 January 2020: before the report
    config_path = root / "reports" / "c.yaml"
    config_path.parent.mkdir()
    config_path.write_text(REPORT_DATE_NOTE.format(date="2031-05-04") + "\nreport_date: 2031-05-04\n")
    plan = SimpleNamespace(config=SimpleNamespace(report_date=dt.date(2031, 5, 4)), config_arg="reports/c.yaml",
                           inputs={"data/c/x.csv": "sha"}, data_dir=root / "data" / "c")
    project = SimpleNamespace(root=root)
    warnings = release.date_warnings(project, plan, config_path)
    assert warnings == ["report_date in reports/c.yaml is still 2031-05-04, the day 'make new-case' started the case; "
                        "set the date the report is delivered"]
    plan.config.report_date = dt.date(2031, 5, 5)  # the analyst set the date: no warning
    assert release.date_warnings(project, plan, config_path) == []
