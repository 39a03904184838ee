"""Chapter 90, the appendix (Vedlegg): every dataset, how each was made, and the methods."""

from __future__ import annotations


def values(provenance: dict) -> dict:
    """Each dataset's title, file and how it was made, in the order of datasets.yaml."""
    return {"datasets": [{"title": p.title, "file": p.file, "method": p.method} for p in provenance.values()]}
