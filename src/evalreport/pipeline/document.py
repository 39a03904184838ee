"""The whole report as one HTML document: title page, contents, the chapters, numbered.

The chapters are composed with `report.html.j2` (title page, contents); a last pass numbers the
chapters, their sections, the figures and the tables, and writes the contents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from bs4 import BeautifulSoup

from evalreport import __version__, texts
from evalreport.config import ReportConfig
from evalreport.formatting import for_language
from evalreport.pipeline.files import write_atomically

TEMPLATE_NAME = "evalreport"


@dataclass(frozen=True)
class DocumentFacts:
    """What the title page and the PDF's metadata say about the report."""

    sample: bool
    created: str  # ISO 8601 date-time
    provenance: dict | None = None  # the build's facts, carried into the PDF's XMP (see _complete_xmp)


def compose_document(chapters: list[str], config: ReportConfig, facts: DocumentFacts, templates: Path) -> str:
    """Return the whole report as one HTML document, exhibits numbered and contents written."""
    fmt = for_language(config.language)
    fixed = texts.fixed(config.language)
    before, _, after = fixed["page"].partition("{page}")
    middle = after.split("{pages}")[0]
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates / TEMPLATE_NAME),
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
        provenance_json=json.dumps(facts.provenance, sort_keys=True, ensure_ascii=False) if facts.provenance else "",
        chapters=chapters,
    )
    return finish_document(html, config.language)


def _slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "seksjon"


UNNUMBERED = re.compile(r"\s*\{-\}\s*$")  # '# Sammendrag {-}': a heading without a number, as in Pandoc and Quarto


def _number_headings(soup: BeautifulSoup) -> None:
    """Number each chapter (h1) and its sections (h2) in order: 1, 1.1, 1.2, 2 ...; a heading that
    ends with {-} has no number, nor have the sections of an unnumbered chapter."""
    chapter, section, numbered = 0, 0, False
    for heading in soup.select("section.chapter h1, section.chapter h2"):
        text = heading.get_text()
        unnumbered = bool(UNNUMBERED.search(text))
        for node in heading.find_all(string=UNNUMBERED):
            node.replace_with(UNNUMBERED.sub("", node))
        if heading.name == "h1":
            numbered = not unnumbered
            chapter, section = chapter + numbered, 0
            number = f"{chapter}" if numbered else ""
        else:
            section += numbered and not unnumbered
            number = f"{chapter}.{section}" if numbered and not unnumbered else ""
        if number:
            label = soup.new_tag("span", attrs={"class": "heading-number"})
            label.string = number + " "
            heading.insert(0, label)


def finish_document(html: str, language: str) -> str:
    """Number chapters, sections and exhibits, give headings unique ids, and write the table of contents."""
    soup = BeautifulSoup(html, "html.parser")
    for link in soup.select("a.anchor-link"):
        link.decompose()
    fixed = texts.fixed(language)
    counters = {"figure": 0, "table": 0}
    for label in soup.select("span.er-label"):
        kind = label["data-kind"]
        counters[kind] += 1
        label.string = f"{fixed[kind]} {counters[kind]}: "
    _number_headings(soup)
    for paragraph in soup.select("li > p"):
        # A loose markdown list puts each item in a paragraph; PDF/UA lets a list item hold only its
        # label and body, so the paragraph's text becomes the item's own (a line break between two).
        if paragraph.find_previous_sibling("p"):
            paragraph.insert_before(soup.new_tag("br"))
        paragraph.unwrap()
    seen: set[str] = set()
    entries = []
    for heading in soup.select("section.chapter h1, section.chapter h2"):
        base = _slug(heading.get_text())
        anchor, n = base, 2
        while anchor in seen:
            anchor, n = f"{base}-{n}", n + 1
        seen.add(anchor)
        heading["id"] = anchor
        entries.append((int(heading.name[1]), heading.get_text(" ", strip=True), anchor))
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


def install_assets(templates: Path, folder: Path) -> None:
    """Put the HTML twin's stylesheet and fonts in `folder`/assets.

    The assets are shared by every report in `folder`, and another report's build may install them
    at the same moment or a browser may be reading them: each file is written aside and moved into
    place, so that a reader sees the old file or the new one, never half of one.
    """
    import shutil

    assets = folder / "assets"
    sources = [(path, assets / "fonts" / path.relative_to(templates / "fonts"))
               for path in sorted((templates / "fonts").rglob("*")) if path.is_file()]
    sources.append((templates / TEMPLATE_NAME / "report.css", assets / TEMPLATE_NAME / "report.css"))
    for source, target in sources:
        write_atomically(target, lambda tmp, source=source: shutil.copyfile(source, tmp))


def write_html_twin(html: str, target: Path) -> None:
    """Write the HTML twin, which finds its stylesheet and fonts in assets/ beside it."""
    twin = html.replace('href="evalreport/report.css"', 'href="assets/evalreport/report.css"')
    write_atomically(target, lambda tmp: tmp.write_text(twin, encoding="utf-8"))

