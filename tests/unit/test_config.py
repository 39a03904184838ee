"""Unit tests of evalreport.config.load_config, on YAML files written to a temporary folder."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from evalreport.config import ConfigError, load_config

VALID = {
    "title": "Sluttevaluering av omstillingsprogrammet i Vestre Toten 2011–2017",
    "municipality": "0529",
    "programme": {"start": 2011, "end": 2017, "status_applied": 2009, "jobs_lost": 550},
    "period": {"start": 2008, "end": 2019},
    "base_year": 2010,
    "comparison": ["0528", "0502", "05", "0"],
    "author": "Testforfatter",
    "organisation": "Testorganisasjon",
    "report_date": dt.date(2018, 6, 1),
    "language": "nb",
    "data_dir": "data/vestre_toten",
    "output_name": "vestre_toten",
}


def write_config(tmp_path: Path, **changes) -> Path:
    """Write VALID with `changes` (None deletes a key) to a YAML file; return its path."""
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_valid_config_loads(tmp_path):
    config = load_config(write_config(tmp_path))
    assert config.municipality == "3443"  # old kommunenummer 0529 -> 3443 (2020 reform)
    assert config.comparison == ["3442", "3407", "05", "0"]  # 0528 -> 3442, 0502 -> 3407; county and country kept
    assert config.base_year == 2010
    assert config.report_date == dt.date(2018, 6, 1)
    assert config.programme_years == [2011, 2012, 2013, 2014, 2015, 2016, 2017]
    assert config.municipality_name == "Vestre Toten"


def test_valid_config_accepts_current_code(tmp_path):
    config = load_config(write_config(tmp_path, municipality="3443"))
    assert config.municipality == "3443"


def test_bundled_example_loads():
    config = load_config(Path(__file__).resolve().parents[2] / "reports" / "vestre_toten.yaml")
    assert config.municipality == "3443"
    assert config.comparison == ["3442", "3407", "05", "0"]


def test_unknown_key_names_key_and_file(tmp_path):
    path = write_config(tmp_path, base_yaer=2010)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "base_yaer" in message
    assert "unknown key" in message
    assert str(path) in message


def test_unknown_nested_key_names_its_place(tmp_path):
    programme = dict(VALID["programme"], finish=2017)
    with pytest.raises(ConfigError, match=r"programme\.finish"):
        load_config(write_config(tmp_path, programme=programme))


def test_mistyped_value_names_key(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, base_year="twenty"))
    message = str(info.value)
    assert "'base_year'" in message
    assert "twenty" in message


def test_missing_key_is_named(tmp_path):
    with pytest.raises(ConfigError, match="missing key 'author'"):
        load_config(write_config(tmp_path, author=None))


def test_unknown_kommunenummer_is_named(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, municipality="9999"))
    message = str(info.value)
    assert "9999" in message
    assert "municipality" in message


def test_unknown_comparison_code_is_named(tmp_path):
    # 0599 never existed (1234 did: Granvin, until 2019)
    with pytest.raises(ConfigError, match="0599"):
        load_config(write_config(tmp_path, comparison=["0528", "0599"]))


def test_programme_outside_period_raises(tmp_path):
    # programme 2011-2017 against a period of 2012-2019: starts a year too early
    with pytest.raises(ConfigError, match="inside period"):
        load_config(write_config(tmp_path, period={"start": 2012, "end": 2019}, base_year=2012))


def test_programme_end_before_start_raises(tmp_path):
    programme = dict(VALID["programme"], start=2015, end=2012, status_applied=2010)
    with pytest.raises(ConfigError, match="before programme.start"):
        load_config(write_config(tmp_path, programme=programme))


def test_base_year_outside_period_raises(tmp_path):
    with pytest.raises(ConfigError, match="base_year 2005"):
        load_config(write_config(tmp_path, base_year=2005))


def test_municipality_among_its_comparisons_raises(tmp_path):
    # 0529 and 3443 are the same municipality once renumbered
    with pytest.raises(ConfigError, match="cannot be one of its comparison"):
        load_config(write_config(tmp_path, comparison=["3443", "0528"]))


def test_bad_output_name_raises(tmp_path):
    with pytest.raises(ConfigError, match="output_name"):
        load_config(write_config(tmp_path, output_name="my report/final"))


def test_missing_file_raises(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(path)


def test_top_level_list_raises(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- title\n- municipality\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(path)


def test_invalid_yaml_raises(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


UNQUOTED_TEMPLATE = """\
title: Test
municipality: {municipality}
programme: {{start: 2011, end: 2017, status_applied: 2009, jobs_lost: 550}}
period: {{start: 2008, end: 2019}}
base_year: 2010
comparison: {comparison}
author: A
organisation: O
report_date: 2018-06-01
data_dir: data/vestre_toten
output_name: test
"""


def test_unquoted_code_without_octal_digits_loads(tmp_path):
    # PyYAML reads an unquoted 0529 as the text '0529' (9 is not an octal digit), so this works.
    path = tmp_path / "report.yaml"
    path.write_text(UNQUOTED_TEMPLATE.format(municipality="0529", comparison="['0528']"), encoding="utf-8")
    config = load_config(path)
    assert config.municipality == "3443"  # 0529 -> 3443
    assert config.comparison == ["3442"]  # 0528 -> 3442


def test_unquoted_octal_code_is_read_as_a_number_by_yaml():
    # Why the config loader needs its own int constructor, shown on PyYAML itself:
    # 0502 has only octal digits -> 0o502 = 5*64 + 0*8 + 2 = 322.
    assert yaml.safe_load("municipality: 0502") == {"municipality": 322}


def test_unquoted_code_with_octal_digits_loads(tmp_path):
    path = tmp_path / "report.yaml"
    path.write_text(UNQUOTED_TEMPLATE.format(municipality="0502", comparison="['0528']"), encoding="utf-8")
    assert load_config(path).municipality == "3407"  # 0502 Gjøvik -> 3407
