"""YAML files written by hand are read; files built to explode are refused quickly with a message (issue 20, X3-X5)."""

from __future__ import annotations

import time

import pytest

from evalreport import yamlfile
from evalreport.config import load_config
from evalreport.errors import ConfigError

LAUGHS = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                   + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]) + "\n"


def test_a_billion_laughs_is_refused_in_well_under_a_second(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(yamlfile.YamlError, match=r"bomb.yaml, line \d+: more than 20 aliases"):
        yamlfile.read(path, "bomb.yaml")
    assert time.perf_counter() - started < 1.0


def test_a_configuration_that_is_a_bomb_is_a_config_error_naming_the_file(tmp_path):
    path = tmp_path / "report.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    with pytest.raises(ConfigError, match="reports/x.yaml, line"):
        load_config(path, "reports/x.yaml")


def test_five_thousand_nested_lists_are_refused_with_the_line(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("title: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(yamlfile.YamlError, match="deep.yaml, line 1: lists or mappings nested more than 32 deep"):
        yamlfile.read(path, "deep.yaml")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("x: " + "a" * 1_000_001 + "\n", encoding="utf-8")
    with pytest.raises(yamlfile.YamlError, match="big.yaml: 1,000,005 bytes"):
        yamlfile.read(path, "big.yaml")


def test_a_syntax_error_names_the_line_in_words(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("title: x\ncomparison: [05, 0\n", encoding="utf-8")
    with pytest.raises(yamlfile.YamlError) as caught:
        yamlfile.read(path, "reports/broken.yaml")
    message = str(caught.value)
    assert message.startswith("reports/broken.yaml, line 3, column 1: not valid YAML")
    assert "the end of the file" in message
    assert "<" not in message and "\\n" not in message


def test_a_few_aliases_written_by_hand_are_fine(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("reason: &why samme arbeidsmarked\nexclude:\n- {code: '3442', reason: *why}\n"
                    "- {code: '3407', reason: *why}\n", encoding="utf-8")
    assert yamlfile.read(path, "ok.yaml")["exclude"][1]["reason"] == "samme arbeidsmarked"
