"""The markdown the report's text is written in, and how it becomes the report's HTML.

CommonMark (markdown-it-py) with:

- pipe tables; a paragraph `: Caption {#tbl-name source="..."}` right before or after one makes it a
  numbered table with its caption and (optional) source line;
- images `![Caption](file.png){#fig-name source="Foto: Ola Nordmann" fig-alt="..."}` standing in a
  paragraph of their own: a numbered figure with its caption and source line (see `images`), the
  caption the alternative text unless `fig-alt` gives a fuller one;
- footnotes `[^1]` with `[^1]: text` anywhere in the same file;
- citations `[@key]`, `[@key, s. 12]`, `[@a; @b]`, and `@key` in running text (see `citations`);
- cross-references `@fig-name`, `@tbl-name`, `@sec-name` (a heading `# Title {#sec-name}`), written
  as «figur 3», «tabell 5», «kapittel 4», «avsnitt 4.2», capitalised at the start of a sentence;
- callouts `::: {.callout-note}` / `::: {.callout-warning title="..."}` ... `:::`;
- subscript `H~2~O` and superscript `m^2^`; strikethrough `~~text~~`.

A number (figure 3, note 2, the citation's text) is not known while one chapter is rendered: figures,
tables, cross-references and citations leave marks (`data-er-*` attributes) that
`evalreport.pipeline.document` fills in when the whole report is composed.

Every block from a text file carries its origin, `data-er-source="<file>:<line>"` (the contract is in
`evalreport.pipeline.render`). The renderer writes these attributes with a key of its own render,
which the sanitiser requires (`prose.sanitise`): a `data-er-*` attribute written in prose is dropped.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from evalreport import words
from evalreport.errors import ProseError
from evalreport.pipeline import citations, images

LABEL = re.compile(r"(fig|tbl|sec)-[a-z0-9]+(?:-[a-z0-9]+)*")
XREF_PREFIXES = ("fig-", "tbl-", "sec-")
CALLOUT_KINDS = ("note", "warning")
ATTRIBUTE_BLOCK = re.compile(r"\s*\{(?P<body>[^{}]*)\}\s*$")
ATTRIBUTE = re.compile(r"""\s*(?:(?P<id>\#[^\s}]+)|(?P<cls>\.[^\s}]+)|(?P<dash>-)(?=\s|$)|"""
                       r"""(?P<key>[A-Za-z][\w-]*)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+)))""")
# A bracketed citation, a bare @key (not inside a word or an e-mail address), an unresolved [^note].
REFERENCES = re.compile(r"\[(?P<bracket>-?@[^\[\]]*)\]"
                        rf"|(?<![\w@\\\ue000-\ue003])@(?P<bare>{citations.KEY})"
                        r"|\[\^(?P<note>[^\]\s]+)\]")
SENTENCE_END = re.compile(r"(?:^|[.!?][»”\"')\]]*)\s*$")
SOURCE_KIND = re.compile(r"^[A-ZÆØÅa-zæøå][\wæøåÆØÅ-]*(?: [\wæøåÆØÅ-]+)?:\s")  # Foto: ..., Kart: ..., Kilde: ...
SOURCE_ATTRIBUTE = "data-er-source"


@dataclass
class Options:
    """What a render needs beyond the text: where images and sources come from, what is known."""

    key: str  # the render's key for data-er-* attributes
    language: str
    look: object | None = None  # evalreport.exhibits.Look: the exhibit frame's template
    prose_dir: Path | None = None
    bibliography: object = None  # citations.Bibliography, or a function that reads it; None: not checked
    labels: set[str] | None = None  # every label the report knows; None: cross-references are not checked
    relative: object = str


@dataclass
class Found:
    """What a render (or a check) met: labels defined, images used, citations."""

    labels: dict[str, tuple[str, int]] = field(default_factory=dict)  # label -> (file, line)
    images: list[Path] = field(default_factory=list)
    citations: list[tuple[citations.Citation, tuple[str, int]]] = field(default_factory=list)
    xrefs: list[tuple[str, tuple[str, int]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def attribute(options: Options, name: str, value: str) -> str:
    """An attribute only the renderer can write: `name="<key>:value"` (the sanitiser checks the key)."""
    return f'{name}="{html.escape(f"{options.key}:{value}", quote=True)}"'


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(attrs_plugin).use(sub_plugin).use(superscript_plugin)
    md.use(container_plugin, name="callout", validate=lambda params, *_: callout_kind(params) is not None,
           render=_render_callout)
    md.core.ruler.before("text_join", "er_references", _references_rule)
    return md


def callout_kind(params: str) -> tuple[str, str | None] | None:
    """`{.callout-note title="..."}` -> ('note', title); None for anything else."""
    match = re.fullmatch(r"\s*\{(?P<body>[^{}]*)\}\s*", params)
    if not match:
        return None
    parsed = parse_attributes(match.group("body"))
    if parsed is None:
        return None
    kinds = [c.removeprefix("callout-") for c in parsed["classes"] if c.startswith("callout-")]
    if len(kinds) != 1 or kinds[0] not in CALLOUT_KINDS or parsed["id"] or set(parsed["values"]) - {"title"}:
        return None
    return kinds[0], parsed["values"].get("title")


def parse_attributes(body: str) -> dict | None:
    """`#id .class key="value" -` as {'id', 'classes', 'values', 'unnumbered'}; None if not of that form."""
    result = {"id": None, "classes": [], "values": {}, "unnumbered": False}
    position, body = 0, body.strip()
    while position < len(body):
        match = ATTRIBUTE.match(body, position)
        if not match or match.end() == position:
            return None
        if match.group("id"):
            result["id"] = match.group("id")[1:]
        elif match.group("cls"):
            name = match.group("cls")[1:]
            if name == "unnumbered":
                result["unnumbered"] = True
            else:
                result["classes"].append(name)
        elif match.group("dash"):
            result["unnumbered"] = True
        else:
            value = next(v for v in (match.group("dq"), match.group("sq"), match.group("bare")) if v is not None)
            result["values"][match.group("key")] = value
        position = match.end()
    return result


# --- inline: citations, cross-references, unresolved footnotes ------------------------------------

def _references_rule(state) -> None:
    """Replace citations and cross-references in the text with marks; note unresolved [^notes]."""
    env = state.env
    options, found, sources = env.get("er_options"), env.get("er_found"), env.get("er_sources")
    if options is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        first_line = block.map[0] if block.map else env.get("er_line", 0)
        children, before, breaks = [], "", 0
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
                before += " "
                children.append(child)
                continue
            if child.type != "text":
                before += child.content
                children.append(child)
                continue
            pieces = _split_references(child.content, before, options, found,
                                        lambda offset, c=child.content, b=breaks: _where(
                                            sources, first_line + b + c.count("\n", 0, offset)))
            children += pieces
            before += child.content
        block.children = children


def _where(sources, line: int) -> tuple[str, int]:
    if not sources:
        return ("", line + 1)
    return sources[min(max(line, 0), len(sources) - 1)]


def _split_references(text: str, before: str, options: Options, found: Found, where) -> list[Token]:
    pieces, position = [], 0
    for match in REFERENCES.finditer(text):
        origin = where(match.start())
        located = f"{origin[0]}, line {origin[1]}"
        if match.group("note") is not None:
            found.problems.append(f"{located}: there is no footnote [^{match.group('note')}]; write its text on a "
                                  f"line of its own, [^{match.group('note')}]: ..., in the same file")
            continue
        markup = None
        if match.group("bracket") is not None:
            markup = _bracketed(match.group("bracket"), options, found, origin, located)
        else:
            key = match.group("bare").rstrip(".:,;?!/")
            end = match.start("bare") + len(key)
            if key.startswith(XREF_PREFIXES):
                markup = _xref(key, before + text[:match.start()], options, found, origin, located)
            else:
                markup = _cite(citations.Citation((citations.Item(key.lower()),), "text"), options, found, origin,
                               located)
            if markup is not None:
                pieces += _text_token(text[position:match.start()])
                pieces.append(_html_token(markup))
                position = end
            continue
        if markup is not None:
            pieces += _text_token(text[position:match.start()])
            pieces.append(_html_token(markup))
            position = match.end()
    pieces += _text_token(text[position:])
    return pieces


def _bracketed(body: str, options: Options, found: Found, origin, located: str) -> str | None:
    keys = re.findall(r"@([^\s,;\]]+)", body)
    if keys and all(k.startswith(XREF_PREFIXES) for k in keys):
        found.problems.append(f"{located}: write a cross-reference without brackets: {' '.join('@' + k for k in keys)}")
        return None
    if body.startswith("-"):
        found.problems.append(f"{located}: [{body}]: write [@key] or @key in the text; '-@' is not supported")
        return None
    citation, problem = citations.parse_group(body)
    if problem:
        found.problems.append(f"{located}: {problem}")
        return None
    return _cite(citation, options, found, origin, located)


def _cite(citation: citations.Citation, options: Options, found: Found, origin, located: str) -> str | None:
    sources = options.bibliography() if callable(options.bibliography) else options.bibliography
    if sources is not None:
        unknown = [i.key for i in citation.items if i.key not in sources]
        if unknown:
            files = " or ".join(sources.files[1:]) or "prose/<case>/references.bib (or references.json)"
            found.problems.append(f"{located}: no source with the key {', '.join(unknown)}; add it to {files} "
                                  f"(known keys: {', '.join(sources.keys) or 'none'})")
            return None
    found.citations.append((citation, origin))
    return f'<span class="er-cite" {attribute(options, "data-er-cite", citation.as_json())}></span>'


def _xref(label: str, before: str, options: Options, found: Found, origin, located: str) -> str | None:
    if not LABEL.fullmatch(label):
        found.problems.append(f"{located}: '@{label}' is not a label: write @fig-name, @tbl-name or @sec-name "
                              "(small letters, digits and '-')")
        return None
    if options.labels is not None and label not in options.labels:
        known = sorted(l for l in options.labels if l.startswith(label[:4]))
        found.problems.append(f"{located}: no figure, table or section is labelled '{label}'"
                              f"{_near(label, known)}")
        return None
    found.xrefs.append((label, origin))
    case = "upper" if SENTENCE_END.search(before) else "lower"
    return f'<a class="er-xref" {attribute(options, "data-er-ref", f"{label}:{case}")}></a>'


def _near(label: str, known: list[str]) -> str:
    close = difflib.get_close_matches(label, known, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else f" (labels of this kind: {', '.join(known) or 'none'})"


def _text_token(text: str) -> list[Token]:
    if not text:
        return []
    token = Token("text", "", 0)
    token.content = text
    return [token]


def _html_token(markup: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = markup
    return token


# --- blocks ----------------------------------------------------------------------------------------

def _origin(token: Token, sources) -> tuple[str, int]:
    return _where(sources, token.map[0] if token.map else 0)


def _located(origin: tuple[str, int]) -> str:
    return f"{origin[0]}, line {origin[1]}"


def _source_value(origin: tuple[str, int]) -> str:
    return f"{origin[0]}:{origin[1]}"


def _footnotes(tokens: list[Token], env: dict, md, options: Options, found: Found, sources) -> list[Token]:
    """Each footnote's text goes where it is referred to, as <span class="er-footnote">: a footnote at
    the foot of the page in the PDF, a note at the end of the chapter in the HTML twin."""
    data = env.get("footnotes", {})
    bodies, kept, inside, current, origin = {}, [], False, None, None
    for token in tokens:
        if token.type == "footnote_block_open":
            inside = True
        elif token.type == "footnote_block_close":
            inside = False
        elif inside and token.type == "footnote_open":
            current, origin = token.meta["id"], None
            bodies[current] = []
        elif inside and token.type == "paragraph_open" and origin is None:
            origin = _origin(token, sources)
            bodies[current].append(("origin", origin))
        elif inside and token.type == "inline":
            children = [c for c in token.children or [] if c.type != "footnote_anchor"]
            bodies[current].append(("inline", children))
        elif not inside:
            kept.append(token)
    rendered = {}
    for note, parts in bodies.items():
        origin = next((value for kind, value in parts if kind == "origin"), ("", 0))
        inline = [value for kind, value in parts if kind == "inline"]
        if any(c.type == "footnote_ref" for children in inline for c in children):
            found.problems.append(f"{_located(origin)}: a footnote inside a footnote; write it into the note's text")
        text = "<br>".join(md.renderer.renderInline(children, md.options, env) for children in inline)
        rendered[note] = (f'<span class="er-footnote" {attribute(options, SOURCE_ATTRIBUTE, _source_value(origin))}>'
                          f"{text}</span>")
    for label, note in data.get("refs", {}).items():
        if note == -1:
            line = _definition_line(label[1:], sources, env)
            found.problems.append(f"{line}: the footnote [^{label[1:]}] is never referred to; put [^{label[1:]}] in "
                                  "the text where it belongs, or remove it")
    for token in kept:
        if token.type != "inline" or not token.children:
            continue
        children = []
        for child in token.children:
            if child.type == "footnote_ref":
                note = child.meta["id"]
                origin = _origin(token, sources)
                if child.meta.get("subId", 0) > 0:
                    found.problems.append(f"{_located(origin)}: the footnote [^{child.meta['label']}] is referred to "
                                          "twice; a footnote belongs to one place (write a second note)")
                    continue
                children.append(_html_token(rendered.get(note, "")))
            else:
                children.append(child)
        token.children = children
    for position, token in enumerate(kept):
        if token.type == "heading_open" and position + 1 < len(kept) and \
                'class="er-footnote"' in "".join(c.content for c in kept[position + 1].children or []):
            found.problems.append(f"{_located(_origin(token, sources))}: a footnote in a heading; put it in the text "
                                  "below the heading")
    return kept


def _definition_line(label: str, sources, env) -> str:
    """'file, line N' of the definition `[^label]:` (markdown-it does not keep where it was)."""
    text = env.get("er_markdown", "")
    for number, line in enumerate(text.splitlines()):
        if line.lstrip().startswith(f"[^{label}]:"):
            return _located(_where(sources, number))
    return _located(_where(sources, 0))


def _blocks(tokens: list[Token], md, env, options: Options, found: Found, sources) -> list[Token]:
    """Figures from images, table captions, headings' labels, table cells, and every block's source."""
    result: list[Token] = []
    skip, feet = set(), {}  # feet: the end of each captioned table's frame, by its caption
    for position, token in enumerate(tokens):
        if position in skip:
            continue
        origin = _origin(token, sources) if token.map else None
        if token.type == "paragraph_open" and position + 2 < len(tokens):
            inline = tokens[position + 1]
            content = inline.content.strip()
            if _is_caption(content):
                table = _adjacent_table(tokens, position)
                if table is None:
                    found.problems.append(f"{_located(origin)}: a table caption (': ...') without a table right before "
                                          "or after it")
                else:
                    skip.update({position + 1, position + 2})
                    continue  # handled with its table
            image = _lone_image(inline)
            if image is not None:
                result.append(_figure(image, origin, md, env, options, found))
                skip.update({position + 1, position + 2})
                continue
            if any(c.type == "image" for c in inline.children or []):
                found.problems.append(f"{_located(origin)}: an image stands in a paragraph of its own, with a blank "
                                      "line before and after it (it becomes a numbered figure)")
            if content.startswith(":::"):
                found.problems.append(f"{_located(origin)}: '{content.splitlines()[0][:60]}' is not a callout: write "
                                      '::: {.callout-note} or ::: {.callout-warning title="..."}, and ::: on a line '
                                      "of its own to end it")
        if token.type == "table_open":
            caption = _caption_of(tokens, position)
            if caption is not None:
                head, feet[id(caption)] = _table_frame(caption, md, env, options, found, sources)
                result.append(head)
        if token.type == "heading_open":
            _heading(token, tokens[position + 1], options, found, origin)
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", "")
            token.attrs["class"] = "num" if "right" in str(style) else "text"
            if token.type == "th_open":
                token.attrs["scope"] = "col"
        if token.map and token.type in ("paragraph_open", "heading_open", "list_item_open", "blockquote_open",
                                        "table_open", "tr_open", "container_callout_open"):
            token.attrs[SOURCE_ATTRIBUTE] = f"{options.key}:{_source_value(origin)}"
        result.append(token)
        if token.type == "table_close":
            caption = _caption_of(tokens, _table_start(tokens, position))
            if caption is not None:
                result.append(_html_block(feet.pop(id(caption))))
    return result


def _is_caption(content: str) -> bool:
    return content.startswith(": ") or content == ":"


def _adjacent_table(tokens: list[Token], position: int) -> int | None:
    """The table a caption paragraph at `position` belongs to: the one right after or right before it."""
    after = position + 3
    if after < len(tokens) and tokens[after].type == "table_open":
        return after
    if position > 0 and tokens[position - 1].type == "table_close":
        return _table_start(tokens, position - 1)
    return None


def _table_start(tokens: list[Token], close: int) -> int:
    depth = 0
    for position in range(close, -1, -1):
        if tokens[position].type == "table_close":
            depth += 1
        elif tokens[position].type == "table_open":
            depth -= 1
            if depth == 0:
                return position
    return close


def _caption_of(tokens: list[Token], table: int) -> Token | None:
    """The caption paragraph's inline token of the table opening at `table`, if it has one."""
    if table >= 3 and tokens[table - 1].type == "paragraph_close" and _is_caption(tokens[table - 2].content.strip()):
        return tokens[table - 2]
    depth, close = 0, None
    for position in range(table, len(tokens)):
        if tokens[position].type == "table_open":
            depth += 1
        elif tokens[position].type == "table_close":
            depth -= 1
            if depth == 0:
                close = position
                break
    if close is not None and close + 3 < len(tokens) and tokens[close + 1].type == "paragraph_open" and \
            _is_caption(tokens[close + 2].content.strip()):
        return tokens[close + 2]
    return None


def _table_frame(inline: Token, md, env, options: Options, found: Found, sources) -> tuple[Token, str]:
    """The frame of a table with a caption paragraph (`inline`): what goes before it (a token) and after it."""
    origin = _where(sources, inline.map[0] if inline.map else 0)
    children = list(inline.children or [])
    attributes = _trailing_attributes(children)
    if attributes is None:
        found.problems.append(f"{_located(origin)}: the table caption's {{...}} is not understood: write "
                              '{#tbl-name source="..."}')
        attributes = {"id": None, "classes": [], "values": {}, "unnumbered": False}
    if children and children[0].type == "text":
        children[0] = _copy_text(children[0], children[0].content.lstrip()[1:].lstrip())
    caption = md.renderer.renderInline(children, md.options, env).strip()
    label = attributes["id"]
    _check_label(label, "tbl-", origin, found, "a table")
    unknown = sorted(set(attributes["values"]) - {"source"}) + attributes["classes"]
    if unknown:
        found.problems.append(f"{_located(origin)}: the table caption has {', '.join(unknown)}, which evalreport does not "
                              'use: write {#tbl-name source="..."}')
    if not caption:
        found.problems.append(f"{_located(origin)}: the table caption is empty: write ': What the table shows'")
    source = attributes["values"].get("source", "").strip()
    head, foot = _frame(options, "table", caption, source)
    marks = [attribute(options, SOURCE_ATTRIBUTE, _source_value(origin))]
    if label:
        marks.append(attribute(options, "data-er-label", label))
    return _html_block(_with_attributes(head, marks)), foot


def _frame(options: Options, kind: str, caption: str, source: str, body: str = "\ue010") -> tuple[str, str]:
    """The exhibit frame (exhibits/exhibit.html.j2) around `body`, as (before, after) the body."""
    label, text = _source_line(source, options.language)
    if options.look is None:  # a check (scan): the frame's markup does not matter
        return f'<figure class="er-exhibit er-{kind}"><figcaption>{caption}</figcaption>', "</figure>"
    markup = options.look.html("exhibits/exhibit.html.j2", kind=kind, caption=Markup(caption), body=Markup(body),
                               source=text, source_label=label, note="", long=False)
    before, _, after = markup.partition(body)
    return before, after


def _source_line(source: str, language: str) -> tuple[str, str]:
    """('Kilde', 'SSB') for source="SSB"; ('', 'Foto: Ola Nordmann') for a source that names its kind."""
    if not source:
        return "", ""
    if SOURCE_KIND.match(source):
        return "", source
    return words.text(language, "document.source"), source


def _with_attributes(markup: str, attributes: list[str]) -> str:
    return re.sub(r"^<figure ", "<figure " + " ".join(attributes) + " ", markup, count=1)


def _html_block(markup: str) -> Token:
    token = Token("html_block", "", 0)
    token.content = markup
    return token


def _copy_text(token: Token, content: str) -> Token:
    copy = Token("text", "", 0)
    copy.content = content
    return copy


def _trailing_attributes(children: list[Token]) -> dict | None:
    """Take a trailing {...} off the last text child; its attributes (empty if there was none)."""
    empty = {"id": None, "classes": [], "values": {}, "unnumbered": False}
    if not children or children[-1].type != "text":
        return empty
    match = ATTRIBUTE_BLOCK.search(children[-1].content)
    if not match:
        return empty
    children[-1] = _copy_text(children[-1], children[-1].content[:match.start()])
    return parse_attributes(match.group("body"))


def _check_label(label: str | None, prefix: str, origin, found: Found, what: str) -> None:
    if label is None:
        return
    if not (label.startswith(prefix) and LABEL.fullmatch(label)):
        found.problems.append(f"{_located(origin)}: the label '{label}' of {what} is written {prefix}name (small "
                              "letters, digits and '-')")
        return
    if label in found.labels:
        first = found.labels[label]
        found.problems.append(f"{_located(origin)}: the label '{label}' is used already ({_located(first)}); give "
                              "each its own")
        return
    found.labels[label] = origin


def _lone_image(inline: Token) -> Token | None:
    children = [c for c in inline.children or [] if not (c.type in ("softbreak", "text") and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    return None


IMAGE_ATTRIBUTES = {"src", "alt", "id", "source", "fig-alt", "title"}


def _figure(image: Token, origin, md, env, options: Options, found: Found) -> Token:
    located = _located(origin)
    attrs = dict(image.attrs)
    target = str(attrs.get("src", ""))
    caption = md.renderer.renderInline(image.children or [], md.options, env).strip()
    plain = md.renderer.renderInlineAsText(image.children or [], md.options, env).strip()
    alt = str(attrs["fig-alt"]).strip() if "fig-alt" in attrs else plain
    label = attrs.get("id")
    label = str(label) if label is not None else None
    _check_label(label, "fig-", origin, found, "an image")
    unknown = sorted(set(attrs) - IMAGE_ATTRIBUTES) + [c for c in str(attrs.get("class", "")).split() if c]
    if unknown:
        found.problems.append(f"{located}: the image has {', '.join(unknown)}, which evalreport does not use: write "
                              '{#fig-name source="..." fig-alt="..."}')
    if not plain:
        found.problems.append(f"{located}: the image {target} has no text: write ![what it shows]({target}) (the "
                              "caption, read aloud to those who cannot see it)")
    elif not alt:
        found.problems.append(f"{located}: the image {target} has an empty fig-alt; describe what it shows, or leave "
                              "fig-alt out to use the caption")
    source = str(attrs.get("source", "")).strip()
    if not source:
        found.problems.append(f'{located}: say where the image {target} comes from: {{source="Foto: Ola Nordmann"}} '
                              'or {source="Innovasjon Norge"} after it')
    uri = ""
    try:
        path = images.resolve(target, options.prose_dir)
        checked = images.inspect(path)
        found.images.append(path)
        uri = images.data_uri(checked)
    except ProseError as exc:
        found.problems.append(f"{located}: {exc}")
    body = f'<img class="er-image" src="{html.escape(uri, quote=True)}" alt="{html.escape(alt, quote=True)}">'
    before, after = _frame(options, "figure", caption, source)
    marks = [attribute(options, SOURCE_ATTRIBUTE, _source_value(origin))]
    if label:
        marks.append(attribute(options, "data-er-label", label))
    return _html_block(_with_attributes(before, marks) + body + after)


def _heading(token: Token, inline: Token, options: Options, found: Found, origin) -> None:
    """`# Title {#sec-name}`: the label as a mark on the heading; `{-}` (unnumbered) is kept as the
    document expects it, and may stand with a label: `{#sec-name -}`."""
    children = inline.children or []
    if not children or children[-1].type != "text":
        return
    match = ATTRIBUTE_BLOCK.search(children[-1].content)
    if not match or match.group("body").strip() == "-":
        return
    parsed = parse_attributes(match.group("body"))
    if parsed is None or parsed["classes"] or parsed["values"]:
        found.problems.append(f"{_located(origin)}: the heading's {{{match.group('body')}}} is not understood: write "
                              "{#sec-name} for a label, {-} for a heading without a number")
        return
    label = parsed["id"]
    _check_label(label, "sec-", origin, found, "a heading")
    text = children[-1].content[:match.start()] + (" {-}" if parsed["unnumbered"] else "")
    children[-1] = _copy_text(children[-1], text)
    inline.children = children
    if label:
        token.attrs["data-er-label"] = f"{options.key}:{label}"


def _render_callout(renderer, tokens, index, options, env) -> str:
    token = tokens[index]
    if token.nesting != 1:
        return "</div>\n"
    kind, title = callout_kind(token.info) or ("note", None)
    er = env.get("er_options")
    if title is None and er is not None:
        title = words.text(er.language, f"callouts.{kind}")
    source = token.attrs.get(SOURCE_ATTRIBUTE)
    mark = f' {SOURCE_ATTRIBUTE}="{html.escape(str(source), quote=True)}"' if source else ""
    heading = f'<p class="er-callout-title">{html.escape(title)}</p>\n' if title else ""
    return f'<div class="er-callout er-callout-{kind}" role="note"{mark}>\n{heading}'


def render_markdown(markdown: str, sources: list[tuple[str, int]], options: Options) -> tuple[str, Found]:
    """`render`, raising ProseError with every problem found."""
    found = Found()
    parser()  # built once
    markup = _render_with_text(markdown, sources, options, found)
    if found.problems:
        raise ProseError("\n".join(dict.fromkeys(found.problems)))
    return markup, found


def _render_with_text(markdown: str, sources, options: Options, found: Found) -> str:
    md = parser()
    env = {"er_options": options, "er_found": found, "er_sources": sources, "er_markdown": markdown}
    tokens = md.parse(markdown, env)
    tokens = _footnotes(tokens, env, md, options, found, sources)
    tokens = _blocks(tokens, md, env, options, found, sources)
    return md.renderer.render(tokens, md.options, env)


def scan(markdown: str, label: str, first_line: int, options: Options) -> Found:
    """Every problem of a text file's markdown, as `make check` sees it (before any value is known):
    images, labels, footnotes, citations, cross-references, callouts. Jinja is left as it is written."""
    found = Found()
    sources = [(label, first_line + n) for n in range(markdown.count("\n") + 1)]
    _render_with_text(markdown, sources, options, found)
    return found
