"""Shared fixtures: a private copy of the project, so tests never touch the developer's build/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ["pyproject.toml", "notebooks", "reports", "data", "report_templates"]


def copy_project(target: Path) -> Path:
    """Copy what a build reads (not src/: the installed package is used) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A fresh copy of the project, made the project root for this test."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("EVALREPORT_ROOT", str(root))
    return root


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project with the bundled report built once for the whole session."""
    from evalreport.build import build_report

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVALREPORT_ROOT", str(root))
        build_report("reports/vestre_toten.yaml")
    return root
