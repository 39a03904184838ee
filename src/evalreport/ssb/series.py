"""From one SSB table to one series per region and year: plan the query against the table's
metadata, sum the cells, and join the codes of a renumbered region under today's code.

Region codes are read through evalreport.regions' public functions only (`is_known`,
`to_current_code`, `region_name`, `municipalities_in`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence

import pandas as pd

from evalreport import regions
from evalreport.ssb.client import MAX_CELLS, SsbClient, build_data_url, build_metadata_url
from evalreport.ssb.definitions import ALL_CODES, TableQuery
from evalreport.ssb.errors import SsbError
from evalreport.ssb.jsonstat import Dimension, make_frame, parse_jsonstat, read_symbol

log = logging.getLogger(__name__)


def follow_code(code: str) -> str | None:
    """Return today's code for `code`, or None when the register cannot give one (an unknown
    code, or one whose territory went to several municipalities)."""
    if not regions.is_known(code):
        return None
    try:
        return regions.to_current_code(code)
    except (KeyError, ValueError):
        return None


def list_municipalities(year: int) -> set[str]:
    """Return the municipality codes in use in `year`, from the region register."""
    try:
        return {str(code) for code in regions.municipalities_in(int(year))}
    except ValueError as exc:  # a year the register does not cover
        raise SsbError(f"the region register cannot say which municipalities were in use in {year} ({exc}); "
                       "choose years from the register's first year on") from None


def is_municipality_code(code: str) -> bool:
    """Tell whether `code` has the form of a kommunenummer (four digits)."""
    return len(code) == 4 and code.isdigit()


def list_region_codes(code: str, codes: Iterable[str]) -> list[str]:
    """Return the codes among `codes` that lead to the current form of `code` (3443 -> 0529,
    3443), sorted."""
    current = regions.to_current_code(code)
    return sorted({str(c) for c in codes if follow_code(str(c)) == current})


def plan_query(source: TableQuery, metadata: Sequence[Dimension], region_codes: Iterable[str] | None,
               years: Iterable[int]) -> tuple[dict[str, list[str]], list[int]]:
    """Check the query of `source` against the table's metadata; return the selection to ask for
    (dimension -> codes) and the years the table does not have. `region_codes=None` asks for
    every region the table has.

    Raise SsbError naming the table when a dimension, the content code, a fixed code or every code
    of a region is missing, when a dimension that cannot be left out is not selected, or when the
    query asks for more cells than the API allows.
    """
    table = source.table
    by_id = {d.id: d for d in metadata}
    wanted = [source.region_dimension, source.time_dimension, source.content_dimension, *source.fixed,
              *source.fixed_labels]
    missing = [d for d in wanted if d not in by_id]
    if missing:
        raise SsbError(f"SSB table {table}: no dimension {missing}; the table has {list(by_id)}. "
                       "Update the definition in evalreport/ssb/definitions.py from the table's metadata: "
                       f"{build_metadata_url(table)}")
    unselected = [d.id for d in metadata if d.id not in wanted and not d.eliminable]
    if unselected:
        raise SsbError(f"SSB table {table}: the dimensions {unselected} must be selected (they cannot be left "
                       "out); add them to the definition in evalreport/ssb/definitions.py")
    content_code = resolve_content_code(source, metadata)
    years = sorted(set(int(y) for y in years))
    selection: dict[str, list[str]] = {}
    if region_codes is None:
        selection[source.region_dimension] = [ALL_CODES]
    else:
        available = by_id[source.region_dimension].codes
        reverse = {alias: code for code, alias in source.region_aliases.items()}
        report_codes = [reverse.get(c, c) for c in available]
        region_selection = []
        for code in region_codes:
            found = [source.region_aliases.get(c, c) for c in list_region_codes(code, report_codes)]
            if not found:
                register = {regions.to_current_code(code)}.union(*(list_municipalities(y) for y in years))
                candidates = [source.region_aliases.get(c, c) for c in list_region_codes(code, register)]
                raise SsbError(f"SSB table {table}: region {code} ({regions.region_name(code)}) is not in the "
                               f"table under any of its codes {candidates}")
            region_selection += found
        selection[source.region_dimension] = sorted(set(region_selection))
    time_codes = by_id[source.time_dimension].codes
    wanted_years = {str(y) for y in years}
    selection[source.time_dimension] = [c for c in time_codes if c[:4] in wanted_years]
    table_years = {c[:4] for c in time_codes}
    absent_years = [y for y in years if str(y) not in table_years]
    if not selection[source.time_dimension]:
        raise SsbError(f"SSB table {table}: none of the years {years[0]}-{years[-1]} is in the table "
                       f"(it has {min(table_years)}-{max(table_years)})")
    selection[source.content_dimension] = [content_code]
    for dimension, labels in source.fixed_labels.items():
        selection[dimension] = [_code_of_label(table, by_id[dimension], label) for label in labels]
    for dimension, codes in source.fixed.items():
        if tuple(codes) == (ALL_CODES,):
            selection[dimension] = [ALL_CODES]
            continue
        unknown = [c for c in codes if c not in by_id[dimension].codes]
        if unknown:
            raise SsbError(f"SSB table {table}: dimension {dimension} has no code {unknown}; it has "
                           f"{dict(zip(by_id[dimension].codes, by_id[dimension].labels))}")
        selection[dimension] = list(codes)
    cells = math.prod(by_id[d].size if codes == [ALL_CODES] else len(codes) for d, codes in selection.items())
    if cells > MAX_CELLS:
        raise SsbError(f"SSB table {table}: the query asks for {cells} cells, more than SSB's {MAX_CELLS}; "
                       "ask for fewer years or regions")
    return selection, absent_years


def _fold_label(label: str) -> str:
    return " ".join(label.casefold().split())


def _code_of_label(table: str, dimension: Dimension, label: str) -> str:
    """The code of the category labelled `label` (case and spacing ignored); SsbError naming the labels
    the dimension has when none is."""
    found = [c for c, l in zip(dimension.codes, dimension.labels) if _fold_label(l) == _fold_label(label)]
    if len(found) != 1:
        raise SsbError(f"SSB table {table}: dimension {dimension.id} has {'no' if not found else 'more than one'} "
                       f"category labelled «{label}»; it has {dict(zip(dimension.codes, dimension.labels))}. "
                       "Update the definition in evalreport/ssb/definitions.py from the table's metadata")
    return found[0]


def resolve_content_code(source: TableQuery, metadata: Sequence[Dimension]) -> str:
    """The content code of `source`: its own, checked against the metadata, or the one with its label."""
    contents = next(d for d in metadata if d.id == source.content_dimension)
    if not source.content_code:
        return _code_of_label(source.table, contents, source.content_label)
    if source.content_code not in contents.codes:
        raise SsbError(f"SSB table {source.table}: no content code '{source.content_code}'; the table has "
                       f"{dict(zip(contents.codes, contents.labels))}")
    return source.content_code


def sum_cells(frame: pd.DataFrame, source: TableQuery) -> pd.DataFrame:
    """Sum the cells over `source.sum_over`, leaving one row per region and year.

    A sum with any missing cell is missing (NaN), with the first status symbol among its cells:
    an unknown part makes the total unknown, never smaller.
    """
    if source.monthly:
        return _mean_of_months(frame, source)
    keys = [source.region_dimension, source.time_dimension]
    rows = []
    for (region, period), group in frame.groupby(keys, sort=True):
        if not str(period).isdigit():
            raise SsbError(f"SSB table {source.table}: time code {period!r} is not a year; "
                           "the report needs annual figures")
        symbols = [s for s in map(read_symbol, group["status"]) if s]
        value = float(group["value"].sum()) if group["value"].notna().all() else math.nan
        rows.append({"code": str(region), "year": int(period), "value": value,
                     "status": symbols[0] if symbols else None})
    return make_frame(rows, ["code", "year", "value", "status"])


def _mean_of_months(frame: pd.DataFrame, source: TableQuery) -> pd.DataFrame:
    """A year's value from monthly cells (one per month after the other dimensions are fixed): the
    mean of its twelve months; a year with a month missing has no value (never the mean of fewer)."""
    rows = []
    periods = frame[source.time_dimension].astype(str)
    bad = sorted({p for p in periods if not (len(p) == 7 and p[:4].isdigit() and p[4] == "M" and p[5:].isdigit())})
    if bad:
        raise SsbError(f"SSB table {source.table}: time code(s) {bad[:3]} are not months like 2015M01")
    frame = frame.assign(_year=periods.str[:4].astype(int), _month=periods.str[5:])
    for (region, year), group in frame.groupby([source.region_dimension, "_year"], sort=True):
        symbols = [s for s in map(read_symbol, group["status"]) if s]
        months = group.dropna(subset=["value"])
        complete = len(group) == 12 and group["_month"].nunique() == 12 and len(months) == 12
        rows.append({"code": str(region), "year": int(year), "value": float(months["value"].mean()) if complete else math.nan,
                     "status": (symbols[0] if symbols else None) if not complete else None})
        if not complete and not symbols:
            rows[-1]["status"] = f"{len(months)}/12"
    return make_frame(rows, ["code", "year", "value", "status"])


def to_report_codes(frame: pd.DataFrame, source: TableQuery) -> pd.Series:
    """Return the report's code for each of the table's codes in `frame["code"]` (EAK -> 0)."""
    reverse = {alias: code for code, alias in source.region_aliases.items()}
    return frame["code"].astype(str).map(lambda c: reverse.get(c, c))


def join_renumbered(frame: pd.DataFrame, source: TableQuery, additive: bool) -> pd.DataFrame:
    """Map each region code to today's code and join the series across renumberings.

    `frame` has columns code (the table's), year, value, status. For each current code and
    year, the value under the code in use that year is preferred (0529 in 2019, 3443 in 2020);
    several such codes with values are summed for counts and an error for ratios. A code unknown
    to the region register raises SsbError naming it.
    """
    own = to_report_codes(frame, source)
    unknown = sorted(set(c for c, o in zip(frame["code"], own) if not regions.is_known(o)))
    if unknown:
        raise SsbError(f"SSB table {source.table}: region code(s) {unknown} are not in the region register "
                       "(evalreport.regions); add them with their successor code so the series can be joined, "
                       "or leave them out of the query")
    current = own.map(follow_code)
    unjoinable = sorted(set(o for o, c in zip(own, current) if c is None))
    if unjoinable:
        raise SsbError(f"SSB table {source.table}: region code(s) {unjoinable} have no single successor in the "
                       "region register (split between municipalities?); leave them out of the query")
    in_use = {year: list_municipalities(year) for year in set(frame["year"])}
    frame = frame.assign(own=own.to_numpy(), region_code=current.to_numpy())
    # A county or the country is taken as valid in every year it gives a value for.
    frame["valid"] = [not is_municipality_code(c) or c in in_use[y] for c, y in zip(frame["own"], frame["year"])]
    rows = []
    for (region, year), group in frame.groupby(["region_code", "year"], sort=True):
        present = group[group["value"].notna()]
        preferred = present[present["valid"]] if present["valid"].any() else present
        if preferred.empty:
            ordered = pd.concat([group[group["valid"]], group[~group["valid"]]])
            symbols = [s for s in map(read_symbol, ordered["status"]) if s]
            rows.append({"region_code": region, "year": year, "value": math.nan,
                         "status": symbols[0] if symbols else None, "codes": ",".join(ordered["code"])})
            continue
        if len(preferred) > 1 and not additive:
            raise SsbError(f"SSB table {source.table}: {list(preferred['code'])} all give a value for region "
                           f"{region} in {year}; a ratio of merged municipalities cannot be summed, so "
                           "take SSB's figure for the merged municipality instead")
        rows.append({"region_code": region, "year": year, "value": float(preferred["value"].sum()),
                     "status": None, "codes": ",".join(preferred["code"])})
    return make_frame(rows, ["region_code", "year", "value", "status", "codes"])


def fetch_cells(client: SsbClient, source: TableQuery, region_codes: Sequence[str] | None,
                years: Sequence[int]) -> tuple[pd.DataFrame, dict]:
    """Fetch one table for the regions (None: all) and years, metadata first; return its cells
    summed to one row per table code and year (code, year, value, status) and what was done."""
    metadata = client.read_metadata(source.table)
    selection, absent_years = plan_query(source, metadata, region_codes, years)
    if absent_years:
        log.warning("SSB table %s has no figures for %s", source.table, ", ".join(map(str, absent_years)))
    url = build_data_url(source.table, selection)
    cells = parse_jsonstat(client.get(source.table, url), source.table)
    for dimension in (source.region_dimension, source.time_dimension):
        if dimension not in cells:
            raise SsbError(f"SSB table {source.table}: the response has no dimension {dimension}; {url}")
    if source.content_dimension in cells:
        cells = cells[cells[source.content_dimension] == resolve_content_code(source, metadata)]
    return sum_cells(cells, source), {"url": url, "retrieved": client.retrieved(url), "absent_years": absent_years}


def fetch_series(client: SsbClient, source: TableQuery, region_codes: Sequence[str], years: Sequence[int],
                 additive: bool) -> tuple[pd.DataFrame, dict]:
    """Fetch one table's series for the regions and years (metadata first); return the joined
    series (region_code, year, value, status, codes) and what was done, for the record."""
    summed, record = fetch_cells(client, source, region_codes, years)
    return join_renumbered(summed, source, additive), record


def read_table_years(client: SsbClient, source: TableQuery) -> list[int]:
    """The years `source`'s table has, from its metadata."""
    dimension = next((d for d in client.read_metadata(source.table) if d.id == source.time_dimension), None)
    if dimension is None:
        raise SsbError(f"SSB table {source.table}: no dimension {source.time_dimension}; update the definition in "
                       "evalreport/ssb/definitions.py from the table's metadata")
    return sorted({int(c[:4]) for c in dimension.codes if c[:4].isdigit()})


def fetch_cells_of_sources(client: SsbClient, sources: Sequence[TableQuery], region_codes: Sequence[str] | None,
                           years: Sequence[int]) -> tuple[pd.DataFrame, list[dict]]:
    """Fetch every table of `sources` for the years it has among `years` (one with none is not asked)
    and return their cells, summed to one row per table code and year, with the column `table`, in
    order of precedence; and a record per table asked (table, url, retrieved, years)."""
    frames, records = [], []
    for source in sources:
        has = [y for y in years if y in set(read_table_years(client, source))]
        if not has:
            continue
        regions_here = region_codes
        if region_codes is not None:  # ask each table only for the regions it has under some code
            table_codes = next(d for d in client.read_metadata(source.table) if d.id == source.region_dimension).codes
            reverse = {alias: code for code, alias in source.region_aliases.items()}
            known = [reverse.get(c, c) for c in table_codes]
            regions_here = [c for c in region_codes if list_region_codes(c, known)]
            if not regions_here:
                continue
        summed, record = fetch_cells(client, source, regions_here, has)
        frames.append(summed.assign(table=source.table))
        records.append({**record, "table": source.table, "years": has})
    if not frames:
        raise SsbError(f"none of the SSB tables {', '.join(s.table for s in sources)} has figures for "
                       f"{min(years)}-{max(years)}")
    return pd.concat(frames, ignore_index=True), records


def join_sources(cells: pd.DataFrame, sources: Sequence[TableQuery], additive: bool) -> pd.DataFrame:
    """Join each table's cells across renumberings (`join_renumbered`) and keep, for each region and
    year, the value of the first table in `sources` that has one (region_code, year, value, status,
    codes, table). A region-year no table has a value for keeps the first status symbol given."""
    joined = []
    for rank, source in enumerate(sources):
        part = cells[cells["table"] == source.table]
        if part.empty:
            continue
        series = join_renumbered(part.drop(columns="table"), source, additive)
        joined.append(series.assign(table=source.table, _rank=rank))
    if not joined:
        return make_frame([], ["region_code", "year", "value", "status", "codes"]).assign(table=[])
    every = pd.concat(joined, ignore_index=True)
    every["_missing"] = every["value"].isna()
    every = every.sort_values(["region_code", "year", "_missing", "_rank"], kind="stable")
    first = every.drop_duplicates(["region_code", "year"], keep="first")
    return first.drop(columns=["_rank", "_missing"]).reset_index(drop=True)
