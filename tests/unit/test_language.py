"""Unit tests of evalreport.pipeline.language: which language a case's prose is in."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalreport.pipeline import language

ROOT = Path(__file__).resolve().parents[2]

BOKMAAL = ("Programmet ble organisert med et eget styre og en programleder, med kommunen som eier. Bedriftene har "
           "fått erfaring med å søke og gjennomføre utviklingsprosjekter med offentlig støtte, og det var ikke "
           "mulig uten samarbeidet.")
NYNORSK = ("Programmet vart organisert med eit eige styre og ein programleiar, med kommunen som eigar. Bedriftene "
           "har fått erfaring med å søkje og gjennomføre utviklingsprosjekt med offentleg støtte, og det var ikkje "
           "mogleg utan samarbeidet.")
ENGLISH = ("The programme was organised with a board of its own and a programme manager, owned by the "
           "municipality. The businesses have learnt to apply for and carry out development projects with public "
           "support, which was not possible without the partnership.")


@pytest.mark.parametrize("text, expected", [(BOKMAAL, "nb"), (NYNORSK, "nn"), (ENGLISH, "en")])
def test_each_language_is_told_apart(text, expected):
    assert language.guess(text) == expected


def test_values_and_markup_are_not_read_as_words():
    # Only the words outside {{ }} and {% %} count: these are English names of values.
    assert language.guess("{{ the_total_of_the_funding }} {% if it_is_the_end %}{% endif %} og") is None


def test_a_short_text_is_not_judged_and_norwegian_of_either_form_passes_for_both():
    assert language.guess("Skriv her.") is None
    assert language.guess("Kommunen var med i programmet, og det er godt.") == "no"  # nb and nn alike
    assert not language.differs("no", "nn") and not language.differs("no", "nb") and language.differs("no", "en")


@pytest.mark.parametrize("text", sorted((ROOT / "notebooks").glob("*.md")), ids=lambda p: p.name)
def test_the_standard_chapters_texts_read_as_their_own_language(text):
    # Each chapter's text in each language: never taken for another (a short one may be undecided).
    own = "nb" if text.suffixes == [".md"] else text.suffixes[0][1:]
    assert not language.differs(language.guess(text.read_text(encoding="utf-8")), own)


def test_case_prose_in_another_language_than_the_reports_is_named(tmp_path):
    (tmp_path / "background.md").write_text(BOKMAAL + "\n", encoding="utf-8")
    (tmp_path / "lessons.md").write_text(ENGLISH + "\n", encoding="utf-8")
    (tmp_path / "short.md").write_text("Skriv her.\n", encoding="utf-8")
    warnings = language.check_prose(tmp_path, "en", lambda path: path.name)
    assert warnings == ["background.md reads as bokmål, but the report is in English (language: en); write the "
                        "case's prose in the report's language"]
    assert [w.split()[0] for w in language.check_prose(tmp_path, "nb", lambda path: path.name)] == ["lessons.md"]
    assert language.check_prose(tmp_path / "none", "nb") == []
