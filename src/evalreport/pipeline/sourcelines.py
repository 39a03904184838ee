"""Which file and line each line of rendered prose came from, through Jinja.

Jinja drops lines (`{% if %}` that is false), repeats them (`{% for %}`) and brings in whole files
(`{{ prose("background") }}`), and keeps no record of where its output came from. So before Jinja
runs, every line of a text file gets an invisible mark at its start: the file's number and the line's,
written in Unicode space characters (U+3000, U+2000–U+200A, U+205F). Jinja treats them as whitespace
where whitespace matters to it (inside a tag, and for `{%-` and `-%}`, which strip them with the rest),
and copies them to its output with the text. `strip` then takes every mark out of the output and says,
for each output line, the file and line it came from: the last mark before the line's first character
of text (so a line that is only `{{ prose("background") }}` belongs to background.md), or, on a line
without one (its mark was stripped with the whitespace around a tag), the line after the one before it.
"""

from __future__ import annotations

import re

START, SEPARATOR, END = "\u3000", "\u200a", "\u205f"
DIGITS = "".join(chr(0x2000 + n) for n in range(10))  # U+2000 ... U+2009 for 0 ... 9
_TO_DIGIT = {c: str(n) for n, c in enumerate(DIGITS)}
MARK = re.compile(f"{START}([{DIGITS}]+){SEPARATOR}([{DIGITS}]+){END}")


def _number(value: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(value))


def _value(text: str) -> int:
    return int("".join(_TO_DIGIT[c] for c in text))


def remove(text: str) -> str:
    """`text` without any mark (a mark written into a file, or carried into a value)."""
    return MARK.sub("", text)


def mark(source: str, file: int, first_line: int = 1) -> str:
    """`source` with a mark at the start of every line that has any text: file number `file`, the
    lines counted from `first_line`. Marks already in the text (none should be) are removed first."""
    lines = remove(source).split("\n")
    return "\n".join(f"{START}{_number(file)}{SEPARATOR}{_number(first_line + n)}{END}{line}" if line else line
                     for n, line in enumerate(lines))


def strip(text: str, files: list[str]) -> tuple[str, list[tuple[str, int]]]:
    """`text` without its marks, and for each of its lines the (file, line) it came from; `files`
    names the file numbers."""
    clean, origins = [], []
    previous = (files[0] if files else "", 0)
    for line in text.split("\n"):
        found, position = None, 0
        for match in MARK.finditer(line):
            if line[position:match.start()].strip():
                break  # text before this mark: the block started with an earlier one
            found, position = match, match.end()
        if found is None:
            found = MARK.search(line)
        if found:
            previous = (files[_value(found.group(1))], _value(found.group(2)))
        else:
            previous = (previous[0], previous[1] + 1)
        origins.append(previous)
        clean.append(MARK.sub("", line))
    return "\n".join(clean), origins
