"""The result of an effect estimate, the same for every method: what was estimated, how sure we
can be, how well the comparison fitted before the programme, and how the answer moves when the
choices behind it change. It serialises to JSON and back."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RankTest:
    """Where the treated unit's statistic ranks among all units (1 = most extreme)."""

    rank: int
    units: int
    p_value: float  # rank / units: the share of units at least as extreme as the treated one


@dataclass(frozen=True)
class PlaceboTest:
    """Placebo-in-space inference: every donor in turn treated as if it had had the programme.

    `statistic` names what is ranked: "studentised_att" (|mean gap over the effect window| over the
    unit's cross-validated pre-period RMSPE, `scale`), "ratio" (post/pre-period MSPE, the declared
    noise-floor option) or "abs_att" (the size of the estimate, difference-in-differences). `values` holds it for every
    unit, the treated one included; `pre_mspe` the pre-period fit of each. `excluded` repeats the
    test without the placebos whose pre-period MSPE exceeds a multiple of the treated unit's,
    keyed by that multiple ("2x", "5x", "20x").
    """

    rank: int
    units: int
    p_value: float
    statistic: str
    values: dict[str, float]
    pre_mspe: dict[str, float]
    excluded: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps: dict[str, dict[int, float]] = field(default_factory=dict)  # each placebo's gap by time, for the figure
    scale: dict[str, float] = field(default_factory=dict)  # each unit's cross-validated pre-period RMSPE


@dataclass(frozen=True)
class Interval:
    """A confidence set for a constant effect, from inverting the placebo test.

    `low`/`high` are None when the test cannot reject any effect at this level (too few units),
    and `empty` is True when it rejects every constant effect (the gaps are not constant).
    """

    level: float
    low: float | None
    high: float | None
    method: str
    empty: bool = False


@dataclass(frozen=True)
class EffectResult:
    """One effect estimate. `att` is the mean gap over the post-period, in outcome units (or in
    log points when `scale` is "log"); `gap` is treated minus counterfactual for every time."""

    method: str
    treated: str
    start: int
    outcome: str
    scale: str
    att: float
    gap: dict[int, float]
    pre_rmspe: float
    fit_rmspe: float | None = None  # over the years that chose the weights
    weights: dict[str, float] = field(default_factory=dict)
    v_weights: dict[str, float] | None = None
    predictors: dict[str, dict[str, float]] = field(default_factory=dict)
    placebo: PlaceboTest | None = None
    interval: Interval | None = None
    event_study: dict[int, dict[str, float | None]] = field(default_factory=dict)
    sensitivity: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    effect_years: tuple[int, ...] = ()  # the window `att` is the mean gap over
    windows: dict[str, dict[str, Any]] = field(default_factory=dict)  # "effect", "after": first, last, mean_gap
    identified: bool = True  # False: another equally good, equally penalised fit gives another att
    att_range: tuple[float, float] | None = None  # att over every such fit
    prediction_rmspe: float | None = None  # the treated unit's cross-validated pre-period RMSPE

    @property
    def post_years(self) -> list[int]:
        """The years `att` is about: the effect window."""
        return list(self.effect_years) or [t for t in self.gap if t >= self.start]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: times as string keys, NaN and infinity as null."""
        data = asdict(self)
        data["gap"] = {str(t): g for t, g in self.gap.items()}
        data["event_study"] = {str(t): row for t, row in self.event_study.items()}
        if self.placebo is not None:
            placebo = data.pop("placebo")
            values = placebo.pop("values")
            data["placebo"] = {"rank": placebo["rank"], "units": placebo["units"],
                               "p_value": placebo["p_value"], "statistic": placebo["statistic"],
                               placebo["statistic"]: values, "pre_mspe": placebo["pre_mspe"],
                               "excluded": placebo["excluded"], "scale": placebo["scale"],
                               "gaps": {u: {str(t): g for t, g in gaps.items()} for u, gaps in placebo["gaps"].items()}}
        data["notes"] = list(self.notes)
        return _finite(data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EffectResult:
        data = dict(data)
        data["gap"] = {int(t): _number(g) for t, g in data["gap"].items()}
        data["event_study"] = {int(t): row for t, row in data.get("event_study", {}).items()}
        placebo = data.get("placebo")
        if placebo is not None:
            statistic = placebo["statistic"]
            data["placebo"] = PlaceboTest(
                rank=placebo["rank"], units=placebo["units"], p_value=placebo["p_value"],
                statistic=statistic, values={u: _number(v) for u, v in placebo[statistic].items()},
                pre_mspe={u: _number(v) for u, v in placebo["pre_mspe"].items()},
                excluded=placebo["excluded"], scale={u: _number(v) for u, v in placebo.get("scale", {}).items()},
                gaps={u: {int(t): _number(g) for t, g in gaps.items()} for u, gaps in placebo.get("gaps", {}).items()})
        if data.get("interval") is not None:
            data["interval"] = Interval(**data["interval"])
        data["notes"] = tuple(data.get("notes", ()))
        data["effect_years"] = tuple(data.get("effect_years", ()))
        if data.get("att_range") is not None:
            data["att_range"] = tuple(data["att_range"])
        return cls(**data)


def _number(value: float | None) -> float:
    return math.inf if value is None else float(value)


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null (an infinite ratio is a perfect pre-fit)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
