"""Shared fixtures: a private copy of the project, so tests never touch the developer's build/; one
warm build of the bundled report per session, copied for each test that changes it; and every cache
under a temporary folder of the session's own.

Every test stands alone and may run in any order (pytest-randomly shuffles them; `-p no:randomly`
keeps the file's order) or side by side with others (`-n 2`, pytest-xdist): no test depends on what
another left behind. A test that changes a built project takes `warm_project`, its own copy of the
session's build; one that only reads takes `built_project`, which nothing may change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import CONFIG, HERMETIC, ROOT, build_report, copy_built, copy_project

if str(ROOT) not in sys.path:  # the development tools in dev/ (sample generators, benchmarks)
    sys.path.insert(0, str(ROOT))

# A suite started in the background (`make test &`, nohup, a job runner) inherits Ctrl-C ignored, and
# so would every evalreport the tests start (an ignored signal stays ignored through exec): the tests
# of Ctrl-C would fail for a reason no user at a terminal meets. A handler set here is reset to the
# default in each child, as a terminal starts them.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Read by the package or its tools if set; a developer's shell may have them (make lab sets one).
UNSET = ("EVALREPORT_CONFIG", "EVALREPORT_ROOT", "SOURCE_DATE_EPOCH")
FOLDER = pytest.StashKey[Path]()


# Under pytest-xdist (make test: -n 2) the tests of these modules run in one process, one after the
# other: each builds its own checkout once in a module fixture (test_end_to_end: the session's build,
# the only one make test-fast needs), which a second process would build again. Every other test
# goes wherever a process is free. (xdist's own --dist loadgroup does not group under pytest 9, whose
# items no longer take the name suffix it relies on.)
TOGETHER = {"tests/test_cases.py", "tests/test_end_to_end.py", "tests/test_hostile_input.py", "tests/test_html_twin.py",
            "tests/test_packaging.py", "tests/test_portfolio.py", "tests/test_release.py"}


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class Together(LoadScopeScheduling):
        """Each test its own piece of work, except those of a module in TOGETHER: one piece per module."""

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in TOGETHER else nodeid

    return Together(config, log)


def pytest_configure(config):
    home = Path(tempfile.mkdtemp(prefix="evalreport-tests-"))
    config.stash[FOLDER] = home
    for name, folder in HERMETIC.items():
        (home / folder).mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(home / folder)
    for name in UNSET:
        os.environ.pop(name, None)


def pytest_unconfigure(config):
    home = config.stash.get(FOLDER, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)



@pytest.fixture(autouse=True)
def _outside_the_checkout(tmp_path, monkeypatch):
    """Every test runs in a temporary folder of its own: nothing it writes by a relative path, and no
    project it looks up from the working directory, is the developer's checkout (a test that needs a
    project takes `project` or `warm_project`, which make their copy the working directory)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A fresh copy of the project, the working directory of this test (as for the command line)."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def _fingerprint(root: Path) -> dict[str, str]:
    """The digest of every file under build/ (links by their target), to see that nothing changed them."""
    found = {}
    for path in sorted((root / "build").rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(root))] = os.readlink(path)
        elif path.is_file() and path.name != ".lock":
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass(frozen=True)
class WarmBuild:
    root: Path
    result: object  # the build's BuildResult
    fingerprint: dict[str, str]  # of build/, to see that no test changed it


@pytest.fixture(scope="session")
def warm_build(tmp_path_factory) -> WarmBuild:
    """The bundled report built once for the session from nothing, with an empty font cache of its own."""
    folder = tmp_path_factory.mktemp("built")
    root = copy_project(folder / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVALREPORT_CACHE", str(folder / "cache"))
        result = build_report(CONFIG, root=root)
    return WarmBuild(root, result, _fingerprint(root))


@pytest.fixture(scope="session")
def built_project(warm_build) -> Path:
    """The project with the bundled report built once for the whole session: to read, never to change
    (a test that changes it takes `warm_project`)."""
    return warm_build.root


@pytest.fixture
def warm_project(warm_build, tmp_path, monkeypatch) -> Path:
    """This test's own copy of the session's built project, up to date, its working directory."""
    assert _fingerprint(warm_build.root) == warm_build.fingerprint, (
        "a test changed the session's build (built_project is read-only)")
    root = copy_built(warm_build.root, tmp_path / "project")
    monkeypatch.chdir(root)
    return root
