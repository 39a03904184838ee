"""What the prose left for the whole report to fill in: cross-references, citations, the reference list.

While one chapter is rendered, the numbers of figures, tables and sections and the text of a citation
(«2022a», the reference list's order) are not known: the renderer (`dialect`) leaves marks, and once
the document is composed and numbered (`document.finish_document`) they are filled in here:

- `<a class="er-xref" data-er-ref="fig-kart:upper">` becomes «Figur 3», a link to the figure;
- `<span class="er-cite" data-er-cite="{...}">` becomes «(Telemarksforsking, 2022, s. 12)»;
- a chapter «Referanser» (unnumbered) lists every cited source, after the last numbered chapter.

A mark that names something the report does not have is an error naming the file and line its block
came from (`data-er-source`).
"""

from __future__ import annotations

from typing import Callable

from bs4 import BeautifulSoup

from evalreport import words
from evalreport.errors import ProseError
from evalreport.pipeline import citations, prose


def labelled(soup: BeautifulSoup, language: str) -> dict[str, tuple[str, str]]:
    """Every labelled figure, table and section of the numbered document: label -> (kind word, number)."""
    found = {}
    for element in soup.select("[data-er-label]"):
        label = element["data-er-label"]
        if element.name == "figure":
            number = element.select_one("span.er-label")
            kind = number.get("data-kind", "figure") if number else "figure"
            digits = "".join(ch for ch in number.get_text() if ch.isdigit()) if number else ""
            found[label] = (words.text(language, f"crossref.{kind}"), digits)
        elif element.name in ("h1", "h2"):
            number = element.select_one("span.heading-number")
            kind = "chapter" if element.name == "h1" else "section"
            found[label] = (words.text(language, f"crossref.{kind}"), number.get_text().strip() if number else "")
        else:
            found[label] = ("", "")
    return found


def origin(element) -> str:
    """'file, line N' of the block an element is in (its data-er-source), for a message."""
    block = element if element.has_attr("data-er-source") else element.find_parent(attrs={"data-er-source": True})
    if block is None:
        return "the report"
    where = block["data-er-source"]
    if where.startswith("computed:"):
        return f"the table or figure {where.removeprefix('computed:')}"
    file, _, line = where.rpartition(":")
    return f"{file}, line {line}"


def fill_cross_references(soup: BeautifulSoup, language: str) -> None:
    """Each cross-reference as «figur 3» (capitalised where a sentence starts), a link to what it names."""
    targets = labelled(soup, language)
    problems = []
    for link in soup.select("a.er-xref[data-er-ref]"):
        label, _, case = link["data-er-ref"].rpartition(":")
        if label not in targets:
            problems.append(f"{origin(link)}: no figure, table or section is labelled '{label}' in this report")
            continue
        word, number = targets[label]
        if not number:
            problems.append(f"{origin(link)}: '{label}' has no number to refer to (a heading {{-}} or a heading "
                            "below ##); refer to a numbered chapter (#) or section (##)")
            continue
        text = f"{word}\u00a0{number}"
        link.string = text[:1].upper() + text[1:] if case == "upper" else text
        link["href"] = f"#{label}"
        del link["data-er-ref"]
        target = soup.select_one(f'[data-er-label="{label}"]')
        if target.name == "figure":
            target["id"] = label
    if problems:
        raise ProseError("\n".join(dict.fromkeys(problems)))


def fill_citations(soup: BeautifulSoup, language: str, bibliography: Callable[[], object] | None) -> None:
    """Each citation's text, and the reference list after the last numbered chapter."""
    marks = soup.select("span.er-cite[data-er-cite]")
    if not marks:
        return
    if bibliography is None:
        raise ProseError(f"{origin(marks[0])}: this document has no bibliography to cite from")
    sources = bibliography()
    parsed = [citations.Citation.from_json(mark["data-er-cite"]) for mark in marks]
    problems = [f"{origin(mark)}: no source with the key {item.key}" for mark, citation in zip(marks, parsed)
                for item in citation.items if item.key not in sources]
    if problems:
        raise ProseError("\n".join(dict.fromkeys(problems)))
    texts, entries = citations.format_citations(sources, parsed, language)
    for mark, text in zip(marks, texts):
        mark.clear()
        mark.append(BeautifulSoup(prose.sanitise(text), "html.parser"))
        del mark["data-er-cite"]
    chapters = soup.select("section.chapter")
    numbered = [c for c in chapters if (c.find("h1") is not None and not c.find("h1").get_text().rstrip().endswith("{-}"))]
    section = soup.new_tag("section", attrs={"class": "chapter er-references"})
    heading = soup.new_tag("h1")
    heading.string = f"{words.text(language, 'document.references')} {{-}}"
    section.append(heading)
    listing = soup.new_tag("ul", attrs={"class": "er-reference-list"})
    for entry in entries:
        item = soup.new_tag("li")
        item.append(BeautifulSoup(prose.sanitise(entry), "html.parser"))
        listing.append(item)
    section.append(listing)
    anchor = numbered[-1] if numbered else (chapters[-1] if chapters else None)
    if anchor is None:
        soup.body.append(section)
    else:
        anchor.insert_after(section)
