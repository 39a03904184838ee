"""Reading the analyst's YAML files (configurations, datasets.yaml, portfolio files) safely.

A YAML file is small and written by hand; a file that is not (a «billion laughs» of aliases that
expand to gigabytes, thousands of nested lists, megabytes of text) is refused with a message
before it can take the machine's memory or time. A syntax error names the file, the line and the
column, in words, never the parser's internal names.
"""

from __future__ import annotations

from pathlib import Path

import yaml

MAX_BYTES = 1_000_000  # a report's configuration is a few kilobytes
MAX_ALIASES = 20  # '*name' references: so few cannot expand beyond a few thousand values, however nested
MAX_DEPTH = 32  # nested lists and mappings; a configuration nests four or five deep


class YamlError(ValueError):
    """The file is not YAML one can read safely; the message names the file and where."""


def _guarded(loader: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """`loader` counting aliases and nesting while it composes the document."""

    class Guarded(loader):
        def __init__(self, stream):
            super().__init__(stream)
            self.aliases, self.depth = 0, 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    mark = self.peek_event().start_mark
                    raise YamlError(f"line {mark.line + 1}: more than {MAX_ALIASES} aliases ('*name'); write the "
                                    "values out instead of referring to them")
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    mark = self.peek_event().start_mark
                    raise YamlError(f"line {mark.line + 1}: lists or mappings nested more than {MAX_DEPTH} deep")
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return Guarded


# The parser names what it found by its token; a reader of the message needs words.
TOKENS = {"'<stream end>'": "the end of the file", "'<block end>'": "the end of an indented block",
          "'<block mapping start>'": "an indented 'key: value'", "'<block sequence start>'": "an indented '- item'",
          "'<document start>'": "'---'", "'<scalar>'": "a value"}


def describe(error: yaml.YAMLError) -> str:
    """A parser's error in words: where (line, column) and what."""
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    what = ", ".join(str(p) for p in (getattr(error, "context", None), getattr(error, "problem", None)) if p)
    for token, words in TOKENS.items():
        what = what.replace(token, words)
    return f"{where}not valid YAML" + (f": {what}" if what else "")


def read(path: Path, label: str, loader: type[yaml.SafeLoader] = yaml.SafeLoader):
    """The content of the YAML file at `path`; YamlError naming `label` (the file as the analyst sees
    it) if it is too large, not UTF-8, not valid YAML, or built to explode."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlError(f"{label}: cannot be read ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise YamlError(f"{label}: {size:,} bytes, more than a YAML file of evalreport holds ({MAX_BYTES:,}); "
                        "is it the right file?")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"{label}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        return yaml.load(text, Loader=_guarded(loader))  # noqa: S506 - a SafeLoader
    except YamlError as exc:
        raise YamlError(f"{label}, {exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{label}, {describe(exc)}") from None
    except RecursionError:
        raise YamlError(f"{label}: nested too deep to read") from None
