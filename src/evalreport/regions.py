"""The region register: every kommune and fylke in Norway from 1994 to today, and the whole country.

Codes are text with their leading zeros: a kommunenummer has four digits ("0529"), a
fylkesnummer two ("05"), and the whole country is "0". A code written without its leading zero
("529") is not guessed at: it is refused with a message saying how to write it.

The register is three files in `evalreport/resources` (see the README there): one row per code
with its validity, one row per code and name, and every change between codes as Statistics
Norway's KLASS lists it (classification 131 for kommuner, 104 for fylker). Each change is
classified here, from the rows of its date and the validity of the codes:

* renumbering: one code became one other code and the unit kept its territory (0529 -> 3443 in
  2020; 0701 -> 3801 in 2020 -> 3901 in 2024);
* merger: the code went, with others, into one unit (5030 Klæbu into 5001 Trondheim, 2020);
* split: the code went to several units (1850 Tysfjord to 1806 Narvik and 1875 Hamarøy, 2020);
* boundary: part of a unit that goes on moved to another (3118 -> 3207, 3216 in 2026);
* rename and continuation: the code stays, with a new name or with a changed territory.

`to_current_code` follows renumberings only, so a statistics series joins across them into one
line while a merged or split unit keeps its own code and its series ends there: a series of
Klæbu never becomes Trondheim's. `current_codes` tells where such a unit went.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd

from evalreport import words

FIRST_YEAR = 1994  # the register covers the units in use from 1 January of this year
KINDS = ("kommune", "fylke", "land")
LANGUAGES = ("nb", "nn", "en", "sme", "sma", "smj", "fkv")  # bokmål, nynorsk, English, Sami (N, S, Lule), Kven
CHANGE_KINDS = ("renumbering", "merger", "split", "boundary", "rename", "continuation")
FILES = ("regions.csv", "region_names.csv", "region_changes.csv")


class UnknownRegionError(KeyError):
    """A code that is not in the register; the message says how to write codes and what is near."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class RegionYearError(ValueError):
    """A year the register or a code does not cover."""


class RegisterFileError(ValueError):
    """A register file that is missing or malformed: names the file, the row and the column."""


@dataclass(frozen=True)
class RegionName:
    """One name of a code and the days it was in use (None: from the code's start, or to its end)."""

    official: str  # as KLASS writes it, every official language joined: "Gáivuotna - Kåfjord - Kaivuono"
    nb: str  # the Norwegian name (bokmål): "Kåfjord"
    nn: str  # nynorsk: the Norwegian name unless KLASS has another form ("Heile landet")
    en: str  # English: the Norwegian name, except the whole country ("Norway")
    sami: tuple[tuple[str, str], ...] = ()  # (language, name) of the official Sami and Kven names
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def in_language(self, language: str) -> str:
        """The name in `language` (one of LANGUAGES); the Norwegian name where there is none."""
        _check_language(language)
        if language in ("nb", "nn", "en"):
            return getattr(self, language)
        return dict(self.sami).get(language, self.nb)

    def covers(self, first: dt.date, last: dt.date) -> bool:
        """Tell whether the name was in use on some day from `first` to `last`."""
        return ((self.valid_from is None or self.valid_from <= last)
                and (self.valid_to is None or self.valid_to >= first))


@dataclass(frozen=True)
class RegionChange:
    """One row of KLASS's change list, with what kind of change it is (CHANGE_KINDS)."""

    date: dt.date  # the first day under the new code or name
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    kind: str
    classification: str  # KLASS classification: "131" kommuner, "104" fylker

    def __str__(self) -> str:
        return (f"{self.date.isoformat()}: {self.old_code} {self.old_name} -> {self.new_code} {self.new_name} "
                f"({self.kind})")


@dataclass(frozen=True)
class Region:
    """A kommune, fylke or the whole country under one code, with its names, validity and changes."""

    code: str
    kind: str  # "kommune", "fylke" or "land"
    valid_from: dt.date | None  # first day; None: in use on 1 January 1994, from an earlier date not recorded
    valid_to: dt.date | None  # last day; None: in use today
    names: tuple[RegionName, ...]  # oldest first
    changes: tuple[RegionChange, ...] = field(default=(), repr=False)  # every change the code is in, by date
    current_code: str = ""  # where renumberings lead; the code itself when there are none

    @property
    def name(self) -> str:
        """The latest Norwegian name."""
        return self.names[-1].nb

    @property
    def official_name(self) -> str:
        """The latest name as KLASS writes it, with the Sami and Kven names."""
        return self.names[-1].official

    @property
    def is_current(self) -> bool:
        """Tell whether the code is in use today."""
        return self.valid_to is None

    @property
    def county_code(self) -> str | None:
        """The fylkesnummer the code belongs to (a kommunenummer's first two digits); None for the country."""
        return None if self.kind == "land" else self.code[:2]

    @property
    def successors(self) -> tuple[RegionChange, ...]:
        """The renumbering, merger or split that ended the code (empty while it is in use)."""
        return tuple(c for c in self.changes
                     if c.old_code == self.code and c.kind in ("renumbering", "merger", "split"))

    @property
    def predecessors(self) -> tuple[RegionChange, ...]:
        """The changes that brought other codes, or parts of them, into this one."""
        return tuple(c for c in self.changes if c.new_code == self.code and c.old_code != self.code)

    def in_use_on(self, day: dt.date) -> bool:
        """Tell whether the code was in use on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    def is_valid_in(self, year: int) -> bool:
        """Tell whether the code was in use on some day of `year`."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return ((self.valid_from is None or self.valid_from <= last)
                and (self.valid_to is None or self.valid_to >= first))

    def name_in(self, year: int) -> RegionName:
        """The name the code had in `year` (the later one where it changed during the year)."""
        _check_year(year)
        if not self.is_valid_in(year):
            raise RegionYearError(f"region {self.code} {self.name} was not in use in {year} ({self.validity})")
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return [n for n in self.names if n.covers(first, last)][-1]

    @property
    def validity(self) -> str:
        """The years of use, as SSB writes them: "2018-2019", "until 2019", "since 2020", "in use"."""
        start = self.valid_from.year if self.valid_from else None
        end = self.valid_to.year if self.valid_to else None
        if end is None:
            return f"since {start}" if start else "in use"
        return f"{start}-{end}" if start else f"until {end}"

    def __str__(self) -> str:
        return self.name if self.kind == "land" else f"{self.code} {self.name} ({self.validity})"


# --- reading the register -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Register:
    regions: dict[str, Region]
    changes: tuple[RegionChange, ...]


def _read_csv(directory, name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = directory.joinpath(name)
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise RegisterFileError(f"{path}: no column(s) {missing}; run evalreport.klassrefresh.refresh_register "
                                        "to rebuild the register")
            return [dict(row, _row=str(i)) for i, row in enumerate(reader, start=2)]
    except FileNotFoundError as exc:
        raise RegisterFileError(f"{path}: the region register file is missing; reinstall evalreport or run "
                                "evalreport.klassrefresh.refresh_register") from exc


def _parse_date(row: dict[str, str], column: str, name: str) -> dt.date | None:
    text = row[column].strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RegisterFileError(f"{name}, row {row['_row']}, column {column}: {text!r} is not a date "
                                "(YYYY-MM-DD)") from None


def classify_changes(rows: Iterable[tuple[dt.date, str, str, str, str, str]],
                     in_use) -> list[RegionChange]:
    """Classify KLASS change rows (date, old code, old name, new code, new name, classification).

    `in_use(code, day)` tells whether a code was in use on a day. A code that is still in use on
    the day of the change lost only part of its territory (boundary); otherwise one that went to
    several codes was split, one that went with others into a code (or into a code that goes on)
    merged, and one that went alone into a new code was renumbered.
    """
    rows = list(rows)
    targets, sources = defaultdict(set), defaultdict(set)
    for date, old, _, new, _, _ in rows:
        if old != new:
            targets[date, old].add(new)
            sources[date, new].add(old)
    result = []
    for date, old, old_name, new, new_name, classification in rows:
        if old == new:
            kind = "rename" if old_name != new_name else "continuation"
        elif in_use(old, date):
            kind = "boundary"
        elif len(targets[date, old]) > 1:
            kind = "split"
        elif len(sources[date, new]) > 1 or in_use(new, date - dt.timedelta(days=1)):
            kind = "merger"
        else:
            kind = "renumbering"
        result.append(RegionChange(date, old, old_name, new, new_name, kind, classification))
    return result


def read_register(directory=None) -> _Register:
    """Read and check the register files in `directory` (default: the package's own)."""
    directory = directory if directory is not None else resources.files("evalreport.resources")
    base_rows = _read_csv(directory, "regions.csv", ("code", "kind", "valid_from", "valid_to", "name"))
    name_rows = _read_csv(directory, "region_names.csv",
                          ("code", "valid_from", "valid_to", "official", "nb", "nn", "en", "sme", "sma", "smj", "fkv"))
    change_rows = _read_csv(directory, "region_changes.csv",
                            ("date", "classification", "old_code", "old_name", "new_code", "new_name"))
    bases = {}
    for row in base_rows:
        code = row["code"].strip()
        if row["kind"] not in KINDS or not code.isdigit():
            raise RegisterFileError(f"regions.csv, row {row['_row']}: code {code!r} of kind {row['kind']!r}; a code "
                                    f"is digits and the kind one of {', '.join(KINDS)}")
        if code in bases:
            raise RegisterFileError(f"regions.csv, row {row['_row']}: code {code} appears twice")
        bases[code] = (row["kind"], _parse_date(row, "valid_from", "regions.csv"),
                       _parse_date(row, "valid_to", "regions.csv"))
    names = defaultdict(list)
    for row in name_rows:
        if row["code"] not in bases:
            raise RegisterFileError(f"region_names.csv, row {row['_row']}: code {row['code']!r} is not in regions.csv")
        nb = row["nb"].strip()
        if not nb:
            raise RegisterFileError(f"region_names.csv, row {row['_row']}, column nb: empty")
        sami = tuple((lang, row[lang]) for lang in ("sme", "sma", "smj", "fkv") if row[lang].strip())
        names[row["code"]].append(RegionName(
            official=row["official"].strip() or nb, nb=nb, nn=row["nn"].strip() or nb, en=row["en"].strip() or nb,
            sami=sami, valid_from=_parse_date(row, "valid_from", "region_names.csv"),
            valid_to=_parse_date(row, "valid_to", "region_names.csv")))
    unnamed = sorted(set(bases) - set(names))
    if unnamed:
        raise RegisterFileError(f"region_names.csv: no name for code(s) {unnamed[:10]}")

    def in_use(code: str, day: dt.date) -> bool:
        kind, first, last = bases[code]
        return (first is None or first <= day) and (last is None or last >= day)

    raw = []
    for row in change_rows:
        for column in ("old_code", "new_code"):
            if row[column] not in bases:
                raise RegisterFileError(f"region_changes.csv, row {row['_row']}, column {column}: code "
                                        f"{row[column]!r} is not in regions.csv")
        date = _parse_date(row, "date", "region_changes.csv")
        if date is None:
            raise RegisterFileError(f"region_changes.csv, row {row['_row']}, column date: empty")
        raw.append((date, row["old_code"], row["old_name"], row["new_code"], row["new_name"], row["classification"]))
    changes = tuple(sorted(classify_changes(raw, in_use), key=lambda c: (c.date, c.old_code, c.new_code)))

    renumbered = {c.old_code: c.new_code for c in changes if c.kind == "renumbering"}
    by_code = defaultdict(list)
    for change in changes:
        by_code[change.old_code].append(change)
        if change.new_code != change.old_code:
            by_code[change.new_code].append(change)
    regions = {}
    for code, (kind, first, last) in bases.items():
        current, seen = code, {code}
        while current in renumbered:
            current = renumbered[current]
            if current in seen:  # a loop is a data error, not an endless walk
                raise RegisterFileError(f"region_changes.csv: the renumberings of {code} go round in a loop")
            seen.add(current)
        ordered = sorted(names[code], key=lambda n: n.valid_from or dt.date.min)
        regions[code] = Region(code, kind, first, last, tuple(ordered), tuple(by_code[code]), current)
    return _Register(regions, changes)


@lru_cache(maxsize=1)
def _register() -> _Register:
    return read_register()


# --- looking codes up ----------------------------------------------------------------------------

def _as_code(code) -> str:
    return str(code).strip()


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")


def _check_year(year: int) -> None:
    if int(year) < FIRST_YEAR:
        raise RegionYearError(f"the region register starts in {FIRST_YEAR}; {year} is before it")


def lookup(code) -> Region:
    """Return the register's entry for `code`, current or historical ("0529", "3443", "05", "0").

    Raise UnknownRegionError, saying how to write a code and naming the nearest known ones, when
    the code is not in the register.
    """
    text = _as_code(code)
    region = _register().regions.get(text)
    if region is not None:
        return region
    hint = ""
    if text.isdigit() and len(text) in (1, 3):
        hint = (": write a kommunenummer with four digits and a fylkesnummer with two, keeping the leading "
                f"zero ('0{text}', not '{text}'), and the whole country as '0'")
    elif not text.isdigit():
        hint = ": a region code is digits (a kommunenummer like '0529', a fylkesnummer like '05', or '0')"
    near = suggest(text, limit=3)
    tail = f"; did you mean {', '.join(map(str, near))}?" if near else ""
    raise UnknownRegionError(f"unknown region code {text!r}{hint}{tail}")


def is_known(code) -> bool:
    """Tell whether `code` is a kommune or fylke code in use at some time since 1994, or "0"."""
    return _as_code(code) in _register().regions


def to_current_code(code) -> str:
    """Follow renumberings from `code` to the code the same unit has today (0529 -> 3443,
    0701 -> 3801 -> 3901, 1424 -> 4643).

    A unit that merged or was split keeps its own code (5030 -> 5030, 1850 -> 1850, 05 -> 05):
    its series ends there. See `current_codes` for where it went.
    """
    return lookup(code).current_code


def current_codes(code) -> tuple[str, ...]:
    """Return the codes in use today that hold the unit's territory, or some of it: (3443,) for
    0529, (5001,) for 5030 Klæbu, (1806, 1875) for 1850 Tysfjord.

    Changes are followed through renumberings, mergers and splits (not boundary adjustments), so
    a unit that merged into one that later split gets every part of the later split: 01 Østfold
    -> 30 Viken -> 31, 32, 33. Empty only for a unit that left no successor.
    """
    register = _register()
    start = lookup(code)
    found, todo, seen = set(), [start.code], {start.code}
    while todo:
        region = register.regions[todo.pop()]
        if region.is_current:
            found.add(region.code)
            continue
        for change in region.successors:
            if change.new_code not in seen:
                seen.add(change.new_code)
                todo.append(change.new_code)
    return tuple(sorted(found))


def region_name(code, language: str = "nb", year: int | None = None, *, official: bool = False) -> str:
    """Return the name of the region with `code`.

    Without `year`, the name the unit has now, under its current code (0529 -> "Vestre Toten";
    a unit that ended: its last name). With `year`, the name the code itself had then; a code not
    in use that year raises RegionYearError. `language` is one of LANGUAGES: nynorsk and English
    differ from bokmål only where an official form exists ("0": "Heile landet", "Norway"); a Sami
    or Kven language gives the official name in it, or the Norwegian name where there is none.
    `official=True` gives the name as KLASS writes it, all languages joined ("Trondheim - Tråante").
    """
    _check_language(language)
    if year is None:
        name = lookup(to_current_code(code)).names[-1]
    else:
        name = lookup(code).name_in(int(year))
    if official:  # a form of its own in nynorsk or English ("Heile landet") stands alone
        own = name.in_language(language) if language in ("nn", "en") else name.nb
        return own if own != name.nb else name.official
    return name.in_language(language)


def valid_codes(year: int, kind: str = "kommune") -> tuple[str, ...]:
    """Return the codes of `kind` ("kommune", "fylke", "land") in use on 1 January of `year`, sorted
    (422 kommuner in 2019, 356 in 2020, 357 in 2024)."""
    _check_year(year)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of region {kind!r}; use one of {', '.join(KINDS)}")
    day = dt.date(int(year), 1, 1)
    return tuple(sorted(r.code for r in _register().regions.values() if r.kind == kind and r.in_use_on(day)))


def municipalities_in(year: int) -> tuple[str, ...]:
    """Return the kommunenummer in use on 1 January of `year`, sorted."""
    return valid_codes(year, "kommune")


def list_changes(year: int | None = None) -> tuple[RegionChange, ...]:
    """Return the changes in the register, by date; with `year`, those that took effect that year."""
    changes = _register().changes
    return changes if year is None else tuple(c for c in changes if c.date.year == int(year))


# --- suggestions for an unknown code or a name ----------------------------------------------------

def _fold(text: str) -> str:
    """Lower case without diacritics, with the Norwegian letters spelt out (Ålesund ~ aalesund)."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "aa")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _distance(a: str, b: str) -> int:
    """Levenshtein distance: how many digits to insert, delete or change to turn `a` into `b`."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@lru_cache(maxsize=1)
def _name_keys() -> tuple[tuple[str, str], ...]:
    """(folded name, code) for every name, and every part of one, that a code has had."""
    keys = set()
    for region in _register().regions.values():
        for name in region.names:
            for text in (name.nb, name.nn, name.official, *(n for _, n in name.sami), *name.official.split(" - ")):
                keys.add((_fold(text), region.code))
                keys.add((_fold(text.split(" (")[0]), region.code))  # "Våler (Østfold)" also as "Våler"
    return tuple(sorted(keys))


def suggest(text, limit: int = 5) -> tuple[Region, ...]:
    """Return up to `limit` known regions nearest to `text`, a code or a name, best first: "1564"
    -> 1563 Sunndal, 1566 Surnadal, ...; "Sundal" -> 1563 Sunndal. Each prints with its validity.

    A code is compared digit by digit (with "529" also read as "0529"), nearest number first
    among equals; a name is compared with every name and name part a code has had, ignoring case
    and diacritics.
    """
    query = _as_code(text)
    regions = _register().regions
    if not query or limit <= 0:
        return ()
    if query.isdigit():
        scored = []
        for code in regions:
            distance = min(_distance(query, code), _distance("0" + query, code) if len(query) % 2 else 99)
            if distance <= max(1, len(query) // 2):
                scored.append((distance, abs(int(code) - int(query)), code))
        return tuple(regions[code] for _, _, code in sorted(scored)[:limit])
    folded = _fold(query)
    best: dict[str, float] = {}
    for key, code in _name_keys():
        score = difflib.SequenceMatcher(None, folded, key).ratio()
        if key.startswith(folded) and len(folded) >= 3:
            score = max(score, 0.8)
        if score >= 0.78 and score > best.get(code, 0):
            best[code] = score
    ranked = sorted(best, key=lambda c: (-best[c], not regions[c].is_current, c))
    return tuple(regions[code] for code in ranked[:limit])


# --- the register as a table ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _regions_frame():
    rows = []
    for region in _register().regions.values():
        renumbering = [c.new_code for c in region.successors if c.kind == "renumbering"]
        rows.append({"code": region.code, "kind": region.kind, "name": region.name,
                     "official_name": region.official_name,
                     "valid_from": str(region.valid_from.year) if region.valid_from else "",
                     "valid_to": str(region.valid_to.year) if region.valid_to else "",
                     "first_day": region.valid_from.isoformat() if region.valid_from else "",
                     "last_day": region.valid_to.isoformat() if region.valid_to else "",
                     "successor": renumbering[0] if renumbering else "",
                     "current_code": region.current_code})
    return pd.DataFrame(rows, dtype=str).set_index("code").sort_index()


def load_regions():
    """Return the register as a DataFrame indexed by code: kind, name, official_name, valid_from
    and valid_to (years, empty when open or before 1994), first_day and last_day (dates),
    successor (the code a renumbering led to) and current_code. A copy: change it freely."""
    return _regions_frame().copy()


# --- one place through its changes of number --------------------------------------------------------
#
# A case, a comparison area, an exclusion or a donor may be written under any number the place has
# had. Two codes are the same place when one leads to the other by renumberings alone (0529 and
# 3443). Two codes overlap when territory flowed from one to the other through any change (a
# renumbering, a merger, a split or a boundary adjustment), in either direction: 1548 Fræna and
# 1579 Hustadvika (Fræna went into it in 2020), 1850 Tysfjord and 1806 Narvik (part of Tysfjord
# went there). Two codes whose territories only met in a later unit (1548 Fræna and 1551 Eide,
# both in Hustadvika since 2020) never shared a square metre: they do not overlap.

TERRITORY_CHANGES = ("renumbering", "merger", "split", "boundary")


def _flow(code: str, forward: bool) -> dict[str, RegionChange]:
    """Every code territory flowed to from `code` (forward) or from which it flowed into `code`,
    each with the first change on the way; `code` itself is not in it."""
    register = _register()
    found: dict[str, RegionChange] = {}
    todo = [code]
    while todo:
        here = todo.pop()
        for change in register.regions[here].changes:
            if change.kind not in TERRITORY_CHANGES:
                continue
            if forward and change.old_code == here and change.new_code != here:
                other = change.new_code
            elif not forward and change.new_code == here and change.old_code != here:
                other = change.old_code
            else:
                continue
            if other != code and other not in found:
                found[other] = change
                todo.append(other)
    return found


def is_same_place(a, b) -> bool:
    """Tell whether two codes are one place under different numbers (renumberings only)."""
    return to_current_code(a) == to_current_code(b)


def overlaps(a, b) -> bool:
    """Tell whether the territories of two codes overlapped in some year: the same place, or one
    holds (part of) the other's territory through a change (see the section's comment)."""
    a, b = lookup(a).code, lookup(b).code
    return a == b or b in _flow(a, True) or b in _flow(a, False)


def relation(donor, case) -> str | None:
    """How the territory of `donor` relates to that of `case`, as a key of DONOR_REASONS:
    "same_place" (one place under two numbers), "contains_case" (the case's territory went into
    the donor: 1579 Hustadvika for 1548 Fræna), "part_of_case" (the donor's territory went into
    the case's), "shares_territory" (part went one way or the other: a split or a boundary
    adjustment), or None when they never overlapped."""
    donor, case = lookup(donor).code, lookup(case).code
    if is_same_place(donor, case):
        return "same_place"
    onward = _flow(case, True)
    if donor in onward:
        return "shares_territory" if _partial(onward[donor], case) else "contains_case"
    backward = _flow(case, False)
    if donor in backward:
        return "shares_territory" if _partial(backward[donor], donor) else "part_of_case"
    if case in _flow(donor, True) or case in _flow(donor, False):  # a flow that only one direction sees
        return "shares_territory"
    return None


def _partial(change: RegionChange, whole: str) -> bool:
    # A split sends only part of the old code's territory to each new code, and a boundary
    # adjustment only part of a unit that goes on.
    return change.kind in ("split", "boundary")


def _first_year(region: Region) -> int:
    return region.valid_from.year if region.valid_from else FIRST_YEAR


def _last_year(region: Region) -> int:
    return region.valid_to.year if region.valid_to else dt.date.today().year


def places_in(code, first: int, last: int) -> tuple[str, ...]:
    """Return the municipality codes in use on some day of `first`-`last` that are the place
    `code` names or overlap it, sorted: for 1579 Hustadvika in 2012-2017, ("1548", "1551"); for
    3443 Vestre Toten, ("0529",). The code's own place comes alone when it was in use then."""
    region = lookup(code)
    own = sorted(c for c, r in _register().regions.items()
                 if r.kind == region.kind and r.current_code == region.current_code
                 and _first_year(r) <= last and _last_year(r) >= first)
    if own:
        return tuple(own)
    related = set(_flow(region.code, False)) | set(_flow(region.code, True))
    return tuple(sorted(c for c in related if (r := _register().regions[c]).kind == region.kind
                        and _first_year(r) <= last and _last_year(r) >= first))


def resolve_in_pool(code, pool_codes) -> tuple[str, ...]:
    """Return the codes among `pool_codes` that `code` (any numbering) names: those of the same
    place if any, else those whose territory overlapped it (1551 Eide -> 1579 Hustadvika in a
    pool of today's numbers). Empty when none; raise UnknownRegionError for an unknown code."""
    code = lookup(code).code
    pool = [str(c) for c in pool_codes if is_known(c)]
    same = sorted(c for c in pool if is_same_place(c, code))
    return tuple(same) if same else tuple(sorted(c for c in pool if overlaps(c, code)))


# Why a donor is left out of the control group by rule: the kinds of `relation`, each with its words
# under donors.<kind> in the language catalogue ({case} a name, {year} the year of the change).
DONOR_REASONS = ("same_place", "contains_case", "part_of_case", "shares_territory")


def _change_year(donor: str, case: str) -> int | None:
    onward, backward = _flow(case, True), _flow(case, False)
    change = onward.get(donor) or backward.get(donor) or _flow(donor, True).get(case) or _flow(donor, False).get(case)
    return change.date.year if change else None


def overlapping_donors(case, pool_codes, language: str = "nb", year: int | None = None) -> dict[str, str]:
    """The donors among `pool_codes` that are, contain, or overlap the case municipality in any
    year, each with the reason in `language` (DONOR_REASONS), to be left out of the control group:
    a synthetic control built from a unit that holds the case itself compares the case with itself.
    `year` names the case as it was then (default: its latest name)."""
    _check_language(language)
    case = lookup(case).code
    case_name = region_name(case, language, year) if year is not None and lookup(case).is_valid_in(year) \
        else lookup(case).names[-1].in_language(language)
    left_out = {}
    for donor in pool_codes:
        donor = str(donor)
        if donor == case or not is_known(donor):
            continue
        kind = relation(donor, case)
        if kind is None:
            continue
        left_out[donor] = words.text(language, f"donors.{kind}", case=case_name, year=_change_year(donor, case) or "")
    return left_out


@dataclass(frozen=True)
class LaterChange:
    """One change after the programme of the place a report is about: what happened, when, and
    the codes and names concerned, for the one sentence of its later history."""

    year: int
    kind: str  # "renumbering", "merger", "split"
    code: str  # the code before the change
    name: str
    new_codes: tuple[str, ...]
    new_names: tuple[str, ...]
    partners: tuple[str, ...] = ()  # the names of the others that went into the same new unit
    text: str = ""  # the change in words, in the requested language


def later_history(code, after_year: int, language: str = "nb") -> tuple[LaterChange, ...]:
    """The changes of number or territory that ended the place `code` (any numbering) after
    `after_year`, oldest first, following it onward: 1548 Fræna after 2017 -> merged with Eide into
    Hustadvika (1579) in 2020. Empty when the place went on unchanged. Each has its words in
    `language` (the catalogue's history.*) in `text`."""
    _check_language(language)
    register = _register()
    here = lookup(code).code
    result = []
    seen = {here}
    while True:
        region = register.regions[here]
        ending = [c for c in region.successors if c.date.year > after_year]
        if not ending:
            break
        date = ending[0].date
        ending = [c for c in ending if c.date == date]
        kind = ending[0].kind
        new_codes = tuple(sorted({c.new_code for c in ending}))
        new_names = tuple(lookup(c).name_in(date.year).in_language(language) for c in new_codes)
        name = region.name_in(min(date.year - 1, _last_year(region))).in_language(language)
        partners = ()
        if kind == "merger":
            partners = tuple(sorted(register.regions[c.old_code].names[-1].in_language(language)
                                    for c in register.changes
                                    if c.date == date and c.new_code == new_codes[0] and c.old_code != here
                                    and c.kind == "merger" and c.old_code != new_codes[0]))
        if kind == "renumbering":
            text = words.text(language, "history.renumbering", code=new_codes[0])
        elif kind == "merger" and partners:
            joined = partners[0] if len(partners) == 1 else (
                ", ".join(partners[:-1]) + f" {words.text(language, 'words.and')} " + partners[-1])
            text = words.text(language, "history.merger", others=joined, name=new_names[0], code=new_codes[0])
        elif kind == "merger":
            text = words.text(language, "history.merger_alone", name=new_names[0], code=new_codes[0])
        else:
            text = words.text(language, "history.split",
                              names=", ".join(f"{n} ({c})" for n, c in zip(new_names, new_codes)))
        result.append(LaterChange(date.year, kind, here, name, new_codes, new_names, partners, text))
        if len(new_codes) != 1 or new_codes[0] in seen:
            break
        here = new_codes[0]
        seen.add(here)
    return tuple(result)
