"""Region codes (kommunenummer, fylkesnummer) and their renumberings.

Statistics are published under the code valid at the time; a series that spans the 2020 or 2024
reform must join into one line under today's code.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd


@lru_cache(maxsize=1)
def load_regions() -> pd.DataFrame:
    """Return the known region codes with their names, validity and successor code."""
    with resources.files("evalreport.resources").joinpath("regions.csv").open(encoding="utf-8") as f:
        regions = pd.read_csv(f, dtype=str, keep_default_na=False)
    return regions.set_index("code")


def is_known(code: str) -> bool:
    """Tell whether `code` is a known region code, current or historical."""
    return str(code) in load_regions().index


def to_current_code(code: str) -> str:
    """Follow renumberings from `code` to the code in use today (0529 -> 3443)."""
    regions = load_regions()
    code = str(code)
    if code not in regions.index:
        raise KeyError(f"unknown region code {code!r}")
    seen = {code}
    while regions.at[code, "successor"]:
        code = regions.at[code, "successor"]
        if code in seen:  # a loop in the table is a data error, not an endless walk
            raise ValueError(f"renumbering loop at region code {code!r}")
        seen.add(code)
    return code


def region_name(code: str) -> str:
    """Return the name of the region with the current form of `code`."""
    return load_regions().at[to_current_code(code), "name"]
