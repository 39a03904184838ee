"""The colophon: where the report came from, so that a published PDF can be traced to its data.

The same facts go to the colophon page, the JSON sidecar and the PDF's metadata.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from evalreport import __version__, tables
from evalreport.formatting import for_language

WORDS = {
    "nb": {"title": "Kolofon", "commit": "Git-versjon", "dirty": "Ikke-innsjekkede endringer",
           "no_git": "ikke under versjonskontroll", "built": "Bygget", "yes": "ja", "no": "nei",
           "software": "Programvare", "inputs": "Inndata og maler", "parameters": "Parametere",
           "file": "Fil", "sha": "SHA-256", "package": "Pakke", "version": "Versjon",
           "intro": ("Rapporten er bygget av evalreport fra filene nedenfor. Samme filer gir samme PDF, "
                     "byte for byte; kontrollsummene viser hvilke filer det var.")},
    "nn": {"title": "Kolofon", "commit": "Git-versjon", "dirty": "Ikkje innsjekka endringar",
           "no_git": "ikkje under versjonskontroll", "built": "Bygd", "yes": "ja", "no": "nei",
           "software": "Programvare", "inputs": "Inndata og malar", "parameters": "Parametrar",
           "file": "Fil", "sha": "SHA-256", "package": "Pakke", "version": "Versjon",
           "intro": ("Rapporten er bygd av evalreport frå filene nedanfor. Dei same filene gir den same PDF-en, "
                     "byte for byte; kontrollsummane viser kva filer det var.")},
    "en": {"title": "Colophon", "commit": "Git commit", "dirty": "Uncommitted changes",
           "no_git": "not under version control", "built": "Built", "yes": "yes", "no": "no",
           "software": "Software", "inputs": "Inputs and templates", "parameters": "Parameters",
           "file": "File", "sha": "SHA-256", "package": "Package", "version": "Version",
           "intro": ("The report was built by evalreport from the files below. The same files give the same "
                     "PDF, byte for byte; the checksums show which files they were.")},
}


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


def _flatten(parameters: dict, prefix: str = "") -> list[tuple[str, str]]:
    rows = []
    for key, value in parameters.items():
        if isinstance(value, dict):
            rows += _flatten(value, f"{prefix}{key}.")
        else:
            rows.append((f"{prefix}{key}", ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    return rows


def render_colophon(facts: dict, language: str) -> str:
    """The colophon as an HTML section at the end of the appendix."""
    words = WORDS[language]
    fmt = for_language(language)
    built = dt.datetime.fromisoformat(facts["built_at"]).astimezone(dt.timezone.utc)
    commit = facts["git_commit"] or words["no_git"]
    dirty = {True: words["yes"], False: words["no"], None: "–"}[facts["uncommitted_changes"]]
    source = "evalreport"
    two = [tables.Column("what", "", numeric=False), tables.Column("value", "", str, numeric=False)]
    summary = tables.make_table(
        pd.DataFrame([(words["commit"], commit), (words["dirty"], dirty),
                      (words["built"], f"{fmt.date(built.date())} {built:%H:%M} UTC"),
                      ("Python", facts["python"])], columns=["what", "value"]),
        two, words["title"], source, language, show_header=False)
    parameters = tables.make_table(pd.DataFrame(_flatten(facts["parameters"]), columns=["what", "value"]),
                                   two, words["parameters"], source, language, show_header=False)
    software = tables.make_table(
        pd.DataFrame(sorted(facts["versions"].items()), columns=["package", "version"]),
        [tables.Column("package", words["package"], numeric=False),
         tables.Column("version", words["version"], str, numeric=False)],
        words["software"], source, language)
    inputs = tables.make_table(
        pd.DataFrame(sorted(facts["inputs_sha256"].items()), columns=["file", "sha"]),
        [tables.Column("file", words["file"], numeric=False),
         tables.Column("sha", words["sha"], str, numeric=False)],
        words["inputs"], source, language)
    body = "".join(e._repr_html_() for e in (summary, parameters, software, inputs))
    return (f'<section class="chapter colophon"><h2>{html.escape(words["title"])}</h2>'
            f"<p>{html.escape(words['intro'])}</p>{body}</section>")


