"""What each standard chapter computes: one module per chapter, each giving the values its text prints.

A chapter notebook's first code cell (after its parameters) loads the report, calls its module here
and glues what it returns; its tables and figures follow, one labelled cell each. The values are
computed by pure functions of hand-made-able inputs (key figures, frames, estimates), unit-tested
in tests/unit/test_chapters.py. A chapter that prints a value computes it itself, from the same
function as any other chapter that prints it (two chapters may glue one name only with one value).
"""

from evalreport.chapters import (appendix, employment, goals, introduction, other_indicators, process, statements,
                                 summary)

__all__ = ["appendix", "employment", "goals", "introduction", "other_indicators", "process", "statements",
           "summary"]
