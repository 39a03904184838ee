"""A municipality is one place through its changes of number: which codes are the same place, which
overlap, which municipality ran a programme under a number that changed, which donors hold the case,
what an exclusion written in any numbering names, and the facts of a place's later history.

Expected values are KLASS 131's changes as the bundled register has them (src/evalreport/resources):
1548 Fræna and 1551 Eide merged into 1579 Hustadvika on 1 January 2020; 1502 Molde, 1543 Nesset and
1545 Midsund into 1506 Molde; 0529 Vestre Toten was renumbered 3443; 1850 Tysfjord was split between
1806 Narvik and 1875 Hamarøy; 1601 Trondheim was renumbered 5001 in 2018.
"""

from __future__ import annotations

import pytest

from evalreport import regions
from evalreport.config import ReportConfig
from evalreport.errors import ConfigError


@pytest.mark.parametrize("a, b, same, overlap", [
    ("0529", "3443", True, True),  # renumbered: one place
    ("1548", "1579", False, True),  # Fræna went into Hustadvika
    ("1551", "1579", False, True),
    ("1548", "1551", False, False),  # both went into Hustadvika, but never shared territory
    ("1850", "1806", False, True),  # part of Tysfjord went to Narvik
    ("1806", "1875", False, False),  # Narvik and Hamarøy each took a part of Tysfjord: not each other's
    ("1502", "1506", False, True),
    ("0301", "3443", False, False),
])
def test_same_place_and_overlap(a, b, same, overlap):
    assert regions.is_same_place(a, b) is same
    assert regions.overlaps(a, b) is overlap and regions.overlaps(b, a) is overlap


@pytest.mark.parametrize("donor, case, kind", [
    ("1579", "1548", "contains_case"), ("1548", "1579", "part_of_case"), ("3443", "0529", "same_place"),
    ("1806", "1850", "shares_territory"), ("1551", "1548", None), ("0301", "1548", None),
])
def test_relation_of_a_donor_to_the_case(donor, case, kind):
    assert regions.relation(donor, case) == kind


@pytest.mark.parametrize("code, first, last, places", [
    ("1579", 2012, 2017, ("1548", "1551")),  # Hustadvika did not exist: the municipalities in it did
    ("3443", 2012, 2017, ("0529",)),  # the same place under its number then
    ("5001", 2012, 2017, ("1601",)),
    ("1548", 2012, 2017, ("1548",)),
    ("1506", 2012, 2017, ("1502", "1543", "1545")),
])
def test_places_in_the_programme_years(code, first, last, places):
    assert regions.places_in(code, first, last) == places


def test_an_exclusion_resolves_to_the_pool_under_any_numbering():
    today = ["1579", "1506", "3443", "0301"]
    assert regions.resolve_in_pool("1551", today) == ("1579",)  # Eide is in Hustadvika today
    assert regions.resolve_in_pool("1502", today) == ("1506",)
    assert regions.resolve_in_pool("0529", today) == ("3443",)
    then = ["1548", "1551", "1579", "1502"]  # a pool with the old numbers: the same place wins
    assert regions.resolve_in_pool("1551", then) == ("1551",)
    assert regions.resolve_in_pool("1563", today) == ()  # Sunndal: in none of them


def test_donors_that_hold_the_case_are_left_out_with_the_reason_in_the_report_language():
    pool = ["1579", "1551", "1506", "0301"]
    assert regions.overlapping_donors("1548", pool, "nb", 2012) == {"1579": "omfatter Fræna (fra 2020)"}
    assert regions.overlapping_donors("1548", pool, "en", 2012) == {"1579": "contains Fræna (from 2020)"}
    assert regions.overlapping_donors("1579", ["1548", "1551", "0301"], "nn") == {
        "1548": "er ein del av Hustadvika (frå 2020)", "1551": "er ein del av Hustadvika (frå 2020)"}
    assert set(regions.DONOR_REASONS) == {"same_place", "contains_case", "part_of_case", "shares_territory"}
    assert all(set(words) == {"nb", "nn", "en"} for words in regions.DONOR_REASONS.values())


def test_later_history_gives_the_facts_of_one_sentence():
    [change] = regions.later_history("1548", 2017, "nb")
    assert (change.year, change.kind, change.code, change.name) == (2020, "merger", "1548", "Fræna")
    assert (change.new_codes, change.new_names, change.partners) == (("1579",), ("Hustadvika",), ("Eide",))
    assert change.text == "ble slått sammen med Eide til Hustadvika (1579)"
    [renumbered] = regions.later_history("0529", 2017, "en")
    assert renumbered.text == "was renumbered 3443" and renumbered.year == 2020
    [split] = regions.later_history("1850", 2015, "nn")
    assert split.kind == "split" and split.new_codes == ("1806", "1875")
    assert regions.later_history("3443", 2017) == ()  # nothing happened to it after
    assert regions.later_history("1548", 2020) == ()  # the change was before


def _config(**changes) -> ReportConfig:
    fields = {"title": "t", "municipality": "1548", "programme": {"start": 2012, "end": 2017},
              "period": {"start": 2000, "end": 2019}, "base_year": 2011, "comparison": ["15", "0"],
              "author": "a", "organisation": "o", "report_date": "2018-06-01", "data_dir": "d", "output_name": "o",
              "effect": {"exclude": [{"code": "1551", "reason": "nabokommune"},
                                     {"code": "1502", "reason": "eget omstillingsprogram"}]}}
    return ReportConfig.model_validate({**fields, **changes})


def test_exclusions_written_with_old_numbers_name_todays_donors():
    config = _config()
    pool = ["1579", "1506", "3443", "0301"]
    assert config.excluded_by_analyst(pool) == {"1579": "nabokommune", "1506": "eget omstillingsprogram"}
    # Hustadvika contains Fræna itself: left out by rule, with the rule's reason
    assert config.donors_left_out(pool) == {"1579": "omfatter Fræna (fra 2020)", "1506": "eget omstillingsprogram"}


def test_an_exclusion_that_names_no_donor_is_an_error_naming_the_key():
    config = _config(effect={"exclude": [{"code": "1563", "reason": "nabo"}]})
    with pytest.raises(ConfigError, match=r"key 'effect.exclude\[0\].code': 1563 \(Sunndal\) matches no "
                                          r"municipality in the donor pool"):
        config.excluded_by_analyst(["1579", "0301"])


def test_a_case_under_a_number_formed_after_the_programme_is_refused():
    with pytest.raises(ValueError, match=r"1579 Hustadvika was formed in 2020 from 1548 Fræna and 1551 Eide; it did "
                                         r"not exist when the programme ran \(2012-2017\).*1548 Fræna.*1551 Eide"):
        _config(municipality="1579", effect={})


def test_the_case_is_named_as_it_was():
    assert _config().municipality_name == "Fræna"
    config = _config(municipality="3443", comparison=["34", "0"], effect={})
    assert config.municipality == "3443" and config.municipality_code_in(2012) == "0529"
