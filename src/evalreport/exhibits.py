"""Tables and figures as they appear in the report: caption, content, source; and how they look.

The markup is the project's: Jinja templates in `report_templates/evalreport/exhibits/` (the
exhibit's frame, a table, a chart), and the charts' style is `report_templates/evalreport/
charts.mplstyle`, set in the report's shipped fonts. `Look` names that folder; the functions of
`tables` and `figures` take it and only compute. An exhibit displays itself in a notebook
(`_repr_html_`), so a chapter's cell only has to return it. The renderer numbers exhibits across
the whole report ("Figur 3", "Tabell 2") in page order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from evalreport.project import CHART_STYLE, TEMPLATE_FOLDER


@dataclass(frozen=True)
class Look:
    """How a report's exhibits look: its templates folder (the project's `report_templates/`)."""

    templates: Path

    @property
    def folder(self) -> Path:
        return self.templates / TEMPLATE_FOLDER

    @property
    def fonts(self) -> Path:
        return self.templates / "fonts"

    @property
    def chart_style(self) -> Path:
        return self.folder / CHART_STYLE

    def html(self, template: str, **context) -> str:
        """Render `template` (relative to report_templates/evalreport/); text is escaped, `Markup` is not."""
        return environment(str(self.folder)).get_template(template).render(**context)


@lru_cache(maxsize=8)
def environment(folder: str) -> jinja2.Environment:
    """One template environment per folder (Jinja compiles a template once, again when its file changes)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=False)


@dataclass(frozen=True)
class Exhibit:
    """A numbered table or figure with its caption and source, and its markup."""

    kind: str  # "table" or "figure"
    caption: str
    body_html: str
    source: str
    source_label: str
    look: Look
    note: str = ""
    long: bool = False  # a long table may run over pages; its header row repeats

    def _repr_html_(self) -> str:
        return self.look.html("exhibits/exhibit.html.j2", kind=self.kind, caption=self.caption,
                              body=Markup(self.body_html), source=self.source, source_label=self.source_label,
                              note=self.note, long=self.long)
