"""Chapter 4's effect analysis on the bundled case (Vestre Toten, programme 2011-2017):

- `evalreport effect` on the same data and specification gives the same numbers as
  `effect.analyse`, which the chapter prints (one procedure, two doors);
- the chapter's headline numbers recomputed from the data files by code written here, with numpy,
  pandas and scipy only: no import of evalreport.methods or evalreport.effect for the numbers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog, lsq_linear

from evalreport.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "reports" / "vestre_toten.yaml"
POOL = ROOT / "data" / "vestre_toten" / "donor_pool_employment.csv"
TREATED, START, END = "3443", 2011, 2017
FIT = list(range(2000, 2011))
SPILL_OVER = {"3442", "3407"}  # reports/vestre_toten.yaml, effect.exclude
BREAK = 2015  # effect.series_break: not in the file, so the configuration's default


@pytest.fixture(scope="module")
def analysis():
    from evalreport import datasets, effect
    from evalreport.config import load_config

    config = load_config(CONFIG)
    assert config.effect.series_break == BREAK and [e.code for e in config.effect.exclude] == ["3442", "3407"]
    assert (config.programme.start, config.programme.end, config.fit_years) == (START, END, FIT)
    case = datasets.load_case(config, ROOT / config.data_dir)
    return effect.analyse(config, case)


# --- the same numbers from the command line ----------------------------------------------------------

def test_the_command_line_gives_the_chapters_numbers(analysis, tmp_path, capsys):
    frame = pd.read_csv(POOL, dtype={"region_code": str})
    panel = tmp_path / "pool.csv"
    frame[["region_code", "year", "employed"]].to_csv(panel, index=False)
    out = tmp_path / "effect.json"
    argv = ["effect", "--panel", str(panel), "--unit", "region_code", "--time", "year", "--outcome", "employed",
            "--treated", TREATED, "--start", str(START), "--fit", "2000-2010", "--index", "2000-2010",
            "--effect-years", f"{START}-{END}", "--series-break", str(BREAK),
            "--donors", ",".join(analysis.donors), "--json", str(out)]
    for year in FIT:
        argv += ["--predictor", f"employed:{year}"]
    assert main(argv) == 0
    capsys.readouterr()
    cli = json.loads(out.read_text(encoding="utf-8"))
    main_result = analysis.main
    assert cli["att"] == pytest.approx(main_result.att, abs=1e-9)
    for window in ("effect", "after"):
        assert cli["windows"][window] == pytest.approx(main_result.windows[window])
    assert cli["prediction_rmspe"] == pytest.approx(main_result.prediction_rmspe, abs=1e-9)
    assert (cli["placebo"]["rank"], cli["placebo"]["units"]) == (main_result.placebo.rank, main_result.placebo.units)
    assert cli["placebo"]["p_value"] == pytest.approx(main_result.placebo.p_value)
    assert (cli["interval"]["low"], cli["interval"]["high"]) == pytest.approx(
        (main_result.interval.low, main_result.interval.high), abs=1e-9)
    assert {u: w for u, w in cli["weights"].items() if w > 0} == pytest.approx(
        {u: w for u, w in main_result.weights.items() if w > 0}, abs=1e-9)


# --- the headline numbers, recomputed from the files ----------------------------------------------------

@pytest.fixture(scope="module")
def index():
    """Employment by year (rows 2000-2019) and municipality, bridged across the 2015 break by the
    median change 2014-15, spill-over municipalities and units with a gap left out, as an index
    (mean over 2000-2010 = 100), the municipality first."""
    frame = pd.read_csv(POOL, dtype={"region_code": str})
    pool = frame.pivot_table(index="year", columns="region_code", values="employed", aggfunc="sum").sort_index()
    pool = pool.astype(float)
    change = pool.loc[BREAK] / pool.loc[BREAK - 1]
    median = float(change[np.isfinite(change) & (change > 0)].median())
    bridged = pool.copy()
    bridged.loc[BREAK:] = pool.loc[BREAK:] * (median / change)
    keep = [c for c in bridged.columns if c not in SPILL_OVER and bridged[c].notna().all() and (bridged[c] > 0).all()]
    keep = [TREATED] + [c for c in keep if c != TREATED]
    levels = bridged[keep]
    return levels / levels.loc[FIT].mean() * 100, levels


def best_fit(Z: np.ndarray, z: np.ndarray) -> np.ndarray:
    """argmin ||Z w - z|| over the simplex (bounded least squares with a heavy sum-to-one row); if the
    fit is exact, the exact fit with the least sum_j w_j ||z - Z_j||^2 (a linear programme)."""
    rows = np.vstack([Z, 1e4 * np.ones(Z.shape[1])])
    w = lsq_linear(rows, np.append(z, 1e4), bounds=(0, 1), method="bvls", tol=1e-12).x
    w = np.clip(w, 0, None) / np.clip(w, 0, None).sum()
    if np.sqrt(np.mean((Z @ w - z) ** 2)) > 1e-6:
        return w
    penalty = ((Z - z[:, None]) ** 2).sum(axis=0)
    exact = linprog(penalty, A_eq=np.vstack([Z - z[:, None], np.ones(Z.shape[1])]), b_eq=np.append(np.zeros(len(z)), 1),
                    bounds=(0, None), method="highs")
    assert exact.status == 0
    return exact.x


def gap_of(data: pd.DataFrame, unit: str, donors: list[str], fit: list[int]) -> pd.Series:
    w = best_fit(data.loc[fit, donors].to_numpy(), data.loc[fit, unit].to_numpy())
    return data[unit] - data[donors].to_numpy() @ w


def test_the_main_estimate_and_the_years_after(analysis, index):
    data, _ = index
    donors = list(data.columns[1:])
    assert len(donors) == len(analysis.donors) == 354
    gap = gap_of(data, TREATED, donors, FIT)
    assert analysis.main.att == pytest.approx(gap.loc[START:END].mean(), abs=1e-4)
    assert analysis.main.windows["after"]["mean_gap"] == pytest.approx(gap.loc[END + 1:].mean(), abs=1e-4)
    assert analysis.main.pre_rmspe == pytest.approx(math.sqrt(float((gap.loc[FIT] ** 2).mean())), abs=1e-4)


def test_leaving_out_the_heaviest_donor(analysis, index):
    data, _ = index
    heaviest = max(analysis.main.weights, key=analysis.main.weights.get)
    donors = [c for c in data.columns[1:] if c != heaviest]
    att = gap_of(data, TREATED, donors, FIT).loc[START:END].mean()
    assert analysis.main.sensitivity["leave_one_out"][heaviest]["att"] == pytest.approx(att, abs=1e-4)


def test_the_short_fit_and_the_in_time_placebo(analysis, index):
    data, levels = index
    donors = list(data.columns[1:])
    short = gap_of(data, TREATED, donors, FIT[-3:])
    assert analysis.short_fit.att == pytest.approx(short.loc[START:END].mean(), abs=1e-4)
    before = FIT[:5]  # a fake start in 2005, the middle fit year; its own index over 2000-2004
    fake = levels / levels.loc[before].mean() * 100
    gap = gap_of(fake, TREATED, donors, before).loc[2005:2010]
    largest = gap.iloc[int(np.argmax(np.abs(gap.to_numpy())))]
    assert analysis.in_time.gap[int(gap.index[int(np.argmax(np.abs(gap.to_numpy())))])] == pytest.approx(largest, abs=1e-4)
    assert math.sqrt(float(np.mean([analysis.in_time.gap[t] ** 2 for t in range(2005, 2011)]))) == pytest.approx(
        math.sqrt(float((gap ** 2).mean())), abs=1e-4)


def test_the_difference_in_differences_against_the_pool(analysis, index):
    _, levels = index
    logs = np.log(levels)
    change = logs.loc[START:END].mean() - logs.loc[FIT].mean()
    percent = (math.exp(change[TREATED] - change.iloc[1:].mean()) - 1) * 100
    assert (math.exp(analysis.did_pool.att) - 1) * 100 == pytest.approx(percent, abs=1e-9)
    assert analysis.did_comparison is None and set(analysis.did_left_out) == SPILL_OVER


def cross_validated(data: pd.DataFrame, unit: str, donors: list[str]) -> float:
    """The fit years two at a time left out, the index re-based on the other fit years, each left-out
    year predicted by the weights fitted on the others."""
    errors = []
    for first in range(0, len(FIT), 2):
        held = FIT[first:first + 2]
        kept = [t for t in FIT if t not in held]
        block = data[[unit, *donors]]
        block = block / block.loc[kept].mean() * 100
        w = best_fit(block.loc[kept, donors].to_numpy(), block.loc[kept, unit].to_numpy())
        errors += list(block.loc[held, unit].to_numpy() - block.loc[held, donors].to_numpy() @ w)
    return math.sqrt(float(np.mean(np.square(errors))))


def test_the_test_and_the_interval(analysis, index):
    data, _ = index
    donors = list(data.columns[1:])
    placebo = analysis.main.placebo
    scale = cross_validated(data, TREATED, donors)
    assert analysis.main.prediction_rmspe == pytest.approx(scale, abs=1e-4)
    treated = abs(analysis.main.att) / scale
    # 12 placebos (seeded) recomputed in full: each donor fitted on the other donors, never on the treated
    for unit in np.random.default_rng(7).choice(donors, 12, replace=False):
        others = [d for d in donors if d != unit]
        att = gap_of(data, unit, others, FIT).loc[START:END].mean()
        assert placebo.values[unit] == pytest.approx(abs(att) / cross_validated(data, unit, others), abs=1e-4)
    # the rank, p-value and 90 % interval from the 354 placebo statistics
    others = [placebo.values[u] for u in donors]
    rank = 1 + sum(v >= treated for v in others)
    assert (placebo.rank, placebo.units, placebo.p_value) == (rank, 355, pytest.approx(rank / 355))
    critical = sorted(others, reverse=True)[math.floor(0.1 * 355 - 1)]  # 35 placebos at least as large: p = 36/355 > 0.1
    low, high = analysis.main.att - critical * scale, analysis.main.att + critical * scale
    assert (analysis.main.interval.low, analysis.main.interval.high) == pytest.approx((low, high), abs=1e-3)
