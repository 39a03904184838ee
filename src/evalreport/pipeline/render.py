"""Render executed chapters to HTML fragments: the prose in the report's language, the outputs, no code.

nbconvert drops what the reader must not see (TagRemovePreprocessor: analysts' notes, parameters,
the other languages' text) and renders each chapter through
`report_templates/evalreport/index.html.j2`. Markdown goes through `prose` first: its values are
filled in, and it becomes safe HTML. Every HTML output of a cell passes the same sanitiser.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from evalreport.chapter import GLUE_MIMETYPE, LANGUAGES
from evalreport.errors import ChapterError
from evalreport.pipeline import prose

log = logging.getLogger(__name__)

TEMPLATE_NAME = "evalreport"
REMOVED_TAGS = {"remove-cell", "parameters", "injected-parameters", "evalreport-reset"}
LANGUAGE_TAG = "lang-{}"


@lru_cache(maxsize=8)
def _exporter(templates: str, templates_key: str) -> HTMLExporter:
    """One exporter per template version: nbconvert compiles the template once per exporter."""
    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[templates])
    exporter.anchor_link_text = ""
    return exporter


def _cell_filter(language: str) -> TagRemovePreprocessor:
    other_languages = {LANGUAGE_TAG.format(code) for code in LANGUAGES if code != language}
    return TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS | other_languages, enabled=True)


@dataclass(frozen=True)
class Source:
    """Where a chapter's cells come from, to name the file and line in a message."""

    label: str  # the file as the analyst sees it
    cell_lines: tuple[int, ...] = ()  # first line of each cell in the file, by position (empty: a .md file)


def render_chapter(notebook: nbformat.NotebookNode, source: Source, language: str, renderer: prose.ProseRenderer,
                   templates: Path, templates_key: str) -> str:
    """One executed chapter as an HTML fragment."""
    notebook = copy.deepcopy(notebook)
    for position, cell in enumerate(notebook.cells):
        cell.metadata["evalreport_position"] = position
    notebook, _ = _cell_filter(language).preprocess(notebook, {})
    for cell in notebook.cells:
        position = cell.metadata.pop("evalreport_position")
        if cell.cell_type == "markdown":
            first_line = source.cell_lines[position] if position < len(source.cell_lines) else 1
            markup = renderer.markdown_to_html(cell.source, source.label, first_line)
            cell.cell_type, cell.source = "raw", markup
            cell.metadata["raw_mimetype"] = "text/html"
            cell.pop("attachments", None)
        elif cell.cell_type == "code":
            cell.outputs = [_safe_output(output) for output in cell.get("outputs", [])]
    body, _ = _exporter(str(templates), templates_key).from_notebook_node(notebook)
    return body


def _safe_output(output):
    """A cell's rich output with its HTML sanitised and its markdown rendered safely; glue is dropped."""
    data = output.get("data")
    if not data:
        return output
    data.pop(GLUE_MIMETYPE, None)
    if "text/html" in data:
        data["text/html"] = prose.sanitise(_text(data["text/html"]))
    elif "text/markdown" in data:
        from nbconvert.filters.markdown_mistune import markdown2html_mistune

        data["text/html"] = prose.sanitise(markdown2html_mistune(_text(data.pop("text/markdown"))))
    return output


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def collect_glue(notebooks: dict[str, nbformat.NotebookNode]) -> dict:
    """Every value the chapters glued, by name; a name glued by two chapters is an error."""
    values, owner, clashes = {}, {}, []
    for chapter, notebook in notebooks.items():
        for cell in notebook.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                glued = output.get("data", {}).get(GLUE_MIMETYPE)
                for name, value in (glued or {}).items():
                    if name in owner and owner[name] != chapter:
                        clashes.append(f"'{name}' is glued by both {owner[name]} and {chapter}")
                    values[name], owner[name] = value, chapter
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


def markdown_chapter(path: Path) -> nbformat.NotebookNode:
    """A chapter written as plain markdown (`NN_name.md`): one markdown cell, no code."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_markdown_cell(path.read_text(encoding="utf-8")))
    return notebook


def builtin_values(config) -> dict:
    """Values every prose may name, from the configuration alone."""
    from evalreport.formatting import for_language

    fmt = for_language(config.language)
    start, end = config.programme.start, config.programme.end
    return {"municipality": config.municipality_name, "programme_start": str(start), "programme_end": str(end),
            "programme_period": fmt.years(start, end), "programme_length": fmt.number_word(end - start + 1),
            "report_date": fmt.date(config.report_date), "author": config.author,
            "organisation": config.organisation}


def render_report(plan, previous: dict) -> tuple[list[str], dict, dict]:
    """Every chapter of the report as an HTML fragment, in order.

    Returns (fragments, the values the chapters glued, the digests of the fragments for the next
    build). A fragment is rendered again when its chapter, its last run, the prose files it included
    (as recorded when it was rendered), the values, the templates or this code changed: an edit to
    one prose file renders only the chapters that include it. A cached fragment is used only if its
    content still matches the digest recorded when it was made.
    """
    import json

    from evalreport.pipeline import fingerprint
    from evalreport.pipeline.execute import merge_prose, read_chapter
    from evalreport.files import write_text

    project, config = plan.project, plan.config
    executed = {project.relative(c.path): read_executed(plan.executed(c)) for c in plan.chapters if c.is_notebook}
    builtins = builtin_values(config)
    glued = collect_glue(executed)  # a markdown chapter glues nothing; glue is in code cells' outputs
    clashes = sorted(set(glued) & set(builtins))
    if clashes:
        raise ChapterError(f"the chapters glue {', '.join(clashes)}, which the report already gives the prose "
                           "(from the configuration); choose other names")
    values = {**builtins, **glued}
    renderer = prose.ProseRenderer(values, plan.prose_dir, project.relative)
    common = fingerprint.hash_text(plan.templates_key, plan.pipeline_key, config.language,
                                   json.dumps(values, sort_keys=True, ensure_ascii=False))

    def prose_digests(names) -> dict[str, str | None]:
        return {name: plan.inputs.get(name) for name in sorted(names)}

    fragments, digests = [], {}
    folder = plan.work / "fragments"
    for chapter in plan.chapters:
        label = project.relative(chapter.path)
        run = fingerprint.hash_file(plan.executed(chapter)) if chapter.is_notebook else ""
        key = fingerprint.hash_text(common, plan.inputs[label], run)
        cached = folder / f"{chapter.stem}.{key[:24]}.html"
        recorded = previous.get(chapter.stem, {})
        included = recorded.get("prose", {})
        if recorded.get("key") == key and cached.is_file() and included == prose_digests(included):
            if fingerprint.hash_file(cached) == recorded.get("sha256"):
                fragments.append(cached.read_text(encoding="utf-8"))
                digests[chapter.stem] = recorded
                continue
            log.info("  note: the rendered %s was changed or damaged; rendering it again", chapter.stem)
        if chapter.is_notebook:
            notebook = merge_prose(read_chapter(chapter.path), executed[label])
            source = Source(label, tuple(prose.markdown_cell_lines(chapter.path, chapter.path.stat().st_mtime_ns)))
        else:
            notebook, source = markdown_chapter(chapter.path), Source(label, (1,))
        renderer.included.clear()
        fragment = render_chapter(notebook, source, config.language, renderer, project.templates, plan.templates_key)
        for stale in folder.glob(f"{chapter.stem}.*.html"):
            stale.unlink()
        write_text(cached, fragment)
        digests[chapter.stem] = {"key": key, "sha256": fingerprint.hash_file(cached),
                                 "prose": prose_digests(project.relative(p) for p in renderer.included)}
        fragments.append(fragment)
    return fragments, glued, digests
