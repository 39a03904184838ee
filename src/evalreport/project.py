"""A project (one checkout) and the cases it holds, resolved from the project root in this one place.

A build is a function of (project, case): both are passed down explicitly, never looked up from
the working directory deep inside the package, so that several reports can be built side by side.

A case is one report: its configuration `reports/<name>.yaml`, its data folder (the
configuration's `data_dir`, by convention `data/<name>/`) and its own writing in `prose/<name>/`:
prose files (`*.md`) that the standard chapters include, and chapters of its own (`NN_name.py` or
`NN_name.md`), which replace the standard chapter with the same number or add one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from evalreport.errors import ConfigError

NOTEBOOKS = "notebooks"
REPORTS = "reports"
PROSE = "prose"
TEMPLATES = "report_templates"
BUILD = "build"
PARTS = ("pyproject.toml", NOTEBOOKS, REPORTS, "data", PROSE, TEMPLATES)  # what a build reads of a project
CHAPTER_NAME = re.compile(r"^(\d+)_[A-Za-z0-9_æøåÆØÅ-]+\.(py|md)$")


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
        import shutil

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
    """One chapter of a report: a notebook to execute, or a markdown file with no code."""

    path: Path
    number: int
    own: bool  # the case's own chapter rather than a standard one

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".py"


def find_chapters(project: Project, prose_dir: Path | None) -> list[Chapter]:
    """The chapters of a report in order: the standard chapters, with the case's own chapters
    replacing a standard one of the same number or coming in between."""
    problems = []
    standard = {}
    for path in sorted(project.notebooks.glob("*")):
        if path.suffix == ".ipynb" and not path.name.startswith("."):
            problems.append(f"{project.relative(path)}: a chapter must be a jupytext text file (.py); convert it with "
                            f"'jupytext --to py:percent {path.name}' and remove the .ipynb")
        match = CHAPTER_NAME.match(path.name)
        if match and path.suffix == ".py":
            standard.setdefault(int(match.group(1)), []).append(Chapter(path, int(match.group(1)), own=False))
    own = {}
    if prose_dir is not None and prose_dir.is_dir():
        for path in sorted(prose_dir.glob("*")):
            if path.suffix == ".ipynb" and not path.name.startswith("."):
                problems.append(f"{project.relative(path)}: a chapter must be a jupytext text file (.py) or markdown "
                                f"(.md); convert it with 'jupytext --to py:percent {path.name}'")
            match = CHAPTER_NAME.match(path.name)
            if match:
                own.setdefault(int(match.group(1)), []).append(Chapter(path, int(match.group(1)), own=True))
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
