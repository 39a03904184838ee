"""The build state of one report: what its last build was made from, for the next to reuse.

`build/.work/<name>/state.json` records the validated case and the effect analysis (with the key
they were made under), each chapter's last run, each rendered fragment, and the published outputs
with the document key they were built under. This module is its one reader and its one writer.
A state of another format, or one that cannot be read, is an empty state: everything is made again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from evalreport.files import write_text
from evalreport.pipeline import fingerprint
from evalreport.pipeline.plan import FORMAT, Plan

STATE_FILE = "state.json"


@dataclass
class BuildState:
    """What the last build of a report left to reuse, and what it published."""

    case: dict = field(default_factory=dict)  # {"key", "sample", "store", "effect"}
    chapters: dict = field(default_factory=dict)  # stem -> {"key", "sha256"} of its executed notebook
    fragments: dict = field(default_factory=dict)  # stem -> {"key", "sha256", "prose"} of its rendered fragment
    document_key: str | None = None  # the plan's document key of the published outputs
    outputs: dict = field(default_factory=dict)  # suffix -> sha256 of the published file
    pages: int = 0

    @classmethod
    def read(cls, plan: Plan) -> BuildState:
        try:
            data = json.loads((plan.work / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        return cls(**{name: data[name] for name in ("case", "chapters", "fragments", "document_key", "outputs",
                                                    "pages") if name in data})

    def up_to_date(self, plan: Plan, suffixes: tuple[str, ...]) -> bool:
        """Whether the published outputs are exactly those a build of `plan` would write."""
        return (self.document_key == plan.document_key and set(self.outputs) == set(suffixes)
                and all(plan.output(s).is_file() and fingerprint.hash_file(plan.output(s)) == self.outputs[s]
                        for s in suffixes))

    def reusable(self, plan: Plan, case_facts: dict, chapter_keys: dict[str, str], fragments: dict) -> BuildState:
        """This state with what a build just made that the next may reuse; the published outputs as before."""
        chapters = {c.stem: {"key": chapter_keys[c.stem], "sha256": fingerprint.hash_file(plan.executed(c))}
                    for c in plan.chapters if c.is_notebook}
        case = {**case_facts, "store": str(case_facts["store"]), "effect": str(case_facts["effect"])}
        return BuildState(case, chapters, fragments, self.document_key, dict(self.outputs), self.pages)

    def published(self, plan: Plan, suffixes: tuple[str, ...], pages: int) -> BuildState:
        """This state with the outputs just published, for the next build to find up to date."""
        outputs = {s: fingerprint.hash_file(plan.output(s)) for s in suffixes}
        return BuildState(self.case, self.chapters, self.fragments, plan.document_key, outputs, pages)

    def write(self, plan: Plan) -> None:
        data = {"format": FORMAT, "case": self.case, "chapters": self.chapters, "fragments": self.fragments,
                "document_key": self.document_key, "outputs": self.outputs, "pages": self.pages}
        write_text(plan.work / STATE_FILE, json.dumps(data, indent=2, sort_keys=True))
