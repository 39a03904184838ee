"""What every chapter notebook starts with: the checked configuration, the validated data and
the formatter of the report's language."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from evalreport.config import ReportConfig, load_config
from evalreport.formatting import for_language

CASE_CACHE_VARIABLE = "EVALREPORT_CASE_CACHE"


def store_case(path: Path, key: str, config: ReportConfig, case) -> None:
    """Keep a validated case for the chapters of this build (see load); `key` fingerprints the
    data, configuration and code it was validated from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump({"key": key, "config": config, "case": case}, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def load(config_file: str):
    """Return (config, case, fmt) for the report configured in `config_file`.

    Under `make report` the build has validated the case already and says where it keeps it (a
    file named by the fingerprint of what it was validated from); a chapter run on its own (in
    JupyterLab) reads and validates the data itself.
    """
    config = load_config(config_file)
    cached = os.environ.get(CASE_CACHE_VARIABLE)
    if cached and Path(cached).is_file():
        with open(cached, "rb") as f:
            payload = pickle.load(f)  # noqa: S301 - written by this build, in its own work folder
        if payload["config"] == config and Path(cached).stem == f"case-{payload['key'][:24]}":
            return config, payload["case"], for_language(config.language)
    from evalreport.datasets import load_case

    return config, load_case(config), for_language(config.language)
