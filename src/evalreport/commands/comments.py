"""The client's comments back: `evalreport comments returned.docx` (`make comments FILE=returned.docx`).

The client gets the Word copy of the draft (build/<name>.docx, see `evalreport.pipeline.wordcopy`)
and sends it back with comments and tracked changes. This command lists every comment (with its
replies) and every tracked insertion, deletion and move, each with its author, its date, the text it
is anchored to (as the report had it), and where that text came from: the prose file and line, read
from the source map the Word copy carries (hidden bookmarks and document properties, which Word and
LibreOffice keep); or the standard chapter that computed a table or figure from the data; or the
build itself (title page, contents, colophon). The list is a markdown checklist grouped by file, in
the order the report shows them, printed and written to build/<name>-comments.md. A number that a
prose file prints from the data (`{{ total_funding }}`) is said to come from the data: the analyst
changes the data, not the sentence.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as WordDocument
from lxml import etree

from evalreport.config import load_config
from evalreport.errors import CommentsError
from evalreport.files import write_text
from evalreport.pipeline import ooxml, wordcopy
from evalreport.pipeline.fingerprint import hash_file
from evalreport.pipeline.ooxml import w
from evalreport.pipeline.wordcopy import BUILD, CHAPTER, COMPUTED, FILE, Origin

MAX_PACKAGE_BYTES = 256 * 1024 * 1024  # what a returned copy may unpack to (a report is a few MB)
MAX_PARTS = 5000
EXCERPT = 160  # characters of text shown around what an item concerns
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
CHANGES = {w("ins"): "inserted", w("del"): "deleted", w("moveFrom"): "moved away", w("moveTo"): "moved here"}


@dataclass
class Item:
    """One comment or tracked change, where it is, and what it says."""

    kind: str  # comment, inserted, deleted, replaced, moved away, moved here
    author: str
    date: str  # YYYY-MM-DD, or '' when Word recorded none
    origin: Origin
    line: int
    order: int  # its place in the document
    anchored: str  # the text it concerns, as the Word copy had it
    text: str = ""  # the comment, or the text inserted, deleted or moved
    replacement: str = ""  # for 'replaced': the text put in place of `text`
    done: bool = False  # a comment marked as resolved in Word
    replies: list = field(default_factory=list)  # (author, date, text) of the answers to a comment
    part: str = "word/document.xml"
    cid: str = ""  # a comment's id in the document


@dataclass
class Returned:
    """A Word copy that came back: which report it is of, and what the client wrote in it."""

    path: Path
    report: str
    config: str
    title: str
    built: str
    origins: dict[int, Origin]
    items: list[Item]


# --- reading the returned copy ------------------------------------------------------------------------

def read_returned(path: Path, label: str) -> Returned:
    """Read a returned Word copy; a file that is not one (not a .docx, another document, a copy
    without a source map) is a CommentsError that says so."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise CommentsError(f"{label} is a folder; name the Word file the client sent back") from None
    except FileNotFoundError:
        raise CommentsError(f"{label}: no such file; name the Word file the client sent back "
                            "(make comments FILE=returned.docx)") from None
    parts = _unpack(data, label)
    properties = ooxml.read_custom_properties(parts) if ooxml.CUSTOM_PROPERTIES in parts else {}
    if properties.get(f"{wordcopy.PROPERTY}wordcopy") is None or "word/document.xml" not in parts:
        raise CommentsError(
            f"{label} is not a Word copy made by evalreport: it has no source map (the document properties "
            f"'{wordcopy.PROPERTY}…' that 'make report' writes into build/<name>.docx), so its comments cannot "
            "be traced to the report's files. Send the client the Word copy of the report (build/<name>.docx), "
            "and read the copy that comes back; Word keeps the source map when the client saves it.")
    origins = {}
    for name, value in properties.items():
        match = re.fullmatch(re.escape(wordcopy.PROPERTY) + r"source\.(\d+)", name)
        if match:
            try:
                origins[int(match.group(1))] = Origin.from_json(value)
            except (ValueError, TypeError, KeyError):
                raise CommentsError(f"{label}: the source map in its document properties is damaged ({name}); "
                                    "use the copy as the client returned it, or compare it by hand with the "
                                    "report") from None
    returned = Returned(path, properties.get(f"{wordcopy.PROPERTY}report", ""),
                        properties.get(f"{wordcopy.PROPERTY}config", ""),
                        properties.get(f"{wordcopy.PROPERTY}title", ""), properties.get(f"{wordcopy.PROPERTY}built", ""),
                        origins, [])
    comments = _comments(data, label)
    order = [0]
    for part in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml"):
        if part in parts:
            returned.items += _walk(parts[part], part, origins, comments, order)
    _resolve_threads(returned, *_threads(parts, comments), comments)
    return returned


def _unpack(data: bytes, label: str) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_PACKAGE_BYTES:
                raise CommentsError(f"{label} unpacks to more than {MAX_PACKAGE_BYTES // 2**20} MB or "
                                    f"{MAX_PARTS} parts; a Word copy of a report is a few MB. Is it the right file?")
            return {i.filename: package.read(i) for i in infos if not i.is_dir()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, CommentsError):
            raise
        raise CommentsError(f"{label} is not a Word document (.docx): it cannot be opened as one ({exc}). If the "
                            "client sent an old .doc or a PDF, ask for the Word copy saved as .docx") from None


@dataclass
class _Comment:
    author: str
    date: str
    text: str
    para_ids: list[str]


def _comments(data: bytes, label: str) -> dict[str, _Comment]:
    """The comments by id (author, date, text), read by python-docx."""
    try:
        document = WordDocument(io.BytesIO(data))
        found = {}
        for comment in document.comments:
            stamp = comment.timestamp
            paragraphs = comment._comment_elm.findall(f".//{w('p')}")
            found[str(comment.comment_id)] = _Comment(comment.author or "", stamp.date().isoformat() if stamp else "",
                                                      comment.text, [p.get(f"{{{W14}}}paraId", "") for p in paragraphs])
        return found
    except (KeyError, ValueError, TypeError, AttributeError, etree.LxmlError) as exc:
        raise CommentsError(f"{label}: its comments cannot be read ({type(exc).__name__}: {exc}); open it in Word, "
                            "save it again and read that copy") from None


def _threads(parts: dict[str, bytes], comments: dict[str, _Comment]) -> tuple[dict[str, str], set[str]]:
    """Which comment answers which (reply id -> parent id), and which comments are marked done,
    from word/commentsExtended.xml (Word 2013 and later)."""
    data = parts.get("word/commentsExtended.xml")
    if not data:
        return {}, set()
    root = _parse(data, "word/commentsExtended.xml")
    by_para = {para: cid for cid, c in comments.items() for para in c.para_ids if para}
    w15 = ooxml.NS["w15"]
    parents, done = {}, set()
    for entry in root.iter(f"{{{w15}}}commentEx"):
        cid = by_para.get(entry.get(f"{{{w15}}}paraId", ""))
        if cid is None:
            continue
        parent = by_para.get(entry.get(f"{{{w15}}}paraIdParent", ""))
        if parent is not None:
            parents[cid] = parent
        if entry.get(f"{{{w15}}}done") in ("1", "true"):
            done.add(cid)
    return parents, done


def _parse(data: bytes, part: str):
    try:
        return etree.fromstring(data, parser=ooxml.safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CommentsError(f"the returned copy's {part} is not valid XML ({exc}); open it in Word, save it again "
                            "and read that copy") from None


def _day(value: str | None) -> str:
    """A Word date (2026-12-01T10:00:00Z) as its day; '' if none or unreadable."""
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return ""


def _walk(data: bytes, part: str, origins: dict[int, Origin], comments: dict[str, _Comment],
          order: list[int]) -> list[Item]:
    """Every comment anchored and every change made in one part (the body, the footnotes), in order.

    The origin of a point is that of the last block mark before it (a mark starts each block). The
    text a comment is anchored to, and the text around a change, are given as the Word copy had them
    (inserted text left out, deleted text kept), which is what the analyst finds in the files.
    """
    root = _parse(data, part)
    current: tuple[Origin, int] = (origins.get(0, Origin(BUILD)), 0)
    open_ranges: dict[str, list[str]] = {}
    anchors: dict[str, dict] = {}
    changes: list[dict] = []
    paragraph_text: dict = {}  # paragraph element (kept alive, so its proxy stays the same) -> its text as built
    for element in root.iter():
        tag = element.tag
        if tag == w("bookmarkStart"):
            match = wordcopy.MARK.fullmatch(element.get(w("name"), ""))
            if match and int(match.group("source")) in origins:
                current = (origins[int(match.group("source"))], int(match.group("line")))
        elif tag == w("commentRangeStart"):
            cid = element.get(w("id"), "")
            open_ranges[cid] = []
            anchors.setdefault(cid, {"where": current, "paragraph": _paragraph(element), "order": _next(order)})
        elif tag == w("commentRangeEnd"):
            cid = element.get(w("id"), "")
            if cid in open_ranges:
                anchors[cid]["text"] = "".join(open_ranges.pop(cid))
        elif tag == w("commentReference"):
            cid = element.get(w("id"), "")
            anchors.setdefault(cid, {"where": current, "paragraph": _paragraph(element), "order": _next(order)})
        elif tag in CHANGES and _holds_text(element):
            paragraph = _paragraph(element)
            built = paragraph_text.setdefault(paragraph, [])
            changes.append({"kind": CHANGES[tag], "author": element.get(w("author"), ""),
                            "date": _day(element.get(w("date"))), "where": current, "paragraph": paragraph,
                            "offset": len("".join(built)), "text": _change_text(element), "order": _next(order)})
        elif tag in (w("t"), w("delText")):
            if tag == w("t") and _inside_insertion(element):
                continue
            text = element.text or ""
            for pieces in open_ranges.values():
                pieces.append(text)
            paragraph = _paragraph(element)
            if paragraph is not None:
                paragraph_text.setdefault(paragraph, []).append(text)
        elif tag in (w("tab"), w("br")):
            for pieces in open_ranges.values():
                pieces.append(" ")
    items = []
    for cid, anchor in anchors.items():
        comment = comments.get(cid)
        if comment is None:
            continue
        text = anchor.get("text")
        if text is None:  # a comment on a point, or a range Word did not close: the paragraph it is in
            text = _built_text(anchor["paragraph"])
        origin, line = anchor["where"]
        items.append(Item("comment", comment.author, comment.date, origin, line, anchor["order"], text, comment.text,
                          part=part, cid=cid))
    items += _merged_changes(changes, paragraph_text, part)
    return items


def _next(order: list[int]) -> int:
    order[0] += 1
    return order[0]


def _paragraph(element):
    for ancestor in element.iterancestors(w("p")):
        return ancestor
    return None


def _holds_text(change) -> bool:
    """A change of text (w:ins or w:del around runs), not of a paragraph mark or a table row."""
    parent = change.getparent()
    return parent is not None and etree.QName(parent).localname not in ("rPr", "trPr", "pPr", "tcPr", "numPr")


def _inside_insertion(element) -> bool:
    return any(a.tag in (w("ins"), w("moveTo")) for a in element.iterancestors())


def _change_text(change) -> str:
    return "".join(t.text or "" for t in change.iter(w("t"), w("delText"), w("delInstrText"), w("instrText"))
                   if t.tag != w("instrText"))


def _built_text(paragraph) -> str:
    """A paragraph's text as the Word copy had it: inserted text left out, deleted text kept."""
    if paragraph is None:
        return ""
    return "".join(t.text or "" for t in paragraph.iter(w("t"), w("delText"))
                   if t.tag == w("delText") or not _inside_insertion(t))


def _merged_changes(changes: list[dict], paragraph_text: dict, part: str) -> list[Item]:
    """Word splits one edit into several elements (one per run of formatting): adjacent changes of one
    kind by one author on one day in one paragraph are one item; a deletion followed at once by an
    insertion is a replacement."""
    items: list[Item] = []
    previous: dict | None = None
    for change in changes:
        built = "".join(paragraph_text.get(change["paragraph"], []))
        same_place = (previous is not None and previous["paragraph"] is change["paragraph"]
                      and previous["author"] == change["author"] and previous["date"] == change["date"])
        end_of_previous = previous and previous["offset"] + (len(previous["text"]) if previous["kind"] in
                                                             ("deleted", "moved away") else 0)
        if same_place and change["offset"] == end_of_previous and previous["kind"] == change["kind"]:
            item = items[-1]
            if item.kind == "replaced":
                item.replacement += change["text"]
            else:
                item.text += change["text"]
            previous = {**change, "offset": previous["offset"], "text": previous["text"] + change["text"]
                        if change["kind"] in ("deleted", "moved away") else previous["text"]}
            continue
        if same_place and previous["kind"] == "deleted" and change["kind"] == "inserted" \
                and change["offset"] == end_of_previous and items[-1].kind == "deleted":
            items[-1].kind, items[-1].replacement = "replaced", change["text"]
            previous = {**change, "kind": "inserted"}
            continue
        origin, line = change["where"]
        items.append(Item(change["kind"], change["author"], change["date"], origin, line, change["order"],
                          _around(built, change["offset"], change["text"] if change["kind"] in
                                  ("deleted", "moved away") else ""), change["text"], part=part))
        previous = change
    return items


def _around(text: str, offset: int, removed: str) -> str:
    """The text of a paragraph around `offset`, about EXCERPT characters."""
    if len(text) <= EXCERPT:
        return text
    half = EXCERPT // 2
    start = max(0, offset - half)
    end = min(len(text), offset + len(removed) + half)
    if start > 0 and " " in text[start:offset]:  # whole words only
        start = text.index(" ", start) + 1
    if end < len(text) and " " in text[offset + len(removed):end]:
        end = text.rindex(" ", offset + len(removed), end)
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")


# --- the checklist ------------------------------------------------------------------------------------

def _resolve_threads(returned: Returned, parents: dict[str, str], done: set[str],
                     comments: dict[str, _Comment]) -> None:
    """Put each reply under the comment it answers, and mark the comments resolved in Word."""
    by_id = {item.cid: item for item in returned.items if item.kind == "comment"}
    for cid, item in list(by_id.items()):
        item.done = cid in done
        root = cid
        while root in parents and parents[root] in by_id and parents[root] != cid:
            root = parents[root]
        if root != cid:
            comment = comments[cid]
            by_id[root].replies.append((comment.author, comment.date, comment.text))
            returned.items.remove(item)


def quote(text: str, limit: int = EXCERPT) -> str:
    """Text from the returned copy, safe in a markdown list item and a terminal: one line, no control
    characters, markdown's own characters escaped, cut to `limit`."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text.replace("\u00a0", " ")).split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    text = re.sub(r"([\\`*\[\]<>#|~])", r"\\\1", text)
    # An underscore inside a word (vestre_toten) is never emphasis; only one at a word's edge is escaped.
    return re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)


def where(origin: Origin, line: int) -> str:
    """Where a piece of the report came from, as the checklist names it."""
    if origin.kind == FILE:
        return f"{origin.path}:{line}" if line else origin.path
    if origin.kind == COMPUTED:
        exhibit = f" ({origin.label})" if origin.label else ""
        return f"computed in the standard chapter {origin.path}{exhibit} from the data"
    if origin.kind == CHAPTER:
        return f"{origin.path} (no line: this block carries no source of its own)"
    return "the build itself (title page, contents, colophon)"


def group_of(origin: Origin) -> str:
    return origin.path if origin.kind in (FILE, COMPUTED, CHAPTER) and origin.path else "the build itself"


def checklist(returned: Returned, label: str, project=None, values: dict | None = None) -> str:
    """The comments and changes as a markdown checklist, grouped by file in the order the report shows
    them, each group in the order of its lines."""
    items = returned.items
    authors = sorted({i.author for i in items if i.author} | {a for i in items for a, _, _ in i.replies if a})
    comments = sum(1 for i in items if i.kind == "comment")
    lines = [f"# Comments and tracked changes in {quote(Path(label).name, 120)}", ""]
    about = f"The Word copy of «{quote(returned.title, 200)}» ({quote(returned.report, 80)})"
    if returned.built:
        about += f", made from the build of {quote(returned.built, 40)}"
    lines.append(about + f": {_count(comments, 'comment')} and {_count(len(items) - comments, 'tracked change')}"
                 + (f", by {', '.join(quote(a, 60) for a in authors)}" if authors else "") + ".")
    if not items:
        lines += ["", "Nothing to do: the copy holds no comments and no tracked changes."]
        return "\n".join(lines) + "\n"
    lines.append("Each item names where its text came from; tick it off when you have dealt with it.")
    groups: dict[str, list[Item]] = {}
    for item in sorted(items, key=lambda i: i.order):
        groups.setdefault(group_of(item.origin), []).append(item)
    for group, members in groups.items():
        lines += ["", f"## {quote(group, 200)}", ""]
        note = _group_note(members[0].origin, project)
        if note:
            lines += [note, ""]
        for item in sorted(members, key=lambda i: (i.line, i.order)):
            lines += _item_lines(item, project, values)
    return "\n".join(lines) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _group_note(origin: Origin, project) -> str:
    """What the analyst should know about a file before changing it."""
    notes = []
    if origin.kind == FILE and project is not None:
        path = project.resolve(origin.path)
        if not path.is_file():
            notes.append(f"{origin.path} is no longer there: find the text where it went.")
        elif origin.sha256:
            if hash_file(path) != origin.sha256:
                notes.append("The file changed after the Word copy was made: the lines may have moved.")
    if origin.kind in (FILE, CHAPTER) and origin.path.startswith("notebooks/"):
        notes.append("A standard chapter's text serves every case: change it only if the change is right for "
                     "every report.")
    if origin.kind == COMPUTED:
        notes.append("Tables and charts are computed from the data: change the data or the configuration, not "
                     "the prose.")
    return " ".join(f"*{n}*" for n in notes)


def _item_lines(item: Item, project, values: dict | None) -> list[str]:
    who = quote(item.author or "(no author)", 80) + (f", {item.date}" if item.date else "")
    box = "[x]" if item.done else "[ ]"
    head = f"- {box} {quote(where(item.origin, item.line), 240)} — {who}: «{quote(item.anchored)}»"
    if item.kind == "comment":
        head += f" — comment: «{quote(item.text, 600)}»" + (" (resolved in Word)" if item.done else "")
    elif item.kind == "replaced":
        head += f" — replaced «{quote(item.text, 300)}» with «{quote(item.replacement, 300)}»"
    else:
        head += f" — {item.kind}: «{quote(item.text, 300)}»"
    lines = [head]
    for author, date, text in item.replies:
        lines.append(f"  - reply — {quote(author or '(no author)', 80)}{', ' + date if date else ''}: "
                     f"«{quote(text, 600)}»")
    computed = _computed_numbers(item, project, values)
    if computed:
        lines.append(f"  - {computed}")
    return lines


EXPRESSION = re.compile(r"\{\{-?\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}\}")


def _computed_numbers(item: Item, project, values: dict | None) -> str:
    """For text from a prose file: which numbers in what the item concerns the file prints from the data
    ({{ name }}), which the analyst changes in the data, not in the sentence."""
    if item.origin.kind != FILE or project is None or not item.line:
        return ""
    concerned = " ".join((item.anchored, item.text, item.replacement)).replace("\u00a0", " ")
    if not re.search(r"\d", concerned):
        return ""
    names = sorted({m.group("name") for m in EXPRESSION.finditer(_block(project.resolve(item.origin.path), item.line))})
    if not names:
        return ""
    printed = []
    for name in names:
        value = (values or {}).get(name)
        if isinstance(value, str) and re.search(r"\d", value) and value.replace("\u00a0", " ") in concerned:
            printed.append(f"«{quote(value, 60)}» ({{{{ {name} }}}})")
    if printed:
        return ("computed from the data, not written in the prose: " + ", ".join(printed)
                + "; change the data if it is wrong")
    return ("the block prints values computed from the data (" + ", ".join(f"{{{{ {n} }}}}" for n in names)
            + "): a number there may come from the data, not from the prose")


def _block(path: Path, line: int) -> str:
    """The markdown block that starts at `line` of `path` (to the next blank line)."""
    try:
        text = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    block = []
    for row in text[line - 1:]:
        if not row.strip() and block:
            break
        block.append(row)
    return "\n".join(block)


# --- the command ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Written:
    text: str
    path: Path
    items: int


def write_checklist(project, docx: Path, config_path: Path | None) -> Written:
    """Read `docx`, check it is the Word copy of the report `config_path` names (or, without one, of a
    report of this project), and write its checklist to build/<name>-comments.md."""
    label = str(docx)
    returned = read_returned(docx, label)
    if config_path is None:
        if not returned.config or not project.resolve(returned.config).is_file():
            raise CommentsError(f"{label} is the Word copy of the report '{quote(returned.report, 80)}' "
                                f"({quote(returned.config, 120) or 'no configuration named'}), which this project "
                                "does not have; name the report with --case or --config")
        config_path = project.resolve(returned.config)
    config = load_config(config_path, project.relative(config_path))
    if returned.report != config.output_name:
        raise CommentsError(f"{label} is the Word copy of the report '{quote(returned.report, 80)}' "
                            f"({quote(returned.config, 120)}), not of '{config.output_name}' "
                            f"({project.relative(config_path)}); read it with --case of its own report")
    sidecar = project.build_dir / f"{config.output_name}.json"
    try:
        values = json.loads(sidecar.read_text(encoding="utf-8")).get("values")
    except (OSError, ValueError, AttributeError):
        values = None
    text = checklist(returned, label, project, values if isinstance(values, dict) else None)
    target = project.build_dir / f"{config.output_name}-comments.md"
    write_text(target, text)
    return Written(text, target, len(returned.items))
