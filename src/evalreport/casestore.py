"""A validated case kept for the chapters of one build, as JSON named by its digest (see stores).

The build validates the data once and hands every chapter the file (a papermill parameter), so
that the chapters don't read and validate the same files again.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd

from evalreport import stores
from evalreport.config import ReportConfig
from evalreport.datasets import Case, Provenance
from evalreport.stores import DamagedStore

FORMAT = 1
PREFIX = "case"

__all__ = ["DamagedStore", "read", "verify", "write"]


def _frame_to_json(frame: pd.DataFrame) -> dict:
    def plain(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        return value.item() if hasattr(value, "item") else value

    return {"columns": list(frame.columns), "dtypes": {c: str(t) for c, t in frame.dtypes.items()},
            "data": [[plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]}


def _frame_from_json(stored: dict) -> pd.DataFrame:
    frame = pd.DataFrame(stored["data"], columns=stored["columns"])
    for column, dtype in stored["dtypes"].items():
        if dtype in ("int64", "float64", "bool"):
            frame[column] = frame[column].astype(dtype)
        else:
            frame[column] = frame[column].astype("str").where(frame[column].notna(), None)
    return frame


def write(folder: Path, key: str, config: ReportConfig, case: Case) -> Path:
    """Write the case into `folder` atomically; return its path (named by its digest)."""
    payload = {
        "format": FORMAT, "key": key, "config": config.model_dump(mode="json"),
        "provenance": {name: dataclasses.asdict(p) for name, p in case.provenance.items()},
        "frames": {f.name: _frame_to_json(getattr(case, f.name)) for f in dataclasses.fields(Case)
                   if f.name != "provenance"},
    }
    return stores.write(folder, PREFIX, payload)


def verify(path: Path) -> bool:
    """Whether the stored case is intact: its content matches the digest in its name."""
    return stores.verify(path, PREFIX)


def read(path: Path) -> tuple[ReportConfig, Case, str]:
    """Return (config, case, key) from a stored case; raise DamagedStore if it was altered."""
    payload = stores.read(path, PREFIX, "case")
    try:
        if payload.get("format") != FORMAT:
            raise DamagedStore(f"{path.name}: written by another version of evalreport")
        config = ReportConfig.model_validate(payload["config"])
        frames = {name: _frame_from_json(stored) for name, stored in payload["frames"].items()}
        provenance = {name: Provenance(**record) for name, record in payload["provenance"].items()}
        return config, Case(provenance=provenance, **frames), payload["key"]
    except DamagedStore:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # not a stored case
        raise DamagedStore(f"{path.name}: not a stored case ({type(exc).__name__})") from None
