"""`evalreport effect`: a synthetic-control estimate with placebo inference from a long-form
panel, printed as a summary and optionally written as JSON. Its options are the command line's (cli.py)."""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from pathlib import Path

from evalreport.errors import ConfigError
from evalreport.methods.panel import (Panel, Specification, bridge_series_break, parse_predictor, parse_years,
                                      read_panel)
from evalreport.methods.synth import Inference, estimate_synthetic_control, summarise_leave_one_out


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    start = _integer(args.start, "--start", "a year such as 2011")
    workers = _integer(args.workers, "--workers", "a number of processes such as 2")
    if workers < 1:
        raise ConfigError(f"--workers {args.workers}: give 1 or more")
    predictors = tuple(parse_predictor(p) for p in args.predictor)
    fit_years = parse_years(args.fit, f"--fit {args.fit!r}") if args.fit else None
    donors = tuple(d.strip() for d in args.donors.split(",") if d.strip()) if args.donors else None
    columns = [args.outcome, *(p.column for p in predictors)]
    effect_years = parse_years(args.effect_years, f"--effect-years {args.effect_years!r}") if args.effect_years else None
    index_years = parse_years(args.index, f"--index {args.index!r}") if args.index else None
    v_floor = _number(args.v_floor, "--v-floor", "a share from 0 to below 1, such as 0.1")
    if not 0 <= v_floor < 1:
        raise ConfigError(f"--v-floor {args.v_floor}: give a share from 0 to below 1")
    noise_floor = _number(args.noise_floor, "--noise-floor", "index points such as 0.5") if args.noise_floor else None
    if noise_floor is not None and noise_floor <= 0:
        raise ConfigError(f"--noise-floor {args.noise_floor}: give a positive number")
    panel = read_panel(args.panel, args.unit, args.time, columns)
    if args.series_break:
        year = _integer(args.series_break, "--series-break", "a year such as 2015")
        try:
            bridged = bridge_series_break(panel.values[args.outcome], panel.times, year)
        except ValueError as exc:
            raise ConfigError(f"--series-break {year}: {exc}") from None
        panel = Panel(panel.units, panel.times, {**panel.values, args.outcome: bridged}, panel.source)
    spec = Specification(outcome=args.outcome, treated=str(args.treated).strip(), start=start,
                         predictors=predictors, fit_years=fit_years, donors=donors, effect_years=effect_years,
                         index_years=index_years)
    result = estimate_synthetic_control(panel, spec, Inference(v_floor=v_floor, noise_floor=noise_floor),
                                        workers=workers, cache_dir=args.cache)
    seconds = time.perf_counter() - started
    print(format_summary(result, seconds))
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dataclasses.replace(result, seconds=seconds).to_json(), encoding="utf-8")
        print(f"wrote {out}")
    return 0


def format_summary(result, seconds: float) -> str:
    """A readable summary: the estimate with its window, its uncertainty, the fit, the weights."""
    post = result.post_years
    effect = f"{result.att:,.2f}" if result.identified else (
        f"not identified ({result.att_range[0]:,.2f} to {result.att_range[1]:,.2f} over equally good fits)")
    lines = [f"Synthetic control for {result.treated}, {result.outcome}, from {result.start}",
             f"  effect (mean gap {post[0]}-{post[-1]}): {effect}"]
    after = result.windows.get("after")
    if after:
        lines.append(f"  after the effect window (mean gap {after['first']}-{after['last']}): {after['mean_gap']:,.2f}")
    lines.append(f"  pre-period RMSPE: {result.pre_rmspe:,.3f}")
    if result.prediction_rmspe is not None:
        lines.append(f"  cross-validated pre-period RMSPE: {result.prediction_rmspe:,.3f}")
    if result.placebo is not None:
        p = result.placebo
        what = {"studentised_att": f"|mean gap {post[0]}-{post[-1]}| / cross-validated pre-period RMSPE",
                "ratio": "post/pre-period MSPE ratio, with the declared noise floor"}.get(p.statistic, p.statistic)
        lines.append(f"  placebo test: rank {p.rank} of {p.units}, p = {p.p_value:.3f} ({what})")
        for key, sub in p.excluded.items():
            lines.append(f"    without placebos predicted over {key} worse: rank {sub['rank']} of {sub['units']}, "
                         f"p = {sub['p_value']:.3f}")
    if result.interval is not None:
        i = result.interval
        if i.empty:
            lines.append(f"  {i.level:.0%} set for a constant effect: empty (the gaps are not constant)")
        elif i.low is None:
            lines.append(f"  {i.level:.0%} interval for a constant effect: too few units to bound it")
        else:
            lines.append(f"  {i.level:.0%} interval for a constant effect {post[0]}-{post[-1]}: {i.low:,.2f} to {i.high:,.2f}")
    loo = summarise_leave_one_out(result.sensitivity.get("leave_one_out", {}), result.att)
    if loo:
        lines.append(f"  leaving out one donor with weight: {loo['low']:,.2f} to {loo['high']:,.2f}; most without "
                     f"{loo['most_influential']} ({loo['att_without_it']:,.2f})")
    in_time = result.sensitivity.get("in_time_placebo")
    if in_time:
        largest = f"{in_time['max_abs_gap']:,.2f} in {in_time['max_abs_year']}" if in_time["identified"] else "not identified"
        lines.append(f"  in-time placebo from {in_time['start']}: largest gap {largest}, RMSPE {in_time['rmspe']:,.2f} "
                     f"({in_time['first']}-{in_time['last']})")
    lines.append("  weights: " + ", ".join(f"{u} {w:.3f}" for u, w in sorted(result.weights.items(), key=lambda x: -x[1])
                                           if w >= 0.001))
    lines.append("  predictors (treated / synthetic):")
    for name, row in result.predictors.items():
        lines.append(f"    {name}: {row['treated']:,.3f} / {row['synthetic']:,.3f}")
    for note in result.notes:
        lines.append(f"  note: {note}")
    lines.append(f"  {seconds:.2f} s")
    return "\n".join(lines)


def _number(text: str, option: str, example: str) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ConfigError(f"{option} {text!r}: expected {example}") from None
    if not math.isfinite(value):
        raise ConfigError(f"{option} {text!r}: expected {example}")
    return value


def _integer(text: str, option: str, example: str) -> int:
    try:
        value = float(str(text).strip())
    except ValueError:
        value = float("nan")
    if not value.is_integer():
        raise ConfigError(f"{option} {text!r}: expected {example}")
    return int(value)
