"""Monte Carlo of the report's effect estimate: its bias, RMSE, size, power and coverage.

`make validate-method` runs it (seeded, so every run prints the same table). A factor-model panel
like the report's: 350 donors and one treated unit, 20 years, the programme starting in year 12
with an effect window of years 12-18 (the programme's 7 years) and two years after it;

    y_it = 100 + d_t + l_i' f_t + e_it,   f_t three random walks (unit steps), l_i ~ N(0, I),
    e_it ~ N(0, s_i^2), the donors' s_i lognormal with median 1 and log-sd 0.5,

and every series taken as an index (its mean over the 11 fit years = 100), as the report does.
The treated unit's loadings are a convex mix of five donors' (inside the donors' hull), and its
noise sets the design:

    (a) exact: s = 0.25, a quarter of the median donor's: its path lies inside the donors' and the
        fit before the start is exact (pre-period RMSPE 0);
    (b) noise level: s = 1, the median donor's;
    (c) near the floor: s = 1.6, which puts its pre-period RMSPE near the old procedure's noise
        floor of 0.5 index points (the bundled case's situation: 0.51);
    (d) noisy: s = 3, noisier than 90 % of the donors.

Each design is run with no effect and with a constant effect of two of the treated unit's own
pre-period noise standard deviations (0.5, 2, 3.2 and 6 index points) in every year from the start.
The table also gives, per design, the share of draws whose fit before the start is exact and the
mean pre-period RMSPE of the treated unit (the new estimator's fit).
Both procedures see the same draws:

    new   - the report's procedure (evalreport.methods): least-penalty weights, the mean gap over
            the effect window, the studentised placebo test (|mean gap| over the cross-validated
            pre-period RMSPE, ranked among the 350 donors as placebos), and its inversion as the
            90 % interval;
    today - the procedure before it: the first NNLS solution, the mean gap over every year from
            the start, the post/pre-period MSPE ratio with pre-period RMSPEs below 0.5 counted as
            0.5, and its inversion.

A test rejects at the report's significance level 0.10 (p <= 0.10). Printed per design and
effect: bias and RMSE of the estimate, the rejection rate (the size without an effect, the power
with one), the coverage of the 90 % interval, each with its Monte Carlo standard error.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import resource
import sys
import time

import numpy as np

from evalreport.methods.synth import (invert_ratio_test, invert_studentised_test, prediction_error, rank_statistic,
                                      studentised)
from evalreport.methods.weights import fit_outcome, solve_simplex

DONORS, YEARS, START = 350, 20, 11  # START: the index of the first programme year (year 12)
WINDOW = range(START, START + 7)  # the effect window: the programme's 7 years
FACTORS = 3
LEVEL = 0.90  # the interval's level: 1 - the report's significance 0.10
FLOOR = 0.5  # today's noise floor (index points)
DESIGNS = {"(a) exact fit": 0.25, "(b) noise level": 1.0, "(c) near the floor": 1.6, "(d) noisier than donors": 3.0}
EFFECT_SDS = 2.0  # the effect, in the treated unit's pre-period noise standard deviations


def draw_panel(rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """Donors (YEARS x DONORS) and one treated series per design, all as indices (fit-year mean = 100)."""
    common = np.cumsum(rng.normal(0, 1, YEARS))
    factors = np.cumsum(rng.normal(0, 1, (YEARS, FACTORS)), axis=0)
    loadings = rng.normal(0, 1, (FACTORS, DONORS))
    noise_sd = np.exp(rng.normal(0, 0.5, DONORS))
    donors = 100 + common[:, None] + factors @ loadings + rng.normal(0, 1, (YEARS, DONORS)) * noise_sd
    mix = rng.dirichlet(np.ones(5))
    chosen = rng.choice(DONORS, 5, replace=False)
    own = 100 + common + factors @ (loadings[:, chosen] @ mix)
    shock = rng.normal(0, 1, YEARS)
    treated = [own + sd * shock for sd in DESIGNS.values()]
    return _index(donors), [_index(t[:, None])[:, 0] for t in treated]


def _index(values: np.ndarray) -> np.ndarray:
    return values / values[:START].mean(axis=0) * 100


def new_procedure(Y: np.ndarray, unit: int, donors: np.ndarray) -> tuple[np.ndarray, float]:
    """(gap over every year, cross-validated pre-period RMSPE) with the report's estimator."""
    fit_rows = np.arange(START)
    w = fit_outcome(Y[np.ix_(fit_rows, donors)], Y[fit_rows, unit])
    gap = Y[:, unit] - Y[:, donors] @ w
    return gap, prediction_error(Y, unit, donors, fit_rows, gap, True, fit_rows)


def today_procedure(Y: np.ndarray, unit: int, donors: np.ndarray) -> np.ndarray:
    """The gap with the first NNLS solution (the old estimator's outcome-only fit)."""
    w = solve_simplex(Y[:START, donors], Y[:START, unit])
    return Y[:, unit] - Y[:, donors] @ w


def replicate(seed: int) -> dict:
    """One draw: the placebo reference once, then each design with and without the effect."""
    rng = np.random.default_rng(seed)
    donors, treated_series = draw_panel(rng)
    window = np.array(WINDOW)
    post = np.arange(START, YEARS)
    new_stats, today_ratios = [], []
    everyone = np.arange(DONORS)
    for j in range(DONORS):
        others = everyone[everyone != j]
        gap, scale = new_procedure(donors, j, others)
        new_stats.append(studentised(float(gap[window].mean()), scale))
        old = today_procedure(donors, j, others)
        today_ratios.append(float(np.mean(old[post] ** 2)) / max(float(np.mean(old[:START] ** 2)), FLOOR ** 2))
    out = {}
    for (design, sd), series in zip(DESIGNS.items(), treated_series):
        Y = np.column_stack([series, donors])
        pool = np.arange(1, DONORS + 1)
        gap, scale = new_procedure(Y, 0, pool)
        old = today_procedure(Y, 0, pool)
        for effect in (0.0, EFFECT_SDS * sd):
            shifted = gap.copy()
            shifted[START:] += effect
            att = float(shifted[window].mean())
            p = rank_statistic(studentised(att, scale), new_stats).p_value
            interval = invert_studentised_test(att, scale, new_stats, LEVEL)
            moved = old.copy()
            moved[START:] += effect
            pre = max(float(np.mean(moved[:START] ** 2)), FLOOR ** 2)
            old_p = rank_statistic(float(np.mean(moved[post] ** 2)) / pre, today_ratios).p_value
            old_interval = invert_ratio_test(moved[post], pre, today_ratios, LEVEL)
            out[(design, "fit")] = float(np.sqrt(np.mean(gap[:START] ** 2)))
            out[(design, effect > 0)] = {
                "new": (att - effect, p <= 1 - LEVEL, _covers(interval, effect)),
                "today": (float(moved[post].mean()) - effect, old_p <= 1 - LEVEL, _covers(old_interval, effect))}
    return out


def _covers(interval, truth: float) -> bool:
    if interval.empty:
        return False
    low = -math.inf if interval.low is None else interval.low
    high = math.inf if interval.high is None else interval.high
    return low <= truth <= high


def summarise(runs: list[dict]) -> list[str]:
    lines = [f"{'design':<26}{'effect':<8}{'procedure':<10}{'bias':>15}{'RMSE':>15}{'reject':>15}{'coverage':>15}"]
    for design, sd in DESIGNS.items():
        fits = np.array([run[(design, "fit")] for run in runs])
        lines.append(f"{design}: treated noise sd {sd:g}; fit before the start exact (RMSPE < 1e-6) in "
                     f"{np.mean(fits < 1e-6):.0%} of draws, mean pre-period RMSPE {fits.mean():.2f}")
        for with_effect in (False, True):
            for procedure in ("new", "today"):
                rows = np.array([run[(design, with_effect)][procedure] for run in runs], dtype=float)
                errors, rejects, covers = rows[:, 0], rows[:, 1], rows[:, 2]
                n = len(errors)
                bias, bias_se = errors.mean(), errors.std(ddof=1) / math.sqrt(n)
                rmse = math.sqrt(float(np.mean(errors ** 2)))
                rmse_se = float(np.std(errors ** 2, ddof=1)) / (2 * rmse * math.sqrt(n)) if rmse > 0 else 0.0
                effect = f"{EFFECT_SDS * sd:g}" if with_effect else "0"
                lines.append(f"{design:<26}{effect:<8}{procedure:<10}"
                             f"{_pm(bias, bias_se):>15}{_pm(rmse, rmse_se):>15}"
                             f"{_pm(rejects.mean(), _proportion_se(rejects)):>15}"
                             f"{_pm(covers.mean(), _proportion_se(covers)):>15}")
    return lines


def validation_figures(runs: list[dict], seed: int) -> dict:
    """The new procedure's figures per design, for the report's appendix to state (its «Metode» reads
    them from src/evalreport/resources/method_validation.json, which `make validate-method` writes)."""
    designs = {}
    for design in DESIGNS:
        null = np.array([run[(design, False)]["new"] for run in runs], dtype=float)
        effect = np.array([run[(design, True)]["new"] for run in runs], dtype=float)
        designs[design] = {"size": float(null[:, 1].mean()), "size_se": _proportion_se(null[:, 1]),
                           "coverage": float(null[:, 2].mean()), "coverage_se": _proportion_se(null[:, 2]),
                           "power": float(effect[:, 1].mean()), "bias": float(null[:, 0].mean()),
                           "rmse": math.sqrt(float(np.mean(null[:, 0] ** 2)))}
    return {"replications": len(runs), "seed": seed, "significance": 0.10, "interval_level": 0.90,
            "donors": DONORS, "years": YEARS, "designs": designs, "procedure": procedure_fingerprint()}


def procedure_fingerprint() -> str:
    """The SHA-256 of the estimator's code (src/evalreport/methods and effect.py): the figures hold for
    this code only, and a test says when they must be made again."""
    import hashlib
    from pathlib import Path

    import evalreport

    package = Path(evalreport.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*(package / "methods").glob("*.py"), package / "effect.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _proportion_se(flags: np.ndarray) -> float:
    p = float(flags.mean())
    return math.sqrt(p * (1 - p) / len(flags))


def _pm(value: float, se: float) -> str:
    return f"{value:.3f} ({se:.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=250)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--write", default=None, help="also write the new procedure's figures to this JSON file "
                                                      "(the report's appendix states them)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    seeds = [args.seed + i for i in range(args.replications)]
    runs = []
    if args.workers > 1:
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            for run in pool.imap(replicate, seeds, chunksize=1):
                runs.append(run)
                if len(runs) % 25 == 0:
                    print(f"  {len(runs)} of {args.replications} replications", file=sys.stderr, flush=True)
    else:
        runs = [replicate(s) for s in seeds]
    cpu = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    print(f"Monte Carlo of the effect estimate: {args.replications} replications, {DONORS} donors, {YEARS} years, "
          f"start in year {START + 1}, effect window years {WINDOW.start + 1}-{WINDOW.stop}, seed {args.seed}")
    print("reject: share of p <= 0.10 (the size without an effect, the power with one); coverage: of the 90 % "
          "interval; Monte Carlo standard errors in brackets")
    print("\n".join(summarise(runs)))
    print(f"{time.perf_counter() - started:.0f} s on {args.workers} process(es), {cpu:.0f} s of processor time "
          f"(on {args.workers} free cores about {cpu / args.workers / 60:.1f} minutes)")
    if args.write:
        import json
        from pathlib import Path

        Path(args.write).write_text(json.dumps(validation_figures(runs, args.seed), indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
