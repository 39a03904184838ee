"""The report's configuration: one YAML file per report, checked before any kernel starts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from evalreport import regions, yamlfile
from evalreport.errors import ConfigError, excerpt


# Names of outputs evalreport writes itself beside the reports: `make portfolio` writes build/portfolio.*.
RESERVED_OUTPUT_NAMES = frozenset({"portfolio"})


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
        # Kept as written, in whatever numbering: it is matched with the donor pool's numbers through
        # the region register (ReportConfig.excluded_by_analyst), never by its digits alone.
        if not regions.is_known(code) or len(code) != 4:
            raise ValueError(f"unknown kommunenummer {code!r}{_suggestions(code)}")
        return code


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


class Statements(_Strict):
    """Sentences the standard chapters say on the analyst's behalf, not computed from the data: each is
    said while its switch is on, and `make check` lists them with their text (said_<name> in a chapter's
    text)."""

    follows_guide: bool = Field(True, description="The introduction's mandate says the evaluation follows "
                                "Innovasjon Norge's guide to final evaluations, and cites it.")
    national_study: bool = Field(True, description="The summary cites the national evaluation of the "
                                 "restructuring scheme (Telemarksforsking 2022) and its finding, in reports dated "
                                 "after it was published.")


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
    statements: Statements = Field(default_factory=Statements, description="Sentences the standard chapters say "
                                   "on the analyst's behalf; switch one off where it is not true of the evaluation.")
    draft: bool = Field(False, description="A draft: a PDF failing the PDF/A-2a and PDF/UA-1 checks is kept "
                                           "with a loud warning instead of stopping the build.")
    commissioner: str | None = Field(None, min_length=1, max_length=200,
                                     description="Oppdragsgiver: who commissioned the evaluation (the title page).")
    report_number: str | None = Field(None, min_length=1, max_length=60,
                                      description="The report's number in its publisher's series, e.g. 'Rapport "
                                                  "2018:3' (the title page).")
    isbn: str | None = Field(None, description="The report's ISBN (13 or 10 digits, hyphens as printed); its check "
                                               "digit is checked. On the title page and in the PDF's metadata.")
    issn: str | None = Field(None, description="The ISSN of the series the report is in (NNNN-NNNC); its check digit "
                                               "is checked. On the title page and in the PDF's metadata.")

    @field_validator("isbn", "issn", "report_number", mode="before")
    @classmethod
    def _identifier_as_text(cls, value):
        return str(value) if isinstance(value, int) else value

    @field_validator("isbn", "issn")
    @classmethod
    def _valid_identifier(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        problem = (isbn_problem if info.field_name == "isbn" else issn_problem)(value)
        if problem:
            raise ValueError(problem)
        return value.strip().upper() if info.field_name == "issn" else value.strip()  # an ISSN's X is capital

    @field_validator("municipality", "comparison", mode="before")
    @classmethod
    def _codes_as_text(cls, value):
        # YAML reads 0529 as the number 529 unless quoted; take codes as text either way.
        if isinstance(value, list):
            return [str(v) for v in value]
        return str(value)

    _source: str = PrivateAttr(default="the report configuration")  # the file, as messages name it

    @field_validator("municipality")
    @classmethod
    def _known_municipality(cls, code: str) -> str:
        if not regions.is_known(code) or len(code) != 4:
            raise ValueError(f"unknown kommunenummer {code!r}{_suggestions(code)}")
        return regions.to_current_code(code)

    @model_validator(mode="after")
    def _municipality_ran_the_programme(self) -> ReportConfig:
        # A number whose place did not exist in the programme's years (1579 Hustadvika, formed in
        # 2020, for a programme of 2012-2017) names a municipality that never ran it.
        problem = describe_wrong_place(self.municipality, self.programme.start, self.programme.end)
        if problem:
            raise ValueError(problem)
        return self

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
        if name.lower() in RESERVED_OUTPUT_NAMES:
            raise ValueError(f"'{name}' is the name of the portfolio overview's files (build/{name}.pdf); give the "
                             "report another output_name")
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
        if any(regions.is_same_place(self.municipality, e.code) for e in self.effect.exclude):
            raise ValueError("effect.exclude: the municipality itself cannot be excluded from its own comparison")
        if self.municipality in self.comparison:
            raise ValueError("the municipality itself cannot be one of its comparison areas")
        return self

    @property
    def municipality_name(self) -> str:
        """The municipality's name as it was in the programme's first year (the report names the
        municipality that ran the programme, not what it became)."""
        return regions.region_name(self.municipality_code_in(self.programme.start), self.language,
                                   self.programme.start)

    def municipality_code_in(self, year: int) -> str:
        """The municipality's number in `year` (0529 for Vestre Toten in 2012, 3443 from 2020)."""
        same = [c for c in regions.places_in(self.municipality, year, year) if regions.is_same_place(c, self.municipality)]
        return same[0] if same else self.municipality

    def donors_left_out(self, pool_codes) -> dict[str, str]:
        """The donors among `pool_codes` left out before any figure is looked at, each with its reason
        in the report's language: by rule, every donor that is, contains or overlaps the municipality
        in any year (regions.overlapping_donors: 1579 Hustadvika for 1548 Fræna), and those the analyst
        excludes (`excluded_by_analyst`). The rule's reason wins where both apply."""
        pool = [str(c) for c in pool_codes if str(c) != self.municipality]
        by_rule = regions.overlapping_donors(self.municipality_code_in(self.programme.start), pool, self.language,
                                             self.programme.start)
        return {**self.excluded_by_analyst(pool), **by_rule}

    def excluded_by_analyst(self, pool_codes) -> dict[str, str]:
        """The donors `effect.exclude` leaves out, as the pool numbers them, each with the analyst's
        reason: each number is resolved through the region register (1551 Eide names 1579 Hustadvika
        in a pool of today's numbers). Raise ConfigError naming the file and key of a number that
        matches no municipality in the pool."""
        pool = [str(c) for c in pool_codes]
        excluded, problems = {}, []
        for i, exclusion in enumerate(self.effect.exclude):
            found = regions.resolve_in_pool(exclusion.code, pool)
            if not found:
                problems.append(f"{self._source}: key 'effect.exclude[{i}].code': {exclusion.code} "
                                f"({regions.lookup(exclusion.code).name}) matches no municipality in the donor pool, under "
                                "any of its numbers; correct the number or remove the exclusion")
            for code in found:
                excluded.setdefault(code, exclusion.reason)
        if problems:
            raise ConfigError("\n".join(problems))
        return excluded

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


def isbn_problem(value: str) -> str:
    """What is wrong with an ISBN (ISO 2108), or '' when it is one: 13 digits whose weighted sum
    (1, 3, 1, 3 ...) is a multiple of 10, or 10 whose sum weighted 10 down to 1 is a multiple of 11
    (the last may be X, for 10). Hyphens and spaces are as printed and do not count."""
    digits = re.sub(r"[\s-]", "", str(value)).upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return "" if total % 10 == 0 else (f"'{value}' is not a valid ISBN: its check digit (the last) should be "
                                           f"{(10 - (total - int(digits[-1])) % 10) % 10}; check the number")
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return "" if total % 11 == 0 else f"'{value}' is not a valid ISBN-10: its check digit is wrong; check the number"
    return f"'{value}' is not an ISBN: write its 13 digits (or an old one's 10), hyphens as printed"


def issn_problem(value: str) -> str:
    """What is wrong with an ISSN (ISO 3297), or '' when it is one: NNNN-NNNC, the check digit C such
    that the digits weighted 8 down to 1 sum to a multiple of 11 (X for 10)."""
    match = re.fullmatch(r"\s*(\d{4})-?(\d{3}[\dXx])\s*", str(value))
    if not match:
        return f"'{value}' is not an ISSN: write it as NNNN-NNNN (the last may be X)"
    digits = (match.group(1) + match.group(2)).upper()
    total = sum((8 - i) * int(d) for i, d in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    return "" if digits[7] == expected else (f"'{value}' is not a valid ISSN: its check digit (the last) should be "
                                             f"{expected}; check the number")


def describe_wrong_place(code: str, first: int, last: int) -> str:
    """Why `code` cannot be the municipality of a programme in `first`-`last` (it was not in use
    then), naming the municipalities that were; '' when it can."""
    places = regions.places_in(code, first, last)
    if any(regions.is_same_place(p, code) for p in places):
        return ""
    region = regions.lookup(code)
    formed = [c for c in region.predecessors if c.kind in ("merger", "split", "renumbering")]
    history = ""
    if formed:
        names = [f"{c.old_code} {c.old_name}" for c in sorted(formed, key=lambda c: c.old_code)]
        parts = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        history = f" was formed in {formed[0].date.year} from {parts}"
    elif region.valid_from and region.valid_from.year > last:
        history = f" was formed in {region.valid_from.year}"
    else:
        history = f" was not in use in {first}-{last} ({region.validity})"
    candidates = ", ".join(str(regions.lookup(p)) for p in places) or "none"
    return (f"municipality {code} {region.name}{history}; it did not exist when the programme ran "
            f"({first}-{last}). Write the number of the municipality that ran it: {candidates}")


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
    if not error["loc"]:  # a rule across keys: its words name the keys; the whole file is no finding
        return message
    found = error.get("input")
    if isinstance(found, bool):
        # YAML 1.1 reads an unquoted no, yes, on or off as false or true.
        return (f"key '{where}': YAML read the value as {str(found).lower()} (an unquoted no, yes, on or off is "
                f"read that way); write the value in quotes, for example {where.rsplit('.', 1)[-1]}: \"nb\" or "
                "\"nn\"" if error["loc"][-1] == "language" else
                f"key '{where}': YAML read the value as {str(found).lower()} (an unquoted no, yes, on or off is "
                "read that way); write the value in quotes")
    if error["type"] in ("date_from_datetime_parsing", "date_parsing", "date_type") and isinstance(found, str):
        day_first = re.fullmatch(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*", found)
        example = (f"{day_first[3]}-{int(day_first[2]):02d}-{int(day_first[1]):02d}" if day_first
                   else "2018-06-01 for 1 June 2018")
        return f"key '{where}': '{excerpt(found, 30)}' is not a date written as YYYY-MM-DD; write {example}"
    return f"key '{where}': {message} (found {excerpt(repr(found), 60)})"


def load_config(path: Path, label: str | None = None, require_authorship: bool = True) -> ReportConfig:
    """Read and check the report's YAML file; raise ConfigError listing every problem.

    `label` names the file in messages as the analyst sees it (default: its path).
    `require_authorship=False` lets `author` and `organisation` still be empty (as `make new-case`
    writes them), for the steps before the report is written, such as fetching its data.
    """
    path = Path(path)
    label = label or str(path)
    if not path.is_file():
        raise ConfigError(f"{label}: the report configuration file does not exist")
    try:
        raw = yamlfile.read(path, label, _CodeLoader)
    except yamlfile.YamlError as exc:
        raise ConfigError(str(exc)) from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{label}: expected a mapping of keys to values at the top level")
    if not require_authorship:
        raw = {**raw, **{key: raw.get(key) or "-" for key in ("author", "organisation")}}
    try:
        config = ReportConfig.model_validate(raw)
        config._source = label
        return config
    except ValidationError as exc:
        problems = "\n".join(f"  - {_describe(e)}" for e in exc.errors())
        raise ConfigError(f"{label}: {exc.error_count()} problem(s) in the report configuration:\n{problems}") from None
