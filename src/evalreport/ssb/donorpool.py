"""The synthetic control's donor pool: persons employed by place of work (4th quarter) in every
municipality, one series per municipality under today's code, written as a long CSV.

A series joins across renumberings (0529 until 2019, then 3443, is one unit): the region
register's `to_current_code` follows renumberings only. A municipality of today that was not one
unit over the years (made by a merger or a split in or after them, so that no single code leads
to it in every year, or two codes do in one year) is left out and listed with the reason: its
history would be the sum of its parts, and we do not add them up ourselves. So are the codes in
use in the years whose series ends (merged into, or split between, others). SSB publishes such
sums through the grouping `agg_KommSummer` (codes K-3103 ...; seen used with 13472 in public
scripts), which could bring the merged municipalities in once that query is verified. A change
of territory under an unchanged code (a boundary adjustment) is not seen through the register's
functions used here (`is_known`, `to_current_code`, `region_name`, `municipalities_in`, and
`current_codes` for where an ended code went).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalreport import regions
from evalreport.ssb.client import SsbClient, get_utc_time
from evalreport.ssb.definitions import DONOR_POOL, SSB_LICENCE, StatisticDefinition
from evalreport.ssb.errors import SsbError
from evalreport.ssb.series import fetch_cells, follow_code, join_renumbered, list_municipalities, to_report_codes
from evalreport.ssb.statistics import format_value

log = logging.getLogger(__name__)

LEFT_OUT_FILE = "donor_pool_left_out.csv"


@dataclass(frozen=True)
class Unit:
    """A municipality whose territory is the same in every year: today's code, and the code in
    use in each year."""

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


def find_units(years: list[int], today: int | None = None) -> tuple[list[Unit], list[dict[str, str]]]:
    """Return today's municipalities whose territory is the same over `years` (one code in use
    each year, all leading to it by renumberings) and the left-out ones, each with the reason
    (region_code, region_name, reason): today's municipalities that are not one unit over the
    years, and the codes in use in the years whose series ends (merged, split or closed).

    `today` is the year whose municipalities are today's (default: this year)."""
    in_use = {year: list_municipalities(year) for year in years}
    empty = [year for year, codes in in_use.items() if not codes]
    if empty:
        raise SsbError(f"the region register has no municipalities for {', '.join(map(str, empty))}; "
                       "choose years it covers")
    current = list_municipalities(today or get_utc_time().year)
    codes_of: dict[str, dict[int, list[str]]] = {code: {} for code in current}
    ended: dict[str, list[int]] = {}
    for year, codes in in_use.items():
        for code in sorted(codes):
            successor = follow_code(code)
            if successor in codes_of:
                codes_of[successor].setdefault(year, []).append(code)
            else:
                ended.setdefault(code, []).append(year)
    # A unit that keeps its code while it takes in another (5030 Klæbu into 5001 Trondheim in
    # 2020) shows only in where the ended code went: `current_codes`.
    last_of: dict[str, int] = {}  # an ended unit (its last code) -> the last year one of its codes is in use
    for code, in_years in ended.items():
        unit = follow_code(code) or code
        last_of[unit] = max(last_of.get(unit, 0), *in_years)
    grew: dict[str, list[tuple[int, str]]] = {}
    for unit, last in last_of.items():
        if last < max(years):  # the unit ended within the years
            for target in regions.current_codes(unit):
                grew.setdefault(target, []).append((last + 1, unit))
    units, left_out = [], []
    for code in sorted(codes_of):
        by_year = codes_of[code]
        merged = {year: codes for year, codes in by_year.items() if len(codes) > 1}
        absent = [year for year in years if year not in by_year]
        if merged:
            year = min(merged)
            reason = (f"sammenslått: {' og '.join(merged[year])} var i bruk samtidig i {year}, og området "
                      "er ikke det samme i hele perioden; delene er ikke lagt sammen")
        elif absent:
            reason = (f"ikke i bruk i {_describe_years(absent)}: kommunen ble til ved sammenslåing eller deling, "
                      "og området er ikke det samme i hele perioden")
        elif code in grew:
            year = min(grew[code])[0]
            reason = (f"tok inn (deler av) {' og '.join(c for y, c in sorted(grew[code]))} fra {year}, og området "
                      "er ikke det samme i hele perioden; delene er ikke lagt sammen")
        else:
            units.append(Unit(code, {year: codes[0] for year, codes in by_year.items()}))
            continue
        left_out.append({"region_code": code, "region_name": _name(code), "reason": reason})
    for code, in_years in sorted(ended.items()):
        left_out.append({"region_code": code, "region_name": _name(code),
                         "reason": f"ikke i bruk i dag (i bruk i {_describe_years(in_years)}): slått sammen med "
                                   "andre eller delt, og serien kan ikke føres over til én kommune i dag"})
    return units, left_out


def _describe_years(years: list[int]) -> str:
    years = sorted(years)
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}" if years == list(
        range(years[0], years[-1] + 1)) else ", ".join(map(str, years))


def build_panel(summed: pd.DataFrame, units: list[Unit], years: list[int],
                definition: StatisticDefinition) -> tuple[pd.DataFrame, list[str]]:
    """Return the panel (one row per unit and year the table gives a value for) and the
    unit-years it gives none for. `summed` holds the table's cells summed to one row per table
    code and year (code, year, value, status)."""
    source = definition.sources[0]
    kept = {unit.region_code for unit in units}
    current = to_report_codes(summed, source).map(follow_code)
    series = join_renumbered(summed[current.isin(kept).to_numpy()], source, definition.additive)
    found = {(r.region_code, int(r.year)): (r.value, r.status) for r in series.itertuples()}
    rows, missing = [], []
    for unit in units:
        for year in years:
            value, status = found.get((unit.region_code, year), (float("nan"), None))
            if pd.isna(value):
                missing.append(f"{unit.region_code} {year}" + (f" (status '{status}')" if status else ""))
                continue
            rows.append({"region_code": unit.region_code, "region_name": regions.region_name(unit.region_code),
                         "year": year,
                         definition.value_column: format_value(value, definition.integer,
                                                               f"SSB table {source.table}, region "
                                                               f"{unit.region_code} {year}"),
                         "status": "published", "source_url": source.source_url})
    columns = ["region_code", "region_name", "year", definition.value_column, "status", "source_url"]
    return pd.DataFrame(rows, columns=columns), missing


def write_donor_pool(first_year: int, last_year: int, out_dir: Path, *, client: SsbClient | None = None,
                     cache_dir: Path | None = None, refresh: bool = False,
                     definition: StatisticDefinition = DONOR_POOL) -> DonorPoolResult:
    """Fetch employment by place of work for every municipality over the years and write
    `<definition.name>.csv` (region_code, region_name, year, employed, status, source_url) and
    donor_pool_left_out.csv (region_code, region_name, reason) to `out_dir`.

    Years the table does not have and unit-years SSB gives no value for are left out of the file
    and named in `problems` and in the provenance record's method. Raise SsbError when the table
    cannot be fetched or does not fit its definition.
    """
    years = list(range(int(first_year), int(last_year) + 1))
    out_dir = Path(out_dir)
    if client is None:
        client = SsbClient(cache_dir or out_dir / "ssb_cache", refresh=refresh)
    source = definition.sources[0]
    result = DonorPoolResult()
    summed, record = fetch_cells(client, source, None, years)
    covered = [year for year in years if year not in record["absent_years"]]
    units, result.left_out = find_units(covered, today=client.now().year)
    labels = next(dict(zip(d.codes, d.labels)) for d in client.read_metadata(source.table)
                  if d.id == source.region_dimension)
    for row in result.left_out:  # a split code has no name today: SSB's label says what it was
        row["region_name"] = row["region_name"] or labels.get(row["region_code"], "")
    panel, missing = build_panel(summed, units, covered, definition)
    if record["absent_years"]:
        result.problems.append(f"{definition.name}: SSB table {source.table} has no figures for "
                               f"{', '.join(map(str, record['absent_years']))}")
    if missing:
        result.problems.append(f"{definition.name}: SSB gives no value for {len(missing)} municipality-year(s), "
                               f"left out of {definition.name}.csv: {'; '.join(missing)}")
    for problem in result.problems:
        log.warning(problem)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{definition.name}.csv"
    panel.to_csv(path, index=False, lineterminator="\n")
    left_out_path = out_dir / LEFT_OUT_FILE
    pd.DataFrame(result.left_out, columns=["region_code", "region_name", "reason"]).to_csv(
        left_out_path, index=False, lineterminator="\n")
    result.written += [path, left_out_path]
    log.info("wrote %s (%d municipalities, %d rows) and %s (%d left out)", path, len(units), len(panel),
             left_out_path, len(result.left_out))
    absent = (f" Tabell {source.table} har ikke tall for {', '.join(map(str, record['absent_years']))}."
              if record["absent_years"] else "")
    result.provenance[definition.name] = {
        "file": path.name,
        "title": definition.title,
        "source": f"Statistisk sentralbyrå (SSB), Statistikkbanken tabell {source.table}, hentet med PxWebApi v2",
        "source_url": source.source_url,
        "licence": SSB_LICENCE,
        "retrieved": (record["retrieved"] or get_utc_time().isoformat())[:10],
        "status": "published",
        "method": definition.method + f" {len(units)} kommuner er med, {len(result.left_out)} er utelatt." + absent
                  + (f" Mangler i SSB: {'; '.join(missing)}." if missing else ""),
    }
    return result
