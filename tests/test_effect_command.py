"""`evalreport effect` from the command line: the JSON it writes on a small panel, and a clear
message with exit code 1, never a traceback, for each kind of bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from evalreport.cli import main

# The tiny panel of tests/unit/test_synth.py, worked out by hand there: T is fitted on R alone
# (weight 1), its gaps are 9, 11 before 2002 and 16, 18 after; studentised statistics (|mean gap
# 2002-2003| / RMSPE over the fit years) T 17/sqrt(101), P 10/sqrt(101), Q 0, R 20/sqrt(401), so T
# ranks 1 of 4.
ROWS = [("T", "2002.0", 58, 1), ("P", "2000.0", 10, 1), ("Q", "2001.0", 21, ""), ("R", "2003.0", 42, 1),
        ("T", "2000.0", 49, 1), ("P", "2003.0", 12, 1), ("Q", "2000.0", 19, 1), ("R", "2000.0", 40, ""),
        ("T", "2001.0", 51, 1), ("P", "2001.0", 10, 1), ("Q", "2002.0", 20, 1), ("R", "2001.0", 40, 1),
        ("T", "2003.0", 60, 1), ("P", "2002.0", 12, 1), ("Q", "2003.0", 24, 1), ("R", "2002.0", 42, 1)]


def write_panel(path, rows=ROWS, header="kommune,year,employment,other"):
    path.write_text(header + "\n" + "\n".join(",".join(str(c) for c in row) for row in rows) + "\n", encoding="utf-8")
    return path


def effect(panel, *extra):
    return ["effect", "--panel", str(panel), "--unit", "kommune", "--time", "year", "--outcome", "employment",
            "--treated", "T", "--start", "2002", *extra]


def test_happy_path_writes_the_json_the_issue_asks_for(tmp_path, capsys):
    panel = write_panel(tmp_path / "panel.csv")
    out = tmp_path / "out" / "effect.json"
    assert main(effect(panel, "--predictor", "employment:2000-2001", "--json", str(out))) == 0
    printed = capsys.readouterr().out
    assert "rank 1 of 4" in printed and "T" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["method"] == "synthetic_control"
    assert data["treated"] == "T" and data["start"] == 2002
    assert data["weights"] == pytest.approx({"P": 0.0, "Q": 0.0, "R": 1.0}, abs=1e-9)
    assert data["predictors"]["employment:2000-2001"] == pytest.approx({"treated": 50.0, "synthetic": 40.0,
                                                                      "donor_mean": 70 / 3})
    assert data["pre_rmspe"] == pytest.approx(math.sqrt(101))
    assert data["gap"] == pytest.approx({"2000": 9.0, "2001": 11.0, "2002": 16.0, "2003": 18.0})
    assert data["att"] == pytest.approx(17.0)
    placebo = data["placebo"]
    assert (placebo["rank"], placebo["units"], placebo["p_value"]) == (1, 4, 0.25)
    assert placebo["statistic"] == "studentised_att"
    assert placebo["studentised_att"] == pytest.approx({"T": 17 / math.sqrt(101), "P": 10 / math.sqrt(101), "Q": 0.0,
                                                        "R": 20 / math.sqrt(401)})
    assert data["effect_years"] == [2002, 2003] and data["identified"] is True
    assert set(placebo["excluded"]) == {"2x", "5x", "20x"}
    assert placebo["excluded"]["2x"]["units"] == 3
    assert data["seconds"] > 0


def test_the_installed_command_runs(tmp_path):
    panel = write_panel(tmp_path / "panel.csv")
    done = subprocess.run([sys.executable, "-m", "evalreport.cli", *effect(panel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Synthetic control for T" in done.stdout


def run_bad(tmp_path, capsys, argv) -> str:
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return captured.err


def test_missing_column_is_named(tmp_path, capsys):
    panel = write_panel(tmp_path / "panel.csv")
    message = run_bad(tmp_path, capsys, effect(panel, "--predictor", "industry:2000-2001"))
    assert "no column 'industry'" in message and "'employment'" in message


def test_predictor_window_with_a_missing_value_names_the_unit(tmp_path, capsys):
    panel = write_panel(tmp_path / "panel.csv")
    message = run_bad(tmp_path, capsys, effect(panel, "--predictor", "other:2000-2001"))
    assert "'other:2000-2001'" in message and "'Q'" in message and "2001" in message and "'R'" in message


def test_treated_unit_not_in_the_panel(tmp_path, capsys):
    panel = write_panel(tmp_path / "panel.csv")
    argv = effect(panel)
    argv[argv.index("--treated") + 1] = "Vestre Toten"
    assert "--treated 'Vestre Toten': no such unit" in run_bad(tmp_path, capsys, argv)


def test_start_year_outside_the_data(tmp_path, capsys):
    panel = write_panel(tmp_path / "panel.csv")
    argv = effect(panel)
    argv[argv.index("--start") + 1] = "2011"
    assert "--start 2011: outside the data, which run from 2000 to 2003" in run_bad(tmp_path, capsys, argv)


def test_too_few_donors(tmp_path, capsys):
    panel = write_panel(tmp_path / "panel.csv")
    assert "too few donors: 1" in run_bad(tmp_path, capsys, effect(panel, "--donors", "R"))


def test_non_numeric_value_names_the_row(tmp_path, capsys):
    rows = list(ROWS)
    rows[5] = ("P", "2003.0", "tolv", 1)  # line 7 of the file: header, then rows 2..17
    panel = write_panel(tmp_path / "panel.csv", rows)
    message = run_bad(tmp_path, capsys, effect(panel))
    assert "column 'employment', row 7: expected a number, found 'tolv'" in message


def test_bad_predictor_syntax(tmp_path, capsys):
    panel = write_panel(tmp_path / "panel.csv")
    assert "expected a year such as 1988 or a range" in run_bad(tmp_path, capsys, effect(panel, "--predictor", "employment:early"))


def test_effect_window_and_after_years_are_printed_apart(tmp_path, capsys):
    # --effect-years 2002: T's gap 16 (58 - 42) is the effect; 2003's 18 is the window after it.
    panel = write_panel(tmp_path / "panel.csv")
    out = tmp_path / "effect.json"
    assert main(effect(panel, "--predictor", "employment:2000-2001", "--effect-years", "2002", "--json", str(out))) == 0
    printed = capsys.readouterr().out
    assert "effect (mean gap 2002-2002): 16.00" in printed
    assert "after the effect window (mean gap 2003-2003): 18.00" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["att"] == pytest.approx(16.0) and data["windows"]["after"]["mean_gap"] == pytest.approx(18.0)


@pytest.mark.parametrize("option, value, words", [
    ("--v-floor", "1.5", "--v-floor 1.5: give a share from 0 to below 1"),
    ("--v-floor", "much", "--v-floor 'much': expected a share"),
    ("--noise-floor", "-1", "--noise-floor -1: give a positive number"),
    ("--effect-years", "1999-2002", "--effect-years: 1999 is not from the start 2002 on"),
    ("--index", "2002-2003", "base years 2002-2003 are not years before the start"),
    ("--series-break", "20x5", "--series-break '20x5': expected a year"),
])
def test_bad_method_options_are_named(tmp_path, capsys, option, value, words):
    panel = write_panel(tmp_path / "panel.csv")
    assert words in run_bad(tmp_path, capsys, effect(panel, option, value))
