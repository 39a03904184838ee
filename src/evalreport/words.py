"""Every word evalreport adds to a report, from one catalogue per language.

The catalogues are `resources/words/nb.yaml`, `nn.yaml` and `en.yaml`: nested keys by job
(`labels.amount_mnok`, `captions.employment_index`), each a text with `{placeholders}` or a list
of texts (the months). The three must hold exactly the same keys, and each key the same
placeholders, so that a report never lacks a word in one language; they are checked together the
first time a word is asked for. A key or a language that is not there is an error, never a
fallback to bokmål.

    words.text("nn", "captions.employment_index", base_year=2010)
    -> "Sysselsette etter arbeidsstad, indeks 2010 = 100"
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from evalreport.errors import EvalreportError

LANGUAGES = ("nb", "nn", "en")  # bokmål (the default), nynorsk, English


class WordsError(EvalreportError, KeyError):
    """A word the code asks for is not in the catalogue, or the catalogues do not agree."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


def folder() -> Path:
    """Where the catalogues ship: inside the package."""
    return Path(str(resources.files("evalreport.resources") / "words"))


def text(language: str, key: str, **values) -> str:
    """The text under `key` in `language`, its placeholders filled with `values` (every one, no other)."""
    entry = _entry(language, key)
    if not isinstance(entry, str):
        raise WordsError(f"words: '{key}' is a list of texts, not one text")
    needed = placeholders(entry)
    if needed != set(values):
        missing, unknown = sorted(needed - set(values)), sorted(set(values) - needed)
        raise WordsError(f"words: '{key}' in {language}.yaml takes {_names(needed)}"
                         + (f"; missing {', '.join(missing)}" if missing else "")
                         + (f"; no place for {', '.join(unknown)}" if unknown else ""))
    return entry.format(**values) if needed else entry


def texts(language: str, key: str) -> list[str]:
    """The list of texts under `key` (the months, the number words)."""
    entry = _entry(language, key)
    if not isinstance(entry, list):
        raise WordsError(f"words: '{key}' is one text, not a list")
    return list(entry)


def section(language: str, key: str) -> dict[str, str]:
    """Every text directly under `key`, by its last part (for a template: `document.contents` as `contents`)."""
    prefix = f"{key}."
    found = {k[len(prefix):]: v for k, v in catalogue(language).items()
             if k.startswith(prefix) and "." not in k[len(prefix):]}
    if not found:
        raise WordsError(f"words: no section '{key}' in {language}.yaml")
    return found


def catalogue(language: str) -> dict[str, str | list[str]]:
    """The whole catalogue of `language`, flat: dotted key -> text or list of texts."""
    if language not in LANGUAGES:
        raise WordsError(f"words: no catalogue for the language {language!r}; the report's language is one of "
                         f"{', '.join(LANGUAGES)}")
    return _catalogues(str(folder()))[language]


def _entry(language: str, key: str):
    words = catalogue(language)
    if key not in words:
        raise WordsError(f"words: '{key}' is not in {language}.yaml (src/evalreport/resources/words/); add it to "
                         "nb.yaml, nn.yaml and en.yaml")
    return words[key]


def placeholders(entry: str) -> set[str]:
    """The names of the {placeholders} of a text."""
    return {name for _, name, _, _ in string.Formatter().parse(entry) if name is not None}


def _names(names: set[str]) -> str:
    return ", ".join(sorted(names)) if names else "no values"


@lru_cache(maxsize=4)
def _catalogues(directory: str) -> dict[str, dict]:
    loaded, problems = read_catalogues(Path(directory))
    if problems:
        raise WordsError("the catalogues of words do not agree:\n" + "\n".join(f"  {p}" for p in problems))
    return loaded


def read_catalogues(directory: Path) -> tuple[dict[str, dict], list[str]]:
    """Read the three catalogues in `directory` and check them together; return them flat, and the
    problems found (empty when they agree): a key one lacks, placeholders that differ, a value that
    is not text."""
    loaded, problems = {}, []
    for language in LANGUAGES:
        path = directory / f"{language}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: cannot be read ({type(exc).__name__}: {exc})")
            data = {}
        flat: dict = {}
        _flatten(data if isinstance(data, dict) else {}, "", flat, path.name, problems)
        loaded[language] = flat
    reference = loaded[LANGUAGES[0]]
    for language in LANGUAGES[1:]:
        other = loaded[language]
        for key in sorted(set(reference) - set(other)):
            problems.append(f"{language}.yaml: '{key}' is missing (it is in {LANGUAGES[0]}.yaml)")
        for key in sorted(set(other) - set(reference)):
            problems.append(f"{language}.yaml: '{key}' is not in {LANGUAGES[0]}.yaml")
        for key in sorted(set(reference) & set(other)):
            problems += _compare(key, reference[key], other[key], language)
    return loaded, problems


def _flatten(data: dict, prefix: str, flat: dict, name: str, problems: list[str]) -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if not isinstance(key, str):
            problems.append(f"{name}: the key {dotted!r} is not text (quote it: YAML reads yes/no as true/false)")
        elif isinstance(value, dict):
            _flatten(value, f"{dotted}.", flat, name, problems)
        elif isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            try:
                for entry in value if isinstance(value, list) else [value]:
                    placeholders(entry)
            except ValueError as exc:
                problems.append(f"{name}: '{dotted}': {exc} (write a literal brace as {{{{ or }}}})")
                continue
            flat[dotted] = value
        else:
            problems.append(f"{name}: '{dotted}' is {type(value).__name__}, not text (quote it: YAML reads yes, no, "
                            "null and numbers as other things)")


def _compare(key: str, first, other, language: str) -> list[str]:
    where = f"{language}.yaml: '{key}'"
    if isinstance(first, list) != isinstance(other, list):
        return [f"{where} is {'a list' if isinstance(other, list) else 'one text'}, unlike {LANGUAGES[0]}.yaml"]
    if isinstance(first, list):
        if len(first) != len(other):
            return [f"{where} has {len(other)} texts, {LANGUAGES[0]}.yaml {len(first)}"]
        pairs = list(zip(first, other))
    else:
        pairs = [(first, other)]
    for a, b in pairs:
        if placeholders(a) != placeholders(b):
            return [f"{where} takes {_names(placeholders(b))}, {LANGUAGES[0]}.yaml {_names(placeholders(a))}"]
    return []
