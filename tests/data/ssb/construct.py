"""Construct the recorded `make data` of tests/data/ssb/recorded/: SSB's PxWebApi v2 answering as a
json-stat2 service would, with made-up figures, so that a test can replay a whole `make data` offline.

SSB cannot be reached from where this was written (no network but the package registries), so the
responses are CONSTRUCTED, not recorded from SSB: every file says so in its "note". Their shape
follows the real response in data/reference/ssb_pxwebapi_v2_table12134_json-stat2.json (version,
class, label, source, updated, role, id, size, dimension with category index and label and
extension.elimination, value, status) and SSB's table pages (tables 03311, 11616, 13472: the
variable «Sysselsatte personer med arbeidssted i regionen», regions labelled like «0101 Halden
(-2019)» and «3001 Halden (2020-2023)», status «.» where a code was not in use). The dimension
ids and codes not shown on those pages are the ones evalreport.ssb's definitions assume.

The figures are a function of the place (today's code after renumberings), the year and the
table, so that a test can work out any of them by hand (`employed`, `unemployed_pct` below).

Run from the project root: `.venv/bin/python tests/data/ssb/construct.py` (it replaces the folder).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.parse
from pathlib import Path

import requests

from evalreport import regions, ssb

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "recorded"
NOTE = ("CONSTRUCTED by tests/data/ssb/construct.py, not recorded from SSB (no network where it was made): "
        "the shape of SSB's PxWebApi v2 json-stat2, made-up figures")
LATEST = 2025  # the latest year the constructed employment tables have
UPDATED = "2026-03-16T07:00:00Z"
WORKPLACE = "Sysselsatte personer med arbeidssted i regionen"
VARIABLES = {"SysselBosted": "Sysselsatte personer bosatt i regionen", "Innpendlere": "Personer som pendler inn i regionen",
             "Utpendlere": "Personer som pendler ut av regionen", "SysselArbsted": WORKPLACE}

# The case the recordings are for (tests/test_data_replay.py makes it with `evalreport new-case`).
CASE = {"municipality": "1548", "comparison": ["15", "0", "1502"], "period": (2000, 2019)}


def employed(place: str, year: int, table: str) -> int:
    """The constructed employment of a place (today's code after renumberings): a level from the
    code, growing by 1 % a year, 3 % higher from 2015 on (the break), and 03311 2 less than 11616 in
    2008, the year both have, so that a test can tell which table won."""
    level = 1000 + (int(place) % 97) * 50 if place != "0" and len(place) == 4 else (
        2_500_000 if place == "0" else 100_000 + int(place) * 1000)
    value = level * (1.01 ** (year - 2000)) * (1.03 if year >= 2015 else 1.0)
    return int(round(value)) - (2 if table == "03311" else 0)


def unemployed_pct(place: str, year: int, month: int) -> float:
    """The constructed monthly rate: 2.0 % plus the place's code modulo 7 tenths, 0.2 higher in odd
    months and 0.2 lower in even ones, so that the year's mean is 2.0 + (code % 7) / 10."""
    return round(2.0 + (int(place) % 7) / 10 + (0.2 if month % 2 else -0.2), 1)


def _label(code: str) -> str:
    region = regions.lookup(code)
    if region.kind == "land":
        return "Hele landet"
    start = region.valid_from.year if region.valid_from else None
    end = region.valid_to.year if region.valid_to else None
    span = f" ({start}-{end})" if start and end else f" (-{end})" if end else ""
    return f"{code} {region.name}{span}"


def _regions_in(first: int, last: int) -> list[str]:
    codes = set()
    for year in range(max(first, regions.FIRST_YEAR), last + 1):
        codes |= set(regions.valid_codes(year, "kommune")) | set(regions.valid_codes(year, "fylke"))
    return ["0", *sorted(codes)]


class Cube:
    """One constructed table: its dimensions (id, label, {code: label}, eliminable) and a function of a
    cell's codes giving (value, status)."""

    def __init__(self, table: str, title: str, dimensions: list, cell, region_dimension: str = "Region"):
        self.table, self.title, self.dimensions, self.cell = table, title, dimensions, cell
        self.region_dimension = region_dimension

    def body(self, selection: dict[str, list[str]] | None) -> dict:
        dims = []
        for dim_id, label, categories, eliminable in self.dimensions:
            if selection is None:
                codes = list(categories)
            elif dim_id not in selection:
                if not eliminable:
                    raise ValueError(f"{self.table}: {dim_id} must be selected")
                continue  # eliminated: the cell function gives the total
            else:
                chosen = selection[dim_id]
                codes = list(categories) if chosen == ["*"] else [c for c in categories if c in chosen]
            dims.append((dim_id, label, {c: categories[c] for c in codes}, eliminable))
        body = {"version": "2.0", "class": "dataset", "label": f"{self.table}: {self.title}",
                "source": "Statistisk sentralbyrå", "updated": UPDATED,
                "role": {"time": ["Tid"], "geo": [self.region_dimension], "metric": ["ContentsCode"]},
                "id": [d[0] for d in dims], "size": [len(d[2]) for d in dims],
                "dimension": {d[0]: {"label": d[1], "category": {"index": {c: i for i, c in enumerate(d[2])},
                                                                 "label": d[2]},
                                     "extension": {"elimination": d[3], "show": "code_value"}} for d in dims},
                "extension": {"px": {"tableid": self.table, "language": "no"}}}
        if selection is None:
            return body
        values, status = [], {}
        import itertools
        for i, combination in enumerate(itertools.product(*[list(d[2]) for d in dims])):
            value, symbol = self.cell(dict(zip(body["id"], combination)))
            values.append(value)
            if symbol:
                status[str(i)] = symbol
        body["value"] = values
        if status:
            body["status"] = status
        return body


def _in_use(code: str, year: int) -> bool:
    if code == "0" or len(code) == 2 and regions.is_known(code):
        return regions.lookup(code).is_valid_in(year) if code != "0" else True
    return regions.lookup(code).is_valid_in(year)


def _employment_cell(table: str, content: str):
    def cell(coords):
        code, year = coords["Region"], int(coords["Tid"])
        if coords.get("ContentsCode", content) != content:
            return 1, None  # the other statistics variables are not used
        if not _in_use(code, year):
            return None, "."
        place = regions.to_current_code(code)
        value = employed(place, year, table)
        if "Sektor" in coords:  # five sectors: 10 %, 5 %, 5 %, 20 % and the rest
            shares = {"6100": 0.10, "6500.6": 0.05, "6500.7": 0.05, "A+B+D+E.5-7": 0.20}
            part = int(value * shares[coords["Sektor"]]) if coords["Sektor"] in shares else value - sum(
                int(value * s) for s in shares.values())
            return part, None
        return value, None
    return cell


def cubes() -> dict[str, Cube]:
    years = lambda first, last: {str(y): str(y) for y in range(first, last + 1)}  # noqa: E731
    labelled = lambda codes: {c: _label(c) for c in codes}  # noqa: E731
    region_03311 = labelled(_regions_in(2000, 2008))
    region_11616 = labelled(_regions_in(2008, LATEST))
    region_13472 = labelled(_regions_in(2015, LATEST))
    ages = {"15-74": "15-74 år", "15-19": "15-19 år", "20-66": "20-66 år"}
    case_regions = labelled(_regions_in(2000, LATEST + 1))
    months = {f"{y}M{m:02d}": f"{y}M{m:02d}" for y in range(2000, LATEST + 1) for m in range(1, 13)}
    kostra = {("EAK" if c == "0" else f"EKA{c}" if len(c) == 2 else c): ("Landet" if c == "0" else l)
              for c, l in case_regions.items()}

    def unemployment(coords):
        code, period = coords["Region"], coords["Tid"]
        year, month = int(period[:4]), int(period[5:])
        if not _in_use(code, year):
            return None, "."
        rate = unemployed_pct(regions.to_current_code(code) if len(code) == 4 else code, year, month)
        return (rate if coords["ContentsCode"] == "ArbledProsArbstyrk" else round(rate * 100)), None

    def kostra_cell(coords):
        code = {"EAK": "0"}.get(coords["KOKkommuneregion0000"], coords["KOKkommuneregion0000"].removeprefix("EKA"))
        year = int(coords["Tid"])
        return (None, ".") if not _in_use(code, year) else (round(1.0 + (int(code) % 5) / 2, 1), None)

    def count_cell(scale):
        def cell(coords):
            code, year = coords["Region"], int(coords["Tid"])
            if not _in_use(code, year):
                return None, "."
            return (int(code) % 50 + 10) * scale + (year - 2000), None
        return cell

    return {
        "03311": Cube("03311", "Sysselsatte per 4. kvartal, etter bosted, arbeidssted, inn- og utpendling og næring "
                      "(SN2002) (M) (avslutta serie) 2000 - 2008",
                      [("Region", "region", region_03311, False),
                       ("NACE2002", "næring (SN2002)", {"00-99": "Alle næringer", "01-05": "Primærnæringer"}, True),
                       ("ContentsCode", "statistikkvariabel", {f"{k}03311": v for k, v in VARIABLES.items()}, False),
                       ("Tid", "år", years(2000, 2008), False)],
                      _employment_cell("03311", "SysselArbsted03311")),
        "11616": Cube("11616", "Sysselsatte per 4. kvartal, etter region, statistikkvariabel, år og alder",
                      [("Region", "region", region_11616, False), ("Alder", "alder", ages, False),
                       ("ContentsCode", "statistikkvariabel", VARIABLES, False), ("Tid", "år", years(2008, LATEST), False)],
                      _employment_cell("11616", "SysselArbsted")),
        "13472": Cube("13472", "Sysselsatte per 4. kvartal, etter arbeidssted, sektor og næring",
                      [("Region", "region", region_13472, False),
                       ("Sektor", "sektor", {"6100": "Statlig forvaltning", "6500.6": "Fylkeskommunal forvaltning",
                                              "6500.7": "Kommunal forvaltning", "A+B+D+E.5-7": "Offentlige foretak",
                                              "A+B+D+E.0-1+9": "Privat sektor"}, False),
                       ("NACE2007", "næring (SN2007)", {"00-99": "Alle næringer"}, True),
                       ("ContentsCode", "statistikkvariabel", {"SysselEtterArbste": "Sysselsatte etter arbeidssted"},
                        False), ("Tid", "år", years(2015, LATEST), False)],
                      _employment_cell("13472", "SysselEtterArbste")),
        "10540": Cube("10540", "Registrerte helt ledige, etter region, alder, statistikkvariabel og måned",
                      [("Region", "region", case_regions, False), ("Alder", "alder", ages, False),
                       ("ContentsCode", "statistikkvariabel", {"ArbledPers": "Registrerte helt ledige (personer)",
                                                               "ArbledProsArbstyrk": ssb.UNEMPLOYMENT_SOURCE.content_label},
                        False), ("Tid", "måned", months, False)], unemployment),
        "07459": Cube("07459", "Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
                      [("Region", "region", case_regions, False), ("Kjonn", "kjønn", {"1": "Menn", "2": "Kvinner"}, True),
                       ("Alder", "alder", {"000": "0 år", "001": "1 år"}, True),
                       ("ContentsCode", "statistikkvariabel", {"Personer1": "Personer"}, False),
                       ("Tid", "år", years(2000, LATEST + 1), False)], count_cell(100)),
        "05940": Cube("05940", "Boliger, etter region, bygningstype, statistikkvariabel og år",
                      [("Region", "region", case_regions, False), ("Byggeareal", "bygningstype", {"111": "Enebolig"}, False),
                       ("ContentsCode", "statistikkvariabel", {"Fullforte": "Fullførte boliger"}, False),
                       ("Tid", "år", years(2000, LATEST), False)], count_cell(1)),
        "08316": Cube("08316", "Nyetablerte foretak",
                      [("Region", "region", case_regions, False), ("NACE2007", "næring", {"00-99": "Alle"}, False),
                       ("OrgFormer", "organisasjonsform", {"Alle": "Alle"}, False),
                       ("AntSyss", "sysselsatte", {"999": "Alle"}, False),
                       ("OverlevAar", "år", {"01": "1 år"}, False), ("Overlevelse", "overlevelse", {"00": "Alle"}, False),
                       ("ContentsCode", "statistikkvariabel", {"Foretak": "Foretak"}, False),
                       ("Tid", "år", years(2008, LATEST), False)], count_cell(2)),
        "12134": Cube("12134", "Utvalgte nøkkeltall for kommuneregnskap, kommunekonsern, etter region og år",
                      [("KOKkommuneregion0000", "region", kostra, False),
                       ("ContentsCode", "statistikkvariabel", {"KOSAGD230000": "Netto driftsresultat i prosent av "
                                                                               "brutto driftsinntekter (prosent)"},
                        False), ("Tid", "år", years(2015, LATEST), False)], kostra_cell,
                      region_dimension="KOKkommuneregion0000"),
    }


class ConstructedSsb(requests.adapters.BaseAdapter):
    """A requests transport answering PxWebApi v2 metadata and data URLs from the cubes."""

    def __init__(self):
        super().__init__()
        self.cubes = cubes()

    def send(self, request, **kwargs):
        url = urllib.parse.unquote(request.url)
        parts = urllib.parse.urlsplit(url)
        table, endpoint = parts.path.split("/")[-2:]
        query = urllib.parse.parse_qsl(parts.query)
        selection = None
        if endpoint == "data":
            selection = {}
            for key, value in query:
                if key.startswith("valueCodes["):
                    selection[key[len("valueCodes["):-1]] = [v.strip("[]") for v in value.split(",")]
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(self.cubes[table].body(selection), ensure_ascii=False).encode("utf-8")
        response.headers["Content-Type"] = "application/json; charset=UTF-8"
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


def construct(folder: Path = FOLDER) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    session = requests.Session()
    session.mount("https://", ConstructedSsb())
    with __import__("tempfile").TemporaryDirectory() as cache:
        client = ssb.SsbClient(Path(cache), session=session, recorder=ssb.Recorder(folder, NOTE),
                               now=lambda: dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc))
        first, last = CASE["period"]
        codes = [regions.to_current_code(CASE["municipality"]), *CASE["comparison"]]
        with __import__("tempfile").TemporaryDirectory() as out:
            ssb.write_statistics(codes, first, last, Path(out), client=client)
            ssb.write_donor_pool(ssb.EMPLOYMENT_FIRST_YEAR, None, Path(out), client=client)
    (folder / "README.md").write_text(
        "# Recorded `make data` (CONSTRUCTED)\n\n"
        "One JSON file per call `make data` made: `request` (method, URL) and `response` (status, content type,\n"
        "the json-stat2 body). These were NOT recorded from SSB: SSB could not be reached where they were made.\n"
        "`tests/data/ssb/construct.py` constructed them in the shape of SSB's PxWebApi v2 (see its docstring),\n"
        f"for the case of `tests/test_data_replay.py`: municipality {CASE['municipality']}, comparison "
        f"{', '.join(CASE['comparison'])}, period {first}-{last}.\n"
        "`evalreport data --case <case> --replay tests/data/ssb/recorded` (`make data REPLAY=...`) replays them offline;\n"
        "`--record <folder>` (`RECORD=`) records a real run the same way.\n", encoding="utf-8")


if __name__ == "__main__":
    construct()
    print(f"wrote {len(list(FOLDER.glob('*.json')))} calls to {FOLDER}")
