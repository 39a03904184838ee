"""Check the final PDF: PDF/A-2a, PDF/UA-1 and the report's own accessibility rules, offline.

Three checkers run on the written file:

* page-validation (import name `page`), a veraPDF-compatible validator, with its PDF/A-2a and
  PDF/UA-1 profiles;
* pdfua, the machine-checkable subset of PDF/UA-1 and WCAG 2.1 that it implements;
* our own structural checks with pikepdf (`structure_problems`): what the report promises its
  readers, named so that a failure says what to change.

Every problem is one readable line: which check, where (page, element), what is wrong and what to
do. `check_pdf` collects them; `enforce` turns them into a failed build, or into a loud warning
for a draft. Passing these checks is necessary, not sufficient: whether alternative texts are
accurate, headings descriptive, the reading order sensible and colours distinguishable still needs
a person.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import page as page_validation
import pdfua
import pikepdf

from evalreport.errors import PdfCheckError  # noqa: F401 - raised here, caught by the command line

log = logging.getLogger(__name__)

PDFA_PART, PDFA_CONFORMANCE = "2", "A"
PDFUA_PART = "1"
VALIDATION_PROFILES = {"2a": "PDF/A-2a", "ua1": "PDF/UA-1"}  # page-validation's names, ours

# pdfua rules known to crash on files like ours; what replaces them is named. Any other rule that
# cannot run is a problem: a check that did not run must not pass silently.
KNOWN_PDFUA_SKIPS = {
    "UA-14-001": "pdfua 0.1.3 raises on a heading whose /K is an array (every WeasyPrint heading) "
                 "under pikepdf 10; our check 'heading-empty' covers it",
}

HEADING_LEVELS = {f"/H{n}": n for n in range(1, 7)}
TABLE_GROUPS = {"/THead", "/TBody", "/TFoot"}
SCOPES = {"/Row", "/Column", "/Both"}
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
FILE_NAME = re.compile(r"\.(png|jpe?g|gif|svg|tiff?|bmp|webp|pdf|eps|emf|wmf)$", re.IGNORECASE)
# The WCAG 2.1 success criteria each of our checks tests a machine-checkable part of.
WCAG = {
    "tagged": ("1.3.1",), "language": ("3.1.1",), "title": ("2.4.2",), "heading-levels": ("1.3.1",),
    "heading-empty": ("1.3.1", "2.4.6"), "figure-alt": ("1.1.1",), "figure-caption": ("1.3.1",),
    "table-headers": ("1.3.1",), "table-scope": ("1.3.1",), "reading-order": ("1.3.2",),
    "artifacts": ("1.3.1", "1.3.2"), "bookmarks": ("2.4.5",),
}
REQUIRED_INFO = ("/Title", "/Author", "/Subject", "/Keywords", "/CreationDate", "/ModDate")
REQUIRED_XMP = ("dc:title", "dc:creator", "dc:description", "dc:publisher", "pdf:Keywords",
                "xmp:CreateDate", "xmp:ModifyDate")


@dataclass(frozen=True)
class Problem:
    """One reason the PDF does not pass, as a one-line message."""

    check: str  # our check's name, or "<validator> <profile> <rule id>"
    where: str  # "document", "page 7, Figure 3", "object 2158" ...
    message: str
    fix: str = ""

    def __str__(self) -> str:
        wcag = f", WCAG {' '.join(WCAG[self.check])}" if self.check in WCAG else ""
        return f"[{self.check}{wcag}] {self.where}: {self.message}" + (f" Fix: {self.fix}" if self.fix else "")


@dataclass(frozen=True)
class CheckResult:
    """What the checkers found in one PDF."""

    path: Path
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # what a checker could not check, and what covers it instead
    checkers: tuple[str, ...] = ()  # which checkers ran, with their versions and profiles
    label: str | None = None  # the file as the analyst knows it (the checked file is a temporary one)

    @property
    def passed(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """Every problem on a line of its own, under a heading that says how many."""
        name = self.label or self.path.name
        head = (f"{name} passes {', '.join(self.checkers)}" if self.passed else
                f"{name}: {len(self.problems)} problem(s) found by {', '.join(self.checkers)}")
        return "\n".join([head, *(f"  {p}" for p in self.problems), *(f"  note: {n}" for n in self.notes)])


def check_pdf(path: str | Path, language: str, *, title: str | None = None,
              validators: bool = True, label: str | None = None) -> CheckResult:
    """Check the PDF at `path`; `language` is the expected /Lang, `title` the expected title if given.

    With `validators=False` only our own structural checks run (fast; for tests of them).
    """
    path = Path(path)
    problems: list[Problem] = []
    notes: list[str] = []
    checkers = [f"evalreport structure checks (pikepdf {pikepdf.__version__})"]
    # The validators read the file on their own and partly outside the GIL: they run side by side
    # with our structure checks.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdfcheck") as pool:
        page_run = pool.submit(page_validation_problems, path) if validators else None
        pdfua_run = pool.submit(pdfua_problems, path) if validators else None
        try:
            with pikepdf.open(path) as pdf:
                problems += structure_problems(pdf, language, title)
        except pikepdf.PdfError as exc:
            problems.append(Problem("readable", "document", f"pikepdf cannot read the file: {exc}",
                                    "rebuild the report"))
        if validators:
            found, ran = page_run.result()
            problems += found
            checkers += ran
            found, skipped, ran = pdfua_run.result()
            problems += found
            notes += skipped
            checkers += ran
    result = CheckResult(path, tuple(problems), tuple(notes), tuple(checkers), label)
    log.info("%s", result.report().splitlines()[0])  # the problems themselves: enforce, or the caller
    for note in result.notes:  # what a checker could not run and what covers it: for developers (-v)
        log.debug("  note: %s", note)
    return result


def enforce(result: CheckResult, *, draft: bool = False) -> None:
    """Raise PdfCheckError when the PDF did not pass; for a draft, log a loud warning instead."""
    if result.passed:
        return
    text = result.report()
    if not draft:
        raise PdfCheckError(f"The PDF is not fit to publish and archive.\n{text}")
    banner = "!" * 78
    log.warning("%s\nDRAFT: this PDF is NOT fit to publish or archive (PDF/A-2a, PDF/UA-1).\n%s\n%s",
                banner, text, banner)


def verify_pdf(path: str | Path, language: str, *, title: str | None = None, draft: bool = False,
               label: str | None = None) -> CheckResult:
    """check_pdf, then enforce: the one call a build needs; `label` names the file in messages."""
    result = check_pdf(path, language, title=title, label=label)
    enforce(result, draft=draft)
    return result


# --- the validators ---------------------------------------------------------------------------

def page_validation_problems(path: Path) -> tuple[list[Problem], list[str]]:
    """page-validation's PDF/A-2a and PDF/UA-1 profiles: one problem per failed rule."""
    problems: list[Problem] = []
    ran: list[str] = []
    for profile, label in VALIDATION_PROFILES.items():
        name = f"page-validation {page_validation.__version__} {label}"
        ran.append(name)
        try:
            report = page_validation.validate_pdf(path, profile=profile)
        except page_validation.PageError as exc:
            problems.append(Problem(f"page-validation {label}", "document", f"could not validate: {exc}",
                                    "rebuild the report; if it persists, report it with the file"))
            continue
        by_rule: dict[str, list] = defaultdict(list)
        for failure in report.failures:
            by_rule[failure.rule_id].append(failure)
        for rule, failures in by_rule.items():
            objects = sorted({f.object_id.object_number for f in failures if f.object_id is not None})
            where = ("objects " + ", ".join(map(str, objects[:5])) + (" ..." if len(objects) > 5 else "")
                     if objects else "document")
            count = f" ({len(failures)} times)" if len(failures) > 1 else ""
            problems.append(Problem(f"page-validation {label} {rule}", where, failures[0].message + count))
        if not report.is_compliant and not by_rule:
            problems.append(Problem(f"page-validation {label}", "document", "not compliant, no rule named"))
    return problems, ran


def pdfua_problems(path: Path) -> tuple[list[Problem], list[str], list[str]]:
    """pdfua's checks: every finding is a problem; a rule that could not run is one unless known."""
    ran = [f"pdfua {pdfua.__version__}"]
    try:
        report = pdfua.validate(str(path))
    except pdfua.PdfuaError as exc:
        return [Problem("pdfua", "document", f"could not validate: {exc}", "rebuild the report")], [], ran
    problems = [
        Problem(f"pdfua {f.rule_id}", f.location.describe(),
                f"{f.message} ({f.severity.name.lower()}, {f.confidence.value})", f.remediation or "")
        for f in report.findings
    ]
    notes = []
    for outcome in report.skipped:
        if outcome.rule_id in KNOWN_PDFUA_SKIPS:
            notes.append(f"pdfua {outcome.rule_id} did not run: {KNOWN_PDFUA_SKIPS[outcome.rule_id]}")
        else:
            problems.append(Problem(f"pdfua {outcome.rule_id}", "document",
                                    f"the rule could not run: {outcome.skipped_reason}",
                                    "find out why; a check that does not run does not pass"))
    return problems, notes, ran


# --- our own structural checks ----------------------------------------------------------------

@dataclass
class _Element:
    """A structure element in document order, with what the checks need to say where it is."""

    obj: pikepdf.Dictionary
    role: str
    page: int | None
    parent: _Element | None
    kids: list[_Element] = field(default_factory=list)
    mcids: list[tuple[int | None, int]] = field(default_factory=list)  # (page, MCID) marked directly


def structure_problems(pdf: pikepdf.Pdf, language: str, title: str | None = None) -> list[Problem]:
    """Our own checks on an open PDF; each problem names its check, where, and what to do."""
    problems = _document_problems(pdf, language, title)
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return problems  # _document_problems reported it; nothing below can be checked
    elements, reachable = _structure_tree(pdf, root)
    problems += _heading_problems(elements)
    problems += _figure_problems(elements)
    problems += _table_problems(elements)
    problems += _reading_order_problems(elements)
    problems += _content_problems(pdf, root, reachable)
    problems += _bookmark_problems(pdf, elements)
    return problems


def _document_problems(pdf: pikepdf.Pdf, language: str, title: str | None) -> list[Problem]:
    """Tagged, language, title shown, metadata complete, PDF/A-2a and PDF/UA-1 claimed in the XMP."""
    problems = []
    catalog = pdf.Root
    if not isinstance(catalog.get("/StructTreeRoot"), pikepdf.Dictionary):
        problems.append(Problem("tagged", "document", "there is no structure tree (/StructTreeRoot)",
                                "render with pdf_tags=True"))
    mark_info = catalog.get("/MarkInfo")
    if not (isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))):
        problems.append(Problem("tagged", "document", "/MarkInfo /Marked is not true",
                                "render with pdf_tags=True"))
    lang = str(catalog.get("/Lang", "")).strip()
    if lang.lower() != language.lower():
        problems.append(Problem("language", "document", f"the document language (/Lang) is {lang or 'not set'!r}, "
                                f"expected {language!r}", f'write <html lang="{language}">'))

    info = pdf.docinfo
    info_title = str(info.get("/Title", "")).strip()
    preferences = catalog.get("/ViewerPreferences")
    if not (isinstance(preferences, pikepdf.Dictionary) and bool(preferences.get("/DisplayDocTitle", False))):
        problems.append(Problem("title", "document", "/ViewerPreferences /DisplayDocTitle is not true: viewers "
                                "show the file name instead of the title", "render a tagged PDF (pdf_tags=True)"))
    if title is not None and info_title != title.strip():
        problems.append(Problem("title", "document", f"the title is {info_title!r}, expected {title!r}",
                                "set <title> in report.html.j2 from the configuration's title"))
    missing_info = [key[1:] for key in REQUIRED_INFO if not str(info.get(key, "")).strip()]
    if missing_info:
        problems.append(Problem("metadata", "document information", f"missing or empty: {', '.join(missing_info)}",
                                "set <title> and the <meta> author, description, keywords and dcterms dates"))

    if "/Metadata" not in catalog:
        problems.append(Problem("metadata", "XMP", "the document has no XMP metadata",
                                "render with pdf_variant='pdf/a-2a'"))
        return problems
    xmp = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    missing_xmp = [key for key in REQUIRED_XMP if not _xmp_text(xmp.get(key))]
    if missing_xmp:
        problems.append(Problem("metadata", "XMP", f"missing or empty: {', '.join(missing_xmp)}",
                                "set <title>, the <meta> author, description, keywords, dcterms dates and "
                                "dcterms.publisher (the organisation)"))
    if info_title and _xmp_text(xmp.get("dc:title")) and _xmp_text(xmp.get("dc:title")) != info_title:
        problems.append(Problem("title", "XMP", "dc:title differs from the document information's /Title",
                                "let WeasyPrint write both from <title>"))
    claims = {"pdfaid:part": PDFA_PART, "pdfaid:conformance": PDFA_CONFORMANCE, "pdfuaid:part": PDFUA_PART}
    for key, expected in claims.items():
        found = _xmp_text(xmp.get(key))
        if found.upper() != expected:
            problems.append(Problem("identification", "XMP", f"{key} is {found or 'absent'}, expected {expected} "
                                    "(the file must claim PDF/A-2a and PDF/UA-1)",
                                    "write with pdf_variant='pdf/a-2a' and render.finish_pdf"))
    return problems


def _xmp_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, set, tuple)):
        return ", ".join(str(v).strip() for v in value if str(v).strip())
    return str(value).strip()


def _structure_tree(pdf: pikepdf.Pdf, root: pikepdf.Dictionary) -> tuple[list[_Element], set]:
    """Every structure element in document order, and the object ids reachable from the root."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    role_map = root.get("/RoleMap")
    role_map = role_map if isinstance(role_map, pikepdf.Dictionary) else {}

    def role_of(obj) -> str:
        role = str(obj.get("/S", ""))
        for _ in range(10):  # a role map may chain; a cycle is the validators' to report
            if role in HEADING_LEVELS or role not in role_map:
                break
            role = str(role_map[role])
        return role

    def page_of(obj, inherited):
        page = obj.get("/Pg")
        return pages.get(page.objgen, inherited) if isinstance(page, pikepdf.Dictionary) else inherited

    elements: list[_Element] = []
    reachable: set = {root.objgen}
    stack = [(kid, None) for kid in reversed(_kids(root))]
    while stack:
        node, parent = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        node_type = node.get("/Type")
        if node_type in ("/MCR", "/OBJR"):
            if node_type == "/MCR" and parent is not None and "/MCID" in node:
                parent.mcids.append((page_of(node, parent.page), int(node.MCID)))
            continue
        if node.objgen != (0, 0):
            if node.objgen in reachable:
                continue
            reachable.add(node.objgen)
        element = _Element(node, role_of(node), page_of(node, parent.page if parent else None), parent)
        elements.append(element)
        if parent is not None:
            parent.kids.append(element)
        for kid in reversed(_kids(node)):
            if isinstance(kid, int) and not isinstance(kid, bool):  # pikepdf gives integers as int
                element.mcids.insert(0, (element.page, kid))
            else:
                stack.append((kid, element))
    return elements, reachable


def _kids(node: pikepdf.Dictionary) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _where(element: _Element, label: str) -> str:
    return f"page {element.page}, {label}" if element.page else label


def _marks_content(element: _Element) -> bool:
    return bool(element.mcids) or any(_marks_content(kid) for kid in element.kids)


def _heading_problems(elements: list[_Element]) -> list[Problem]:
    """The first heading is H1; going down, a heading is at most one level below the one before."""
    problems = []
    previous: tuple[int, _Element] | None = None
    for number, element in enumerate((e for e in elements if e.role in HEADING_LEVELS), start=1):
        level = HEADING_LEVELS[element.role]
        label = f"heading {number} ({element.role[1:]})"
        if not _marks_content(element) and not str(element.obj.get("/ActualText", "")).strip():
            problems.append(Problem("heading-empty", _where(element, label), "the heading has no text",
                                    "remove the empty heading or give it text"))
        if previous is None and level != 1:
            problems.append(Problem("heading-levels", _where(element, label),
                                    f"the first heading is H{level}, not H1", "start the document with an h1"))
        elif previous is not None and level > previous[0] + 1:
            skipped = [f"H{n}" for n in range(previous[0] + 1, level)]
            problems.append(Problem(
                "heading-levels", _where(element, label),
                f"H{level} follows H{previous[0]} (page {previous[1].page}): "
                f"{' and '.join(skipped)} {'is' if len(skipped) == 1 else 'are'} skipped",
                f"use h{previous[0] + 1} here, or add the missing level above it"))
        previous = (level, element)
    return problems


def _figure_problems(elements: list[_Element]) -> list[Problem]:
    """Every figure has alternative text that is not empty and not a file name, and a caption."""
    problems = []
    for number, element in enumerate((e for e in elements if e.role == "/Figure"), start=1):
        where = _where(element, f"Figure {number}")
        alt = str(element.obj.get("/Alt", "")).strip()
        actual = str(element.obj.get("/ActualText", "")).strip()
        if not alt and not actual:
            problems.append(Problem("figure-alt", where, "the figure has no alternative text (/Alt)",
                                    "pass alt= to the chart (figures.describe_change writes one from the data)"))
        elif alt and (FILE_NAME.search(alt) or alt.lower().startswith("data:")):
            problems.append(Problem("figure-alt", where, f"the alternative text is a file name: {alt[:60]!r}",
                                    "describe what the chart shows"))
        siblings = element.parent.kids if element.parent else []
        if not any(e.role == "/Caption" for e in siblings + element.kids):
            problems.append(Problem("figure-caption", where, "the figure has no caption beside it",
                                    "make charts with evalreport.figures, which puts them in a captioned figure"))
    return problems


def _table_problems(elements: list[_Element]) -> list[Problem]:
    """Every table has rows, header cells, and a /Scope on each header cell."""
    problems = []
    for number, table in enumerate((e for e in elements if e.role == "/Table"), start=1):
        where = _where(table, f"table element {number}")  # a table split over pages is one per page
        rows = [kid for kid in table.kids if kid.role == "/TR"]
        rows += [row for group in table.kids if group.role in TABLE_GROUPS for row in group.kids if row.role == "/TR"]
        cells = [cell for row in rows for cell in row.kids if cell.role in ("/TH", "/TD")]
        headers = [cell for cell in cells if cell.role == "/TH"]
        if not rows:
            problems.append(Problem("table-headers", where, "the table has no rows (TR)",
                                    "use a real <table>, or mark a layout table as an artifact"))
        elif not headers:
            problems.append(Problem("table-headers", where, f"the table has no header cells (TH) among its "
                                    f"{len(cells)} cells", "write header cells as <th> (evalreport.tables does)"))
        unscoped = [cell for cell in headers if not _scope(cell.obj)]
        if unscoped:
            problems.append(Problem("table-scope", where, f"{len(unscoped)} of {len(headers)} header cells have no "
                                    "/Scope (Row, Column or Both)",
                                    'write scope="col" or scope="row" on each <th>; render.finish_pdf copies it'))
    return problems


def _scope(obj: pikepdf.Dictionary) -> str | None:
    attributes = obj.get("/A")
    candidates = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for candidate in candidates:
        if isinstance(candidate, pikepdf.Dictionary) and str(candidate.get("/Scope", "")) in SCOPES:
            return str(candidate.Scope)
    return None


def _reading_order_problems(elements: list[_Element]) -> list[Problem]:
    """In the structure tree's order, content never goes back to an earlier page."""
    last: tuple[int, _Element] | None = None
    for element in elements:
        for page, _mcid in element.mcids:
            if page is None:
                continue
            if last is not None and page < last[0]:
                return [Problem("reading-order", _where(element, element.role[1:]),
                                f"the structure tree goes back from page {last[0]} to page {page}",
                                "keep the HTML in reading order; do not move content with positioning")]
            last = (page, element)
    return []


def _content_problems(pdf: pikepdf.Pdf, root: pikepdf.Dictionary, reachable: set) -> list[Problem]:
    """Page content is either in the structure tree or an artifact: no orphaned or unmarked text.

    Running headers, footers and page numbers (the @page margin boxes) must be artifacts.
    """
    problems = []
    parent_tree = root.get("/ParentTree")
    parents = pikepdf.NumberTree(parent_tree) if isinstance(parent_tree, pikepdf.Dictionary) else {}
    for number, page in enumerate(pdf.pages, start=1):
        key = page.obj.get("/StructParents")
        entries = parents.get(int(key)) if key is not None and int(key) in parents else None
        orphaned, unmarked, depth = [], 0, 0
        for operands, operator in _instructions(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                depth += 1
                properties = operands[-1] if op == "BDC" and len(operands) > 1 else None
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    mcid = int(properties.MCID)
                    element = entries[mcid] if isinstance(entries, pikepdf.Array) and mcid < len(entries) else None
                    if not isinstance(element, pikepdf.Dictionary) or element.objgen not in reachable:
                        orphaned.append(mcid)
            elif op == "EMC":
                depth = max(0, depth - 1)
            elif op in TEXT_OPERATORS and depth == 0:
                unmarked += 1
        if orphaned:
            shown = ", ".join(map(str, orphaned[:5])) + (" ..." if len(orphaned) > 5 else "")
            problems.append(Problem("artifacts", f"page {number}", f"{len(orphaned)} tagged content item(s) "
                                    f"(MCID {shown}) are not in the structure tree: page furniture such as running "
                                    "headers, footers and page numbers must be marked as /Artifact",
                                    "write with render.finish_pdf, which marks @page margin boxes as artifacts"))
        if unmarked:
            problems.append(Problem("artifacts", f"page {number}", f"{unmarked} text operator(s) are neither tagged "
                                    "nor marked as artifacts", "render with pdf_tags=True"))
    return problems


def _instructions(page: pikepdf.Page):
    try:
        return [(i.operands, i.operator) for i in pikepdf.parse_content_stream(page)
                if not isinstance(i, pikepdf.ContentStreamInlineImage)]
    except pikepdf.PdfError:
        return []


def _bookmark_problems(pdf: pikepdf.Pdf, elements: list[_Element]) -> list[Problem]:
    """The document has bookmarks, at least one for every H1 heading."""
    outlines = pdf.Root.get("/Outlines")
    count = 0
    stack = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    seen: set = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or item.objgen in seen:
            continue
        seen.add(item.objgen)
        count += 1
        stack += [item.get("/Next"), item.get("/First")]
    top = Counter(e.role for e in elements)["/H1"]
    if count == 0:
        return [Problem("bookmarks", "document", "the PDF has no bookmarks (outline)",
                        "keep the default bookmark-level of h1-h6 in the CSS")]
    if count < top:
        return [Problem("bookmarks", "document", f"{count} bookmarks for {top} H1 headings",
                        "keep the default bookmark-level of h1-h6 in the CSS")]
    return []
