"""`make new-case` starts a case for any municipality since 1994, as the analyst runs it (the command
line), and `make check` then says what to fill in; never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evalreport.datasets import schemas
from evalreport.commands.datadict import _example_config
from support import bare_environment

# The codes the issue names (sources: SSB's KLASS 131 via the bundled register, see its tests):
# Oslo; Sunndal; Årdal before and after 2020; Trondheim; Bodø; Horten since 2024.
CODES = ["0301", "1563", "1424", "4643", "5001", "1804", "3901"]


def evalreport(project, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evalreport", *arguments], cwd=project, capture_output=True,
                          text=True, env=bare_environment())


@pytest.mark.parametrize("code", CODES)
def test_new_case_then_check_says_what_to_fill_in(project, code):
    name = f"case_{code}"
    started = evalreport(project, "new-case", "--case", name, "--municipality", code, "--start", "2016",
                         "--end", "2021", "--language", "nn")
    assert started.returncode == 0, started.stderr
    assert f"make check CASE={name}" in started.stdout and "Traceback" not in started.stderr
    for part in (f"reports/{name}.yaml", f"data/{name}/datasets.yaml", f"data/{name}/README.md",
                 f"prose/{name}/background.md"):
        assert (project / part).is_file(), part
    for dataset in schemas(_example_config()):
        assert (project / "data" / name / f"{dataset}.csv").is_file(), dataset
    checked = evalreport(project, "check", "--case", name)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert "key 'author' is empty: fill it in" in checked.stderr
    config = project / "reports" / f"{name}.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("author: ''", "author: Kari")
                      .replace("organisation: ''", "organisation: Analyse AS"), encoding="utf-8")
    checked = evalreport(project, "check", "--case", name)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert "fill in these files" in checked.stderr and f"data/{name}/funding.csv" in checked.stderr


def test_a_code_that_never_existed_gets_near_matches(project):
    done = evalreport(project, "new-case", "--case", "nowhere", "--municipality", "1564", "--start", "2016",
                      "--end", "2021")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "1564" in done.stderr and "1563 Sunndal" in done.stderr  # the nearest code
    assert not (project / "reports" / "nowhere.yaml").exists()


def test_a_case_is_never_started_twice(project):
    first = evalreport(project, "new-case", "--case", "twice", "--municipality", "1563", "--start", "2016",
                       "--end", "2021")
    assert first.returncode == 0
    (project / "prose" / "twice" / "background.md").write_text("Min tekst.\n", encoding="utf-8")
    again = evalreport(project, "new-case", "--case", "twice", "--municipality", "1563", "--start", "2016",
                       "--end", "2021")
    assert again.returncode == 1 and "exists already" in again.stderr
    assert (project / "prose" / "twice" / "background.md").read_text(encoding="utf-8") == "Min tekst.\n"


def test_the_data_dictionary_is_written_from_the_schemas():
    from pathlib import Path

    from evalreport.commands import datadict

    committed = (Path(__file__).resolve().parents[1] / datadict.PATH).read_text(encoding="utf-8")
    assert committed == datadict.render(), "run 'make data-dictionary' and commit docs/data-dictionary.md"
