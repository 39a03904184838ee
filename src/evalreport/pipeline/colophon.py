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
import html
import re

from evalreport import __version__
from evalreport.formatting import for_language

WORDS = {
    "nb": {"title": "Kolofon", "version": "Versjon", "not_released": "ikke utgitt (bygget fra arbeidskopien)",
           "built": "Bygget", "commit": "Git-versjon", "dirty": "Ikke-innsjekkede endringer",
           "no_git": "ikke under versjonskontroll", "yes": "ja", "no": "nei", "made_with": "Laget med",
           "provenance": "Full sporbarhet",
           "provenance_text": ("JSON-filen {sidecar} som følger rapporten, og XMP-metadataene i PDF-filen: "
                               "programvareversjoner, parametere og SHA-256-summen av hver inndatafil."),
           "changes": "Endringer fra versjon {previous}",
           "changes_intro": "Versjon {version} erstatter versjon {previous}. Dette er endret:",
           "key_figure": "Nøkkeltall", "column_version": "Versjon {version}",
           "no_key_figures": "Ingen nøkkeltall er endret.",
           "chapters_changed": "Teksten er endret i: {chapters}.",
           "no_chapters": "Teksten i kapitlene er uendret.", "missing": "–"},
    "nn": {"title": "Kolofon", "version": "Versjon", "not_released": "ikkje utgitt (bygd frå arbeidskopien)",
           "built": "Bygd", "commit": "Git-versjon", "dirty": "Ikkje innsjekka endringar",
           "no_git": "ikkje under versjonskontroll", "yes": "ja", "no": "nei", "made_with": "Laga med",
           "provenance": "Full sporbarheit",
           "provenance_text": ("JSON-fila {sidecar} som følgjer rapporten, og XMP-metadataa i PDF-fila: "
                               "programvareversjonar, parametrar og SHA-256-summen av kvar inndatafil."),
           "changes": "Endringar frå versjon {previous}",
           "changes_intro": "Versjon {version} erstattar versjon {previous}. Dette er endra:",
           "key_figure": "Nøkkeltal", "column_version": "Versjon {version}",
           "no_key_figures": "Ingen nøkkeltal er endra.",
           "chapters_changed": "Teksten er endra i: {chapters}.",
           "no_chapters": "Teksten i kapitla er uendra.", "missing": "–"},
    "en": {"title": "Colophon", "version": "Version", "not_released": "not released (built from the working copy)",
           "built": "Built", "commit": "Git commit", "dirty": "Uncommitted changes",
           "no_git": "not under version control", "yes": "yes", "no": "no", "made_with": "Made with",
           "provenance": "Full provenance",
           "provenance_text": ("the JSON file {sidecar} that accompanies the report, and the PDF's XMP metadata: "
                               "software versions, parameters and the SHA-256 of every input file."),
           "changes": "Changes from version {previous}",
           "changes_intro": "Version {version} replaces version {previous}. This has changed:",
           "key_figure": "Key figure", "column_version": "Version {version}",
           "no_key_figures": "No key figure has changed.",
           "chapters_changed": "The text has changed in: {chapters}.",
           "no_chapters": "The text of the chapters is unchanged.", "missing": "–"},
}
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


def render_colophon(facts: dict, language: str, sidecar: str, version: str | None = None) -> str:
    """The colophon: one short list at the end of the appendix. `sidecar` is the JSON file's name as
    the reader gets it beside the PDF; `version` the release, if this is one."""
    words = WORDS[language]
    dirty = {True: words["yes"], False: words["no"], None: "–"}[facts["uncommitted_changes"]]
    rows = [(words["version"], version or words["not_released"]),
            (words["built"], format_built_at(facts["built_at"], language)),
            (words["commit"], facts["git_commit"] or words["no_git"]),
            (words["dirty"], dirty),
            (words["made_with"], f"evalreport {facts['evalreport']}"),
            (words["provenance"], words["provenance_text"].format(sidecar=sidecar))]
    items = "".join(f"<dt>{html.escape(name)}</dt><dd>{html.escape(value)}</dd>" for name, value in rows)
    return (f'<section class="chapter colophon"><h2>{html.escape(words["title"])}</h2>'
            f'<dl class="colophon-facts">{items}</dl></section>')


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


def render_changes(changes: dict, version: str, previous: str, language: str) -> str:
    """The section «Endringer fra versjon <previous>»: an unnumbered chapter before the summary."""
    words = WORDS[language]
    fmt = for_language(language)
    missing = words["missing"]
    parts = [f'<section class="chapter changes"><h1>{html.escape(words["changes"].format(previous=previous))} {{-}}</h1>',
             f"<p>{html.escape(words['changes_intro'].format(version=version, previous=previous))}</p>"]
    if changes["key_figures"]:
        head = "".join(f'<th scope="col" class="{kind}">{html.escape(text)}</th>' for kind, text in (
            ("text", words["key_figure"]), ("num", words["column_version"].format(version=previous)),
            ("num", words["column_version"].format(version=version))))
        body = "".join(
            f'<tr><th scope="row" class="text">{html.escape(label)}</th>'
            f'<td class="num">{html.escape(old or missing)}</td><td class="num">{html.escape(new or missing)}</td></tr>'
            for label, old, new in changes["key_figures"])
        parts.append(f'<table class="changes-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
    else:
        parts.append(f"<p>{html.escape(words['no_key_figures'])}</p>")
    if changes["chapters"]:
        listed = fmt.join([f"«{title}»" for title in changes["chapters"]], {"nb": "og", "nn": "og", "en": "and"}[language])
        parts.append(f"<p>{html.escape(words['chapters_changed'].format(chapters=listed))}</p>")
    else:
        parts.append(f"<p>{html.escape(words['no_chapters'])}</p>")
    parts.append("</section>")
    return "".join(parts)


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
