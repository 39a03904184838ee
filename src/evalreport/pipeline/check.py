"""Check every input of a report before any kernel starts, and keep the validated case for the chapters."""

from __future__ import annotations

import logging
from pathlib import Path

from evalreport import casestore

log = logging.getLogger(__name__)


def check_case(plan, previous: dict) -> dict:
    """Validate the case (or reuse the last build's verdict when nothing it depends on changed) and
    return what the build needs of it: {"key", "sample", "store"}.

    The check depends only on the data, the configuration and the code; a stored case is reused only
    when its content still matches its digest, and is validated and written again otherwise.
    """
    key = plan.case_key
    store = Path(previous.get("store", ""))
    if previous.get("key") == key and previous.get("store") and store.parent == plan.work:
        if casestore.verify(store):
            return {"key": key, "sample": previous["sample"], "store": store}
        log.info("  note: the stored case %s was damaged or changed; checking the data again", store.name)
    from evalreport.datasets import load_case

    case = load_case(plan.config, plan.data_dir, plan.project.relative)
    for stale in plan.work.glob("case-*.json"):
        stale.unlink()
    store = casestore.write(plan.work, key, plan.config, case)
    return {"key": key, "sample": case.is_sample, "store": store}
