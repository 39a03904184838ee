"""Which language a piece of prose is written in: bokmål, nynorsk or English, told by common words.

A report speaks one language, every word; a case's prose is the analyst's, and a report in English
built from bokmål prose would be marked English and hold Norwegian paragraphs. This is a small
stop-word count, not a language model: words that only one of the three uses often (ikke/ikkje/not,
jeg/eg, hva/kva, fra/frå, ble/vart, the/and/of). Short texts say too little and are not judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Words common in Norwegian (both written forms) and in English.
NORWEGIAN = {"og", "i", "av", "som", "til", "med", "på", "er", "det", "den", "å", "har", "om", "at", "var", "seg",
             "men", "kommunen", "programmet"}
ENGLISH = {"the", "and", "of", "to", "in", "is", "was", "were", "are", "be", "not", "with", "that", "this", "it",
           "by", "from", "which", "have", "has", "their", "its", "an", "on"}


@dataclass(frozen=True)
class WrittenForm:
    """One written form of Norwegian: words and endings (of words of six letters or more) it uses often
    and the other does not: ikke/ikkje, offentlig/offentleg, kommunene/kommunane, sysselsettingen/-inga."""

    code: str
    words: frozenset[str]
    endings: tuple[str, ...]


BOKMAAL = WrittenForm("nb", frozenset({
    "ikke", "jeg", "hva", "hvor", "hvordan", "hvorfor", "hvis", "fra", "ble", "blir", "noe", "noen", "bare", "sammen",
    "hele", "mye", "være", "vært", "kommer", "hun", "de", "dem", "deres", "en", "et", "fikk", "gikk", "også"}),
    ("lig", "lige", "ene", "ingen", "het", "heten"))
NYNORSK = WrittenForm("nn", frozenset({
    "ikkje", "eg", "kva", "kor", "korleis", "kvifor", "viss", "frå", "vart", "vert", "noko", "nokon", "berre", "saman",
    "heile", "mykje", "vere", "vore", "kjem", "ho", "dei", "deira", "ein", "eit", "òg", "sjølv", "fekk", "gjekk",
    "difor", "desse"}),
    ("leg", "lege", "ane", "inga", "heit", "heita", "ar"))

MINIMUM = 3  # telling words a text needs before its language is judged
MARGIN = 2.0  # how many times the other's count the language must reach
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
WORD = re.compile(r"[a-zæøåàáâäçèéêëìíîïñòóôöùúûüß]+")
NAMES = dict(nb="bokmål", nn="nynorsk", en="English", no="Norwegian")  # for the analyst's log, in English


def guess(text: str) -> str | None:
    """The language of `text`: 'nb', 'nn', 'en', 'no' (Norwegian, but too little to tell bokmål from
    nynorsk), or None when it is too short or too mixed to tell. Markup and {{ values }} are left out."""
    found = WORD.findall(JINJA.sub(" ", text).lower())
    norwegian = sum(w in NORWEGIAN or w in BOKMAAL.words or w in NYNORSK.words for w in found)
    english = sum(w in ENGLISH for w in found)
    if max(norwegian, english) < MINIMUM or _close(norwegian, english):
        return None
    if english > norwegian:
        return "en"
    bokmaal, nynorsk = (sum(w in form.words or (len(w) >= 6 and w.endswith(form.endings)) for w in found)
                        for form in (BOKMAAL, NYNORSK))
    if max(bokmaal, nynorsk) < 2 or _close(bokmaal, nynorsk):
        return "no"
    return BOKMAAL.code if bokmaal > nynorsk else NYNORSK.code


def _close(a: int, b: int) -> bool:
    return max(a, b) < MARGIN * min(a, b)


def differs(found: str | None, language: str) -> bool:
    """Whether prose guessed as `found` is not in the report's `language` ('no' is either Norwegian)."""
    if found is None:
        return False
    if found == "no":
        return language == "en"
    return found != language


def check_prose(prose_dir: Path | None, language: str, relative=str) -> list[str]:
    """A warning for each of the case's prose files (and chapters of its own) that reads as another
    language than the report's."""
    if prose_dir is None or not prose_dir.is_dir():
        return []
    warnings = []
    for path in sorted(prose_dir.glob("*.md")) + sorted(prose_dir.glob("*.py")):
        found = guess(_prose_of(path))
        if differs(found, language):
            warnings.append(f"{relative(path)} reads as {NAMES[found]}, but the report is in {NAMES[language]} "
                            f"(language: {language}); write the case's prose in the report's language")
    return warnings


def _prose_of(path: Path) -> str:
    """The text a reader would see of a prose file or of a chapter's markdown cells."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".py":
        return text
    # A jupytext percent file: the markdown cells' lines, their '# ' taken off.
    prose, inside = [], False
    for line in text.splitlines():
        if line.startswith("# %%"):
            inside = "[markdown]" in line and "remove-cell" not in line
        elif inside:
            prose.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return "\n".join(prose)
