"""`make preview`: the HTML twin served on localhost, rebuilt and reloaded at every saved edit,
the PDF following in the background (issue 11). The preview runs as the analyst runs it, in a
process of its own on a free port; the test talks to it over HTTP as a browser would.

How fast a prose edit reaches the browser is measured by `make bench`, not here.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from support import wait_until


BUILD_SECONDS = 900  # a clean build on a busy shared machine; the test waits, it does not time


class Browser:
    """What a browser does with the preview: get the page, listen for its reload event."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()

    def status(self) -> dict:
        return json.loads(self.get("/status")[1])

    def listen(self, since: int) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=BUILD_SECONDS)
        connection.request("GET", f"/events?since={since}")
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
        return response

    @staticmethod
    def wait_for_reload(events: http.client.HTTPResponse) -> int:
        """The new page's number, once the server announces it."""
        while True:
            line = events.readline()
            assert line, "the server closed the event stream without announcing a page"
            if line.startswith(b"event: reload"):
                return int(events.readline().decode().split(":", 1)[1])

    def reload_until(self, events: http.client.HTTPResponse, shows) -> tuple[dict, str]:
        """Follow the reloads, as the page's script does, until the page `shows(status, page)`: a
        page the server was already building when the file was saved may come first."""
        while True:
            self.wait_for_reload(events)
            status, page = self.status(), self.get("/")[1].decode("utf-8")
            if shows(status, page):
                return status, page
            events = self.listen(status["generation"])


@pytest.fixture
def preview(warm_project):
    """The preview of the bundled case in this test's own copy of the session's build, started on a
    free port in the project folder, stopped at the end."""
    root = warm_project
    log = root.parent / "preview.log"  # a file, not a pipe nobody reads, which could fill and stop it
    with open(log, "w", encoding="utf-8") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "evalreport", "preview", "--config", "reports/vestre_toten.yaml",
                                    "--port", "0"], cwd=root, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        first = process.stdout.readline()  # a whole line: the server listens once it is written
        assert "http://127.0.0.1:" in first, first + log.read_text(encoding="utf-8")
        url = first.split("at ", 1)[1].split()[0]
        browser = Browser(url)
        wait_until(lambda: browser.status()["generation"] >= 1, BUILD_SECONDS, "the first page")
        yield {"root": root, "browser": browser, "process": process, "url": url, "log": log}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
        process.stdout.close()


def edit(root, text: str) -> None:
    """Save the case's lessons (chapter 6 includes them) with `text` added."""
    lessons = root / "prose" / "vestre_toten" / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_the_first_page_is_the_twin_with_a_reload_script(preview):
    browser = preview["browser"]
    assert preview["url"].startswith("http://127.0.0.1:")
    assert browser.status()["state"] == "ready"
    code, page = browser.get("/")
    page = page.decode("utf-8")
    assert code == 200 and "<main" in page and "mistet Raufoss-industrien" in page
    assert 'new EventSource("/events?since=1")' in page
    # The fonts are served as they are, not subset into the page at every edit.
    assert 'src: url("/fonts/SourceSansPro-Regular.ttf")' in page
    code, font = browser.get("/fonts/SourceSansPro-Regular.ttf")
    assert code == 200 and font == (preview["root"] / "report_templates" / "fonts" / "SourceSansPro-Regular.ttf").read_bytes()
    assert browser.get("/fonts/../../reports/vestre_toten.yaml")[0] == 404
    assert browser.get("/fonts/OFL-SourceSansPro.txt")[0] == 404  # only the fonts the stylesheet names


def test_a_prose_edit_reloads_the_page_and_renders_only_its_chapter(preview):
    root, browser = preview["root"], preview["browser"]
    state = root / "build" / ".work" / "vestre_toten" / "state.json"
    before = json.loads(state.read_text(encoding="utf-8"))["fragments"]
    generation = browser.status()["generation"]
    events = browser.listen(generation)
    edit(root, "En ny lærdom, skrevet nå.")
    status, page = browser.reload_until(events, lambda status, page: "En ny lærdom, skrevet nå." in page)
    assert status["generation"] > generation and status["state"] == "ready"
    after = json.loads(state.read_text(encoding="utf-8"))["fragments"]
    # lessons.md is included by chapter 70 alone: the other chapters' rendered text was reused.
    changed = sorted(stem for stem in after if after[stem]["sha256"] != before.get(stem, {}).get("sha256"))
    assert changed == ["70_utviklingsevne"]
    assert after["70_utviklingsevne"]["prose"] == {
        "prose/vestre_toten/capacity.md": before["70_utviklingsevne"]["prose"]["prose/vestre_toten/capacity.md"],
        "prose/vestre_toten/lessons.md": after["70_utviklingsevne"]["prose"]["prose/vestre_toten/lessons.md"],
        "prose/vestre_toten/permanent_work.md":
            before["70_utviklingsevne"]["prose"]["prose/vestre_toten/permanent_work.md"]}


def test_a_mistake_shows_on_the_page_and_the_fix_brings_the_report_back(preview):
    root, browser = preview["root"], preview["browser"]
    lessons = root / "prose" / "vestre_toten" / "lessons.md"
    kept = lessons.read_text(encoding="utf-8")
    events = browser.listen(browser.status()["generation"])
    lessons.write_text(kept + "Tallet er {{ et_navn_som_ikke_finnes }}.\n", encoding="utf-8")
    status, page = browser.reload_until(events, lambda status, page: status["state"] != "ready")
    assert status["state"] == "failed"
    assert "prose/vestre_toten/lessons.md, line" in status["message"]
    assert "et_navn_som_ikke_finnes" in status["message"]
    assert "et_navn_som_ikke_finnes" in page and "EventSource" in page  # it reloads when fixed
    events = browser.listen(status["generation"])
    lessons.write_text(kept + "Lærdommen står nå riktig.\n", encoding="utf-8")
    status, page = browser.reload_until(events, lambda status, page: status["state"] != "failed")
    assert status["state"] == "ready" and "Lærdommen står nå riktig." in page


def test_the_pdf_follows_and_build_holds_no_preview_script(preview):
    root, browser = preview["root"], preview["browser"]
    events = browser.listen(browser.status()["generation"])
    edit(root, "Lærdommen står nå riktig.")
    browser.reload_until(events, lambda status, page: "Lærdommen står nå riktig." in page)

    def followed() -> bool:
        pdf, html = root / "build" / "vestre_toten.pdf", root / "build" / "vestre_toten.html"
        return pdf.is_file() and html.is_file() and "Lærdommen står nå riktig." in html.read_text(encoding="utf-8")

    wait_until(followed, BUILD_SECONDS, "the PDF and the twin in build/ to follow the last edit")
    twin = (root / "build" / "vestre_toten.html").read_text(encoding="utf-8")
    assert "EventSource" not in twin  # the reload script is only in the served copy
    assert 'url("/fonts/' not in twin and "src: url(data:font/woff2;base64," in twin  # fonts embedded, not linked
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(root / "build" / "vestre_toten.pdf").pages)
    assert "Lærdommen står nå riktig." in " ".join(text.split())


def test_ctrl_c_stops_the_preview_and_its_background_build(preview):
    process, browser = preview["process"], preview["browser"]
    events = browser.listen(browser.status()["generation"])
    edit(preview["root"], "En lærdom til.")
    browser.reload_until(events, lambda status, page: "En lærdom til." in page)  # its PDF is being written
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    err = preview["log"].read_text(encoding="utf-8")
    assert process.returncode == 0, err
    assert "Preview stopped" in out and "Traceback" not in err
    assert "page 1 ready" in err and "changed: page" in err  # one line per edit in the terminal
    with pytest.raises(OSError):
        preview["browser"].get("/status")
