"""Fetch from Statistics Norway's PxWebApi v2: HTTP with retries, the API's rate limit, and a
response cache on disk with a manifest.

HTTP and retries are requests and urllib3's `Retry` (429 and 503 retried, Retry-After honoured in
seconds or as a date, exponential backoff otherwise). The rate limiter and the cache are ours; each
says why where it is defined.

API: https://data.ssb.no/api/pxwebapi/v2 (config: maxCallsPerTimeWindow 30, timeWindow 60 s,
maxDataCells 800 000; selections as `valueCodes[DIMENSION]=code,code`; a code holding a comma
goes in square brackets).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from evalreport.ssb.errors import SsbError, SsbUnreachable
from evalreport.ssb.jsonstat import Dimension, load_json, read_dimensions

log = logging.getLogger(__name__)

API_ROOT = "https://data.ssb.no/api/pxwebapi/v2"
LANGUAGE = "no"
MAX_CALLS = 30  # the API's maxCallsPerTimeWindow
TIME_WINDOW = 60.0  # seconds, the API's timeWindow
MAX_CELLS = 800_000  # the API's maxDataCells
RETRY_STATUSES = (429, 503)


class RateLimiter:
    """A sliding window: at most `max_calls` calls in any `window` seconds.

    `clock` and `sleep` are injectable so that tests run instantly on a fake clock.
    """

    # Ours, not a library's: pxwebpy's limiter is tied to its client (which calls the API when it
    # is made, so it cannot run from the cache alone), and pyrate-limiter with requests-ratelimiter
    # would be two dependencies for these thirty lines, with no fake clock for the tests.

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


def sha256_of(text: str | bytes) -> str:
    """The plain sha256 hex digest of `text` (UTF-8 for str), as the cache manifest records it (not
    fingerprint.hash_text, which length-prefixes parts and so gives other digests)."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()



class ResponseCache:
    """Raw responses on disk, one file per request URL (named by the URL's sha256), and a
    `manifest.json` listing {table, url, query, retrieved, sha256, file} for each."""

    # Ours, not requests-cache's: that library stores a serialized response (pickle, or JSON with
    # the body re-encoded), not the bytes SSB sent, so the sha256 in the data's provenance could not
    # be checked against the file; its entries expire, while a report must be rebuilt from the same
    # figures until the analyst asks for --refresh; and a person cannot read its store to see which
    # query gave which file. This class is that store, about fifty lines.

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
        if sha256_of(body) != entry["sha256"]:
            raise SsbError(f"{path}: the cached response of SSB table {entry.get('table')} does not match the "
                           "sha256 in manifest.json; it was changed or damaged: run with --refresh")
        return body

    def write(self, table: str, url: str, body: bytes, retrieved: str) -> dict:
        """Store `body` for `url` and record it in the manifest; return the manifest entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{sha256_of(url)}.json"
        (self.folder / name).write_bytes(body)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))
        entry = {"table": table, "url": url, "query": query, "retrieved": retrieved,
                 "sha256": sha256_of(body), "file": name}
        entries = [e for e in self.entries() if e.get("url") != url] + [entry]
        entries.sort(key=lambda e: (e["table"], e["file"]))
        temporary = self.manifest_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps({"entries": entries}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        temporary.replace(self.manifest_path)
        return entry


_STATUS_ADVICE = {
    400: "the query does not fit the table (a dimension or value code is wrong); compare it with the "
         "table's metadata and the definitions in evalreport/ssb/definitions.py",
    403: "the query asks for more cells than SSB allows; ask for fewer years or regions",
    404: "the table or URL does not exist; check the table id in evalreport/ssb/definitions.py against "
         "https://www.ssb.no/statbank",
    429: "SSB still refuses: too many requests; wait a minute and run again (the cache keeps what was fetched)",
}


def describe_http_error(table: str, url: str, response: requests.Response) -> str:
    """Return the message for a failed request: table, URL, HTTP status, SSB's words, what to do."""
    status = response.status_code
    advice = _STATUS_ADVICE.get(status)
    if advice is None:
        advice = "SSB's service failed; try again later" if status >= 500 else "the request was refused; check the URL"
    said = (response.content or b"")[:300].decode("utf-8", errors="replace").strip()
    return f"SSB table {table}: HTTP {status} for {url}: {advice}" + (f" (SSB said: {said})" if said else "")


def describe_failure(exc: Exception) -> str:
    """Return the cause of a failed connection in a few words ("Failed to resolve 'data.ssb.no'
    (...)"), without urllib3's wrapping ("Max retries exceeded ...")."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None  # urllib3's MaxRetryError
    text = str(reason or exc)
    return text.split("): ", 1)[-1] if text.startswith(("HTTPConnection(", "HTTPSConnection(")) else text


def get_utc_time() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.timezone.utc)


class SsbRetry(Retry):
    """urllib3's Retry, except that the backoff pauses before the first retry too."""

    def get_backoff_time(self) -> float:
        # urllib3 retries the first failure at once; SSB answers 429 while the API's window is
        # full, so an immediate retry would only be refused again. backoff_factor, then doubled.
        if not self.history:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** (len(self.history) - 1)))


def make_session(max_retries: int = 5, backoff: float = 2.0) -> requests.Session:
    """Return a requests session that retries GETs answered 429 or 503 up to `max_retries` times,
    waiting as Retry-After says, else `backoff` seconds doubled each time. Connection failures
    are not retried: they are reported at once."""
    retry = SsbRetry(total=max_retries, connect=0, read=0, other=0, status=max_retries,
                     status_forcelist=RETRY_STATUSES, backoff_factor=backoff, allowed_methods={"GET"},
                     raise_on_status=False)  # the last refusal comes back as a response we explain
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"Accept": "application/json", "User-Agent": "evalreport"})
    return session


class SsbClient:
    """Fetches from SSB through a requests `session`, within the rate limit, with a disk cache.

    With `refresh=False` a response already in the cache is read from disk and SSB is not asked;
    `refresh=True` fetches again and replaces the cached copy.
    """

    def __init__(self, cache_dir: Path, *, session: requests.Session | None = None, refresh: bool = False,
                 limiter: RateLimiter | None = None, now: Callable[[], dt.datetime] = get_utc_time,
                 max_retries: int = 5, backoff: float = 2.0, timeout: float = 60.0,
                 recorder: Recorder | None = None):
        self.cache = ResponseCache(cache_dir)
        self.recorder = recorder
        self.session = session or make_session(max_retries, backoff)
        self.refresh = refresh
        self.limiter = limiter or RateLimiter()
        self.now = now
        self.timeout = timeout
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
        self.limiter.wait()
        log.info("SSB table %s: GET %s", table, url)
        try:
            response = self.session.get(url, timeout=self.timeout)
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            if self.refresh and self.cache.entry(url) is not None:
                advice = "check the network connection, or run without --refresh to use the responses already kept"
            else:
                advice = ("check the network connection: 'make data' needs it the first time, and keeps what it "
                          f"fetched in {self.cache.folder} for the runs after")
            raise SsbUnreachable(f"SSB table {table}: could not reach {url} ({describe_failure(exc)}); {advice}") from None
        if self.recorder is not None:
            self.recorder.write(table, url, response)
        if response.status_code != 200:
            raise SsbError(describe_http_error(table, url, response))
        return response.content

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
    """Return the v2 data URL of `table` for `selection` (dimension -> codes), in json-stat2.

    Written with brackets as SSB documents it; urllib3 sends them percent-encoded (%5B, %5D),
    which the API decodes like any query string (public clients using httpx's params do the same).
    """
    parts = [f"lang={LANGUAGE}", "outputFormat=json-stat2"]
    for dimension, codes in selection.items():
        value = ",".join(_quote_value_code(str(c)) for c in codes)
        parts.append(f"valueCodes[{urllib.parse.quote(dimension, safe='')}]="
                     f"{urllib.parse.quote(value, safe=',*[]()')}")
    return f"{API_ROOT}/tables/{table}/data?" + "&".join(parts)


# --- recording and replaying what `make data` fetched ------------------------------------------------

class Recorder:
    """Writes every request the client sends and the response it gets, one JSON file per call in
    `folder` ({"request": {"method", "url"}, "response": {"status", "content_type", "body"}}), so that
    a test can replay a whole `make data` offline (`ReplayAdapter`). `note` is written into each
    file (e.g. that the responses were constructed, not SSB's)."""

    def __init__(self, folder: Path, note: str = ""):
        self.folder = Path(folder)
        self.note = note

    def write(self, table: str, url: str, response: requests.Response) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        endpoint = urllib.parse.urlsplit(url).path.rstrip("/").split("/")[-1]
        path = self.folder / f"{table}-{endpoint}-{sha256_of(url)[:12]}.json"
        try:
            body = json.loads(response.content)
        except ValueError:
            body = (response.content or b"").decode("utf-8", errors="replace")
        record = {"note": self.note, "request": {"method": "GET", "url": url},
                  "response": {"status": response.status_code,
                               "content_type": response.headers.get("Content-Type", "application/json"),
                               "body": body}}
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path


def read_recordings(folder: Path) -> dict[str, dict]:
    """The recorded calls in `folder`, by URL (percent-decoded, as requests may encode it otherwise); SsbError naming a file that is not a recording."""
    calls = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            calls[urllib.parse.unquote(record["request"]["url"])] = record["response"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SsbError(f"{path}: not a recorded SSB call ({type(exc).__name__}: {exc})") from None
    return calls


class ReplayAdapter(requests.adapters.BaseAdapter):
    """A requests transport that answers from recorded calls (see `Recorder`) and never touches the
    network: a URL that was not recorded is a connection error naming it."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = Path(folder)
        self.calls = read_recordings(self.folder)
        self.urls: list[str] = []

    def send(self, request, **kwargs):
        url = urllib.parse.unquote(request.url)
        self.urls.append(url)
        recorded = self.calls.get(url)
        if recorded is None:
            raise requests.ConnectionError(f"no recorded response for {url} in {self.folder}")
        body = recorded["body"]
        response = requests.Response()
        response.status_code = int(recorded["status"])
        response._content = (json.dumps(body, ensure_ascii=False) if not isinstance(body, str) else body).encode("utf-8")
        response.headers["Content-Type"] = recorded.get("content_type", "application/json")
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


def make_replay_session(folder: Path) -> requests.Session:
    """A session that answers every request from the recordings in `folder`."""
    session = requests.Session()
    adapter = ReplayAdapter(folder)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
