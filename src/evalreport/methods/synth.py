"""Synthetic control (Abadie, Diamond & Hainmueller 2010) on a panel, with its inference.

The estimate is the mean gap (treated minus synthetic) over the effect window (by default every
year from the start; the report passes the programme's years); later years are reported as their
own window, never mixed into it. Every fit's weights are identified by the tie-break of
`weights.break_ties` (the limit of Abadie & L'Hour's penalised synthetic control), and a number is
flagged as not identified when another equally good, equally penalised fit would change it.

The test is a placebo-in-space rank test (every donor in turn as if treated, fitted on the other
donors, never on the treated unit) on a studentised statistic: the size of the mean gap over the
effect window divided by the unit's cross-validated pre-period prediction error (each fit year
predicted by weights fitted without it). The classic post/pre-period MSPE ratio divides by the
in-sample pre-period fit, which is zero for every unit the donors interpolate (most of them with
hundreds of donors and a dozen years); the cross-validated error is not, and it scales each unit's
gap by how well the method predicts that unit, so a noisy unit is not taken for an effect.
`dev/validate_method.py` shows the test's size, power and coverage in a Monte Carlo. The 90 %
set for a constant effect inverts the test (Firpo & Possebom 2018, Journal of Causal Inference
6(2)): a constant effect a changes only the treated unit's statistic, |att - a| / s, so the set is
att -/+ c s, c the placebo statistic at the rank where the test starts to reject. The ratio test
with a floor under the pre-period fit (the report's earlier procedure) remains as a declared
option (`Inference.noise_floor`), off by default.

Around it: leave-one-out over the donors with weight; an in-time placebo (a fake start in the
pre-period), summarised by its largest absolute gap and its RMSPE; and yearly gaps with a band
from the placebo gaps of well-predicted donors.

The placebo fits run in worker processes or on any `concurrent.futures.Executor`; a finished
result can be cached under a key made of the data and the specification.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
import math
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from evalreport.methods.panel import (Panel, Predictor, Specification, check_specification, compute_predictors,
                                      index_outcome)
from evalreport.methods.result import EffectResult, Interval, PlaceboTest, RankTest
from evalreport.methods.weights import V_FLOOR, fit_outcome, fit_weights

log = logging.getLogger(__name__)

METHOD = "synthetic_control"
VERSION = 2  # part of the cache key: raise it when a change alters results


@dataclass(frozen=True)
class Inference:
    """The declared choices behind the inference (each changes reported numbers).

    exclusion_multiples: placebos whose cross-validated pre-period MSPE exceeds these multiples of
        the treated unit's are left out in repeated tests (Abadie et al. 2010 used 20, 5 and 2).
    band_multiple: only placebos predicted within this multiple draw the yearly band.
    band_level: the central share of those placebo gaps the band covers.
    interval_level: the confidence level of the constant-effect interval.
    placebo_start: the fake start of the in-time placebo (default: the middle pre-period year).
    v_floor: the least share of an equal weight each predictor keeps in V (default 0: any V; see
        fit_weights).
    noise_floor: None (default) for the studentised test; a number switches to the classic
        post/pre-period MSPE ratio with pre-period RMSPEs below this counted as this (the report's
        procedure until 2026, kept for comparison; `dev/validate_method.py` shows its size).
    """

    exclusion_multiples: tuple[float, ...] = (2.0, 5.0, 20.0)
    band_multiple: float = 5.0
    band_level: float = 0.90
    interval_level: float = 0.90
    placebo_start: int | None = None
    v_floor: float = V_FLOOR
    noise_floor: float | None = None
    placebos: bool = True
    leave_one_out: bool = True
    in_time: bool = True


@dataclass(frozen=True)
class Design:
    """The arrays a fit needs: predictors x units, outcome times x units, and where things are."""

    units: tuple[str, ...]  # treated first, then donors
    times: tuple[int, ...]
    X: np.ndarray
    Y: np.ndarray
    fit_rows: np.ndarray
    pre_rows: np.ndarray
    post_rows: np.ndarray  # the effect window: the years the estimate and the test are about
    after_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))  # later years: their own window
    index_rows: np.ndarray | None = None  # the index's base years, when the outcome is an index

    @property
    def outcome_only(self) -> bool:
        """The predictors are the outcome in each fit year (so the fit is the outcome's own)."""
        return self.X.shape == (len(self.fit_rows), self.Y.shape[1]) and np.array_equal(self.X, self.Y[self.fit_rows])


def build_design(panel: Panel, spec: Specification) -> Design:
    donors, fit_years = check_specification(panel, spec)
    if spec.index_years is not None:
        panel = index_outcome(panel, spec.outcome, tuple(spec.index_years))
    units = (spec.treated, *donors)
    times = panel.times
    predictors = spec.predictors or (Predictor(f"{spec.outcome}:mean before {spec.start}", spec.outcome,
                                               tuple(t for t in times if t < spec.start)),)
    X = compute_predictors(panel, predictors, list(units))
    Y = panel.column(spec.outcome, list(units))
    index = {t: i for i, t in enumerate(times)}
    window = set(effect_years(panel, spec))
    return Design(units, times, X, Y, np.array([index[t] for t in fit_years]),
                  np.array([i for i, t in enumerate(times) if t < spec.start]),
                  np.array([i for i, t in enumerate(times) if t in window]),
                  np.array([i for i, t in enumerate(times) if t >= spec.start and t not in window], dtype=int),
                  None if spec.index_years is None else np.array([index[t] for t in spec.index_years]))


def effect_years(panel: Panel, spec: Specification) -> tuple[int, ...]:
    """The effect window: `spec.effect_years`, or every year of the panel from the start."""
    if spec.effect_years is not None:
        return tuple(spec.effect_years)
    return tuple(t for t in panel.times if t >= spec.start)


def fit_unit(X: np.ndarray, Y: np.ndarray, treated: int, donors: np.ndarray, fit_rows: np.ndarray,
             v_floor: float = V_FLOOR):
    """Fit one unit on the given donors; return (fit, gap over every time)."""
    fit = fit_weights(X[:, donors], X[:, treated], Y[np.ix_(fit_rows, donors)], Y[fit_rows, treated], v_floor=v_floor)
    gap = Y[:, treated] - Y[:, donors] @ fit.weights
    return fit, gap


CV_BLOCK = 2  # consecutive fit years left out together in the cross-validation


def prediction_error(Y: np.ndarray, treated: int, donors: np.ndarray, fit_rows: np.ndarray, gap: np.ndarray,
                     outcome_only: bool, index_rows: np.ndarray | None = None) -> float:
    """The unit's cross-validated pre-period RMSPE: the fit years in blocks of CV_BLOCK consecutive
    years, each block predicted by the weights fitted on the other fit years (for an index, on the
    index re-based on the base years kept, so that the left-out years are not tied to the others by
    the base). With predictors other than the outcome's own years the weights come from the
    predictors, not from any one year's outcome, and the in-sample RMSPE over the fit years is
    returned."""
    if not outcome_only or len(fit_rows) <= CV_BLOCK:
        return math.sqrt(float(np.mean(gap[fit_rows] ** 2)))
    units = np.concatenate([[treated], donors])
    errors = []
    for first in range(0, len(fit_rows), CV_BLOCK):
        held = fit_rows[first:first + CV_BLOCK]
        kept = np.setdiff1d(fit_rows, held)
        block = Y[:, units]
        if index_rows is not None:
            base_rows = np.setdiff1d(index_rows, held)
            block = block / block[base_rows].mean(axis=0) * 100
        w = fit_outcome(block[kept, 1:], block[kept, 0])
        errors.extend(block[held, 0] - block[held, 1:] @ w)
    return math.sqrt(float(np.mean(np.square(errors))))


def _fit_placebos(X: np.ndarray, Y: np.ndarray, fit_rows: np.ndarray, indices: list[int],
                  v_floor: float, outcome_only: bool = False, index_rows: np.ndarray | None = None
                  ) -> list[tuple[np.ndarray, float]]:
    """(gap, cross-validated pre-period RMSPE) of each unit in `indices` fitted on every other
    donor (never the treated unit, 0)."""
    pool = np.arange(1, X.shape[1])
    out = []
    for j in indices:
        donors = pool[pool != j]
        _, gap = fit_unit(X, Y, j, donors, fit_rows, v_floor)
        out.append((gap, prediction_error(Y, j, donors, fit_rows, gap, outcome_only, index_rows)))
    return out


MIN_PARALLEL_SECONDS = 2.0  # below this much work, starting worker processes costs more than it saves


def run_placebos(design: Design, workers: int = 1, executor: concurrent.futures.Executor | None = None,
                 v_floor: float = V_FLOOR, min_parallel_seconds: float = MIN_PARALLEL_SECONDS
                 ) -> dict[str, tuple[np.ndarray, float]]:
    """Gap over time and cross-validated pre-period RMSPE of every donor fitted as if treated, on
    the other donors.

    With `executor` (any concurrent.futures.Executor, e.g. a Dask client's) the fits go to it;
    else with workers > 1 to that many processes, if the work (timed on the first fit) is worth
    it; else they run here.
    """
    indices = list(range(1, len(design.units)))
    if not indices:
        return {}
    args = (design.X, design.Y, design.fit_rows)
    only = (design.outcome_only, design.index_rows)
    own = None
    first = None
    if executor is None and workers > 1 and min_parallel_seconds > 0:
        started = time.perf_counter()
        first = _fit_placebos(*args, indices[:1], v_floor, *only)
        if (time.perf_counter() - started) * len(indices) < min_parallel_seconds:
            workers = 1
    if executor is None and workers > 1:
        own = executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers)
    try:
        if executor is None:
            rest = indices[1:] if first is not None else indices
            fits = (first or []) + _fit_placebos(*args, rest, v_floor, *only)
        else:
            parts = max(1, min(len(indices), 4 * max(workers, 2)))
            chunks = [indices[i::parts] for i in range(parts)]
            futures = [executor.submit(_fit_placebos, *args, chunk, v_floor, *only) for chunk in chunks]
            by_index = {}
            for chunk, future in zip(chunks, futures):
                by_index.update(zip(chunk, future.result()))
            fits = [by_index[j] for j in indices]
    finally:
        if own is not None:
            own.shutdown()
    return {design.units[j]: fit for j, fit in zip(indices, fits)}


def rank_statistic(treated: float, placebos: list[float]) -> RankTest:
    """Rank of the treated unit's statistic among all units, largest first; ties count against
    the treated unit (rank = units at least as large, itself included). p = rank / units."""
    rank = 1 + sum(1 for p in placebos if p >= treated)
    units = len(placebos) + 1
    return RankTest(rank, units, rank / units)


def studentised(att: float, scale: float) -> float:
    """|att| / scale: the size of the mean gap in units of the unit's own prediction error."""
    if scale > 0:
        return abs(att) / scale
    return math.inf if att != 0 else 0.0


def _critical_rank(n: int, level: float) -> int:
    """m: the fewest placebos that must be at least as large for p = (1 + m) / n > 1 - level."""
    alpha = 1 - level
    return math.floor(round(alpha * n, 9) - 1) + 1  # rounded: 1 - 0.9 is 0.0999..., not 0.1


def invert_studentised_test(att: float, scale: float, placebo_statistics: list[float], level: float) -> Interval:
    """The constant effects a the studentised placebo test does not reject at 1 - level.

    Subtracting a from the treated unit's outcome in the effect window changes only its own
    statistic |att - a| / scale (its weights and prediction error come from the years before, and
    the placebos never use it as a donor); a is kept while (1 + #placebos >= it) / n > 1 - level,
    so the set is att -/+ c * scale, c the m-th largest placebo statistic.
    """
    n = len(placebo_statistics) + 1
    m = _critical_rank(n, level)
    method = "studentised placebo test inverted under a constant effect (Firpo & Possebom 2018)"
    if m <= 0 or m > len(placebo_statistics):
        return Interval(level, None, None, method)
    c = sorted(placebo_statistics, reverse=True)[m - 1]
    if not math.isfinite(c) or not math.isfinite(scale):
        return Interval(level, None, None, method)
    return Interval(level, att - c * scale, att + c * scale, method)


def invert_ratio_test(gap_post: np.ndarray, pre_mspe: float, placebo_ratios: list[float],
                      level: float) -> Interval:
    """The constant effects a the post/pre-period MSPE ratio test does not reject at 1 - level.

    Subtracting a from the treated unit's post-period outcome changes only its own ratio (the
    placebos never use it as a donor), mean((g - a)^2) / pre_mspe; a is kept while its p-value
    exceeds 1 - level. That set is |a - mean(g)| <= sqrt(c * pre_mspe - var(g)), c the m-th
    largest placebo ratio, m the fewest placebos that must rank above for p > 1 - level.
    """
    n = len(placebo_ratios) + 1
    m = _critical_rank(n, level)
    method = "placebo test inversion under a constant effect (Firpo & Possebom 2018)"
    if m <= 0:
        return Interval(level, None, None, method)
    ordered = sorted(placebo_ratios, reverse=True)
    if m > len(ordered):
        return Interval(level, None, None, method, empty=True)
    room = ordered[m - 1] * pre_mspe - float(np.var(gap_post))
    if not math.isfinite(room):
        return Interval(level, None, None, method)
    if room < 0:
        return Interval(level, None, None, method, empty=True)
    centre = float(np.mean(gap_post))
    return Interval(level, centre - math.sqrt(room), centre + math.sqrt(room), method)


def _att_range(fit, Y: np.ndarray, treated: int, donors: np.ndarray, rows: np.ndarray) -> tuple[float, float]:
    """The smallest and largest mean gap over `rows` among the equally good, equally penalised fits."""
    q = Y[np.ix_(rows, donors)].mean(axis=0)
    low, high = fit.value_range(q)
    own = float(Y[rows, treated].mean())
    return own - high, own - low


def is_identified(low: float, high: float, tolerance: float = 1e-6) -> bool:
    """A number is identified when every equally good fit gives it (to rounding)."""
    return high - low <= tolerance * max(1.0, abs(low), abs(high))


def estimate_synthetic_control(panel: Panel, spec: Specification, inference: Inference = Inference(),
                               workers: int = 1, executor: concurrent.futures.Executor | None = None,
                               cache_dir: str | Path | None = None) -> EffectResult:
    """Synthetic-control estimate of the effect on `spec.treated` over the effect window, with inference.

    `att` is the mean gap (treated minus synthetic) over the effect window (`spec.effect_years`,
    by default every year from the start); the years after it are reported in `windows["after"]`.
    With `cache_dir`, a result for the same data, specification and choices is read back.
    """
    started = time.perf_counter()
    design = build_design(panel, spec)
    key = cache_key(design, spec, inference)
    cached = _read_cache(cache_dir, key)
    if cached is not None:
        log.info("synthetic control for %s: read from the cache (%s)", spec.treated, key[:12])
        return cached
    donors = np.arange(1, len(design.units))
    fit, gap = fit_unit(design.X, design.Y, 0, donors, design.fit_rows, inference.v_floor)
    pre_mspe = float(np.mean(gap[design.pre_rows] ** 2))
    post_gap = gap[design.post_rows]
    low, high = _att_range(fit, design.Y, 0, donors, design.post_rows)
    identified = is_identified(low, high)
    names = [p.name for p in spec.predictors] or [f"{spec.outcome}:mean before {spec.start}"]
    synthetic_x = design.X[:, 1:] @ fit.weights
    predictors = {name: {"treated": float(design.X[i, 0]), "synthetic": float(synthetic_x[i]),
                         "donor_mean": float(design.X[i, 1:].mean())} for i, name in enumerate(names)}
    notes = []
    if fit.exact_match:
        notes.append("The donors match every predictor exactly, so any V gives these weights; among the exact "
                     "matches the weights fit the outcome best over the fit years.")
    if not identified:
        notes.append(f"Not identified: other weights that fit as well with as little penalty give mean gaps from "
                     f"{low:.4g} to {high:.4g}.")
    v_weights = None if fit.v is None or fit.exact_match else {n: float(v) for n, v in zip(names, fit.v)}
    years = [design.times[i] for i in design.post_rows]
    windows = {"effect": _window(gap, design.post_rows, design.times)}
    if len(design.after_rows):
        windows["after"] = _window(gap, design.after_rows, design.times)
    scale = prediction_error(design.Y, 0, donors, design.fit_rows, gap, design.outcome_only, design.index_rows)
    placebo = interval = None
    event_study: dict = {}
    if inference.placebos and len(design.units) > 2:
        placebo_fits = run_placebos(design, workers=workers, executor=executor, v_floor=inference.v_floor)
        placebo, interval, event_study = _summarise_placebos(design, gap, scale, placebo_fits, inference)
    sensitivity = {}
    if inference.leave_one_out:
        sensitivity["leave_one_out"] = _leave_one_out(design, fit.weights, inference.v_floor)
    if inference.in_time:
        sensitivity["in_time_placebo"] = _in_time_placebo(panel, spec, design, inference)
    result = EffectResult(
        method=METHOD, treated=spec.treated, start=spec.start, outcome=spec.outcome, scale="level",
        att=float(post_gap.mean()), gap={t: float(g) for t, g in zip(design.times, gap)},
        pre_rmspe=math.sqrt(pre_mspe), fit_rmspe=math.sqrt(float(np.mean(gap[design.fit_rows] ** 2))),
        weights={u: float(w) for u, w in zip(design.units[1:], fit.weights)},
        v_weights=v_weights, predictors=predictors, placebo=placebo, interval=interval,
        event_study=event_study, sensitivity=sensitivity, notes=tuple(notes),
        seconds=time.perf_counter() - started, effect_years=tuple(years), windows=windows,
        identified=identified, att_range=(low, high), prediction_rmspe=scale)
    _write_cache(cache_dir, key, result)
    return result


def _window(gap: np.ndarray, rows: np.ndarray, times: tuple[int, ...]) -> dict:
    return {"first": int(times[rows[0]]), "last": int(times[rows[-1]]), "years": len(rows),
            "mean_gap": float(gap[rows].mean())}


def _summarise_placebos(design: Design, gap: np.ndarray, scale: float,
                        placebo_fits: dict[str, tuple[np.ndarray, float]], inference: Inference):
    pre, post = design.pre_rows, design.post_rows
    treated = design.units[0]
    gaps = {treated: gap, **{u: g for u, (g, _) in placebo_fits.items()}}
    scales = {treated: scale, **{u: s for u, (_, s) in placebo_fits.items()}}
    pre_mspes = {u: float(np.mean(g[pre] ** 2)) for u, g in gaps.items()}
    others = list(placebo_fits)
    att = float(gap[post].mean())
    if inference.noise_floor is None:
        statistic = "studentised_att"
        values = {u: studentised(float(g[post].mean()), scales[u]) for u, g in gaps.items()}
        interval = invert_studentised_test(att, scale, [values[u] for u in others], inference.interval_level)
        fit_of = {u: s ** 2 for u, s in scales.items()}
    else:
        statistic = "ratio"
        floor = inference.noise_floor ** 2
        fit_of = {u: max(m, floor) for u, m in pre_mspes.items()}
        values = {u: (float(np.mean(g[post] ** 2)) / fit_of[u] if fit_of[u] > 0 else math.inf) for u, g in gaps.items()}
        interval = invert_ratio_test(gap[post], fit_of[treated], [values[u] for u in others], inference.interval_level)
    test = rank_statistic(values[treated], [values[u] for u in others])
    excluded = {}
    for multiple in inference.exclusion_multiples:
        kept = [u for u in others if fit_of[u] <= multiple * fit_of[treated]]
        sub = rank_statistic(values[treated], [values[u] for u in kept])
        excluded[f"{multiple:g}x"] = {"rank": sub.rank, "units": sub.units, "p_value": sub.p_value,
                                      "threshold_mspe": multiple * fit_of[treated],
                                      "left_out": [u for u in others if u not in kept]}
    placebo = PlaceboTest(test.rank, test.units, test.p_value, statistic, values, pre_mspes, excluded,
                          {u: {int(t): float(v) for t, v in zip(design.times, placebo_fits[u][0])} for u in others},
                          scale=scales)
    well_fitted = [placebo_fits[u][0] for u in others if fit_of[u] <= inference.band_multiple * fit_of[treated]]
    tail = (1 - inference.band_level) / 2
    event_study = {}
    for i, t in enumerate(design.times):
        column = np.array([g[i] for g in well_fitted])
        event_study[t] = {"gap": float(gap[i]),
                          "low": float(np.quantile(column, tail)) if column.size else None,
                          "high": float(np.quantile(column, 1 - tail)) if column.size else None,
                          "placebos": int(column.size)}
    return placebo, interval, event_study


def _leave_one_out(design: Design, weights: np.ndarray, v_floor: float) -> dict[str, dict]:
    """Refit without each donor that has weight: how much the estimate leans on one unit."""
    out = {}
    donors = np.arange(1, len(design.units))
    if len(donors) < 3:
        return out
    for j in donors[weights > 0]:
        kept_donors = donors[donors != j]
        fit, gap = fit_unit(design.X, design.Y, 0, kept_donors, design.fit_rows, v_floor)
        low, high = _att_range(fit, design.Y, 0, kept_donors, design.post_rows)
        kept = [u for u in design.units[1:] if u != design.units[j]]
        out[design.units[j]] = {
            "att": float(gap[design.post_rows].mean()), "identified": is_identified(low, high),
            "att_range": [low, high],
            "pre_rmspe": math.sqrt(float(np.mean(gap[design.pre_rows] ** 2))),
            "weights": {u: float(w) for u, w in zip(kept, fit.weights) if w > 0}}
    return out


def summarise_leave_one_out(leave_one_out: dict[str, dict], att: float) -> dict | None:
    """The range of the leave-one-out estimates (identified ones) and the donor whose removal moves
    the estimate most."""
    rows = {u: r for u, r in leave_one_out.items() if r.get("identified", True)}
    if not rows:
        return None
    most = max(rows, key=lambda u: abs(rows[u]["att"] - att))
    return {"low": min(r["att"] for r in rows.values()), "high": max(r["att"] for r in rows.values()),
            "most_influential": most, "att_without_it": rows[most]["att"],
            "not_identified": sorted(u for u in leave_one_out if u not in rows)}


def summarise_in_time(gap: dict[int, float], fake: int, start: int) -> dict:
    """An in-time placebo's gaps between the fake and the real start: the largest in size (with
    its year and sign) and their RMSPE; a mean would let +5 and -9 cancel."""
    years = [t for t in sorted(gap) if fake <= t < start]
    values = np.array([gap[t] for t in years])
    k = int(np.argmax(np.abs(values)))
    return {"first": years[0], "last": years[-1], "max_abs_gap": float(values[k]), "max_abs_year": int(years[k]),
            "rmspe": math.sqrt(float(np.mean(values ** 2))), "mean_gap": float(values.mean())}


def _in_time_placebo(panel: Panel, spec: Specification, design: Design, inference: Inference) -> dict | None:
    """Pretend the programme started earlier and fit only on the years before that fake start; a
    large 'effect' between the fake and the real start would mean the method finds effects where
    there are none."""
    pre_years = [t for t in design.times if t < spec.start]
    fake = inference.placebo_start if inference.placebo_start is not None else pre_years[len(pre_years) // 2]
    before = [t for t in pre_years if t < fake]
    if fake >= spec.start or len(before) < 2:
        return None
    predictors = []
    for p in spec.predictors:
        years = tuple(t for t in p.years if t < fake)
        if years:
            predictors.append(Predictor(p.name, p.column, years))
    fit_years = tuple(t for t in (spec.fit_years or pre_years) if t < fake) or tuple(before)
    index_years = None
    if spec.index_years is not None:  # the fake programme's index is based on years before it
        index_years = tuple(t for t in spec.index_years if t < fake) or tuple(before)
    fake_spec = replace(spec, start=fake, predictors=tuple(predictors), fit_years=fit_years,
                        donors=tuple(design.units[1:]), effect_years=tuple(t for t in pre_years if t >= fake),
                        index_years=index_years)
    fake_design = build_design(panel, fake_spec)
    donors = np.arange(1, len(fake_design.units))
    fit, gap = fit_unit(fake_design.X, fake_design.Y, 0, donors, fake_design.fit_rows, inference.v_floor)
    low, high = _att_range(fit, fake_design.Y, 0, donors, fake_design.post_rows)
    gaps = {t: float(g) for t, g in zip(design.times, gap) if t < spec.start}
    return {"start": fake, **summarise_in_time(gaps, fake, spec.start), "identified": is_identified(low, high),
            "pre_rmspe": math.sqrt(float(np.mean(gap[fake_design.pre_rows] ** 2))),
            "predictors": [p.name for p in predictors] or [f"{spec.outcome}:mean before {fake}"],
            "gap": {str(t): g for t, g in gaps.items()}}


def cache_key(design: Design, spec: Specification, inference: Inference) -> str:
    """A hash of everything the result depends on: the arrays used, the specification, the choices."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"method": METHOD, "version": VERSION, "units": design.units, "times": design.times,
                              "spec": _jsonable(spec), "inference": _jsonable(inference)},
                             sort_keys=True, default=str).encode())
    for array in (design.X, design.Y, design.fit_rows, design.pre_rows, design.post_rows):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _jsonable(obj) -> dict:
    return asdict(obj)


def _read_cache(cache_dir, key: str) -> EffectResult | None:
    if cache_dir is None:
        return None
    path = Path(cache_dir) / f"{key}.json"
    if not path.is_file():
        return None
    try:
        return EffectResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        log.warning("%s: unreadable cache entry, fitting again", path)
        return None


def _write_cache(cache_dir, key: str, result: EffectResult) -> None:
    if cache_dir is None:
        return
    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{key}.tmp"
    temporary.write_text(result.to_json(), encoding="utf-8")
    temporary.replace(folder / f"{key}.json")
