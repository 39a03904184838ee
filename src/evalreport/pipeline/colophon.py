"""The colophon and the release notes: which version a report is, where it came from, and what
changed since the version before it.

The council's PDF ends with one short colophon: the version, the date, the commit, whether the
tree had uncommitted changes, and where the full provenance is. The full provenance (package
versions, parameters, the SHA-256 of every input) goes to the JSON sidecar and the PDF's XMP,
which machines read; nobody on the council reads hashes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from pathlib import Path

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
    """For each chapter (by file stem): its title and the SHA-256 of the text it shows, as the
    sidecar records them so that a later release can say which chapters' text changed.

    The text is what a reader sees (whitespace collapsed, charts by their alt text), so that a new
    template or a different layout of the same words is not a change.
    """
    chapters = {}
    for stem, fragment in zip(stems, fragments):
        title, digest = _chapter_text(fragment)
        chapters[stem] = {"title": title or stem, "text_sha256": digest}
    return chapters


@functools.lru_cache(maxsize=64)  # a preview composes at every edit; most chapters are the same
def _chapter_text(fragment: str) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    for link in soup.select("a.anchor-link"):
        link.decompose()
    for image in soup.find_all("img"):
        image.replace_with(f" {image.get('alt', '')} ")
    heading = soup.find("h1") or soup.find("h2")
    title = UNNUMBERED.sub("", heading.get_text(" ", strip=True)) if heading else ""
    text = " ".join(soup.get_text(" ").split())
    return title, hashlib.sha256(text.encode("utf-8")).hexdigest()


def compare_releases(previous: dict, key_figures: list[list[str]], chapters: dict[str, dict]) -> dict:
    """What changed from the previous release's sidecar to this build.

    `key_figures` are the summary's key figures as printed, [label, value] in order; a figure is
    matched by its label, and one that is new or gone shows '–' on the other side. `chapters` are
    `chapter_texts` of this build; a chapter that is new or gone counts as changed.
    Returns {"key_figures": [[label, old, new], ...], "chapters": [title, ...]}.
    """
    old_figures = {label: value for label, value in previous.get("key_figures_printed", [])}
    new_figures = {label: value for label, value in key_figures}
    changed_figures = [[label, old_figures.get(label), value] for label, value in key_figures
                       if old_figures.get(label) != value]
    changed_figures += [[label, value, None] for label, value in old_figures.items() if label not in new_figures]
    old_chapters = previous.get("chapters", {})
    changed_chapters = [c["title"] for stem, c in chapters.items()
                        if old_chapters.get(stem, {}).get("text_sha256") != c["text_sha256"]]
    changed_chapters += [c.get("title", stem) for stem, c in old_chapters.items() if stem not in chapters]
    return {"key_figures": changed_figures, "chapters": changed_chapters}


def render_changes(changes: dict, version: str, previous: str, language: str, templates: Path) -> str:
    """The section «Endringer fra versjon <previous>» (template changes.html.j2): an unnumbered chapter
    before the summary."""
    listed = for_language(language).join([f"«{title}»" for title in changes["chapters"]], text(language, "words.and"))
    return Look(templates).html(
        "changes.html.j2", w=section(language, "changes"), title=text(language, "changes.title", previous=previous),
        intro=text(language, "changes.intro", version=version, previous=previous), figures=changes["key_figures"],
        previous_column=text(language, "changes.column_version", version=previous),
        new_column=text(language, "changes.column_version", version=version),
        chapters_changed=text(language, "changes.chapters_changed", chapters=listed) if changes["chapters"] else "")


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
    return "\n".join(lines)
