"""Render executed chapter notebooks to one HTML document and to the council's PDF.

nbconvert renders each chapter through `report_templates/evalreport/index.html.j2`; the
chapters are composed with `report.html.j2` (title page, contents); a last pass numbers the
figures and tables and writes the contents; WeasyPrint makes the PDF.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape as xml_escape

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


@lru_cache(maxsize=4)
def _exporter(templates: str, templates_key: str) -> HTMLExporter:
    """One exporter per template version: nbconvert compiles the template once per exporter."""
    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[templates])
    exporter.anchor_link_text = ""
    return exporter


def render_chapter(notebook: nbformat.NotebookNode, templates_key: str = "") -> str:
    """Return one executed chapter as an HTML fragment: prose and outputs, no code.

    `templates_key` fingerprints the template files, so that an edited template is compiled anew.
    """
    body, _ = _exporter(str(templates_dir()), templates_key).from_notebook_node(notebook)
    return body


@dataclass(frozen=True)
class DocumentFacts:
    """What the title page and the PDF's metadata say about the report."""

    sample: bool
    created: str  # ISO 8601 date-time
    provenance: dict | None = None  # the build's facts, carried into the PDF's XMP (see _complete_xmp)


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
        provenance_json=json.dumps(facts.provenance, sort_keys=True, ensure_ascii=False) if facts.provenance else "",
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


def write_pdf(html: str, target: Path, verify: Callable[[Path], object] | None = None) -> int:
    """Write the report as an archival, tagged PDF (PDF/A-2a claiming PDF/UA-1), replacing `target` only on success.

    `verify(tmp_path)`, when given, is called on the finished file before it replaces `target`;
    if it raises, the last good PDF stays where it was. Returns the number of pages.
    """
    from weasyprint import HTML  # slow to import; only the render step needs it

    document = HTML(string=html, base_url=str(templates_dir()) + "/").render(pdf_tags=True)

    def write(tmp: Path) -> None:
        document.write_pdf(tmp, finisher=finish_pdf, pdf_variant=PDF_VARIANT, pdf_tags=True)
        if verify is not None:
            verify(tmp)

    write_atomically(target, write)
    return len(document.pages)


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


def finish_pdf(document, pdf) -> None:
    """Complete WeasyPrint's PDF: PDF/UA-1 claim and publisher in the XMP, furniture as artifacts, header scopes."""
    _complete_xmp(document, pdf)
    _margin_content_as_artifacts(pdf)
    _header_cell_scopes(document)
    _unambiguous_stream_ends(pdf)


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
    from pydyf import Dictionary

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
    import base64

    from pydyf import Array, Stream

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
    from pydyf import Dictionary

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


def install_assets(folder: Path) -> None:
    """Put the HTML twin's stylesheet and fonts in `folder`/assets."""
    assets = folder / "assets"
    shutil.copytree(templates_dir() / "fonts", assets / "fonts", dirs_exist_ok=True)
    (assets / "evalreport").mkdir(parents=True, exist_ok=True)
    shutil.copy2(templates_dir() / TEMPLATE_NAME / "report.css", assets / "evalreport" / "report.css")


def write_html_twin(html: str, target: Path) -> None:
    """Write the HTML twin, which finds its stylesheet and fonts in assets/ beside it."""
    twin = html.replace('href="evalreport/report.css"', 'href="assets/evalreport/report.css"')
    write_atomically(target, lambda tmp: tmp.write_text(twin, encoding="utf-8"))
