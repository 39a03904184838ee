"""The report's configuration: one YAML file per report, checked before any kernel starts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evalreport import regions
from evalreport.errors import ConfigError, excerpt

JOB_KINDS = ("new_jobs", "secured_jobs", "other")


class _Strict(BaseModel):
    # Unknown keys are an error: a mistyped key must never be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Programme(_Strict):
    """The restructuring programme's own years."""

    start: int = Field(ge=1980, le=2100, description="First year of the programme.")
    end: int = Field(ge=1980, le=2100, description="Last year of the programme.")
    status_applied: int | None = Field(None, description="Year the municipality applied for restructuring status.")
    jobs_lost: int | None = Field(None, ge=0, description="Jobs lost in the shock that triggered the status.")

    @model_validator(mode="after")
    def _check_order(self) -> Programme:
        if self.end < self.start:
            raise ValueError(f"programme.end ({self.end}) is before programme.start ({self.start})")
        if self.status_applied is not None and self.status_applied > self.start:
            raise ValueError("programme.status_applied must not be after programme.start")
        return self


class Period(_Strict):
    """The years of statistics the report shows."""

    start: int = Field(ge=1980, le=2100)
    end: int = Field(ge=1980, le=2100)

    @model_validator(mode="after")
    def _check_order(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period.end ({self.end}) is before period.start ({self.start})")
        return self


class Exclusion(_Strict):
    """A municipality left out of the donor pool, and why (a programme of its own in the same years,
    the same commuting region as the case ...)."""

    code: str
    reason: str = Field(min_length=3, description="Why it is left out; the report prints it.")

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value):
        return str(value)

    @field_validator("code")
    @classmethod
    def _known(cls, code: str) -> str:
        if not regions.is_known(code):
            raise ValueError(f"unknown kommunenummer {code!r}{_suggestions(code)}")
        return regions.to_current_code(code)


class EffectSettings(_Strict):
    """The synthetic control of chapter 4: who may be in the control group, and the rules its text follows."""

    exclude: list[Exclusion] = Field(default_factory=list, description="Municipalities left out of the donor pool.")
    fit_years: list[int] | None = Field(None, description="Years before the programme whose employment the control "
                                                          "group is fitted to, as a list or a range such as 2000-2010 "
                                                          "(default: every year of the period before the programme); "
                                                          "they may reach before the period, if the donor pool does.")
    significance: float = Field(0.10, gt=0, lt=1, description="The placebo p-value at or below which the report calls "
                                                              "an effect distinguishable from normal variation.")
    noise_floor: float | None = Field(None, gt=0, description="Off by default (the studentised placebo test). A number "
                                                             "switches to the classic post/pre-period MSPE ratio test, "
                                                             "with a fit before the programme closer than this (index "
                                                             "points) counted as this close; its size is not controlled "
                                                             "(see make validate-method).")
    series_break: int | None = Field(2015, ge=1995, description="The first year of a break in the employment "
                                                                "statistics (SSB's a-ordningen from 2015), bridged by "
                                                                "chain-linking each municipality's series with the "
                                                                "median change that year; null for none.")

    @field_validator("fit_years", mode="before")
    @classmethod
    def _years(cls, value):
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", value)
            if not match or int(match.group(1)) > int(match.group(2)):
                raise ValueError("write the years as a list or a range such as 2000-2010")
            return list(range(int(match.group(1)), int(match.group(2)) + 1))
        return value


class ReportConfig(_Strict):
    """Everything that makes one report differ from another built from the same notebooks."""

    title: str = Field(min_length=1)
    municipality: str = Field(description="Kommunenummer, old or current (0529 or 3443).")
    programme: Programme
    period: Period
    base_year: int = Field(description="Year that is 100 in the employment index.")
    comparison: list[str] = Field(min_length=1, description="Region codes to compare with.")
    author: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    report_date: dt.date
    language: Literal["nb", "nn", "en"] = "nb"
    data_dir: str = Field(description="Folder of the report's input data, relative to the project root.")
    prose_dir: str | None = Field(None, description="Folder of the case's own prose and chapters, relative to the "
                                                     "project root (default: prose/<name of this file>).")
    output_name: str = Field(max_length=100, description="File name of the PDF, without suffix.")
    administration_area: str | None = Field(
        None, min_length=1, description="The focus area in spending.csv and projects.csv that is the programme's own "
                                        "administration: counted in spending, not as projects.")
    goal_indicators: dict[str, Literal["new_jobs", "secured_jobs", "other"]] = Field(
        default_factory=dict, description="Every indicator used in goals.csv, and whether it counts new jobs, "
                                          "secured jobs or something else.")
    effect_pre_years: list[int] | None = Field(
        None, description="Years before the programme that the effect estimate starts from "
                          "(default: the year before the programme).")
    effect: EffectSettings = Field(default_factory=EffectSettings)
    draft: bool = Field(False, description="A draft: a PDF failing the PDF/A-2a and PDF/UA-1 checks is kept "
                                           "with a loud warning instead of stopping the build.")

    @field_validator("municipality", "comparison", mode="before")
    @classmethod
    def _codes_as_text(cls, value):
        # YAML reads 0529 as the number 529 unless quoted; take codes as text either way.
        if isinstance(value, list):
            return [str(v) for v in value]
        return str(value)

    @field_validator("municipality")
    @classmethod
    def _known_municipality(cls, code: str) -> str:
        if not regions.is_known(code) or len(code) != 4:
            raise ValueError(f"unknown kommunenummer {code!r}{_suggestions(code)}")
        return regions.to_current_code(code)

    @field_validator("comparison")
    @classmethod
    def _known_comparison(cls, codes: list[str]) -> list[str]:
        unknown = [c for c in codes if not regions.is_known(c)]
        if unknown:
            raise ValueError("; ".join(f"unknown region code {c!r}{_suggestions(c)}" for c in unknown)
                             + " (use a kommunenummer, a fylkesnummer or '0' for the whole country)")
        current = [regions.to_current_code(c) for c in codes]
        repeated = sorted({c for c in current if current.count(c) > 1})
        if repeated:
            raise ValueError(f"region(s) {repeated} appear more than once (an old and a new number count as one); "
                             "list each once")
        return current

    @field_validator("output_name")
    @classmethod
    def _file_name(cls, name: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*", name):
            raise ValueError("must be a plain file name of letters, digits, '_', '-' and '.', not starting with "
                             "'.' (no folders, no '..')")
        return name

    @model_validator(mode="after")
    def _check_years(self) -> ReportConfig:
        if not self.period.start <= self.programme.start <= self.programme.end <= self.period.end:
            raise ValueError("the programme's years must lie inside period")
        if not self.period.start <= self.base_year <= self.period.end:
            raise ValueError(f"base_year {self.base_year} is outside period {self.period.start}-{self.period.end}")
        for year in self.effect_pre_years or []:
            if not self.period.start <= year < self.programme.start:
                raise ValueError(f"effect_pre_years: {year} must lie in the period and before the programme")
        for year in self.effect.fit_years or []:
            if not 1994 <= year < self.programme.start:
                raise ValueError(f"effect.fit_years: {year} must lie before the programme, and in 1994 or later")
        if self.municipality in {e.code for e in self.effect.exclude}:
            raise ValueError("effect.exclude: the municipality itself cannot be excluded from its own comparison")
        if self.municipality in self.comparison:
            raise ValueError("the municipality itself cannot be one of its comparison areas")
        return self

    @property
    def municipality_name(self) -> str:
        return regions.region_name(self.municipality, self.language)

    @property
    def jobs_indicators(self) -> dict[str, list[str]]:
        """The goal indicators that count new jobs and secured jobs."""
        return {kind: [i for i, k in self.goal_indicators.items() if k == kind] for kind in ("new_jobs", "secured_jobs")}

    @property
    def effect_controls(self) -> list[str]:
        """The comparison areas the effect estimate compares with: the municipalities among them,
        since a county or the nation contains the municipality itself; all of them if none is."""
        municipalities = [c for c in self.comparison if len(c) == 4]
        return municipalities or list(self.comparison)

    @property
    def pre_years(self) -> list[int]:
        """The years the effect estimate starts from."""
        return list(self.effect_pre_years or [self.programme.start - 1])

    @property
    def fit_years(self) -> list[int]:
        """The years before the programme the synthetic control is fitted to."""
        return sorted(self.effect.fit_years or range(self.period.start, self.programme.start))

    @property
    def programme_years(self) -> list[int]:
        return list(range(self.programme.start, self.programme.end + 1))


def _suggestions(code: str) -> str:
    """Near matches for an unknown code, for the message."""
    try:
        near = regions.suggest(code)
    except AttributeError:  # a register without suggestions
        return ""
    return f"; did you mean {', '.join(str(n) for n in near)}?" if near else ""


class _CodeLoader(yaml.SafeLoader):
    """YAML 1.1 reads an unquoted 0502 as the octal number 322. Region codes are written that
    way, so a plain scalar of digits with a leading zero stays text."""

    def construct_yaml_int(self, node):
        value = self.construct_scalar(node)
        if re.fullmatch(r"0\d+", value):
            return value
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):
        # An impossible date (2018-13-01) stays text, so that the schema names the key it belongs to.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_CodeLoader.add_constructor("tag:yaml.org,2002:int", _CodeLoader.construct_yaml_int)
_CodeLoader.add_constructor("tag:yaml.org,2002:timestamp", _CodeLoader.construct_yaml_timestamp)


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{where}': remove it or check its spelling"
    if error["type"] == "missing":
        return f"missing key '{where}'"
    if error["type"] == "string_too_short" and error.get("input") == "":
        return f"key '{where}' is empty: fill it in"
    message = error["msg"].removeprefix("Value error, ")
    return f"key '{where}': {message} (found {excerpt(repr(error.get('input')), 60)})"


def load_config(path: Path, label: str | None = None) -> ReportConfig:
    """Read and check the report's YAML file; raise ConfigError listing every problem.

    `label` names the file in messages as the analyst sees it (default: its path).
    """
    path = Path(path)
    label = label or str(path)
    if not path.is_file():
        raise ConfigError(f"{label}: the report configuration file does not exist")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_CodeLoader)  # noqa: S506 - a SafeLoader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{label}: not valid YAML: {excerpt(exc, 300)}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{label}: expected a mapping of keys to values at the top level")
    try:
        return ReportConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"  - {_describe(e)}" for e in exc.errors())
        raise ConfigError(f"{label}: {exc.error_count()} problem(s) in the report configuration:\n{problems}") from None
