"""The report's statistics files from SSB: population, employment, dwellings, enterprises and
municipal finances for the case's regions and years, each with a provenance record."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalreport import regions
from evalreport.ssb.client import SsbClient, get_utc_time
from evalreport.ssb.definitions import DEFINITIONS, SSB_LICENCE, STATBANK_URL, StatisticDefinition, side_of_break
from evalreport.ssb.errors import SsbError, SsbUnreachable
from evalreport.ssb.jsonstat import read_symbol
from evalreport.ssb.series import fetch_cells_of_sources, join_sources

log = logging.getLogger(__name__)


@dataclass
class StatisticsResult:
    """What `write_statistics` did: the files written, a provenance record per dataset (the keys
    of datasets.yaml), and the problems that left a file out or values missing."""

    written: list[Path] = field(default_factory=list)
    provenance: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_robek(path: Path) -> dict[tuple[str, int], int]:
    """Return the ROBEK flags (current region code, year) -> 0/1 of a municipal_finances.csv."""
    if not path.is_file():
        return {}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"region_code", "year", "robek"} <= set(frame.columns):
        return {}
    return {(regions.to_current_code(r.region_code), int(r.year)): int(r.robek)
            for r in frame.itertuples() if r.robek.strip() and regions.is_known(r.region_code)}


def format_value(value: float, integer: bool, where: str) -> int | float:
    if not integer:
        return float(value)
    if abs(value - round(value)) > 1e-9:
        raise SsbError(f"{where}: expected a whole number, SSB gives {value}")
    return int(round(value))


def describe_codes(series: pd.DataFrame) -> str:
    """Say which old codes were joined into today's (0529 -> 3443), for the provenance record."""
    pairs = sorted({(code, current) for codes, current in zip(series["codes"], series["region_code"])
                    for code in codes.split(",") if code and code != current})
    if not pairs:
        return ""
    return " Tall under eldre kommunenummer er ført over til dagens: " + ", ".join(
        f"{code} → {current}" for code, current in pairs) + "."


def output_columns(definition: StatisticDefinition) -> list[str]:
    """The columns of a statistics file, in order."""
    return ["region_code", "region_name", "year", definition.value_column,
            *(["robek"] if definition.name == "municipal_finances" else []), "status", "source_url",
            *(["source_table"] if definition.record_table else []),
            *(["series_break"] if definition.series_break is not None else [])]


def make_row(definition: StatisticDefinition, region: str, year: int, value: float, table: str) -> dict:
    """One row of a statistics file: the value as SSB gives it (rounded where the definition says),
    where it was published, and on which side of the series break it lies."""
    source = next(s for s in definition.sources if s.table == table)
    value = format_value(value, definition.integer, f"SSB table {table}, region {region} {year}")
    if definition.decimals is not None:
        value = round(value, definition.decimals)
    row = {"region_code": region, "region_name": regions.region_name(region), "year": year,
           definition.value_column: value, "status": "published", "source_url": source.source_url}
    if definition.record_table:
        row["source_table"] = table
    if definition.series_break is not None:
        row["series_break"] = side_of_break(year, definition.series_break)
    return row


def _build_rows(definition: StatisticDefinition, series: pd.DataFrame, region_codes: Sequence[str],
                years: Sequence[int], robek: Mapping[tuple[str, int], int]) -> tuple[list[dict], list[str], list[str]]:
    """Return the file's rows, the region-years SSB gives no value for, and those without a ROBEK flag."""
    found = {(r.region_code, int(r.year)): r for r in series.itertuples()}
    rows, missing, no_flag = [], [], []
    for region in region_codes:
        for year in years:
            hit = found.get((region, year))
            if hit is None or pd.isna(hit.value):
                symbol = read_symbol(hit.status) if hit is not None else None
                missing.append(f"{region} {year}" + (f" (table {hit.table} status '{symbol}')" if symbol else ""))
                continue
            row = make_row(definition, region, year, hit.value, hit.table)
            if definition.name == "municipal_finances":
                flag = robek.get((region, year))
                row["robek"] = "" if flag is None else int(flag)
                if flag is None:
                    no_flag.append(f"{region} {year}")
            rows.append(row)
    return rows, missing, no_flag


def describe_provenance(definition: StatisticDefinition, path: Path, fetched: list[dict], series: pd.DataFrame,
                        years: Sequence[int], missing: Sequence[str], extra: str = "") -> dict[str, str]:
    """The provenance record (the keys of datasets.yaml) of a file written from SSB's tables."""
    retrieved = [info["retrieved"][:10] for info in fetched if info["retrieved"]]
    covered = {y for info in fetched for y in info["years"]}
    absent = [y for y in years if y not in covered]
    used = ", ".join(f"{info['table']} ({min(info['years'])}-{max(info['years'])})" for info in fetched)
    return {
        "file": path.name,
        "title": definition.title,
        "source": f"Statistisk sentralbyrå (SSB), Statistikkbanken tabell {used}, hentet med PxWebApi v2",
        "source_url": STATBANK_URL.format(table=fetched[0]["table"]),
        "licence": SSB_LICENCE,
        "retrieved": max(retrieved) if retrieved else get_utc_time().date().isoformat(),
        "status": "published",
        "method": definition.method + extra + describe_codes(series)
                  + (f" Ingen av tabellene har tall for {', '.join(map(str, absent))}." if absent else "")
                  + (f" Mangler i SSB: {'; '.join(missing)}." if missing else ""),
    }


def write_statistics(region_codes: Iterable[str], first_year: int, last_year: int, out_dir: Path, *,
                     client: SsbClient | None = None, cache_dir: Path | None = None, refresh: bool = False,
                     robek: Mapping[tuple[str, int], int] | None = None,
                     definitions: Sequence[StatisticDefinition] = DEFINITIONS) -> StatisticsResult:
    """Fetch the report's public statistics for the regions and years and write them to `out_dir`
    (population.csv, employment.csv, dwellings.csv, enterprises.csv, municipal_finances.csv).

    Fetches what it can: a dataset whose table fails is left out and named in `problems`; a
    value SSB does not give (status '..', ':' ...) is left out of the file and named too, never
    written as 0. ROBEK flags come from `robek`, else from the municipal_finances.csv already in
    `out_dir`; a missing flag is left empty and named in `problems`.
    """
    region_codes = list(dict.fromkeys(regions.to_current_code(c) for c in region_codes))
    years = list(range(int(first_year), int(last_year) + 1))
    out_dir = Path(out_dir)
    if client is None:
        client = SsbClient(cache_dir or out_dir / "ssb_cache", refresh=refresh)
    if robek is None:
        robek = read_robek(out_dir / "municipal_finances.csv")
    result = StatisticsResult()
    for definition in definitions:
        # The problems are returned, not logged: the command prints each once.
        try:
            cells, fetched = fetch_cells_of_sources(client, definition.sources, region_codes, years)
            series = join_sources(cells, definition.sources, definition.additive)
            rows, missing, no_flag = _build_rows(definition, series, region_codes, years, robek)
        except SsbUnreachable:
            raise  # no table can be fetched either: the command says so once
        except SsbError as exc:
            result.problems.append(f"{definition.name}: {exc}")
            continue
        if missing:
            result.problems.append(f"{definition.name}: SSB gives no value for {len(missing)} region-year(s), left "
                                   f"out of {definition.name}.csv: {'; '.join(missing)}")
        if no_flag:
            result.problems.append(f"{definition.name}: no ROBEK flag for {'; '.join(no_flag)}; fill in the robek "
                                   "column (1 if the municipality was in the ROBEK register) from regjeringen.no")
        if not rows:
            continue
        columns = output_columns(definition)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{definition.name}.csv"
        pd.DataFrame(rows, columns=columns).to_csv(path, index=False, lineterminator="\n")
        result.written.append(path)
        log.info("wrote %s (%d rows)", path, len(rows))
        result.provenance[definition.name] = describe_provenance(definition, path, fetched, series, years, missing)
    return result
