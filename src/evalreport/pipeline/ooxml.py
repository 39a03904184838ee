"""Office Open XML packages (.docx) as evalreport writes and reads them: the parts of a package, its
namespaces, and a writer that gives the same bytes for the same parts.

A .docx is a zip of XML parts. Word, LibreOffice and pandoc write the time of writing into each zip
entry; `write_package` writes every entry with one given time and the same settings, in a fixed order
([Content_Types].xml first, as some readers expect), so that the same parts give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "custom": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
CONTENT_TYPES = "[Content_Types].xml"
CUSTOM_PROPERTIES = "docProps/custom.xml"
CUSTOM_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPERTIES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
# The format id Word gives every user-defined document property.
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
ZIP_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # a zip entry cannot be dated earlier


def w(name: str) -> str:
    """The qualified name of a WordprocessingML element or attribute: w('p') -> '{...main}p'."""
    return f"{{{NS['w']}}}{name}"


def read_package(data: bytes) -> dict[str, bytes]:
    """Every part of a package by its name, in the package's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {info.filename: package.read(info) for info in package.infolist() if not info.is_dir()}


def write_package(parts: dict[str, bytes], when: dt.datetime) -> bytes:
    """A zip of `parts`, every entry dated `when` (UTC, no earlier than 1980), deflated, with fixed
    attributes; [Content_Types].xml first, then the others in the order given."""
    when = max(when.astimezone(dt.timezone.utc), ZIP_EARLIEST)
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    names = sorted(parts, key=lambda name: name != CONTENT_TYPES)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever the machine
            info.external_attr = 0o644 << 16
            package.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


def custom_properties_xml(properties: dict[str, str]) -> bytes:
    """docProps/custom.xml holding `properties` as text properties, in the order given."""
    entries = "".join(
        f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name={quoteattr(name)}><vt:lpwstr>{escape(value)}</vt:lpwstr>'
        "</property>" for pid, (name, value) in enumerate(properties.items(), start=2))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{NS["custom"]}" '
            f'xmlns:vt="{NS["vt"]}">{entries}</Properties>').encode("utf-8")


def read_custom_properties(parts: dict[str, bytes]) -> dict[str, str]:
    """The text of every user-defined document property (docProps/custom.xml), by name."""
    data = parts.get(CUSTOM_PROPERTIES)
    if not data:
        return {}
    root = etree.fromstring(data, parser=safe_parser())
    found = {}
    for prop in root.findall(f"{{{NS['custom']}}}property"):
        value = next(iter(prop), None)
        found[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return found


def safe_parser():
    """An XML parser for files from outside: no network, no entities expanded, no DTDs loaded."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=False)
