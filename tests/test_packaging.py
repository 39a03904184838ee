"""A wheel of the project installs a working evalreport: the command, its version, and the data the
package ships (the region register), as a user who installs it with pip gets it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel `pip wheel .` makes, installed without its
    dependencies, which it takes from this environment (a .pth line: the project's own source and
    its editable install are not on that path, so only the wheel can provide evalreport)."""
    work = tmp_path_factory.mktemp("wheel")
    # pip builds in the source folder (setuptools writes build/ and an egg-info there): build a copy,
    # so that the developer's build/ and src/ are never touched.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "node_modules", "__pycache__", "*.egg-info", ".pytest_cache", "data", "tests"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--disable-pip-version-check", "-w", str(work / "dist"), str(source)], check=True)
    wheel = next((work / "dist").glob("evalreport-*.whl"))
    environment = work / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check",
                    str(wheel)], check=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return environment


def test_the_wheel_carries_the_region_register(installed, tmp_path):
    done = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import evalreport, pathlib; from evalreport import regions; "
         "print(pathlib.Path(evalreport.__file__).parent); "
         "print(regions.is_known('0301'), regions.to_current_code('0529'), regions.region_name('1563'))"],
        cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    location, answer = done.stdout.strip().splitlines()
    assert not Path(location).is_relative_to(ROOT), f"evalreport came from the source tree: {location}"
    assert answer == "True 3443 Sunndal"


def test_the_wheel_installs_the_command(installed, tmp_path):
    done = subprocess.run([str(installed / "bin" / "evalreport"), "--version"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("evalreport "), done.stderr
    outside = subprocess.run([str(installed / "bin" / "evalreport"), "check"], cwd=tmp_path,
                             capture_output=True, text=True)
    assert outside.returncode == 1 and "no evalreport project found" in outside.stderr
    assert "Traceback" not in outside.stderr


def test_the_wheel_holds_the_product_and_no_development_tool(installed):
    # Benchmarks, the Monte Carlo and the sample generators live in dev/ and are run by make; the
    # wheel a user installs holds the package alone (its RECORD lists every file it installed).
    site = Path(subprocess.run([str(installed / "bin" / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    record = next(site.glob("evalreport-*.dist-info")) / "RECORD"
    files = [line.split(",")[0] for line in record.read_text(encoding="utf-8").splitlines() if line]
    tops = {name.split("/")[0] for name in files if not name.startswith("../")}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"evalreport"}, tops
    tools = ("bench", "benchmethods", "benchportfolio", "samplecase", "portfoliocase", "validate_method",
             "referencedoc", "waiting")
    assert not [name for name in files if Path(name).stem in tools], files
    assert "evalreport/resources/words/nn.yaml" in files and "evalreport/resources/method_validation.json" in files
