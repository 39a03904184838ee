"""The colophon and the release notes: which version a report is, where it came from, and what
changed since the version before it.

The council's PDF ends with one short colophon: the version, the date, the commit, whether the
tree had uncommitted changes, and where the full provenance is. The full provenance (package
versions, parameters, the SHA-256 of every input) goes to the JSON sidecar and the PDF's XMP,
which machines read; nobody on the council reads hashes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import re
from pathlib import Path

from bs4 import BeautifulSoup

from evalreport import __version__
from evalreport.exhibits import Look
from evalreport.formatting import for_language
from evalreport.words import section, text

UNNUMBERED = re.compile(r"\s*\{-\}\s*$")


def collect(plan, versions: dict[str, str]) -> dict:
    """The build's provenance facts, as plain data."""
    config = plan.config
    return {
        "git_commit": plan.git.get("commit"),
        "uncommitted_changes": plan.git.get("dirty"),
        "built_at": plan.built_at,
        "evalreport": __version__,
        "python": plan.environment["python"],
        "versions": versions,
        "parameters": config.model_dump(mode="json"),
        "inputs_sha256": plan.inputs,
    }


def format_built_at(built_at: str, language: str) -> str:
    """The build's time as the report prints it: '30. november 2026 14:48 UTC'."""
    built = dt.datetime.fromisoformat(built_at).astimezone(dt.timezone.utc)
    return f"{for_language(language).date(built.date())} {built:%H:%M} UTC"


def render_colophon(facts: dict, language: str, sidecar: str, templates: Path, version: str | None = None) -> str:
    """The colophon (template colophon.html.j2): one short list at the end of the appendix. `sidecar` is
    the JSON file's name as the reader gets it beside the PDF; `version` the release, if this is one."""
    words = section(language, "colophon")
    dirty = {True: words["yes"], False: words["no"], None: "–"}[facts["uncommitted_changes"]]
    rows = [(words["version"], version or words["not_released"]),
            (words["built"], format_built_at(facts["built_at"], language)),
            (words["commit"], facts["git_commit"] or words["no_git"]),
            (words["dirty"], dirty),
            (words["made_with"], f"evalreport {facts['evalreport']}"),
            (words["provenance"], text(language, "colophon.provenance_text", sidecar=sidecar))]
    return Look(templates).html("colophon.html.j2", title=words["title"], facts=rows)


# --- what changed since the previous release -------------------------------------------------------

def chapter_texts(fragments: list[str], stems: list[str]) -> dict[str, dict]:
    """For each chapter (by file stem): its title, the SHA-256 of the text it shows and that text as
    sentences (and table rows), as the sidecar records them so that a later release can say which
    chapters changed and every sentence and number that did.

    The text is what a reader sees (whitespace collapsed, charts by their alt text), so that a new
    template or a different layout of the same words is not a change.
    """
    chapters = {}
    for stem, fragment in zip(stems, fragments):
        title, digest, sentences = _chapter_text(fragment)
        chapters[stem] = {"title": title or stem, "text_sha256": digest, "sentences": list(sentences)}
    return chapters


SENTENCE_END = re.compile(r"(?<=[.!?»])\s+(?=[A-ZÆØÅ0-9«(])")
BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "figcaption", "caption", "tr", "dt", "dd")


@functools.lru_cache(maxsize=64)  # a preview composes at every edit; most chapters are the same
def _chapter_text(fragment: str) -> tuple[str, str, tuple[str, ...]]:
    soup = BeautifulSoup(fragment, "html.parser")
    for link in soup.select("a.anchor-link"):
        link.decompose()
    for image in soup.find_all("img"):
        image.replace_with(f" {image.get('alt', '')} ")
    heading = soup.find("h1") or soup.find("h2")
    title = UNNUMBERED.sub("", heading.get_text(" ", strip=True)) if heading else ""
    text = " ".join(soup.get_text(" ").split())
    sentences = []
    for block in soup.find_all(BLOCKS):
        if block.find_parent(BLOCKS) is not None and block.name != "tr":
            continue  # a list in a list item, a caption's parts: counted with their block
        if block.name == "tr":
            line = " | ".join(" ".join(cell.get_text(" ").split()) for cell in block.find_all(["th", "td"]))
            sentences.append(line)
            continue
        sentences += [s for s in SENTENCE_END.split(" ".join(block.get_text(" ").split())) if s]
    return title, hashlib.sha256(text.encode("utf-8")).hexdigest(), tuple(sentences)


def compare_releases(previous: dict, key_figures: list[list[str]], chapters: dict[str, dict]) -> dict:
    """What changed from the previous release's sidecar to this build.

    `key_figures` are the summary's key figures as printed, [label, value] in order; a figure is
    matched by its label, and one that is new or gone shows '–' on the other side. `chapters` are
    `chapter_texts` of this build; a chapter that is new or gone counts as changed. Within a changed
    chapter every changed sentence or table row is paired with what it was (difflib's alignment);
    a release whose sidecar holds no sentences (evalreport before they were kept) gives the
    chapters only.
    Returns {"key_figures": [[label, old, new], ...], "chapters": [title, ...],
             "sentences": [[chapter title, old or None, new or None], ...]}.
    """
    old_figures = {label: value for label, value in previous.get("key_figures_printed", [])}
    new_figures = {label: value for label, value in key_figures}
    changed_figures = [[label, old_figures.get(label), value] for label, value in key_figures
                       if old_figures.get(label) != value]
    changed_figures += [[label, value, None] for label, value in old_figures.items() if label not in new_figures]
    old_chapters = previous.get("chapters", {})
    changed_chapters, sentences = [], []
    for stem, chapter in chapters.items():
        old = old_chapters.get(stem, {})
        if old.get("text_sha256") == chapter["text_sha256"]:
            continue
        changed_chapters.append(chapter["title"])
        if "sentences" in old:
            sentences += [[chapter["title"], before, after]
                          for before, after in changed_sentences(old["sentences"], chapter.get("sentences", []))]
    changed_chapters += [c.get("title", stem) for stem, c in old_chapters.items() if stem not in chapters]
    return {"key_figures": changed_figures, "chapters": changed_chapters, "sentences": sentences}


def changed_sentences(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """Each sentence that changed, as (what it was, what it is); None for one added or removed."""
    pairs = []
    for kind, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if kind == "equal":
            continue
        before, after = old[i1:i2], new[j1:j2]
        for n in range(max(len(before), len(after))):
            pairs.append((before[n] if n < len(before) else None, after[n] if n < len(after) else None))
    return pairs


def render_changes(changes: dict, version: str, previous: str, language: str, templates: Path,
                   reasons: tuple[str, ...] = ()) -> str:
    """The section «Endringer fra versjon <previous>» (template changes.html.j2): an unnumbered chapter
    before the summary: why (the analyst's words), the key figures, every changed sentence."""
    listed = for_language(language).join([f"«{title}»" for title in changes["chapters"]], text(language, "words.and"))
    return Look(templates).html(
        "changes.html.j2", w=section(language, "changes"), title=text(language, "changes.title", previous=previous),
        intro=text(language, "changes.intro", version=version, previous=previous), figures=changes["key_figures"],
        previous_column=text(language, "changes.column_version", version=previous),
        new_column=text(language, "changes.column_version", version=version),
        chapters_changed=text(language, "changes.chapters_changed", chapters=listed) if changes["chapters"] else "",
        sentences=changes.get("sentences", []), reasons=reasons)


def describe_changes(changes: dict, version: str, previous: str) -> str:
    """The same list for the terminal, in English (the analyst's log), values as printed."""
    lines = [f"Changes from version {previous} to {version}:"]
    if changes["key_figures"]:
        width = max(len(label) for label, _, _ in changes["key_figures"])
        lines.append("  key figures (old -> new):")
        lines += [f"    {label:<{width}}  {old or '–'} -> {new or '–'}" for label, old, new in changes["key_figures"]]
    else:
        lines.append("  no key figure changed")
    lines.append("  chapters whose text changed: " + (", ".join(changes["chapters"]) or "none"))
    for chapter, before, after in changes.get("sentences", []):
        lines.append(f"    {chapter}: {before or '–'}\n      -> {after or '–'}")
    return "\n".join(lines)
