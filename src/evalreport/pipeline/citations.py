"""Citations and the reference list, in a Norwegian author-year style.

The sources a report may cite are the case's own, in `prose/<case>/references.json` (CSL-JSON, as
Zotero exports it) or `prose/<case>/references.bib` (BibTeX), and the ones evalreport ships for the
standard chapters (`resources/citations/references.json`: the national evaluation of the scheme,
Innovasjon Norge's guide). Keys are matched without regard to case, as citeproc does.

In prose, `[@key]` and `[@key, s. 12]` (several in one: `[@a; @b, s. 3]`) give «(Telemarksforsking,
2022, s. 12)»; `@key` in running text gives «Telemarksforsking (2022)». The style is
`resources/citations/author-year.csl`, with the CSL locale of the report's language (nb-NO, nn-NO,
en-US, which citeproc-py ships), formatted in-process by citeproc-py: about 0.06 s to import and
0.02 s to format a report's citations (pandoc's citeproc through pypandoc-binary took 0.3 s a call,
a 155 MB binary, for the same result).

A citation is a placeholder in a chapter's HTML until the whole report is composed, since its text
(«2022a», the order of the reference list) depends on every citation of the report.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, Locator, formatter
from citeproc.source import BibliographySource
from citeproc.source.bibtex import BibTeX
from citeproc.source.json import CiteProcJSON
from lxml import etree

from evalreport import words
from evalreport.errors import ProseError

CASE_FILES = ("references.json", "references.bib")
KEY = r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*"
# How a locator is written, and the CSL locator it is: `s. 12`, `side 12`, `p. 12`, `kap. 3`.
LOCATOR_LABELS = {"s.": "page", "s": "page", "side": "page", "sidene": "page", "sider": "page", "p.": "page",
                  "pp.": "page", "page": "page", "pages": "page", "kap.": "chapter", "kapittel": "chapter",
                  "chap.": "chapter", "chapter": "chapter", "avsn.": "section", "avsnitt": "section",
                  "sec.": "section", "section": "section", "§": "section", "tab.": "table", "tabell": "table",
                  "table": "table", "fig.": "figure", "figur": "figure", "figure": "figure"}
LOCATOR = re.compile(r"^(?P<label>[^\d\s]+\.?)?\s*(?P<value>\d[\w–\-, .]*|[ivxlcIVXLC]+)$")


def shipped_file() -> Path:
    """The bibliography evalreport ships for its standard chapters."""
    return Path(str(resources.files("evalreport.resources") / "citations" / "references.json"))


def style_file() -> Path:
    return Path(str(resources.files("evalreport.resources") / "citations" / "author-year.csl"))


@dataclass(frozen=True)
class Item:
    """One cited source in a citation: its key, and where in it (a page, a chapter)."""

    key: str
    label: str | None = None  # the CSL locator: page, chapter, section ...
    locator: str | None = None


@dataclass(frozen=True)
class Citation:
    """`[@a; @b, s. 3]` (mode 'paren') or `@a` in running text (mode 'text')."""

    items: tuple[Item, ...]
    mode: str = "paren"

    def as_json(self) -> str:
        return json.dumps({"mode": self.mode, "items": [[i.key, i.label, i.locator] for i in self.items]},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Citation:
        data = json.loads(text)
        return cls(tuple(Item(*item) for item in data["items"]), data["mode"])


def parse_group(body: str) -> tuple[Citation | None, str | None]:
    """`@a; @b, s. 3` (the inside of a bracketed citation) as a Citation, or (None, what is wrong)."""
    items = []
    for part in body.split(";"):
        part = part.strip()
        match = re.fullmatch(rf"@(?P<key>{KEY}?)(?:\s*,\s*(?P<locator>.+))?", part)
        if not match or not match.group("key"):
            return None, (f"'{part}' in [{body}] is not a citation: write [@key] or [@key, s. 12], several separated "
                          "by ';'")
        key = match.group("key").rstrip(".:")
        label, locator = None, None
        if match.group("locator"):
            label, locator, problem = parse_locator(match.group("locator").strip())
            if problem:
                return None, problem
        items.append(Item(key.lower(), label, locator))
    return Citation(tuple(items)), None


def parse_locator(text: str) -> tuple[str | None, str | None, str | None]:
    """`s. 12` -> ('page', '12', None); a locator not understood -> (None, None, what to write)."""
    match = LOCATOR.match(text)
    if match:
        written = (match.group("label") or "").strip().lower()
        label = LOCATOR_LABELS.get(written) if written else "page"
        if label:
            return label, match.group("value").strip(), None
    return None, None, (f"the locator '{text}' is not understood: write the page as s. 12 (or s. 12–14), a chapter "
                        "as kap. 3")


@dataclass
class Bibliography:
    """Every source a report may cite: key -> (the file it is in, its CSL entry as citeproc reads it)."""

    files: tuple[str, ...] = ()
    source: dict = field(default_factory=dict)  # citeproc BibliographySource
    origin: dict[str, str] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key.lower() in self.source

    @property
    def keys(self) -> list[str]:
        return sorted(self.source)


def load(prose_dir: Path | None, relative=str) -> Bibliography:
    """The report's bibliography: the shipped sources and the case's own. ProseError listing every problem."""
    shipped = shipped_file()
    files = [(shipped, "evalreport (shipped sources)")]
    if prose_dir is not None:
        present = [prose_dir / name for name in CASE_FILES if (prose_dir / name).is_file()]
        if len(present) > 1:
            raise ProseError(f"{relative(present[0])} and {relative(present[1])}: a case keeps its sources in one "
                             "file; merge them into one")
        files += [(p, relative(p)) for p in present]
    stats = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size, label) for p, label in files)
    return _load(stats)


@lru_cache(maxsize=8)
def _load(files: tuple) -> Bibliography:
    problems, merged, origin = [], BibliographySource(), {}
    for path, _, _, label in files:
        try:
            source = _read(Path(path), label)
        except ProseError as exc:
            problems.append(str(exc))
            continue
        for key, reference in source.items():
            if key in origin:
                problems.append(f"{label}: the key '{key}' is also in {origin[key]}; give the source another key")
                continue
            merged[key] = reference
            origin[key] = label
    if problems:
        raise ProseError("\n".join(problems))
    return Bibliography(tuple(label for *_, label in files), merged, origin)


def _read(path: Path, label: str):
    """One bibliography file as citeproc reads it; ProseError naming the file and the entry."""
    if path.suffix == ".bib":
        return _read_bibtex(path, label)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProseError(f"{label}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ProseError(f"{label}, line {exc.lineno}: not valid JSON ({exc.msg}); export it again as CSL JSON") \
            from None
    if not isinstance(data, list):
        raise ProseError(f"{label}: CSL JSON is a list of sources ([{{...}}, ...]); this file holds "
                         f"{type(data).__name__}")
    problems, keys = [], set()
    for n, entry in enumerate(data, start=1):
        where = f"{label}: source {n}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object")
            continue
        key = str(entry.get("id", "")).strip()
        if not re.fullmatch(KEY, key):
            problems.append(f"{where} has no usable 'id' (its key, e.g. \"telemarksforsking2022\"): found {key!r}")
            continue
        where = f"{label}: '{key}'"
        if key.lower() in keys:
            problems.append(f"{where} is there twice; give each source its own key")
        keys.add(key.lower())
        if not entry.get("type"):
            problems.append(f"{where} has no 'type' (report, book, article-journal, webpage ...)")
        if not entry.get("title"):
            problems.append(f"{where} has no 'title'")
    if problems:
        raise ProseError("\n".join(problems))
    clean = [{k: v for k, v in entry.items() if k != "note"} for entry in data]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CiteProcJSON(clean)
    except Exception as exc:  # citeproc's own reading of a field (a date, a name) failed
        raise ProseError(f"{label}: a source cannot be read ({type(exc).__name__}: {exc}); check its dates "
                         '("issued": {"date-parts": [[2022]]}) and names') from None


# The LaTeX spellings of letters that reference managers write into BibTeX (Zotero writes {\aa} for å),
# which citeproc-py's BibTeX reader cannot read: they become the letters themselves before it reads.
LATEX_LETTERS = {"aa": "å", "AA": "Å", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
                 "ss": "ß", "l": "ł", "L": "Ł", "i": "ı"}
LATEX_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
                 ".": "\u0307", "c": "\u0327", "v": "\u030c", "H": "\u030b", "r": "\u030a", "u": "\u0306"}


def latex_to_unicode(text: str) -> str:
    """{\\aa} -> å, {\\"o} and \\"{o} -> ö, {\\'e} -> é: the letters a reference manager escapes."""
    letters = "|".join(sorted(map(re.escape, LATEX_LETTERS), key=len, reverse=True))
    text = re.sub(rf"\{{\\({letters})\}}|\\({letters})(?![A-Za-z])\s?", lambda m: LATEX_LETTERS[m.group(1) or m.group(2)],
                  text)
    accents = "".join(map(re.escape, LATEX_ACCENTS))

    def accented(match: re.Match) -> str:
        letter = match.group("letter")
        return unicodedata.normalize("NFC", letter + LATEX_ACCENTS[match.group("accent")])

    pattern = rf"\{{?\\(?P<accent>[{accents}])\s*\{{?(?P<letter>[A-Za-z])\}}?\}}?"
    return re.sub(pattern, accented, text)


def _read_bibtex(path: Path, label: str):
    try:
        text = latex_to_unicode(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ProseError(f"{label}: not UTF-8 text; save it as UTF-8") from None
    # citeproc has no field for a report's institution: it is the report's publisher.
    text = re.sub(r"(?im)^(\s*)institution(\s*=)", r"\1publisher\2", text)
    with tempfile.TemporaryDirectory(prefix="evalreport-bib-") as folder:
        copy = Path(folder) / "references.bib"
        copy.write_text(text, encoding="utf-8")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # citeproc warns at every BibTeX field it has no use for
                source = BibTeX(str(copy), encoding="utf-8")
        except Exception as exc:  # the BibTeX parser raises what it meets
            raise ProseError(f"{label}: not valid BibTeX ({type(exc).__name__}: {exc}); check its braces and "
                             "commas, and write letters as themselves (å, not {\\aa})") from None
    problems = [f"{label}: '{key}' has no title" for key, reference in source.items() if "title" not in reference]
    if problems:
        raise ProseError("\n".join(problems))
    return source


def format_citations(bibliography: Bibliography, citations: list[Citation], language: str) -> tuple[list[str], list[str]]:
    """Each citation's text and the reference list (one entry per cited source, sorted), as HTML
    (italics as <i>, text escaped)."""
    if not citations:
        return [], []
    style, narrative = _styles(words.text(language, "citations.csl_locale"))
    references = CitationStylesBibliography(style, bibliography.source, formatter.html)

    csl_citations = [_csl(c) for c in citations]
    for citation in csl_citations:
        references.register(citation)
    texts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for citation, csl_citation in zip(citations, csl_citations):
            if citation.mode == "text":
                # Author (year, s. 12): the same citation through the narrative style, whose
                # disambiguation follows the same registered citations.
                text = _narrative(narrative, bibliography, citations, citation)
            else:
                text = _text(references.cite(csl_citation, _ignore))
            texts.append(text)
        entries = sorted((_text(entry) for entry in references.bibliography()), key=_sort_key)
    return texts, entries


# The reference list in Norwegian alphabetical order (æ, ø, å after z), by the entry's text: author,
# then year, then title, as the style writes them. (citeproc-py does not sort literal names.)
_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|", "ü": "y"})


def _sort_key(entry: str) -> str:
    return re.sub(r"<[^>]+>", "", entry).lower().translate(_ORDER)


def _narrative(narrative, bibliography: Bibliography, citations: list[Citation], citation: Citation) -> str:
    references = CitationStylesBibliography(narrative, bibliography.source, formatter.html)
    all_citations = [_csl(c) for c in citations]
    for c in all_citations:
        references.register(c)
    return _text(references.cite(all_citations[citations.index(citation)], _ignore))


def _csl(citation: Citation):
    return CslCitation([CitationItem(i.key, **({"locator": Locator(i.label, i.locator)} if i.locator else {}))
                        for i in citation.items])


def _ignore(_item) -> None:
    return None


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "".join(_text(v) for v in value)
    return str(value)


@lru_cache(maxsize=4)
def _styles(locale: str):
    """The style, and its narrative form (Author (year, s. 12)) for `@key` in running text."""
    path = style_file()
    text = path.read_bytes()
    style = CitationStylesStyle(str(path), locale=locale, validate=False)
    tree = etree.fromstring(text)
    namespace = "{http://purl.org/net/xbiblio/csl}"
    layout = tree.find(f"{namespace}citation/{namespace}layout")
    layout.attrib.pop("prefix")
    layout.attrib.pop("suffix")
    for child in list(layout):
        layout.remove(child)
    narrative_layout = etree.fromstring(
        '<group xmlns="http://purl.org/net/xbiblio/csl" delimiter=" "><text macro="author-short"/>'
        '<group prefix="(" suffix=")" delimiter=", "><text macro="year"/><text macro="locator"/></group></group>')
    layout.append(narrative_layout)
    with tempfile.NamedTemporaryFile("wb", suffix=".csl", delete=False) as file:
        file.write(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))
        narrative_path = file.name
    try:
        narrative = CitationStylesStyle(narrative_path, locale=locale, validate=False)
    finally:
        Path(narrative_path).unlink()
    return style, narrative
