"""Project paths, resolved from the project root in this one place."""

from __future__ import annotations

import os
from pathlib import Path


def find_project_root(start: Path | None = None) -> Path:
    """Return the folder holding pyproject.toml, searched upwards from `start`.

    EVALREPORT_ROOT overrides the search, so that tests can build a copy of the project.
    """
    override = os.environ.get("EVALREPORT_ROOT")
    if override:
        return Path(override).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "report_templates").is_dir():
            return folder
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / "pyproject.toml").is_file():
        return package_root
    raise FileNotFoundError(
        f"No evalreport project found above {here}: run from the project folder or set EVALREPORT_ROOT."
    )


def resolve(path: str | Path, root: Path | None = None) -> Path:
    """Resolve a path written relative to the project root."""
    path = Path(path)
    if path.is_absolute():
        return path
    return (root or find_project_root()) / path


TEMPLATES_DIR_NAME = "report_templates"
