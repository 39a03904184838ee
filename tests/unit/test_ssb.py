"""Unit tests of evalreport.ssb: json-stat2 parsing, HTTP retries, rate limit, cache, metadata
checks, renumbered regions, the statistics files and the donor pool. All offline: SSB is a
requests transport adapter serving prepared bodies, or a scripted HTTP server on 127.0.0.1 for
the retry tests (which run requests and urllib3 for real); any other address is refused, so a
forgotten fake fails instead of calling SSB. The region register is a small hand-made one,
installed through evalreport.regions' public functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import hashlib
import http.server
import json
import math
import socket
import threading
import types
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import requests
import urllib3.util.retry
import yaml

from evalreport import datasets, regions, ssb
from evalreport.config import ReportConfig

DATA = Path(__file__).resolve().parents[1] / "data" / "ssb"
REAL_12134 = DATA / "ssb_pxwebapi_v2_table12134_json-stat2.json"
FIXED_NOW = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.timezone.utc)
POPULATION, EMPLOYMENT, DWELLINGS, ENTERPRISES, FINANCES = (
    next(d for d in ssb.DEFINITIONS if d.name == name)
    for name in ("population", "employment", "dwellings", "enterprises", "municipal_finances"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any address but this machine's fails the test: tests never touch the network."""
    resolve = socket.getaddrinfo

    def refuse(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"a test tried to reach {host}")
        return resolve(host, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# --- helpers: a region register, json-stat2 bodies, a fake SSB, a fake clock -----------------

# code, name, first year, last year (None: in use), successor by renumbering ("?": the register
# cannot give one), and optionally the codes in use today that took an ended unit's territory.
# The facts for Toten are KLASS 131's (0528 -> 3442 and 0529 -> 3443 on 1 January 2020).
TOTEN_REGISTER = [
    ("0", "Hele landet", 1838, None, ""),
    ("04", "Hedmark", 1919, 2019, ""), ("05", "Oppland", 1919, 2019, ""), ("34", "Innlandet", 2020, None, ""),
    ("0528", "Østre Toten", 1838, 2019, "3442"), ("0529", "Vestre Toten", 1838, 2019, "3443"),
    ("3442", "Østre Toten", 2020, None, ""), ("3443", "Vestre Toten", 2020, None, ""),
]


def install_register(monkeypatch, rows):
    """Make evalreport.regions' public functions answer from `rows` (see TOTEN_REGISTER)."""
    table = {row[0]: row[1:5] for row in rows}
    went_to = {row[0]: row[5] for row in rows if len(row) > 5}

    def to_current_code(code):
        code = str(code)
        if code not in table:
            raise KeyError(f"unknown region code {code!r}")
        while table[code][3]:
            if table[code][3] == "?":
                raise ValueError(f"region code {code!r} was split")
            code = table[code][3]
        return code

    def municipalities_in(year):
        return [c for c, (_, start, end, _) in table.items()
                if len(c) == 4 and start <= year <= (end if end is not None else 9999)]

    monkeypatch.setattr(regions, "is_known", lambda code: str(code) in table)
    monkeypatch.setattr(regions, "to_current_code", to_current_code)
    monkeypatch.setattr(regions, "region_name", lambda code: table[to_current_code(code)][0])
    def current_codes(code):
        current = to_current_code(code)
        return (current,) if table[current][2] is None else tuple(sorted(went_to.get(current, ())))

    monkeypatch.setattr(regions, "municipalities_in", municipalities_in, raising=False)
    monkeypatch.setattr(regions, "current_codes", current_codes, raising=False)


@pytest.fixture(autouse=True)
def toten_register(monkeypatch):
    install_register(monkeypatch, TOTEN_REGISTER)


def make_dataset(dimensions, values=None, status=None, eliminable=()):
    """A json-stat2 dataset; `dimensions` is a list of (id, {code: label}); no `values` makes a
    metadata body. Cells are in row-major order: the last dimension varies fastest."""
    body = {
        "version": "2.0", "class": "dataset", "label": "test",
        "id": [d for d, _ in dimensions],
        "size": [len(categories) for _, categories in dimensions],
        "dimension": {
            d: {"label": d.lower(),
                "category": {"index": {code: i for i, code in enumerate(categories)}, "label": dict(categories)},
                "extension": {"elimination": d in eliminable}}
            for d, categories in dimensions},
    }
    if values is not None:
        body["value"] = values
    if status is not None:
        body["status"] = status
    return body


def encode(body) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")


class FakeClock:
    """A clock that only moves when something sleeps; records every sleep."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeSsb(requests.adapters.BaseAdapter):
    """A requests transport that answers by table and endpoint (metadata or data) from prepared
    bodies, or with `answer(url)` -> (status, body); records the URLs."""

    def __init__(self, bodies=None, answer=None):
        super().__init__()
        self.bodies = bodies or {}
        self.answer = answer
        self.urls: list[str] = []

    def send(self, request, **kwargs):
        # requests percent-encodes the brackets of `valueCodes[...]`; record the URL as built
        self.urls.append(request.url.replace("%5B", "[").replace("%5D", "]"))
        if self.answer is not None:
            status, body = self.answer(self.urls[-1])
        else:
            assert self.urls[-1].startswith(ssb.API_ROOT + "/tables/")
            table, endpoint = urllib.parse.urlsplit(self.urls[-1]).path.split("/")[-2:]
            status, body = 200, self.bodies[(table, endpoint)]
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = status, encode(body), request.url, request
        return response

    def close(self):
        pass


def make_client(tmp_path, fake=None, clock=None, session=None, **kwargs) -> ssb.SsbClient:
    """A client on a fake clock; SSB is `fake` (a FakeSsb) unless a real `session` is given."""
    clock = clock or FakeClock()
    if session is None:
        session = requests.Session()
        session.mount("https://", fake if fake is not None else FakeSsb())
    return ssb.SsbClient(tmp_path / "cache", session=session,
                         limiter=ssb.RateLimiter(clock=clock, sleep=clock.sleep), now=lambda: FIXED_NOW, **kwargs)


# --- the parser on SSB's real response --------------------------------------------------------

def test_parse_real_12134_response():
    # Read by hand from the file: id [KOKkommuneregion0000, ContentsCode, Tid], size [3, 1, 1];
    # region index {"0301": 0, "4601": 1, "5001": 2}; one content KOSAG110000 ("Frie inntekter
    # per innbygger (kr)"); one year 2024; value [81240, 66605, 62853]; no "status". With the last
    # dimension fastest and the other two of size one, cell i is region i: 0301 -> 81240,
    # 4601 -> 66605, 5001 -> 62853.
    frame = ssb.parse_jsonstat(REAL_12134.read_bytes(), "12134")
    assert list(frame.columns) == ["KOKkommuneregion0000", "KOKkommuneregion0000_label", "ContentsCode",
                                   "ContentsCode_label", "Tid", "Tid_label", "value", "status"]
    assert frame["KOKkommuneregion0000"].tolist() == ["0301", "4601", "5001"]
    assert frame["KOKkommuneregion0000_label"].tolist() == ["Oslo - Oslove", "Bergen", "Trondheim - Tråante"]
    assert frame["value"].tolist() == [81240.0, 66605.0, 62853.0]
    assert frame["ContentsCode"].tolist() == ["KOSAG110000"] * 3
    assert frame["ContentsCode_label"].tolist() == ["Frie inntekter per innbygger (kr)"] * 3
    assert frame["Tid"].tolist() == ["2024"] * 3
    assert frame["status"].isna().all()


def test_real_12134_dimensions_cannot_be_left_out():
    dimensions = ssb.read_dimensions(REAL_12134.read_bytes(), "12134")
    assert [(d.id, d.size, d.eliminable) for d in dimensions] == [
        ("KOKkommuneregion0000", 3, False), ("ContentsCode", 1, False), ("Tid", 1, False)]


def test_real_12134_regions_unknown_to_the_register_raise_naming_them():
    # Oslo, Bergen and Trondheim are not in the test's register: joining must stop, naming the codes.
    cells = ssb.parse_jsonstat(REAL_12134.read_bytes(), "12134")
    source = FINANCES.sources[0]
    with pytest.raises(ssb.SsbError, match=r"12134.*'0301', '4601', '5001'.*region register"):
        ssb.join_renumbered(ssb.sum_cells(cells, source), source, additive=False)


def test_real_12134_joins_when_the_register_knows_its_regions(monkeypatch):
    # Values read by hand from the file (see test_parse_real_12134_response); KLASS 131: Oslo
    # 0301 and Trondheim 5001 (since 2018), Bergen 4601 (since 2020), none renumbered since.
    install_register(monkeypatch, [("0301", "Oslo", 1838, None, ""), ("4601", "Bergen", 2020, None, ""),
                                   ("5001", "Trondheim", 2018, None, "")])
    cells = ssb.parse_jsonstat(REAL_12134.read_bytes(), "12134")
    source = FINANCES.sources[0]
    series = ssb.join_renumbered(ssb.sum_cells(cells, source), source, additive=False)
    assert series[["region_code", "year", "value"]].values.tolist() == [
        ["0301", 2024, 81240.0], ["4601", 2024, 66605.0], ["5001", 2024, 62853.0]]


# --- the parser on hand-made bodies -----------------------------------------------------------

def test_cells_are_in_row_major_order():
    body = make_dataset([("Region", {"0528": "Østre Toten", "0529": "Vestre Toten"}),
                         ("Tid", {"2017": "2017", "2018": "2018", "2019": "2019"})],
                        values=[1, 2, 3, 4, 5, 6])
    frame = ssb.parse_jsonstat(body)
    # cell = region position * 3 + year position: (0529, 2018) is 1 * 3 + 1 = 4, the fifth value
    cells = {(r, t): v for r, t, v in zip(frame["Region"], frame["Tid"], frame["value"])}
    assert cells == {("0528", "2017"): 1, ("0528", "2018"): 2, ("0528", "2019"): 3,
                     ("0529", "2017"): 4, ("0529", "2018"): 5, ("0529", "2019"): 6}


def test_index_order_not_key_order_decides_the_cell():
    body = make_dataset([("Tid", {"2019": "2019", "2018": "2018"})], values=[19, 18])
    body["dimension"]["Tid"]["category"]["index"] = {"2018": 1, "2019": 0}
    frame = ssb.parse_jsonstat(body)
    assert frame["Tid"].tolist() == ["2019", "2018"]
    assert frame["value"].tolist() == [19, 18]


@pytest.mark.parametrize("status", [{"1": "..", "2": ":"}, [None, "..", ":", None]])
def test_missing_values_are_nan_with_their_symbol_never_zero(status):
    body = make_dataset([("Region", {"0529": "Vestre Toten", "0528": "Østre Toten"}),
                         ("Tid", {"2019": "2019", "2020": "2020"})],
                        values=[100, None, None, 0], status=status)
    frame = ssb.parse_jsonstat(body, "07459")
    assert frame["value"].iloc[0] == 100
    assert math.isnan(frame["value"].iloc[1]) and frame["status"].iloc[1] == ".."
    assert math.isnan(frame["value"].iloc[2]) and frame["status"].iloc[2] == ":"
    assert frame["value"].iloc[3] == 0 and frame["status"].iloc[3] is None  # a real zero stays zero
    assert (frame["value"].fillna(-1) != 0).sum() == 3


def test_sparse_values_leave_the_other_cells_missing():
    body = make_dataset([("Region", {"0528": "a", "0529": "b"}), ("Tid", {"2019": "2019", "2020": "2020"})],
                        values={"0": 5, "3": 7}, status={"1": "."})
    frame = ssb.parse_jsonstat(body)
    assert frame["value"].iloc[0] == 5 and frame["value"].iloc[3] == 7
    assert frame["value"].iloc[1:3].isna().all()
    assert frame["status"].tolist() == [None, ".", None, None]


def test_one_status_for_every_cell():
    body = make_dataset([("Tid", {"2019": "2019", "2020": "2020"})], values=[None, None], status="..")
    frame = ssb.parse_jsonstat(body)
    assert frame["status"].tolist() == ["..", ".."]
    assert frame["value"].isna().all()


def test_size_one_dimension_without_index():
    body = make_dataset([("Region", {"3443": "Vestre Toten"}), ("ContentsCode", {"Personer1": "Personer"}),
                         ("Tid", {"2019": "2019", "2020": "2020"})], values=[13314, 13373])
    del body["dimension"]["ContentsCode"]["category"]["index"]  # json-stat allows this for one category
    frame = ssb.parse_jsonstat(body)
    assert frame["ContentsCode"].tolist() == ["Personer1", "Personer1"]
    assert frame["ContentsCode_label"].tolist() == ["Personer", "Personer"]
    assert frame["value"].tolist() == [13314, 13373]


def test_a_dimension_without_categories_gives_no_rows():
    body = make_dataset([("Region", {"3443": "Vestre Toten"}), ("Tid", {})], values=[])
    frame = ssb.parse_jsonstat(body)
    assert frame.empty
    assert list(frame.columns) == ["Region", "Region_label", "Tid", "Tid_label", "value", "status"]


def test_category_index_as_list():
    body = make_dataset([("Tid", {"2019": "2019", "2020": "2020"})], values=[1, 2])
    body["dimension"]["Tid"]["category"]["index"] = ["2019", "2020"]
    assert ssb.parse_jsonstat(body)["Tid"].tolist() == ["2019", "2020"]


def _valid_body():
    return make_dataset([("Region", {"0529": "a"}), ("Tid", {"2019": "2019", "2020": "2020"})], values=[1, 2])


def _without(key):
    body = _valid_body()
    del body[key]
    return body


def _changed(change):
    body = _valid_body()
    change(body)
    return body


@pytest.mark.parametrize("body, message", [
    (_without("dimension"), r"missing \['dimension'\]"),
    (_without("size"), r"missing \['size'\]"),
    (_without("value"), r"no 'value'"),
    (_changed(lambda b: b.update(value=[1, 2, 3])), r"3 values for 2 cells"),
    (_changed(lambda b: b.update(size=[1, 3])), r"dimension 'Tid' has 2 categories but its size is 3"),
    (_changed(lambda b: b.update(size=[1])), r"2 dimension ids but 1 sizes"),
    (_changed(lambda b: b["dimension"].pop("Tid")), r"dimension 'Tid' is listed in 'id'"),
    (_changed(lambda b: b.update(value=[1, "2"])), r"value 1 is '2', not a number"),
    (_changed(lambda b: b.update(value={"5": 1})), r"'value' names cell 5, but there are 2"),
    (_changed(lambda b: b.update(status=[".."])), r"1 statuses for 2 cells"),
    (_changed(lambda b: b["dimension"]["Tid"]["category"].update(index={"2019": 0, "2020": 2})),
     r"not the positions 0\.\.1"),
    (b"<html>Service unavailable</html>", r"not JSON"),
    (b"[1, 2]", r"expected a json-stat2 object"),
])
def test_malformed_jsonstat_raises(body, message):
    with pytest.raises(ssb.SsbError, match=r"SSB table 07459: .*" + message):
        ssb.parse_jsonstat(body, "07459")


# --- summing and joining renumbered regions ---------------------------------------------------

def test_population_sums_sexes_and_ages_and_joins_0529_and_3443_into_one_series():
    # Cells: region x sex x age x content (size one) x year, the year fastest. Vestre Toten is
    # 0529 up to 2019 and 3443 from 2020; SSB marks the other code's cells "." (not applicable).
    body = make_dataset(
        [("Region", {"0529": "Vestre Toten (-2019)", "3443": "Vestre Toten"}),
         ("Kjonn", {"1": "Menn", "2": "Kvinner"}), ("Alder", {"000": "0 år", "001": "1 år"}),
         ("ContentsCode", {"Personer1": "Personer"}), ("Tid", {"2019": "2019", "2020": "2020"})],
        values=[10, None, 20, None, 30, None, 40, None,  # 0529: men 0, men 1, women 0, women 1
                None, 11, None, 21, None, 31, None, 41],  # 3443: the same, for 2020
        status={str(i): "." for i in (1, 3, 5, 7, 8, 10, 12, 14)})
    source = POPULATION.sources[0]
    summed = ssb.sum_cells(ssb.parse_jsonstat(body, "07459"), source)
    # 0529 2019: 10 + 20 + 30 + 40 = 100; 3443 2020: 11 + 21 + 31 + 41 = 104
    assert summed.loc[(summed["code"] == "0529") & (summed["year"] == 2019), "value"].item() == 100
    assert summed.loc[(summed["code"] == "3443") & (summed["year"] == 2020), "value"].item() == 104
    series = ssb.join_renumbered(summed, source, additive=True)
    assert series["region_code"].tolist() == ["3443", "3443"]
    assert series["year"].tolist() == [2019, 2020]
    assert series["value"].tolist() == [100, 104]
    assert series["codes"].tolist() == ["0529", "3443"]


def test_a_sum_with_a_missing_part_is_missing_not_smaller():
    body = make_dataset([("Region", {"3443": "Vestre Toten"}), ("Kjonn", {"1": "Menn", "2": "Kvinner"}),
                         ("Alder", {"000": "0"}), ("ContentsCode", {"Personer1": "Personer"}),
                         ("Tid", {"2020": "2020"})],
                        values=[6720, None], status={"1": ":"})
    source = POPULATION.sources[0]
    series = ssb.join_renumbered(ssb.sum_cells(ssb.parse_jsonstat(body), source), source, additive=True)
    assert math.isnan(series["value"].item())
    assert series["status"].item() == ":"


def test_the_code_valid_that_year_wins_when_both_codes_have_a_value():
    # SSB sometimes gives a year both under the old code and recomputed under today's: the
    # old code's figure is the one published for that year, and the two are never added.
    frame = pd.DataFrame({"code": ["0529", "3443"], "year": [2019, 2019], "value": [13314.0, 13320.0],
                          "status": [None, None]})
    series = ssb.join_renumbered(frame, POPULATION.sources[0], additive=True)
    assert series["value"].tolist() == [13314.0]
    assert series["codes"].tolist() == ["0529"]


def test_merged_municipalities_are_summed_for_counts_and_refused_for_ratios(monkeypatch):
    # Two municipalities merged into one in 2020; the test brings its own region register.
    install_register(monkeypatch, [("0", "Hele landet", 1838, None, ""), ("0101", "A", 1838, 2019, "3001"),
                                   ("0102", "B", 1838, 2019, "3001"), ("3001", "AB", 2020, None, "")])
    frame = pd.DataFrame({"code": ["0101", "0102", "3001"], "year": [2019, 2019, 2020],
                          "value": [300.0, 200.0, 510.0], "status": [None, None, None]})
    counts = ssb.join_renumbered(frame, POPULATION.sources[0], additive=True)
    assert counts[["region_code", "year", "value"]].values.tolist() == [["3001", 2019, 500.0], ["3001", 2020, 510.0]]
    with pytest.raises(ssb.SsbError, match=r"\['0101', '0102'\] all give a value for region 3001 in 2019"):
        ssb.join_renumbered(frame, FINANCES.sources[0], additive=False)


def test_kostra_codes_map_back_to_the_report_codes():
    frame = pd.DataFrame({"code": ["EAK", "EKA05", "0529"], "year": [2019] * 3, "value": [1.9, 1.2, 1.5],
                          "status": [None] * 3})
    series = ssb.join_renumbered(frame, FINANCES.sources[0], additive=False)
    assert dict(zip(series["region_code"], series["value"])) == {"0": 1.9, "05": 1.2, "3443": 1.5}


# --- HTTP: retries, errors, against a scripted server on 127.0.0.1 ------------------------------

class ScriptedServer:
    """An HTTP server on 127.0.0.1 that answers each GET with the next (status, body, headers) of
    its script and records each request's path and headers."""

    def __init__(self):
        self.script: list[tuple[int, bytes, dict]] = []
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                status, body, headers = server.script.pop(0)
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()

    def url(self, path_and_query: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path_and_query}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


@pytest.fixture
def clock(monkeypatch):
    """A fake clock for the rate limiter and for urllib3's Retry, which sleeps and reads the time
    through its module's `time`; its 'now' is FIXED_NOW."""
    fake = FakeClock()
    monkeypatch.setattr(urllib3.util.retry, "time",
                        types.SimpleNamespace(sleep=fake.sleep, time=lambda: FIXED_NOW.timestamp()))
    return fake


PATH = urllib.parse.urlsplit(ssb.build_metadata_url("07459"))
URL_PATH = f"{PATH.path}?{PATH.query}"


def real_client(tmp_path, clock, **kwargs) -> ssb.SsbClient:
    """A client with the real HTTP session (requests, urllib3's Retry) on a fake clock."""
    retries = {k: kwargs.pop(k) for k in ("max_retries", "backoff") if k in kwargs}
    return make_client(tmp_path, clock=clock, session=ssb.make_session(**retries), **kwargs)


def test_429_then_success_waits_as_retry_after_says(tmp_path, server, clock):
    server.script = [(429, b"Too many requests", {"Retry-After": "7"}), (200, b'{"a": 1}', {})]
    assert json.loads(real_client(tmp_path, clock).get("07459", server.url(URL_PATH))) == {"a": 1}
    assert len(server.requests) == 2
    assert clock.sleeps == [7.0]


def test_429_and_503_without_retry_after_back_off_exponentially(tmp_path, server, clock):
    server.script = [(429, b"", {}), (503, b"", {}), (200, b'{"a": 1}', {})]
    real_client(tmp_path, clock).get("07459", server.url(URL_PATH))
    assert clock.sleeps == [2.0, 4.0]  # backoff 2 s, doubled each time


def test_retry_after_as_a_date(tmp_path, server, clock):
    later = email_date(FIXED_NOW + dt.timedelta(seconds=30))
    server.script = [(503, b"", {"Retry-After": later}), (200, b'{"a": 1}', {})]
    real_client(tmp_path, clock).get("07459", server.url(URL_PATH))
    assert clock.sleeps == [30.0]


def email_date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when, usegmt=True)


def test_429_every_time_gives_up_with_a_clear_error(tmp_path, server, clock):
    server.script = [(429, b"", {}) for _ in range(3)]
    client = real_client(tmp_path, clock, max_retries=2)
    with pytest.raises(ssb.SsbError, match=r"SSB table 07459: HTTP 429 .*wait a minute"):
        client.get("07459", server.url(URL_PATH))
    assert len(server.requests) == 3
    assert clock.sleeps == [2.0, 4.0]


def test_404_names_table_url_and_status_and_is_not_retried(tmp_path, server, clock):
    server.script = [(404, b'{"title":"Table not found"}', {})]
    url = server.url(URL_PATH)
    with pytest.raises(ssb.SsbError) as raised:
        real_client(tmp_path, clock).get("07459", url)
    message = str(raised.value)
    assert "SSB table 07459" in message and "HTTP 404" in message and url in message
    assert "check the table id" in message and "Table not found" in message
    assert len(server.requests) == 1 and clock.sleeps == []


def test_400_says_the_query_does_not_fit(tmp_path, server, clock):
    server.script = [(400, b"Non-existent value", {})]
    with pytest.raises(ssb.SsbError, match=r"HTTP 400 .*does not fit the table.*Non-existent value"):
        real_client(tmp_path, clock).get("13472", server.url(URL_PATH))


def test_500_is_an_error_without_retry(tmp_path, server, clock):
    server.script = [(500, b"", {})]
    with pytest.raises(ssb.SsbError, match=r"HTTP 500 .*try again later"):
        real_client(tmp_path, clock).get("07459", server.url(URL_PATH))
    assert len(server.requests) == 1


def test_no_network_is_a_clear_error(tmp_path, clock):
    with socket.socket() as closed:  # a port that was free a moment ago: nothing listens on it
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}{URL_PATH}"
    with pytest.raises(ssb.SsbUnreachable, match=r"could not reach .*127\.0\.0\.1.*needs it the first time") as raised:
        real_client(tmp_path, clock).get("07459", url)
    assert "Connection refused" in str(raised.value) and "Max retries" not in str(raised.value)
    # no --refresh and nothing kept: never advise running without --refresh
    assert "--refresh" not in str(raised.value)


def test_no_network_with_refresh_and_a_cached_answer_suggests_the_cache(tmp_path, clock):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}{URL_PATH}"
    ssb.ResponseCache(tmp_path / "cache").write("07459", url, b"{}", "2026-11-26T12:00:00+00:00")
    with pytest.raises(ssb.SsbUnreachable, match=r"run without --refresh to use the responses already kept"):
        real_client(tmp_path, clock, refresh=True).get("07459", url)


def test_a_body_that_is_not_json_is_refused_and_not_cached(tmp_path, server, clock):
    server.script = [(200, b"<html>maintenance</html>", {})]
    client = real_client(tmp_path, clock)
    with pytest.raises(ssb.SsbError, match=r"not JSON"):
        client.get("07459", server.url(URL_PATH))
    assert client.cache.entries() == []


def test_the_server_reads_the_query_as_built_and_gets_the_headers_ssb_expects(tmp_path, server, clock):
    # SSB's syntax: brackets around the dimension, and around a code that holds a comma; '+' in a
    # code stays %2B. urllib3 percent-encodes the brackets, and a server decodes them back.
    url = ssb.build_data_url("13472", {"Region": ["3443"], "Sektor": ["A+B+D+E.0-1+9"], "X": ["1,2"]})
    path = url.removeprefix("https://data.ssb.no")
    server.script = [(200, b'{"n": 1}', {})]
    assert real_client(tmp_path, clock).get("13472", server.url(path)) == b'{"n": 1}'
    [(received, headers)] = server.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(received).query)
    assert query["valueCodes[Region]"] == ["3443"]
    assert query["valueCodes[Sektor]"] == ["A+B+D+E.0-1+9"]
    assert query["valueCodes[X]"] == ["[1,2]"]
    assert headers["Accept"] == "application/json"


# --- rate limit -------------------------------------------------------------------------------

def test_rate_limiter_never_lets_a_31st_call_through_within_60_seconds():
    clock = FakeClock()
    limiter = ssb.RateLimiter(max_calls=30, window=60, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(100):
        limiter.wait()
        times.append(clock.now)
        clock.now += 0.5  # half a second of work between calls
    assert times[:30] == [i * 0.5 for i in range(30)]  # the first 30 go at once
    assert times[30] == 60.0  # the 31st waits until the first leaves the window
    assert all(times[i + 30] - times[i] >= 60 for i in range(len(times) - 30))


def test_client_calls_stay_within_the_limit(tmp_path):
    clock = FakeClock()
    call_times = []

    def answer(url):
        call_times.append(clock.now)
        return 200, {"url": url}

    client = make_client(tmp_path, FakeSsb(answer=answer), clock)
    for i in range(31):
        client.get("07459", f"{URL}&n={i}")
    assert call_times[:30] == [0.0] * 30
    assert call_times[30] == 60.0
    assert clock.sleeps == [60.0]


# --- cache ------------------------------------------------------------------------------------

URL = ssb.build_metadata_url("07459")


def answer_in_turn(*bodies):
    """A FakeSsb that answers each call with the next body, HTTP 200."""
    remaining = list(bodies)
    return FakeSsb(answer=lambda url: (200, remaining.pop(0)))


def test_cache_is_read_on_a_second_call_and_replaced_on_refresh(tmp_path):
    fake = answer_in_turn({"n": 1}, {"n": 2})
    client = make_client(tmp_path, fake)
    assert json.loads(client.get("07459", URL)) == {"n": 1}
    assert json.loads(client.get("07459", URL)) == {"n": 1}
    assert len(fake.urls) == 1  # the second call read the disk

    again = make_client(tmp_path, fake)  # a new run, same cache
    assert json.loads(again.get("07459", URL)) == {"n": 1}
    assert len(fake.urls) == 1

    fresh = make_client(tmp_path, fake, refresh=True)
    assert json.loads(fresh.get("07459", URL)) == {"n": 2}
    assert len(fake.urls) == 2
    assert len(fresh.cache.entries()) == 1  # replaced, not added


def test_manifest_records_table_url_query_time_and_a_sha256_that_matches_the_file(tmp_path):
    client = make_client(tmp_path, answer_in_turn({"n": 1}))
    body = client.get("07459", URL)
    manifest = json.loads((tmp_path / "cache" / "manifest.json").read_text(encoding="utf-8"))
    [entry] = manifest["entries"]
    assert entry["table"] == "07459"
    assert entry["url"] == URL
    assert entry["query"] == {"lang": "no", "outputFormat": "json-stat2"}
    assert entry["retrieved"] == "2026-11-26T12:00:00+00:00"
    assert entry["file"] == hashlib.sha256(URL.encode("utf-8")).hexdigest() + ".json"
    stored = (tmp_path / "cache" / entry["file"]).read_bytes()
    assert stored == body
    assert entry["sha256"] == hashlib.sha256(stored).hexdigest()


def test_a_changed_cache_file_is_refused(tmp_path):
    client = make_client(tmp_path, answer_in_turn({"n": 1}))
    client.get("07459", URL)
    [entry] = client.cache.entries()
    (tmp_path / "cache" / entry["file"]).write_bytes(b'{"n": 999}')
    with pytest.raises(ssb.SsbError, match=r"does not match the sha256 in manifest\.json.*--refresh"):
        make_client(tmp_path, answer_in_turn()).get("07459", URL)


# --- queries and the metadata check -----------------------------------------------------------

def test_data_url_follows_the_v2_syntax():
    url = ssb.build_data_url("13472", {"Region": ["3442", "3443"], "Tid": ["2015", "2016"],
                                       "ContentsCode": ["SysselEtterArbste"],
                                       "Sektor": ["6100", "A+B+D+E.0-1+9"], "Alder": ["*"], "X": ["1,2"]})
    assert url == ("https://data.ssb.no/api/pxwebapi/v2/tables/13472/data?lang=no&outputFormat=json-stat2"
                   "&valueCodes[Region]=3442,3443&valueCodes[Tid]=2015,2016"
                   "&valueCodes[ContentsCode]=SysselEtterArbste"
                   "&valueCodes[Sektor]=6100,A%2BB%2BD%2BE.0-1%2B9"  # '+' would be read as a space
                   "&valueCodes[Alder]=*&valueCodes[X]=[1,2]")  # a code with a comma goes in brackets
    assert ssb.build_metadata_url("12134") == (
        "https://data.ssb.no/api/pxwebapi/v2/tables/12134/metadata?lang=no&outputFormat=json-stat2")


POPULATION_METADATA = [
    ssb.Dimension("Region", "region", ("0", "0528", "0529", "3442", "3443"), ("Hele landet",) + ("k",) * 4),
    ssb.Dimension("Kjonn", "kjønn", ("1", "2"), ("Menn", "Kvinner"), eliminable=True),
    ssb.Dimension("Alder", "alder", ("000", "001"), ("0 år", "1 år"), eliminable=True),
    ssb.Dimension("ContentsCode", "statistikkvariabel", ("Personer1",), ("Personer",)),
    ssb.Dimension("Tid", "år", ("2018", "2019", "2020"), ("2018", "2019", "2020")),
]


def test_plan_query_asks_for_old_and_new_codes_and_the_years_the_table_has():
    selection, absent = ssb.plan_query(POPULATION.sources[0], POPULATION_METADATA, ["3443", "0"],
                                       range(2017, 2021))
    assert selection == {"Region": ["0", "0529", "3443"], "Tid": ["2018", "2019", "2020"],
                         "ContentsCode": ["Personer1"], "Kjonn": ["1", "2"], "Alder": ["*"]}
    assert absent == [2017]


def _replace(dimension_id, **changes):
    return [ssb.Dimension(**{**d.__dict__, **changes}) if d.id == dimension_id else d for d in POPULATION_METADATA]


@pytest.mark.parametrize("metadata, message", [
    (_replace("ContentsCode", codes=("Personer2",), labels=("x",)), r"no content code 'Personer1'"),
    (_replace("Kjonn", codes=("0",), labels=("Begge",)), r"dimension Kjonn has no code \['1', '2'\]"),
    (_replace("Region", codes=("0", "0528"), labels=("a", "b")), r"region 3443 \(Vestre Toten\) is not in the table"),
    ([d for d in POPULATION_METADATA if d.id != "Alder"], r"no dimension \['Alder'\]"),
    (POPULATION_METADATA + [ssb.Dimension("Statsborgerskap", "s", ("1",), ("x",))],
     r"\['Statsborgerskap'\] must be selected"),
    (_replace("Tid", codes=("2001",), labels=("2001",)), r"none of the years 2019-2020 is in the table"),
])
def test_plan_query_refuses_what_the_metadata_does_not_have(metadata, message):
    with pytest.raises(ssb.SsbError, match=r"SSB table 07459: .*" + message):
        ssb.plan_query(POPULATION.sources[0], metadata, ["3443"], [2019, 2020])


def test_plan_query_refuses_more_cells_than_ssb_allows():
    ages = tuple(f"{i:03d}" for i in range(1000))
    metadata = _replace("Alder", codes=ages, labels=ages)
    metadata = [ssb.Dimension(**{**d.__dict__, "codes": tuple(map(str, range(1900, 2100))),
                                 "labels": tuple(map(str, range(1900, 2100)))}) if d.id == "Tid" else d
                for d in metadata]
    # 3 region codes x 200 years x 1 content x 2 sexes x 1000 ages = 1 200 000 cells
    with pytest.raises(ssb.SsbError, match=r"1200000 cells, more than SSB's 800000"):
        ssb.plan_query(POPULATION.sources[0], metadata, ["3443", "0"], range(1900, 2100))


def test_every_definition_names_its_table_and_how_it_was_checked():
    assert [d.name for d in ssb.DEFINITIONS] == ["population", "employment", "unemployment", "dwellings",
                                                 "enterprises", "municipal_finances"]
    assert set(d.value_column for d in ssb.DEFINITIONS) == {
        "population", "employed", "unemployed_pct", "dwellings_completed", "new_enterprises",
        "netto_driftsresultat_pct"}
    for definition in ssb.DEFINITIONS:
        for source in definition.sources:
            assert source.table.isdigit() and len(source.table) == 5
            assert source.verified
            assert set(source.sum_over) <= set(source.fixed)
            assert source.content_code or source.content_label  # a code, or the label SSB's page gives


# --- the statistics files, end to end with a fake SSB -----------------------------------------

REGION_CATEGORIES = {"0": "Hele landet", "0529": "Vestre Toten (-2019)", "3443": "Vestre Toten"}
YEARS = {"2019": "2019", "2020": "2020"}
SECTORS = {"6100": "a", "6500.6": "b", "6500.7": "c", "A+B+D+E.5-7": "d", "A+B+D+E.0-1+9": "Privat sektor"}
ENTERPRISE_FIXED = [("NACE2007", {"00-99": "Alle næringer"}), ("OrgFormer", {"Alle": "Alle"}),
                    ("AntSyss", {"999": "Alle"}), ("OverlevAar", {"01": "1 år"}), ("Overlevelse", {"00": "Alle"})]
KOSTRA_REGIONS = {"EAK": "Landet", "EKA05": "Oppland (-2019)", "0529": "Vestre Toten (-2019)", "3443": "Vestre Toten"}

FAKE_SSB = {
    ("07459", "metadata"): make_dataset(
        [("Region", REGION_CATEGORIES), ("Kjonn", {"1": "Menn", "2": "Kvinner"}), ("Alder", {"000": "0 år"}),
         ("ContentsCode", {"Personer1": "Personer"}), ("Tid", YEARS)], eliminable=("Kjonn", "Alder")),
    ("07459", "data"): make_dataset(
        [("Region", REGION_CATEGORIES), ("Kjonn", {"1": "Menn", "2": "Kvinner"}), ("Alder", {"000": "0 år"}),
         ("ContentsCode", {"Personer1": "Personer"}), ("Tid", YEARS)],
        values=[2700000, 2710000, 2670000, 2680000,  # 0: men 2019, 2020, women 2019, 2020
                6700, None, 6600, None,  # 0529
                None, 6720, None, 6610],  # 3443
        status={"5": ".", "7": ".", "8": ".", "10": "."}),
    # The employment table uses today's codes only and starts in 2020.
    ("13472", "metadata"): make_dataset(
        [("Region", {"0": "Hele landet", "3443": "Vestre Toten"}), ("Sektor", SECTORS),
         ("ContentsCode", {"SysselEtterArbste": "Sysselsatte"}), ("Tid", {"2020": "2020"})]),
    ("13472", "data"): make_dataset(
        [("Region", {"0": "Hele landet", "3443": "Vestre Toten"}), ("Sektor", SECTORS),
         ("ContentsCode", {"SysselEtterArbste": "Sysselsatte"}), ("Tid", {"2020": "2020"})],
        values=[100000, 200000, 50000, 100000, 2200000,  # 0: five sectors
                400, 1100, 150, 50, 4300]),  # 3443
    ("05940", "metadata"): make_dataset(
        [("Region", REGION_CATEGORIES), ("Byggeareal", {"111": "Enebolig", "000": "Andre bygg"}),
         ("ContentsCode", {"Fullforte": "Fullførte boliger", "Igangsatte": "Igangsatte boliger"}),
         ("Tid", YEARS)]),
    ("05940", "data"): make_dataset(
        [("Region", REGION_CATEGORIES), ("Byggeareal", {"111": "Enebolig", "000": "Andre bygg"}),
         ("ContentsCode", {"Fullforte": "Fullførte boliger"}), ("Tid", YEARS)],
        values=[10000, 11000, 20000, 19000,  # 0: 111 2019, 2020, 000 2019, 2020
                40, None, 5, None,  # 0529
                None, 38, None, None],  # 3443: one building type confidential in 2020
        status={"5": ".", "7": ".", "8": ".", "10": ".", "11": ":"}),
    ("08316", "metadata"): make_dataset(
        [("Region", REGION_CATEGORIES), *ENTERPRISE_FIXED, ("ContentsCode", {"Foretak": "Foretak"}),
         ("Tid", YEARS)]),
    ("08316", "data"): make_dataset(
        [("Region", REGION_CATEGORIES), *ENTERPRISE_FIXED, ("ContentsCode", {"Foretak": "Foretak"}),
         ("Tid", YEARS)],
        values=[60000, 62000, 70, None, None, 75], status={"3": ".", "4": "."}),
    # The older employment tables and the unemployment table have none of the years 2019-2020: only
    # their metadata is read, and no data is asked for.
    ("11616", "metadata"): make_dataset(
        [("Region", {"3443": "Vestre Toten"}), ("Alder", {"15-74": "15-74 år"}),
         ("ContentsCode", {"X": "Sysselsatte personer med arbeidssted i regionen"}), ("Tid", {"2021": "2021"})]),
    ("03311", "metadata"): make_dataset(
        [("Region", {"0529": "0529 Vestre Toten (-2019)"}),
         ("ContentsCode", {"Y": "Sysselsatte personer med arbeidssted i regionen"}), ("Tid", {"2008": "2008"})]),
    ("10540", "metadata"): make_dataset(
        [("Region", {"3443": "Vestre Toten"}), ("Alder", {"15-74": "15-74 år"}),
         ("ContentsCode", {"Z": "Registrerte helt ledige i prosent av arbeidsstyrken"}),
         ("Tid", {"2021M01": "2021M01"})]),
    ("12134", "metadata"): make_dataset(
        [("KOKkommuneregion0000", KOSTRA_REGIONS),
         ("ContentsCode", {"KOSAG110000": "Frie inntekter", "KOSAGD230000": "Netto driftsresultat"}),
         ("Tid", YEARS)]),
    ("12134", "data"): make_dataset(
        [("KOKkommuneregion0000", {"0529": "Vestre Toten (-2019)", "3443": "Vestre Toten", "EAK": "Landet"}),
         ("ContentsCode", {"KOSAGD230000": "Netto driftsresultat"}), ("Tid", YEARS)],
        values=[1.5, None, None, 2.7, 1.9, 3.1], status={"1": ".", "2": "."}),
}

EXPECTED_FILES = {
    "population.csv": """\
region_code,region_name,year,population,status,source_url
3443,Vestre Toten,2019,13300,published,https://www.ssb.no/statbank/table/07459
3443,Vestre Toten,2020,13330,published,https://www.ssb.no/statbank/table/07459
0,Hele landet,2019,5370000,published,https://www.ssb.no/statbank/table/07459
0,Hele landet,2020,5390000,published,https://www.ssb.no/statbank/table/07459
""",  # 6700 + 6600; 6720 + 6610; 2700000 + 2670000; 2710000 + 2680000
    "employment.csv": """\
region_code,region_name,year,employed,status,source_url,source_table,series_break
3443,Vestre Toten,2020,6000,published,https://www.ssb.no/statbank/table/13472,13472,from
0,Hele landet,2020,2650000,published,https://www.ssb.no/statbank/table/13472,13472,from
""",  # 400 + 1100 + 150 + 50 + 4300; 100000 + 200000 + 50000 + 100000 + 2200000; no 2019 in the table
    "dwellings.csv": """\
region_code,region_name,year,dwellings_completed,status,source_url
3443,Vestre Toten,2019,45,published,https://www.ssb.no/statbank/table/05940
0,Hele landet,2019,30000,published,https://www.ssb.no/statbank/table/05940
0,Hele landet,2020,30000,published,https://www.ssb.no/statbank/table/05940
""",  # 40 + 5; 3443 in 2020 has a confidential part and is left out; 10000 + 20000; 11000 + 19000
    "enterprises.csv": """\
region_code,region_name,year,new_enterprises,status,source_url
3443,Vestre Toten,2019,70,published,https://www.ssb.no/statbank/table/08316
3443,Vestre Toten,2020,75,published,https://www.ssb.no/statbank/table/08316
0,Hele landet,2019,60000,published,https://www.ssb.no/statbank/table/08316
0,Hele landet,2020,62000,published,https://www.ssb.no/statbank/table/08316
""",
    "municipal_finances.csv": """\
region_code,region_name,year,netto_driftsresultat_pct,robek,status,source_url
3443,Vestre Toten,2019,1.5,0,published,https://www.ssb.no/statbank/table/12134
3443,Vestre Toten,2020,2.7,0,published,https://www.ssb.no/statbank/table/12134
0,Hele landet,2019,1.9,0,published,https://www.ssb.no/statbank/table/12134
0,Hele landet,2020,3.1,,published,https://www.ssb.no/statbank/table/12134
""",  # 0529 gives 2019 and 3443 gives 2020; EAK is the country; no ROBEK flag given for 0 in 2020
}

ROBEK = {("3443", 2019): 0, ("3443", 2020): 0, ("0", 2019): 0}


def _config() -> ReportConfig:
    return ReportConfig.model_validate({
        "title": "t", "municipality": "3443", "programme": {"start": 2019, "end": 2020, "status_applied": 2018,
                                                            "jobs_lost": 1},
        "period": {"start": 2019, "end": 2020}, "base_year": 2019, "comparison": ["0"], "author": "a",
        "organisation": "o", "report_date": "2021-01-01", "data_dir": "data", "output_name": "t"})


def test_write_statistics_writes_the_report_files_from_a_fake_ssb(tmp_path):
    fake = FakeSsb(FAKE_SSB)
    client = make_client(tmp_path, fake)
    result = ssb.write_statistics(["0529", "0"], 2019, 2020, tmp_path / "out", client=client, robek=ROBEK)

    assert [p.name for p in result.written] == list(EXPECTED_FILES)
    for name, text in EXPECTED_FILES.items():
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == text, name
    # metadata first, then data, for each of the five tables with the years; only metadata for the
    # tables without them (11616, 03311, 10540)
    assert [urllib.parse.urlsplit(u).path.rsplit("/", 2)[1:] for u in fake.urls] == [
        ["07459", "metadata"], ["07459", "data"], ["11616", "metadata"], ["03311", "metadata"],
        ["13472", "metadata"], ["13472", "data"], ["10540", "metadata"],
        *([t, e] for t in ("05940", "08316", "12134") for e in ("metadata", "data"))]
    assert fake.urls[1] == (
        "https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no&outputFormat=json-stat2"
        "&valueCodes[Region]=0,0529,3443&valueCodes[Tid]=2019,2020&valueCodes[ContentsCode]=Personer1"
        "&valueCodes[Kjonn]=1,2&valueCodes[Alder]=*")
    assert "valueCodes[KOKkommuneregion0000]=0529,3443,EAK&" in fake.urls[12]
    assert "valueCodes[Region]=0,3443&valueCodes[Tid]=2020&" in fake.urls[5]  # 2019 is not in 13472

    assert result.problems == [
        "employment: SSB gives no value for 2 region-year(s), left out of employment.csv: 3443 2019; 0 2019",
        "unemployment: none of the SSB tables 10540 has figures for 2019-2020",
        "dwellings: SSB gives no value for 1 region-year(s), left out of dwellings.csv: "
        "3443 2020 (table 05940 status ':')",
        "municipal_finances: no ROBEK flag for 0 2020; fill in the robek column (1 if the municipality was "
        "in the ROBEK register) from regjeringen.no",
    ]


def test_written_files_pass_the_report_schemas_and_provenance_reads_back(tmp_path):
    client = make_client(tmp_path, FakeSsb(FAKE_SSB))
    result = ssb.write_statistics(["3443", "0"], 2019, 2020, tmp_path, client=client, robek=ROBEK)
    schemas = datasets.schemas(_config())
    for name in ("population", "employment", "dwellings", "enterprises"):
        raw = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        schemas[name].validate(raw, lazy=True)

    (tmp_path / "datasets.yaml").write_text(yaml.safe_dump(result.provenance, allow_unicode=True), encoding="utf-8")
    records = datasets.read_provenance(tmp_path, "datasets.yaml")
    assert set(records) == {"population", "employment", "dwellings", "enterprises", "municipal_finances"}
    assert records["employment"].source == ("Statistisk sentralbyrå (SSB), Statistikkbanken tabell 13472 (2020-2020), "
                                            "hentet med PxWebApi v2")
    population = records["population"]
    assert population.status == "published"
    assert population.file == "population.csv"
    assert population.source_url == "https://www.ssb.no/statbank/table/07459"
    assert population.retrieved == "2026-11-26"
    assert population.licence == "CC BY 4.0 (Statistisk sentralbyrå)"
    assert "0529 → 3443" in population.method
    assert "Ingen av tabellene har tall for 2019." in records["employment"].method
    assert "3443 2020 (table 05940 status ':')" in records["dwellings"].method


def test_a_second_run_reads_the_cache_and_a_failing_table_leaves_only_its_file_out(tmp_path):
    ssb.write_statistics(["3443", "0"], 2019, 2020, tmp_path / "out", client=make_client(tmp_path, FakeSsb(FAKE_SSB)),
                         robek=ROBEK)
    offline = FakeSsb({})  # a run from the cache must not call SSB at all
    result = ssb.write_statistics(["3443", "0"], 2019, 2020, tmp_path / "again",
                                  client=make_client(tmp_path, offline), robek=ROBEK)
    assert offline.urls == []
    assert len(result.written) == 5

    broken = dict(FAKE_SSB)
    broken[("08316", "metadata")] = make_dataset([("Region", REGION_CATEGORIES),
                                                  ("ContentsCode", {"Foretak": "Foretak"}), ("Tid", YEARS)])
    result = ssb.write_statistics(["3443", "0"], 2019, 2020, tmp_path / "third",
                                  client=make_client(tmp_path / "other", FakeSsb(broken)), robek=ROBEK)
    assert [p.name for p in result.written] == [
        "population.csv", "employment.csv", "dwellings.csv", "municipal_finances.csv"]
    assert result.problems[3].startswith("enterprises: SSB table 08316: no dimension ['NACE2007', ")
    assert "enterprises" not in result.provenance


def test_robek_flags_are_kept_from_the_existing_file(tmp_path):
    (tmp_path / "municipal_finances.csv").write_text(
        "region_code,region_name,year,netto_driftsresultat_pct,robek,status,source_url\n"
        "0529,Vestre Toten,2019,-1.0,1,synthetic,\n"
        "0,Hele landet,2020,2.0,0,synthetic,\n", encoding="utf-8")
    assert ssb.read_robek(tmp_path / "municipal_finances.csv") == {("3443", 2019): 1, ("0", 2020): 0}


# --- the donor pool: every municipality, joined across renumberings ---------------------------

# With the real region register (KLASS 131): 0529 Vestre Toten became 3443 in 2020 (a renumbering);
# 1548 Fræna and 1551 Eide merged into 1579 Hustadvika in 2020; 5030 Klæbu merged into 5001
# Trondheim in 2020, which kept its number; 0301 Oslo kept its number and territory.
DONOR_REGIONS = {"0": "Hele landet", "0301": "Oslo", "0529": "0529 Vestre Toten (-2019)",
                 "1548": "1548 Fræna (-2019)", "1579": "1579 Hustadvika", "3443": "3443 Vestre Toten",
                 "5001": "5001 Trondheim", "9999": "Uoppgitt"}
TWO_SECTORS = {"6100": "Statlig forvaltning", "A+B+D+E.0-1+9": "Privat sektor"}
# Two of the five sectors, so that every sum below can be checked by hand.
TWO_SECTOR_POOL = dataclasses.replace(ssb.DONOR_POOL, sources=(dataclasses.replace(
    ssb.EMPLOYMENT_BY_WORKPLACE, fixed={"Sektor": tuple(TWO_SECTORS)}),))
DONOR_DIMENSIONS = [("Region", DONOR_REGIONS), ("Sektor", TWO_SECTORS),
                    ("ContentsCode", {"SysselEtterArbste": "Sysselsatte"}), ("Tid", YEARS)]
# Cells: region x sector x year, the year fastest: (sector 6100: 2019, 2020, private: 2019, 2020).
DONOR_VALUES = [
    100000, 101000, 200000, 202000,  # 0: the country, not a municipality
    400000, 410000, 50000, None,  # 0301: private 2020 confidential (':')
    4000, None, 2200, None,  # 0529, until 2019
    300, None, 3000, None,  # 1548, until 2019
    None, 900, None, 5000,  # 1579, from 2020
    None, 4100, None, 2150,  # 3443, from 2020
    9000, 9500, 90000, 95000,  # 5001: took in Klæbu in 2020
    10, 12, 1, 2,  # 9999: unknown place of work, unknown to the register
]
DONOR_STATUS = {"7": ":", **{str(i): "." for i in (9, 11, 13, 15, 16, 18, 20, 22)}}
FAKE_13472 = {
    ("13472", "metadata"): make_dataset(DONOR_DIMENSIONS, eliminable=("NACE2007",)),
    ("13472", "data"): make_dataset(DONOR_DIMENSIONS, values=DONOR_VALUES, status=DONOR_STATUS),
}


@pytest.fixture
def real_register(monkeypatch):
    """Undo the Toten register: these tests use the real one."""
    monkeypatch.undo()


def test_donor_pool_joins_renumbered_municipalities_over_their_lifetime(tmp_path, real_register):
    fake = FakeSsb(FAKE_13472)
    result = ssb.write_donor_pool(2018, 2020, tmp_path / "out", client=make_client(tmp_path, fake),
                                  definition=TWO_SECTOR_POOL)

    # 0301 2019: 400000 + 50000; 2020 has a confidential part and is left out.
    # 3443 2019 is 0529's 4000 + 2200 and 2020 is 3443's 4100 + 2150: one unit across 2020.
    # 1548 Fræna is a unit until 2019 (300 + 3000), 1579 Hustadvika from 2020 (900 + 5000).
    url = "https://www.ssb.no/statbank/table/13472"
    assert (tmp_path / "out" / "donor_pool_employment.csv").read_text(encoding="utf-8") == f"""\
region_code,region_name,year,employed,status,source_url,source_table,series_break
0301,Oslo,2019,450000,published,{url},13472,from
1548,Fræna,2019,3300,published,{url},13472,from
1579,Hustadvika,2020,5900,published,{url},13472,from
3443,Vestre Toten,2019,6200,published,{url},13472,from
3443,Vestre Toten,2020,6250,published,{url},13472,from
"""
    left_out = pd.read_csv(tmp_path / "out" / "donor_pool_left_out.csv", dtype=str)
    # Trondheim took in Klæbu and Stavanger Finnøy and Rennesøy in 2020, keeping their numbers
    assert list(left_out["region_code"]) == ["1103", "5001"]
    assert left_out.loc[1, "reason"].startswith("tok inn (deler av) 5030 fra 2020 og beholdt nummeret")
    assert result.problems[0] == "donor_pool_employment: no SSB table (13472) has figures for 2018"
    assert result.problems[1].startswith("donor_pool_employment: SSB gives no value for ")
    assert "0301 2020 (status ':')" in result.problems[1]
    assert fake.urls == [
        "https://data.ssb.no/api/pxwebapi/v2/tables/13472/metadata?lang=no&outputFormat=json-stat2",
        "https://data.ssb.no/api/pxwebapi/v2/tables/13472/data?lang=no&outputFormat=json-stat2"
        "&valueCodes[Region]=*&valueCodes[Tid]=2019,2020&valueCodes[ContentsCode]=SysselEtterArbste"
        "&valueCodes[Sektor]=6100,A%2BB%2BD%2BE.0-1%2B9"]
    record = result.provenance["donor_pool_employment"]
    assert record["file"] == "donor_pool_employment.csv" and record["retrieved"] == "2026-11-26"
    assert "er utelatt." in record["method"] and "Ingen av tabellene har tall for 2018." in record["method"]


def test_donor_pool_to_the_latest_year_the_tables_have(tmp_path, real_register):
    result = ssb.write_donor_pool(2019, None, tmp_path / "out", client=make_client(tmp_path, FakeSsb(FAKE_13472)),
                                  definition=TWO_SECTOR_POOL)
    panel = pd.read_csv(tmp_path / "out" / "donor_pool_employment.csv", dtype=str)
    assert sorted(set(panel["year"])) == ["2019", "2020"]  # 2020 is the table's last year
    assert not any("has figures for" in p for p in result.problems)


def test_donor_pool_from_the_cache_does_not_call_ssb(tmp_path, real_register):
    first = ssb.write_donor_pool(2019, 2020, tmp_path / "a", client=make_client(tmp_path, FakeSsb(FAKE_13472)),
                                 definition=TWO_SECTOR_POOL)
    offline = FakeSsb({})
    again = ssb.write_donor_pool(2019, 2020, tmp_path / "b", client=make_client(tmp_path, offline),
                                 definition=TWO_SECTOR_POOL)
    assert offline.urls == []
    assert ((tmp_path / "b" / "donor_pool_employment.csv").read_text(encoding="utf-8")
            == (tmp_path / "a" / "donor_pool_employment.csv").read_text(encoding="utf-8"))
    assert again.left_out == first.left_out


def test_find_units_follows_each_place_over_its_own_years(real_register):
    # KLASS 131: 1601 Trondheim became 5001 and 1662 Klæbu 5030 in 2018 (renumberings); 5030
    # merged into 5001 in 2020, which kept its code; 1548 and 1551 into 1579 Hustadvika in 2020.
    units, left_out = ssb.find_units([2017, 2018, 2019])
    by_code = {unit.region_code: unit for unit in units}
    assert by_code["5001"] == ssb.Unit("5001", {2017: "1601", 2018: "5001", 2019: "5001"})
    assert by_code["5030"] == ssb.Unit("5030", {2017: "1662", 2018: "5030", 2019: "5030"})
    assert by_code["1548"].codes == {2017: "1548", 2018: "1548", 2019: "1548"}
    assert "1579" not in by_code and left_out == []
    units, left_out = ssb.find_units([2019, 2020])
    by_code = {unit.region_code: unit for unit in units}
    assert by_code["1579"].codes == {2020: "1579"} and by_code["1551"].codes == {2019: "1551"}
    assert "5001" not in by_code  # not one place over 2019-2020, though its code is the same
    assert {"region_code": "5001", "region_name": "Trondheim",
            "reason": "tok inn (deler av) 5030 fra 2020 og beholdt nummeret, så området er ikke det samme i alle "
                      "årene; delene er ikke lagt sammen"} in left_out


def test_find_units_refuses_years_the_register_does_not_cover(monkeypatch):
    with pytest.raises(ssb.SsbError, match=r"the region register has no municipalities for 1800"):
        ssb.find_units([1800, 2019])


def test_the_employment_sources_in_order_of_precedence():
    assert [s.table for s in ssb.DONOR_POOL.sources] == ["11616", "03311", "13472"]
    assert ssb.DONOR_POOL.value_column == "employed" and ssb.DONOR_POOL.additive
    assert ssb.DONOR_POOL.series_break == 2015  # SSB: from 2015 a-ordningen, not comparable with before
    assert (ssb.side_of_break(2014, 2015), ssb.side_of_break(2015, 2015)) == ("before", "from")


# --- several tables for one series, labels, months ---------------------------------------------

def test_the_first_table_with_a_value_wins_and_says_which_it_was():
    # 2008 is in 11616 and in 03311 (which gives 2 less here): 11616 wins; 2007 is only in 03311;
    # 2016 has no value in 11616 (':'), so 13472 fills it.
    frame = pd.DataFrame({
        "code": ["0529", "0529", "0529", "3443", "3443"], "year": [2007, 2008, 2008, 2016, 2016],
        "value": [6000.0, 6098.0, 6100.0, math.nan, 6400.0], "status": [None, None, None, ":", None],
        "table": ["03311", "03311", "11616", "11616", "13472"]})
    series = ssb.join_sources(frame, ssb.EMPLOYMENT_SOURCES, additive=True)
    assert series[["region_code", "year", "value", "table"]].values.tolist() == [
        ["3443", 2007, 6000.0, "03311"], ["3443", 2008, 6100.0, "11616"], ["3443", 2016, 6400.0, "13472"]]


def test_content_and_fixed_codes_are_chosen_by_the_label_on_ssbs_page():
    metadata = ssb.read_dimensions(make_dataset([
        ("Region", {"3443": "Vestre Toten"}), ("Alder", {"15-74": "15-74 år", "15-19": "15-19 år"}),
        ("ContentsCode", {"A": "Sysselsatte personer bosatt i regionen",
                          "B": "Sysselsatte  personer med arbeidssted i regionen"}), ("Tid", {"2019": "2019"})]))
    selection, absent = ssb.plan_query(ssb.EMPLOYMENT_11616, metadata, ["3443"], [2019])
    assert selection["ContentsCode"] == ["B"] and selection["Alder"] == ["15-74"] and absent == []
    wrong = ssb.read_dimensions(make_dataset([
        ("Region", {"3443": "Vestre Toten"}), ("Alder", {"15-74": "15-74 år"}),
        ("ContentsCode", {"A": "Sysselsatte personer bosatt i regionen"}), ("Tid", {"2019": "2019"})]))
    with pytest.raises(ssb.SsbError, match=r"11616: dimension ContentsCode has no category labelled «Sysselsatte "
                                           r"personer med arbeidssted i regionen»; it has \{'A': 'Sysselsatte"):
        ssb.plan_query(ssb.EMPLOYMENT_11616, wrong, ["3443"], [2019])


def test_a_year_of_months_is_their_mean_and_a_missing_month_leaves_the_year_out():
    months = {f"2019M{m:02d}": f"2019M{m:02d}" for m in range(1, 13)}
    months.update({f"2020M{m:02d}": f"2020M{m:02d}" for m in range(1, 13)})
    rates_2019 = [2.0, 3.0] * 6  # mean 2.5
    rates_2020 = [1.0] * 11 + [None]  # December withheld
    body = make_dataset([("Region", {"3443": "Vestre Toten"}), ("Tid", months)], values=rates_2019 + rates_2020,
                        status={"23": ".."})
    summed = ssb.sum_cells(ssb.parse_jsonstat(body), ssb.UNEMPLOYMENT_SOURCE)
    assert summed["year"].tolist() == [2019, 2020]
    assert summed["value"].iloc[0] == 2.5
    assert math.isnan(summed["value"].iloc[1]) and summed["status"].iloc[1] == ".."


def test_replay_answers_from_recordings_and_refuses_what_was_not_recorded(tmp_path):
    recorder = ssb.Recorder(tmp_path / "rec", note="constructed for the test")
    url = ssb.build_data_url("13472", {"Sektor": ["A+B+D+E.0-1+9"], "Tid": ["2020"]})
    response = requests.Response()
    response.status_code, response._content = 200, b'{"x": 1}'
    path = recorder.write("13472", url, response)
    assert json.loads(path.read_text(encoding="utf-8"))["note"] == "constructed for the test"
    client = ssb.SsbClient(tmp_path / "cache", session=ssb.make_replay_session(tmp_path / "rec"),
                           limiter=ssb.RateLimiter(clock=FakeClock(), sleep=lambda s: None))
    assert json.loads(client.get("13472", url)) == {"x": 1}
    with pytest.raises(ssb.SsbUnreachable, match=r"no recorded response for .*tables/07459"):
        client.get("07459", ssb.build_metadata_url("07459"))
