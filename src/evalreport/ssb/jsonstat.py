"""Read json-stat2, the format of SSB's PxWebApi v2, into a tidy table.

Ours, not a library's: the json-stat readers on PyPI (pyjstat, and pxwebpy's unpacking) drop the
`status` of each cell, and the report must tell a value SSB withholds ('..', ':', '.') from a
zero; pxwebpy also reads labels rather than codes and cannot read sparse `value` objects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalreport.ssb.errors import SsbError

@dataclass(frozen=True)
class Dimension:
    """One dimension of a json-stat2 dataset: its codes in the dataset's order, with labels."""

    id: str
    label: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    eliminable: bool = False  # True when the API may leave it out of a query (sums it itself)

    @property
    def size(self) -> int:
        """The number of categories."""
        return len(self.codes)


def _name_source(table: str | None) -> str:
    return f"SSB table {table}" if table else "SSB response"


def load_json(body: bytes | str | Mapping, table: str | None = None) -> dict:
    """Return the JSON object of a response body; raise SsbError if it is not a JSON object."""
    if isinstance(body, Mapping):
        return dict(body)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SsbError(f"{_name_source(table)}: the response is not JSON ({exc}); SSB may be down or the "
                       "URL may point to a web page: run again with --refresh later") from None
    if not isinstance(data, dict):
        raise SsbError(f"{_name_source(table)}: expected a json-stat2 object, found {type(data).__name__}")
    return data


def _read_category_codes(dim_id: str, category: Mapping, table: str | None) -> list[str]:
    index = category.get("index")
    if index is None:
        labels = category.get("label") or {}
        if len(labels) == 1:  # json-stat lets a dimension of one category leave out its index
            return [str(next(iter(labels)))]
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: dimension '{dim_id}' has no category index")
    if isinstance(index, list):
        return [str(code) for code in index]
    if isinstance(index, Mapping):
        positions = sorted(index.values()) if all(isinstance(p, int) for p in index.values()) else None
        if positions != list(range(len(index))):
            raise SsbError(f"{_name_source(table)}: malformed json-stat2: the category index of dimension "
                           f"'{dim_id}' is not the positions 0..{len(index) - 1}")
        return [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
    raise SsbError(f"{_name_source(table)}: malformed json-stat2: the category index of dimension '{dim_id}' "
                   f"is a {type(index).__name__}")


def read_dimensions(body: bytes | str | Mapping, table: str | None = None) -> list[Dimension]:
    """Return the dimensions of a json-stat2 dataset (data or metadata) in their `id` order."""
    data = load_json(body, table)
    missing = [key for key in ("id", "size", "dimension") if key not in data]
    if missing:
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: missing {missing}; "
                       "expected a dataset with 'id', 'size' and 'dimension'")
    ids, sizes, dims = data["id"], data["size"], data["dimension"]
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dims, Mapping):
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: 'id' and 'size' must be lists and "
                       "'dimension' an object")
    if len(ids) != len(sizes) or not ids:
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: {len(ids)} dimension ids but {len(sizes)} sizes")
    result = []
    for dim_id, size in zip(ids, sizes):
        dim = dims.get(dim_id)
        if not isinstance(dim, Mapping) or not isinstance(dim.get("category"), Mapping):
            raise SsbError(f"{_name_source(table)}: malformed json-stat2: dimension '{dim_id}' is listed in 'id' "
                           "but has no category in 'dimension'")
        codes = _read_category_codes(dim_id, dim["category"], table)
        if len(codes) != size:
            raise SsbError(f"{_name_source(table)}: malformed json-stat2: dimension '{dim_id}' has {len(codes)} "
                           f"categories but its size is {size}")
        label_of = dim["category"].get("label") or {}
        elimination = (dim.get("extension") or {}).get("elimination")
        result.append(Dimension(id=str(dim_id), label=str(dim.get("label", dim_id)), codes=tuple(codes),
                                labels=tuple(str(label_of.get(code, code)) for code in codes),
                                eliminable=elimination is True))
    return result


def _to_number(value, position: int, table: str | None) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: value {position} is {value!r}, "
                       "not a number or null")
    return float(value)


def _read_values(data: Mapping, count: int, table: str | None) -> np.ndarray:
    if "value" not in data:
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: no 'value' "
                       "(a metadata response where data was expected?)")
    raw = data["value"]
    values = np.full(count, np.nan)
    if isinstance(raw, list):
        if len(raw) != count:
            raise SsbError(f"{_name_source(table)}: malformed json-stat2: {len(raw)} values for {count} cells "
                           "(the product of 'size')")
        for i, value in enumerate(raw):
            values[i] = _to_number(value, i, table)
    elif isinstance(raw, Mapping):  # sparse: {"position": value}
        for key, value in raw.items():
            position = _read_position(key, count, "value", table)
            values[position] = _to_number(value, position, table)
    else:
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: 'value' is a {type(raw).__name__}")
    return values


def _read_position(key, count: int, what: str, table: str | None) -> int:
    try:
        position = int(key)
    except (TypeError, ValueError):
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: '{what}' key {key!r} "
                       "is not a cell number") from None
    if not 0 <= position < count:
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: '{what}' names cell {position}, "
                       f"but there are {count}")
    return position


def _read_statuses(data: Mapping, count: int, table: str | None) -> np.ndarray:
    raw = data.get("status")
    statuses = np.full(count, None, dtype=object)
    if raw is None:
        return statuses
    if isinstance(raw, str):  # one symbol for every cell
        statuses[:] = raw or None
    elif isinstance(raw, list):
        if len(raw) != count:
            raise SsbError(f"{_name_source(table)}: malformed json-stat2: {len(raw)} statuses for {count} cells")
        statuses[:] = [s or None for s in raw]
    elif isinstance(raw, Mapping):
        for key, symbol in raw.items():
            statuses[_read_position(key, count, "status", table)] = symbol or None
    else:
        raise SsbError(f"{_name_source(table)}: malformed json-stat2: 'status' is a {type(raw).__name__}")
    return statuses


def parse_jsonstat(body: bytes | str | Mapping, table: str | None = None) -> pd.DataFrame:
    """Return a json-stat2 dataset as a tidy table, one row per cell.

    Columns: for each dimension `<id>` (the code) and `<id>_label`, then `value` (float; NaN
    where SSB gives no number) and `status` (SSB's symbol such as '..' or ':', else None). A
    missing value is never 0. Raise SsbError naming the problem if the body is not json-stat2.
    """
    data = load_json(body, table)
    dimensions = read_dimensions(data, table)
    shape = tuple(d.size for d in dimensions)
    count = int(np.prod(shape))
    values = _read_values(data, count, table)
    statuses = _read_statuses(data, count, table)
    positions = np.unravel_index(np.arange(count), shape)  # cell number -> position in each dimension
    columns: dict[str, object] = {}
    for dim, position in zip(dimensions, positions):
        columns[dim.id] = np.array(dim.codes, dtype=object)[position]
        columns[f"{dim.id}_label"] = np.array(dim.labels, dtype=object)[position]
    columns["value"] = values
    frame = pd.DataFrame(columns)
    frame["status"] = pd.Series(statuses, index=frame.index, dtype=object)
    return frame


def read_symbol(value) -> str | None:
    """Return SSB's status symbol, or None for no symbol (None, NaN or '')."""
    return value if isinstance(value, str) and value else None


def make_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Return a DataFrame of `rows` whose `status` column holds symbols or None (not pandas' NaN)."""
    frame = pd.DataFrame(rows, columns=columns)
    frame["status"] = pd.Series([read_symbol(s) for s in frame["status"]], index=frame.index, dtype=object)
    return frame

