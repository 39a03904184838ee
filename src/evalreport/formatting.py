"""Numbers and dates as the report's readers write them.

Norwegian: decimal comma, a no-break space between thousands (13 314), «22,0 mill. kr»,
«16,4 %», «1. januar 2018», and a true minus sign. English follows the same structure with its
own separators, for the `language: en` edition. The separators, units, months and number words
are each language's own, in its catalogue of words (`numbers.*`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from evalreport import words

MINUS = "\u2212"


@dataclass(frozen=True)
class Formatter:
    """Formats numbers, amounts, percentages and dates for one language."""

    language: str = "nb"

    @property
    def _separators(self) -> tuple[str, str]:
        # (thousands, decimal)
        return words.text(self.language, "numbers.thousands"), words.text(self.language, "numbers.decimal")

    def number(self, value: float, decimals: int = 0) -> str:
        """13314 -> '13 314'; -0.87 with 2 decimals -> '−0,87'."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        thousands, decimal = self._separators
        text = f"{abs(value):,.{decimals}f}"
        text = text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
        negative = round(value, decimals) < 0
        return f"{MINUS}{text}" if negative else text

    def signed(self, value: float, decimals: int = 0) -> str:
        """Like number(), with a plus sign on positive values (changes)."""
        text = self.number(value, decimals)
        return f"+{text}" if round(value, decimals) > 0 else text

    def percent(self, value: float, decimals: int = 1, signed: bool = False) -> str:
        """16.36 -> '16,4 %' (the value is already in percent); signed adds '+' to a rise."""
        text = self.signed(value, decimals) if signed else self.number(value, decimals)
        return words.text(self.language, "numbers.percent", value=text)

    def mnok(self, amount_nok: float, decimals: int = 1) -> str:
        """22_000_000 -> '22,0 mill. kr'."""
        return words.text(self.language, "numbers.mnok", value=self.number(amount_nok / 1_000_000, decimals))

    def nok(self, amount_nok: float) -> str:
        """122222.2 -> '122 222 kr'."""
        return words.text(self.language, "numbers.nok", value=self.number(amount_nok, 0))

    def date(self, day: dt.date) -> str:
        """date(2018, 1, 1) -> '1. januar 2018'."""
        month = words.texts(self.language, "numbers.months")[day.month - 1]
        return words.text(self.language, "numbers.date", day=day.day, month=month, year=day.year)

    def years(self, first: int, last: int) -> str:
        """2011, 2017 -> '2011–2017' (with an en dash)."""
        return f"{first}\u2013{last}"

    def date_of_year(self, year: int) -> str:
        """1 January of `year`, the date of SSB's population figures: '1. januar 2018'."""
        return self.date(dt.date(int(year), 1, 1))

    def count(self, value: int, one: str, many: str) -> str:
        """A count with its noun: `one` is the whole phrase for 1 ('ett prosjekt', 'én bidragsyter', since
        Norwegian numerals agree with the noun's gender); 'sju prosjekter', '23 prosjekter'."""
        return one if value == 1 else f"{self.number_word(int(value))} {many}"

    def join(self, items: list[str], conjunction: str) -> str:
        """'a', 'a og b', 'a, b og c' (no comma before the last, as Norwegian and the report write it)."""
        items = [str(i) for i in items]
        return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}" if items else ""

    def change_verb(self, before: float, after: float) -> str:
        """The verb for a change from `before` to `after`: økte, falt or var uendret."""
        key = "words.rose" if after > before else "words.fell" if after < before else "words.unchanged"
        return words.text(self.language, key)

    def number_word(self, value: int) -> str:
        """Small whole numbers as words (sju år), as Norwegian style asks below 13."""
        names = words.texts(self.language, "numbers.words")
        return names[value] if 0 <= value < len(names) else self.number(value)


def for_language(language: str) -> Formatter:
    """Return the formatter for 'nb', 'nn' or 'en'."""
    if language not in words.LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use nb, nn or en")
    return Formatter(language)
