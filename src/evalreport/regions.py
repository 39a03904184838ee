"""Region codes (kommunenummer, fylkesnummer) and their renumberings.

Statistics are published under the code valid at the time; a series that spans the 2020 or 2024
reform must join into one line under today's code. Merged counties (Oppland, Hedmark) have no
successor: a merger is not a renumbering, and their series end.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    with resources.files("evalreport.resources").joinpath("regions.csv").open(encoding="utf-8") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def load_regions():
    """Return the known region codes with their names, validity and successor code, as a DataFrame."""
    import pandas as pd

    return pd.DataFrame(list(_table().values()), dtype=str).set_index("code")


def is_known(code: str) -> bool:
    """Tell whether `code` is a known region code, current or historical."""
    return str(code) in _table()


def to_current_code(code: str) -> str:
    """Follow renumberings from `code` to the code in use today (0529 -> 3443)."""
    table = _table()
    code = str(code)
    if code not in table:
        raise KeyError(f"unknown region code {code!r}")
    seen = {code}
    while table[code]["successor"]:
        code = table[code]["successor"]
        if code in seen:  # a loop in the table is a data error, not an endless walk
            raise ValueError(f"renumbering loop at region code {code!r}")
        seen.add(code)
    return code


def region_name(code: str) -> str:
    """Return the name of the region with the current form of `code`."""
    return _table()[to_current_code(code)]["name"]
