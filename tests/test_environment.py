"""The pip, lock and conda descriptions of the environment must not drift apart."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+$")  # name==version, nothing looser


def pyproject_pins() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["test"])


def lock_lines() -> list[str]:
    return [line.strip() for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def test_every_dependency_is_pinned():
    assert all("==" in pin for pin in pyproject_pins())


def test_every_line_of_the_lock_is_an_exact_pin():
    loose = [line for line in lock_lines() if not PIN.match(line)]
    assert not loose, loose


def test_conda_environment_installs_exactly_the_lock_then_the_package():
    # Every package the lock pins, at its version (the whole tree, not only the direct dependencies),
    # so that a conda build lays out the PDF with the same libraries as 'make setup'. conda runs pip
    # in the folder of environment.yml, where requirements.lock lies.
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-r requirements.lock", "-e ."]
    assert (ROOT / "requirements.lock").is_file()


def test_lock_file_holds_each_pin_at_the_same_version():
    lock = {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1] for line in lock_lines()}
    for pin in pyproject_pins():
        name, version = pin.split("==")
        assert lock.get(name.lower().replace("_", "-")) == version, pin
