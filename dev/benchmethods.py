"""Benchmark of the synthetic-control estimator (`make bench` calls main()): one fit and the full
placebo run on a seeded panel shaped like Norwegian municipal employment, against one pysyncon
fit of the same specification, and the placebo run on one and on two worker processes.

A benchmark, not a test: it prints figures. These machines are shared, so compare ratios.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np
import pandas as pd

UNITS = 357
FIRST_YEAR, LAST_YEAR, START = 2000, 2019, 2010
SEED = 20240101
SMALL_POOL = 20  # donors, for the comparison pysyncon can finish



def _time_fit(design, donors, repeats: int):
    """The fit of the first unit to `donors`, and its median time in seconds over `repeats` runs."""
    from evalreport.methods.synth import fit_unit

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fit, gap = fit_unit(design.X, design.Y, 0, donors, design.fit_rows)
        times.append(time.perf_counter() - started)
    return fit, gap, float(np.median(times))

def make_panel(units: int = UNITS, seed: int = SEED) -> pd.DataFrame:
    """A long panel (kommune, year, employment, industry_share, population), seeded.

    Sizes are log-uniform from about 200 to 500 000 employed; growth is a national shock per
    year, a county shock per year (units grouped in 11 counties), a unit trend and AR(1) noise
    that is larger for small units, as in municipal employment series.
    """
    rng = np.random.default_rng(seed)
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    national = rng.normal(0.008, 0.012, years.size)
    national[years == 2009] -= 0.03  # the financial crisis
    county = rng.integers(0, 11, units)
    county_shock = rng.normal(0, 0.008, (11, years.size))
    size = np.exp(rng.uniform(np.log(200), np.log(500_000), units))
    trend = rng.normal(0, 0.006, units)
    noise_sd = 0.004 + 0.04 / np.sqrt(size / 200)
    log_level = np.zeros((years.size, units))
    shock = np.zeros(units)
    for i in range(years.size):
        shock = 0.6 * shock + rng.normal(0, noise_sd)
        step = national[i] + county_shock[county, i] + trend + shock
        log_level[i] = (np.log(size) if i == 0 else log_level[i - 1]) + (0 if i == 0 else step)
    employment = np.round(np.exp(log_level))
    industry = np.clip(rng.normal(0.2, 0.08, units)[None, :] + rng.normal(0, 0.01, (years.size, units)), 0.01, 0.8)
    population = np.round(employment * rng.uniform(1.8, 2.4, units)[None, :])
    names = [f"K{1000 + j}" for j in range(units)]
    return pd.DataFrame({
        "kommune": np.tile(names, years.size),
        "year": np.repeat(years, units),
        "employment": employment.ravel(),
        "industry_share": industry.ravel().round(4),
        "population": population.ravel(),
    })


PREDICTORS = [("employment", range(2000, 2005)), ("employment", [2007]), ("employment", [2009]),
              ("industry_share", range(2000, 2010)), ("population", [2009])]


def _our_spec(panel, treated: str):
    from evalreport.methods.panel import Predictor, Specification

    predictors = tuple(Predictor(f"{c}:{min(y)}-{max(y)}", c, tuple(y)) for c, y in PREDICTORS)
    return Specification("employment", treated, START, predictors, tuple(range(FIRST_YEAR, START)))


def _time_pysyncon(frame: pd.DataFrame, unit: str, dependent: str, treated: str, special: list, years: list):
    """One pysyncon fit of `dependent` for `treated` with the special predictors given, its seconds
    and its RMSPE over `years`; None when pysyncon is not installed."""
    try:
        from pysyncon import Dataprep, Synth
    except ImportError:
        return None
    donors = [u for u in frame[unit].unique() if u != treated]
    dataprep = Dataprep(foo=frame, predictors=[], predictors_op="mean", time_predictors_prior=years,
                        special_predictors=special, dependent=dependent, unit_variable=unit, time_variable="year",
                        treatment_identifier=treated, controls_identifier=donors, time_optimize_ssr=years)
    synth = Synth()
    started = time.perf_counter()
    synth.fit(dataprep=dataprep)
    seconds = time.perf_counter() - started
    Z0, Z1 = dataprep.make_outcome_mats(time_period=years)
    gap = Z1.to_numpy() - Z0.to_numpy() @ np.asarray(synth.W)
    return seconds, float(np.sqrt(np.mean(gap ** 2)))


def _pysyncon_worker(queue, *problem) -> None:
    queue.put(_time_pysyncon(*problem))


def _time_pysyncon_limited(limit: float, *problem):
    """pysyncon's fit (`_time_pysyncon(*problem)`) in a child process, stopped after `limit` seconds:
    ("done", seconds, rmspe), ("timeout", limit) or None when pysyncon is not installed."""
    import multiprocessing

    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_pysyncon_worker, args=(queue, *problem))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.terminate()
        process.join()
        return ("timeout", limit)
    answer = queue.get() if not queue.empty() else None
    return None if answer is None else ("done", *answer)


def bench_report_specification(limit: float) -> None:
    """The specification the report uses, on the bundled case's donor panel: employment as an index
    (mean of the fit years = 100), the index in each fit year as predictors, every municipality not
    excluded as a donor."""
    import sys
    from pathlib import Path

    from evalreport import effect
    from evalreport.config import load_config
    from evalreport.datasets import load_case
    from evalreport.methods.synth import build_design, fit_unit, run_placebos
    from evalreport.project import Project

    project = Project.find()
    config = load_config(project.root / "reports" / "vestre_toten.yaml")
    case = load_case(config, project.resolve(config.data_dir), project.relative)
    panel, _, _ = effect.employment_panel(config, case)
    spec = effect.specification(config)
    design = build_design(panel, spec)
    donors = np.arange(1, len(design.units))
    fit, gap, ours = _time_fit(design, donors, repeats=7)
    rmspe = float(np.sqrt(np.mean(gap[design.fit_rows] ** 2)))
    print(f"The report's specification on the bundled donor panel: {len(design.units) - 1} donors, "
          f"{len(spec.fit_years)} fit years ({spec.fit_years[0]}-{spec.fit_years[-1]}), the index in each as a "
          f"predictor; {os.cpu_count()} cores", file=sys.stdout)
    print(f"one fit (ours):      {ours * 1000:8.1f} ms   pre-period RMSPE {rmspe:8.4f} index points")
    frame = pd.DataFrame({"unit": np.repeat(design.units, len(design.times)),
                          "year": np.tile(design.times, len(design.units)),
                          "index": design.Y.T.ravel()})
    index_problem = ("unit", "index", spec.treated, [("index", [y], "mean") for y in spec.fit_years],
                     list(spec.fit_years))
    theirs = _time_pysyncon_limited(limit, frame, *index_problem)
    if theirs is None:
        print("one fit (pysyncon):  not installed (pip install '.[test]')")
    elif theirs[0] == "timeout":
        print(f"one fit (pysyncon):  did not finish within {theirs[1]:.0f} s -> ours over {theirs[1] / ours:.0f}x faster")
    else:
        verdict = "no worse" if rmspe <= theirs[2] * (1 + 1e-9) else "WORSE"
        print(f"one fit (pysyncon):  {theirs[1] * 1000:8.1f} ms   pre-period RMSPE {theirs[2]:8.4f} index points "
              f"-> ours {theirs[1] / ours:.0f}x faster, fit {verdict}")
    # pysyncon cannot finish on every donor; on a pool small enough for it, compare speed and fit.
    pick = np.sort(np.random.default_rng(SEED).choice(donors, SMALL_POOL, replace=False))
    started = time.perf_counter()
    small_fit, small_gap = fit_unit(design.X, design.Y, 0, pick, design.fit_rows)
    small_ours = time.perf_counter() - started
    small_rmspe = float(np.sqrt(np.mean(small_gap[design.fit_rows] ** 2)))
    units = [design.units[0], *(design.units[j] for j in pick)]
    small = pd.DataFrame({"unit": np.repeat(units, len(design.times)), "year": np.tile(design.times, len(units)),
                          "index": design.Y[:, [0, *pick]].T.ravel()})
    theirs = _time_pysyncon_limited(limit, small, *index_problem)
    if theirs is not None and theirs[0] == "done":
        verdict = "no worse" if small_rmspe <= theirs[2] * (1 + 1e-9) else "WORSE"
        print(f"on {SMALL_POOL} donors (seeded), ours:     {small_ours * 1000:8.2f} ms, RMSPE {small_rmspe:.6f}; "
              f"pysyncon: {theirs[1]:.1f} s, RMSPE {theirs[2]:.6f} -> ours {theirs[1] / small_ours:,.0f}x faster, "
              f"fit {verdict}")
    elif theirs is not None:
        print(f"on {SMALL_POOL} donors, pysyncon did not finish within {theirs[1]:.0f} s either")
    seconds = {}
    for workers in (1, 2):
        started = time.perf_counter()
        run_placebos(design, workers=workers, min_parallel_seconds=0)
        seconds[workers] = time.perf_counter() - started
        print(f"placebo run, {workers} worker process{'es' if workers > 1 else ''}: {seconds[workers]:6.2f} s for "
              f"{len(design.units) - 1} fits")
    from evalreport.methods.synth import MIN_PARALLEL_SECONDS

    print(f"placebo run speed-up from 1 to 2 worker processes: {seconds[1] / seconds[2]:.2f}x (the build starts "
          f"worker processes only for more than {MIN_PARALLEL_SECONDS:.0f} s of serial work; this is "
          f"{seconds[1]:.2f} s, so it runs {'serially' if seconds[1] < MIN_PARALLEL_SECONDS else 'in processes'})")
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        effect.analyse(config, case, workers=2, cache_dir=Path(cache))
        full = time.perf_counter() - started
        started = time.perf_counter()
        effect.analyse(config, case, workers=2, cache_dir=Path(cache))
        again = time.perf_counter() - started
    print(f"the whole analysis of chapter 4 (placebos, leave-one-out, sensitivity), 2 workers: {full:.2f} s; "
          f"again with the same data (cached): {again * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    from evalreport.methods.panel import frame_to_panel
    from evalreport.methods.synth import Inference, build_design, estimate_synthetic_control, run_placebos

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=UNITS)
    parser.add_argument("--treated", default=None, help="the unit fitted once (default: a mid-sized one)")
    parser.add_argument("--pysyncon-limit", type=float, default=120.0, help="seconds pysyncon's fit may take")
    parser.add_argument("--covariates", action="store_true",
                        help="also a specification with covariates, where V is searched (slow)")
    args = parser.parse_args(argv)
    bench_report_specification(args.pysyncon_limit)
    if not args.covariates:
        return 0
    print()
    frame = make_panel(args.units)
    panel = frame_to_panel(frame, "kommune", "year", ["employment", "industry_share", "population"], source="benchmark panel")
    sizes = frame[frame["year"] == FIRST_YEAR].set_index("kommune")["employment"].sort_values()
    treated = args.treated or sizes.index[len(sizes) // 2]
    spec = _our_spec(panel, treated)
    design = build_design(panel, spec)
    donors = np.arange(1, len(design.units))
    print(f"Panel: {len(panel.units)} units x {len(panel.times)} years ({FIRST_YEAR}-{LAST_YEAR}), "
          f"{len(PREDICTORS)} predictors, fit on {FIRST_YEAR}-{START - 1}; treated {treated} "
          f"({sizes[treated]:,.0f} employed in {FIRST_YEAR}); {os.cpu_count()} cores")
    fit, gap, ours = _time_fit(design, donors, repeats=5)
    our_rmspe = float(np.sqrt(np.mean(gap[design.fit_rows] ** 2)))
    print(f"one fit (ours):      {ours * 1000:8.1f} ms   pre-period RMSPE {our_rmspe:10.3f}   "
          f"({'exact predictor match' if fit.exact_match else f'{fit.evaluations} V evaluations'})")
    theirs = _time_pysyncon_limited(args.pysyncon_limit, frame, "kommune", "employment", treated,
                                    [(c, list(y), "mean") for c, y in PREDICTORS], list(range(FIRST_YEAR, START)))
    if theirs is None:
        print("one fit (pysyncon):  not installed (pip install '.[test]')")
    elif theirs[0] == "timeout":
        print(f"one fit (pysyncon):  did not finish within {theirs[1]:.0f} s (default Nelder-Mead, equal V start) "
              f"-> ours over {theirs[1] / ours:.0f}x faster")
    else:
        print(f"one fit (pysyncon):  {theirs[1] * 1000:8.1f} ms   pre-period RMSPE {theirs[2]:10.3f}   "
              f"-> ours {theirs[1] / ours:.0f}x faster, RMSPE {'no worse' if our_rmspe <= theirs[2] * (1 + 1e-9) else 'WORSE'}")
    placebo_seconds = {}
    for workers in (1, 2):
        started = time.perf_counter()
        run_placebos(design, workers=workers)
        placebo_seconds[workers] = time.perf_counter() - started
        print(f"placebo run, {workers} worker{'s' if workers > 1 else ' '}: {placebo_seconds[workers]:6.2f} s "
              f"for {len(design.units) - 1} fits")
    print(f"speed-up with 2 workers: {placebo_seconds[1] / placebo_seconds[2]:.2f}x")
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        result = estimate_synthetic_control(panel, spec, Inference(), workers=2, cache_dir=cache)
        full = time.perf_counter() - started
        started = time.perf_counter()
        estimate_synthetic_control(panel, spec, Inference(), workers=2, cache_dir=cache)
        again = time.perf_counter() - started
    print(f"whole estimate (fit, {result.placebo.units - 1} placebos, leave-one-out, in-time placebo), 2 workers: "
          f"{full:.2f} s; again from the cache: {again * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
