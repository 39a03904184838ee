"""Prose: markdown that names computed values, turned into safe HTML.

Markdown in a chapter, or in a case's prose file, is a Jinja template (sandboxed, every name must
exist): `{{ total_funding }}` prints a value a chapter glued, `{% if in_robek %}...{% endif %}`
chooses a sentence by the data, `{{ prose("background") }}` includes the case's
`prose/<case>/background.md`. A Jinja comment is `{## ... ##}`, since `{#fig-name}` is a label in
the markdown (`evalreport.pipeline.dialect`, which says what the markdown may hold). The result goes
through markdown and a sanitiser that keeps a safe subset of HTML (no script, no event handlers, no
javascript: URLs, no image that is not embedded).

Text from data is never markdown: each printed value becomes an opaque token before markdown runs,
and the escaped value replaces the token afterwards, so `*`, `<` or `[..](..)` in a name prints as
itself.

A standard chapter's text (`notebooks/50_sysselsetting.md`, `.nn.md`, `.en.md`) places its tables and
figures by label, each on a line of its own: `{{ exhibit("fig-employment-index") }}`. The label is the
`exhibit` of a code cell of the chapter's notebook (`# %% exhibit="fig-employment-index"`). The
exhibit's HTML goes in after markdown and the sanitiser, in place of a mark that carries a random
key of this render, which neither prose nor data can know.
"""

from __future__ import annotations

import ctypes
import difflib
import html
import re
import secrets
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
import jupytext
import nh3
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from evalreport.errors import ProseError, excerpt
from evalreport.pipeline import citations, dialect, execute, images, sourcelines

TOKEN = "\ue000{}\ue001"  # private-use characters: markdown leaves them alone
TOKEN_PATTERN = re.compile("\ue000(\\d+)\ue001")
ENCODED_TOKEN_PATTERN = re.compile("%EE%80%80(\\d+)%EE%80%81", re.IGNORECASE)  # a token in a link target

# The HTML that may reach the report: prose, and the tables and figures the package builds.
ALLOWED_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub",
                "sup", "small", "mark", "abbr", "q", "cite", "code", "pre", "blockquote", "ul", "ol", "li", "dl",
                "dt", "dd", "a", "span", "div", "figure", "figcaption", "img", "table", "caption", "colgroup", "col",
                "thead", "tbody", "tfoot", "tr", "th", "td", "section"}
# Marks only the renderer may write (dialect.attribute): kept only with the render's key.
RENDERER_ATTRIBUTES = {"data-er-source", "data-er-label", "data-er-cite", "data-er-ref"}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", *RENDERER_ATTRIBUTES},
    "div": {"role"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "span": {"data-kind"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}
# Jinja's comments are {## ... ##}: '{#' starts a label in the markdown ({#fig-kart}).
JINJA_SYNTAX = {"comment_start_string": "{##", "comment_end_string": "##}"}

EXHIBIT_LABEL = re.compile(r"(fig|tbl)-[a-z0-9]+(-[a-z0-9]+)*")  # fig-employment-index, tbl-key-figures
EXHIBIT_CALL = re.compile(r"""\bexhibit\s*\(""")
EXHIBIT_LINE = re.compile(r"""^[ \t]*\{\{-?\s*exhibit\(\s*(["'])(?P<label>[^"']*)\1\s*\)\s*-?\}\}[ \t]*$""")


def sanitise(markup: str, key: str | None = None) -> str:
    """Keep the safe subset of HTML: tags and attributes above, no scripts or handlers; images only
    embedded (`data:`). A renderer's mark (`data-er-source` ...) stays only if it carries `key`, the
    render's own, which is taken off: prose cannot write one."""
    def allowed(tag: str, attribute: str, value: str) -> str | None:
        if attribute in RENDERER_ATTRIBUTES:
            return value[len(key) + 1:] if key and value.startswith(f"{key}:") else None
        if attribute == "role":
            return value if tag == "div" and value == "note" else None
        return _only_images_from_data(tag, attribute, value)

    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=None, strip_comments=True, attribute_filter=allowed)


def _only_images_from_data(tag: str, attribute: str, value: str) -> str | None:
    # data: URLs carry the package's charts as <img>; a link to data: could carry a page of its own.
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    if tag == "img" and attribute == "src" and not value.startswith("data:image/"):
        return None
    return value


class _Values(Mapping):
    """Glued mappings, indexable by number or text (years are keys: `{{ county_by_year[2011] }}`)."""

    def __init__(self, data: dict):
        self._data = data

    def __getitem__(self, key):
        return _wrap(self._data[str(key)])

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


def _wrap(value):
    if isinstance(value, dict):
        return _Values(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class _Prose(str):
    """Rendered markdown of a prose file: printed as markdown, not as a value."""


# Prose is text with a few values in it. A template that would run for minutes or make gigabytes is
# a mistake (or an attack) and stops with its file and line: the time one piece of prose may take, the
# text an operator may make, and the text a piece of prose may come to.
PROSE_SECONDS = 10.0
PROSE_TEXT_LIMIT = 1_000_000  # characters a * or + may make, and a rendered piece of prose may have
NOT_IN_PROSE = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro, nodes.CallBlock)


class ProseTimeout(Exception):
    """Raised in the thread that renders prose when it has taken longer than PROSE_SECONDS."""


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, with the size of what an operator makes bounded: `'x' * 2000000000` is refused
    before it is made (the sandbox alone bounds only range())."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context, operator, left, right):
        if operator == "*" and isinstance(right, int) and isinstance(left, (str, list, tuple)) or \
                operator == "*" and isinstance(left, int) and isinstance(right, (str, list, tuple)):
            size, times = (len(left), right) if isinstance(right, int) else (len(right), left)
            if size * times > PROSE_TEXT_LIMIT:
                raise ProseError(f"'*' would make {size * times:,} characters or items, more than prose may "
                                 f"({PROSE_TEXT_LIMIT:,})")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise ProseError(f"'**' with an exponent of {right}: prose computes no such numbers; glue them from a "
                             "chapter")
        if operator == "+" and isinstance(left, (str, list)) and isinstance(right, (str, list)) \
                and len(left) + len(right) > PROSE_TEXT_LIMIT:
            raise ProseError(f"'+' would make more than {PROSE_TEXT_LIMIT:,} characters or items")
        return super().call_binop(context, operator, left, right)


def refuse_what_prose_may_not_do(tree, where: str, first_line: int) -> None:
    """{% include %}, {% import %}, {% extends %} and macros reach for other templates or define
    code: prose includes a case's prose file with {{ prose("name") }} and nothing else."""
    for node in tree.find_all(NOT_IN_PROSE):
        tag = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from ... import",
               nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call"}[type(node)]
        raise ProseError(f"{where}, line {first_line + node.lineno - 1}: {{% {tag} %}} is not allowed in prose; "
                         "include a case's prose file with {{ prose(\"name\") }}, and compute values in a chapter")


# HTML that markdown passes on whole to its end tag, which the sanitiser then removes with its content:
# unclosed, it takes every line after it out of the report without a word.
SWALLOWING = re.compile(r"<(script|style|textarea|pre)\b", re.IGNORECASE)


def refuse_swallowing_html(markdown: str, origins: list[tuple[str, int]]) -> None:
    """<script>, <style> and <textarea> are never kept in the report, and an unclosed <pre> hides the
    text after it: each is an error naming its file and line, instead of text that silently goes."""
    lines = markdown.split("\n")
    for number, line in enumerate(lines):
        for found in SWALLOWING.finditer(line):
            tag = found.group(1).lower()
            where = "{}, line {}".format(*origins[number]) if number < len(origins) and origins[number] else "prose"
            if tag != "pre":
                raise ProseError(f"{where}: <{tag}> is not allowed in prose (the report keeps no {tag}, and everything "
                                 f"up to </{tag}> would go with it); remove it")
            rest = "\n".join(lines[number:])[found.end():]
            if not re.search(r"</pre\s*>", rest, re.IGNORECASE):
                raise ProseError(f"{where}: <pre> is not closed, so every line after it would be one preformatted "
                                 "block; close it with </pre>, or write the text as markdown")


def run_with_deadline(render, seconds: float):
    """`render()`, stopped with ProseTimeout if it runs longer than `seconds` (a watchdog thread raises it
    in this thread; a template's loops are Python code, which it interrupts between two steps)."""
    target = threading.get_ident()
    done = threading.Event()

    def watch() -> None:
        if not done.wait(seconds):
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(ProseTimeout))

    watchdog = threading.Thread(target=watch, name="prose-deadline", daemon=True)
    watchdog.start()
    try:
        return render()
    finally:
        done.set()
        watchdog.join()


@dataclass
class ProseRenderer:
    """Renders the markdown of one report, with its glued values and its case's prose folder.

    `look` frames the prose's own figures and tables; `bibliography` and `labels`, when given, are
    what citations and cross-references are checked against (file and line of each unknown one)."""

    values: dict
    prose_dir: Path | None
    relative: object = str  # path -> how the analyst sees it
    language: str = "nb"
    look: object | None = None
    bibliography: object | None = None
    labels: set[str] | None = None
    _tokens: list[str] = field(default_factory=list)
    _including: list[str] = field(default_factory=list)
    included: set[Path] = field(default_factory=set)  # every prose file and image read: what a chapter used
    _exhibits: dict[str, str] | None = None  # label -> HTML of the chapter being rendered
    _placed: list[str] = field(default_factory=list)
    _files: list[str] = field(default_factory=list)  # the files whose lines are marked (sourcelines)
    defined: dict = field(default_factory=dict)  # labels the prose defined ({#fig-...}): label -> (file, line)

    def __post_init__(self):
        self._environment = BoundedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                               finalize=self._finalize, keep_trailing_newline=True,
                                               **JINJA_SYNTAX)
        self._environment.globals.update({"prose": self._include, "exhibit": self._exhibit})
        self._key = secrets.token_hex(16)  # the exhibits' marks: no prose or value can know it
        self._mark = re.compile(f"^[ \t]*\ue002{self._key}:(?P<label>[^\ue003]*)\ue003[ \t]*$", re.MULTILINE)

    def _exhibit(self, label: str) -> _Prose:
        if self._including:
            raise ProseError(f"exhibit({label!r}): a table or figure is placed by its chapter's text, not by a "
                             "case's prose file")
        if self._exhibits is None:
            raise ProseError(f"exhibit({label!r}): this chapter has no labelled tables or figures to place")
        if label not in self._exhibits:
            known = ", ".join(sorted(self._exhibits)) or "none"
            raise ProseError(f"exhibit({label!r}): the chapter's notebook has no cell with that label "
                             f"(its labels: {known})")
        if label in self._placed:
            raise ProseError(f"exhibit({label!r}): placed twice; each table or figure has one place")
        self._placed.append(label)
        return _Prose(f"\ue002{self._key}:{label}\ue003")

    def _finalize(self, value):
        if isinstance(value, _Prose):
            return value
        if isinstance(value, str):
            self._tokens.append(sourcelines.remove(value))
            return TOKEN.format(len(self._tokens) - 1)
        raise ProseError(f"a value printed into the text is not text but {type(value).__name__} "
                         f"({excerpt(value)}); glue it formatted (for example with fmt.number) to print it")

    def _include(self, name: str) -> _Prose:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", str(name)):
            raise ProseError(f"prose({name!r}): a prose file is named by letters, digits, '_' and '-'")
        if self.prose_dir is None:
            raise ProseError(f"prose({name!r}): this report has no prose folder")
        path = self.prose_dir / f"{name}.md"
        if not path.is_file():
            raise ProseError(f"{self.relative(path)}: missing; write the case's text for this section there "
                             "('make new-case' writes every prose file a case needs)")
        if str(path) in self._including:
            raise ProseError(f"{self.relative(path)}: includes itself")
        self._including.append(str(path))
        self.included.add(path)
        try:
            return _Prose(self._render(path.read_text(encoding="utf-8"), self.relative(path), 1))
        finally:
            self._including.pop()

    def _file_number(self, label: str) -> int:
        if label not in self._files:
            self._files.append(label)
        return self._files.index(label)

    def _render(self, source: str, where: str, first_line: int) -> str:
        """Jinja over one piece of markdown; every error names the file and the line. Each line of the
        output keeps a mark of its file and line (sourcelines), which `_strip` takes off."""
        try:
            marked = sourcelines.mark(source, self._file_number(where), first_line)
            refuse_what_prose_may_not_do(self._environment.parse(marked), where, first_line)
            template = self._environment.from_string(marked)
            values = {k: _wrap(v) for k, v in self.values.items()}
            rendered = run_with_deadline(lambda: template.render(**values), PROSE_SECONDS)
            if len(rendered) > PROSE_TEXT_LIMIT * 2:
                raise _Located(f"{where}: the text comes to {len(rendered):,} characters, more than a report's "
                               "prose can be; look for a loop that writes more than it should")
            return rendered
        except _Located:
            raise
        except ProseTimeout as exc:
            raise _Located(f"{_line(exc, where, first_line)}: the text took more than {PROSE_SECONDS:.0f} seconds to fill in, which text "
                           "never should; look for a loop over a large range in it") from None
        except (OverflowError, MemoryError) as exc:
            raise _Located(f"{_line(exc, where, first_line)}: {exc}; prose computes no such values, glue them from a chapter") from None
        except jinja2.TemplateSyntaxError as exc:
            raise _Located(f"{where}, line {first_line + exc.lineno - 1}: {exc.message}") from None
        except jinja2.UndefinedError as exc:
            name = re.search(r"'([^']+)' is undefined", str(exc))
            what = f"unknown name '{name.group(1)}'{_near(name.group(1), self.values)}" if name else str(exc)
            raise _Located(f"{_line(exc, where, first_line)}: {what}") from None
        except (ProseError, jinja2.TemplateError) as exc:
            raise _Located(f"{_line(exc, where, first_line)}: {exc}") from None

    def markdown_to_html(self, source: str, where: str, first_line: int = 1) -> str:
        """One markdown cell or file as safe HTML, values in place."""
        markdown, origins = sourcelines.strip(self._render(source, where, first_line), self._files)
        refuse_swallowing_html(markdown, origins)
        return self._to_html(markdown, origins)

    def _to_html(self, markdown: str, origins: list[tuple[str, int]]) -> str:
        options = dialect.Options(key=self._key, language=self.language, look=self.look, prose_dir=self.prose_dir,
                                  bibliography=self.bibliography, labels=self.labels, relative=self.relative)
        markup, found = dialect.render_markdown(markdown, origins, options)
        self.included.update(found.images)
        self.defined.update(found.labels)

        def value(match: re.Match) -> str:
            return html.escape(self._tokens[int(match.group(1))], quote=True)

        markup = ENCODED_TOKEN_PATTERN.sub(value, TOKEN_PATTERN.sub(value, markup))
        # Sanitised last, with the values in place: a value can then never make a javascript: link either.
        return sanitise(markup, self._key)

    def chapter_to_html(self, source: str, where: str, exhibits: dict[str, str]) -> list[str]:
        """A chapter's text (a whole file) as safe HTML with its exhibits in place: the parts in order, the
        text between two exhibits rendered as markdown on its own. `exhibits` maps each label to its HTML,
        which goes in as it is. Every label must be placed in the text (an unknown one, or one placed
        twice, stops the render with the file and line)."""
        problems = [f"{where}, line {line}: {problem}" for line, problem in exhibit_calls(source, exhibits)[1]]
        unused = sorted(set(exhibits) - set(exhibit_calls(source, exhibits)[0]))
        problems += [f"{where}: never places the {_kind(label)} '{label}' of its notebook; put "
                     f'{{{{ exhibit("{label}") }}}} on a line of its own where it belongs' for label in unused]
        if problems:
            raise ProseError("\n".join(problems))
        self._exhibits, self._placed = exhibits, []
        try:
            rendered = self._render(source, where, 1)
        finally:
            self._exhibits = None
        # The whole text is one markdown document (a footnote's text may come after the exhibit that
        # follows its mark); each exhibit's mark is a paragraph of its own, which its HTML replaces.
        text, origins = sourcelines.strip(rendered, self._files)
        lines, kept = [], []
        for line, origin in zip(text.split("\n"), origins):
            if self._mark.fullmatch(line):
                lines += ["", line.strip(), ""]
                kept += [origin] * 3
            else:
                lines.append(line)
                kept.append(origin)
        markup = self._to_html("\n".join(lines), kept)
        pieces = re.split(f"<p[^>]*>\ue002{self._key}:([^\ue003<]*)\ue003</p>\n?", markup)
        parts = []
        for position, piece in enumerate(pieces):
            if position % 2:
                parts.append(_computed(exhibits[piece], piece))
            elif f"\ue002{self._key}:" in piece:
                raise ProseError(f"{where}: an exhibit(...) must stand on a line of its own")
            else:
                parts.append(piece)
        return parts


def _computed(markup: str, label: str) -> str:
    """A table or figure a chapter's code made, marked with its label and as computed (the source map:
    `data-er-source="computed:<label>"`); output that is not a figure is wrapped in a block to carry it."""
    marks = f'data-er-label="{label}" data-er-source="computed:{label}"'
    if re.match(r"\s*<figure\b", markup):
        return re.sub(r"^(\s*)<figure\b", lambda m: f"{m.group(1)}<figure {marks}", markup, count=1)
    return f"<div {marks}>{markup}</div>"


def _near(name: str, values: dict) -> str:
    """Names like a mistyped one, for the message; the whole list is in the sidecar, not here."""
    close = difflib.get_close_matches(name, list(values), n=4, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return hint + (" (every name with its value is listed under 'values' in build/<report>.json after a build "
                   "that got this far)")


def _kind(label: str) -> str:
    return "figure" if label.startswith("fig-") else "table"


def exhibit_calls(source: str, labels) -> tuple[list[str], list[tuple[int, str]]]:
    """The labels a chapter's text places with {{ exhibit("...") }}, in order, and its mistakes as (line,
    what): a call not on a line of its own, a label not written as fig-... or tbl-..., one that is not
    among `labels` (the notebook's), one placed twice."""
    placed, problems = [], []
    for number, line in enumerate(source.splitlines(), start=1):
        if not EXHIBIT_CALL.search(line):
            continue
        match = EXHIBIT_LINE.match(line)
        if not match:
            problems.append((number, 'write {{ exhibit("label") }} on a line of its own, the label in quotes'))
            continue
        label = match.group("label")
        if not EXHIBIT_LABEL.fullmatch(label):
            problems.append((number, f"exhibit label '{label}': write fig-... for a figure or tbl-... for a table "
                                     "(small letters, digits and '-')"))
        elif label not in labels:
            problems.append((number, f"exhibit('{label}'): the chapter's notebook has no cell with that label "
                                     f"(its labels: {', '.join(sorted(labels)) or 'none'})"))
        elif label in placed:
            problems.append((number, f"exhibit('{label}'): placed twice; each table or figure has one place"))
        else:
            placed.append(label)
    return placed, problems


class _Located(ProseError):
    """A prose error that already names its file and line."""


def _line(exc: Exception, where: str, first_line: int) -> str:
    """'file, line N' from the template frame of a Jinja error (Jinja keeps template lines in the traceback)."""
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return f"{where}, line {first_line + lines[-1] - 1}" if lines else where


@lru_cache(maxsize=64)
def markdown_cell_lines(path: Path, mtime_ns: int) -> list[int]:
    """The line in a jupytext percent file where each cell's text starts (the line after `# %%`),
    by cell position, so that a message names the line the analyst edits."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i + 2 for i, line in enumerate(lines) if line.startswith("# %%")]


DECLARED_LABEL = re.compile(r"\{[^{}\n]*?#((?:fig|tbl|sec)-[a-z0-9]+(?:-[a-z0-9]+)*)")


def declared_labels(chapters, prose_dir: Path | None, language: str) -> set[str]:
    """Every label the report's text can refer to, read from the files as they are written: the labels
    of the chapters' tables and figures (`exhibit=` in their notebooks) and those the text gives its
    own images, tables and headings ({#fig-...}, {#tbl-...}, {#sec-...})."""
    labels, texts = set(), []
    for chapter in chapters:
        if chapter.is_notebook:
            for cell in execute.read_chapter(chapter.path).cells:
                if cell.cell_type == "code" and isinstance(cell.metadata.get("exhibit"), str):
                    labels.add(cell.metadata["exhibit"])
                elif cell.cell_type == "markdown":
                    texts.append(cell.source)
            text = chapter.text_file(language)
            if text is not None:
                texts.append(text.read_text(encoding="utf-8"))
        else:
            texts.append(chapter.path.read_text(encoding="utf-8"))
    if prose_dir is not None and prose_dir.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(prose_dir.glob("*.md"))]
    for text in texts:
        labels.update(DECLARED_LABEL.findall(text))
    return labels


def check_markup(chapters, prose_dir: Path | None, language: str, relative=str) -> None:
    """Before any kernel runs (`make check`): every piece of prose the report will set is valid Jinja,
    every prose file it includes exists, a chapter's text places exactly the tables and figures its
    notebook labels, and its markdown holds together: every image is there and fit to embed, every
    footnote, citation and cross-reference names something that exists, every label is used once
    (`dialect.scan`). The names it prints are checked when the chapters have computed them, in the
    build. Raises ProseError listing every problem, each with its file and line."""
    environment = SandboxedEnvironment(**JINJA_SYNTAX)
    problems, sources = [], []
    for chapter in chapters:
        label = relative(chapter.path)
        text = chapter.text_file(language) if chapter.is_notebook else None
        if chapter.is_notebook:
            notebook = jupytext.read(chapter.path)
            lines = markdown_cell_lines(chapter.path, chapter.path.stat().st_mtime_ns)
            labels = []
            for position, cell in enumerate(notebook.cells):
                tags = cell.metadata.get("tags", [])
                line = lines[position] if position < len(lines) else 1
                if any(t.startswith("lang-") for t in tags):
                    problems.append(f"{label}, line {line}: a cell tagged {', '.join(tags)}: a chapter's text in "
                                    "each language is a file of its own beside it (NN_name.md, NN_name.nn.md, "
                                    "NN_name.en.md); a case's chapter is written in its report's language")
                if cell.cell_type == "code" and "exhibit" in cell.metadata:
                    labels.append(cell.metadata["exhibit"])
                if cell.cell_type == "markdown" and "remove-cell" not in tags:
                    if text is not None:
                        problems.append(f"{label}, line {line}: this chapter's text is in {relative(text)}; write "
                                        "it there, not in a cell")
                    sources.append((cell.source, label, line))
            if text is not None:
                source = text.read_text(encoding="utf-8")
                placed, mistakes = exhibit_calls(source, labels)
                problems += [f"{relative(text)}, line {line}: {what}" for line, what in mistakes]
                problems += [f"{relative(text)}: never places '{name}' of {label}; put {{{{ exhibit(\"{name}\") }}}} "
                             "on a line of its own where it belongs" for name in labels if name not in placed]
                sources.append((source, relative(text), 1))
            elif labels:
                problems.append(f"{label}: cells labelled {', '.join(map(str, labels))} but no text to place them "
                                f"({chapter.path.with_suffix('.md').name})")
        else:
            sources.append((chapter.path.read_text(encoding="utf-8"), label, 1))
    if prose_dir is not None and prose_dir.is_dir():
        sources += [(p.read_text(encoding="utf-8"), relative(p), 1) for p in sorted(prose_dir.glob("*.md"))
                    if not re.match(r"\d+_", p.name)]
    try:
        bibliography = citations.load(prose_dir, relative)
    except ProseError as exc:
        problems += str(exc).splitlines()
        bibliography = None
    known = declared_labels(chapters, prose_dir, language)
    defined: dict[str, tuple[str, int]] = {}
    used: set[Path] = set()
    for source, label, first_line in sources:
        try:
            tree = environment.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(f"{label}, line {first_line + exc.lineno - 1}: {exc.message}")
            continue
        for check in (lambda: refuse_what_prose_may_not_do(tree, label, first_line),
                      lambda: refuse_swallowing_html(source, [(label, first_line + n)
                                                              for n in range(source.count("\n") + 1)])):
            try:
                check()
            except ProseError as exc:
                problems.append(str(exc))
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "prose" and call.args \
                    and isinstance(call.args[0], nodes.Const):
                name = str(call.args[0].value)
                if prose_dir is None or not (prose_dir / f"{name}.md").is_file():
                    where = relative(prose_dir / f"{name}.md") if prose_dir is not None else f"{name}.md"
                    problems.append(f"{label}, line {first_line + call.lineno - 1}: {where} is missing; write the "
                                    "case's text for this section there")
        meta.find_undeclared_variables(tree)  # parses every expression: a malformed one raised above
        options = dialect.Options(key=secrets.token_hex(8), language=language, prose_dir=prose_dir,
                                  bibliography=bibliography, labels=known, relative=relative)
        found = dialect.scan(source, label, first_line, options)
        problems += found.problems
        used.update(found.images)
        for name, where in found.labels.items():
            if name in defined and defined[name] != where:
                problems.append(f"{where[0]}, line {where[1]}: the label '{name}' is used already "
                                f"({defined[name][0]}, line {defined[name][1]}); give each its own")
            defined.setdefault(name, where)
    problem = images.total_problem(used, relative)
    if problem:
        problems.append(problem)
    if problems:
        raise ProseError("\n".join(dict.fromkeys(problems)))
