"""Synthetic control (Abadie, Diamond & Hainmueller 2010) on a panel, with its inference:
placebos in space (every donor as if treated), their post/pre-period MSPE ratios and the rank of
the treated unit, with and without poorly fitted placebos; a confidence set for a constant
effect by inverting that test (Firpo & Possebom 2018, Journal of Causal Inference 6(2));
leave-one-out over the donors with weight; an in-time placebo; and yearly gaps with a band from
the placebo gaps of well-fitted donors.

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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from evalreport.methods.panel import Panel, Predictor, Specification, check_specification, compute_predictors
from evalreport.methods.result import EffectResult, Interval, PlaceboTest, RankTest
from evalreport.methods.weights import V_FLOOR, fit_weights

log = logging.getLogger(__name__)

METHOD = "synthetic_control"
VERSION = 1  # part of the cache key: raise it when a change alters results


@dataclass(frozen=True)
class Inference:
    """The declared choices behind the inference (each changes reported numbers).

    exclusion_multiples: placebos whose pre-period MSPE exceeds these multiples of the treated
        unit's are left out in repeated tests (Abadie et al. 2010 used 20, 5 and 2).
    band_multiple: only placebos fitting within this multiple draw the yearly band.
    band_level: the central share of those placebo gaps the band covers.
    interval_level: the confidence level of the constant-effect interval.
    placebo_start: the fake start of the in-time placebo (default: the middle pre-period year).
    v_floor: the least share of an equal weight each predictor keeps in V (see fit_weights).
    noise_floor: a pre-period fit closer than the data's own precision says no more than that
        precision: with hundreds of donors and a few pre-period years many units are matched exactly,
        and their post/pre ratios would be infinite; below this RMSPE a fit counts as this RMSPE.
    """

    exclusion_multiples: tuple[float, ...] = (2.0, 5.0, 20.0)
    band_multiple: float = 5.0
    band_level: float = 0.90
    interval_level: float = 0.90
    placebo_start: int | None = None
    v_floor: float = V_FLOOR
    noise_floor: float = 0.0  # pre-period RMSPEs below this count as this (in outcome units; see _summarise_placebos)
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
    post_rows: np.ndarray


def build_design(panel: Panel, spec: Specification) -> Design:
    donors, fit_years = check_specification(panel, spec)
    units = (spec.treated, *donors)
    times = panel.times
    predictors = spec.predictors or (Predictor(f"{spec.outcome}:mean before {spec.start}", spec.outcome,
                                               tuple(t for t in times if t < spec.start)),)
    X = compute_predictors(panel, predictors, list(units))
    Y = panel.column(spec.outcome, list(units))
    index = {t: i for i, t in enumerate(times)}
    return Design(units, times, X, Y, np.array([index[t] for t in fit_years]),
                  np.array([i for i, t in enumerate(times) if t < spec.start]),
                  np.array([i for i, t in enumerate(times) if t >= spec.start]))


def fit_unit(X: np.ndarray, Y: np.ndarray, treated: int, donors: np.ndarray, fit_rows: np.ndarray,
             v_floor: float = V_FLOOR):
    """Fit one unit on the given donors; return (fit, gap over every time)."""
    fit = fit_weights(X[:, donors], X[:, treated], Y[np.ix_(fit_rows, donors)], Y[fit_rows, treated], v_floor=v_floor)
    gap = Y[:, treated] - Y[:, donors] @ fit.weights
    return fit, gap


def _fit_placebos(X: np.ndarray, Y: np.ndarray, fit_rows: np.ndarray, indices: list[int],
                  v_floor: float) -> list[np.ndarray]:
    """Gaps of each unit in `indices` fitted on every other donor (never the treated unit, 0)."""
    pool = np.arange(1, X.shape[1])
    return [fit_unit(X, Y, j, pool[pool != j], fit_rows, v_floor)[1] for j in indices]


MIN_PARALLEL_SECONDS = 2.0  # below this much work, starting worker processes costs more than it saves


def run_placebos(design: Design, workers: int = 1, executor: concurrent.futures.Executor | None = None,
                 v_floor: float = V_FLOOR, min_parallel_seconds: float = MIN_PARALLEL_SECONDS) -> dict[str, np.ndarray]:
    """Gap over time of every donor fitted as if treated, on the other donors.

    With `executor` (any concurrent.futures.Executor, e.g. a Dask client's) the fits go to it;
    else with workers > 1 to that many processes, if the work (timed on the first fit) is worth
    it; else they run here.
    """
    indices = list(range(1, len(design.units)))
    if not indices:
        return {}
    own = None
    first = None
    if executor is None and workers > 1 and min_parallel_seconds > 0:
        started = time.perf_counter()
        first = _fit_placebos(design.X, design.Y, design.fit_rows, indices[:1], v_floor)
        if (time.perf_counter() - started) * len(indices) < min_parallel_seconds:
            workers = 1
    if executor is None and workers > 1:
        own = executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers)
    try:
        if executor is None:
            rest = indices[1:] if first is not None else indices
            gaps = (first or []) + _fit_placebos(design.X, design.Y, design.fit_rows, rest, v_floor)
        else:
            parts = max(1, min(len(indices), 4 * max(workers, 2)))
            chunks = [indices[i::parts] for i in range(parts)]
            futures = [executor.submit(_fit_placebos, design.X, design.Y, design.fit_rows, chunk, v_floor)
                       for chunk in chunks]
            by_index = {}
            for chunk, future in zip(chunks, futures):
                by_index.update(zip(chunk, future.result()))
            gaps = [by_index[j] for j in indices]
    finally:
        if own is not None:
            own.shutdown()
    return {design.units[j]: gap for j, gap in zip(indices, gaps)}


def rank_statistic(treated: float, placebos: list[float]) -> RankTest:
    """Rank of the treated unit's statistic among all units, largest first; ties count against
    the treated unit (rank = units at least as large, itself included). p = rank / units."""
    rank = 1 + sum(1 for p in placebos if p >= treated)
    units = len(placebos) + 1
    return RankTest(rank, units, rank / units)


def invert_ratio_test(gap_post: np.ndarray, pre_mspe: float, placebo_ratios: list[float],
                      level: float) -> Interval:
    """The constant effects a the placebo test does not reject at 1 - level.

    Subtracting a from the treated unit's post-period outcome changes only its own ratio (the
    placebos never use it as a donor), mean((g - a)^2) / pre_mspe; a is kept while its p-value
    exceeds 1 - level. That set is |a - mean(g)| <= sqrt(c * pre_mspe - var(g)), c the m-th
    largest placebo ratio, m the fewest placebos that must rank above for p > 1 - level.
    """
    alpha = 1 - level
    n = len(placebo_ratios) + 1
    m = math.floor(round(alpha * n, 9) - 1) + 1  # rounded: 1 - 0.9 is 0.0999..., not 0.1
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


def estimate_synthetic_control(panel: Panel, spec: Specification, inference: Inference = Inference(),
                               workers: int = 1, executor: concurrent.futures.Executor | None = None,
                               cache_dir: str | Path | None = None) -> EffectResult:
    """Synthetic-control estimate of the effect on `spec.treated` from `spec.start`, with inference.

    `att` is the mean gap (treated minus synthetic) over the years from the start on. With
    `cache_dir`, a result for the same data, specification and choices is read back, not refitted.
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
    names = [p.name for p in spec.predictors] or [f"{spec.outcome}:mean before {spec.start}"]
    synthetic_x = design.X[:, 1:] @ fit.weights
    predictors = {name: {"treated": float(design.X[i, 0]), "synthetic": float(synthetic_x[i]),
                         "donor_mean": float(design.X[i, 1:].mean())} for i, name in enumerate(names)}
    notes = []
    if fit.exact_match:
        notes.append("The donors match every predictor exactly, so any V gives these weights; among the exact "
                     "matches the weights fit the outcome best over the fit years.")
    v_weights = None if fit.v is None or fit.exact_match else {n: float(v) for n, v in zip(names, fit.v)}
    placebo = interval = None
    event_study: dict = {}
    if inference.placebos and len(design.units) > 2:
        placebo_gaps = run_placebos(design, workers=workers, executor=executor, v_floor=inference.v_floor)
        placebo, interval, event_study = _summarise_placebos(design, gap, pre_mspe, placebo_gaps, inference)
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
        seconds=time.perf_counter() - started)
    _write_cache(cache_dir, key, result)
    return result


def _summarise_placebos(design: Design, gap: np.ndarray, pre_mspe: float, placebo_gaps: dict[str, np.ndarray],
                        inference: Inference):
    pre, post = design.pre_rows, design.post_rows

    floor = inference.noise_floor ** 2

    def ratio(g: np.ndarray) -> float:
        before = max(float(np.mean(g[pre] ** 2)), floor)
        after = float(np.mean(g[post] ** 2))
        return after / before if before > 0 else math.inf

    treated = design.units[0]
    ratios = {treated: ratio(gap), **{u: ratio(g) for u, g in placebo_gaps.items()}}
    pre_mspe = max(pre_mspe, floor)
    pre_mspes = {treated: pre_mspe, **{u: max(float(np.mean(g[pre] ** 2)), floor) for u, g in placebo_gaps.items()}}
    test = rank_statistic(ratios[treated], [ratios[u] for u in placebo_gaps])
    excluded = {}
    for multiple in inference.exclusion_multiples:
        kept = [u for u in placebo_gaps if pre_mspes[u] <= multiple * pre_mspe]
        left_out = [u for u in placebo_gaps if u not in kept]
        sub = rank_statistic(ratios[treated], [ratios[u] for u in kept])
        excluded[f"{multiple:g}x"] = {"rank": sub.rank, "units": sub.units, "p_value": sub.p_value,
                                      "threshold_mspe": multiple * pre_mspe, "left_out": left_out}
    gaps = {u: {int(t): float(v) for t, v in zip(design.times, g)} for u, g in placebo_gaps.items()}
    placebo = PlaceboTest(test.rank, test.units, test.p_value, "ratio", ratios, pre_mspes, excluded, gaps)
    interval = invert_ratio_test(gap[post], pre_mspe, [ratios[u] for u in placebo_gaps], inference.interval_level)
    well_fitted = [g for u, g in placebo_gaps.items() if pre_mspes[u] <= inference.band_multiple * pre_mspe]
    tail = (1 - inference.band_level) / 2
    event_study = {}
    for i, t in enumerate(design.times):
        values = np.array([g[i] for g in well_fitted])
        event_study[t] = {"gap": float(gap[i]),
                          "low": float(np.quantile(values, tail)) if values.size else None,
                          "high": float(np.quantile(values, 1 - tail)) if values.size else None,
                          "placebos": int(values.size)}
    return placebo, interval, event_study


def _leave_one_out(design: Design, weights: np.ndarray, v_floor: float) -> dict[str, dict]:
    """Refit without each donor that has weight: how much the estimate leans on one unit."""
    out = {}
    donors = np.arange(1, len(design.units))
    if len(donors) < 3:
        return out
    for j in donors[weights > 0]:
        fit, gap = fit_unit(design.X, design.Y, 0, donors[donors != j], design.fit_rows, v_floor)
        kept = [u for u in design.units[1:] if u != design.units[j]]
        out[design.units[j]] = {
            "att": float(gap[design.post_rows].mean()),
            "pre_rmspe": math.sqrt(float(np.mean(gap[design.pre_rows] ** 2))),
            "weights": {u: float(w) for u, w in zip(kept, fit.weights) if w > 0}}
    return out


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
    fake_spec = replace(spec, start=fake, predictors=tuple(predictors), fit_years=fit_years,
                        donors=tuple(design.units[1:]))
    fake_design = build_design(panel, fake_spec)
    fit, gap = fit_unit(fake_design.X, fake_design.Y, 0, np.arange(1, len(fake_design.units)),
                        fake_design.fit_rows, inference.v_floor)
    between = [i for i, t in enumerate(design.times) if fake <= t < spec.start]
    return {"start": fake, "att": float(gap[between].mean()),
            "pre_rmspe": math.sqrt(float(np.mean(gap[fake_design.pre_rows] ** 2))),
            "predictors": [p.name for p in predictors] or [f"{spec.outcome}:mean before {fake}"],
            "gap": {str(t): float(g) for t, g in zip(design.times, gap) if t < spec.start}}


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
    from dataclasses import asdict

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
