"""Chapter 90, the appendix (Vedlegg): every dataset, how each was made, and the methods, with what
the Monte Carlo of the effect estimate found (`make validate-method`)."""

from __future__ import annotations

import json
from importlib import resources

from evalreport.formatting import Formatter

VALIDATION = "method_validation.json"  # written by `make validate-method` (dev/validate_method.py)


def values(provenance: dict, fmt: Formatter | None = None, validation: dict | None = None,
           series_break: int | None = None) -> dict:
    """Each dataset's title, file and how it was made, in the order of datasets.yaml; the year of the
    break the effect estimate bridges (the configuration's effect.series_break); and, with `fmt`, the
    validation's figures as the text prints them (`validation` defaults to the shipped one)."""
    found = {"datasets": [{"title": p.title, "file": p.file, "method": p.method} for p in provenance.values()],
             "method_series_break": str(series_break) if series_break else None}
    if fmt is not None:
        validation = validation or read_validation()
        found["validation_available"] = validation is not None
        found.update(validation_values(validation, fmt) if validation else dict.fromkeys(VALIDATION_NAMES))
    return found


VALIDATION_NAMES = ("validation_replications", "validation_designs", "validation_significance", "validation_level",
                    "validation_size_low", "validation_size_high", "validation_coverage_low",
                    "validation_coverage_high")


def read_validation() -> dict | None:
    """The shipped figures, or None in a checkout where `make validate-method` has not written them yet
    (a test makes sure the product ships them, made by the estimator's current code)."""
    path = resources.files("evalreport.resources").joinpath(VALIDATION)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def validation_values(validation: dict, fmt: Formatter) -> dict:
    """The range over the designs of the test's size and of the interval's coverage, the number of
    designs and replications, and the levels they were measured at."""
    designs = validation["designs"].values()
    sizes = [d["size"] for d in designs]
    coverages = [d["coverage"] for d in designs]
    return {"validation_replications": fmt.number(validation["replications"]),
            "validation_designs": fmt.number_word(len(validation["designs"])),
            "validation_significance": fmt.number(validation["significance"], 2),
            "validation_level": fmt.number(validation["interval_level"] * 100),
            "validation_size_low": fmt.number(min(sizes), 2), "validation_size_high": fmt.number(max(sizes), 2),
            "validation_coverage_low": fmt.number(min(coverages), 2),
            "validation_coverage_high": fmt.number(max(coverages), 2)}
