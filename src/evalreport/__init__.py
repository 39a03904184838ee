"""evalreport: the final evaluation report of a Norwegian municipal restructuring programme."""

__version__ = "0.1.0"
