"""Did the programme make a difference to employment? The analysis chapter 4 presents.

The main estimate is a synthetic control: employment in the case's municipality against a weighted
average of other municipalities (the donor pool: every municipality in the donor-pool dataset,
less those the configuration excludes with a reason), with placebo-in-space inference. Employment
is taken as an index, each municipality's mean over the fit years = 100, so that municipalities of
every size are comparable; the gap is in index points, that is per cent of the municipality's own
employment before the programme.

Around it, the sensitivity analyses a reader needs to see how much the answer moves: the base
period (fit on the last years before the programme only), the post-period (without the first
programme year; the years after the programme), the donor pool (leaving out each donor with
weight), the start (an in-time placebo) and the method (difference-in-differences against the
donor pool and against the comparison municipalities).

The build runs the analysis once, before the chapters, and keeps it as JSON beside the case; the
chapters read it. Run by hand, a chapter computes it itself (a few seconds).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evalreport import stores, words
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.methods.panel import Panel, Predictor, Specification
from evalreport.methods.result import EffectResult

OUTCOME = "index"
SHORT_FIT_YEARS = 3  # the base-period sensitivity fits on only the last years before the programme
FORMAT = 1


@dataclass(frozen=True)
class Analysis:
    """The effect analysis of one report."""

    main: EffectResult
    fit_years: tuple[int, ...]
    post_years: tuple[int, ...]
    donors: tuple[str, ...]  # the donor pool used
    excluded: dict[str, str]  # code -> why it is not in the donor pool
    short_fit: EffectResult | None = None
    did_pool: EffectResult | None = None
    in_time: EffectResult | None = None  # a fake start halfway through the fit years
    levels: dict[str, dict[int, float]] = field(default_factory=dict)  # treated and synthetic, in index points

    @property
    def p_value(self) -> float | None:
        return self.main.placebo.p_value if self.main.placebo else None

    def to_dict(self) -> dict:
        return {"format": FORMAT, "main": self.main.to_dict(), "fit_years": list(self.fit_years),
                "post_years": list(self.post_years), "donors": list(self.donors), "excluded": self.excluded,
                "short_fit": self.short_fit.to_dict() if self.short_fit else None,
                "did_pool": self.did_pool.to_dict() if self.did_pool else None,
                "in_time": self.in_time.to_dict() if self.in_time else None,
                "levels": {k: {str(t): v for t, v in series.items()} for k, series in self.levels.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> Analysis:
        return cls(main=EffectResult.from_dict(data["main"]), fit_years=tuple(data["fit_years"]),
                   post_years=tuple(data["post_years"]), donors=tuple(data["donors"]), excluded=data["excluded"],
                   short_fit=EffectResult.from_dict(data["short_fit"]) if data["short_fit"] else None,
                   did_pool=EffectResult.from_dict(data["did_pool"]) if data["did_pool"] else None,
                   in_time=EffectResult.from_dict(data["in_time"]) if data["in_time"] else None,
                   levels={k: {int(t): v for t, v in series.items()} for k, series in data["levels"].items()})


def index_panel(config: ReportConfig, case: Case, base_years: list[int] | None = None) -> tuple[Panel, dict[str, str]]:
    """Employment of the municipality and every donor as an index (mean over `base_years`, by default the
    fit years, = 100), with the municipalities left out and why. A donor needs a value in every year used."""
    from evalreport import regions

    pool = case.donor_pool_employment.pivot_table(index="year", columns="region_code", values="employed",
                                                  aggfunc="sum")
    code = config.municipality
    if code not in pool.columns:  # the municipality's own series, from the employment dataset
        own = case.employment[case.employment["region_code"] == code].set_index("year")["employed"]
        pool[code] = own.reindex(pool.index)
    years = sorted(set(config.fit_years) | set(y for y in pool.index if y >= config.programme.start))
    years = [y for y in years if config.fit_years[0] <= y <= config.period.end]
    pool = pool.reindex(years)
    excluded = config.donors_left_out(pool.columns)  # by rule (the case's own territory) and by the analyst
    for other in pool.columns:
        if other != code and other not in excluded and pool[other].isna().any():
            missing = [str(y) for y in pool.index[pool[other].isna()]]
            excluded[other] = f"no figure for {', '.join(missing)}"
        elif other != code and other not in excluded and (pool[other] <= 0).any():
            excluded[other] = "no employment in some year"
    if pool[code].isna().any():
        missing = [str(y) for y in pool.index[pool[code].isna()]]
        raise ValueError(f"the municipality {code} ({regions.region_name(code)}) has no employment figure for "
                         f"{', '.join(missing)}, which the effect estimate needs (the donor-pool dataset or "
                         "employment.csv)")
    kept = [code, *[c for c in pool.columns if c != code and c not in excluded]]
    base = pool.loc[list(base_years or config.fit_years), kept].mean()
    index = pool[kept] / base * 100
    values = {OUTCOME: index.to_numpy(dtype=float)}
    return Panel(units=tuple(kept), times=tuple(int(y) for y in index.index), values=values,
                 source="donor_pool_employment"), excluded


def specification(config: ReportConfig, fit_years: list[int] | tuple[int, ...] | None = None) -> Specification:
    """Predictors: the index in each fit year, so that V weighs the years and the fit is the outcome's own."""
    years = tuple(fit_years or config.fit_years)
    return Specification(outcome=OUTCOME, treated=config.municipality, start=config.programme.start,
                         predictors=tuple(Predictor(f"{OUTCOME} {y}", OUTCOME, (y,)) for y in years),
                         fit_years=years)


def analyse(config: ReportConfig, case: Case, workers: int = 1, executor=None,
            cache_dir: Path | None = None) -> Analysis:
    """The main estimate with its placebo inference, and the sensitivity analyses."""
    from evalreport.methods import did, synth

    panel, excluded = index_panel(config, case)
    # The in-time placebo is made below on an index of its own: on this one, whose base is every fit
    # year, the gaps over the fit years always average zero, and so would a fake effect.
    inference = synth.Inference(noise_floor=config.effect.noise_floor, interval_level=1 - config.effect.significance,
                                in_time=False)
    main = synth.estimate_synthetic_control(panel, specification(config), inference, workers=workers,
                                            executor=executor, cache_dir=cache_dir)
    quick = dataclasses.replace(inference, placebos=False, leave_one_out=False)
    short_fit = None
    if len(config.fit_years) > SHORT_FIT_YEARS:
        short_fit = synth.estimate_synthetic_control(panel, specification(config, config.fit_years[-SHORT_FIT_YEARS:]),
                                                     quick, cache_dir=cache_dir)
    in_time = None
    fake = config.fit_years[len(config.fit_years) // 2]
    before = [y for y in config.fit_years if y < fake]
    if len(before) >= 2:
        fake_panel, _ = index_panel(config, case, before)
        fake_panel = Panel(units=panel.units, times=fake_panel.times,
                           values={OUTCOME: fake_panel.column(OUTCOME, list(panel.units))}, source=fake_panel.source)
        fake_spec = Specification(outcome=OUTCOME, treated=config.municipality, start=fake,
                                  predictors=tuple(Predictor(f"{OUTCOME} {y}", OUTCOME, (y,)) for y in before),
                                  fit_years=tuple(before))
        in_time = synth.estimate_synthetic_control(fake_panel, fake_spec, quick, cache_dir=cache_dir)
    employed = case.donor_pool_employment.pivot_table(index="year", columns="region_code", values="employed",
                                                      aggfunc="sum")
    levels_panel = Panel(units=panel.units, times=panel.times,
                         values={"employed": employed.reindex(index=list(panel.times), columns=list(panel.units))
                                 .to_numpy(dtype=float)}, source="donor_pool_employment")
    did_pool = did.estimate_diff_in_diff(
        levels_panel, Specification("employed", config.municipality, config.programme.start),
        synth.Inference(interval_level=1 - config.effect.significance),
        pre_years=tuple(config.fit_years), post_years=tuple(config.programme_years))
    treated_index = panel.column(OUTCOME, [config.municipality])[:, 0]
    synthetic = {int(t): float(treated_index[i] - main.gap[t]) for i, t in enumerate(panel.times)}
    return Analysis(main=main, fit_years=tuple(config.fit_years), post_years=tuple(config.programme_years),
                    donors=panel.units[1:], excluded=excluded, short_fit=short_fit, did_pool=did_pool,
                    in_time=in_time,
                    levels={"treated": {int(t): float(v) for t, v in zip(panel.times, treated_index)},
                            "synthetic": synthetic})


def mean_gap(result: EffectResult, years) -> float | None:
    """The mean gap over `years` (those the result has); None if it has none of them."""
    values = [result.gap[y] for y in years if y in result.gap and result.gap[y] is not None]
    return float(np.mean(values)) if values else None


# --- keeping the analysis for the chapters ---------------------------------------------------------

PREFIX = "effect"


def write(folder: Path, analysis: Analysis) -> Path:
    """Write the analysis as JSON named by its digest (see stores)."""
    return stores.write(folder, PREFIX, analysis.to_dict(), default=_plain)


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def verify(path: Path) -> bool:
    return stores.verify(path, PREFIX)


def read(path: Path) -> Analysis:
    data = stores.read(path, PREFIX, "effect analysis")
    try:
        if data.get("format") != FORMAT:
            raise stores.DamagedStore(f"{path.name}: written by another version of evalreport")
        return Analysis.from_dict(data)
    except stores.DamagedStore:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise stores.DamagedStore(f"{path.name}: not a stored effect analysis ({type(exc).__name__})") from None


def key_figures(analysis: Analysis, significance: float) -> dict:
    """The main estimate as plain numbers, for the JSON sidecar and the portfolio overview: the mean
    gap over the programme years in index points (per cent of the municipality's own employment over
    the fit years), its placebo rank and p-value, and the confidence set (None where unbounded)."""
    main = analysis.main
    interval = main.interval
    bounded = interval is not None and not interval.empty and interval.low is not None and interval.high is not None
    return {"att_points": float(main.att), "pre_rmspe": float(main.pre_rmspe),
            "p_value": float(main.placebo.p_value) if main.placebo else None,
            "rank": main.placebo.rank if main.placebo else None,
            "units": main.placebo.units if main.placebo else None,
            "significance": float(significance),
            "interval_level": float(interval.level) if interval else None,
            "interval_low": float(interval.low) if bounded else None,
            "interval_high": float(interval.high) if bounded else None,
            "interval_empty": bool(interval.empty) if interval else False,
            "fit_years": [int(analysis.fit_years[0]), int(analysis.fit_years[-1])],
            "post_years": [int(analysis.post_years[0]), int(analysis.post_years[-1])],
            "donors": len(analysis.donors)}


def frame_of_levels(analysis: Analysis) -> pd.DataFrame:
    """Treated and synthetic index by year, for the chart and its table."""
    return pd.DataFrame(analysis.levels).sort_index()[["treated", "synthetic"]]  # the case first: drawn strongest


# --- what the chapters print --------------------------------------------------------------------------

def sensitivity_rows(analysis: Analysis, did_comparison_pct: float | None, fmt) -> list[tuple[str, str]]:
    """(what, estimate) for the sensitivity table: how much the answer moves with the choices behind it.
    Synthetic-control rows are in index points; the difference-in-differences rows in per cent."""
    to = words.text(fmt.language, "words.to")

    def label(key: str, **values) -> str:
        return words.text(fmt.language, f"sensitivity.{key}", **values)

    def span(years) -> str:
        years = list(years)
        return fmt.years(years[0], years[-1]) if len(years) > 1 else str(years[0])

    main = analysis.main
    post = list(analysis.post_years)
    rows = [(label("main", fit=span(analysis.fit_years)), fmt.signed(main.att, 1))]
    if analysis.short_fit is not None:
        rows.append((label("short_fit", fit=span(analysis.fit_years[-SHORT_FIT_YEARS:])),
                     fmt.signed(analysis.short_fit.att, 1)))
    if len(post) > 1:
        rows.append((label("without_first", years=span(post[1:])), fmt.signed(mean_gap(main, post[1:]), 1)))
    after = [t for t in main.gap if t > post[-1]]
    if after:
        rows.append((label("after", years=span(after)), fmt.signed(mean_gap(main, after), 1)))
    loo = [v["att"] for v in main.sensitivity.get("leave_one_out", {}).values()]
    if loo:
        rows.append((label("leave_one_out"), f"{fmt.signed(min(loo), 1)} {to} {fmt.signed(max(loo), 1)}"))
    if analysis.in_time is not None:
        fake = analysis.in_time.start
        between = [t for t in analysis.fit_years if t >= fake]
        rows.append((label("in_time", start=fake, years=span(between)), fmt.signed(mean_gap(analysis.in_time, between), 1)))
    if analysis.did_pool is not None:
        rows.append((label("did_pool"), fmt.signed((math.exp(analysis.did_pool.att) - 1) * 100, 1)))
    if did_comparison_pct is not None:
        rows.append((label("did_comparison"), fmt.signed(did_comparison_pct, 1)))
    return rows


def glue_values(analysis: Analysis, config: ReportConfig, fmt, name) -> dict:
    """The values chapter 4 and the summary print about the effect; `name(code)` names a municipality."""
    main = analysis.main
    significance = config.effect.significance
    to, conjunction = words.text(fmt.language, "words.to"), words.text(fmt.language, "words.and")
    interval = main.interval
    bounded = interval is not None and interval.low is not None and interval.high is not None and not interval.empty
    estimates = [main.att]
    if analysis.short_fit is not None:
        estimates.append(analysis.short_fit.att)
    estimates += [v["att"] for v in main.sensitivity.get("leave_one_out", {}).values()]
    if len(analysis.post_years) > 1:
        estimates.append(mean_gap(main, analysis.post_years[1:]))
    weighted = sorted(((w, u) for u, w in main.weights.items() if w >= 0.005), reverse=True)
    fit = list(analysis.fit_years)
    return {
        "effect_available": True,
        "effect_points": fmt.number(abs(main.att), 1),
        "effect_higher": main.att > 0,
        "effect_pre_rmspe": fmt.number(main.pre_rmspe, 1),
        "effect_exact_fit": main.pre_rmspe < 0.05,  # rounds to 0,0: say "less than 0,1" instead
        "effect_fit_years": fmt.years(fit[0], fit[-1]),
        "effect_post_years": fmt.years(analysis.post_years[0], analysis.post_years[-1]),
        "effect_donors": fmt.number(len(analysis.donors)),
        "effect_weighted": fmt.join([name(u) for _, u in weighted[:5]], conjunction),
        "effect_weighted_count": fmt.number_word(len(weighted)),
        "effect_excluded": fmt.join([f"{name(code)}: {reason}" for code, reason in analysis.excluded.items()
                                     if code in config.donors_left_out([*analysis.donors, *analysis.excluded])],
                                    "; ") or None,
        "effect_rank": fmt.number(main.placebo.rank) if main.placebo else None,
        "effect_units": fmt.number(main.placebo.units) if main.placebo else None,
        "effect_p": fmt.number(main.placebo.p_value, 2) if main.placebo else None,
        "effect_clear": bool(main.placebo and main.placebo.p_value <= significance),
        "effect_significance": fmt.number(significance, 2),
        "effect_interval": (f"{fmt.signed(interval.low, 1)} {to} {fmt.signed(interval.high, 1)}" if bounded else None),
        "effect_level": fmt.number(interval.level * 100) if interval else None,
        "effect_range": f"{fmt.signed(min(estimates), 1)} {to} {fmt.signed(max(estimates), 1)}",
        "effect_in_time": (fmt.signed(mean_gap(analysis.in_time, [t for t in fit if t >= analysis.in_time.start]), 1)
                           if analysis.in_time else None),
        "effect_in_time_start": str(analysis.in_time.start) if analysis.in_time else None,
        "effect_did_pool": fmt.percent((math.exp(analysis.did_pool.att) - 1) * 100, 1, signed=True)
                           if analysis.did_pool else None,
    }
