"""Did the programme make a difference to employment? The analysis chapter 4 presents.

The main estimate is a synthetic control: employment in the case's municipality against a weighted
average of other municipalities (the donor pool: every municipality in the donor-pool dataset,
less those the configuration excludes with a reason), fitted to the years before the programme
(`effect.fit_years`). Employment is taken as an index, each municipality's mean over the fit years
= 100, so that municipalities of every size are comparable; the gap is in index points, that is
per cent of the municipality's own employment over the fit years. Where the statistics break
(`effect.series_break`, SSB's a-ordningen from 2015), every series is chain-linked across the break
with the median change that year (`methods.panel.bridge_series_break`).

Every number names its years: the estimate is the mean gap over the programme's years
(`programme.start`-`programme.end`); the years after the programme are their own row. The test is
the studentised placebo test of `methods.synth` (size shown by `make validate-method`), the
interval its inversion.

Around it, the sensitivity analyses a reader needs to see how much the answer moves, each a row of
`sensitivity_table` with its unit: the base period (fit on the last years before the programme
only), the window (without the first programme year), the donor pool (leaving out each donor with
weight: the range and the donor that moves it most), the method (difference-in-differences
against the donor pool, and against the comparison municipalities that are not left out for
spill-over), the years after the programme, and the start (an in-time placebo, by its largest
departure and its RMSPE). A row whose number another equally good fit would change is not printed
as a number.

The build runs the analysis once, before the chapters, and keeps it as JSON beside the case; the
chapters read it. Run by hand, a chapter computes it itself (a few seconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evalreport import regions, stores, words
from evalreport.config import ReportConfig
from evalreport.datasets import Case
from evalreport.methods.panel import Panel, Predictor, Specification, bridge_series_break
from evalreport.methods import did, synth
from evalreport.methods.result import EffectResult
from evalreport.methods.synth import summarise_in_time, summarise_leave_one_out

OUTCOME = "employed"
SHORT_FIT_YEARS = 3  # the base-period sensitivity fits on only the last years before the programme
FORMAT = 2


@dataclass(frozen=True)
class Analysis:
    """The effect analysis of one report.

    `post_years` is the effect window (the programme's years); `after_years` the years after the
    programme in the data, reported as their own window. `did_pool` compares with every donor,
    `did_comparison` with the comparison municipalities that are not left out of the donor pool
    (None when none is left: `did_left_out` names them)."""

    main: EffectResult
    fit_years: tuple[int, ...]
    post_years: tuple[int, ...]
    donors: tuple[str, ...]  # the donor pool used
    excluded: dict[str, str]  # code -> why it is not in the donor pool
    short_fit: EffectResult | None = None
    did_pool: EffectResult | None = None
    in_time: EffectResult | None = None  # a fake start halfway through the fit years
    levels: dict[str, dict[int, float]] = field(default_factory=dict)  # treated and synthetic, in index points
    after_years: tuple[int, ...] = ()
    did_comparison: EffectResult | None = None
    did_left_out: tuple[str, ...] = ()  # comparison municipalities not used as DiD controls (left out of the pool)
    did_facts: dict | None = None  # changes and pre-trend behind did_comparison, for the text
    series_break: int | None = None  # the year the statistics break in, bridged (see methods.panel.bridge_series_break)
    data_status: str = "published"  # the donor-pool data: "published", "reconstructed" or "synthetic" (the least of them)

    @property
    def p_value(self) -> float | None:
        return self.main.placebo.p_value if self.main.placebo else None

    def to_dict(self) -> dict:
        def result(r):
            return r.to_dict() if r else None
        return {"format": FORMAT, "main": self.main.to_dict(), "fit_years": list(self.fit_years),
                "post_years": list(self.post_years), "after_years": list(self.after_years),
                "donors": list(self.donors), "excluded": self.excluded,
                "short_fit": result(self.short_fit), "did_pool": result(self.did_pool),
                "in_time": result(self.in_time), "did_comparison": result(self.did_comparison),
                "did_left_out": list(self.did_left_out), "did_facts": self.did_facts,
                "series_break": self.series_break, "data_status": self.data_status,
                "levels": {k: {str(t): v for t, v in series.items()} for k, series in self.levels.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> Analysis:
        def result(key):
            return EffectResult.from_dict(data[key]) if data.get(key) else None
        return cls(main=EffectResult.from_dict(data["main"]), fit_years=tuple(data["fit_years"]),
                   post_years=tuple(data["post_years"]), after_years=tuple(data["after_years"]),
                   donors=tuple(data["donors"]), excluded=data["excluded"],
                   short_fit=result("short_fit"), did_pool=result("did_pool"), in_time=result("in_time"),
                   did_comparison=result("did_comparison"), did_left_out=tuple(data["did_left_out"]),
                   did_facts=data.get("did_facts"), series_break=data.get("series_break"),
                   data_status=data.get("data_status", "published"),
                   levels={k: {int(t): v for t, v in series.items()} for k, series in data["levels"].items()})


def employment_panel(config: ReportConfig, case: Case) -> tuple[Panel, dict[str, str], int | None]:
    """Employment (persons, by place of work) of the municipality and every donor over the fit years
    and from the programme's start to the end of the period, with the municipalities left out and
    why, and the series break bridged (None if none falls inside these years). A donor needs a
    figure in every year used."""
    pool = case.donor_pool_employment.pivot_table(index="year", columns="region_code", values="employed",
                                                  aggfunc="sum")
    code = config.municipality
    if code not in pool.columns:  # the municipality's own series, from the employment dataset
        own = case.employment[case.employment["region_code"] == code].set_index("year")["employed"]
        pool[code] = own.reindex(pool.index)
    years = sorted(set(config.fit_years) | set(y for y in pool.index if y >= config.programme.start))
    years = [y for y in years if config.fit_years[0] <= y <= config.period.end]
    excluded = config.donors_left_out(pool.columns)  # by rule (the case's own territory) and by the analyst
    bridged = None
    brk = config.effect.series_break
    if brk is not None and years[0] < brk <= years[-1]:
        if brk - 1 not in pool.index or brk not in pool.index:
            raise ValueError(f"effect.series_break {brk}: the donor-pool dataset has no figures for {brk - 1} and "
                             f"{brk}, which bridging the break needs")
        full = pool.reindex(range(int(pool.index.min()), int(pool.index.max()) + 1))
        values = bridge_series_break(full.to_numpy(dtype=float), list(full.index), brk)
        pool = pd.DataFrame(values, index=full.index, columns=full.columns)
        bridged = brk
    pool = pool.reindex(years)
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
    return (Panel(units=tuple(kept), times=tuple(int(y) for y in pool.index),
                  values={OUTCOME: pool[kept].to_numpy(dtype=float)}, source="donor_pool_employment"),
            excluded, bridged)


def specification(config: ReportConfig, fit_years: list[int] | tuple[int, ...] | None = None) -> Specification:
    """Employment as an index over the main fit years (= 100), the predictors its value in each year
    fitted to (so V weighs the years and the fit is the outcome's own), the effect window the
    programme's years."""
    years = tuple(fit_years or config.fit_years)
    return Specification(outcome=OUTCOME, treated=config.municipality, start=config.programme.start,
                         predictors=tuple(Predictor(f"index {y}", OUTCOME, (y,)) for y in years),
                         fit_years=years, effect_years=tuple(config.programme_years),
                         index_years=tuple(config.fit_years))


def inference(config: ReportConfig, **changes):
    """The report's declared inference: its significance, and the noise floor if one is declared
    (None by default: the studentised placebo test)."""
    return synth.Inference(noise_floor=config.effect.noise_floor, interval_level=1 - config.effect.significance,
                           **changes)


def analyse(config: ReportConfig, case: Case, workers: int = 1, executor=None,
            cache_dir: Path | None = None) -> Analysis:
    """The main estimate with its placebo inference, and the sensitivity analyses."""
    panel, excluded, bridged = employment_panel(config, case)
    main = synth.estimate_synthetic_control(panel, specification(config), inference(config, in_time=False),
                                            workers=workers, executor=executor, cache_dir=cache_dir)
    quick = inference(config, placebos=False, leave_one_out=False, in_time=False)
    short_fit = None
    if len(config.fit_years) > SHORT_FIT_YEARS:
        short_fit = synth.estimate_synthetic_control(panel, specification(config, config.fit_years[-SHORT_FIT_YEARS:]),
                                                     quick, cache_dir=cache_dir)
    in_time = None
    fake = config.fit_years[len(config.fit_years) // 2]
    before = [y for y in config.fit_years if y < fake]
    if len(before) >= 2:
        # its own index, based on the years before the fake start: on the main index, whose base is every
        # fit year, a fit that is exact before the fake start would be exact after it too
        fake_spec = Specification(outcome=OUTCOME, treated=config.municipality, start=fake,
                                  predictors=tuple(Predictor(f"index {y}", OUTCOME, (y,)) for y in before),
                                  fit_years=tuple(before), effect_years=tuple(y for y in config.fit_years if y >= fake),
                                  index_years=tuple(before))
        in_time = synth.estimate_synthetic_control(panel, fake_spec, quick, cache_dir=cache_dir)
    did_pool = did.estimate_diff_in_diff(
        panel, Specification(OUTCOME, config.municipality, config.programme.start),
        synth.Inference(interval_level=1 - config.effect.significance),
        pre_years=tuple(config.fit_years), post_years=tuple(config.programme_years))
    comparison = [c for c in config.effect_controls if len(c) == 4 and c != config.municipality]
    controls = [c for c in comparison if c in panel.units]
    left_out = tuple(c for c in comparison if c not in panel.units)
    did_comparison = facts = None
    if controls:
        spec = Specification(OUTCOME, config.municipality, config.programme.start, donors=tuple(controls))
        did_comparison = did.estimate_diff_in_diff(panel, spec, synth.Inference(interval_level=1 - config.effect.significance),
                                                   pre_years=tuple(config.pre_years),
                                                   post_years=tuple(config.programme_years))
        facts = did.describe_changes(panel, spec, tuple(config.pre_years), tuple(config.programme_years))
    design = synth.build_design(panel, specification(config))
    treated_index = design.Y[:, 0]
    synthetic = {int(t): float(treated_index[i] - main.gap[t]) for i, t in enumerate(panel.times)}
    return Analysis(main=main, fit_years=tuple(config.fit_years), post_years=tuple(config.programme_years),
                    after_years=tuple(t for t in panel.times if t > config.programme.end),
                    donors=panel.units[1:], excluded=excluded, short_fit=short_fit, did_pool=did_pool,
                    in_time=in_time, did_comparison=did_comparison, did_left_out=left_out, did_facts=facts,
                    series_break=bridged, data_status=data_status(case),
                    levels={"treated": {int(t): float(v) for t, v in zip(panel.times, treated_index)},
                            "synthetic": synthetic})


def data_status(case: Case) -> str:
    """How the donor-pool data were made: "synthetic" if its record or any row says so, else
    "reconstructed" if any does, else "published" (a report on invented comparison data says so)."""
    statuses = set(case.donor_pool_employment["status"])
    record = case.provenance.get("donor_pool_employment")
    if record is not None:
        statuses.add(record.status)
    for status in ("synthetic", "reconstructed"):
        if status in statuses:
            return status
    return "published"


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


def _span(years) -> list[int] | None:
    years = list(years)
    return [int(years[0]), int(years[-1])] if years else None


def key_figures(analysis: Analysis, significance: float) -> dict:
    """The main estimate as plain numbers, for the JSON sidecar and the portfolio overview, each with
    the years it is about: the mean gap over the programme years (`att_points`, `effect_years`) in
    index points (per cent of the municipality's own mean employment over `fit_years`), the mean gap
    over the years after the programme (`after_points`, `after_years`), the test (rank, p-value,
    the statistic it ranks) and the confidence set for a constant effect over the programme years
    (None where unbounded), and whether the main estimate is identified."""
    main = analysis.main
    interval = main.interval
    bounded = interval is not None and not interval.empty and interval.low is not None and interval.high is not None
    after = main.windows.get("after")
    return {"att_points": float(main.att), "effect_years": _span(analysis.post_years),
            "identified": bool(main.identified),
            "after_points": float(after["mean_gap"]) if after else None,
            "after_years": [after["first"], after["last"]] if after else None,
            "pre_rmspe": float(main.pre_rmspe),
            "prediction_rmspe": float(main.prediction_rmspe) if main.prediction_rmspe is not None else None,
            "p_value": float(main.placebo.p_value) if main.placebo else None,
            "rank": main.placebo.rank if main.placebo else None,
            "units": main.placebo.units if main.placebo else None,
            "statistic": main.placebo.statistic if main.placebo else None,
            "significance": float(significance),
            "interval_level": float(interval.level) if interval else None,
            "interval_low": float(interval.low) if bounded else None,
            "interval_high": float(interval.high) if bounded else None,
            "interval_empty": bool(interval.empty) if interval else False,
            "interval_years": _span(analysis.post_years),
            "fit_years": _span(analysis.fit_years),
            "post_years": _span(analysis.post_years),  # the same as effect_years, kept for older readers
            "series_break": analysis.series_break, "data_status": analysis.data_status,
            "donors": len(analysis.donors)}


def frame_of_levels(analysis: Analysis) -> pd.DataFrame:
    """Treated and synthetic index by year, for the chart and its table."""
    return pd.DataFrame(analysis.levels).sort_index()[["treated", "synthetic"]]  # the case first: drawn strongest


# --- what the chapters print --------------------------------------------------------------------------

def sensitivity_table(analysis: Analysis) -> list[dict]:
    """Every row of the sensitivity table as numbers: key, value(s), unit ("points": index points,
    "percent"), whether it estimates the programme-year effect (`estimate`: the rows a range of
    estimates is taken over) and whether it is identified (a row that is not is never printed as a
    number). The after-years row and the in-time placebo are other quantities (`estimate` False)."""
    main = analysis.main
    post = list(analysis.post_years)
    rows = [{"key": "main", "values": [main.att], "unit": "points", "estimate": True, "identified": main.identified}]
    if analysis.short_fit is not None:
        rows.append({"key": "short_fit", "values": [analysis.short_fit.att], "unit": "points", "estimate": True,
                     "identified": analysis.short_fit.identified})
    if len(post) > 1:
        rows.append({"key": "without_first", "values": [mean_gap(main, post[1:])], "unit": "points",
                     "estimate": True, "identified": main.identified})
    loo = summarise_leave_one_out(main.sensitivity.get("leave_one_out", {}), main.att)
    if loo is not None:
        rows.append({"key": "leave_one_out", "values": [loo["low"], loo["high"]], "unit": "points", "estimate": True,
                     "identified": True, "most": loo["most_influential"], "without_most": loo["att_without_it"]})
    if analysis.did_pool is not None:
        rows.append({"key": "did_pool", "values": [(math.exp(analysis.did_pool.att) - 1) * 100], "unit": "percent",
                     "estimate": True, "identified": True})
    if analysis.did_comparison is not None:
        rows.append({"key": "did_comparison", "values": [(math.exp(analysis.did_comparison.att) - 1) * 100],
                     "unit": "percent", "estimate": True, "identified": True})
    after = main.windows.get("after")
    if after:
        rows.append({"key": "after", "values": [after["mean_gap"]], "unit": "points", "estimate": False,
                     "identified": main.identified, "years": [after["first"], after["last"]]})
    if analysis.in_time is not None:
        summary = summarise_in_time(analysis.in_time.gap, analysis.in_time.start, analysis.main.start)
        rows.append({"key": "in_time", "values": [summary["max_abs_gap"]], "unit": "points", "estimate": False,
                     "identified": analysis.in_time.identified, "start": analysis.in_time.start, **summary})
    return rows


def estimate_range(analysis: Analysis, unit: str) -> tuple[float, float] | None:
    """The smallest and largest programme-year estimate over every identified row in `unit`."""
    values = [v for row in sensitivity_table(analysis) if row["estimate"] and row["identified"] and row["unit"] == unit
              for v in row["values"] if v is not None]
    return (min(values), max(values)) if values else None


def sensitivity_rows(analysis: Analysis, fmt) -> list[tuple[str, str]]:
    """(what, estimate) for the sensitivity table, each row naming its years, the estimate with its
    unit: index points for the synthetic-control rows, per cent (with a % sign) for the
    difference-in-differences rows; a row that is not identified says so instead of a number."""
    to = words.text(fmt.language, "words.to")

    def span(years) -> str:
        years = list(years)
        return fmt.years(years[0], years[-1]) if len(years) > 1 else str(years[0])

    post = list(analysis.post_years)
    out = []
    for row in sensitivity_table(analysis):
        key = row["key"]
        values = {"fit": span(analysis.fit_years), "years": span(post)}
        if key == "short_fit":
            values["fit"] = span(analysis.fit_years[-SHORT_FIT_YEARS:])
        elif key == "without_first":
            values["years"] = span(post[1:])
        elif key == "leave_one_out":
            values["most"] = _name_of(row["most"])
        elif key == "did_pool":
            values["pre"] = span(analysis.fit_years)
        elif key == "did_comparison":
            values["pre"] = span(analysis.did_facts["pre_years"]) if analysis.did_facts else ""
        elif key == "after":
            values["years"] = span(range(row["years"][0], row["years"][1] + 1))
        elif key == "in_time":
            values.update(start=row["start"], between=span(range(row["first"], row["last"] + 1)),
                          rmspe=fmt.number(row["rmspe"], 1))
        needed = words.placeholders(words.catalogue(fmt.language)[f"sensitivity.{key}"])
        label = words.text(fmt.language, f"sensitivity.{key}", **{k: v for k, v in values.items() if k in needed})
        if not row["identified"]:
            text = words.text(fmt.language, "sensitivity.unidentified")
        elif row["unit"] == "percent":
            text = fmt.percent(row["values"][0], 1, signed=True)
        elif len(row["values"]) == 2:
            text = f"{fmt.signed(row['values'][0], 1)} {to} {fmt.signed(row['values'][1], 1)}"
        else:
            text = fmt.signed(row["values"][0], 1)
        out.append((label, text))
    return out


def _name_of(code: str) -> str:
    try:
        return regions.region_name(code)
    except Exception:  # a unit of a hand-made panel that is no kommune: its code is its name
        return code


WEIGHTED_SHOWN = 5  # the municipalities of the synthetic control the text names, the largest weights first


def glue_values(analysis: Analysis, config: ReportConfig, fmt, name) -> dict:
    """The values chapter 4 and the summary print about the effect; `name(code)` names a municipality.

    Every number names its window: `effect_post_years` (the programme years) for `effect_points`,
    `effect_p`, `effect_interval`; `effect_after_years` for `effect_after_points`;
    `effect_in_time_years` for the in-time placebo. See the module's README section for the list."""
    main = analysis.main
    significance = config.effect.significance
    to, conjunction = words.text(fmt.language, "words.to"), words.text(fmt.language, "words.and")
    interval = main.interval
    bounded = interval is not None and interval.low is not None and interval.high is not None and not interval.empty
    weighted = sorted(((w, u) for u, w in main.weights.items() if w >= 0.005), reverse=True)
    fit = list(analysis.fit_years)
    post = list(analysis.post_years)
    points = estimate_range(analysis, "points")
    percent = estimate_range(analysis, "percent")
    table = {row["key"]: row for row in sensitivity_table(analysis)}
    unidentified = [key for key, row in table.items() if not row["identified"]]
    loo = table.get("leave_one_out")
    in_time = table.get("in_time")
    after = main.windows.get("after")
    placebo = main.placebo
    values = {
        "effect_available": True,
        "effect_identified": bool(main.identified),
        "effect_points": fmt.number(abs(main.att), 1) if main.identified else None,
        "effect_higher": main.att > 0,
        "effect_pre_rmspe": fmt.number(main.pre_rmspe, 1),
        "effect_exact_fit": main.pre_rmspe < 0.05,  # rounds to 0,0: say "less than 0,1" instead
        "effect_prediction_rmspe": fmt.number(main.prediction_rmspe, 1) if main.prediction_rmspe is not None else None,
        "effect_fit_years": fmt.years(fit[0], fit[-1]),
        "effect_fit_count": fmt.number_word(len(fit)),
        "effect_post_years": fmt.years(post[0], post[-1]),
        "effect_after_years": fmt.years(after["first"], after["last"]) if after and after["years"] > 1
        else (str(after["first"]) if after else None),
        "effect_after_points": fmt.signed(after["mean_gap"], 1) if after and main.identified else None,
        "effect_donors": fmt.number(len(analysis.donors)),
        "effect_weighted": fmt.join([name(u) for _, u in weighted[:WEIGHTED_SHOWN]], conjunction),
        "effect_weighted_count": fmt.number_word(len(weighted)),
        "effect_weighted_one": len(weighted) == 1,  # «én kommune», not «ett kommuner»
        "effect_weighted_all": len(weighted) <= WEIGHTED_SHOWN,  # else the text says «de fem største»
        "effect_weighted_shown": fmt.number_word(min(len(weighted), WEIGHTED_SHOWN)),
        "effect_excluded": "; ".join(f"{name(code)}: {reason}" for code, reason in analysis.excluded.items()
                                     if code in config.donors_left_out([*analysis.donors, *analysis.excluded]))
                            or None,
        "effect_rank": fmt.number(placebo.rank) if placebo else None,
        "effect_units": fmt.number(placebo.units) if placebo else None,
        "effect_p": fmt.number(placebo.p_value, 2) if placebo else None,
        "effect_clear": bool(placebo and placebo.p_value <= significance),
        "effect_studentised": bool(placebo and placebo.statistic == "studentised_att"),
        "effect_significance": fmt.number(significance, 2),
        "effect_interval": (f"{fmt.signed(interval.low, 1)} {to} {fmt.signed(interval.high, 1)}" if bounded else None),
        "effect_level": fmt.number(interval.level * 100) if interval else None,
        "effect_range": f"{fmt.signed(points[0], 1)} {to} {fmt.signed(points[1], 1)}" if points else None,
        "effect_range_did": (f"{fmt.percent(percent[0], 1, signed=True)} {to} {fmt.percent(percent[1], 1, signed=True)}"
                             if percent and percent[0] != percent[1]
                             else (fmt.percent(percent[0], 1, signed=True) if percent else None)),
        "effect_unidentified_rows": len(unidentified),
        "effect_loo_low": fmt.signed(loo["values"][0], 1) if loo else None,
        "effect_loo_high": fmt.signed(loo["values"][1], 1) if loo else None,
        "effect_loo_most": name(loo["most"]) if loo else None,
        "effect_loo_most_weight": fmt.percent(main.weights.get(loo["most"], 0.0) * 100, 0) if loo else None,
        "effect_loo_without_most": fmt.signed(loo["without_most"], 1) if loo else None,
        "effect_in_time": (fmt.signed(in_time["max_abs_gap"], 1) if in_time and in_time["identified"] else None),
        "effect_in_time_max": (fmt.number(abs(in_time["max_abs_gap"]), 1) if in_time and in_time["identified"] else None),
        "effect_in_time_year": str(in_time["max_abs_year"]) if in_time else None,
        "effect_in_time_rmspe": fmt.number(in_time["rmspe"], 1) if in_time and in_time["identified"] else None,
        "effect_in_time_start": str(in_time["start"]) if in_time else None,
        "effect_in_time_years": fmt.years(in_time["first"], in_time["last"]) if in_time else None,
        "effect_did_pool": fmt.percent((math.exp(analysis.did_pool.att) - 1) * 100, 1, signed=True)
                           if analysis.did_pool else None,
        "effect_series_break": str(analysis.series_break) if analysis.series_break else None,
        "effect_series_break_before": str(analysis.series_break - 1) if analysis.series_break else None,
        "effect_data_synthetic": analysis.data_status != "published",
    }
    values.update(_did_glue(analysis, fmt, name, conjunction))
    return values


def _did_glue(analysis: Analysis, fmt, name, conjunction) -> dict:
    """The DiD cross-check against the comparison municipalities that stay in the donor pool, under
    the names chapter 4 used (did_*); `did_available` False when every comparison municipality is
    left out for spill-over (`did_left_out` names them)."""
    facts = analysis.did_facts
    left_out = fmt.join([name(c) for c in analysis.did_left_out], conjunction) or None
    if facts is None:
        names = ("did_controls", "did_pre", "did_post", "did_treated_change", "did_comparison_change", "did_estimate",
                 "did_better", "did_placebo_count", "did_placebo_possible", "did_placebo_rank", "did_trend_known",
                 "did_trend_years", "did_trend_gap", "did_trend_stronger")
        return {"did_available": False, "did_left_out": left_out, **dict.fromkeys(names)}
    trend = facts["trend"]
    pre, post = facts["pre_years"], facts["post_years"]
    return {
        "did_available": True, "did_left_out": left_out,
        "did_controls": fmt.join([name(c) for c in facts["controls"]], conjunction),
        "did_pre": fmt.years(*pre) if pre[0] != pre[1] else str(pre[0]),
        "did_post": fmt.years(*post),
        "did_treated_change": fmt.percent(facts["treated_change_pct"], 1, signed=True),
        "did_comparison_change": fmt.percent(facts["controls_change_pct"], 1, signed=True),
        "did_estimate": fmt.percent(facts["estimate_pct"], 1, signed=True),
        "did_better": facts["estimate_pct"] > 0,
        "did_placebo_count": fmt.number_word(len(facts["placebo_pct"])),
        "did_placebo_possible": len(facts["placebo_pct"]) > 0,
        "did_placebo_rank": fmt.number_word(facts["placebo_at_least_as_large"]),
        "did_trend_known": trend is not None,
        "did_trend_years": fmt.years(trend["first"], trend["last"]) if trend else None,
        "did_trend_gap": fmt.number(abs(trend["gap_pct"]), 1) if trend else None,
        "did_trend_stronger": bool(trend["gap_pct"] > 0) if trend else None,
    }
