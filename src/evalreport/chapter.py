"""What every chapter notebook starts with: the checked configuration, the validated data and
the formatter of the report's language."""

from __future__ import annotations

from evalreport.config import ReportConfig, load_config
from evalreport.datasets import Case, load_case
from evalreport.formatting import Formatter, for_language


def load(config_file: str) -> tuple[ReportConfig, Case, Formatter]:
    """Return (config, case, fmt) for the report configured in `config_file`."""
    config = load_config(config_file)
    return config, load_case(config), for_language(config.language)
