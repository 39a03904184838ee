"""Render executed chapters to HTML fragments: the text in the report's language, the outputs, no code.

A standard chapter's text is a file beside its notebook, one per language (`50_sysselsetting.md`,
`.nn.md`, `.en.md`): it is rendered as a whole (`prose`: values filled in, safe HTML) and each
`{{ exhibit("fig-...") }}` in it is replaced by the output of the notebook's cell with that label.
A notebook without such files (a case's own chapter) shows its markdown cells and its outputs in
order, as does a markdown chapter. Cells the reader must not see (analysts' notes, parameters) are
left out; every HTML output of a cell passes the same sanitiser. The chapter's frame is the template
`report_templates/evalreport/chapter.html.j2`.

The source map (a contract: the Word copy's comments are traced back to the prose with it)
-------------------------------------------------------------------------------------------
In the composed document (what `steps.compose` makes, before the PDF and the HTML twin), every block
that comes from a text file carries `data-er-source="<file>:<line>"`: the file as the analyst sees it,
relative to the project (`prose/vestre_toten/lessons.md`, `notebooks/50_sysselsetting.md`,
`prose/vestre_toten/75_intervju.md`, or a notebook's `.py` for a markdown cell), and the line, counted
from 1, where the block starts in that file. The blocks: p, li, h1–h6, blockquote, a prose table
(`table` and each `tr`), a figure made from an image (`figure`), a table with a caption (its
`figure`), a callout (`div.er-callout`) and a footnote (`span.er-footnote`, at the place it is
referred to). The line is the line in the block's own file: text brought in with
`{{ prose("background") }}` names background.md and its line, and lines that `{% if %}` left out or
`{% for %}` repeated do not shift it (`sourcelines`). A table or figure that a chapter's code made
carries `data-er-source="computed:<label>"` on its `figure` (or on a `div` around an output that is
not a figure). What the build makes itself (the title page, the contents, the colophon, the page of
changes, the reference list) carries none, nor does raw HTML written into prose.

The renderer writes the attribute with its render's secret key, and the sanitiser keeps a
`data-er-*` attribute only with that key (`prose.sanitise`): one written in prose is dropped. The HTML
twin drops every `data-er-*` attribute (`document.compose_html_twin`); the PDF never shows them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from markupsafe import Markup

from evalreport.errors import ChapterError, ProseError
from evalreport.exhibits import Look
from evalreport.files import write_text
from evalreport.formatting import for_language
from evalreport.pipeline import citations, dialect, execute, fingerprint, images, language, prose
from evalreport.project import GLUE_MIMETYPE

log = logging.getLogger(__name__)

REMOVED_TAGS = {"remove-cell", "parameters", "injected-parameters", execute.RESET_TAG}
EXHIBIT = "exhibit"  # a code cell's metadata: its label, `# %% exhibit="fig-employment-index"`


@dataclass(frozen=True)
class Source:
    """Where a chapter's cells come from, to name the file and line in a message."""

    label: str  # the file as the analyst sees it
    cell_lines: tuple[int, ...] = ()  # first line of each cell in the file, by position (empty: a .md file)

    def line(self, position: int) -> int:
        return self.cell_lines[position] if position < len(self.cell_lines) else 1


@dataclass(frozen=True)
class Text:
    """A chapter's text in a file of its own (the report's language), placing the notebook's exhibits."""

    source: str
    label: str  # the file as the analyst sees it


def render_chapter(cells: list[tuple[nbformat.NotebookNode, list]], source: Source, text: Text | None,
                   renderer: prose.ProseRenderer, look: Look) -> tuple[str, list[str]]:
    """One chapter as an HTML fragment, and the labels of its exhibits in the order it shows them.

    `cells` are the chapter's cells as written (tags and labels as they are now) with the outputs of
    its last run. With `text`, the chapter's words are that file's and every output belongs to a
    labelled cell; without it, the markdown cells and the outputs follow each other in order.
    """
    parts, exhibits = [], {}
    for position, (cell, outputs) in enumerate(cells):
        tags = set(cell.metadata.get("tags", []))
        if tags & REMOVED_TAGS:
            continue
        where = f"{source.label}, line {source.line(position)}"
        if cell.cell_type == "markdown":
            if text is not None:
                raise ProseError(f"{where}: this chapter's text is in {text.label}; write it there, not in a cell")
            parts.append(renderer.markdown_to_html(cell.source, source.label, source.line(position)))
            continue
        if cell.cell_type != "code":
            continue
        markup = "".join(_output_html(output) for output in outputs)
        label = cell.metadata.get(EXHIBIT)
        if text is None:
            if label is not None:
                raise ProseError(f"{where}: a cell labelled exhibit={label!r} in a chapter without a text to "
                                 f"place it; its text goes in {Path(source.label).with_suffix('.md').name}")
            parts.append(markup)
        elif label is None:
            if markup:
                raise ProseError(f"{where}: this cell shows a table or figure without a label to place it by; "
                                 'give the cell one (# %% exhibit="fig-..." or "tbl-...") and place it in '
                                 f"{text.label}")
        elif not isinstance(label, str) or not prose.EXHIBIT_LABEL.fullmatch(label):
            raise ProseError(f"{where}: exhibit label {label!r}: write fig-... for a figure or tbl-... for a table "
                             "(small letters, digits and '-')")
        elif label in exhibits:
            raise ProseError(f"{where}: a second cell labelled '{label}'; give each table or figure its own label")
        elif not markup:
            raise ProseError(f"{where}: the cell labelled '{label}' shows nothing; it must return its table or "
                             "figure")
        else:
            exhibits[label] = markup
    if text is not None:
        parts = renderer.chapter_to_html(text.source, text.label, exhibits)
    fragment = look.html("chapter.html.j2", parts=[Markup(part) for part in parts])
    # Serialised as the whole document will be (html.parser: characters for entities), as nbconvert
    # made the fragments before, so that they keep their bytes and digests.
    soup = BeautifulSoup(fragment, "html.parser")
    labels = [element["data-er-label"] for element in soup.select("[data-er-label]")]  # as the reader meets them
    return str(soup), labels


def _output_html(output) -> str:
    """A cell's rich output as safe HTML (glue and plain text show nothing; markdown is rendered safely)."""
    data = output.get("data")
    if not data:
        return ""
    if "text/html" in data:
        return prose.sanitise(_text(data["text/html"]))
    if "text/markdown" in data:
        return prose.sanitise(dialect.parser().render(_text(data["text/markdown"])))
    return ""


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def paired_cells(source: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> list[tuple]:
    """The chapter's cells as written now, each code cell with the outputs of its last run.

    Valid only when the code cells are unchanged, which the chapter's key guarantees; their labels and
    markdown may have changed since (an edit to them runs nothing). The cells the build added to the
    run (the reset, the injected parameters) are left out.
    """
    runs = iter([c for c in executed.cells if c.cell_type == "code" and not execute.is_added(c)])
    return [(cell, next(runs).get("outputs", []) if cell.cell_type == "code" else []) for cell in source.cells]


def collect_glue(notebooks: dict[str, nbformat.NotebookNode]) -> dict:
    """Every value the chapters glued, by name. Two chapters may glue one name only with the same value
    (a chapter that prints a value computes it itself: the summary prints the effect estimate, which
    chapter 4 also shows); different values under one name are an error."""
    values, owner, clashes = {}, {}, []
    for chapter, notebook in notebooks.items():
        for cell in notebook.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                glued = output.get("data", {}).get(GLUE_MIMETYPE)
                for name, value in (glued or {}).items():
                    if name in owner and owner[name] != chapter and values[name] != value:
                        clashes.append(f"'{name}' is glued by both {owner[name]} and {chapter}, with different values")
                    values[name] = value
                    owner.setdefault(name, chapter)
    if clashes:
        raise ChapterError("; ".join(clashes) + ": give each value one name of its own")
    return values


def read_executed(path: Path) -> nbformat.NotebookNode:
    """An executed chapter, read once per version of the file (callers copy before they change it)."""
    stat = path.stat()
    return _read_executed(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _read_executed(path: Path, _mtime_ns: int, _size: int) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def builtin_values(config) -> dict:
    """Values every prose may name, from the configuration alone."""
    fmt = for_language(config.language)
    start, end = config.programme.start, config.programme.end
    return {"municipality": config.municipality_name, "programme_start": str(start), "programme_end": str(end),
            "programme_period": fmt.years(start, end), "programme_length": fmt.number_word(end - start + 1),
            "report_date": fmt.date(config.report_date), "author": config.author,
            "organisation": config.organisation}


def render_report(plan, previous: dict) -> tuple[list[str], dict, dict]:
    """Every chapter of the report as an HTML fragment, in order.

    Returns (fragments, the values the chapters glued, the digests of the fragments for the next
    build, each with the labels of its chapter's exhibits). A fragment is rendered again when its
    chapter, its text in the report's language, its last run, the prose files it included (as
    recorded when it was rendered), the values, the templates or this code changed: an edit to one
    prose file renders only the chapters that include it. A cached fragment is used only if its
    content still matches the digest recorded when it was made. A case's prose that reads as another
    language than the report's is warned about.
    """
    project, config = plan.project, plan.config
    for warning in language.check_prose(plan.prose_dir, config.language, project.relative):
        log.warning("  warning: %s", warning)
    executed = {project.relative(c.path): read_executed(plan.executed(c)) for c in plan.chapters if c.is_notebook}
    builtins = builtin_values(config)
    glued = collect_glue(executed)  # a markdown chapter glues nothing; glue is in code cells' outputs
    clashes = sorted(set(glued) & set(builtins))
    if clashes:
        raise ChapterError(f"the chapters glue {', '.join(clashes)}, which the report already gives the prose "
                           "(from the configuration); choose other names")
    values = {**builtins, **glued}
    look = Look(project.templates)
    renderer = prose.ProseRenderer(values, plan.prose_dir, project.relative, config.language, look,
                                   bibliography=lambda: citations.load(plan.prose_dir, project.relative),
                                   labels=prose.declared_labels(plan.chapters, plan.prose_dir, config.language))
    common = fingerprint.hash_text(plan.templates_key, plan.pipeline_key, config.language,
                                   json.dumps(values, sort_keys=True, ensure_ascii=False))

    def prose_digests(names) -> dict[str, str | None]:
        return {name: plan.inputs.get(name) for name in sorted(names)}

    fragments, digests, owners = [], {}, {}
    folder = plan.work / "fragments"
    for chapter in plan.chapters:
        label = project.relative(chapter.path)
        text_file = chapter.text_file(config.language)
        text_label = project.relative(text_file) if text_file else ""
        run = fingerprint.hash_file(plan.executed(chapter)) if chapter.is_notebook else ""
        key = fingerprint.hash_text(common, plan.inputs[label], plan.inputs.get(text_label, ""), run)
        cached = folder / f"{chapter.stem}.{key[:24]}.html"
        recorded = previous.get(chapter.stem, {})
        included = recorded.get("prose", {})
        if recorded.get("key") == key and cached.is_file() and included == prose_digests(included):
            if fingerprint.hash_file(cached) == recorded.get("sha256"):
                fragments.append(cached.read_text(encoding="utf-8"))
                digests[chapter.stem] = recorded
                _own_labels(owners, recorded.get("labels", []), label)
                continue
            log.info("  note: the rendered %s was changed or damaged; rendering it again", chapter.stem)
        if chapter.is_notebook:
            cells = paired_cells(execute.read_chapter(chapter.path), executed[label])
            source = Source(label, tuple(prose.markdown_cell_lines(chapter.path, chapter.path.stat().st_mtime_ns)))
        else:
            cells, source = [(nbformat.v4.new_markdown_cell(chapter.path.read_text(encoding="utf-8")), [])], \
                Source(label, (1,))
        text = Text(text_file.read_text(encoding="utf-8"), text_label) if text_file else None
        renderer.included.clear()
        fragment, labels = render_chapter(cells, source, text, renderer, look)
        _own_labels(owners, labels, label)
        for stale in folder.glob(f"{chapter.stem}.*.html"):
            stale.unlink()
        write_text(cached, fragment)
        digests[chapter.stem] = {"key": key, "sha256": fingerprint.hash_file(cached), "labels": labels,
                                 "prose": prose_digests(project.relative(p) for p in renderer.included)}
        fragments.append(fragment)
    used = {project.root / name for digest in digests.values() for name in digest.get("prose", {})
            if not name.endswith(".md")}  # the images the chapters embed (the prose files aside)
    problem = images.total_problem(used, project.relative)
    if problem:
        raise ProseError(problem)
    return fragments, glued, digests


def _own_labels(owners: dict[str, str], labels: list[str], chapter: str) -> None:
    """Record which chapter holds each exhibit label; one label in two chapters is an error."""
    for label in labels:
        if label in owners:
            raise ProseError(f"the exhibit label '{label}' is in both {owners[label]} and {chapter}; labels are "
                             "unique in the report (a cross-reference names one)")
        owners[label] = chapter


LABEL_KINDS = {"fig": "figure", "tbl": "table", "sec": "section"}


def exhibit_labels(digests: dict) -> list[dict[str, str]]:
    """Every labelled table, figure and section of the report in the order a reader meets it: its label,
    its kind (figure, table or section) and its chapter (file stem). A cross-reference (@fig-...) names one."""
    return [{"label": label, "kind": LABEL_KINDS.get(label.split("-", 1)[0], "figure"), "chapter": stem}
            for stem, digest in digests.items() for label in digest.get("labels", [])]
