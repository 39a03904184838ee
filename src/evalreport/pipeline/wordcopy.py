"""The Word copy of a report, for the client's comments: build/<name>.docx.

Consultancies send the draft to the client (the municipality, the county) and get it back with
comments and tracked changes in Word. The Word copy is made from the very document the PDF is
printed from (the composed HTML), by pandoc with the house style of
`report_templates/evalreport/reference.docx`: real headings, tables with a header row repeated on
every page, charts as PNG images (rendered from their SVG in the report's fonts) with their alt text,
captions, footnotes, the reference list, the title page's facts, the report's language on the text.
It says on its first page and in its properties that it is a draft for comments, never the archival
copy, and opens with Word's change tracking on. The same inputs give the same bytes.

It carries a source map, so that `evalreport comments` can bring the client's comments back to the
files they concern: every block of text gets a hidden bookmark `_er_<source>_<line>_<n>` at its start
(pandoc makes an HTML id a bookmark), where <source> numbers an origin listed in the document's
custom properties (`evalreport.source.<k>`: a file and its SHA-256 when the copy was made, an
exhibit computed by a standard chapter, a chapter, or the build itself) and <line> is the line where
the block starts in that file. The origins come from the composed HTML's `data-er-source`
attributes ("prose/x/lessons.md:12", "computed:fig-employment-index"); a block without one belongs to
its chapter, and the title page, contents, colophon and change page to the build itself. Word and
LibreOffice keep bookmarks and custom properties when they save a document.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import datetime as dt
import json
import logging
import re
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.sax.saxutils import escape

import pypandoc
import resvg_py
from bs4 import BeautifulSoup, NavigableString, Tag
from lxml import etree

from evalreport import __version__, words
from evalreport.errors import RenderingError
from evalreport.files import write_atomically
from evalreport.pipeline import fontcache, ooxml
from evalreport.pipeline.document import PRINT_STYLESHEET, TEMPLATE_NAME, read_font_faces
from evalreport.pipeline.ooxml import w

log = logging.getLogger(__name__)

REFERENCE = "reference.docx"  # in report_templates/evalreport/
SOURCE_ATTRIBUTE = "data-er-source"
MARK = re.compile(r"_?er_(?P<source>\d+)_(?P<line>\d+)_(?P<n>\d+)")  # a block's bookmark
PROPERTY = "evalreport."  # the prefix of the custom properties
FORMAT = "1"  # of the source map in the custom properties
CHART_DPI = 150  # charts as PNG: sharp on screen, readable printed, about 40 kB each; drawn in about half a second each
PANDOC_SECONDS = 300

BUILD, FILE, COMPUTED, CHAPTER = "build", "file", "computed", "chapter"  # the kinds of origin
LEAVES = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "caption", "pre")
BUILD_SECTIONS = ("title-page", "toc", "changes", "colophon")  # the blocks the build itself writes


def language_tag(language: str) -> str:
    """The tag Word marks the text with: nb-NO, nn-NO, en-GB."""
    return words.text(language, "word_copy.language_tag")


@dataclass(frozen=True)
class Origin:
    """Where a block of the report comes from: a file (and its digest when the copy was made), an
    exhibit a standard chapter computed, a chapter as a whole (no finer source recorded), or the
    build itself."""

    kind: str
    path: str = ""  # the file, or the chapter that computed the exhibit
    label: str = ""  # a computed exhibit's label
    sha256: str = ""

    def to_json(self) -> str:
        data = {"kind": self.kind, "path": self.path, "label": self.label, "sha256": self.sha256}
        return json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Origin:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("kind") not in (BUILD, FILE, COMPUTED, CHAPTER):
            raise ValueError("not an origin")
        return cls(str(data["kind"]), str(data.get("path", "")), str(data.get("label", "")),
                   str(data.get("sha256", "")))


@dataclass(frozen=True)
class WordFacts:
    """What the Word copy says about the report, and what its source map needs."""

    name: str  # the report's output name
    config: str  # its configuration, as the project names it
    language: str
    title: str
    author: str
    organisation: str
    municipality: str
    built_at: str  # ISO 8601: the dates inside the file
    chapters: tuple[str, ...] = ()  # each chapter's text (or its notebook), in the report's order
    labels: dict = field(default_factory=dict)  # exhibit label -> the chapter file that computes it
    digests: dict = field(default_factory=dict)  # input file -> sha256
    prose_dir: Path | None = None


def facts_of(run) -> WordFacts:
    """The facts of a build in progress (`evalreport.pipeline.steps.Run`)."""
    plan = run.plan
    config, project = plan.config, plan.project
    by_stem = {c.stem: project.relative(c.path) for c in plan.chapters}
    labels = {label: by_stem.get(stem, stem) for stem, digest in run.fragments.digests.items()
              for label in digest.get("labels", [])}
    # A chapter's words are in its text file in the report's language, where it has one.
    texts = tuple(project.relative(c.text_file(config.language) or c.path) for c in plan.chapters)
    return WordFacts(name=plan.name, config=plan.config_arg, language=config.language, title=config.title,
                     author=config.author, organisation=config.organisation, municipality=config.municipality_name,
                     built_at=plan.built_at, chapters=texts, labels=labels,
                     digests=dict(plan.inputs), prose_dir=plan.prose_dir)


def write_word_copy(html: str, target: Path, templates: Path, facts: WordFacts) -> dict:
    """Write the Word copy of the composed report `html` to `target`; return what it holds (the
    number of origins and marks of its source map)."""
    reference = templates / "evalreport" / REFERENCE
    if not reference.is_file():
        raise RenderingError(f"{reference}: the Word copy's house style is missing; restore it from git, or make "
                             "it again with 'python -m dev.referencedoc', or put your organisation's own there")
    prepared = prepare(html, facts, templates)
    raw = run_pandoc(prepared.html, reference, language_tag(facts.language))
    data = finish(raw, facts, prepared.origins)
    write_atomically(target, lambda tmp: tmp.write_bytes(data))
    return {"origins": len(prepared.origins), "marks": prepared.marks}


# --- the HTML pandoc reads -------------------------------------------------------------------------

@dataclass
class Prepared:
    html: str
    origins: list[Origin]
    marks: int


class _SourceMap:
    """The origins of the report's blocks, numbered in the order they are met (0: the build)."""

    def __init__(self, facts: WordFacts):
        self.facts = facts
        self.origins: list[Origin] = [Origin(BUILD)]
        self._index = {Origin(BUILD): 0}
        self._counts: dict[tuple[int, int], int] = {}

    def number(self, origin: Origin) -> int:
        if origin not in self._index:
            self._index[origin] = len(self.origins)
            self.origins.append(origin)
        return self._index[origin]

    def mark(self, soup: BeautifulSoup, origin: Origin, line: int) -> Tag:
        """An empty span whose id pandoc makes a bookmark: the source, the line and a serial."""
        source = self.number(origin)
        n = self._counts[(source, line)] = self._counts.get((source, line), 0) + 1
        return soup.new_tag("span", attrs={"id": f"er_{source}_{line}_{n}"})

    def parse(self, value: str, chapter: Origin) -> tuple[Origin, int] | None:
        """'prose/x/lessons.md:12' or 'computed:fig-x' as an origin and a line; None if neither."""
        value = value.strip()
        if value.startswith("computed:"):
            label = value[len("computed:"):]
            return Origin(COMPUTED, self.facts.labels.get(label, chapter.path), label), 0
        path, _, line = value.rpartition(":")
        if not path or not line.isdigit():
            return None
        return Origin(FILE, path, sha256=self.facts.digests.get(path, "")), int(line)


def prepare(html: str, facts: WordFacts, templates: Path) -> Prepared:
    """The composed report as HTML for pandoc: every block marked with its origin, the title page,
    contents, exhibits and notes in the shapes pandoc makes Word's own of, charts as PNG."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body
    sources = _SourceMap(facts)
    chapters = iter(facts.chapters)
    marks, notes = 0, [0]
    for section in [c for c in body.children if isinstance(c, Tag)]:
        classes = set(section.get("class", []))
        if classes & set(BUILD_SECTIONS):
            context = Origin(BUILD)
        elif "chapter" in classes:
            context = Origin(CHAPTER, next(chapters, ""))
        else:
            context = Origin(BUILD)
        _collect_notes(soup, section, notes)
        marks += _mark_blocks(soup, section, context, sources)
    _title_page(soup, sources)
    _contents(soup)
    _colophon(soup)
    _exhibits(soup)
    _styled_blocks(soup)
    _tables(soup)
    _images(soup, templates, facts.prose_dir)
    # pandoc would make a title block of the head's title and author: the title page says them.
    for element in list(soup.head.children) if soup.head else []:
        element.extract()
    return Prepared(str(soup), sources.origins, marks + 1)


def _origin(element: Tag, section: Tag, context: Origin, sources: _SourceMap) -> tuple[Origin, int]:
    """A block's origin: its own source, or its nearest ancestor's; an exhibit without one was
    computed by its chapter; anything else belongs to the section it is in."""
    node = element
    while node is not None and node is not section.parent:
        value = node.get(SOURCE_ATTRIBUTE) if isinstance(node, Tag) else None
        if value:
            parsed = sources.parse(value, context)
            if parsed is not None:
                return parsed
        if node.name == "figure" and "er-exhibit" in node.get("class", []) and context.kind == CHAPTER:
            label = node.get("id", "")
            label = label if re.fullmatch(r"(fig|tbl)-[a-z0-9-]+", label or "") else ""
            return Origin(COMPUTED, sources.facts.labels.get(label, context.path), label), 0
        node = node.parent
    return context, 0


def _mark_blocks(soup: BeautifulSoup, section: Tag, context: Origin, sources: _SourceMap) -> int:
    """Put a mark at the start of every block of text in `section` (a table's rows only where they
    have a source of their own: else its caption's mark stands for it)."""
    count = 0
    blocks = ([section] if section.name in LEAVES else []) + section.find_all(LEAVES)
    for row in section.find_all("tr"):
        if row.get(SOURCE_ATTRIBUTE) or any(cell.get(SOURCE_ATTRIBUTE) for cell in row.find_all(["th", "td"])):
            first = row.find(["th", "td"])
            if first is not None:
                blocks.append(first)
    for block in blocks:
        origin, line = _origin(block, section, context, sources)
        block.insert(0, sources.mark(soup, origin, line))
        count += 1
    return count


# Footnotes as pandoc's HTML reader knows them (and its writer makes Word's own footnotes of): a
# reference <a role="doc-noteref" href="#id"> and the note <li id="id"> in a <section
# role="doc-endnotes">. The report's notes come as a note in place (<span class="er-footnote">, which
# WeasyPrint sets at the foot of the page: evalreport.pipeline.dialect), or, from other HTML, as
# references to a list of notes (class footnote-ref, the notes in a section or div of class
# footnotes, as markdown renderers write them).


def _collect_notes(soup: BeautifulSoup, section: Tag, counter: list[int]) -> None:
    """Turn the notes of `section` into pandoc's form, the notes listed at the section's end (where
    a note without a source of its own belongs, to the section); `counter` numbers them through the
    report."""
    notes = []
    for note in section.select("span.er-footnote, span.footnote, aside.footnote"):
        block = note.find_parent(LEAVES)
        paragraph = soup.new_tag("p")
        source = note.get(SOURCE_ATTRIBUTE) or (block.get(SOURCE_ATTRIBUTE) if block is not None else None)
        if source:
            paragraph[SOURCE_ATTRIBUTE] = source
        for child in list(note.children):
            paragraph.append(child.extract())
        notes.append(([paragraph], note))
    for container in section.select("section.footnotes, div.footnotes, section[role=doc-endnotes], "
                                    "aside[role=doc-endnotes]"):
        for item in container.find_all("li", id=True):
            references = [a for a in section.find_all("a", href=f"#{item['id']}")
                          if not a.find_parent(lambda t: t is container)]
            for backlink in item.select('a[href^="#"]'):
                if backlink.get("role") == "doc-backlink" or "footnote-back" in " ".join(backlink.get("class", [])) \
                        or backlink.get_text(strip=True) in ("↩", "↩︎"):
                    backlink.decompose()
            content = [child.extract() for child in list(item.children)]
            for reference in references[:1]:
                holder = reference.find_parent("sup") if reference.find_parent("sup") is not None else reference
                notes.append((content, holder))
        container.decompose()
    if not notes:
        return
    endnotes = soup.new_tag("section", attrs={"role": "doc-endnotes"})
    listing = soup.new_tag("ol")
    endnotes.append(listing)
    for n, (content, holder) in enumerate(notes, start=1):
        counter[0] += 1
        note_id = f"er-note-{counter[0]}"
        reference = soup.new_tag("a", attrs={"href": f"#{note_id}", "role": "doc-noteref"})
        number = soup.new_tag("sup")
        number.string = str(n)
        reference.append(number)
        holder.replace_with(reference)
        item = soup.new_tag("li", attrs={"id": note_id})
        for child in content:
            item.append(child)
        listing.append(item)
    section.append(endnotes)


def _paragraph(soup: BeautifulSoup, style: str, *children) -> Tag:
    """A paragraph in the Word style `style` (pandoc: a div with custom-style)."""
    holder = soup.new_tag("div", attrs={"data-custom-style": style})
    paragraph = soup.new_tag("p")
    for child in children:
        paragraph.append(child)
    holder.append(paragraph)
    return holder


def _styled(soup: BeautifulSoup, element: Tag, style: str) -> None:
    """`element` (a block) in the Word style `style`: a heading outside the chapters becomes a paragraph."""
    if element.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        element.name = "p"
    element.wrap(soup.new_tag("div", attrs={"data-custom-style": style}))


def _title_page(soup: BeautifulSoup, sources: _SourceMap) -> None:
    """The title page as paragraphs in the reference's styles, the note that this is a draft for
    comments first of all."""
    page = soup.select_one("section.title-page")
    if page is None:
        return
    for element, style in (("p.kicker", "Kicker"), (".report-title", "Title"), ("p.municipality", "Subtitle"),
                           ("p.draft-notice", "Draft Notice")):
        for found in page.select(element):
            _styled(soup, found, style)
    for facts in page.select("dl.facts"):
        _pairs(soup, facts, "Title Facts")
    for notice in page.select("div.sample-notice"):
        notice.name = "div"
        notice.attrs = {"data-custom-style": "Sample Notice"}
        for banner in notice.select("p.sample-banner"):
            banner.wrap(soup.new_tag("strong"))
            banner.unwrap()
    facts = sources.facts
    text = NavigableString(words.text(facts.language, "word_copy.notice",
                                      organisation=facts.organisation or facts.author))
    page.insert(0, _paragraph(soup, "Draft Notice", sources.mark(soup, Origin(BUILD), 0), text))


def _pairs(soup: BeautifulSoup, listing: Tag, style: str) -> None:
    """A list of terms and values (<dl>) as one paragraph each: «Term: value»."""
    holder = soup.new_tag("div", attrs={"data-custom-style": style})
    for term in listing.find_all("dt"):
        value = term.find_next_sibling("dd")
        paragraph = soup.new_tag("p")
        strong = soup.new_tag("strong")
        for child in list(term.children):
            strong.append(child.extract())
        paragraph.append(strong)
        paragraph.append(NavigableString(": "))
        for child in list(value.children) if value is not None else []:
            paragraph.append(child.extract())
        holder.append(paragraph)
    listing.replace_with(holder)


def _contents(soup: BeautifulSoup) -> None:
    """The contents as Word's contents styles, each entry a link to its heading."""
    nav = soup.select_one("nav.toc")
    if nav is None:
        return
    for heading in nav.select("h1, h2"):
        _styled(soup, heading, "TOC Heading")
    for listing in nav.find_all("ul"):
        holder = soup.new_tag("div")
        for item in listing.find_all("li", recursive=False):
            level = 2 if "toc-level-2" in item.get("class", []) else 1
            item.name = "p"
            item.attrs = {}
            holder.append(_wrap(soup, item.extract(), f"toc {level}"))
        listing.replace_with(holder)
    nav.name = "div"
    nav.attrs = {}


def _wrap(soup: BeautifulSoup, element: Tag, style: str) -> Tag:
    holder = soup.new_tag("div", attrs={"data-custom-style": style})
    holder.append(element)
    return holder


def _colophon(soup: BeautifulSoup) -> None:
    for listing in soup.select("section.colophon dl"):
        _pairs(soup, listing, "Colophon")


def _exhibits(soup: BeautifulSoup) -> None:
    """A numbered table becomes a Word table with its caption (Table Caption, above it, and the table's
    own description); a figure keeps its caption above its one image; source lines and notes follow
    in the Source style."""
    for figure in soup.find_all("figure"):
        caption = figure.find("figcaption", recursive=False)
        table = figure.find("table")
        images = figure.find_all("img")
        trailing = []
        for element in [child for child in figure.find_all(["p", "div"], recursive=False)
                        if not child.find(["table", "img"])]:
            element.extract()
            trailing.append(_wrap(soup, element, "Source") if element.name == "p" else element)
        anchor = soup.new_tag("span", attrs={"id": figure["id"]}) if figure.get("id") else None
        if table is not None:
            title = soup.new_tag("caption")
            if anchor is not None:
                title.append(anchor)
            for child in list(caption.children) if caption is not None else []:
                title.append(child.extract())
            for old in table.find_all("caption", recursive=False):
                old.decompose()
            table.insert(0, title)
            figure.replace_with(table.extract())
            _insert_after(table, trailing)
        elif len(images) == 1:
            figure.attrs = {k: v for k, v in figure.attrs.items() if k == "id"}
            for child in list(figure.children):
                if child is not caption and child is not images[0]:
                    child.extract()
            figure.append(images[0].extract())
            _insert_after(figure, trailing)
        else:  # no image, or several: its parts one after the other, the caption a paragraph
            if caption is not None:
                caption.name = "p"
                caption.wrap(soup.new_tag("div", attrs={"data-custom-style": "Image Caption"}))
            figure.name = "div"
            figure.attrs = {}
            _insert_after(figure, trailing)


def _insert_after(element: Tag, following: list[Tag]) -> None:
    for other in reversed(following):
        element.insert_after(other)


def _styled_blocks(soup: BeautifulSoup) -> None:
    """Callouts and the reference list in their Word styles."""
    for callout in soup.find_all(lambda t: t.name in ("div", "aside", "section")
                                 and any(c in ("callout", "er-callout") for c in t.get("class", []))):
        callout["data-custom-style"] = "Callout"
    for references in soup.select("ul.er-reference-list, #refs, .references, .csl-bib-body"):
        references["data-custom-style"] = "Bibliography"


def _tables(soup: BeautifulSoup) -> None:
    """Numbers aligned right as in the PDF; a total row in bold."""
    for cell in soup.select("th.num, td.num"):
        cell["align"] = "right"
    for row in soup.select("tr.total"):
        for cell in row.find_all(["th", "td"]):
            strong = soup.new_tag("strong")
            for child in list(cell.children):
                if isinstance(child, Tag) and child.name == "span" and MARK.fullmatch(child.get("id", "")):
                    continue
                strong.append(child.extract())
            cell.append(strong)


SVG_DATA = "data:image/svg+xml;base64,"


IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


def _images(soup: BeautifulSoup, templates: Path, prose_dir: Path | None) -> None:
    """Every image as data pandoc reads in its sandbox: an SVG (the charts) as a PNG drawn in the
    report's own fonts (Word draws an SVG only from 2016 on, LibreOffice not at all, and pandoc makes
    a PNG of one only with rsvg-convert); an image named by its file, only inside the case's prose
    folder, read from there. Any other image becomes its alt text."""
    fonts = None
    for image in soup.find_all("img"):
        source = image.get("src", "")
        if not source.startswith("data:"):
            source = _inlined(source, prose_dir)
        if source.startswith(SVG_DATA):
            if fonts is None:
                fonts = tuple(str(face.path) for face in
                              read_font_faces(templates / TEMPLATE_NAME / PRINT_STYLESHEET)[1])
            try:
                svg = base64.b64decode(source[len(SVG_DATA):], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                image.replace_with(NavigableString(image.get("alt", "")))
                continue
            png = svg_to_png(svg, fonts)
            image["src"] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        elif source.startswith(("data:image/png;", "data:image/jpeg;", "data:image/gif;")):
            image["src"] = source
        else:
            image.replace_with(NavigableString(image.get("alt", "")))


def _inlined(source: str, prose_dir: Path | None) -> str:
    """An image named by its file (relative to the prose folder, or a file: URL) as a data: URL, if
    the file is an image inside the prose folder; '' otherwise."""
    if prose_dir is None or not source:
        return ""
    parsed = urlparse(source)
    if parsed.scheme not in ("", "file") or parsed.netloc not in ("", "localhost"):
        return ""  # never fetched from the network
    folder = prose_dir.resolve()
    path = Path(unquote(parsed.path))
    path = (path if path.is_absolute() else folder / path).resolve()
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_relative_to(folder) or not path.is_file():
        return ""
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def svg_to_png(svg: str, fonts: tuple[str, ...]) -> bytes:
    """An SVG as a PNG at CHART_DPI, its text set in `fonts` only (never the machine's), marked with
    its resolution so that Word shows it at the SVG's size.

    Drawing a chart takes resvg 0.1 to 1.5 s (the placebo chart, hundreds of lines, is the slowest); the PNGs are kept in the font cache (see
    `evalreport.pipeline.fontcache`), keyed by the SVG, the fonts' bytes, the resolution and resvg's
    version, so that a build whose charts did not change draws none.
    """
    key = fontcache.key_of(kind="word-copy-chart-png", svg=hashlib.sha256(svg.encode("utf-8")).hexdigest(),
                           fonts=[_file_digest(Path(f)) for f in fonts], dpi=CHART_DPI, resvg=resvg_py.__version__)
    return fontcache.cached(key, lambda: _draw(svg, fonts))


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _digest(path: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _draw(svg: str, fonts: tuple[str, ...]) -> bytes:
    try:
        png = resvg_py.svg_to_bytes(svg_string=svg, dpi=float(CHART_DPI), skip_system_fonts=True,
                                    font_files=list(fonts), background="#ffffff")
    except ValueError as exc:
        raise RenderingError(f"a chart could not be drawn as an image for the Word copy: {exc}") from None
    return with_resolution(bytes(png), CHART_DPI)


def with_resolution(png: bytes, dpi: int) -> bytes:
    """The PNG with a pHYs chunk saying `dpi` (in pixels per metre), right after its header."""
    signature, rest = png[:8], png[8:]
    length = struct.unpack(">I", rest[:4])[0]
    header_end = 8 + 4 + 4 + length + 4  # length, type, data, CRC of IHDR
    per_metre = round(dpi / 0.0254)
    data = struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", len(data)) + b"pHYs" + data + struct.pack(">I", zlib.crc32(b"pHYs" + data))
    body = png[header_end:]
    body = _without_chunk(body, b"pHYs")
    return signature + png[8:header_end] + chunk + body


def _without_chunk(chunks: bytes, kind: bytes) -> bytes:
    out, position = bytearray(), 0
    while position + 8 <= len(chunks):
        length = struct.unpack(">I", chunks[position:position + 4])[0]
        end = position + 12 + length
        if chunks[position + 4:position + 8] != kind:
            out += chunks[position:end]
        position = end
    return bytes(out)


# --- pandoc ------------------------------------------------------------------------------------------

def run_pandoc(html: str, reference: Path, language: str) -> bytes:
    """pandoc's Word document of `html` in the style of `reference`, sandboxed (it reads nothing but
    its input and the reference)."""
    with tempfile.TemporaryDirectory(prefix="evalreport-docx-") as folder:
        output = Path(folder) / "report.docx"
        command = [pypandoc.get_pandoc_path(), "--sandbox", "--from=html", "--to=docx",
                   f"--reference-doc={reference}", "--figure-caption-position=above",
                   "--table-caption-position=above", f"--metadata=lang:{language}", f"--output={output}"]
        try:
            done = subprocess.run(command, input=html.encode("utf-8"), capture_output=True, timeout=PANDOC_SECONDS)
        except subprocess.TimeoutExpired:
            raise RenderingError(f"pandoc took more than {PANDOC_SECONDS} s to write the Word copy") from None
        problems = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode != 0 or not output.is_file():
            raise RenderingError(f"pandoc could not write the Word copy ({problems or f'exit {done.returncode}'}); "
                                 f"if {reference.name} is your organisation's own, check that Word opens it")
        if problems:
            log.info("  pandoc: %s", problems.replace("\n", "; ")[:500])
        return output.read_bytes()


# --- the finished package -----------------------------------------------------------------------------

def _xml(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def finish(raw: bytes, facts: WordFacts, origins: list[Origin]) -> bytes:
    """pandoc's document made a draft for comments with a source map: the blocks' bookmarks hidden,
    the images' descriptions their alt text, change tracking on, the language on the text, the
    properties (title, subject, keywords, status, dates) from the build, the origins in the custom
    properties, and every date the build's."""
    parts = ooxml.read_package(raw)
    tag = language_tag(facts.language)
    for name in ("word/document.xml", "word/footnotes.xml"):
        if name in parts:
            parts[name] = _finish_text(parts[name])
    parts["word/settings.xml"] = _finish_settings(parts["word/settings.xml"], tag)
    parts["word/styles.xml"] = _finish_styles(parts["word/styles.xml"], tag)
    parts["docProps/core.xml"] = core_properties(facts)
    properties = {f"{PROPERTY}wordcopy": FORMAT, f"{PROPERTY}report": facts.name, f"{PROPERTY}config": facts.config,
                  f"{PROPERTY}built": facts.built_at, f"{PROPERTY}title": facts.title[:250]}
    properties.update({f"{PROPERTY}source.{k}": origin.to_json() for k, origin in enumerate(origins)})
    parts[ooxml.CUSTOM_PROPERTIES] = ooxml.custom_properties_xml(properties)
    _declare_custom_properties(parts)
    return ooxml.write_package(parts, dt.datetime.fromisoformat(facts.built_at))


def _finish_text(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for bookmark in root.iter(w("bookmarkStart")):
        name = bookmark.get(w("name"), "")
        if MARK.fullmatch(name) and not name.startswith("_"):
            bookmark.set(w("name"), "_" + name)  # hidden: Word lists bookmarks starting with _ only when asked
    for drawing in root.iter(f"{{{ooxml.NS['wp']}}}inline", f"{{{ooxml.NS['wp']}}}anchor"):
        described = drawing.find(f"{{{ooxml.NS['wp']}}}docPr")
        alt = described.get("descr", "") if described is not None else ""
        for picture in drawing.iter(f"{{{ooxml.NS['pic']}}}cNvPr"):
            picture.set("descr", alt)  # pandoc puts the image's source there: the whole data: URI
    for table in root.iter(w("tbl")):  # as wide as the text, as in the PDF
        properties = table.find(w("tblPr"))
        width = properties.find(w("tblW")) if properties is not None else None
        if width is not None and width.get(w("type")) == "auto":
            width.set(w("type"), "pct")
            width.set(w("w"), "5000")
    return _xml(root)


def _finish_settings(data: bytes, tag: str) -> bytes:
    """Change tracking on (the client's edits come back as tracked changes), the language of the theme."""
    root = etree.fromstring(data)
    order = [etree.QName(child).localname for child in root]
    if root.find(w("trackRevisions")) is None:
        track = etree.Element(w("trackRevisions"))
        # trackRevisions comes after the view settings and before the spelling state in the schema
        successors = ("doNotTrackFormatting", "doNotTrackMoves", "documentProtection", "autoFormatOverride",
                      "styleLockTheme", "styleLockQFSet", "defaultTabStop")
        following = next((root.find(w(name)) for name in successors if name in order), None)
        if following is not None:
            following.addprevious(track)
        else:
            root.append(track)
    language = root.find(w("themeFontLang"))
    if language is None:
        language = etree.SubElement(root, w("themeFontLang"))
    language.set(w("val"), tag)
    return _xml(root)


def _finish_styles(data: bytes, tag: str) -> bytes:
    """The report's language on every run (the document's default), whatever the reference said."""
    root = etree.fromstring(data)
    run = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    if run is not None:
        language = run.find(w("lang"))
        if language is None:
            language = etree.SubElement(run, w("lang"))
        language.set(w("val"), tag)
    return _xml(root)


def core_properties(facts: WordFacts) -> bytes:
    """Title, subject, keywords, status and description say it is a draft for comments, in the report's
    language; the dates are the build's."""
    language = facts.language
    document = words.section(language, "document")
    copy = words.section(language, "word_copy")
    when = dt.datetime.fromisoformat(facts.built_at).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {
        "dc:title": words.text(language, "word_copy.title", title=facts.title),
        "dc:subject": document["draft_notice"],
        "dc:creator": facts.author,
        "cp:keywords": f"{copy['keywords']}, {document['keywords']}, {facts.municipality}",
        "dc:description": words.text(language, "word_copy.notice", organisation=facts.organisation or facts.author),
        "cp:lastModifiedBy": f"evalreport {__version__}",
        "cp:contentStatus": copy["status"],
        "dc:language": language_tag(language),
    }
    ns = ooxml.NS
    elements = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in values.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="{ns["cp"]}" '
            f'xmlns:dc="{ns["dc"]}" xmlns:dcterms="{ns["dcterms"]}" xmlns:xsi="{ns["xsi"]}">{elements}'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>'
            ).encode("utf-8")


def _declare_custom_properties(parts: dict[str, bytes]) -> None:
    """The package names docProps/custom.xml (pandoc does, but an organisation's reference may not)."""
    types = etree.fromstring(parts[ooxml.CONTENT_TYPES])
    if not any(o.get("PartName") == "/" + ooxml.CUSTOM_PROPERTIES for o in types):
        override = etree.SubElement(types, f"{{{ooxml.NS['ct']}}}Override")
        override.set("PartName", "/" + ooxml.CUSTOM_PROPERTIES)
        override.set("ContentType", ooxml.CUSTOM_PROPERTIES_TYPE)
        parts[ooxml.CONTENT_TYPES] = _xml(types)
    rels = etree.fromstring(parts["_rels/.rels"])
    if not any(r.get("Type") == ooxml.CUSTOM_PROPERTIES_REL for r in rels):
        relation = etree.SubElement(rels, f"{{{ooxml.NS['rel']}}}Relationship")
        relation.set("Id", "rIdEvalreportCustom")
        relation.set("Type", ooxml.CUSTOM_PROPERTIES_REL)
        relation.set("Target", ooxml.CUSTOM_PROPERTIES)
        parts["_rels/.rels"] = _xml(rels)
