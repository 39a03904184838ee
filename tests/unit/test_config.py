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
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, comparison=["0528", "0599"]))
    message = str(info.value)
    assert "unknown region code '0599'" in message
    assert "'comparison'" in message


@pytest.mark.parametrize("comparison, repeated", [
    (["0528", "0528"], "3442"),  # the same code twice
    (["0528", "3442"], "3442"),  # Østre Toten's old and new number (0528 -> 3442 in 2020)
    (["0502", "05", "3407"], "3407"),  # Gjøvik: 0502 -> 3407
])
def test_a_comparison_area_listed_twice_is_an_error(tmp_path, comparison, repeated):
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, comparison=comparison))
    message = str(info.value)
    assert "'comparison'" in message
    assert repeated in message
    assert "more than once" in message


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


@pytest.mark.parametrize("name", ["my report/final", ".", "..", "../vestre_toten", ""])
def test_bad_output_name_raises(tmp_path, name):
    # The PDF's file name: no path, and never '.' or '..', which name folders.
    with pytest.raises(ConfigError, match="output_name"):
        load_config(write_config(tmp_path, output_name=name))


def test_output_name_may_contain_dots(tmp_path):
    assert load_config(write_config(tmp_path, output_name="vestre_toten.v2")).output_name == "vestre_toten.v2"


def test_goal_indicators_and_the_jobs_they_count(tmp_path):
    indicators = {"nye_arbeidsplasser": "new_jobs", "sikrede_arbeidsplasser": "secured_jobs",
                  "nye_bedrifter": "other", "nye_arbeidsplasser_industri": "new_jobs"}
    config = load_config(write_config(tmp_path, goal_indicators=indicators))
    assert config.goal_indicators == indicators
    assert config.jobs_indicators == {"new_jobs": ["nye_arbeidsplasser", "nye_arbeidsplasser_industri"],
                                      "secured_jobs": ["sikrede_arbeidsplasser"]}


def test_no_goal_indicators_count_no_jobs(tmp_path):
    config = load_config(write_config(tmp_path))  # VALID declares none
    assert config.goal_indicators == {}
    assert config.jobs_indicators == {"new_jobs": [], "secured_jobs": []}


def test_goal_indicator_of_unknown_kind_names_its_key(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, goal_indicators={"nye_arbeidsplasser": "jobs"}))
    message = str(info.value)
    assert "goal_indicators.nye_arbeidsplasser" in message
    assert "'new_jobs'" in message  # says what is allowed
    assert "jobs" in message


def test_administration_area_and_prose_dir(tmp_path):
    config = load_config(write_config(tmp_path, administration_area="Administrasjon og drift",
                                      prose_dir="prose/vestre_toten"))
    assert config.administration_area == "Administrasjon og drift"
    assert config.prose_dir == "prose/vestre_toten"
    default = load_config(write_config(tmp_path))
    assert default.administration_area is None  # no administration: every focus area is projects
    assert default.prose_dir is None  # the build uses prose/<name of the file>


def test_empty_administration_area_raises(tmp_path):
    with pytest.raises(ConfigError, match="administration_area"):
        load_config(write_config(tmp_path, administration_area=""))


def test_programme_without_status_applied_or_jobs_lost_loads(tmp_path):
    config = load_config(write_config(tmp_path, programme={"start": 2011, "end": 2017}))
    assert config.programme.status_applied is None
    assert config.programme.jobs_lost is None
    assert config.programme_years == [2011, 2012, 2013, 2014, 2015, 2016, 2017]


def test_status_applied_after_the_start_raises(tmp_path):
    programme = dict(VALID["programme"], status_applied=2012)  # start 2011
    with pytest.raises(ConfigError, match="status_applied must not be after programme.start"):
        load_config(write_config(tmp_path, programme=programme))


def test_impossible_report_date_names_its_key(tmp_path):
    # 2018-13-01 has no month 13. Written unquoted, as an analyst would, so YAML sees a date.
    path = tmp_path / "report.yaml"
    path.write_text(UNQUOTED_TEMPLATE.format(municipality="0529", comparison="['0528']")
                    .replace("report_date: 2018-06-01", "report_date: 2018-13-01"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "key 'report_date'" in message
    assert "2018-13-01" in message
    assert "not valid YAML" not in message  # the file is valid YAML; the date is wrong


def test_label_names_the_file_in_messages(tmp_path):
    path = write_config(tmp_path, base_yaer=2010)
    with pytest.raises(ConfigError) as info:
        load_config(path, label="reports/vestre_toten.yaml")
    message = str(info.value)
    assert message.startswith("reports/vestre_toten.yaml: ")
    assert str(tmp_path) not in message
    with pytest.raises(ConfigError, match="^reports/absent.yaml: the report configuration file does not exist"):
        load_config(tmp_path / "absent.yaml", label="reports/absent.yaml")


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


def test_an_unquoted_no_for_the_language_says_what_yaml_did(tmp_path):
    # Issue 18: YAML 1.1 reads `language: no` as false; the message used to say «found False».
    path = write_config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("language: nb", "language: no"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, "reports/x.yaml")
    assert "YAML read the value as false" in str(caught.value) and 'language: "nb"' in str(caught.value)
    assert "False" not in str(caught.value)


def test_a_date_written_day_first_gets_the_iso_date_to_write(tmp_path):
    path = write_config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("report_date: 2018-06-01", "report_date: 01.06.2018"),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'01\.06\.2018' is not a date written as YYYY-MM-DD; write 2018-06-01"):
        load_config(path, "reports/x.yaml")


# --- the title page's identifiers (issue 17) --------------------------------------------------------

@pytest.mark.parametrize("key, value", [
    ("isbn", "978-0-306-40615-7"),  # 9+21+8+0+3+0+6+12+0+18+1+15 = 93, with the check 7: 100 = 10·10
    ("isbn", "0-306-40615-2"),      # ISBN-10: 0·10+3·9+0·8+6·7+4·6+0·5+6·4+1·3+5·2+2·1 = 132 = 12·11
    ("issn", "0378-5955"),          # 0·8+3·7+7·6+8·5+5·4+9·3+5·2 = 160; 160 mod 11 = 6; 11-6 = 5
    ("issn", "2434-561X"),          # 2·8+4·7+3·6+4·5+5·4+6·3+1·2 = 122; 122 mod 11 = 1; 11-1 = 10: X
])
def test_a_valid_isbn_or_issn_is_taken(tmp_path, key, value):
    assert getattr(load_config(write_config(tmp_path, **{key: value})), key) == value


@pytest.mark.parametrize("key, value, message", [
    ("isbn", "978-0-306-40615-8", "key 'isbn': '978-0-306-40615-8' is not a valid ISBN: its check digit (the last) "
                                  "should be 7"),
    ("isbn", "0-306-40615-3", "key 'isbn': '0-306-40615-3' is not a valid ISBN-10"),
    ("isbn", "97803064", "key 'isbn': '97803064' is not an ISBN"),
    ("issn", "0378-5954", "key 'issn': '0378-5954' is not a valid ISSN: its check digit (the last) should be 5"),
    ("issn", "378-5955", "key 'issn': '378-5955' is not an ISSN"),
])
def test_a_wrong_isbn_or_issn_names_the_key_and_the_check_digit(tmp_path, key, value, message):
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, **{key: value}))
    assert message in str(info.value)
