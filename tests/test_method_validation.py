"""The proof shipped with the product (issue 19): the Monte Carlo's figures that the report's
appendix states were made by `make validate-method` with the estimator as it is now, and meet the
goals: size within 0.05-0.15 at the nominal 0.10 and coverage of the 90 % interval of at least 0.85
in every design."""

from __future__ import annotations

from dev import validate_method
from evalreport.chapters import appendix
from evalreport.formatting import Formatter


def test_the_shipped_figures_are_of_the_estimator_as_it_is_now():
    shipped = appendix.read_validation()
    assert shipped is not None, "src/evalreport/resources/method_validation.json is missing: run make validate-method"
    assert shipped["procedure"] == validate_method.procedure_fingerprint(), (
        "the estimator changed since its figures were made: run make validate-method and commit the JSON it writes")


def test_the_shipped_figures_meet_the_goals():
    shipped = appendix.read_validation()
    assert shipped["replications"] >= 200 and len(shipped["designs"]) >= 3
    for design, figures in shipped["designs"].items():
        assert 0.05 <= figures["size"] <= 0.15, (design, figures)
        assert figures["coverage"] >= 0.85, (design, figures)


def test_the_appendix_prints_the_ranges_over_the_designs():
    made_up = {"replications": 250, "significance": 0.1, "interval_level": 0.9,
               "designs": {"a": {"size": 0.12, "coverage": 0.88}, "b": {"size": 0.056, "coverage": 0.944},
                           "c": {"size": 0.088, "coverage": 0.912}}}
    values = appendix.validation_values(made_up, Formatter("nb"))
    assert values["validation_size_low"] == "0,06" and values["validation_size_high"] == "0,12"
    assert values["validation_coverage_low"] == "0,88" and values["validation_coverage_high"] == "0,94"
    assert values["validation_designs"] == "tre" and values["validation_replications"] == "250"
    assert values["validation_level"] == "90" and values["validation_significance"] == "0,10"
