"""A panel of units over time, read from a long-form file and checked, and the specification of
an effect estimate on it: which unit was treated and when, its donors, its predictors.

Everything a number depends on is named here and validated before any fit: a predictor is the
mean of one column over a window of years, a window with a missing value for a unit the estimate
uses is an error naming that unit, never silently averaged over fewer years.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evalreport.errors import ConfigError, DatasetError
from evalreport.readers import Layout, read_table

YEARS = re.compile(r"^\s*(\d{1,4})(?:\.0+)?\s*(?:-\s*(\d{1,4})(?:\.0+)?\s*)?$")
MAX_PROBLEMS = 20  # listed in one message; the rest are counted


@dataclass(frozen=True)
class Predictor:
    """The mean of `column` over `years`; `name` tells predictors on the same column apart."""

    name: str
    column: str
    years: tuple[int, ...]


@dataclass(frozen=True)
class Specification:
    """What to estimate. `fit_years` (default: every year before `start`) are the years whose
    outcome MSPE chooses the predictor weights; `donors` (default: every other unit) the units
    the counterfactual may be built from; `effect_years` the years the estimate is the mean gap
    over (default: every year from the start); later years are reported as a window of their own;
    `index_years`, if given, turn the outcome into an index (each unit's mean over those years =
    100) before anything is fitted, so units of every size compare, and a cross-validation fold
    that leaves years out re-bases the index on the years it keeps."""

    outcome: str
    treated: str
    start: int
    predictors: tuple[Predictor, ...] = ()
    fit_years: tuple[int, ...] | None = None
    donors: tuple[str, ...] | None = None
    effect_years: tuple[int, ...] | None = None  # the effect window (default: every year from the start)
    index_years: tuple[int, ...] | None = None  # if set, the outcome is an index: each unit's mean over them = 100


@dataclass(frozen=True)
class Panel:
    """Values of each column as a times x units array (NaN where missing), from a long table."""

    units: tuple[str, ...]
    times: tuple[int, ...]
    values: dict[str, np.ndarray] = field(repr=False)
    source: str = "the panel"

    def column(self, name: str, units: list[str] | tuple[str, ...] | None = None) -> np.ndarray:
        array = self.values[name]
        if units is None:
            return array
        index = {u: i for i, u in enumerate(self.units)}
        return array[:, [index[u] for u in units]]


def parse_years(text: str, what: str = "years") -> tuple[int, ...]:
    """'1988' -> (1988,); '1980-1988' -> (1980, ..., 1988)."""
    match = YEARS.match(str(text))
    if not match:
        raise ConfigError(f"{what}: expected a year such as 1988 or a range such as 1980-1988, found {text!r}")
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    if last < first:
        raise ConfigError(f"{what}: the range {text!r} ends before it starts; write it as {last}-{first}")
    return tuple(range(first, last + 1))


def parse_predictor(text: str) -> Predictor:
    """'COLUMN:YEARS', e.g. 'employment:1980-1988' (the column name may itself contain ':')."""
    column, sep, years = str(text).rpartition(":")
    if not sep or not column.strip():
        raise ConfigError(f"--predictor {text!r}: expected COLUMN:YEARS, e.g. employment:2000-2004 or employment:2008")
    return Predictor(name=f"{column.strip()}:{years.strip()}", column=column.strip(),
                     years=parse_years(years, f"--predictor {text!r}"))


def frame_to_panel(frame: pd.DataFrame, unit: str, time: str, columns: list[str],
                   source: str = "the panel", rows: list[int] | None = None) -> Panel:
    """Build a panel from a long frame with one row per unit and time, in any order.

    Cells may be numbers or text; empty cells are missing. `rows` gives each row's line number in
    its file, for messages (default: the frame's position + 2, a header line then data).
    """
    rows = rows if rows is not None else [i + 2 for i in range(len(frame))]
    missing = [c for c in dict.fromkeys([unit, time, *columns]) if c not in frame.columns]
    if missing:
        raise DatasetError(f"{source}: no column {', '.join(repr(c) for c in missing)}; "
                           f"the file has {', '.join(repr(str(c)) for c in frame.columns)}. "
                           "Name the columns with --unit, --time, --outcome and --predictor as the file's header writes them")
    problems: list[str] = []
    unit_values = [_text(v) for v in frame[unit]]
    for i, value in enumerate(unit_values):
        if value is None:
            problems.append(f"{source}: column {unit!r}, row {rows[i]}: the unit is empty")
    time_numbers = _numbers(frame[time], time, rows, source, problems)
    times = []
    for i, value in enumerate(time_numbers):
        if math.isnan(value):
            if _text(frame[time].iloc[i]) is None:
                problems.append(f"{source}: column {time!r}, row {rows[i]}: the time is empty")
            times.append(None)
        elif not float(value).is_integer():
            problems.append(f"{source}: column {time!r}, row {rows[i]}: expected a whole year such as 1970, found {frame[time].iloc[i]!r}")
            times.append(None)
        else:
            times.append(int(value))
    numbers = {c: _numbers(frame[c], c, rows, source, problems) for c in dict.fromkeys(columns)}
    seen: dict[tuple[str, int], int] = {}
    for i, key in enumerate(zip(unit_values, times)):
        if None in key:
            continue
        if key in seen:
            problems.append(f"{source}: rows {seen[key]} and {rows[i]} both hold unit {key[0]!r} in {key[1]}; keep one")
        else:
            seen[key] = rows[i]
    _raise(problems)
    unit_list = tuple(dict.fromkeys(unit_values))
    time_list = tuple(sorted(set(times)))
    u_index = {u: j for j, u in enumerate(unit_list)}
    t_index = {t: i for i, t in enumerate(time_list)}
    ui = np.array([u_index[u] for u in unit_values])
    ti = np.array([t_index[t] for t in times])
    values = {}
    for column, column_numbers in numbers.items():
        array = np.full((len(time_list), len(unit_list)), np.nan)
        array[ti, ui] = column_numbers
        values[column] = array
    return Panel(units=unit_list, times=time_list, values=values, source=source)


def read_panel(path: str | Path, unit: str, time: str, columns: list[str]) -> Panel:
    """Read a long-form CSV or .xlsx panel (one row per unit and time) and check its values."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file; give the panel's path with --panel")
    wanted = list(dict.fromkeys([unit, time, *columns]))
    table = read_table(path, str(path), Layout(columns=wanted, decimal_columns=tuple(c for c in wanted if c != unit)))
    _raise(table.problems)
    if table.frame.empty:
        raise DatasetError(f"{path}: the file has no data rows")
    return frame_to_panel(table.frame, unit, time, columns, source=str(path), rows=table.rows)


def check_specification(panel: Panel, spec: Specification, min_donors: int = 2) -> tuple[list[str], tuple[int, ...]]:
    """Return (donors, fit years) after checking that every number the estimate needs exists.

    Raises ConfigError or DatasetError with every problem found, each naming unit and year.
    """
    source = panel.source
    if spec.outcome not in panel.values:
        raise DatasetError(f"{source}: no column {spec.outcome!r} for the outcome")
    if spec.treated not in panel.units:
        close = [u for u in panel.units if u.lower() == spec.treated.lower() or spec.treated in u]
        hint = f"; did you mean {', '.join(repr(u) for u in close[:3])}?" if close else f"; units look like {', '.join(repr(u) for u in panel.units[:3])}"
        raise ConfigError(f"--treated {spec.treated!r}: no such unit in {source}{hint}")
    first, last = panel.times[0], panel.times[-1]
    if not (first < spec.start <= last):
        raise ConfigError(f"--start {spec.start}: outside the data, which run from {first} to {last}; the start must "
                          f"leave at least one year before it and be no later than {last}")
    if spec.donors is not None:
        unknown = [d for d in spec.donors if d not in panel.units]
        if unknown:
            raise ConfigError(f"--donors: no unit {', '.join(repr(u) for u in unknown)} in {source}")
        donors = [d for d in dict.fromkeys(spec.donors) if d != spec.treated]
    else:
        donors = [u for u in panel.units if u != spec.treated]
    if len(donors) < min_donors:
        raise ConfigError(f"too few donors: {len(donors)} besides {spec.treated!r}; a synthetic control needs at "
                          f"least {min_donors} units to weigh")
    pre = tuple(t for t in panel.times if t < spec.start)
    fit_years = tuple(spec.fit_years) if spec.fit_years is not None else pre
    late = [t for t in fit_years if t >= spec.start]
    if late:
        raise ConfigError(f"--fit: {late[0]} is not before the start {spec.start}; the weights may only be chosen on years before it")
    problems = []
    if spec.effect_years is not None:
        early = [t for t in spec.effect_years if t < spec.start]
        if early or not spec.effect_years:
            raise ConfigError(f"--effect-years: {early[0] if early else 'no year'} is not from the start {spec.start} on; "
                              "the effect window is a range of years from the start")
        absent = [t for t in spec.effect_years if t not in panel.times]
        if absent:
            problems.append(f"{source}: the effect window names year(s) {_years(absent)} that are not in the data ({first}-{last})")
    if spec.index_years is not None:
        absent = [t for t in spec.index_years if t not in panel.times or t >= spec.start]
        if absent or not spec.index_years:
            problems.append(f"{source}: the index's base years {_years(absent) if absent else '(none)'} are not years "
                            f"before the start in the data ({first}-{last})")
    absent = [t for t in fit_years if t not in panel.times]
    if absent:
        problems.append(f"{source}: --fit names year(s) {_years(absent)} that are not in the data ({first}-{last})")
    for predictor in spec.predictors:
        if predictor.column not in panel.values:
            raise DatasetError(f"{source}: no column {predictor.column!r} for the predictor {predictor.name!r}")
        absent = [t for t in predictor.years if t not in panel.times]
        if absent:
            problems.append(f"{source}: the predictor {predictor.name!r} needs year(s) {_years(absent)}, which are not in the data ({first}-{last})")
    units = [spec.treated, *donors]
    time_index = {t: i for i, t in enumerate(panel.times)}
    outcome = panel.column(spec.outcome, units)
    for j, u in enumerate(units):
        gaps = [t for t, v in zip(panel.times, outcome[:, j]) if math.isnan(v)]
        if gaps:
            role = "the treated unit" if j == 0 else "donor"
            problems.append(f"{source}: {role} {u!r} has no {spec.outcome!r} in {_years(gaps)}; every year of the "
                            "outcome is needed (leave the unit out with --donors, or fill the value)")
    for predictor in spec.predictors:
        rows = [time_index[t] for t in predictor.years if t in time_index]
        block = panel.column(predictor.column, units)[rows]
        for j, u in enumerate(units):
            gaps = [panel.times[r] for r, v in zip(rows, block[:, j]) if math.isnan(v)]
            if gaps:
                problems.append(f"{source}: the predictor {predictor.name!r} has no value for {u!r} in "
                                f"{_years(gaps)}; choose years where every unit has one, or leave {u!r} out with --donors")
    if spec.index_years is not None and not problems:
        rows = [time_index[t] for t in spec.index_years]
        base = outcome[rows].mean(axis=0)
        for j, u in enumerate(units):
            if not base[j] > 0:
                problems.append(f"{source}: {u!r} has no positive {spec.outcome!r} on average over the index's base years "
                                f"{_years(list(spec.index_years))}; an index needs one (leave the unit out with --donors)")
    _raise(problems)
    return donors, fit_years


def bridge_series_break(values: np.ndarray, times: tuple[int, ...] | list[int], year: int | None) -> np.ndarray:
    """Chain-link every unit's series across a break in the statistics (SSB's employment figures
    from 2015 rest on a new source, a-ordningen): from `year` on, each unit's values are divided
    by its own change from the year before to `year` and multiplied by the median change of all
    units that year. The unit-specific jump at the break, which the new source causes, is then
    gone from every later year; what is lost is the unit's own change in that one year, which no
    data can tell apart from the break. `values` is times x units; a break outside the years, or
    None, leaves them as they are. Units with no positive value on both sides of the break are
    left unchanged (they carry NaN or zero, and the caller's checks name them)."""
    times = list(times)
    if year is None or year not in times or times.index(year) == 0:
        return values
    after = times.index(year)
    before = after - 1
    if times[before] != year - 1:
        raise ValueError(f"the series break in {year}: the data have no {year - 1}, the year before it")
    out = values.astype(float).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = out[after] / out[before]
    usable = np.isfinite(change) & (change > 0)
    if not usable.any():
        return out
    common = float(np.median(change[usable]))
    factor = np.where(usable, common / np.where(usable, change, 1.0), 1.0)
    out[after:] = out[after:] * factor
    return out


def index_outcome(panel: Panel, outcome: str, years: tuple[int, ...]) -> Panel:
    """The panel with `outcome` as an index: each unit's mean over `years` = 100."""
    rows = [panel.times.index(t) for t in years]
    values = panel.values[outcome]
    with np.errstate(divide="ignore", invalid="ignore"):
        indexed = values / values[rows].mean(axis=0) * 100
    return Panel(units=panel.units, times=panel.times, values={**panel.values, outcome: indexed}, source=panel.source)


def compute_predictors(panel: Panel, predictors: tuple[Predictor, ...], units: list[str]) -> np.ndarray:
    """Predictor values, predictors x units: each the mean of its column over its years."""
    time_index = {t: i for i, t in enumerate(panel.times)}
    rows = []
    for predictor in predictors:
        block = panel.column(predictor.column, units)[[time_index[t] for t in predictor.years]]
        rows.append(block.mean(axis=0))
    return np.array(rows).reshape(len(predictors), len(units))


def _numbers(series: pd.Series, column: str, rows: list[int], source: str, problems: list[str]) -> np.ndarray:
    out = np.full(len(series), np.nan)
    for i, value in enumerate(series):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, (int, float, np.number)):
            out[i] = float(value)
            continue
        text = str(value).strip()
        if not text:
            continue
        try:
            out[i] = float(text)
        except ValueError:
            problems.append(f"{source}: column {column!r}, row {rows[i]}: expected a number, found {text!r}")
            continue
        if not math.isfinite(out[i]):
            problems.append(f"{source}: column {column!r}, row {rows[i]}: expected a number, found {text!r}")
    return out


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _years(years: list[int]) -> str:
    """1990, 1991, 1992, 1995 -> '1990-1992, 1995'."""
    spans, years = [], sorted(years)
    start = prev = years[0]
    for t in years[1:] + [None]:
        if t is not None and t == prev + 1:
            prev = t
            continue
        spans.append(str(start) if start == prev else f"{start}-{prev}")
        if t is not None:
            start = prev = t
    return ", ".join(spans)


def _raise(problems: list[str]) -> None:
    if not problems:
        return
    shown = problems[:MAX_PROBLEMS]
    more = f"\n  ... and {len(problems) - MAX_PROBLEMS} more" if len(problems) > MAX_PROBLEMS else ""
    raise DatasetError("\n".join(f"  - {p}" for p in shown) + more)
