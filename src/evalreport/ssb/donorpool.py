"""The synthetic control's donor pool: persons employed by place of work (4th quarter) in every
municipality, one series per municipality, written as a long CSV.

A municipality is one unit for the years its territory was the same: its series joins across
renumberings (0529 until 2019, then 3443, is one unit, filed under 3443), and runs for the years
the unit was in use (1548 Fræna 2000-2019; 1579 Hustadvika, which took in Fræna and Eide, from
2020). The effect estimate takes the units with a figure in every year it needs. A unit that took
in another and kept its code (5030 Klæbu into 5001 Trondheim in 2020) is not the same place before
and after: it is left out and listed with the reason. A change of territory under an unchanged
code by a boundary adjustment is not seen here.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalreport import regions
from evalreport.ssb.client import SsbClient
from evalreport.ssb.definitions import DONOR_POOL, StatisticDefinition
from evalreport.ssb.errors import SsbError
from evalreport.ssb.jsonstat import read_symbol
from evalreport.ssb.series import (fetch_cells_of_sources, follow_code, is_municipality_code, join_sources,
                                   list_municipalities, read_table_years)
from evalreport.ssb.statistics import describe_provenance, make_row, output_columns

log = logging.getLogger(__name__)

LEFT_OUT_FILE = "donor_pool_left_out.csv"


@dataclass(frozen=True)
class Unit:
    """A municipality whose territory is the same in every year it is in: its code at the end of its
    renumberings, and the code in use in each year."""

    region_code: str
    codes: dict[int, str]


@dataclass
class DonorPoolResult:
    """What `write_donor_pool` did: the files written, the provenance record of the panel (the
    keys of datasets.yaml), the municipalities left out with the reason, and the problems."""

    written: list[Path] = field(default_factory=list)
    provenance: dict[str, dict[str, str]] = field(default_factory=dict)
    left_out: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _name(code: str) -> str:
    try:
        return regions.region_name(code)
    except (KeyError, ValueError):
        return ""


def _grew_in(code: str, years: list[int]) -> list[tuple[int, str]]:
    """(year, code) of each unit that went into `code` by a merger while `code` was already in use,
    within `years`: the unit took in territory and is not the same place before and after."""
    region = regions.lookup(code)
    found = []
    for change in region.predecessors:
        if change.kind == "merger" and min(years) < change.date.year <= max(years) \
                and region.in_use_on(change.date - dt.timedelta(days=1)):
            found.append((change.date.year, change.old_code))
    return sorted(set(found))


def find_units(years: list[int]) -> tuple[list[Unit], list[dict[str, str]]]:
    """Return the units over `years`: every municipality in use in some of them, joined across
    renumberings, with the code in use in each year it was; and the left-out ones with the reason
    (region_code, region_name, reason): a unit two of whose codes were in use in one year, or one
    that took in another unit within the years."""
    in_use = {year: list_municipalities(year) for year in years}
    empty = [year for year, codes in in_use.items() if not codes]
    if empty:
        raise SsbError(f"the region register has no municipalities for {', '.join(map(str, empty))}; "
                       "choose years it covers")
    codes_of: dict[str, dict[int, list[str]]] = {}
    for year, codes in in_use.items():
        for code in sorted(codes):
            codes_of.setdefault(follow_code(code) or code, {}).setdefault(year, []).append(code)
    units, left_out = [], []
    for code in sorted(codes_of):
        by_year = codes_of[code]
        merged = {year: codes for year, codes in by_year.items() if len(codes) > 1}
        grew = [(y, c) for y, c in _grew_in(code, sorted(by_year)) if regions.is_known(code)]
        if merged:
            year = min(merged)
            reason = (f"sammenslått: {' og '.join(merged[year])} var i bruk samtidig i {year}, og området "
                      "er ikke det samme i alle årene; delene er ikke lagt sammen")
        elif grew:
            year = grew[0][0]
            reason = (f"tok inn (deler av) {' og '.join(c for _, c in grew)} fra {year} og beholdt nummeret, så "
                      "området er ikke det samme i alle årene; delene er ikke lagt sammen")
        else:
            units.append(Unit(code, {year: codes[0] for year, codes in by_year.items()}))
            continue
        left_out.append({"region_code": code, "region_name": _name(code), "reason": reason})
    return units, left_out


def build_panel(series: pd.DataFrame, units: list[Unit], definition: StatisticDefinition
                ) -> tuple[pd.DataFrame, list[str]]:
    """Return the panel (one row per unit and year of its life a table gives a value for) and the
    unit-years none gives one for. `series` is the tables' cells joined (`join_sources`)."""
    found = {(r.region_code, int(r.year)): r for r in series.itertuples()}
    rows, missing = [], []
    for unit in units:
        for year in sorted(unit.codes):
            hit = found.get((unit.region_code, year))
            if hit is None or pd.isna(hit.value):
                status = read_symbol(hit.status) if hit is not None else None
                missing.append(f"{unit.region_code} {year}" + (f" (status '{status}')" if status else ""))
                continue
            rows.append(make_row(definition, unit.region_code, year, hit.value, hit.table))
    return pd.DataFrame(rows, columns=output_columns(definition)), missing


def write_donor_pool(first_year: int, last_year: int | None, out_dir: Path, *, client: SsbClient | None = None,
                     cache_dir: Path | None = None, refresh: bool = False,
                     definition: StatisticDefinition = DONOR_POOL) -> DonorPoolResult:
    """Fetch employment by place of work for every municipality from `first_year` to `last_year`
    (None: the latest year the tables have) and write `<definition.name>.csv` (output_columns) and
    donor_pool_left_out.csv (region_code, region_name, reason) to `out_dir`.

    Years no table has and unit-years SSB gives no value for are left out of the file and named in
    `problems` and in the provenance record's method. Raise SsbError when no table can be fetched or
    a table does not fit its definition.
    """
    out_dir = Path(out_dir)
    if client is None:
        client = SsbClient(cache_dir or out_dir / "ssb_cache", refresh=refresh)
    if last_year is None:
        last_year = max(max(read_table_years(client, source)) for source in definition.sources)
    years = list(range(int(first_year), int(last_year) + 1))
    result = DonorPoolResult()
    cells, fetched = fetch_cells_of_sources(client, definition.sources, None, years)
    covered = sorted({y for info in fetched for y in info["years"]})
    units, result.left_out = find_units(covered)
    labels = {}
    for source in definition.sources:
        if any(info["table"] == source.table for info in fetched):
            labels.update(next(dict(zip(d.codes, d.labels)) for d in client.read_metadata(source.table)
                               if d.id == source.region_dimension))
    for row in result.left_out:  # a code the register has no name for: SSB's label says what it was
        row["region_name"] = row["region_name"] or labels.get(row["region_code"], "")
    kept = {unit.region_code for unit in units}
    own = cells["code"].astype(str)
    in_pool = [regions.is_known(c) and is_municipality_code(c) and follow_code(c) in kept for c in own]
    series = join_sources(cells[in_pool], definition.sources, definition.additive)
    panel, missing = build_panel(series, units, definition)
    absent = [y for y in years if y not in covered]
    if absent:
        result.problems.append(f"{definition.name}: no SSB table ({', '.join(s.table for s in definition.sources)}) "
                               f"has figures for {', '.join(map(str, absent))}")
    if missing:
        result.problems.append(f"{definition.name}: SSB gives no value for {len(missing)} municipality-year(s), left out of "
                               f"{definition.name}.csv: {'; '.join(missing[:20])}"
                               + (f" and {len(missing) - 20} more" if len(missing) > 20 else ""))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{definition.name}.csv"
    panel.to_csv(path, index=False, lineterminator="\n")
    left_out_path = out_dir / LEFT_OUT_FILE
    pd.DataFrame(result.left_out, columns=["region_code", "region_name", "reason"]).to_csv(
        left_out_path, index=False, lineterminator="\n")
    result.written += [path, left_out_path]
    log.info("wrote %s (%d municipalities, %d rows) and %s (%d left out)", path, len(units), len(panel),
             left_out_path, len(result.left_out))
    result.provenance[definition.name] = describe_provenance(
        definition, path, fetched, series, years, missing[:20],
        extra=f" {len(units)} kommuner er med, {len(result.left_out)} er utelatt.")
    return result
