"""Write the Word copy's house style: report_templates/evalreport/reference.docx.

pandoc takes the styles, the page (size, margins) and the footer of a Word copy from a reference
document (`pandoc --reference-doc`). This script makes ours from pandoc's own, with the report's
design (report.css): Source Sans Pro, its sizes and colours, headings, captions, source lines, tables
with a ruled header row, the title page, the draft note, A4 pages numbered in the footer. An
organisation may replace the file with its own made in Word (keep the style names below: pandoc and
evalreport use them). Run `python -m dev.referencedoc`; the same pandoc gives the same bytes (a test
compares them with the committed file).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from lxml import etree

from evalreport.pipeline import ooxml
from evalreport.pipeline.ooxml import w

TARGET = Path(__file__).resolve().parents[1] / "report_templates" / "evalreport" / "reference.docx"
WRITTEN = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # the date inside the file, fixed

FONT = "Source Sans Pro"
INK, HEADING, LINK, MUTED, RED, RULE = "1A1A1A", "0B3A63", "0B4F8A", "444444", "8A1C1C", "CCCCCC"

# The order of a paragraph's and a run's properties in the schema (ECMA-376, CT_PPrBase and CT_RPr):
# Word refuses a file whose properties come in another order.
PPR_ORDER = ("keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr", "pBdr", "shd", "tabs",
             "spacing", "ind", "contextualSpacing", "jc", "outlineLvl")
RPR_ORDER = ("rFonts", "b", "bCs", "i", "iCs", "caps", "color", "spacing", "sz", "szCs", "u", "vertAlign", "lang")
STYLE_ORDER = ("name", "basedOn", "next", "link", "uiPriority", "semiHidden", "unhideWhenUsed", "qFormat", "rsid",
               "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr")


def points(value: float) -> str:
    """A size in half-points (w:sz)."""
    return str(round(value * 2))


def twips(value: float) -> str:
    """A length in points as twentieths of a point (w:spacing, w:ind)."""
    return str(round(value * 20))


def mm(value: float) -> str:
    return str(round(value / 25.4 * 1440))


def fonts() -> dict:
    return {"rFonts": {"ascii": FONT, "hAnsi": FONT, "cs": FONT, "eastAsia": FONT}}


def border(colour: str, width_pt: float, kind: str = "single", space: int = 4) -> dict:
    return {"val": kind, "sz": str(round(width_pt * 8)), "space": str(space), "color": colour}


# name -> (style id, based on, paragraph properties, run properties); a style that pandoc's reference
# lacks is added as a custom style.
PARAGRAPH_STYLES = {
    "Normal": ("Normal", None, {}, {}),
    "Body Text": ("BodyText", "Normal", {"spacing": {"before": "0", "after": twips(6.3)}}, {}),
    "First Paragraph": ("FirstParagraph", "BodyText", {}, {}),
    "Compact": ("Compact", "BodyText", {"spacing": {"before": "0", "after": twips(2)}}, {}),
    "Title": ("Title", "Normal", {"spacing": {"before": "0", "after": twips(8), "line": "240", "lineRule": "auto"},
                                  "jc": {"val": "left"}},
              {**fonts(), "b": {}, "color": {"val": HEADING}, "sz": {"val": points(28)}, "szCs": {"val": points(28)}}),
    "Subtitle": ("Subtitle", "Title", {"spacing": {"before": "0", "after": twips(36)}},
                 {"b": {"val": "0"}, "color": {"val": "333333"}, "sz": {"val": points(15)}, "szCs": {"val": points(15)}}),
    "Kicker": ("Kicker", "Normal", {"spacing": {"before": twips(96), "after": twips(4)}},
               {"caps": {}, "color": {"val": LINK}, "spacing": {"val": "20"}, "sz": {"val": points(12)},
                "szCs": {"val": points(12)}}),
    "Title Facts": ("TitleFacts", "Normal", {"spacing": {"before": "0", "after": twips(4)}},
                    {"sz": {"val": points(11)}, "szCs": {"val": points(11)}}),
    "Draft Notice": ("DraftNotice", "Normal",
                     {"keepNext": {}, "pBdr": {side: border(RED, 1.5, "dashed", 6)
                                               for side in ("top", "left", "bottom", "right")},
                      "spacing": {"before": twips(6), "after": twips(18)}, "ind": {"left": mm(3), "right": mm(3)}},
                     {"b": {}, "bCs": {}, "color": {"val": RED}}),
    "Sample Notice": ("SampleNotice", "Normal",
                      {"pBdr": {side: border(RED, 2, "single", 6) for side in ("top", "left", "bottom", "right")},
                       "spacing": {"before": twips(4), "after": twips(4)}, "ind": {"left": mm(3), "right": mm(3)}},
                      {}),
    "heading 1": ("Heading1", "Normal", {"keepNext": {}, "keepLines": {}, "pageBreakBefore": {},
                                         "spacing": {"before": "0", "after": twips(16)}, "outlineLvl": {"val": "0"}},
                  {**fonts(), "b": {}, "bCs": {}, "color": {"val": HEADING}, "sz": {"val": points(20)},
                   "szCs": {"val": points(20)}}),
    "heading 2": ("Heading2", "Normal", {"keepNext": {}, "keepLines": {},
                                         "spacing": {"before": twips(17.5), "after": twips(6)},
                                         "outlineLvl": {"val": "1"}},
                  {**fonts(), "b": {}, "bCs": {}, "color": {"val": HEADING}, "sz": {"val": points(13.5)},
                   "szCs": {"val": points(13.5)}}),
    "heading 3": ("Heading3", "Normal", {"keepNext": {}, "keepLines": {},
                                         "spacing": {"before": twips(12.5), "after": twips(4.5)},
                                         "outlineLvl": {"val": "2"}},
                  {**fonts(), "b": {}, "bCs": {}, "color": {"val": HEADING}, "sz": {"val": points(11.5)},
                   "szCs": {"val": points(11.5)}}),
    **{f"heading {n}": (f"Heading{n}", "Normal", {"keepNext": {}, "keepLines": {},
                                                  "spacing": {"before": twips(10), "after": twips(4)},
                                                  "outlineLvl": {"val": str(n - 1)}},
                        {**fonts(), "b": {}, "bCs": {}, "i": {"val": "0"}, "color": {"val": HEADING},
                         "sz": {"val": points(10.5)}, "szCs": {"val": points(10.5)}}) for n in (4, 5, 6)},
    "TOC Heading": ("TOCHeading", "Heading1", {"outlineLvl": {"val": "9"}},
                    {**fonts(), "b": {}, "bCs": {}, "color": {"val": HEADING}, "sz": {"val": points(20)},
                     "szCs": {"val": points(20)}}),
    "toc 1": ("TOC1", "Normal", {"spacing": {"before": twips(6), "after": twips(2)}}, {"b": {}, "bCs": {}}),
    "toc 2": ("TOC2", "Normal", {"spacing": {"before": "0", "after": twips(2)}, "ind": {"left": mm(7)}},
              {"sz": {"val": points(10)}, "szCs": {"val": points(10)}}),
    "Caption": ("Caption", "Normal", {"keepNext": {}, "spacing": {"before": twips(12), "after": twips(5.5)}},
                {"b": {}, "bCs": {}, "i": {"val": "0"}, "color": {"val": INK}, "sz": {"val": points(10)},
                 "szCs": {"val": points(10)}}),
    "Table Caption": ("TableCaption", "Caption", {}, {}),
    "Image Caption": ("ImageCaption", "Caption", {}, {}),
    "Figure": ("Figure", "Normal", {"keepNext": {}, "spacing": {"before": "0", "after": "0"}}, {}),
    "Captioned Figure": ("CaptionedFigure", "Figure", {}, {}),
    "Source": ("Source", "Normal", {"spacing": {"before": twips(4), "after": twips(14)}},
               {"color": {"val": MUTED}, "sz": {"val": points(8.5)}, "szCs": {"val": points(8.5)}}),
    "Block Text": ("BlockText", "BodyText", {"ind": {"left": mm(7), "right": mm(7)}}, {"color": {"val": "333333"}}),
    "Callout": ("Callout", "BodyText", {"pBdr": {"left": border(LINK, 3, "single", 10)}, "ind": {"left": mm(5)}},
                {}),
    "Footnote Text": ("FootnoteText", "Normal", {"spacing": {"before": "0", "after": twips(2)}},
                      {"sz": {"val": points(8.5)}, "szCs": {"val": points(8.5)}}),
    "Bibliography": ("Bibliography", "Normal", {"spacing": {"before": "0", "after": twips(5)},
                                                "ind": {"left": mm(8), "hanging": mm(8)}}, {}),
    "Colophon": ("Colophon", "Normal", {"spacing": {"before": "0", "after": twips(3)}},
                 {"sz": {"val": points(9)}, "szCs": {"val": points(9)}}),
    "Definition Term": ("DefinitionTerm", "Normal", {"keepNext": {}, "spacing": {"before": twips(4), "after": "0"}},
                        {"b": {}, "bCs": {}}),
    "Definition": ("Definition", "Normal", {"spacing": {"before": "0", "after": twips(4)}}, {}),
    "footer": ("Footer", "Normal", {"spacing": {"before": "0", "after": "0"}, "jc": {"val": "right"}},
               {"color": {"val": MUTED}, "sz": {"val": points(8.5)}, "szCs": {"val": points(8.5)}}),
}
CHARACTER_STYLES = {
    "Hyperlink": ("Hyperlink", {"color": {"val": LINK}}),
    "Footnote Reference": ("FootnoteReference", {"vertAlign": {"val": "superscript"}}),
}


def _element(name: str, attributes: dict) -> etree._Element:
    element = etree.Element(w(name))
    for key, value in attributes.items():
        if isinstance(value, dict):  # a border's sides: <w:pBdr><w:top .../>...
            element.append(_element(key, value))
        else:
            element.set(w(key), value)
    return element


def _properties(tag: str, values: dict, order: tuple[str, ...], old: etree._Element | None) -> etree._Element | None:
    """A pPr or rPr from `values`, keeping what the old one had that `values` does not set, in the
    schema's order."""
    merged = {}
    for child in old if old is not None else []:
        local = etree.QName(child).localname
        if local in order and local not in values:
            merged[local] = child
    for key, attributes in values.items():
        merged[key] = _element(key, attributes)
    if not merged:
        return None
    properties = etree.Element(w(tag))
    for key in sorted(merged, key=order.index):
        properties.append(merged[key])
    return properties


def _style(styles: etree._Element, kind: str, name: str, style_id: str, based_on: str | None) -> etree._Element:
    for style in styles.findall(w("style")):
        if style.get(w("styleId")) == style_id:
            return style
    style = etree.SubElement(styles, w("style"))
    style.set(w("type"), kind)
    style.set(w("customStyle"), "1")
    style.set(w("styleId"), style_id)
    etree.SubElement(style, w("name")).set(w("val"), name)
    if based_on:
        etree.SubElement(style, w("basedOn")).set(w("val"), based_on)
    etree.SubElement(style, w("qFormat"))
    return style


def _set(style: etree._Element, ppr: dict, rpr: dict) -> None:
    """Give `style` these properties: a heading's theme font and colour are replaced by ours."""
    old_p, old_r = style.find(w("pPr")), style.find(w("rPr"))
    new_p = _properties("pPr", ppr, PPR_ORDER, old_p)
    new_r = _properties("rPr", rpr, RPR_ORDER, old_r)
    for old in (old_p, old_r):
        if old is not None:
            style.remove(old)
    for element in (new_p, new_r):
        if element is not None:
            style.append(element)
    for child in sorted(style, key=lambda c: STYLE_ORDER.index(etree.QName(c).localname)
                        if etree.QName(c).localname in STYLE_ORDER else len(STYLE_ORDER)):
        style.append(child)  # moved into the schema's order
    for hidden in ("semiHidden", "unhideWhenUsed"):  # headings 2-6 are hidden in pandoc's; ours are used
        for element in style.findall(w(hidden)):
            style.remove(element)


def _table_style(styles: etree._Element) -> None:
    """The table style pandoc gives every table: a ruled header row, thin rules between rows, 9.5 pt."""
    style = _style(styles, "table", "Table", "Table", "TableNormal")
    for child in list(style):
        if etree.QName(child).localname in ("rPr", "pPr", "tblPr", "tblStylePr"):
            style.remove(child)
    spacing = etree.SubElement(style, w("pPr"))
    spacing.append(_element("spacing", {"before": twips(2), "after": twips(2)}))
    run = etree.SubElement(style, w("rPr"))
    run.append(_element("sz", {"val": points(9.5)}))
    run.append(_element("szCs", {"val": points(9.5)}))
    table = etree.SubElement(style, w("tblPr"))
    table.append(_element("tblInd", {"w": "0", "type": "dxa"}))
    table.append(_element("tblBorders", {"insideH": border(RULE, 0.4, space=0), "bottom": border(RULE, 0.4, space=0)}))
    table.append(_element("tblCellMar", {"top": {"w": mm(1.2), "type": "dxa"}, "left": {"w": mm(2), "type": "dxa"},
                                         "bottom": {"w": mm(1.2), "type": "dxa"},
                                         "right": {"w": mm(2), "type": "dxa"}}))
    first = etree.SubElement(style, w("tblStylePr"))
    first.set(w("type"), "firstRow")
    first_run = etree.SubElement(first, w("rPr"))
    first_run.append(_element("b", {}))
    first_run.append(_element("bCs", {}))
    cell = etree.SubElement(first, w("tcPr"))
    cell.append(_element("tcBorders", {"bottom": border(HEADING, 1.2, space=0)}))
    cell.append(_element("vAlign", {"val": "bottom"}))


def _defaults(styles: etree._Element) -> None:
    """Every run in Source Sans Pro 10.5 pt, ink colour; paragraphs 1.45 lines apart."""
    defaults = styles.find(w("docDefaults"))
    run = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")
    for child in list(run):
        if etree.QName(child).localname in ("rFonts", "sz", "szCs", "color"):
            run.remove(child)
    for position, (key, attributes) in enumerate((("rFonts", fonts()["rFonts"]), ("color", {"val": INK}),
                                                  ("sz", {"val": points(10.5)}), ("szCs", {"val": points(10.5)}))):
        run.insert(position, _element(key, attributes))
    paragraph = defaults.find(f"{w('pPrDefault')}/{w('pPr')}")
    for child in list(paragraph):
        paragraph.remove(child)
    paragraph.append(_element("spacing", {"after": twips(6.3), "line": str(round(240 * 1.45)), "lineRule": "auto"}))


def _page(document: etree._Element) -> None:
    """A4, the PDF's margins, the page number in the footer, footnotes numbered through the document."""
    body = document.find(w("body"))
    section = body.find(w("sectPr"))
    for child in list(section):
        section.remove(child)
    footer = _element("footerReference", {"type": "default"})
    footer.set(f"{{{ooxml.NS['r']}}}id", "rIdEvalreportFooter")
    section.append(footer)
    section.append(_element("pgSz", {"w": "11906", "h": "16838"}))
    section.append(_element("pgMar", {"top": mm(24), "right": mm(20), "bottom": mm(22), "left": mm(22),
                                      "header": mm(10), "footer": mm(10), "gutter": "0"}))
    section.append(_element("titlePg", {}))  # no number on the title page
    # Example paragraphs of evalreport's own styles, for whoever edits the reference in Word.
    for name, (style_id, _, _, _) in PARAGRAPH_STYLES.items():
        if style_id in ("Kicker", "TitleFacts", "DraftNotice", "SampleNotice", "Source", "Callout", "Colophon",
                        "TOC1", "TOC2"):
            paragraph = etree.Element(w("p"))
            properties = etree.SubElement(paragraph, w("pPr"))
            properties.append(_element("pStyle", {"val": style_id}))
            run = etree.SubElement(paragraph, w("r"))
            text = etree.SubElement(run, w("t"))
            text.text = name
            section.addprevious(paragraph)


FOOTER = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{ooxml.NS["w"]}" '
          f'xmlns:r="{ooxml.NS["r"]}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
          '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
          '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
          '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>')


def _add_footer(parts: dict[str, bytes]) -> None:
    parts["word/footer1.xml"] = FOOTER.encode("utf-8")
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    relation = etree.SubElement(rels, f"{{{ooxml.NS['rel']}}}Relationship")
    relation.set("Id", "rIdEvalreportFooter")
    relation.set("Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer")
    relation.set("Target", "footer1.xml")
    for example in rels.findall(f"{{{ooxml.NS['rel']}}}Relationship"):
        if example.get("TargetMode") == "External":  # pandoc's sample link to example.com
            rels.remove(example)
    parts["word/_rels/document.xml.rels"] = _xml(rels)
    types = etree.fromstring(parts[ooxml.CONTENT_TYPES])
    override = etree.SubElement(types, f"{{{ooxml.NS['ct']}}}Override")
    override.set("PartName", "/word/footer1.xml")
    override.set("ContentType", "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml")
    parts[ooxml.CONTENT_TYPES] = _xml(types)


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


CORE = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="{ooxml.NS["cp"]}" '
        f'xmlns:dc="{ooxml.NS["dc"]}" xmlns:dcterms="{ooxml.NS["dcterms"]}" xmlns:xsi="{ooxml.NS["xsi"]}">'
        "<dc:title>evalreport: the Word copy's house style</dc:title><dc:creator>evalreport</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{WRITTEN:%Y-%m-%dT%H:%M:%SZ}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{WRITTEN:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>'
        "</cp:coreProperties>")


def pandoc_reference() -> bytes:
    """pandoc's own reference document (every style its Word writer uses)."""
    import pypandoc

    return subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          check=True, capture_output=True, timeout=60).stdout


def make_reference() -> bytes:
    parts = ooxml.read_package(pandoc_reference())
    styles = etree.fromstring(parts["word/styles.xml"])
    _defaults(styles)
    for name, (style_id, based_on, ppr, rpr) in PARAGRAPH_STYLES.items():
        _set(_style(styles, "paragraph", name, style_id, based_on), ppr, rpr)
    for name, (style_id, rpr) in CHARACTER_STYLES.items():
        _set(_style(styles, "character", name, style_id, None), {}, rpr)
    _table_style(styles)
    parts["word/styles.xml"] = _xml(styles)
    document = etree.fromstring(parts["word/document.xml"])
    _page(document)
    parts["word/document.xml"] = _xml(document)
    _add_footer(parts)
    parts["docProps/core.xml"] = CORE.encode("utf-8")
    return ooxml.write_package(parts, WRITTEN)


def main() -> int:
    data = make_reference()
    TARGET.write_bytes(data)
    print(f"wrote {TARGET.relative_to(Path.cwd()) if TARGET.is_relative_to(Path.cwd()) else TARGET} "
          f"({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
