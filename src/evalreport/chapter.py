"""What every chapter notebook starts with: its report's configuration, validated data and language.

A chapter's parameters cell names the report (`config_file`), the case this build validated
(`case_store`) and the project (`project_root`); the build passes all three as papermill
parameters. Run on its own (in JupyterLab) a chapter reads the configuration that `make lab
CASE=<name>` chose, and validates the data itself.

Chapters write their numbers into prose through `glue`: a named value, formatted in the report's
language, that markdown in any chapter or in the case's prose names as `{{ name }}`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from IPython.display import display

from evalreport import casestore, effect, regions, words
from evalreport.config import ReportConfig, load_config
from evalreport.datasets import Case, load_case
from evalreport.errors import ConfigError
from evalreport.exhibits import Look
from evalreport.formatting import Formatter, for_language
from evalreport.project import GLUE_MIMETYPE, Project

CONFIG_VARIABLE = "EVALREPORT_CONFIG"  # set by `make lab CASE=...` for chapters run by hand
LANGUAGES = words.LANGUAGES


@dataclass
class ChapterContext:
    """One report as a chapter sees it."""

    config: ReportConfig
    case: Case
    project_root: Path
    effect_store: str = ""
    fmt: Formatter = field(init=False)

    def __post_init__(self):
        self.fmt = for_language(self.config.language)

    @property
    def effect(self):
        """The effect analysis (evalreport.effect.Analysis): the one the build estimated, or, for a
        chapter run by hand, estimated here."""
        if not hasattr(self, "_effect"):
            self._effect = (effect.read(Path(self.effect_store)) if self.effect_store
                            else effect.analyse(self.config, self.case))
        return self._effect

    @property
    def language(self) -> str:
        return self.config.language

    @property
    def look(self) -> Look:
        """How the report's tables and figures look: the project's templates and chart style."""
        return Look(Project(self.project_root).templates)

    def text(self, key: str, **values) -> str:
        """A word of the report's language from the catalogue (`captions.goals`), its placeholders filled."""
        return words.text(self.language, key, **values)

    def name(self, code: str) -> str:
        """A region's name in the report's language (Hele landet / Heile landet / Norway)."""
        return regions.region_name(code, self.language)

    @property
    def names(self) -> dict[str, str]:
        """Names of the municipality and its comparison areas, by code."""
        return {code: self.name(code) for code in [self.config.municipality, *self.config.comparison]}

    def source(self, *datasets: str) -> str:
        """The source line under a table or figure, from the datasets' provenance; a dataset that is
        not (wholly) published says so, so that a sample is never read as a real evaluation."""
        parts = []
        for name in datasets:
            record = self.case.provenance[name]
            note = "" if record.status == "published" else f" ({self.text(f'status.{record.status}')})"
            parts.append(f"{record.source}{note}")
        return "; ".join(dict.fromkeys(parts))

    def glue(self, **values) -> None:
        """Record named values for the prose: text (already formatted), or yes/no, numbers, lists and
        mappings of them for conditions (`{% if in_robek %}`). The build reads them back from the
        executed notebook; they also go to the JSON sidecar as the report's key figures."""
        checked = {name: _plain(name, value) for name, value in values.items()}
        summary = "\n".join(f"{name} = {value!r}" for name, value in checked.items())
        display({GLUE_MIMETYPE: checked, "text/plain": f"glued for the prose:\n{summary}"}, raw=True)


def _plain(name: str, value):
    """A glued value as JSON can hold it; anything else is a mistake in the chapter."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float)):
        return float(value) if isinstance(value, float) else int(value)
    if hasattr(value, "item"):  # a numpy number
        return _plain(name, value.item())
    if isinstance(value, (list, tuple)):
        return [_plain(name, v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(name, v) for k, v in value.items()}
    raise TypeError(f"glue: '{name}' is a {type(value).__name__}; glue text, numbers, yes/no, lists or mappings")


def load(config_file: str = "", case_store: str = "", project_root: str = "", effect_store: str = "") -> ChapterContext:
    """Return the chapter's context for the report configured in `config_file`."""
    project = Project(Path(project_root).resolve()) if project_root else Project.find()
    config_file = config_file or os.environ.get(CONFIG_VARIABLE, "")
    if not config_file:
        raise ConfigError("this chapter does not know which report it belongs to: open it with "
                          "'make lab CASE=<name>', or set config_file in its parameters cell")
    if case_store:
        config, case, _ = casestore.read(Path(case_store))
        return ChapterContext(config, case, project.root, effect_store)
    config = load_config(project.resolve(config_file))
    return ChapterContext(config, load_case(config, project.resolve(config.data_dir), project.relative), project.root)
