"""Tables and figures as they appear in the report: caption, content, source.

An exhibit displays itself in a notebook (`_repr_html_`), so a chapter's cell only has to return
it. The renderer numbers exhibits across the whole report ("Figur 3", "Tabell 2") in page order.
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Exhibit:
    """A numbered table or figure with its caption and source."""

    kind: str  # "table" or "figure"
    caption: str
    body_html: str
    source: str
    source_label: str = "Kilde"
    note: str = ""
    long: bool = False  # a long table may run over pages; its header row repeats

    def _repr_html_(self) -> str:
        note = f'<p class="er-note">{html.escape(self.note)}</p>' if self.note else ""
        return (
            f'<figure class="er-exhibit er-{self.kind}{" er-long" if self.long else ""}">'
            f'<figcaption><span class="er-label" data-kind="{self.kind}"></span>'
            f'<span class="er-caption">{html.escape(self.caption)}</span></figcaption>'
            f"{self.body_html}"
            f'<p class="er-source">{html.escape(self.source_label)}: {html.escape(self.source)}</p>'
            f"{note}</figure>"
        )
