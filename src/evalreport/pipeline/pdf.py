"""The council's PDF: an archival, tagged PDF/A-2a claiming PDF/UA-1, written by WeasyPrint.

WeasyPrint lays the composed HTML out; the `finisher` hook completes what WeasyPrint 70 leaves
undone; the file is checked before it may replace the last good one.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import signal
import threading
from pathlib import Path
from typing import Callable
from urllib.request import url2pathname
from xml.sax.saxutils import escape as xml_escape

from pydyf import Array, Dictionary, Stream

from evalreport.errors import RenderingError
from evalreport.files import write_atomically
from evalreport.pipeline import fontcache

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-2a"


# What WeasyPrint logs only as a warning but which leaves the page damaged: a font that could not be
# loaded (the text falls back to another font), a character no font has (a box is drawn instead).
_DAMAGE_WARNINGS = ("Font-face ", "Failed to load font", ".notdef glyph rendered", "Unable to instantiate",
                    "Unable to save emoji font")


class _Failures(logging.Handler):
    """Collects what WeasyPrint logs as errors, and the warnings that mean a damaged page: it catches
    every exception while drawing an image (even an interrupt) and only logs it, so a log record is
    the one trace of a damaged page."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []
        self.interrupted = False  # see _interrupts_noticed

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR or message.startswith(_DAMAGE_WARNINGS):
            self.messages.append(message)


class _QuietSubsetter(logging.Filter):
    """WeasyPrint warns at every font that fontTools subsets it; we chose fontTools (see write_pdf)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Using fontTools instead of HarfBuzz-Subset")


def _confined_fetcher(templates: Path):
    """A URL fetcher that reads only `data:` URLs and the project's own templates and fonts: a link,
    an image or an attachment anywhere else (a local file, the network) stops the build. A file of
    the templates that is missing (a font) is logged as an error, which fails the PDF (_Failures)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetchingError  # slow: only the PDF step needs it

    allowed = templates.resolve()

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if path.is_relative_to(allowed) and path.is_file():
                    return super().fetch(url, headers)
                if path.is_relative_to(allowed):
                    missing = path.relative_to(allowed.parent).as_posix()
                    logging.getLogger("weasyprint").error("%s is missing", missing)
                    raise URLFetchingError(f"{missing} is missing")
            elif scheme == "data":
                return super().fetch(url, headers)
            raise FatalURLFetchingError(f"the report refers to {url[:80]!r}, which is neither part of the report "
                                        "nor of its templates; only those may be embedded")

    return ConfinedFetcher(allowed_protocols={"file", "data"}, timeout=5)


@contextlib.contextmanager
def _interrupts_noticed(failures: _Failures):
    """Note every interrupt (Ctrl-C) while the PDF is made: WeasyPrint swallows one that arrives
    while it draws an SVG chart, and the build must stop as interrupted all the same.

    Signal handlers belong to the main thread; elsewhere the interrupt is the main thread's anyway.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous in (signal.SIG_IGN, None):
        yield
        return

    def notice(signum, frame):
        failures.interrupted = True
        if callable(previous):
            previous(signum, frame)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, notice)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


_SUBSETTER_LOCK = threading.Lock()


@contextlib.contextmanager
def _font_subsetting(epoch: int | None):
    """Subset fonts with fontTools, dated by the build, whatever the machine has.

    WeasyPrint subsets with HarfBuzz where the system has libharfbuzz-subset and else with fontTools,
    which writes the wall clock into every font it saves: the same inputs gave other bytes on other
    machines and at other times. fontTools is pinned in the lock file, and reads SOURCE_DATE_EPOCH
    for that date; the environment variable is set only while the PDF is written, under a lock.
    """
    from weasyprint.pdf import fonts  # slow to import; only the PDF step needs it

    with _SUBSETTER_LOCK:
        saved_subsetter, saved_epoch = fonts.harfbuzz_subset, os.environ.get("SOURCE_DATE_EPOCH")
        saved_method = fonts.Font._fonttools_subset
        fonts.harfbuzz_subset = None
        fonts.Font._fonttools_subset = _cached_subset(saved_method, epoch)
        if epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            yield
        finally:
            fonts.harfbuzz_subset = saved_subsetter
            fonts.Font._fonttools_subset = saved_method
            if saved_epoch is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved_epoch


def _cached_subset(subset, epoch: int | None):
    """WeasyPrint's fontTools subsetting, its result taken from the font cache when the same font was
    cut to the same glyphs, with the same date, before (the bytes are the same either way)."""
    def cached(font, to_unicode, hinting):
        key = fontcache.key_of(kind="pdf", font=hashlib.sha256(font.file_content).hexdigest(), index=font.index,
                               glyphs=sorted(to_unicode), hinting=bool(hinting), missing=bool(font.missing),
                               epoch=epoch)
        body = fontcache.get(key)
        if body is not None:
            font.file_content = body
            return
        subset(font, to_unicode, hinting)
        fontcache.put(key, font.file_content)

    return cached


def write_pdf(html: str, target: Path, templates: Path, epoch: int | None = None,
              verify: Callable[[Path], object] | None = None) -> int:
    """Write the report as an archival, tagged PDF (PDF/A-2a claiming PDF/UA-1), replacing `target` only on success.

    `verify(tmp_path)`, when given, is called on the finished file before it replaces `target`;
    if it raises, the last good PDF stays where it was. Anything WeasyPrint logs as an error while
    it lays out or writes the document fails the build. Returns the number of pages.
    """
    from weasyprint import HTML  # slow to import; only the render step needs it

    failures, quiet = _Failures(), _QuietSubsetter()
    weasy_log = logging.getLogger("weasyprint")
    saved = weasy_log.level, weasy_log.propagate
    weasy_log.setLevel(min(weasy_log.getEffectiveLevel(), logging.WARNING))  # see _DAMAGE_WARNINGS
    weasy_log.propagate = False  # its errors become our one message, below
    weasy_log.addHandler(failures)
    weasy_log.addFilter(quiet)
    from weasyprint.urls import FatalURLFetchingError  # slow to import; only the PDF step needs it

    try:
        with _interrupts_noticed(failures), _font_subsetting(epoch):
            document = HTML(string=html, base_url=str(templates) + "/",
                            url_fetcher=_confined_fetcher(templates)).render(pdf_tags=True)
            _raise_failures(failures)

            def write(tmp: Path) -> None:
                _write_unambiguous(document, tmp)
                _raise_failures(failures)
                if verify is not None:
                    verify(tmp)

            write_atomically(target, write)
    except FatalURLFetchingError as exc:  # a BaseException, which would pass every handler on its way up
        raise RenderingError(str(exc)) from None
    finally:
        weasy_log.removeHandler(failures)
        weasy_log.removeFilter(quiet)
        weasy_log.setLevel(saved[0])
        weasy_log.propagate = saved[1]
    return len(document.pages)


def _raise_failures(failures: _Failures) -> None:
    if failures.interrupted:
        raise KeyboardInterrupt
    if failures.messages:
        shown = "; ".join(dict.fromkeys(m[:200] for m in failures.messages))
        raise RenderingError(f"the PDF could not be drawn completely: {shown}")


# What WeasyPrint 70 leaves for us to do before the PDF is written (the `finisher` hook: the
# document and the pydyf.PDF objects, before the file is written). Each step is checked by
# evalreport.pdfcheck on the written file, so a change in WeasyPrint shows as a failed check.

PDFUA_PART = 1

# PDF/A-2 accepts XMP properties outside its predefined schemas only when an extension schema
# describes them (all schemas in one pdfaExtension:schemas bag); pdfuaid is such a property.
_PDFUA_SCHEMA = """<rdf:li rdf:parseType="Resource">\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Part of ISO 14289 to which the file conforms</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li>"""
_PDFUA_VALUES = f"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\
<pdfuaid:part>{PDFUA_PART}</pdfuaid:part></rdf:Description>"""


def _extension_schemas(*schemas: str) -> str:
    return ('<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
            'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
            'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
            f"<pdfaExtension:schemas><rdf:Bag>{''.join(schemas)}</rdf:Bag></pdfaExtension:schemas></rdf:Description>")


PROVENANCE_NS = "urn:evalreport:provenance:1"
_PROVENANCE_PROPERTIES = {  # XMP name: (fact, PDF/A value type, description)
    "gitCommit": ("git_commit", "Text", "Git commit of the project the report was built from"),
    "uncommittedChanges": ("uncommitted_changes", "Text", "Whether the project had uncommitted changes"),
    "builtAt": ("built_at", "Date", "When the report was built, derived from its inputs"),
    "versions": ("versions", "Text", "Library versions, as JSON"),
    "parameters": ("parameters", "Text", "The report's parameters, as JSON"),
    "inputsSha256": ("inputs_sha256", "Text", "SHA-256 of every input file, as JSON"),
}


def _provenance_xmp(facts: dict) -> tuple[str, str]:
    """The build's provenance as XMP: (its extension schema entry, its values)."""
    properties = "".join(
        f'<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name>'
        f"<pdfaProperty:valueType>{kind}</pdfaProperty:valueType><pdfaProperty:category>external"
        f"</pdfaProperty:category><pdfaProperty:description>{text}</pdfaProperty:description></rdf:li>"
        for name, (_, kind, text) in _PROVENANCE_PROPERTIES.items())
    schema = ('<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>evalreport build provenance</pdfaSchema:schema>'
              f"<pdfaSchema:namespaceURI>{PROVENANCE_NS}</pdfaSchema:namespaceURI>"
              "<pdfaSchema:prefix>evalreport</pdfaSchema:prefix>"
              f"<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property></rdf:li>")
    values = ""
    for name, (fact, _, _) in _PROVENANCE_PROPERTIES.items():
        value = facts.get(fact)
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
        values += f"<evalreport:{name}>{xml_escape(text)}</evalreport:{name}>"
    return schema, f'<rdf:Description rdf:about="" xmlns:evalreport="{PROVENANCE_NS}">{values}</rdf:Description>'


MAX_PADDINGS = 8  # each try has about a 1 in 128 chance of a stream ending in CR: 8 all failing is never seen
AMBIGUOUS_END = b"\r\nendstream"  # data that ends in CR, before the LF pydyf writes ahead of endstream


def _write_unambiguous(document, target: Path) -> None:
    """Write the PDF so that no stream's data ends in a carriage return.

    The finisher gives every stream that exists before writing an unambiguous end (see
    `_unambiguous_stream_ends`), but pydyf makes two more while it writes: the object stream that
    holds every dictionary and the cross-reference stream, both compressed, whose last byte is a
    checksum of everything in them. When one ends in CR, the file is written again with one more
    unreferenced padding object, which changes both; the same inputs take the same number of tries,
    so the bytes stay reproducible.
    """
    for padding in range(MAX_PADDINGS):
        document.write_pdf(target, finisher=functools.partial(finish_pdf, padding=padding), pdf_variant=PDF_VARIANT,
                           pdf_tags=True)
        if AMBIGUOUS_END not in target.read_bytes():
            return
        log.debug("a stream of the PDF ends in CR; writing it again with padding %d", padding + 1)
    raise RenderingError(f"the PDF's streams ended in a carriage return {MAX_PADDINGS} times over, which PDF/A "
                         "validators misread; change any word of the report and build again")


def finish_pdf(document, pdf, padding: int = 0) -> None:
    """Complete WeasyPrint's PDF: PDF/UA-1 claim and publisher in the XMP, furniture as artifacts, header
    scopes; with `padding`, that many unreferenced objects (see `_write_unambiguous`)."""
    _complete_xmp(document, pdf)
    _no_image_interpolation(pdf)
    _margin_content_as_artifacts(pdf)
    _header_cell_scopes(document)
    _unambiguous_stream_ends(pdf)
    for _ in range(padding):
        pdf.add_object(Dictionary({"Padding": len(pdf.objects)}))


def _object(pdf, reference):
    """The pydyf object behind an indirect reference such as b'12 0 R'."""
    return pdf.objects[int(_to_text(reference).split()[0])]


def _to_text(value) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


def _is_reference(value) -> bool:
    return isinstance(value, (bytes, str)) and _to_text(value).endswith(" R")


def _complete_xmp(document, pdf) -> None:
    """Add the PDF/UA-1 identification and dc:publisher to the XMP, and store it unfiltered.

    The publisher is the author's organisation, from <meta name="dcterms.publisher">. The
    catalog's metadata stream stays uncompressed, as PDF/A validators and archive tools expect.
    """
    stream = _object(pdf, pdf.catalog["Metadata"])
    packet = b"".join(part if isinstance(part, bytes) else str(part).encode("utf-8") for part in stream.stream)
    schemas, extra = [_PDFUA_SCHEMA], _PDFUA_VALUES
    publisher = document.metadata.custom.get("dcterms.publisher", "").strip()
    if publisher:
        extra += ('<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:publisher>'
                  f"<rdf:Bag><rdf:li>{xml_escape(publisher)}</rdf:li></rdf:Bag></dc:publisher></rdf:Description>")
    identifier = document.metadata.custom.get("dcterms.identifier", "").strip()
    if identifier:  # the ISBN (or ISSN) as a URN: Dublin Core's identifier, a PDF/A predefined property
        extra += ('<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier>'
                  f"{xml_escape(identifier)}</dc:identifier></rdf:Description>")
    provenance = document.metadata.custom.get("evalreport.provenance", "").strip()
    if provenance:
        schema, values = _provenance_xmp(json.loads(provenance))
        schemas.append(schema)
        extra += values
    extra = _extension_schemas(*schemas) + extra
    if packet.count(b"</rdf:RDF>") != 1:
        raise RuntimeError("WeasyPrint's XMP packet does not have exactly one rdf:RDF element; cannot add PDF/UA-1")
    stream.stream = [packet.replace(b"</rdf:RDF>", extra.encode("utf-8") + b"</rdf:RDF>")]
    stream.compress = False


def _no_image_interpolation(pdf) -> None:
    """Let no image ask the viewer to smooth it (/Interpolate false), which PDF/A forbids (ISO 19005-2,
    6.2.8.3). WeasyPrint asks for it on every bitmap with the CSS `image-rendering: auto`, the
    default: an image in the prose (a photo, a map) would fail the check, and the HTML twin keeps
    the browser's smoothing."""
    for obj in pdf.objects:
        if isinstance(obj, Stream) and obj.extra.get("Subtype") == "/Image" and "Interpolate" in obj.extra:
            obj.extra["Interpolate"] = "false"


def _reachable_elements(pdf) -> set[int]:
    """Numbers of the structure elements reachable from the StructTreeRoot."""
    seen: set[int] = set()
    stack = [pdf.catalog["StructTreeRoot"]]
    while stack:
        reference = stack.pop()
        number = int(_to_text(reference).split()[0])
        if number in seen:
            continue
        seen.add(number)
        kids = _object(pdf, reference).get("K", [])
        kids = kids if isinstance(kids, list) else [kids]
        stack.extend(kid for kid in kids if _is_reference(kid))
    return seen


def _margin_content_as_artifacts(pdf) -> None:
    """Mark the text of @page margin boxes (running headers, footers, page numbers) as artifacts.

    WeasyPrint 70 tags it as content whose structure elements hang outside the structure tree
    (tags.py: "could be included in tree as Artifact, but that's only allowed in PDF 2.0").
    Every marked-content sequence whose element is not reachable from the root becomes
    /Artifact <</Type /Pagination>>, and its entry in the parent tree is emptied.
    """
    reachable = _reachable_elements(pdf)
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    nums = _object(pdf, root["ParentTree"])["Nums"]
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number in pdf.pages["Kids"][::3]:  # Kids is written flat: number, 0, R
        page = pdf.objects[number]
        elements = parents.get(int(page["StructParents"]))
        if not isinstance(elements, list):
            continue
        orphans = set()
        for mcid, reference in enumerate(elements):
            if _is_reference(reference) and int(_to_text(reference).split()[0]) not in reachable:
                orphans.add(mcid)
                elements[mcid] = "null"
        if not orphans:
            continue
        content = _object(pdf, page["Contents"])
        operations = content.stream
        for i in range(len(operations) - 2):
            properties = operations[i + 1]
            if (operations[i + 2] == b"BDC" and isinstance(properties, dict)
                    and properties.get("MCID") in orphans):
                operations[i] = "/Artifact"
                operations[i + 1] = Dictionary({"Type": "/Pagination"})


def _unambiguous_stream_ends(pdf) -> None:
    """Keep stream data from ending in a carriage return, which PDF/A validators count wrongly.

    pydyf writes `data LF endstream`; when the data's last byte is CR, the CR LF reads as the
    end-of-line before endstream and /Length looks one byte too long (PDF/A-2 6.1.7.1). The last
    bytes of Flate data are a checksum of the content, so about one stream in 256 is hit, at random
    as the text changes. Such a stream gets an outer ASCII85 filter, whose data ends with '~>'.
    """
    for obj in pdf.objects:
        if not isinstance(obj, Stream):
            continue
        written = obj.data  # exactly what pydyf will write: <<... /Length n>> LF stream LF data LF endstream
        end = len(written) - len(b"\nendstream")
        if written[end - 1:end] != b"\r":
            continue
        match = re.search(rb"/Length (\d+)>>\nstream\n", written)
        data = written[match.end():end]
        if len(data) != int(match.group(1)):
            raise RuntimeError(f"cannot read back the data of PDF stream {obj.number}")
        before = ["/FlateDecode"] if obj.compress else _as_list(obj.extra.get("Filter"))
        obj.stream = [base64.a85encode(data) + b"~>"]
        obj.compress = False
        obj.extra["Filter"] = Array(["/ASCII85Decode", *before])
        if "DecodeParms" in obj.extra:
            obj.extra["DecodeParms"] = Array(["null", *_as_list(obj.extra["DecodeParms"])])


def _as_list(value) -> list:
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def _header_cell_scopes(document) -> None:
    """Give every TH structure element the /Scope of its HTML scope attribute (Column by default).

    WeasyPrint 70 links data cells to header cells with /Headers and /IDs only; /Scope is what
    most assistive technology reads. The TH elements are found through the table cell boxes,
    where WeasyPrint keeps them (`box.mark`).
    """
    scopes = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            stack.extend(getattr(box, "children", ()))
            element = getattr(box, "mark", None)
            if element is None or getattr(box, "element_tag", None) != "th" or element.get("S") != "/TH":
                continue
            attributes = element.setdefault("A", Dictionary({"O": "/Table"}))
            attributes.setdefault("Scope", scopes.get(box.element.get("scope", "col").lower(), "/Column"))


