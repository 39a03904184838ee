"""What the tests share: a private copy of the project, and the build and check called as the
command line calls them (on the project named by EVALREPORT_ROOT, as the tests' fixtures set it)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(target: Path, root: Path = ROOT) -> Path:
    """Copy what a build reads (not src/: the installed package is used) into `target`."""
    from evalreport.project import Project

    return Project(root).copy_to(target).root


def build_report(config: str = "reports/vestre_toten.yaml", jobs: int | None = None, draft: bool = False):
    """Build the report configured in `config` (relative to the project) of the current test project."""
    from evalreport.pipeline.build import build_report as build
    from evalreport.project import Project

    project = Project.find()
    return build(project, project.resolve(config), jobs=jobs, draft=draft)


def load_case(config: str = "reports/vestre_toten.yaml"):
    """Check the configuration and read the case, as `make check` does."""
    from evalreport.config import load_config
    from evalreport.datasets import load_case as load
    from evalreport.project import Project

    project = Project.find()
    loaded = load_config(project.resolve(config), config)
    return load(loaded, project.resolve(loaded.data_dir), project.relative)


def load_config(config: str = "reports/vestre_toten.yaml"):
    from evalreport.config import load_config as load
    from evalreport.project import Project

    return load(Project.find().resolve(config), config)
