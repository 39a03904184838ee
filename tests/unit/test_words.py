"""Unit tests of evalreport.words: one catalogue of words per language, the three in agreement."""

from __future__ import annotations

import shutil

import pytest

from evalreport import words
from evalreport.formatting import Formatter
from evalreport.words import WordsError


def test_the_shipped_catalogues_agree():
    catalogues, problems = words.read_catalogues(words.folder())
    assert problems == []
    assert set(catalogues["nb"]) == set(catalogues["nn"]) == set(catalogues["en"])
    assert len(catalogues["nb"]) > 200


@pytest.mark.parametrize("language, expected", [
    ("nb", "Sysselsatte etter arbeidssted, indeks 2010 = 100"),
    ("nn", "Sysselsette etter arbeidsstad, indeks 2010 = 100"),
    ("en", "Employed by place of work, index 2010 = 100"),
])
def test_a_text_with_its_value_in_each_language(language, expected):
    assert words.text(language, "captions.employment_index", base_year=2010) == expected


def test_a_missing_key_or_language_is_an_error_never_bokmaal():
    with pytest.raises(WordsError, match="'captions.nothing' is not in nn.yaml"):
        words.text("nn", "captions.nothing")
    with pytest.raises(WordsError, match="no catalogue for the language 'se'"):
        words.text("se", "labels.total")


def test_every_placeholder_needs_its_value_and_no_other():
    with pytest.raises(WordsError, match="takes base_year; missing base_year"):
        words.text("nb", "captions.employment_index")
    with pytest.raises(WordsError, match="no place for year"):
        words.text("nb", "captions.employment_index", base_year=2010, year=2011)


def test_a_section_for_a_template_and_a_list_of_texts():
    document = words.section("nn", "document")
    assert document["contents"] == "Innhald" and document["source"] == "Kjelde"
    assert words.texts("en", "numbers.months")[0] == "January"
    with pytest.raises(WordsError, match="is a list of texts"):
        words.text("en", "numbers.months")


def test_catalogues_that_disagree_are_reported_key_by_key(tmp_path):
    for language in words.LANGUAGES:
        shutil.copy(words.folder() / f"{language}.yaml", tmp_path / f"{language}.yaml")
    nn = tmp_path / "nn.yaml"
    text = nn.read_text(encoding="utf-8")
    text = text.replace("  goals: Mål og resultat for omstillingsprogrammet\n", "")  # a key gone
    text = text.replace('employment_index: "Sysselsette etter arbeidsstad, indeks {base_year} = 100"',
                        'employment_index: "Sysselsette etter arbeidsstad, indeks {year} = 100"')  # another value
    nn.write_text(text + "extra:\n  word: ord\n", encoding="utf-8")
    en = tmp_path / "en.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace('"yes": "Yes"', '"yes": Yes'), encoding="utf-8")
    _, problems = words.read_catalogues(tmp_path)
    assert "nn.yaml: 'captions.goals' is missing (it is in nb.yaml)" in problems
    assert "nn.yaml: 'extra.word' is not in nb.yaml" in problems
    assert "nn.yaml: 'captions.employment_index' takes year, nb.yaml base_year" in problems
    # YAML reads an unquoted Yes as true: a word that is not text is named, not printed as "True".
    assert any(p.startswith("en.yaml: 'labels.yes' is bool, not text") for p in problems)
    assert len(problems) == 5  # the one above, and labels.yes then missing in en.yaml


def test_numbers_are_written_with_each_languages_units():
    assert Formatter("nb").mnok(22_000_000) == "22,0\u00a0mill.\u00a0kr"
    assert Formatter("en").mnok(22_000_000) == "NOK\u00a022.0\u00a0million"
    assert Formatter("nn").number_word(1) == "eitt" and Formatter("nb").number_word(1) == "ett"


def test_a_sample_report_says_what_its_data_are():
    # Issue 18: «bygger delvis på rekonstruerte og syntetiske data» was printed when every dataset
    # was synthetic and none reconstructed.
    from evalreport.pipeline.document import sample_label

    assert sample_label("nb", {"kinds": ["synthetic"], "partly": False})["sample_footer"] == \
        "Eksempelrapport – bygger på syntetiske data"
    assert sample_label("nb", {"kinds": ["reconstructed", "synthetic"], "partly": True})["sample_footer"] == \
        "Eksempelrapport – bygger delvis på rekonstruerte og syntetiske data"
    assert sample_label("nn", {"kinds": ["reconstructed"], "partly": True})["sample_notice"].startswith(
        "Dette er ein eksempelrapport. Han byggjer delvis på rekonstruerte data og er ikkje")
    assert sample_label("en", {"kinds": ["synthetic"], "partly": False})["sample_footer"] == \
        "Sample report – based on synthetic data"
