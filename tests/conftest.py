"""Shared fixtures: a private copy of the project, so tests never touch the developer's build/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support import copy_project

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the development tools in dev/ (sample generators, benchmarks)
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A fresh copy of the project, made the project root for this test."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("EVALREPORT_ROOT", str(root))
    return root


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project with the bundled report built once for the whole session."""
    from support import build_report

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVALREPORT_ROOT", str(root))
        build_report("reports/vestre_toten.yaml")
    return root
