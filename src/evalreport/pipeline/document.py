"""The whole report as one HTML document: title page, contents, the chapters, numbered.

The chapters are composed with `report.html.j2` (title page, contents); a last pass numbers the
chapters, their sections, the figures and the tables, and writes the contents.
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import functools
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import jinja2
from bs4 import BeautifulSoup, Comment
from fontTools import subset
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from evalreport import __version__, words
from evalreport.config import ReportConfig
from evalreport.formatting import for_language
from evalreport.files import write_atomically
from evalreport.pipeline import fontcache, marks

TEMPLATE_NAME = "evalreport"


@dataclass(frozen=True)
class DocumentFacts:
    """What the title page and the PDF's metadata say about the report."""

    sample: dict | None  # what is not published (datasets.Case.sample); None for a report on published data
    created: str  # ISO 8601 date-time
    provenance: dict | None = None  # the build's facts, carried into the PDF's XMP (see _complete_xmp)
    draft: bool = False  # every page marked «UTKAST» (a watermark and the running header)
    release_version: str | None = None  # the version sent to the council, on the title page
    release_date: dt.date | None = None


def sample_label(language: str, sample: dict) -> dict[str, str]:
    """The footer and the title page's notice of a sample report, saying what its data are:
    «bygger delvis på rekonstruerte og syntetiske data», «bygger på syntetiske data»."""
    kinds = sample["kinds"]
    which = "both" if len(kinds) > 1 else kinds[0]
    values = {"partly": words.text(language, "document.sample_partly") if sample["partly"] else "",
              "kinds": words.text(language, f"document.sample_kinds_{which}")}
    return {key: words.text(language, f"document.{key}", **values) for key in ("sample_footer", "sample_notice")}


def compose_document(chapters: list[str], config: ReportConfig, facts: DocumentFacts, templates: Path,
                     bibliography=None) -> str:
    """Return the whole report as one HTML document, exhibits numbered and contents written.
    `bibliography()`, if given, reads the sources the prose's citations name (see `marks`)."""
    fmt = for_language(config.language)
    fixed = words.section(config.language, "document")
    if facts.sample:
        fixed = {**fixed, **sample_label(config.language, facts.sample)}
    before, _, after = fixed["page"].partition("{page}")
    middle = after.split("{pages}")[0]
    html = _environment(str(templates / TEMPLATE_NAME)).get_template("report.html.j2").render(
        language=config.language,
        title=config.title,
        short_title=f"{fixed['final_evaluation']} – {config.municipality_name}",
        subject=f"{fixed['final_evaluation']}: {config.municipality_name} {fmt.years(config.programme.start, config.programme.end)}",
        keywords=f"{fixed['keywords']}, {config.municipality_name}",
        author=config.author,
        organisation=config.organisation,
        municipality=config.municipality_name,
        programme_period=fmt.years(config.programme.start, config.programme.end),
        report_date=fmt.date(config.report_date),
        commissioner=config.commissioner,
        report_number=config.report_number,
        isbn=config.isbn,
        issn=config.issn,
        identifier=identifier(config),
        version=__version__,
        release_version=facts.release_version,
        release_date=fmt.date(facts.release_date) if facts.release_date else "",
        draft=facts.draft,
        watermark=draft_watermark(fixed["draft"], templates) if facts.draft else "",
        created=facts.created,
        sample=facts.sample,
        fixed=fixed,
        page_label_before=before,
        page_label_middle=middle,
        stylesheet="evalreport/report.css",
        provenance_json=json.dumps(facts.provenance, sort_keys=True, ensure_ascii=False) if facts.provenance else "",
        chapters=chapters,
    )
    return finish_document(html, config.language, bibliography)


def identifier(config: ReportConfig) -> str:
    """The report's identifier for the PDF's metadata (dc:identifier): its ISBN as a URN, else its
    series' ISSN, else none."""
    if config.isbn:
        return "urn:isbn:" + re.sub(r"[\s-]", "", config.isbn)
    if config.issn:
        return "urn:issn:" + config.issn.replace("-", "")[:4] + "-" + config.issn.replace("-", "")[4:]
    return ""


@functools.lru_cache(maxsize=8)
def _environment(folder: str) -> jinja2.Environment:
    """One template environment per folder: Jinja compiles a template once and compiles it again
    only when its file changes (auto_reload), which a preview that composes at every edit needs."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=jinja2.select_autoescape(["html", "j2"]))


WATERMARK_COLOUR = "#DCDCDC"  # light enough to read the text over, dark enough to see on every page


def draft_watermark(word: str, templates: Path) -> str:
    """A diagonal `word` across an A4 page, as an SVG data: URI for the page background.

    The word is drawn as outlines of the report's bold font, not as text: WeasyPrint draws page
    backgrounds as artifacts, so the watermark is page furniture, not content, for PDF/UA (the
    running header says «UTKAST» in text), and it needs no font of its own in the PDF/A file.
    """
    _, faces = read_font_faces(templates / TEMPLATE_NAME / PRINT_STYLESHEET)
    bold = [f for f in faces if dict(f.descriptors).get("font-weight") == "700"
            and dict(f.descriptors).get("font-style", "normal") == "normal"]
    path = (bold or faces)[0].path
    stat = path.stat()
    return _watermark(word, path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _watermark(word: str, path: Path, _mtime_ns: int, _size: int) -> str:
    font = TTFont(path, lazy=True)
    glyphs, cmap, metrics = font.getGlyphSet(), font.getBestCmap(), font["hmtx"]
    pen = SVGPathPen(glyphs, ntos=lambda n: f"{n:.0f}")
    advance = 0
    for character in word:
        name = cmap.get(ord(character), ".notdef")
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, 1, advance, 0)))
        advance += metrics[name][0]
    height = font["OS/2"].sCapHeight or font["head"].unitsPerEm * 0.7
    width_mm, height_mm = 210, 297
    angle = math.degrees(math.atan2(height_mm, width_mm))  # corner to corner
    scale = 0.7 * math.hypot(width_mm, height_mm) / advance
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width_mm} {height_mm}" '
           f'width="{width_mm}mm" height="{height_mm}mm"><path fill="{WATERMARK_COLOUR}" '
           f'transform="translate({width_mm / 2} {height_mm / 2}) rotate({-angle:.2f}) scale({scale:.5f} {-scale:.5f}) '
           f'translate({-advance / 2:.0f} {-height / 2:.0f})" d="{pen.getCommands()}"/></svg>')
    return SVG_DATA + base64.b64encode(svg.encode("utf-8")).decode("ascii")


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


# A PDF's bookmarks under one parent are a chain (/Next), which the PDF/A validators follow at most
# 256 links deep: a section with more headings than that could not be checked. Headings beyond this
# many under one parent are left out of the bookmarks (they stay headings, tagged and in the text).
MAX_BOOKMARK_SIBLINGS = 200
NO_BOOKMARK = "er-no-bookmark"  # report.css: bookmark-level none


def _limit_bookmark_siblings(soup: BeautifulSoup) -> None:
    parents: list[tuple[int, list]] = [(0, [])]  # (level, the children counted so far) from the root down
    for heading in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        if heading.find_parent("section", class_="chapter") is None:
            continue
        level = int(heading.name[1])
        while parents[-1][0] >= level:
            parents.pop()
        siblings = parents[-1][1]
        siblings.append(heading)
        if len(siblings) > MAX_BOOKMARK_SIBLINGS:
            heading["class"] = [*heading.get("class", []), NO_BOOKMARK]
        parents.append((level, []))


def finish_document(html: str, language: str, bibliography=None) -> str:
    """Number chapters, sections and exhibits, give headings unique ids, fill in the prose's citations
    (with the reference list) and cross-references, and write the table of contents."""
    soup = BeautifulSoup(html, "html.parser")
    for link in soup.select("a.anchor-link"):
        link.decompose()
    marks.fill_citations(soup, language, bibliography)
    fixed = words.section(language, "document")
    counters = {"figure": 0, "table": 0}
    for label in soup.select("span.er-label"):
        kind = label["data-kind"]
        counters[kind] += 1
        label.string = f"{fixed[kind]} {counters[kind]}: "
    _number_headings(soup)
    marks.fill_cross_references(soup, language)
    _limit_bookmark_siblings(soup)
    for paragraph in soup.select("li > p"):
        # A loose markdown list puts each item in a paragraph; PDF/UA lets a list item hold only its
        # label and body, so the paragraph's text becomes the item's own (a line break between two).
        if paragraph.find_previous_sibling("p"):
            paragraph.insert_before(soup.new_tag("br"))
        paragraph.unwrap()
    seen: set[str] = set()
    entries = []
    for heading in soup.select("[data-er-label]"):  # a label is its heading's anchor ({#sec-name})
        if heading.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            seen.add(heading["data-er-label"])
    for heading in soup.select("section.chapter h1, section.chapter h2"):
        if heading.has_attr("data-er-label"):
            heading["id"] = heading["data-er-label"]
            entries.append((int(heading.name[1]), heading.get_text(" ", strip=True), heading["id"]))
            continue
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


def write_html_twin(html: str, target: Path, templates: Path, charts: frozenset[str] = frozenset()) -> None:
    """Write the HTML twin: one file that works alone (see `compose_html_twin`)."""
    twin = compose_html_twin(html, templates, charts=charts)
    write_atomically(target, lambda tmp: tmp.write_text(twin, encoding="utf-8"))


# The HTML twin is the report on the municipality's website, which must meet WCAG 2.1 AA (the
# universal-design regulation). It is made from the very document WeasyPrint prints, so the PDF
# and the page never say different things; only the twin gets the landmarks, the skip link and the
# screen stylesheet, so nothing here can change the PDF.
SCREEN_STYLESHEET = "screen.css"
PRINT_STYLESHEET = "report.css"
SVG = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SVG_DATA = "data:image/svg+xml;base64,"
IMAGE_TAG = re.compile(r"<img\b[^>]*>")
CHART_CLASS = re.compile(r'\bclass="er-chart"')
CHART_SOURCE = re.compile(r'\bsrc="(data:image/svg\+xml;base64,[A-Za-z0-9+/=]+)"')
UNSAFE_CSS = re.compile(r"@import[^;]*;?|url\((?!#)[^)]*\)|expression\([^)]*\)", re.IGNORECASE)
# What matplotlib's SVG charts are made of; any other element (script, foreignObject, a, image,
# animate ...) is dropped before a chart goes into the page.
SVG_ELEMENTS = {f"{{http://www.w3.org/2000/svg}}{name}" for name in (
    "svg", "g", "defs", "style", "path", "clipPath", "use", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "title", "desc", "metadata", "linearGradient", "radialGradient", "stop", "pattern",
    "mask", "symbol", "marker")}
FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}\s*")
FONT_SOURCE = re.compile(r"""src:\s*url\(\s*["']?(?P<path>[^"')]+)["']?\s*\)[^;]*;?""")
FONT_DESCRIPTOR = re.compile(r"(?P<name>font-[a-z]+)\s*:\s*(?P<value>[^;]+)")
FONT_FAMILY_LIST = re.compile(r"font-family:\s*(?P<families>[^;]+)")
URL_REFERENCE = re.compile(r"url\(#(?P<id>[^)]+)\)")
QUOTED = re.compile(r"[\"'‘“](?P<name>[^\"'’”]+)[\"'’”]")
RESERVED_FONT_NAMES = re.compile(r"Reserved Font Names?\s+(?P<names>.+)", re.IGNORECASE)
# The name records that name the font itself (family, full, PostScript, typographic and WWS names).
NAME_IDS_OF_THE_FONT = (1, 3, 4, 6, 16, 17, 18, 20, 21, 22)
FONTS_MARK = "er-twin-fonts"  # a comment in the head that the @font-face rules replace


@dataclass(frozen=True)
class FontFace:
    """One @font-face of the print stylesheet: the family name, its file and its other descriptors."""

    family: str
    path: Path
    descriptors: tuple[tuple[str, str], ...]


def chart_digests(markup: str) -> frozenset[str]:
    """The SHA-256 of every chart `evalreport.figures` drew in `markup` (its SVG data: URI)."""
    found = set()
    for tag in IMAGE_TAG.finditer(markup):  # in any order of attributes (a parser may sort them)
        source = CHART_SOURCE.search(tag.group(0))
        if source and CHART_CLASS.search(tag.group(0)):
            found.add(hashlib.sha256(source.group(1).encode("ascii")).hexdigest())
    return frozenset(found)


def drawn_charts(notebooks) -> frozenset[str]:
    """The charts the chapters' code drew (in a code cell's output), as opposed to an image someone
    wrote into prose: only these become inline SVG in the twin (see `compose_html_twin`)."""
    found = set()
    for notebook in notebooks:
        for cell in notebook.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                markup = output.get("data", {}).get("text/html")
                found |= chart_digests("".join(markup) if isinstance(markup, list) else markup or "")
    return frozenset(found)


def compose_html_twin(html: str, templates: Path, font_url=None, charts: frozenset[str] = frozenset()) -> str:
    """Return the report as one self-contained page for the web.

    Fonts (subset to the characters the page uses), stylesheets and charts are inside the file, so it
    works when copied alone. On screen it uses `screen.css` (a readable measure, 320 px and up,
    tables that scroll in their own box); printed, it uses the PDF's `report.css`. Charts become
    inline SVG, so their text is set in the page's font, and keep their alt text as an accessible
    name. The title page is the page's `header`, the chapters its `main`, with a skip link to it.

    `font_url(face)`, if given, names where a browser gets each font file instead: the preview
    serves the fonts as they are, which saves subsetting them at every edit.
    """
    soup = BeautifulSoup(html, "html.parser")
    fixed = words.section(soup.html.get("lang"), "document")
    folder = templates / TEMPLATE_NAME
    print_css, faces = read_font_faces(folder / PRINT_STYLESHEET)
    families = ({face.family: face.family for face in faces} if font_url else
                {face.family: twin_family_name(face) for face in faces})

    for link in soup.select('link[rel~="stylesheet"]'):
        link.decompose()
    _footnotes_as_notes(soup, fixed)
    for element in soup.find_all(lambda tag: any(a.startswith("data-er-") for a in tag.attrs)):
        for name in [a for a in element.attrs if a.startswith("data-er-")]:  # the source map is the build's
            del element[name]
    soup.head.find("meta", charset=True).insert_after(
        soup.new_tag("meta", attrs={"name": "viewport", "content": "width=device-width, initial-scale=1"}))
    inlined = []
    for image in soup.select(f'img[src^="{SVG_DATA}"]'):
        # Only a chart the build drew is inlined (known by its digest, never by a class prose can set);
        # any other SVG stays an <img>, in which a browser runs no script.
        if hashlib.sha256(image["src"].encode("ascii", "replace")).hexdigest() not in charts:
            continue
        n = len(inlined) + 1
        svg = base64.b64decode(image["src"][len(SVG_DATA):]).decode("utf-8")
        inlined.append(_inline_chart(svg, image.get("alt", ""), f"er-chart-{n}", tuple(sorted(families.items()))))
        image.replace_with(Comment(f"er-chart-{n}"))
    _wrap_tables(soup, fixed)
    _add_landmarks(soup, fixed)

    soup.head.append(Comment(FONTS_MARK))
    printed = soup.new_tag("style", attrs={"media": "print"})
    printed.string = rename_font_families(print_css, families)
    soup.head.append(printed)
    screen = soup.new_tag("style")
    screen.string = rename_font_families((folder / SCREEN_STYLESHEET).read_text(encoding="utf-8"), families)
    soup.head.append(screen)

    # The charts go in as text, not through the HTML parser, which would lower-case viewBox; the
    # fonts come last, as they hold exactly the characters of the finished page.
    page = str(soup)
    for n, chart in enumerate(inlined, start=1):
        page = page.replace(f"<!--er-chart-{n}-->", chart, 1)
    if font_url:
        fonts = "".join(link_font_face(face, font_url(face)) for face in faces)
    else:
        characters = font_characters(page)
        fonts = "".join(embed_font_face(face, families[face.family], page, characters) for face in faces)
    return page.replace(f"<!--{FONTS_MARK}-->", f"<style>\n{fonts}</style>", 1)


def _footnotes_as_notes(soup: BeautifulSoup, fixed: dict) -> None:
    """A footnote (at the foot of the page in the PDF) becomes a numbered link to a note at the end of
    its chapter, which links back; numbered through the whole report, as in the PDF."""
    number = 0
    for chapter in soup.select("section.chapter"):
        notes = []
        for footnote in chapter.select("span.er-footnote"):
            number += 1
            item = soup.new_tag("li", id=f"er-note-{number}")
            for child in list(footnote.contents):
                item.append(child.extract())
            back = soup.new_tag("a", href=f"#er-note-ref-{number}",
                                attrs={"class": "er-back-link", "aria-label": fixed["back_to_text"]})
            back.string = "↑"
            item.append(" ")
            item.append(back)
            notes.append(item)
            call = soup.new_tag("a", href=f"#er-note-{number}", id=f"er-note-ref-{number}",
                                attrs={"class": "er-footnote-ref"})
            call.string = str(number)
            sup = soup.new_tag("sup")
            sup.append(call)
            footnote.replace_with(sup)
        if notes:
            # A plain block, not a landmark: every chapter's notes would be a region of the same name.
            section = soup.new_tag("div", attrs={"class": "er-footnotes"})
            title = soup.new_tag("p", attrs={"class": "er-footnotes-title"})
            title.string = fixed["footnotes"]
            section.append(title)
            listing = soup.new_tag("ol", start=str(number - len(notes) + 1))
            for item in notes:
                listing.append(item)
            section.append(listing)
            chapter.append(section)


def _wrap_tables(soup: BeautifulSoup, fixed: dict) -> None:
    """Put each table in a box that scrolls sideways by itself (WCAG 1.4.10: the page never does),
    which a keyboard can reach and a screen reader names after the table's caption."""
    for table in soup.find_all("table"):
        figure = table.find_parent("figure")
        caption = figure.find("figcaption") if figure else table.find("caption")
        label = caption.get_text(" ", strip=True) if caption else fixed["table"]
        table.wrap(soup.new_tag("div", attrs={"class": "er-table-scroll", "role": "region",
                                              "aria-label": label, "tabindex": "0"}))


def _add_landmarks(soup: BeautifulSoup, fixed: dict) -> None:
    """The title page becomes the `header`, the chapters the `main`, and a skip link leads there."""
    body = soup.body
    title_page = body.find("section", class_="title-page", recursive=False)
    if title_page is not None:
        title_page.wrap(soup.new_tag("header"))
    chapters = body.find_all("section", class_="chapter", recursive=False)
    main = soup.new_tag("main", id="main")
    if chapters:
        chapters[0].insert_before(main)
        for chapter in chapters:
            main.append(chapter.extract())
    else:
        body.append(main)
    skip = soup.new_tag("a", href="#main", attrs={"class": "skip-link"})
    skip.string = fixed["skip_to_content"]
    body.insert(0, skip)


def read_font_faces(stylesheet: Path) -> tuple[str, list[FontFace]]:
    """Return the stylesheet without its @font-face rules, and those rules, each font file resolved
    from the stylesheet's folder."""
    css = stylesheet.read_text(encoding="utf-8")
    faces = []
    for rule in FONT_FACE.finditer(css):
        source = FONT_SOURCE.search(rule["body"])
        descriptors = {m["name"]: m["value"].strip() for m in FONT_DESCRIPTOR.finditer(FONT_SOURCE.sub("", rule["body"]))}
        if source is None or "font-family" not in descriptors:
            continue  # nothing to embed (a local() font, say): the browser falls back as the PDF would
        path = (stylesheet.parent / source["path"]).resolve()
        if not path.is_file():
            raise FileNotFoundError(errno.ENOENT, f"{stylesheet.name} names a font file that is not there: "
                                    "put the font there or correct the @font-face rule", str(path))
        family = descriptors.pop("font-family").strip("\"' ")
        faces.append(FontFace(family, path, tuple(descriptors.items())))
    return FONT_FACE.sub("", css), faces


def reserved_font_names(font) -> list[str]:
    """The Reserved Font Names an OFL font's copyright notice declares (name ID 0), e.g. ['Source']."""
    notice = font["name"].getDebugName(0) or ""
    found = RESERVED_FONT_NAMES.search(notice)
    return [m["name"] for m in QUOTED.finditer(found["names"])] if found else []


def without_reserved_names(name: str, reserved: list[str]) -> str:
    """A font's name with each of its Reserved Font Names replaced by 'Evalreport'.

    The twin's subset is a Modified Version under the SIL Open Font License, which may not carry
    the font's Reserved Font Names: 'Source Sans Pro' becomes 'Evalreport Sans Pro', and
    'SourceSansPro-Bold' 'EvalreportSansPro-Bold'. A font without reserved names keeps its own.
    """
    for word in reserved:
        name = name.replace(word, "Evalreport")
    return name


def twin_family_name(face: FontFace) -> str:
    """The family name the twin's subset of a face goes by (see `without_reserved_names`)."""
    with TTFont(face.path, lazy=True) as font:
        return without_reserved_names(face.family, reserved_font_names(font))


def rename_font_families(css: str, families: dict[str, str]) -> str:
    """Put each renamed family first wherever its original is named, the original kept as a fallback."""
    for original, renamed in families.items():
        if renamed != original:
            css = re.sub(rf"""(["']){re.escape(original)}\1""", f'"{renamed}", "{original}"', css)
    return css


def font_characters(text: str) -> str:
    """Every character a font must hold to set `text`, upper- and lower-case forms included (CSS may
    change the case, as the title page's kicker does)."""
    characters = set(text) | set(text.upper()) | set(text.lower())
    return "".join(sorted(c for c in characters if c.isprintable() or c == "\u00a0"))


def subset_font(path: Path, characters: str) -> bytes:
    """Return the font at `path` as WOFF2, cut down to `characters`, its names free of Reserved
    Font Names; its copyright notice, trademark and licence (name IDs 0, 7, 13, 14) stay, as the
    OFL asks."""
    stat = path.stat()
    return _subset_font(path, stat.st_mtime_ns, stat.st_size, characters)


def _make_subset(path: Path, characters: str) -> bytes:
    key = fontcache.key_of(kind="twin-woff2", font=hashlib.sha256(path.read_bytes()).hexdigest(),
                           characters=characters)
    return fontcache.cached(key, lambda: _subset_with_fonttools(path, characters))


# Subsetting takes about 0.35 s a face (fontTools reads the whole layout tables); a process that
# builds again and again (a preview) pays it once for each new set of characters.
@functools.lru_cache(maxsize=16)
def _subset_font(path: Path, _mtime_ns: int, _size: int, characters: str) -> bytes:
    return _make_subset(path, characters)


def _subset_with_fonttools(path: Path, characters: str) -> bytes:
    options = subset.Options()
    options.name_IDs = ["*"]
    font = TTFont(path, recalcTimestamp=False)  # the same inputs give the same bytes
    reserved = reserved_font_names(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in NAME_IDS_OF_THE_FONT:
            record.string = without_reserved_names(record.toUnicode(), reserved)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def embed_font_face(face: FontFace, family: str, page: str, characters: str | None = None) -> str:
    """One @font-face rule with the font, subset to the characters of `page` (or `characters`,
    computed once for every face), as a data: URI."""
    data = base64.b64encode(subset_font(face.path, characters or font_characters(page))).decode("ascii")
    descriptors = "".join(f" {name}: {value};" for name, value in face.descriptors)
    return (f'@font-face {{ font-family: "{family}"; src: url(data:font/woff2;base64,{data}) format("woff2");'
            f"{descriptors} }}\n")


def link_font_face(face: FontFace, url: str) -> str:
    """One @font-face rule that names the font file at `url`, as it is (unmodified, its own name)."""
    descriptors = "".join(f" {name}: {value};" for name, value in face.descriptors)
    return f'@font-face {{ font-family: "{face.family}"; src: url("{url}");{descriptors} }}\n'


def inline_chart(svg: str, alt: str, key: str, families: dict[str, str]) -> str:
    """Return a chart's SVG as markup to put inside the page.

    Its alt text becomes its accessible name (role="img", aria-label); its ids get the prefix `key`,
    so that two charts never share one; its style sheet applies to itself only; its text names the
    page's fonts; and what a browser does not need (metadata, layout whitespace) goes.
    """
    root = ElementTree.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG}}}metadata" or child.tag not in SVG_ELEMENTS:
                parent.remove(child)
    for element in root.iter():  # no event handlers, no links out of the chart, no external resources
        for name in list(element.attrib):
            value = element.attrib[name].strip()
            if (name.lower().startswith("on") or (name in ("href", XLINK_HREF) and not value.startswith("#"))
                    or "javascript:" in value.lower() or (name not in ("d", "style") and "url(" in value
                                                         and not URL_REFERENCE.fullmatch(value))):
                del element.attrib[name]
    referenced = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            referenced.update(m["id"] for m in URL_REFERENCE.finditer(value))
            if name in ("href", XLINK_HREF) and value.startswith("#"):
                referenced.add(value[1:])
    for element in root.iter():
        element.text = element.text if element.text and element.text.strip() else None
        element.tail = None
        if "id" in element.attrib:
            if element.attrib["id"] in referenced:
                element.set("id", f"{key}-{element.attrib['id']}")
            else:
                del element.attrib["id"]
        if XLINK_HREF in element.attrib:  # SVG 2's plain href needs no xlink namespace in HTML
            element.set("href", element.attrib.pop(XLINK_HREF))
        for name, value in list(element.attrib.items()):
            value = URL_REFERENCE.sub(lambda m: f"url(#{key}-{m['id']})", value)
            if name == "href" and value.startswith("#"):
                value = f"#{key}-{value[1:]}"
            if name == "d":
                value = " ".join(value.split())
            if name in ("style", "font-family"):
                value = FONT_FAMILY_LIST.sub(lambda m: _chart_font_families(m, families), value)
            element.set(name, value)
        if element.tag == f"{{{SVG}}}style" and element.text:
            element.text = _scope_css(UNSAFE_CSS.sub("", element.text), f"#{key}")
    for element in root.iter():  # an HTML parser puts <svg> and all inside it in SVG's namespace
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")
    root.set("xmlns", SVG)
    root.set("id", key)
    root.set("class", "er-chart")
    root.set("role", "img")
    root.set("aria-label", alt)
    return ElementTree.tostring(root, encoding="unicode")


@functools.lru_cache(maxsize=64)  # parsing a chart's SVG is most of composing the twin; a preview composes often
def _inline_chart(svg: str, alt: str, key: str, families: tuple[tuple[str, str], ...]) -> str:
    return inline_chart(svg, alt, key, dict(families))


def _chart_font_families(match: re.Match, families: dict[str, str]) -> str:
    """matplotlib names its whole fallback list; the page's own font and a generic one suffice."""
    first = match["families"].split(",")[0].strip().strip("\"'")
    if first in families:
        return f"font-family: '{families[first]}', sans-serif"
    return match[0]


def _scope_css(css: str, scope: str) -> str:
    """Prefix every selector of a small style sheet with `scope`: inline, an SVG's <style> would
    otherwise apply to the whole page."""
    def scoped(match: re.Match) -> str:
        selectors = ", ".join(f"{scope} {s.strip()}" for s in match["selectors"].split(","))
        return f"{selectors} {{{match['body']}}}"

    return re.sub(r"(?P<selectors>[^{}]+)\{(?P<body>[^{}]*)\}", scoped, css)

