"""A project (one checkout) and the cases it holds, resolved from the project root in this one place.

A build is a function of (project, case): both are passed down explicitly, never looked up from
the working directory deep inside the package, so that several reports can be built side by side.

A standard chapter is a notebook `notebooks/NN_name.py` (its code: the values it computes and its
tables and figures) with its text beside it, one file per language: `NN_name.md` (bokmål),
`NN_name.nn.md` (nynorsk) and `NN_name.en.md` (English).

A case is one report: its configuration `reports/<name>.yaml`, its data folder (the
configuration's `data_dir`, by convention `data/<name>/`) and its own writing in `prose/<name>/`:
prose files (`*.md`) that the standard chapters include, and chapters of its own (`NN_name.py`,
`NN_name.md`, or both: a notebook and its text), which replace the standard chapter with the same
number or add one. A case writes in its report's one language.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from evalreport.errors import ConfigError

NOTEBOOKS = "notebooks"
REPORTS = "reports"
PROSE = "prose"
TEMPLATES = "report_templates"
TEMPLATE_FOLDER = "evalreport"  # report_templates/evalreport/: the report's templates, styles and chart style
CHART_STYLE = "charts.mplstyle"
EXHIBIT_TEMPLATES = "exhibits"
# How a chapter's glued values travel from its kernel to the build: chapter.glue displays them under this
# MIME type, the renderer reads them back from the executed notebook.
GLUE_MIMETYPE = "application/vnd.evalreport.glue+json"
BUILD = "build"
PARTS = ("pyproject.toml", NOTEBOOKS, REPORTS, "data", PROSE, TEMPLATES)  # what a build reads of a project
CHAPTER_NAME = re.compile(r"^(\d+)_[A-Za-z0-9_æøåÆØÅ-]+\.(py|md)$")
LANGUAGES = ("nb", "nn", "en")  # a standard chapter's text: NN_name.md (nb), NN_name.nn.md, NN_name.en.md
TEXT_NAME = re.compile(r"^(\d+_[A-Za-z0-9_æøåÆØÅ-]+?)(?:\.(nn|en))?\.md$")
ANY_LANGUAGE = "*"  # a case's own chapter's text: in the report's language, whichever it is


@dataclass(frozen=True)
class Project:
    """The folders of one checkout."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project at or above `start` (default: the working directory): the folder with
        pyproject.toml and report_templates/. The command line runs in the project folder."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "pyproject.toml").is_file() and (folder / TEMPLATES).is_dir():
                return cls(folder)
        raise ConfigError(f"no evalreport project found in {here} or above it: run the command in the project "
                          "folder (the one with pyproject.toml and report_templates/)")

    @property
    def notebooks(self) -> Path:
        return self.root / NOTEBOOKS

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES

    @property
    def fonts(self) -> Path:
        return self.templates / "fonts"

    @property
    def look_files(self) -> tuple[Path, Path, Path]:
        """What the tables and figures a chapter makes look like: the fonts folder, the exhibits'
        templates folder and the chart style (see evalreport.exhibits.Look)."""
        folder = self.templates / TEMPLATE_FOLDER
        return self.fonts, folder / EXHIBIT_TEMPLATES, folder / CHART_STYLE

    @property
    def build_dir(self) -> Path:
        return self.root / BUILD

    def resolve(self, path: str | Path) -> Path:
        """A path as written in a configuration: relative to the project root."""
        path = Path(path)
        return path if path.is_absolute() else self.root / path

    def relative(self, path: Path) -> str:
        """`path` as the analyst sees it: relative to the project root where it lies inside."""
        try:
            return Path(os.path.relpath(path, self.root)).as_posix() if path.is_relative_to(self.root) else str(path)
        except ValueError:
            return str(path)

    def config_path(self, case: str | None = None, config: str | None = None) -> Path:
        """The configuration of a case named `case` (reports/<case>.yaml) or at the path `config`."""
        if case and config:
            raise ConfigError("give either CASE=<name> or CONFIG=<file>, not both")
        if case:
            if not re.fullmatch(r"[A-Za-z0-9_-]+", case):
                raise ConfigError(f"case name {case!r}: use letters, digits, '_' and '-' only")
            path = self.root / REPORTS / f"{case}.yaml"
            if not path.is_file():
                known = ", ".join(p.stem for p in self.case_configs()) or "none"
                raise ConfigError(f"there is no case '{case}': {self.relative(path)} does not exist (cases: {known}); "
                                  "make one with 'make new-case CASE=<name> MUNICIPALITY=<code> START=<year> END=<year>'")
            return path
        if not config:
            raise ConfigError("name the report: CASE=<name> or CONFIG=reports/<name>.yaml")
        path = self.resolve(config)
        if not path.is_file():
            raise ConfigError(f"{config}: the report configuration file does not exist")
        return path

    def copy_to(self, target: Path) -> Project:
        """Copy what a build reads (not the package: the installed one is used) to `target`: for the
        benchmark and the tests, which must never touch the analyst's build/."""
        target.mkdir(parents=True, exist_ok=True)
        for part in PARTS:
            source = self.root / part
            if source.is_dir():
                shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__", "ssb_cache"))
            elif source.is_file():
                shutil.copy2(source, target / part)
        return Project(target)

    def case_configs(self) -> list[Path]:
        """Every case's configuration in reports/, by name."""
        return sorted((self.root / REPORTS).glob("*.yaml"))


@dataclass(frozen=True)
class Chapter:
    """One chapter of a report: a notebook to execute (with its text beside it, or in its cells), or a
    markdown file with no code."""

    path: Path
    number: int
    own: bool  # the case's own chapter rather than a standard one
    texts: tuple[tuple[str, Path], ...] = ()  # (language, file) of a notebook's text beside it

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".py"

    def text_file(self, language: str) -> Path | None:
        """The file that holds the chapter's text in `language`, or None where its text is in its cells
        (a notebook without one) or is the chapter itself (a markdown chapter)."""
        files = dict(self.texts)
        return files.get(language) or files.get(ANY_LANGUAGE)


def text_file_name(stem: str, language: str) -> str:
    """The name of a standard chapter's text in `language`: 50_sysselsetting.md, 50_sysselsetting.nn.md, ..."""
    return f"{stem}.md" if language == LANGUAGES[0] else f"{stem}.{language}.md"


def _standard_texts(project: Project, notebooks: dict[str, Path], problems: list[str]) -> dict[str, tuple]:
    """Each standard notebook's text files, by its stem: all three languages or none; a text without
    its notebook is a mistake."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(project.notebooks.glob("*.md")):
        match = TEXT_NAME.match(path.name)
        if not match:
            if re.match(r"\d+_", path.name):
                problems.append(f"{project.relative(path)}: a chapter's text is named NN_name.md (bokmål), "
                                f"NN_name.nn.md or NN_name.en.md")
            continue
        stem, language = match.group(1), match.group(2) or LANGUAGES[0]
        if stem not in notebooks:
            problems.append(f"{project.relative(path)}: the text of a chapter without its notebook "
                            f"({stem}.py); rename it to its chapter's name or remove it")
            continue
        found.setdefault(stem, {})[language] = path
    for stem, files in found.items():
        missing = [text_file_name(stem, language) for language in LANGUAGES if language not in files]
        if missing:
            problems.append(f"{project.relative(notebooks[stem])}: its text is missing in {', '.join(missing)}; a "
                            "standard chapter is written in every language (nb, nn, en), one file each")
    return {stem: tuple((language, files[language]) for language in LANGUAGES) for stem, files in found.items()
            if len(files) == len(LANGUAGES)}


def find_chapters(project: Project, prose_dir: Path | None) -> list[Chapter]:
    """The chapters of a report in order: the standard chapters, with the case's own chapters
    replacing a standard one of the same number or coming in between."""
    problems = []
    standard, notebooks = {}, {}
    for path in sorted(project.notebooks.glob("*")):
        if path.suffix == ".ipynb" and not path.name.startswith("."):
            problems.append(f"{project.relative(path)}: a chapter must be a jupytext text file (.py); convert it with "
                            f"'jupytext --to py:percent {path.name}' and remove the .ipynb")
        match = CHAPTER_NAME.match(path.name)
        if match and path.suffix == ".py":
            notebooks[path.stem] = path
    texts = _standard_texts(project, notebooks, problems)
    for stem, path in notebooks.items():
        number = int(CHAPTER_NAME.match(path.name).group(1))
        standard.setdefault(number, []).append(Chapter(path, number, own=False, texts=texts.get(stem, ())))
    own = {}
    if prose_dir is not None and prose_dir.is_dir():
        for path in sorted(prose_dir.glob("*")):
            if path.suffix == ".ipynb" and not path.name.startswith("."):
                problems.append(f"{project.relative(path)}: a chapter must be a jupytext text file (.py) or markdown "
                                f"(.md); convert it with 'jupytext --to py:percent {path.name}'")
            match = CHAPTER_NAME.match(path.name)
            if not match or (path.suffix == ".md" and path.with_suffix(".py").is_file()):
                continue  # NN_name.md beside NN_name.py is that notebook's text
            text = path.with_suffix(".md")
            texts_of = ((ANY_LANGUAGE, text),) if path.suffix == ".py" and text.is_file() else ()
            own.setdefault(int(match.group(1)), []).append(Chapter(path, int(match.group(1)), own=True, texts=texts_of))
    for group in (standard, own):
        for number, chapters in group.items():
            if len(chapters) > 1:
                problems.append(f"two chapters with the number {number}: "
                                f"{', '.join(project.relative(c.path) for c in chapters)}; give each its own number")
    if problems:
        raise ConfigError("\n".join(problems))
    merged = {n: c[0] for n, c in standard.items()} | {n: c[0] for n, c in own.items()}
    if not merged:
        raise ConfigError(f"no chapters (NN_name.py) in {project.relative(project.notebooks)}")
    return [merged[n] for n in sorted(merged)]
