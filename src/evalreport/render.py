"""Render executed chapter notebooks to one HTML document and to the council's PDF.

nbconvert renders each chapter through `report_templates/evalreport/index.html.j2`; the
chapters are composed with `report.html.j2` (title page, contents); a last pass numbers the
figures and tables and writes the contents; WeasyPrint makes the PDF.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from evalreport import __version__, paths, texts
from evalreport.config import ReportConfig
from evalreport.formatting import for_language

log = logging.getLogger(__name__)

TEMPLATE_NAME = "evalreport"
PDF_VARIANT = "pdf/a-2a"


def templates_dir() -> Path:
    return paths.find_project_root() / paths.TEMPLATES_DIR_NAME


def render_chapter(notebook: nbformat.NotebookNode) -> str:
    """Return one executed chapter as an HTML fragment: prose and outputs, no code."""
    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(templates_dir())])
    exporter.anchor_link_text = ""
    body, _ = exporter.from_notebook_node(notebook)
    return body


@dataclass(frozen=True)
class DocumentFacts:
    """What the title page and the PDF's metadata say about the report."""

    sample: bool
    created: str  # ISO 8601 date-time


def compose_document(chapters: list[str], config: ReportConfig, facts: DocumentFacts) -> str:
    """Return the whole report as one HTML document, exhibits numbered and contents written."""
    fmt = for_language(config.language)
    fixed = texts.fixed(config.language)
    before, _, after = fixed["page"].partition("{page}")
    middle = after.split("{pages}")[0]
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir() / TEMPLATE_NAME),
                                     autoescape=jinja2.select_autoescape(["html", "j2"]))
    html = environment.get_template("report.html.j2").render(
        language=config.language,
        title=config.title,
        short_title=f"{fixed['final_evaluation']} – {config.municipality_name}",
        subject=f"{fixed['final_evaluation']}: {config.municipality_name} {fmt.years(config.programme.start, config.programme.end)}",
        keywords=", ".join(["omstillingsprogram", "sluttevaluering", config.municipality_name]),
        author=config.author,
        organisation=config.organisation,
        municipality=config.municipality_name,
        programme_period=fmt.years(config.programme.start, config.programme.end),
        report_date=fmt.date(config.report_date),
        version=__version__,
        created=facts.created,
        sample=facts.sample,
        fixed=fixed,
        page_label_before=before,
        page_label_middle=middle,
        stylesheet="evalreport/report.css",
        chapters=chapters,
    )
    return finish_document(html, config.language)


def _slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "seksjon"


def finish_document(html: str, language: str) -> str:
    """Number exhibits, give headings unique ids, and write the table of contents."""
    soup = BeautifulSoup(html, "html.parser")
    for link in soup.select("a.anchor-link"):
        link.decompose()
    fixed = texts.fixed(language)
    counters = {"figure": 0, "table": 0}
    for label in soup.select("span.er-label"):
        kind = label["data-kind"]
        counters[kind] += 1
        label.string = f"{fixed[kind]} {counters[kind]}: "
    seen: set[str] = set()
    entries = []
    for heading in soup.select("section.chapter h1, section.chapter h2"):
        base = _slug(heading.get_text())
        anchor, n = base, 2
        while anchor in seen:
            anchor, n = f"{base}-{n}", n + 1
        seen.add(anchor)
        heading["id"] = anchor
        entries.append((int(heading.name[1]), heading.get_text(strip=True), anchor))
    toc = soup.new_tag("ul")
    for level, text, anchor in entries:
        item = soup.new_tag("li", attrs={"class": f"toc-level-{level}"})
        link = soup.new_tag("a", href=f"#{anchor}")
        link.string = text
        item.append(link)
        toc.append(item)
    nav = soup.select_one("nav.toc")
    for comment in nav.find_all(string=lambda s: s.strip() == "toc"):
        comment.replace_with(toc)
    return str(soup)


def write_atomically(target: Path, write) -> None:
    """Call write(tmp_path), then move the result into place; on failure the old file stays."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_pdf(html: str, target: Path) -> int:
    """Write the report as an archival, tagged PDF (PDF/A-2a), replacing `target` only on success.

    Returns the number of pages.
    """
    from weasyprint import HTML  # slow to import; only the render step needs it

    document = HTML(string=html, base_url=str(templates_dir()) + "/").render(pdf_tags=True)

    def write(tmp: Path) -> None:
        document.write_pdf(tmp, pdf_variant=PDF_VARIANT, pdf_tags=True)

    write_atomically(target, write)
    return len(document.pages)


def write_html_twin(html: str, target: Path) -> None:
    """Write the HTML twin with its stylesheet and fonts beside it."""
    assets = target.parent / "assets"
    shutil.copytree(templates_dir() / "fonts", assets / "fonts", dirs_exist_ok=True)
    (assets / "evalreport").mkdir(parents=True, exist_ok=True)
    shutil.copy2(templates_dir() / TEMPLATE_NAME / "report.css", assets / "evalreport" / "report.css")
    twin = html.replace('href="evalreport/report.css"', 'href="assets/evalreport/report.css"')
    write_atomically(target, lambda tmp: tmp.write_text(twin, encoding="utf-8"))
