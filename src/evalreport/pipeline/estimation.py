"""Estimate the programme's effect once per build, before the chapters, and keep it for them.

The synthetic control with its placebo runs is the one heavy computation of a report: here it can
use every core (or a Dask cluster's workers, through `executor`), while the chapters only present
it. It depends on the case alone (the data, the configuration, the code), so it is reused while
the case is, and only if its file still matches its digest.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from evalreport import casestore, effect
from evalreport.errors import DatasetError

log = logging.getLogger(__name__)


def estimate_effect(plan, case_facts: dict, previous: dict, workers: int = 1, executor=None) -> Path:
    """The stored effect analysis of the report: reused if the case is unchanged and the file intact."""
    stored = Path(previous.get("effect", "") or "")
    if previous.get("key") == case_facts["key"] and stored.parent == plan.work and effect.verify(stored):
        return stored
    # Said only when the case is the same: after a change of data estimating again is no news.
    if previous.get("key") == case_facts["key"] and stored.name and stored.parent == plan.work and stored.exists():
        log.info("  note: the stored effect analysis was changed or damaged; estimating again")
    started = time.perf_counter()
    config, case, _ = casestore.read(Path(case_facts["store"]))
    try:
        analysis = effect.analyse(config, case, workers=workers, executor=executor)
    except ValueError as exc:  # data the estimate cannot use, named by the analysis
        raise DatasetError(f"the effect estimate of chapter 4 cannot be made: {exc}") from None
    for stale in plan.work.glob("effect-*.json"):
        stale.unlink()
    path = effect.write(plan.work, analysis)
    log.info("estimated the effect on employment: synthetic control of %d donors with placebos (%.1f s)",
             len(analysis.donors), time.perf_counter() - started)
    return path
