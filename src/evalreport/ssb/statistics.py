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
from evalreport.ssb.definitions import DEFINITIONS, SSB_LICENCE, StatisticDefinition
from evalreport.ssb.errors import SsbError
from evalreport.ssb.jsonstat import read_symbol
from evalreport.ssb.series import fetch_series

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


def _build_rows(definition: StatisticDefinition, fetched: list, region_codes: Sequence[str],
                years: Sequence[int], robek: Mapping[tuple[str, int], int]) -> tuple[list[dict], list[str], list[str]]:
    """Return the file's rows, the region-years SSB gives no value for, and those without a ROBEK flag."""
    rows, missing, no_flag = [], [], []
    for region in region_codes:
        for year in years:
            found, symbols = None, []
            for source, series, _ in fetched:  # the first table with a value wins
                match = series[(series["region_code"] == region) & (series["year"] == year)]
                if not match.empty and pd.notna(match["value"].iloc[0]):
                    found = (source, match["value"].iloc[0])
                    break
                symbol = read_symbol(match["status"].iloc[0]) if not match.empty else None
                if symbol:
                    symbols.append(f"table {source.table} status '{symbol}'")
            if found is None:
                missing.append(f"{region} {year}" + (f" ({', '.join(symbols)})" if symbols else ""))
                continue
            source, value = found
            row = {"region_code": region, "region_name": regions.region_name(region), "year": year,
                   definition.value_column: format_value(value, definition.integer,
                                                          f"SSB table {source.table}, region {region} {year}")}
            if definition.name == "municipal_finances":
                flag = robek.get((region, year))
                row["robek"] = "" if flag is None else int(flag)
                if flag is None:
                    no_flag.append(f"{region} {year}")
            row.update({"status": "published", "source_url": source.source_url})
            rows.append(row)
    return rows, missing, no_flag


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
        try:
            fetched = [(source, *fetch_series(client, source, region_codes, years, definition.additive))
                       for source in definition.sources]
            rows, missing, no_flag = _build_rows(definition, fetched, region_codes, years, robek)
        except SsbError as exc:
            log.error("%s: %s", definition.name, exc)
            result.problems.append(f"{definition.name}: {exc}")
            continue
        if missing:
            message = (f"{definition.name}: SSB gives no value for {len(missing)} region-year(s), left out of "
                       f"{definition.name}.csv: {'; '.join(missing)}")
            log.warning(message)
            result.problems.append(message)
        if no_flag:
            message = (f"{definition.name}: no ROBEK flag for {'; '.join(no_flag)}; fill in the robek column "
                       "(1 if the municipality was in the ROBEK register) from regjeringen.no")
            log.warning(message)
            result.problems.append(message)
        if not rows:
            continue
        columns = ["region_code", "region_name", "year", definition.value_column,
                   *(["robek"] if definition.name == "municipal_finances" else []), "status", "source_url"]
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{definition.name}.csv"
        pd.DataFrame(rows, columns=columns).to_csv(path, index=False, lineterminator="\n")
        result.written.append(path)
        log.info("wrote %s (%d rows)", path, len(rows))
        retrieved = [info["retrieved"][:10] for _, _, info in fetched if info["retrieved"]]
        absent = "".join(f" Tabell {s.table} har ikke tall for {', '.join(map(str, info['absent_years']))}."
                         for s, _, info in fetched if info["absent_years"])
        result.provenance[definition.name] = {
            "file": path.name,
            "title": definition.title,
            "source": "Statistisk sentralbyrå (SSB), Statistikkbanken tabell "
                      + ", ".join(s.table for s, _, _ in fetched) + ", hentet med PxWebApi v2",
            "source_url": fetched[0][0].source_url,
            "licence": SSB_LICENCE,
            "retrieved": max(retrieved) if retrieved else get_utc_time().date().isoformat(),
            "status": "published",
            "method": definition.method + "".join(describe_codes(series) for _, series, _ in fetched) + absent
                      + (f" Mangler i SSB: {'; '.join(missing)}." if missing else ""),
        }
    return result
