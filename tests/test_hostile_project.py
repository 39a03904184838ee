"""One project with several things in it that once broke a build or a reader, built once by the
command line as the analyst builds it; each test reads what came out (issue 20):

- P14: prose with an SVG image carrying a script, an event handler and a javascript: link, under a
  class the build's own charts have; nothing of it may run in the HTML twin;
- X12: a section with 300 headings, which made the PDF impossible to validate (its bookmarks are a
  chain the validators follow at most 256 links deep);
- C12: a lock folder and files where the build keeps its folders, left in the work folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from support import copy_project
from test_twin_security import HOSTILE_DATA

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))
HEADINGS = 300


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    prose = project / "prose" / "vestre_toten"
    permanent = prose / "permanent_work.md"
    permanent.write_text(permanent.read_text(encoding="utf-8") + '\n\n<figure><img class="er-chart" alt="Kart over '
                         f'parken" src="{HOSTILE_DATA}"><figcaption>Kart</figcaption></figure>\n', encoding="utf-8")
    lessons = prose / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "".join(
        f"\n\n### Lærdom {n}\n\nLærdom nummer {n} var viktig.\n" for n in range(1, HEADINGS + 1)), encoding="utf-8")
    work = project / "build" / ".work" / "vestre_toten"
    work.mkdir(parents=True)
    (work / ".lock").mkdir()
    (work / ".lock" / "stale").write_text("x", encoding="utf-8")
    for name in ("out", "published", "executed", "fragments"):
        (work / name).write_text("not a folder", encoding="utf-8")
    done = subprocess.run([EVALREPORT, "build", "--case", "vestre_toten"], cwd=project, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return project


def test_a_hostile_svg_in_prose_runs_nothing_in_the_browser(built, tmp_path):
    from browser.chromium import Chromium, find_chromium

    twin = (built / "build" / "vestre_toten.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(twin, "html.parser")
    inline = soup.find_all("svg")
    assert len(inline) >= 5  # the report's own charts are still inline
    assert all(s.find("script") is None for s in inline)
    assert "javascript:" not in twin and "pwned" not in twin.replace(HOSTILE_DATA, "")
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    page = tmp_path / "rapport.html"
    page.write_text(twin, encoding="utf-8")
    with Chromium(executable) as browser:
        browser.open(page)
        assert browser.evaluate("window.pwned === undefined")
        assert "pwned" not in browser.evaluate("document.title")
        browser.evaluate("document.querySelectorAll('svg a, svg rect').forEach(e => e.dispatchEvent("
                         "new MouseEvent('click', {bubbles: true})))")
        assert browser.evaluate("window.pwned === undefined")


def test_a_section_with_300_headings_is_built_checked_and_navigable(built):
    # The build passed the PDF/A and PDF/UA validators (it would have stopped otherwise).
    reader = PdfReader(built / "build" / "vestre_toten.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"Lærdom {HEADINGS}" in text
    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]
    bookmarks = list(titles(reader.outline))
    assert "Lærdom 1" in bookmarks and "Lærdom 200" in bookmarks and "Lærdom 201" not in bookmarks


def test_what_lay_in_the_work_folder_did_not_stop_the_build(built):
    assert (built / "build" / "vestre_toten.pdf").read_bytes().startswith(b"%PDF-")
    assert (built / "build" / ".work" / "vestre_toten" / ".lock").is_file()
