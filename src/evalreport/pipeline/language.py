"""Which language a piece of prose is written in: bokmål, nynorsk or English, told by common words.

A report speaks one language, every word; a case's prose is the analyst's, and a report in English
built from bokmål prose would be marked English and hold Norwegian paragraphs. This is a small
stop-word count, not a language model: words that only one of the three uses often (ikke/ikkje/not,
jeg/eg, hva/kva, fra/frå, ble/vart, the/and/of). Short texts say too little and are not judged.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

# Words common in Norwegian (both written forms) and in English; then words and endings that one of
# the written forms of Norwegian uses often and the other does not.
NORWEGIAN = {"og", "i", "av", "som", "til", "med", "på", "er", "det", "den", "å", "har", "om", "at", "var", "seg",
             "men", "kommunen", "programmet"}
ENGLISH = {"the", "and", "of", "to", "in", "is", "was", "were", "are", "be", "not", "with", "that", "this", "it",
           "by", "from", "which", "have", "has", "their", "its", "an", "on"}
MARKERS = {
    "nb": {"ikke", "jeg", "hva", "hvor", "hvordan", "hvorfor", "hvis", "fra", "ble", "blir", "noe", "noen", "bare",
           "sammen", "hele", "mye", "være", "vært", "kommer", "hun", "de", "dem", "deres", "en", "et", "fikk",
           "gikk", "også"},
    "nn": {"ikkje", "eg", "kva", "kor", "korleis", "kvifor", "viss", "frå", "vart", "vert", "noko", "nokon", "berre",
           "saman", "heile", "mykje", "vere", "vore", "kjem", "ho", "dei", "deira", "ein", "eit", "òg", "sjølv",
           "fekk", "gjekk", "difor", "desse"},
}
ENDINGS = {  # of words of six letters or more: offentlig/offentleg, kommunene/kommunane, sysselsettingen/-inga
    "nb": ("lig", "lige", "ene", "ingen", "het", "heten"),
    "nn": ("leg", "lege", "ane", "inga", "heit", "heita", "ar"),
}
MINIMUM = 3  # telling words a text needs before its language is judged
MARGIN = 2.0  # how many times the other's count the language must reach
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
WORD = re.compile(r"[a-zæøåàáâäçèéêëìíîïñòóôöùúûüß]+")
NAMES = {"nb": "bokmål", "nn": "nynorsk", "en": "English", "no": "Norwegian"}


def guess(text: str) -> str | None:
    """The language of `text`: 'nb', 'nn', 'en', 'no' (Norwegian, but too little to tell bokmål from
    nynorsk), or None when it is too short or too mixed to tell. Markup and {{ values }} are left out."""
    found = WORD.findall(JINJA.sub(" ", text).lower())
    norwegian = sum(w in NORWEGIAN or w in MARKERS["nb"] or w in MARKERS["nn"] for w in found)
    english = sum(w in ENGLISH for w in found)
    if max(norwegian, english) < MINIMUM or _close(norwegian, english):
        return None
    if english > norwegian:
        return "en"
    forms = Counter()
    for word in found:
        for form in ("nb", "nn"):
            if word in MARKERS[form] or (len(word) >= 6 and word.endswith(ENDINGS[form])):
                forms[form] += 1
    if max(forms["nb"], forms["nn"]) < 2 or _close(forms["nb"], forms["nn"]):
        return "no"
    return "nb" if forms["nb"] > forms["nn"] else "nn"


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
