"""Unit tests of evalreport.klassrefresh: the region register rebuilt from KLASS's REST API.

Offline: the session is a fake that answers with small hand-made bodies shaped as KLASS's API
guide documents them (data.ssb.no/api/klass/v1/api-guide.html): /codes gives
{"codes": [{code, parentCode, level, name, shortName, presentationName, validFrom, validTo,
validFromInRequestedRange, validToInRequestedRange, notes}]}, /changes gives {"codeChanges":
[{oldCode, oldName, oldShortName, newCode, newName, newShortName, changeOccurred}]}. The codes,
names and dates are KLASS's own for the units chosen (KLASS 131's change list to 2024-01-02).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from evalreport import klassrefresh, regions

TO = dt.date(2024, 1, 2)
FEW = {"kommune": 2, "fylke": 1}


def code(code, name, start, end=TO.isoformat()):
    return {"code": code, "parentCode": None, "level": "1", "name": name, "shortName": "", "presentationName": "",
            "validFrom": None, "validTo": None, "validFromInRequestedRange": start, "validToInRequestedRange": end,
            "notes": ""}


def change(date, old, old_name, new, new_name):
    return {"oldCode": old, "oldName": old_name, "oldShortName": "", "newCode": new, "newName": new_name,
            "newShortName": "", "changeOccurred": date}


KOMMUNER = [
    code("0529", "Vestre Toten", "1994-01-01", "2020-01-01"),
    code("3443", "Vestre Toten", "2020-01-01"),
    code("1601", "Trondheim", "1994-01-01", "2018-01-01"),
    code("5001", "Trondheim", "2018-01-01", "2023-01-01"),
    code("5001", "Trondheim - Tråante", "2023-01-01"),
    code("5030", "Klæbu", "2018-01-01", "2020-01-01"),
    code("1662", "Klæbu", "1994-01-01", "2018-01-01"),
    code("9999", "Uoppgitt", "1994-01-01"),
]
KOMMUNE_CHANGES = [
    change("2018-01-01", "1601", "Trondheim", "5001", "Trondheim"),
    change("2018-01-01", "1662", "Klæbu", "5030", "Klæbu"),
    change("2020-01-01", "0529", "Vestre Toten", "3443", "Vestre Toten"),
    change("2020-01-01", "5001", "Trondheim", "5001", "Trondheim"),
    change("2020-01-01", "5030", "Klæbu", "5001", "Trondheim"),
    change("2023-01-01", "5001", "Trondheim", "5001", "Trondheim - Tråante"),
]
FYLKER = [code("04", "Hedmark", "1994-01-01", "2020-01-01"), code("05", "Oppland", "1994-01-01", "2020-01-01"),
          code("34", "Innlandet", "2020-01-01"), code("99", "Uoppgitt", "1994-01-01")]
FYLKE_CHANGES = [change("2020-01-01", "04", "Hedmark", "34", "Innlandet"),
                 change("2020-01-01", "05", "Oppland", "34", "Innlandet")]


class Response:
    def __init__(self, status, body, headers=None):
        self.status_code, self._body, self.headers = status, body, headers or {}
        self.text = body if isinstance(body, str) else json.dumps(body)

    def json(self):
        if isinstance(self._body, str):
            raise ValueError("not JSON")
        return self._body


class FakeKlass:
    """Answers like KLASS; `trouble` maps a path to responses given before the real one."""

    def __init__(self, trouble=None, kommuner=KOMMUNER):
        self.trouble = {k: list(v) for k, v in (trouble or {}).items()}
        self.kommuner = kommuner
        self.calls = []

    def get(self, url, params=None, headers=None, timeout=None):
        path = url.removeprefix(klassrefresh.API_ROOT + "/")
        self.calls.append((path, dict(params or {}), headers))
        if self.trouble.get(path):
            answer = self.trouble[path].pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        bodies = {"classifications/131/codes": {"codes": self.kommuner},
                  "classifications/104/codes": {"codes": FYLKER},
                  "classifications/131/changes": {"codeChanges": KOMMUNE_CHANGES},
                  "classifications/104/changes": {"codeChanges": FYLKE_CHANGES}}
        return Response(200, bodies[path])


def refresh(tmp_path, session, **kwargs):
    sleeps = []
    result = klassrefresh.refresh_register(tmp_path, to=TO, session=session, sleep=sleeps.append,
                                           min_in_use=FEW, **kwargs)
    return result, sleeps


def test_refresh_writes_a_register_that_reads_back(tmp_path):
    session = FakeKlass()
    result, _ = refresh(tmp_path, session)
    assert sorted(p.name for p in result.files) == ["region_changes.csv", "region_names.csv",
                                                    "region_register.json", "regions.csv"]
    assert dict(result.in_use) == {"kommune": 2, "fylke": 1}  # 3443 and 5001; 34
    register = regions.read_register(tmp_path)
    # 9999 and 99 (unknown) are left out
    assert set(register.regions) == {"0", "0529", "3443", "1601", "5001", "5030", "1662", "04", "05", "34"}
    assert register.regions["0529"].current_code == "3443"
    assert register.regions["1601"].current_code == "5001"
    assert register.regions["5030"].current_code == "5030"  # merged, not renumbered
    kinds = {(c.date.year, c.old_code, c.new_code): c.kind for c in register.changes}
    assert kinds == {(2018, "1601", "5001"): "renumbering", (2018, "1662", "5030"): "renumbering",
                     (2020, "0529", "3443"): "renumbering", (2020, "5001", "5001"): "continuation",
                     (2020, "5030", "5001"): "merger", (2023, "5001", "5001"): "rename",
                     (2020, "04", "34"): "merger", (2020, "05", "34"): "merger"}


def test_refresh_asks_for_both_languages_and_the_change_lists(tmp_path):
    session = FakeKlass()
    refresh(tmp_path, session)
    asked = {(path, params.get("language")) for path, params, _ in session.calls}
    assert asked == {("classifications/131/codes", "nb"), ("classifications/131/codes", "nn"),
                     ("classifications/104/codes", "nb"), ("classifications/104/codes", "nn"),
                     ("classifications/131/changes", None), ("classifications/104/changes", None)}
    assert all(params["from"] == "1994-01-01" and params["to"] == "2024-01-02" for _, params, _ in session.calls)
    assert all(headers == {"Accept": "application/json"} for _, _, headers in session.calls)


def test_refresh_dates_and_names(tmp_path):
    refresh(tmp_path, FakeKlass())
    register = regions.read_register(tmp_path)
    vestre_toten, klaebu, oppland = register.regions["0529"], register.regions["5030"], register.regions["05"]
    assert (vestre_toten.valid_from, vestre_toten.valid_to) == (None, dt.date(2019, 12, 31))  # in use in 1994
    assert (klaebu.valid_from, klaebu.valid_to) == (dt.date(2018, 1, 1), dt.date(2019, 12, 31))
    assert oppland.valid_from == dt.date(1919, 1, 1)  # from region_starts.csv: KLASS's range cuts it at 1994
    trondheim = register.regions["5001"]
    assert [(n.official, n.nb, dict(n.sami), n.valid_from) for n in trondheim.names] == [
        ("Trondheim", "Trondheim", {}, None),
        ("Trondheim - Tråante", "Trondheim", {"sma": "Tråante"}, dt.date(2023, 1, 1))]
    assert trondheim.names[0].valid_to == dt.date(2022, 12, 31)
    assert register.regions["0"].names[0].nn == "Heile landet"
    meta = json.loads((tmp_path / "region_register.json").read_text(encoding="utf-8"))
    assert meta["licence"].startswith("CC BY 4.0") and meta["to"] == "2024-01-02"


def test_a_name_of_unknown_languages_is_reported_and_kept_whole(tmp_path):
    kommuner = [*KOMMUNER[:-1], code("9001", "Aaa - Bbb", "2020-01-01")]
    result, _ = refresh(tmp_path, FakeKlass(kommuner=kommuner))
    assert result.untagged_names == ("9001 Aaa - Bbb",)
    assert regions.read_register(tmp_path).regions["9001"].name == "Aaa - Bbb"


def test_refresh_waits_and_tries_again_on_503_and_lost_connections(tmp_path):
    result, sleeps = refresh(tmp_path, FakeKlass(trouble={
        "classifications/131/codes": [Response(503, "busy", {"Retry-After": "7"}),
                                      requests.ConnectionError("reset")]}))
    assert sleeps == [7.0, 4.0]  # Retry-After, then the backoff doubled from 2 s
    assert result.in_use["kommune"] == 2


def test_a_client_error_stops_and_keeps_the_old_files(tmp_path):
    refresh(tmp_path, FakeKlass())
    before = (tmp_path / "regions.csv").read_text(encoding="utf-8")
    session = FakeKlass(trouble={"classifications/104/changes": [Response(404, '{"error":"Not found"}')]})
    with pytest.raises(klassrefresh.KlassError, match=r"classifications/104/changes\?from=1994-01-01.*HTTP 404"):
        refresh(tmp_path, session)
    assert (tmp_path / "regions.csv").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["region_changes.csv", "region_names.csv",
                                                          "region_register.json", "regions.csv"]


def test_an_answer_of_another_shape_is_named(tmp_path):
    session = FakeKlass(trouble={"classifications/131/changes": [Response(200, {"changes": []})]})
    with pytest.raises(klassrefresh.KlassError, match="no list 'codeChanges'"):
        refresh(tmp_path, session)
    session = FakeKlass(trouble={"classifications/131/codes": [Response(200, {"codes": [{"code": "0529"}]})]})
    with pytest.raises(klassrefresh.KlassError, match=r"item 1 of 'codes'.*lacks \['name'"):
        refresh(tmp_path, session)


def test_too_few_codes_in_use_keeps_the_old_files(tmp_path):
    with pytest.raises(klassrefresh.KlassError, match="only .*'kommune': 2.* in use on 2024-01-01"):
        klassrefresh.refresh_register(tmp_path, to=TO, session=FakeKlass(), sleep=lambda s: None)
    assert list(tmp_path.iterdir()) == []


def test_split_name():
    languages = {"Gáivuotna": "sme", "Kaivuono": "fkv"}
    assert klassrefresh.split_name("Gáivuotna - Kåfjord - Kaivuono", languages) == (
        {"sme": "Gáivuotna", "fkv": "Kaivuono", "nb": "Kåfjord"}, True)
    assert klassrefresh.split_name("Aure", languages) == ({"nb": "Aure"}, True)
