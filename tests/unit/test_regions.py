"""Unit tests of evalreport.regions: region codes and their renumberings."""

from __future__ import annotations

import pytest

from evalreport import regions


@pytest.mark.parametrize(
    "code, current",
    [
        ("0529", "3443"),  # Vestre Toten, 2020 reform
        ("0502", "3407"),  # Gjøvik
        ("3443", "3443"),  # already current
        ("3006", "3303"),  # Kongsberg, 2024 reform
        ("0604", "3303"),  # Kongsberg across both reforms: 0604 -> 3006 -> 3303
        ("0532", "3236"),  # Jevnaker: 0532 -> 3053 -> 3236
        ("05", "05"),  # Oppland stays Oppland: a merged county is not renumbered into Innlandet
        ("0", "0"),  # the whole country
    ],
)
def test_to_current_code(code, current):
    assert regions.to_current_code(code) == current


def test_to_current_code_accepts_non_string():
    assert regions.to_current_code(3443) == "3443"


@pytest.mark.parametrize("code", ["9999", "529", "", "5"])
def test_to_current_code_unknown_raises(code):
    with pytest.raises(KeyError, match="unknown region code"):
        regions.to_current_code(code)


@pytest.mark.parametrize("code", ["0529", "3443", "05", "34", "0", "3006"])
def test_is_known_true(code):
    assert regions.is_known(code) is True


@pytest.mark.parametrize("code", ["9999", "529", "5", "0000"])
def test_is_known_false(code):
    assert regions.is_known(code) is False


def test_region_name_follows_renumbering():
    assert regions.region_name("0529") == "Vestre Toten"
    assert regions.region_name("0604") == "Kongsberg"
    assert regions.region_name("05") == "Oppland"
