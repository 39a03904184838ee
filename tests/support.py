"""What the tests share: a private copy of the project, a copy of the session's warm build, the build
and check called as the command line calls them, and the command line run as the analyst runs it.

The project a helper works on is `root` when given, else the project of the working directory, as
for the command line: the `project` and `warm_project` fixtures make their copy the working
directory of the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = "reports/vestre_toten.yaml"
EVALREPORT = str(Path(sys.executable).with_name("evalreport"))

# Where the tools a build starts keep their caches, configuration and runtime files, each under the
# session's temporary folder: nothing is written into the home folder, and nothing the developer
# (or an earlier run) left there changes a result. conftest.py sets them before any test module is
# imported (matplotlib reads MPLCONFIGDIR when it is first imported).
HERMETIC = {
    "EVALREPORT_CACHE": "evalreport",  # the font subsets (pipeline/fontcache.py)
    "XDG_CACHE_HOME": "xdg/cache",  # fontconfig's cache, and the fonts' without EVALREPORT_CACHE
    "XDG_CONFIG_HOME": "xdg/config",  # fontconfig's and Dask's user configuration
    "XDG_DATA_HOME": "xdg/data",
    "XDG_STATE_HOME": "xdg/state",
    "MPLCONFIGDIR": "matplotlib",  # matplotlib's font list and configuration
    "IPYTHONDIR": "ipython",  # the kernels' profile and history database
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",  # kernel specifications: only the environment's own
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",  # the kernels' connection files
    "PIP_CACHE_DIR": "pip",  # the wheel the packaging test builds and installs
    "DASK_CONFIG": "dask",  # Dask's configuration files
    # pip runs `rustc --version` for its user agent; where rustc is rustup's shim, that writes its
    # settings into RUSTUP_HOME (~/.rustup).
    "RUSTUP_HOME": "rustup",
}


def bare_environment() -> dict[str, str]:
    """A bare environment (PATH of the system only), with the session's cache folders and home."""
    return {"PATH": "/usr/bin:/bin", **{name: os.environ[name] for name in (*HERMETIC, "HOME") if name in os.environ}}


def _project(root: Path | None):
    from evalreport.project import Project

    return Project(Path(root)) if root is not None else Project.find()


def copy_project(target: Path, root: Path = ROOT) -> Path:
    """Copy what a build reads (not src/: the installed package is used) into `target`."""
    from evalreport.project import Project

    return Project(root).copy_to(target).root


def copy_built(source: Path, target: Path) -> Path:
    """A copy of a built project at `target`, as up to date as `source` is.

    The outputs in build/ are relative links into build/.work/, copied as links. The build state
    names the validated case and the effect analysis by their full paths, which must be those of
    the copy (the build takes nothing from another project's folder); nothing else in it names a
    place.
    """
    shutil.copytree(source, target, symlinks=True)
    for state in (target / "build" / ".work").glob("*/state.json"):
        text = state.read_text(encoding="utf-8")
        state.write_text(text.replace(f'"{source}/', f'"{target}/'), encoding="utf-8")
    return target


def build_report(config: str = CONFIG, jobs: int | None = None, draft: bool = False, root: Path | None = None):
    """Build the report configured in `config` (relative to the project) of the test's project."""
    from evalreport.pipeline.build import build_report as build

    project = _project(root)
    return build(project, project.resolve(config), jobs=jobs, draft=draft)


def load_case(config: str = CONFIG, root: Path | None = None):
    """Check the configuration and read the case, as `make check` does."""
    from evalreport.config import load_config
    from evalreport.datasets import load_case as load

    project = _project(root)
    loaded = load_config(project.resolve(config), config)
    return load(loaded, project.resolve(loaded.data_dir), project.relative)


def load_config(config: str = CONFIG, root: Path | None = None):
    from evalreport.config import load_config as load

    return load(_project(root).resolve(config), config)


def environment(**extra: str) -> dict[str, str]:
    """The environment a test's command runs in: the session's (every cache under its temporary
    folder, see conftest.py), without SOURCE_DATE_EPOCH (a build must not need it), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(extra)
    return env


def evalreport(root: Path, *args: str, env: dict | None = None, timeout: float = 900,
               **options) -> subprocess.CompletedProcess:
    """`evalreport <args>` run in the project folder `root`, as the analyst runs it."""
    return subprocess.run([EVALREPORT, *args], cwd=root, env=env or environment(), capture_output=True, text=True,
                          timeout=timeout, **options)


def wait_until(condition, seconds: float, what: str):
    """The first true value of `condition()`, asked every 0.2 s for up to `seconds` (generous: these
    machines are shared, and a loaded one answers late, not wrongly)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")
