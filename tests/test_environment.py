"""The pip, lock and conda descriptions of the environment must not drift apart."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def pyproject_pins() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["test"])


def test_every_dependency_is_pinned():
    assert all("==" in pin for pin in pyproject_pins())


def test_conda_environment_lists_the_same_pins():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert {p for p in pip_section if not p.startswith("-e")} == pyproject_pins()


def test_lock_file_holds_each_pin_at_the_same_version():
    lock = {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
            for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
            if "==" in line and not line.startswith("#")}
    for pin in pyproject_pins():
        name, version = pin.split("==")
        assert lock.get(name.lower().replace("_", "-")) == version, pin
