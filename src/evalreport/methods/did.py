"""A simple difference-in-differences on the log outcome: the treated unit's change from the mean
over the pre-period years to the mean over the post-period years, minus the donors' mean change.
It returns the same result type as the synthetic control, so chapters can show either."""

from __future__ import annotations

import math
import time

import numpy as np

from evalreport.errors import DatasetError
from evalreport.methods.panel import Panel, Specification, check_specification
from evalreport.methods.result import EffectResult, PlaceboTest
from evalreport.methods.synth import Inference, invert_ratio_test, rank_statistic

METHOD = "difference_in_differences"


def compute_log_gaps(logs: np.ndarray, pre_rows: np.ndarray) -> np.ndarray:
    """Gap by time of the first column against the mean of the others, centred so that its
    pre-period mean is zero: its post-period mean is then the DiD estimate."""
    difference = logs[:, 0] - logs[:, 1:].mean(axis=1)
    return difference - difference[pre_rows].mean()


def estimate_diff_in_diff(panel: Panel, spec: Specification, inference: Inference = Inference(),
                          pre_years: tuple[int, ...] | None = None,
                          post_years: tuple[int, ...] | None = None) -> EffectResult:
    """DiD on log(outcome): every donor weighs the same. `att` is in log points (x100 ~ percent).

    Pre-years default to every year before the start, post-years to the start and after. As
    placebos, each donor in turn is the treated unit against the other donors; the p-value is the
    rank of |att| among all units, and the interval inverts that test under a constant effect.
    """
    started = time.perf_counter()
    donors, _ = check_specification(panel, spec, min_donors=1)
    units = [spec.treated, *donors]
    values = panel.column(spec.outcome, units)
    if np.any(values <= 0):
        j = int(np.argwhere(values <= 0)[0][1])
        raise DatasetError(f"{panel.source}: {units[j]!r} has a {spec.outcome!r} of zero or less; "
                           "a DiD on logs needs positive values")
    times = panel.times
    pre_years = pre_years or tuple(t for t in times if t < spec.start)
    post_years = post_years or tuple(t for t in times if t >= spec.start)
    pre_rows = np.array([i for i, t in enumerate(times) if t in pre_years])
    post_rows = np.array([i for i, t in enumerate(times) if t in post_years])
    logs = np.log(values)
    gap = compute_log_gaps(logs, pre_rows)
    att = float(gap[post_rows].mean())
    pre_rmspe = math.sqrt(float(np.mean(gap[pre_rows] ** 2)))
    placebo = interval = None
    if len(donors) >= 2 and inference.placebos:
        estimates = {}
        for j in range(1, len(units)):
            others = [i for i in range(1, len(units)) if i != j]
            estimates[units[j]] = float(compute_log_gaps(logs[:, [j, *others]], pre_rows)[post_rows].mean())
        sizes = {spec.treated: abs(att), **{u: abs(e) for u, e in estimates.items()}}
        test = rank_statistic(abs(att), [sizes[u] for u in estimates])
        pre_fit = {spec.treated: pre_rmspe ** 2}
        placebo = PlaceboTest(test.rank, test.units, test.p_value, "abs_att", sizes, pre_fit)
        # |att - a| <= c is the same inversion as the ratio test with a flat gap and unit pre-MSPE
        interval = invert_ratio_test(np.full(1, att), 1.0, [s ** 2 for u, s in sizes.items() if u != spec.treated],
                                     inference.interval_level)
        interval = type(interval)(interval.level, interval.low, interval.high,
                                  "placebo test inversion under a constant effect, on |att|", interval.empty)
    return EffectResult(
        method=METHOD, treated=spec.treated, start=spec.start, outcome=spec.outcome, scale="log",
        att=att, gap={t: float(g) for t, g in zip(times, gap)}, pre_rmspe=pre_rmspe,
        weights={u: 1.0 / len(donors) for u in donors}, placebo=placebo, interval=interval,
        notes=(f"Log points: an att of {att:.3f} means about {(math.exp(att) - 1) * 100:.1f} % relative to the donors.",),
        seconds=time.perf_counter() - started)


def describe_changes(panel: Panel, spec: Specification, pre_years: tuple[int, ...],
                     post_years: tuple[int, ...]) -> dict:
    """The numbers behind a DiD, for a text: the treated unit's and the controls' mean change from the
    pre-years to the post-years (per cent, from the mean of logs), and the pre-trend gap: the
    treated unit's log-linear growth per year minus the controls' mean, over every year before the
    post-years (None with fewer than two)."""
    donors, _ = check_specification(panel, spec, min_donors=1)
    units = [spec.treated, *donors]
    logs = np.log(panel.column(spec.outcome, units))
    times = list(panel.times)
    pre = [times.index(t) for t in pre_years]
    post = [times.index(t) for t in post_years]
    change = logs[post].mean(axis=0) - logs[pre].mean(axis=0)
    before = [i for i, t in enumerate(times) if t < min(post_years)]
    trend = None
    if len(before) >= 2:
        years = np.array([times[i] for i in before], dtype=float)
        slopes = np.polyfit(years, logs[before], 1)[0]
        trend = {"first": times[before[0]], "last": times[before[-1]],
                 "gap_pct": float((slopes[0] - slopes[1:].mean()) * 100)}
    placebo = {}
    for j in range(1, len(units)):
        others = [i for i in range(1, len(units)) if i != j]
        if others:
            placebo[units[j]] = float((math.exp(change[j] - change[others].mean()) - 1) * 100)
    estimate = float((math.exp(change[0] - change[1:].mean()) - 1) * 100)
    return {"treated_change_pct": float((math.exp(change[0]) - 1) * 100),
            "controls_change_pct": float((math.exp(change[1:].mean()) - 1) * 100),
            "estimate_pct": estimate, "controls": donors,
            "pre_years": [min(pre_years), max(pre_years)], "post_years": [min(post_years), max(post_years)],
            "placebo_pct": placebo,
            "placebo_at_least_as_large": sum(abs(v) >= abs(estimate) for v in placebo.values()),
            "trend": trend}
