"""Unit tests of evalreport.regions: the register of kommuner and fylker since 1994.

Sources of the expected values, cited by key in the comments:
- [klass131]: KLASS 131's change list to 2024-01-02 (data.ssb.no/api/klass/v1/classifications/131/changes,
  stored in opisthokonta/kommuneendringer data-raw/changetables.json).
- [grouping]: SSB's grouping of kommune codes 1994-2024, shared/reference/municipalities_1994_2024.csv
  (e.g. «K.4643,Årdal,1424,Årdal (-2019)»).
- [reform]: the regional reforms: Trøndelag 2018; 11 fylker from 2020 (04 Hedmark and 05 Oppland
  became 34 Innlandet); 15 fylker from 2024.
- [ssb-count]: SSB's published numbers of kommuner: 428 (2013), 426 (2017), 422 (2018 and 2019),
  356 (2020), 357 (2024).
- [klass2026]: the KLASS 131 changes of 1 January 2026 (src/evalreport/resources/README.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources

import pandas as pd
import pytest

from evalreport import regions

D = dt.date


# --- joining series across renumberings (the callers' use) ------------------------------------------

@pytest.mark.parametrize(
    "code, current",
    [
        ("0529", "3443"),  # Vestre Toten 2020 [klass131: 0529 -> 3443, 2020-01-01]
        ("0502", "3407"),  # Gjøvik [klass131]
        ("3443", "3443"),  # already current
        ("1424", "4643"),  # Årdal [klass131; grouping «K.4643 ... 1424 Årdal (-2019)»]
        ("3006", "3303"),  # Kongsberg, 2024 reform [klass131: 3006 -> 3303, 2024-01-01]
        ("0604", "3303"),  # Kongsberg across both reforms: 0604 -> 3006 -> 3303 [klass131]
        ("0532", "3236"),  # Jevnaker, Oppland -> Viken -> Akershus: 0532 -> 3053 -> 3236 [klass131]
        ("0701", "3901"),  # Horten: 0701 -> 3801 (2020) -> 3901 (2024) [klass131]
        ("1601", "5001"),  # Trondheim's number in Sør-Trøndelag, renumbered 2018 [klass131]
        ("05", "05"),  # Oppland merged into Innlandet: a merger is not a renumbering [reform]
        ("5030", "5030"),  # Klæbu merged into Trondheim 2020: its series is not Trondheim's [klass131]
        ("1850", "1850"),  # Tysfjord split between Narvik and Hamarøy 2020 [klass131]
        ("0", "0"),  # the whole country
    ],
)
def test_to_current_code(code, current):
    assert regions.to_current_code(code) == current


def test_to_current_code_accepts_a_number_without_lost_zeros():
    assert regions.to_current_code(3443) == "3443"


@pytest.mark.parametrize("code", ["9999", "529", "", "5", "0599", "1564", "Oslo"])
def test_unknown_codes_raise_naming_the_code(code):
    with pytest.raises(regions.UnknownRegionError, match="unknown region code"):
        regions.to_current_code(code)
    with pytest.raises(KeyError):  # callers that catch KeyError keep working
        regions.lookup(code)


def test_a_code_without_its_leading_zero_says_how_to_write_it():
    with pytest.raises(regions.UnknownRegionError) as caught:
        regions.lookup("529")
    message = str(caught.value)
    assert "'0529', not '529'" in message
    assert "0529 Vestre Toten" in message  # the nearest code is offered


@pytest.mark.parametrize("code", ["0529", "3443", "05", "34", "0", "3006", "0301", "1563", "5030", "1850",
                                  "1842", "16", "54"])
def test_is_known_true(code):
    assert regions.is_known(code) is True


@pytest.mark.parametrize("code", ["9999", "529", "5", "0000", "0599", "1564", "13", "0716u", "2111"])
def test_is_known_false(code):
    # 13 Bergen was a fylke until 1972; 0716u is SSB's pseudo code for Våle; 2111 is Longyearbyen,
    # not a kommune [grouping: group «Svalbard og Jan Mayen»]
    assert regions.is_known(code) is False


# --- the cases of the brief -----------------------------------------------------------------------

def test_oslo():
    oslo = regions.lookup("0301")
    assert (oslo.kind, oslo.valid_from, oslo.valid_to, oslo.county_code) == ("kommune", None, None, "03")
    assert regions.region_name("0301") == "Oslo"
    # the South Sami «Oslove» is part of the official name from 2026 [klass2026]
    assert regions.region_name("0301", official=True) == "Oslo - Oslove"
    assert regions.region_name("0301", year=2025, official=True) == "Oslo"
    assert regions.region_name("0301", "sma") == "Oslove"


def test_sunndal_is_unchanged_since_1994():
    # no 1563 in KLASS's change list since 1994 [klass131]; «K.1563,Sunndal,1563,Sunndal» [grouping]
    sunndal = regions.lookup("1563")
    assert (sunndal.name, sunndal.is_current, sunndal.changes) == ("Sunndal", True, ())
    assert regions.region_name("1563", year=1994) == "Sunndal"
    assert "1563" in regions.municipalities_in(1994) and "1563" in regions.municipalities_in(2026)


def test_ardal_renumbered_2020():
    old, new = regions.lookup("1424"), regions.lookup("4643")
    assert old.valid_to == D(2019, 12, 31) and new.valid_from == D(2020, 1, 1)  # [klass131]
    assert [c.kind for c in old.successors] == ["renumbering"]
    assert regions.region_name("1424", year=2019) == "Årdal"


def test_vestre_toten_renumbered_2020():
    assert regions.lookup("0529").valid_to == D(2019, 12, 31)  # [klass131]
    assert regions.lookup("3443").valid_from == D(2020, 1, 1)
    assert regions.current_codes("0529") == ("3443",)
    assert regions.region_name("0529") == "Vestre Toten"


def test_horten_has_three_codes():
    # 0701 Borre was renamed Horten in 2002; 3801 in 2020-2023; 3901 since 2024 [klass131]
    horten_2020 = regions.lookup("3801")
    assert (horten_2020.valid_from, horten_2020.valid_to) == (D(2020, 1, 1), D(2023, 12, 31))
    assert str(horten_2020) == "3801 Horten (2020-2023)"
    assert regions.region_name("0701", year=2001) == "Borre"
    assert regions.region_name("0701", year=2002) == "Horten"
    assert regions.lookup("3901").is_current


def test_klaebu_merged_into_trondheim_2020():
    klaebu = regions.lookup("5030")
    assert (klaebu.valid_from, klaebu.valid_to) == (D(2018, 1, 1), D(2019, 12, 31))  # [klass131]
    assert [(c.new_code, c.kind) for c in klaebu.successors] == [("5001", "merger")]
    assert regions.to_current_code("5030") == "5030"
    assert regions.current_codes("5030") == ("5001",)
    # Trondheim keeps its code through the merger, which shows in its changes
    trondheim = regions.lookup("5001")
    assert ("5030", "merger") in [(c.old_code, c.kind) for c in trondheim.predecessors]
    assert regions.region_name("5001", year=2022, official=True) == "Trondheim"
    assert regions.region_name("5001", year=2023, official=True) == "Trondheim - Tråante"  # [klass131: 2023]


def test_tysfjord_split_2020():
    tysfjord = regions.lookup("1850")
    assert tysfjord.valid_to == D(2019, 12, 31)
    # [klass131: 1850 -> 1806 Narvik and 1850 -> 1875 Hábmer - Hamarøy, 2020-01-01]
    assert sorted((c.new_code, c.kind) for c in tysfjord.successors) == [("1806", "split"), ("1875", "split")]
    assert regions.current_codes("1850") == ("1806", "1875")
    assert regions.region_name("1850", year=2011, official=True) == "Tysfjord"
    assert regions.region_name("1850", year=2012, official=True) == "Tysfjord - Divtasvuodna"
    assert regions.region_name("1850", "smj", year=2019) == "Divtasvuodna"  # Lule Sami


def test_bodo_took_in_skjerstad_2005():
    # [klass131: 1842 Skjerstad -> 1804 Bodø and 1804 -> 1804, 2005-01-01]
    bodo = regions.lookup("1804")
    assert bodo.is_current and regions.to_current_code("1804") == "1804"
    assert [(c.old_code, c.kind) for c in bodo.predecessors] == [("1842", "merger")]
    assert regions.current_codes("1842") == ("1804",)
    assert regions.lookup("1842").valid_to == D(2004, 12, 31)


def test_oppland_merged_into_innlandet():
    oppland = regions.lookup("05")
    # 1919 (amt became fylke) to 2019; into 34 Innlandet 2020 [reform]
    assert (oppland.kind, oppland.valid_from, oppland.valid_to) == ("fylke", D(1919, 1, 1), D(2019, 12, 31))
    assert [(c.new_code, c.kind) for c in oppland.successors] == [("34", "merger")]
    assert regions.current_codes("05") == ("34",)
    assert regions.region_name("05") == "Oppland"


def test_a_fylke_that_merged_and_then_split_leads_to_every_part():
    # 01 Østfold -> 30 Viken (2020) -> 31, 32, 33 (2024) [reform]: a superset, documented
    assert regions.current_codes("01") == ("31", "32", "33")


def test_names_of_the_whole_country():
    assert regions.region_name("0") == "Hele landet"
    assert regions.region_name("0", "nn") == "Heile landet"
    assert regions.region_name("0", "en") == "Norway"
    assert regions.region_name("0", "nn", official=True) == "Heile landet"


def test_english_and_nynorsk_of_a_municipality_are_the_norwegian_name():
    assert regions.region_name("5001", "en") == "Trondheim"
    assert regions.region_name("5001", "nn") == "Trondheim"


def test_sami_and_kven_names():
    # «Gáivuotna - Kåfjord - Kaivuono» since 2017 [klass131]; languages from Kartverket's register
    assert regions.region_name("5540", "sme") == "Gáivuotna"
    assert regions.region_name("5540", "fkv") == "Kaivuono"
    assert regions.region_name("5540") == "Kåfjord"
    assert regions.region_name("1563", "sme") == "Sunndal"  # no Sami name: the Norwegian one


def test_region_name_refuses_a_year_the_code_was_not_in_use():
    with pytest.raises(regions.RegionYearError, match="3443 Vestre Toten was not in use in 2019"):
        regions.region_name("3443", year=2019)
    with pytest.raises(regions.RegionYearError, match="starts in 1994"):
        regions.region_name("0529", year=1990)
    with pytest.raises(ValueError, match="unknown language"):
        regions.region_name("0529", "de")


# --- suggestions ----------------------------------------------------------------------------------

def test_suggest_for_a_code_that_never_existed():
    assert not regions.is_known("1564")
    near = regions.suggest("1564")
    assert near[0].code == "1563"  # one digit off, nearest number
    assert str(near[0]) == "1563 Sunndal (in use)"
    codes = [r.code for r in regions.suggest("0599")]
    assert codes[:2] == ["0529", "0519"]  # one digit off: Vestre Toten, Sør-Fron (ended 2019)
    assert str(regions.suggest("0599")[0]) == "0529 Vestre Toten (until 2019)"


def test_suggest_for_a_misspelt_name():
    assert regions.suggest("Sundal")[0].code == "1563"
    assert regions.suggest("Vestre Totn")[0].code == "3443"  # the current code first
    assert {r.code for r in regions.suggest("Aalesund")} >= {"1508", "1507", "1504"}


def test_suggest_reads_a_code_without_its_leading_zero():
    assert regions.suggest("529")[0].code == "0529"


def test_suggest_gives_nothing_for_nonsense():
    assert regions.suggest("xqzw") == ()
    assert regions.suggest("") == ()


# --- counts ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("year, count", [(2013, 428), (2017, 426), (2018, 422), (2019, 422), (2020, 356),
                                         (2023, 356), (2024, 357)])
def test_municipalities_in_year(year, count):
    assert len(regions.municipalities_in(year)) == count  # [ssb-count]


@pytest.mark.parametrize("year, count", [(1994, 19), (2017, 19), (2018, 18), (2020, 11), (2024, 15)])
def test_fylker_in_year(year, count):
    assert len(regions.valid_codes(year, "fylke")) == count  # [reform]


def test_every_municipality_lies_in_a_fylke_in_use():
    for year in range(regions.FIRST_YEAR, 2027):
        fylker = set(regions.valid_codes(year, "fylke"))
        assert [c for c in regions.municipalities_in(year) if c[:2] not in fylker] == [], year


def test_valid_codes_refuses_years_before_the_register_and_unknown_kinds():
    with pytest.raises(regions.RegionYearError):
        regions.municipalities_in(1993)
    with pytest.raises(ValueError, match="unknown kind"):
        regions.valid_codes(2020, "bydel")
    assert regions.valid_codes(2020, "land") == ("0",)


# --- classifying changes -----------------------------------------------------------------------------

def test_classify_changes_on_hand_made_rows():
    # A and B merge into new C; D is renumbered E; F splits into G and H; I loses a part to J and
    # goes on; K is renamed.
    use = {"A": (None, D(2019, 12, 31)), "B": (None, D(2019, 12, 31)), "C": (D(2020, 1, 1), None),
           "D": (None, D(2019, 12, 31)), "E": (D(2020, 1, 1), None), "F": (None, D(2019, 12, 31)),
           "G": (D(2020, 1, 1), None), "H": (None, None), "I": (None, None), "J": (None, None), "K": (None, None)}

    def in_use(code, day):
        first, last = use[code]
        return (first is None or first <= day) and (last is None or last >= day)

    day = D(2020, 1, 1)
    rows = [(day, o, o.lower(), n, n.lower(), "131") for o, n in
            [("A", "C"), ("B", "C"), ("D", "E"), ("F", "G"), ("F", "H"), ("I", "J"), ("H", "H")]]
    rows.append((day, "K", "old", "K", "new", "131"))
    kinds = {(c.old_code, c.new_code): c.kind for c in regions.classify_changes(rows, in_use)}
    assert kinds == {("A", "C"): "merger", ("B", "C"): "merger", ("D", "E"): "renumbering",
                     ("F", "G"): "split", ("F", "H"): "split", ("I", "J"): "boundary",
                     ("H", "H"): "continuation", ("K", "K"): "rename"}


def test_the_2026_boundary_adjustment_is_no_merger():
    # 3118 Indre Østfold gives parts to 3207 and 3216 and goes on [klass2026]
    changes = [c for c in regions.list_changes(2026) if c.old_code == "3118"]
    assert sorted((c.new_code, c.kind) for c in changes) == [("3207", "boundary"), ("3216", "boundary")]
    assert regions.lookup("3118").is_current and regions.current_codes("3118") == ("3118",)


# --- the table for callers -----------------------------------------------------------------------------

def test_load_regions_keeps_its_columns():
    table = regions.load_regions()
    assert table.at["0529", "valid_to"] == "2019" and table.at["0529", "successor"] == "3443"
    assert table.at["3443", "valid_from"] == "2020" and table.at["3443", "valid_to"] == ""
    assert table.at["5030", "successor"] == ""  # a merger has no successor code
    assert table.at["05", "name"] == "Oppland"
    table.loc["0529", "name"] = "changed"  # a copy: the register stays as it is
    assert regions.load_regions().at["0529", "name"] == "Vestre Toten"
    assert isinstance(table, pd.DataFrame)


# --- reading the files -------------------------------------------------------------------------------

@pytest.fixture
def register_copy(tmp_path):
    folder = resources.files("evalreport.resources")
    for name in regions.FILES:
        shutil.copy(str(folder.joinpath(name)), tmp_path / name)
    return tmp_path


def test_a_bad_date_is_named_with_file_row_and_column(register_copy):
    path = register_copy / "regions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",land,,", ",land,1.1.1994,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(regions.RegisterFileError, match=r"regions.csv, row 2, column valid_from: '1.1.1994'"):
        regions.read_register(register_copy)


def test_a_change_to_an_unknown_code_is_refused(register_copy):
    path = register_copy / "region_changes.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2030-01-01,131,0529,X,9998,Y,test\n", encoding="utf-8")
    with pytest.raises(regions.RegisterFileError, match="column new_code: code '9998' is not in regions.csv"):
        regions.read_register(register_copy)


def test_a_missing_file_says_how_to_rebuild(register_copy):
    (register_copy / "region_names.csv").unlink()
    with pytest.raises(regions.RegisterFileError, match="missing.*refresh_register"):
        regions.read_register(register_copy)
