"""Statistics Norway's PxWebApi v2: fetch the public series the report needs, cache them, and
write the report's statistics files.

The parts, each usable on its own:

* `parse_jsonstat` turns a json-stat2 body into a tidy table: one row per cell, a code and a
  label column per dimension, the value (NaN where SSB has none) and SSB's status symbol.
* `SsbClient` fetches through an injectable `fetch` callable (the default uses urllib only),
  keeps to the API's limit of 30 calls a minute (`RateLimiter`), retries 429 and 503 with
  exponential backoff honouring Retry-After, and caches every raw response on disk with a
  manifest (table, URL, query, time retrieved, sha256 of the body, file).
* `DEFINITIONS` says, as data, which table, content code and dimensions make each of the
  report's statistics, and how cells are summed.
* `write_statistics` fetches the metadata of each table first, checks that every dimension and
  code it asks for exists, fetches the data, joins series across the 2020 renumbering under
  today's codes, and writes the CSV files in the report's format with a provenance record each.

Nothing here runs at import, and nothing but `write_statistics`/`SsbClient` touches the network:
building the report reads only the files this module wrote.

API: https://data.ssb.no/api/pxwebapi/v2 (config: maxCallsPerTimeWindow 30, timeWindow 60 s,
maxDataCells 800 000; selections as `valueCodes[DIMENSION]=code,code`; a code holding a comma
goes in square brackets).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import logging
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evalreport import regions

log = logging.getLogger(__name__)

API_ROOT = "https://data.ssb.no/api/pxwebapi/v2"
STATBANK_URL = "https://www.ssb.no/statbank/table/{table}"
LANGUAGE = "no"
MAX_CALLS = 30  # the API's maxCallsPerTimeWindow
TIME_WINDOW = 60.0  # seconds, the API's timeWindow
MAX_CELLS = 800_000  # the API's maxDataCells
RETRY_STATUSES = (429, 503)
SSB_LICENCE = "CC BY 4.0 (Statistisk sentralbyrå)"
ALL_CODES = "*"


class SsbError(RuntimeError):
    """A request to SSB failed, a response is not valid json-stat2, or a query does not fit the
    table; the message names the table, the URL or code concerned, and what to do."""


# --- json-stat2 ---------------------------------------------------------------------------------

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


def _read_symbol(value) -> str | None:
    """Return SSB's status symbol, or None for no symbol (None, NaN or '')."""
    return value if isinstance(value, str) and value else None


def _make_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Return a DataFrame of `rows` whose `status` column holds symbols or None (not pandas' NaN)."""
    frame = pd.DataFrame(rows, columns=columns)
    frame["status"] = pd.Series([_read_symbol(s) for s in frame["status"]], index=frame.index, dtype=object)
    return frame


# --- HTTP, rate limit, retries, cache -----------------------------------------------------------

@dataclass(frozen=True)
class HttpResponse:
    """What the HTTP layer returns: status, body and headers (names in lower case)."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def fetch_url(url: str, timeout: float = 60.0) -> HttpResponse:
    """GET `url` with the standard library; HTTP errors come back as a response, not raised.

    Network failures (no route, DNS, timeout) raise OSError, which SsbClient reports.
    """
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "evalreport"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https URL built here
            return HttpResponse(response.status, response.read(),
                                {k.lower(): v for k, v in response.headers.items()})
    except urllib.error.HTTPError as exc:
        return HttpResponse(exc.code, exc.read() or b"", {k.lower(): v for k, v in (exc.headers or {}).items()})


class RateLimiter:
    """A sliding window: at most `max_calls` calls in any `window` seconds.

    `clock` and `sleep` are injectable so that tests run instantly on a fake clock.
    """

    def __init__(self, max_calls: int = MAX_CALLS, window: float = TIME_WINDOW,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.max_calls = max_calls
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()

    def wait(self) -> float:
        """Block until one more call is allowed, record it, and return the seconds waited."""
        now = self._clock()
        self._forget_before(now)
        waited = 0.0
        if len(self._calls) >= self.max_calls:
            until = self._calls[0] + self.window
            waited = until - now
            log.info("SSB allows %d calls a %g s; waiting %.1f s", self.max_calls, self.window, waited)
            self._sleep(waited)
            now = max(self._clock(), until)
            self._forget_before(now)
        self._calls.append(now)
        return waited

    def _forget_before(self, now: float) -> None:
        while self._calls and now - self._calls[0] >= self.window:
            self._calls.popleft()


def hash_text(text: str | bytes) -> str:
    """Return the sha256 hex digest of `text` (UTF-8 for str)."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


class ResponseCache:
    """Raw responses on disk, one file per request URL (named by the URL's sha256), and a
    `manifest.json` listing {table, url, query, retrieved, sha256, file} for each."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.manifest_path = self.folder / "manifest.json"

    def entries(self) -> list[dict]:
        """Return the manifest's entries (empty when there is no cache yet)."""
        if not self.manifest_path.is_file():
            return []
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))["entries"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SsbError(f"{self.manifest_path}: not a readable cache manifest ({exc}); delete the folder "
                           "or run with --refresh") from None

    def entry(self, url: str) -> dict | None:
        """Return the manifest entry of `url`, or None."""
        return next((e for e in self.entries() if e.get("url") == url), None)

    def read(self, url: str) -> bytes | None:
        """Return the cached body of `url`, or None; raise SsbError if the file does not match
        the sha256 the manifest recorded for it."""
        entry = self.entry(url)
        if entry is None:
            return None
        path = self.folder / entry["file"]
        if not path.is_file():
            return None
        body = path.read_bytes()
        if hash_text(body) != entry["sha256"]:
            raise SsbError(f"{path}: the cached response of SSB table {entry.get('table')} does not match the "
                           "sha256 in manifest.json; it was changed or damaged: run with --refresh")
        return body

    def write(self, table: str, url: str, body: bytes, retrieved: str) -> dict:
        """Store `body` for `url` and record it in the manifest; return the manifest entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{hash_text(url)}.json"
        (self.folder / name).write_bytes(body)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))
        entry = {"table": table, "url": url, "query": query, "retrieved": retrieved,
                 "sha256": hash_text(body), "file": name}
        entries = [e for e in self.entries() if e.get("url") != url] + [entry]
        entries.sort(key=lambda e: (e["table"], e["file"]))
        temporary = self.manifest_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps({"entries": entries}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        temporary.replace(self.manifest_path)
        return entry


_STATUS_ADVICE = {
    400: "the query does not fit the table (a dimension or value code is wrong); compare it with the "
         "table's metadata and the definitions in evalreport/ssb.py",
    403: "the query asks for more cells than SSB allows; ask for fewer years or regions",
    404: "the table or URL does not exist; check the table id in evalreport/ssb.py against "
         "https://www.ssb.no/statbank",
    429: "SSB still refuses: too many requests; wait a minute and run again (the cache keeps what was fetched)",
}


def describe_http_error(table: str, url: str, response: HttpResponse) -> str:
    """Return the message for a failed request: table, URL, HTTP status, SSB's words, what to do."""
    advice = _STATUS_ADVICE.get(response.status)
    if advice is None:
        advice = ("SSB's service failed; try again later" if response.status >= 500
                  else "the request was refused; check the URL")
    said = response.body[:300].decode("utf-8", errors="replace").strip()
    return (f"SSB table {table}: HTTP {response.status} for {url}: {advice}"
            + (f" (SSB said: {said})" if said else ""))


def _read_retry_after(headers: Mapping[str, str], now: Callable[[], dt.datetime]) -> float | None:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now()).total_seconds())


def get_utc_time() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.timezone.utc)


class SsbClient:
    """Fetches from SSB through `fetch`, within the rate limit, with retries and a disk cache.

    With `refresh=False` a response already in the cache is read from disk and `fetch` is not
    called; `refresh=True` fetches again and replaces the cached copy.
    """

    def __init__(self, cache_dir: Path, *, fetch: Callable[[str], HttpResponse] = fetch_url,
                 refresh: bool = False, limiter: RateLimiter | None = None,
                 sleep: Callable[[float], None] = time.sleep, now: Callable[[], dt.datetime] = get_utc_time,
                 max_retries: int = 5, backoff: float = 2.0):
        self.cache = ResponseCache(cache_dir)
        self.fetch = fetch
        self.refresh = refresh
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self.sleep = sleep
        self.now = now
        self.max_retries = max_retries
        self.backoff = backoff
        self._metadata: dict[str, list[Dimension]] = {}

    def get(self, table: str, url: str) -> bytes:
        """Return the body for `url`: from the cache unless refreshing, else from SSB."""
        if not self.refresh:
            body = self.cache.read(url)
            if body is not None:
                log.debug("SSB table %s: read from cache %s", table, url)
                return body
        body = self._download(table, url)
        load_json(body, table)  # never cache a body that is not JSON
        self.cache.write(table, url, body, self.now().isoformat(timespec="seconds"))
        return body

    def _download(self, table: str, url: str) -> bytes:
        for attempt in range(self.max_retries + 1):
            self.limiter.wait()
            log.info("SSB table %s: GET %s", table, url)
            try:
                response = self.fetch(url)
            except OSError as exc:
                raise SsbError(f"SSB table {table}: could not reach {url} ({exc}); check the network "
                               "connection, or run without --refresh to use the cached responses") from None
            if response.status == 200:
                return response.body
            if response.status in RETRY_STATUSES and attempt < self.max_retries:
                delay = _read_retry_after(response.headers, self.now)
                if delay is None:
                    delay = self.backoff * 2 ** attempt
                log.warning("SSB table %s: HTTP %d; retrying in %.1f s (%d of %d)",
                            table, response.status, delay, attempt + 1, self.max_retries)
                self.sleep(delay)
                continue
            raise SsbError(describe_http_error(table, url, response))
        raise AssertionError("unreachable")  # pragma: no cover

    def read_metadata(self, table: str) -> list[Dimension]:
        """Return the dimensions of `table` from its metadata endpoint (cached like data)."""
        if table not in self._metadata:
            self._metadata[table] = read_dimensions(self.get(table, build_metadata_url(table)), table)
        return self._metadata[table]

    def retrieved(self, url: str) -> str:
        """Return when the cached response of `url` was retrieved (UTC ISO time), or ''."""
        entry = self.cache.entry(url)
        return entry["retrieved"] if entry else ""


def build_metadata_url(table: str) -> str:
    """Return the v2 metadata URL of `table`, in json-stat2."""
    return f"{API_ROOT}/tables/{table}/metadata?lang={LANGUAGE}&outputFormat=json-stat2"


def _quote_value_code(code: str) -> str:
    # The API reads a comma as a separator; a code that holds one goes in square brackets.
    return f"[{code}]" if "," in code else code


def build_data_url(table: str, selection: Mapping[str, Sequence[str]]) -> str:
    """Return the v2 data URL of `table` for `selection` (dimension -> codes), in json-stat2."""
    parts = [f"lang={LANGUAGE}", "outputFormat=json-stat2"]
    for dimension, codes in selection.items():
        value = ",".join(_quote_value_code(str(c)) for c in codes)
        parts.append(f"valueCodes[{urllib.parse.quote(dimension, safe='')}]="
                     f"{urllib.parse.quote(value, safe=',*[]()')}")
    return f"{API_ROOT}/tables/{table}/data?" + "&".join(parts)


# --- what the report needs, as data -------------------------------------------------------------

def _make_kostra_aliases() -> dict[str, str]:
    """KOSTRA tables give the country as EAK and a county's municipalities as EKA<nn>."""
    known = regions.load_regions().index
    return {"0": "EAK", **{code: f"EKA{code}" for code in known if len(code) == 2}}


@dataclass(frozen=True)
class TableQuery:
    """One table's query for one statistic: which dimensions take which codes, and how the
    cells are summed into one value per region and year."""

    table: str
    content_code: str
    fixed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # other dimensions; ("*",) = all
    sum_over: tuple[str, ...] = ()  # dimensions summed away after fetching
    region_dimension: str = "Region"
    time_dimension: str = "Tid"
    content_dimension: str = "ContentsCode"
    region_aliases: Mapping[str, str] = field(default_factory=dict)  # report code -> the table's code
    verified: str = ""  # how the table id and codes were checked, for the record

    @property
    def source_url(self) -> str:
        """The table's page in Statistikkbanken, for the files' source_url column."""
        return STATBANK_URL.format(table=self.table)


@dataclass(frozen=True)
class StatisticDefinition:
    """One of the report's statistics files and the tables it is made from, first one first."""

    name: str
    value_column: str
    integer: bool
    additive: bool  # may values of merged regions be summed (counts) or not (ratios)
    title: str
    method: str
    sources: tuple[TableQuery, ...]


# Table ids, dimension ids and codes. `verified` says how each was checked; none of them was
# checked against the live API from here (no network). Every run checks them all against the
# table's metadata endpoint before asking for data, and stops with SsbError naming what is missing.
DEFINITIONS: tuple[StatisticDefinition, ...] = (
    StatisticDefinition(
        name="population", value_column="population", integer=True, additive=True,
        title="Folkemengde 1. januar",
        method="Personer 1. januar (tabell 07459), summert over kjønn og alle ettårige aldre.",
        sources=(TableQuery(
            table="07459", content_code="Personer1",
            fixed={"Kjonn": ("1", "2"), "Alder": (ALL_CODES,)}, sum_over=("Kjonn", "Alder"),
            verified="07459 with Region, Kjonn, Alder, ContentsCode=Personer1, Tid: public query examples "
                     "(SSB's own python examples repo, a PxWebApi v2 guide, an R script with Kjonn 1/2). "
                     "UNVERIFIED: that Alder's default list holds single years only (no total code); "
                     "summing it would otherwise double-count.",
        ),),
    ),
    StatisticDefinition(
        name="employment", value_column="employed", integer=True, additive=True,
        title="Sysselsatte etter arbeidssted, 4. kvartal",
        method="Sysselsatte etter arbeidsstedskommune (tabell 13472), summert over de fem sektorene.",
        sources=(TableQuery(
            table="13472", content_code="SysselEtterArbste",
            fixed={"Sektor": ("6100", "6500.6", "6500.7", "A+B+D+E.5-7", "A+B+D+E.0-1+9")},
            sum_over=("Sektor",),
            verified="13472 with Region, Sektor, ContentsCode=SysselEtterArbste, Tid and these five "
                     "sector codes: two public scripts that sum them to total employment. UNVERIFIED: "
                     "that the five codes are all sectors, and the table's first year (likely 2015; "
                     "older years would need 09313/03311, whose codes could not be verified).",
        ),),
    ),
    StatisticDefinition(
        name="dwellings", value_column="dwellings_completed", integer=True, additive=True,
        title="Fullførte boliger",
        method="Fullførte boliger (tabell 05940), summert over alle bygningstyper.",
        sources=(TableQuery(
            table="05940", content_code="Fullforte",
            fixed={"Byggeareal": (ALL_CODES,)}, sum_over=("Byggeareal",),
            verified="05940 with Region, Byggeareal, ContentsCode=Fullforte, Tid (annual): public "
                     "PxWebApi v2 scripts using exactly this query and summing Byggeareal. UNVERIFIED: "
                     "that Byggeareal holds no total code.",
        ),),
    ),
    StatisticDefinition(
        name="enterprises", value_column="new_enterprises", integer=True, additive=True,
        title="Nyetablerte foretak",
        method="Nyetablerte foretak (tabell 08316), alle næringer, organisasjonsformer og størrelser.",
        sources=(TableQuery(
            table="08316", content_code="Foretak",
            fixed={"NACE2007": ("00-99",), "OrgFormer": ("Alle",), "AntSyss": ("999",),
                   "OverlevAar": ("01",), "Overlevelse": ("00",)},
            verified="UNVERIFIED beyond one public script (PxWebApi v1) that reads 'nyetablerte foretak' "
                     "per region and year from 08316 with these codes; the meaning of OverlevAar=01 and "
                     "Overlevelse=00 (establishment year, all) is assumed. Check the metadata labels.",
        ),),
    ),
    StatisticDefinition(
        name="municipal_finances", value_column="netto_driftsresultat_pct", integer=False, additive=False,
        title="Netto driftsresultat i prosent av brutto driftsinntekter (kommunekonsern), og ROBEK",
        method="Netto driftsresultat i prosent av brutto driftsinntekter (KOSTRA, tabell 12134). "
               "ROBEK er ikke en SSB-serie: den er hentet fra forrige utgave av filen eller oppgitt for hånd.",
        sources=(TableQuery(
            table="12134", content_code="KOSAGD230000", region_dimension="KOKkommuneregion0000",
            region_aliases=_make_kostra_aliases(),
            verified="12134 and its dimensions KOKkommuneregion0000, ContentsCode, Tid: the real response in "
                     "data/reference. KOSAGD230000 = netto driftsresultat i prosent av brutto driftsinntekter: "
                     "several public sources (a PxWebApi v2 guide, an R package). The table starts in 2015. "
                     "UNVERIFIED: the county codes EKA<nn> (the guide names EKA31, EKA32, ...); the country is "
                     "EAK (landet), not EAKUO (landet uten Oslo).",
        ),),
    ),
)


# --- from a table to one series per region and year ---------------------------------------------

def list_region_codes(code: str) -> list[str]:
    """Return every code, old and current, that leads to the current form of `code` (3443 ->
    0529, 3443), sorted."""
    current = regions.to_current_code(code)
    return sorted(str(c) for c in regions.load_regions().index if regions.to_current_code(c) == current)


def plan_query(source: TableQuery, metadata: Sequence[Dimension], region_codes: Iterable[str],
               years: Iterable[int]) -> tuple[dict[str, list[str]], list[int]]:
    """Check the query of `source` against the table's metadata; return the selection to ask for
    (dimension -> codes) and the years the table does not have.

    Raise SsbError naming the table when a dimension, the content code, a fixed code or every code
    of a region is missing, when a dimension that cannot be left out is not selected, or when the
    query asks for more cells than the API allows.
    """
    table = source.table
    by_id = {d.id: d for d in metadata}
    wanted = [source.region_dimension, source.time_dimension, source.content_dimension, *source.fixed]
    missing = [d for d in wanted if d not in by_id]
    if missing:
        raise SsbError(f"SSB table {table}: no dimension {missing}; the table has {list(by_id)}. "
                       "Update the definition in evalreport/ssb.py from the table's metadata: "
                       f"{build_metadata_url(table)}")
    unselected = [d.id for d in metadata if d.id not in wanted and not d.eliminable]
    if unselected:
        raise SsbError(f"SSB table {table}: the dimensions {unselected} must be selected (they cannot be left "
                       "out); add them to the definition in evalreport/ssb.py")
    contents = by_id[source.content_dimension]
    if source.content_code not in contents.codes:
        raise SsbError(f"SSB table {table}: no content code '{source.content_code}'; the table has "
                       f"{dict(zip(contents.codes, contents.labels))}")
    selection: dict[str, list[str]] = {}
    available = set(by_id[source.region_dimension].codes)
    region_selection = []
    for code in region_codes:
        candidates = [source.region_aliases.get(c, c) for c in list_region_codes(code)]
        found = [c for c in candidates if c in available]
        if not found:
            raise SsbError(f"SSB table {table}: region {code} ({regions.region_name(code)}) is not in the table "
                           f"under any of its codes {candidates}")
        region_selection += found
    selection[source.region_dimension] = sorted(set(region_selection))
    years = sorted(set(int(y) for y in years))
    table_years = set(by_id[source.time_dimension].codes)
    selection[source.time_dimension] = [str(y) for y in years if str(y) in table_years]
    absent_years = [y for y in years if str(y) not in table_years]
    if not selection[source.time_dimension]:
        raise SsbError(f"SSB table {table}: none of the years {years[0]}-{years[-1]} is in the table "
                       f"(it has {min(table_years)}-{max(table_years)})")
    selection[source.content_dimension] = [source.content_code]
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


def sum_cells(frame: pd.DataFrame, source: TableQuery) -> pd.DataFrame:
    """Sum the cells over `source.sum_over`, leaving one row per region and year.

    A sum with any missing cell is missing (NaN), with the first status symbol among its cells:
    an unknown part makes the total unknown, never smaller.
    """
    keys = [source.region_dimension, source.time_dimension]
    rows = []
    for (region, period), group in frame.groupby(keys, sort=True):
        if not str(period).isdigit():
            raise SsbError(f"SSB table {source.table}: time code {period!r} is not a year; "
                           "the report needs annual figures")
        symbols = [s for s in map(_read_symbol, group["status"]) if s]
        value = float(group["value"].sum()) if group["value"].notna().all() else math.nan
        rows.append({"code": str(region), "year": int(period), "value": value,
                     "status": symbols[0] if symbols else None})
    return _make_frame(rows, ["code", "year", "value", "status"])


def _is_valid_in(table: pd.DataFrame, code: str, year: int) -> bool:
    """Tell whether `code` was in use in `year`, by regions.csv's valid_from and valid_to."""
    start, end = table.at[code, "valid_from"], table.at[code, "valid_to"]
    return (int(start) if start else -math.inf) <= year <= (int(end) if end else math.inf)


def join_renumbered(frame: pd.DataFrame, source: TableQuery, additive: bool) -> pd.DataFrame:
    """Map each region code to today's code and join the series across renumberings.

    `frame` has columns code (the table's), year, value, status. For each current code and
    year, the value under the code valid that year is preferred (0529 in 2019, 3443 in 2020);
    several valid codes with values are summed for counts and an error for ratios. A code
    unknown to regions.csv raises SsbError naming it.
    """
    reverse = {alias: code for code, alias in source.region_aliases.items()}
    table_codes = frame["code"].astype(str)
    own = table_codes.map(lambda c: reverse.get(c, c))
    unknown = sorted(set(c for c, o in zip(table_codes, own) if not regions.is_known(o)))
    if unknown:
        raise SsbError(f"SSB table {source.table}: region code(s) {unknown} are not in "
                       "src/evalreport/resources/regions.csv; add them with their successor code "
                       "so the series can be joined, or leave them out of the query")
    frame = frame.assign(own=own.to_numpy(), region_code=own.map(regions.to_current_code).to_numpy())
    known = regions.load_regions()
    frame["valid"] = [_is_valid_in(known, c, y) for c, y in zip(frame["own"], frame["year"])]
    rows = []
    for (current, year), group in frame.groupby(["region_code", "year"], sort=True):
        present = group[group["value"].notna()]
        preferred = present[present["valid"]] if present["valid"].any() else present
        if preferred.empty:
            ordered = pd.concat([group[group["valid"]], group[~group["valid"]]])
            symbols = [s for s in map(_read_symbol, ordered["status"]) if s]
            rows.append({"region_code": current, "year": year, "value": math.nan,
                         "status": symbols[0] if symbols else None, "codes": ",".join(ordered["code"])})
            continue
        if len(preferred) > 1 and not additive:
            raise SsbError(f"SSB table {source.table}: {list(preferred['code'])} all give a value for region "
                           f"{current} in {year}; a ratio of merged municipalities cannot be summed, so "
                           "take SSB's figure for the merged municipality instead")
        rows.append({"region_code": current, "year": year, "value": float(preferred["value"].sum()),
                     "status": None, "codes": ",".join(preferred["code"])})
    return _make_frame(rows, ["region_code", "year", "value", "status", "codes"])


def fetch_series(client: SsbClient, source: TableQuery, region_codes: Sequence[str], years: Sequence[int],
                 additive: bool) -> tuple[pd.DataFrame, dict]:
    """Fetch one table's series for the regions and years (metadata first); return the joined
    series (region_code, year, value, status, codes) and what was done, for the record."""
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
        cells = cells[cells[source.content_dimension] == source.content_code]
    series = join_renumbered(sum_cells(cells, source), source, additive)
    return series, {"url": url, "retrieved": client.retrieved(url), "absent_years": absent_years}


# --- the report's statistics files --------------------------------------------------------------

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


def _format_value(value: float, integer: bool, where: str) -> int | float:
    if not integer:
        return float(value)
    if abs(value - round(value)) > 1e-9:
        raise SsbError(f"{where}: expected a whole number, SSB gives {value}")
    return int(round(value))


def _describe_codes(series: pd.DataFrame) -> str:
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
                symbol = _read_symbol(match["status"].iloc[0]) if not match.empty else None
                if symbol:
                    symbols.append(f"table {source.table} status '{symbol}'")
            if found is None:
                missing.append(f"{region} {year}" + (f" ({', '.join(symbols)})" if symbols else ""))
                continue
            source, value = found
            row = {"region_code": region, "region_name": regions.region_name(region), "year": year,
                   definition.value_column: _format_value(value, definition.integer,
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
            "method": definition.method + "".join(_describe_codes(series) for _, series, _ in fetched) + absent
                      + (f" Mangler i SSB: {'; '.join(missing)}." if missing else ""),
        }
    return result
