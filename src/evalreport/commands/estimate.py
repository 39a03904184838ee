"""`evalreport effect`: a synthetic-control estimate with placebo inference from a long-form
panel, printed as a summary and optionally written as JSON."""

from __future__ import annotations

import argparse
import time

from evalreport.errors import ConfigError

DESCRIPTION = ("Estimate the programme's effect on one unit with a synthetic control of the other units, "
               "with placebo inference (every donor in turn as if treated).")


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the `effect` subcommand on the command line's subparsers."""
    parser = sub.add_parser("effect", help="synthetic-control effect estimate with placebo inference",
                            description=DESCRIPTION)
    parser.add_argument("--panel", required=True, help="long-form CSV or .xlsx: one row per unit and time")
    parser.add_argument("--unit", required=True, help="the column naming the unit (e.g. kommune)")
    parser.add_argument("--time", required=True, help="the column with the year")
    parser.add_argument("--outcome", required=True, help="the column to estimate the effect on")
    parser.add_argument("--treated", required=True, help="the unit that had the programme")
    parser.add_argument("--start", required=True, help="the programme's first year")
    parser.add_argument("--predictor", action="append", default=[], metavar="COL:YEARS",
                        help="mean of COL over YEARS (1988 or 1980-1988); repeat for more (default: the outcome's "
                             "mean over the years before the start)")
    parser.add_argument("--fit", default=None, metavar="YEARS",
                        help="years whose outcome MSPE chooses the predictor weights (default: every year before --start)")
    parser.add_argument("--donors", default=None, metavar="UNIT,UNIT,...", help="the units to build the control from "
                        "(default: every other unit)")
    parser.add_argument("--json", default=None, metavar="OUT.json", help="write the full result here")
    parser.add_argument("--workers", default="1", help="processes for the placebo fits (default 1)")
    parser.add_argument("--cache", default=None, metavar="DIR", help="reuse results for the same data and options")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from evalreport.methods.panel import Specification, parse_predictor, parse_years, read_panel
    from evalreport.methods.synth import estimate_synthetic_control

    started = time.perf_counter()
    start = _integer(args.start, "--start", "a year such as 2011")
    workers = _integer(args.workers, "--workers", "a number of processes such as 2")
    if workers < 1:
        raise ConfigError(f"--workers {args.workers}: give 1 or more")
    predictors = tuple(parse_predictor(p) for p in args.predictor)
    fit_years = parse_years(args.fit, f"--fit {args.fit!r}") if args.fit else None
    donors = tuple(d.strip() for d in args.donors.split(",") if d.strip()) if args.donors else None
    columns = [args.outcome, *(p.column for p in predictors)]
    panel = read_panel(args.panel, args.unit, args.time, columns)
    spec = Specification(outcome=args.outcome, treated=str(args.treated).strip(), start=start,
                         predictors=predictors, fit_years=fit_years, donors=donors)
    result = estimate_synthetic_control(panel, spec, workers=workers, cache_dir=args.cache)
    seconds = time.perf_counter() - started
    print(format_summary(result, seconds))
    if args.json:
        import dataclasses

        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dataclasses.replace(result, seconds=seconds).to_json(), encoding="utf-8")
        print(f"wrote {out}")
    return 0


def format_summary(result, seconds: float) -> str:
    """A readable summary: the estimate, its uncertainty, the fit, the weights."""
    post = result.post_years
    lines = [f"Synthetic control for {result.treated}, {result.outcome}, from {result.start}",
             f"  effect (mean gap {post[0]}-{post[-1]}): {result.att:,.2f}",
             f"  pre-period RMSPE: {result.pre_rmspe:,.3f}"]
    if result.placebo is not None:
        p = result.placebo
        lines.append(f"  placebo test: rank {p.rank} of {p.units}, p = {p.p_value:.3f} (post/pre-period MSPE ratio)")
        for key, sub in p.excluded.items():
            lines.append(f"    without placebos fitting over {key} worse: rank {sub['rank']} of {sub['units']}, "
                         f"p = {sub['p_value']:.3f}")
    if result.interval is not None:
        i = result.interval
        if i.empty:
            lines.append(f"  {i.level:.0%} set for a constant effect: empty (the gaps are not constant)")
        elif i.low is None:
            lines.append(f"  {i.level:.0%} interval for a constant effect: too few units to bound it")
        else:
            lines.append(f"  {i.level:.0%} interval for a constant effect: {i.low:,.2f} to {i.high:,.2f}")
    lines.append("  weights: " + ", ".join(f"{u} {w:.3f}" for u, w in sorted(result.weights.items(), key=lambda x: -x[1])
                                           if w >= 0.001))
    lines.append("  predictors (treated / synthetic):")
    for name, row in result.predictors.items():
        lines.append(f"    {name}: {row['treated']:,.3f} / {row['synthetic']:,.3f}")
    for note in result.notes:
        lines.append(f"  note: {note}")
    lines.append(f"  {seconds:.2f} s")
    return "\n".join(lines)


def _integer(text: str, option: str, example: str) -> int:
    try:
        value = float(str(text).strip())
    except ValueError:
        value = float("nan")
    if not value.is_integer():
        raise ConfigError(f"{option} {text!r}: expected {example}")
    return int(value)
