"""Unit tests of evalreport.formatting: numbers, amounts and dates as the report's readers write them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from evalreport.chapters.statements import studies_before
from evalreport.formatting import Formatter, for_language

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.fixture
def nb() -> Formatter:
    return Formatter("nb")


@pytest.fixture
def en() -> Formatter:
    return for_language("en")


# --- Norwegian (bokmål) --------------------------------------------------------------------------


def test_number_thousands_with_no_break_space(nb):
    assert nb.number(13314) == f"13{NBSP}314"
    assert nb.number(1_234_567) == f"1{NBSP}234{NBSP}567"
    assert nb.number(999) == "999"


def test_number_decimal_comma_and_rounding(nb):
    assert nb.number(1234.5, 1) == f"1{NBSP}234,5"
    assert nb.number(0.875, 2) == "0,88"  # 0.875 is exact in binary; rounds half to even -> 0,88
    assert nb.number(2.25, 0) == "2"


def test_number_negative_uses_true_minus_sign(nb):
    assert nb.number(-0.87, 2) == f"{MINUS}0,87"
    assert nb.number(-13314) == f"{MINUS}13{NBSP}314"
    assert "-" not in nb.number(-5)  # never the hyphen-minus


def test_number_negative_that_rounds_to_zero_has_no_sign(nb):
    assert nb.number(-0.4) == "0"  # rounds to 0: no «−0»
    assert nb.number(-0.04, 1) == "0,0"


def test_number_missing_value_is_a_dash(nb):
    assert nb.number(float("nan")) == "–"
    assert nb.number(None) == "–"


def test_signed(nb):
    assert nb.signed(5) == "+5"
    assert nb.signed(-5) == f"{MINUS}5"
    assert nb.signed(0) == "0"
    assert nb.signed(1.25, 1) == "+1,2"  # 1.25 rounds half to even -> 1,2
    assert nb.signed(0.04, 1) == "0,0"  # rounds to zero: no plus sign


def test_percent(nb):
    assert nb.percent(16.3636) == f"16,4{NBSP}%"  # one decimal by default
    assert nb.percent(75, 0) == f"75{NBSP}%"
    assert nb.percent(-2.5, 1) == f"{MINUS}2,5{NBSP}%"


def test_mnok(nb):
    assert nb.mnok(22_000_000) == f"22,0{NBSP}mill.{NBSP}kr"  # 22 000 000 / 1 000 000 = 22,0
    assert nb.mnok(3_640_000) == f"3,6{NBSP}mill.{NBSP}kr"  # 3.64 -> 3,6
    assert nb.mnok(1_234_500_000, 0) == f"1{NBSP}234{NBSP}mill.{NBSP}kr"  # 1234.5 -> 1234 (half to even)


def test_nok(nb):
    assert nb.nok(122222.2) == f"122{NBSP}222{NBSP}kr"
    assert nb.nok(465_000) == f"465{NBSP}000{NBSP}kr"


def test_date(nb):
    assert nb.date(dt.date(2018, 1, 1)) == f"1.{NBSP}januar{NBSP}2018"
    assert nb.date(dt.date(2017, 12, 31)) == f"31.{NBSP}desember{NBSP}2017"


def test_years_with_en_dash(nb):
    assert nb.years(2011, 2017) == "2011\u20132017"


def test_number_word(nb):
    assert nb.number_word(7) == "sju"
    assert nb.number_word(0) == "null"
    assert nb.number_word(12) == "tolv"
    assert nb.number_word(13) == "13"  # 13 and above as digits
    assert nb.number_word(1500) == f"1{NBSP}500"


def test_nynorsk_words_and_separators():
    nn = for_language("nn")
    assert nn.number_word(1) == "eitt"
    assert nn.number(13314) == f"13{NBSP}314"
    assert nn.date(dt.date(2018, 6, 1)) == f"1.{NBSP}juni{NBSP}2018"


def test_count_uses_the_phrase_for_one_and_words_below_13(nb):
    # Norwegian numerals agree with the noun's gender, so the caller gives the whole phrase for one.
    assert nb.count(1, "ett prosjekt", "prosjekter") == "ett prosjekt"
    assert nb.count(1, "én bidragsyter", "bidragsytere") == "én bidragsyter"
    assert nb.count(7, "ett prosjekt", "prosjekter") == "sju prosjekter"
    assert nb.count(12, "ett prosjekt", "prosjekter") == "tolv prosjekter"
    assert nb.count(23, "ett prosjekt", "prosjekter") == "23 prosjekter"  # 13 and above as digits
    assert nb.count(1500, "ett prosjekt", "prosjekter") == f"1{NBSP}500 prosjekter"


def test_join_without_a_comma_before_the_last(nb):
    assert nb.join([], "og") == ""
    assert nb.join(["Gjøvik"], "og") == "Gjøvik"
    assert nb.join(["Gjøvik", "Østre Toten"], "og") == "Gjøvik og Østre Toten"
    assert nb.join(["Gjøvik", "Østre Toten", "Gran"], "og") == "Gjøvik, Østre Toten og Gran"
    assert nb.join(["fylket", "kommunen"], "eller") == "fylket eller kommunen"
    assert nb.join([2011, 2012], "og") == "2011 og 2012"  # items are written as text


def test_date_of_year_is_the_first_of_january(nb):
    # SSB counts the population on 1 January.
    assert nb.date_of_year(2018) == f"1.{NBSP}januar{NBSP}2018"
    assert nb.date_of_year(np.int64(2013)) == f"1.{NBSP}januar{NBSP}2013"  # a year taken from a DataFrame


# --- English -------------------------------------------------------------------------------------


def test_english_number(en):
    assert en.number(13314) == "13,314"
    assert en.number(1234.5, 1) == "1,234.5"
    assert en.number(-0.87, 2) == f"{MINUS}0.87"


def test_english_percent_amounts_and_date(en):
    assert en.percent(16.3636) == f"16.4{NBSP}%"
    assert en.mnok(22_000_000) == f"NOK{NBSP}22.0{NBSP}million"
    assert en.nok(122222.2) == f"NOK{NBSP}122,222"
    assert en.date(dt.date(2018, 1, 1)) == f"1{NBSP}January{NBSP}2018"
    assert en.number_word(7) == "seven"
    assert en.signed(3.0, 1) == "+3.0"


def test_english_count_join_and_date_of_year(en):
    assert en.count(1, "one project", "projects") == "one project"
    assert en.count(3, "one project", "projects") == "three projects"
    assert en.join(["Gjøvik", "Østre Toten", "Gran"], "and") == "Gjøvik, Østre Toten and Gran"
    assert en.date_of_year(2018) == f"1{NBSP}January{NBSP}2018"


def test_nynorsk_count_and_date_of_year():
    nn = for_language("nn")
    assert nn.count(1, "eitt prosjekt", "prosjekt") == "eitt prosjekt"
    assert nn.count(2, "eitt prosjekt", "prosjekt") == "to prosjekt"
    assert nn.date_of_year(2018) == f"1.{NBSP}januar{NBSP}2018"


# --- fixed texts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language, rose, fell, same", [
    ("nb", "økte", "falt", "var uendret"),
    ("nn", "auka", "fall", "var uendra"),
    ("en", "rose", "fell", "was unchanged"),
])
def test_change_verb(language, rose, fell, same):
    fmt = Formatter(language)
    assert fmt.change_verb(6206, 6539) == rose  # employment 2010 -> 2015 in Vestre Toten
    assert fmt.change_verb(4.4, 1.8) == fell
    assert fmt.change_verb(100, 100) == same


def test_studies_before_leaves_out_studies_published_after_the_report():
    # The 2022 study of the whole scheme cannot be cited by a report of 2018.
    assert studies_before(dt.date(2018, 6, 1)) == []
    assert studies_before(dt.date(2022, 12, 30)) == []
    assert studies_before(dt.date(2022, 12, 31)) == ["telemarksforsking2022"]  # the day it was published
    assert studies_before(dt.date(2024, 3, 1)) == ["telemarksforsking2022"]


# --- languages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_for_language_known(language):
    assert for_language(language).language == language


@pytest.mark.parametrize("language", ["xx", "no", ""])
def test_for_language_unknown_raises(language):
    with pytest.raises(ValueError, match="unsupported language"):
        for_language(language)
