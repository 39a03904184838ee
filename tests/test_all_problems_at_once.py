"""`make check` lists every problem in one message, also a problem across two files when one of them
has problems of its own (issue 18: a funder missing from the funder list came only after the other
problems were fixed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))
CASE = Path("data/vestre_toten")


def test_a_missing_funder_is_named_beside_a_bad_amount_in_the_same_file(project):
    funding = project / CASE / "funding.csv"
    lines = funding.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    year, funder, amount = (header.index(c) for c in ("year", "funder_id", "amount_nok"))
    first = lines[1].split(",")
    first[amount] = "mye"  # not a number
    second = lines[2].split(",")
    second[funder] = "sparebanken"  # not in funders.csv
    funding.write_text("\n".join([lines[0], ",".join(first), ",".join(second), *lines[3:]]) + "\n", encoding="utf-8")
    done = subprocess.run([EVALREPORT, "check", "--case", "vestre_toten"], cwd=project, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "data/vestre_toten/funding.csv" in done.stderr and "amount_nok" in done.stderr and "row 2" in done.stderr
    assert ("data/vestre_toten/funding.csv: column 'funder_id', row 3: 'sparebanken' is not a funder in "
            "data/vestre_toten/funders.csv") in done.stderr, done.stderr
