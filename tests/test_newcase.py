"""`make new-case` starts a case for any municipality since 1994, as the analyst runs it (the command
line), and `make check` then says what to fill in; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


# --- a municipality under a number that changed (issue 18) -----------------------------------------
# KLASS 131, as the bundled register has it: 1548 Fræna and 1551 Eide merged into 1579 Hustadvika on
# 1 January 2020; 0529 Vestre Toten was renumbered 3443 the same day.

def test_a_number_formed_after_the_programme_is_refused_with_the_municipalities_that_ran_it(project):
    done = evalreport(project, "new-case", "--case", "hustadvika", "--municipality", "1579", "--start", "2012",
                      "--end", "2017")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "1579 Hustadvika was formed in 2020 from 1548 Fræna and 1551 Eide" in done.stderr
    assert "make new-case CASE=hustadvika MUNICIPALITY=1548 START=2012 END=2017" in done.stderr
    assert "make new-case CASE=hustadvika MUNICIPALITY=1551 START=2012 END=2017" in done.stderr
    assert not (project / "reports" / "hustadvika.yaml").exists()


def test_the_case_is_written_for_the_municipality_that_ran_it_with_its_later_history(project):
    done = evalreport(project, "new-case", "--case", "fraena", "--municipality", "1548", "--start", "2012",
                      "--end", "2017")
    assert done.returncode == 0, done.stderr
    assert "1548 Fræna merged with Eide into Hustadvika (1579) in 2020" in done.stdout
    config = (project / "reports" / "fraena.yaml").read_text(encoding="utf-8")
    assert 'municipality: "1548"' in config and "Fræna 2012–2017" in config
    # every year the data have before the programme, from 2000, not three years before it
    assert "period:\n  start: 2000\n" in config


def test_a_renumbered_municipality_is_the_same_place_under_its_old_number(project):
    done = evalreport(project, "new-case", "--case", "vt", "--municipality", "3443", "--start", "2011",
                      "--end", "2017")
    assert done.returncode == 0, done.stderr
    assert "3443 Vestre Toten had the number 0529 in 2011" in done.stdout
    assert (project / "data" / "vt" / "employment.csv").read_text(encoding="utf-8").splitlines()[1].startswith(
        "0529,Vestre Toten,2011,")


def test_a_declared_shock_year_ends_the_fit_years_before_it(project):
    done = evalreport(project, "new-case", "--case", "shock", "--municipality", "0529", "--start", "2011",
                      "--end", "2017", "--shock-year", "2009")
    assert done.returncode == 0, done.stderr
    assert "effect:\n  fit_years: 2000-2008\n" in (project / "reports" / "shock.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("arguments, message", [
    (["--municipality", "1548", "--start", "2095", "--end", "2097"], "START=2095: the programme has not started yet"),
    (["--municipality", "1548", "--start", "1980", "--end", "1982"], "START=1980: the region register begins in 1994"),
    (["--municipality", "03", "--start", "2012", "--end", "2017"], "MUNICIPALITY='03' is a fylkesnummer (a county)"),
    (["--municipality", "1548", "--start", "2012", "--end", "2017", "--shock-year", "1990"], "SHOCK=1990"),
])
def test_impossible_starts_are_refused_in_words(project, arguments, message):
    done = evalreport(project, "new-case", "--case", "nope", *arguments)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "unexpected" not in done.stderr
    assert message in done.stderr
    assert "0301" not in done.stderr and "Oslo" not in done.stderr  # a county never suggests a municipality in it
    assert not (project / "reports" / "nope.yaml").exists()


@pytest.mark.parametrize("length", [101, 250])
def test_a_case_name_too_long_for_a_file_name_is_refused_in_words(project, length):
    done = evalreport(project, "new-case", "--case", "a" * length, "--municipality", "1548", "--start", "2012",
                      "--end", "2017")
    assert done.returncode == 1 and "unexpected" not in done.stderr and "Traceback" not in done.stderr
    assert f"the name has {length} characters" in done.stderr and "at most 100" in done.stderr


def test_the_templates_and_readme_are_the_cases_not_the_samples(project):
    assert evalreport(project, "new-case", "--case", "fraena", "--municipality", "1548", "--start", "2012",
                      "--end", "2017").returncode == 0
    data = project / "data" / "fraena"
    for path in data.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert "published" not in text, path.name  # no template row passes for a published figure
        assert "6206" not in text and "Vestre Toten" not in text, path.name  # nor for the sample's
    assert (data / "employment.csv").read_text(encoding="utf-8").splitlines()[1] == "1548,Fræna,2012,,,,,"
    readme = (data / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Data of the case fraena\n\nThe data of the final evaluation of 1548 Fræna's")
    assert "2000-2019" in readme and "3443" not in readme and "Vestre Toten" not in readme and "6206" not in readme


def test_check_refuses_a_case_under_a_number_that_did_not_exist_in_the_programme_years(project):
    config = project / "reports" / "vestre_toten.yaml"
    text = config.read_text(encoding="utf-8")
    assert 'municipality: "3443"' in text
    hustadvika = project / "reports" / "hv.yaml"
    hustadvika.write_text(text.replace('municipality: "3443"', 'municipality: "1579"'), encoding="utf-8")
    done = evalreport(project, "check", "--case", "hv")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "1579 Hustadvika was formed in 2020 from 1548 Fræna and 1551 Eide" in done.stderr
    assert "reports/hv.yaml" in done.stderr


def test_exclusions_under_old_numbers_are_the_same_and_one_matching_no_donor_is_an_error(project):
    config = project / "reports" / "vestre_toten.yaml"
    text = config.read_text(encoding="utf-8")
    assert 'code: "3442"' in text and 'code: "3407"' in text
    # Østre Toten and Gjøvik under their numbers of the programme years (0528 and 0502, KLASS 131)
    config.write_text(text.replace('code: "3442"', 'code: "0528"').replace('code: "3407"', 'code: "0502"'),
                      encoding="utf-8")
    checked = evalreport(project, "check")
    assert checked.returncode == 0, checked.stderr
    from support import load_case, load_config
    loaded, case = load_config(), load_case()
    pool = sorted(set(case.donor_pool_employment["region_code"]))
    assert set(loaded.excluded_by_analyst(pool)) == {"3442", "3407"}
    # a number in no donor, under any of its numbers: Vestre Toten's pool lacks 1563 Sunndal once removed
    pool_file = project / "data" / "vestre_toten" / "donor_pool_employment.csv"
    lines = pool_file.read_text(encoding="utf-8").splitlines(keepends=True)
    pool_file.write_text("".join(line for line in lines if not line.startswith("1563,")), encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace('code: "0502"', 'code: "1563"'), encoding="utf-8")
    checked = evalreport(project, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert ("reports/vestre_toten.yaml: key 'effect.exclude[1].code': 1563 (Sunndal) matches no municipality in the "
            "donor pool") in checked.stderr


# --- through make, as the README has the analyst start a case --------------------------------------


def make(project, *arguments, **environment) -> subprocess.CompletedProcess:
    """`make <arguments>` in the project with the Makefile as shipped, run by this environment's
    evalreport (VENV=, and the set-up step taken as done: the environment is the test's own)."""
    import shutil

    from support import ROOT

    shutil.copy(ROOT / "Makefile", project / "Makefile")
    prefix = Path(sys.prefix)
    return subprocess.run(["make", "--no-print-directory", f"VENV={prefix}", "-o", str(prefix / ".ready"), *arguments],
                          cwd=project, capture_output=True, text=True, env={**bare_environment(), **environment})


def test_make_new_case_without_its_variables_names_the_ones_missing(project):
    done = make(project, "new-case", "CASE=fraena", "MUNICIPALITY=1548")
    assert done.returncode != 0 and "invalid int value" not in done.stderr and "Traceback" not in done.stderr
    assert "missing: START, END. For example: make new-case CASE=fraena MUNICIPALITY=1548 START=2011 END=2017" \
        in done.stderr
    done = make(project, "new-case", "CASE=fraena", "MUNICIPALITY=1548", "START=2011", "END=17")
    assert "END='17': write the year with four digits" in done.stderr


def test_a_quote_or_a_semicolon_in_a_make_variable_reaches_evalreport_as_typed(project):
    done = make(project, "new-case", 'CASE=a"b; touch hacked', "MUNICIPALITY=1548", "START=2011", "END=2017")
    assert "Unterminated quoted string" not in done.stderr and "Syntax error" not in done.stderr
    assert "CASE='a\"b; touch hacked': name the case with letters, digits" in done.stderr
    assert not (project / "hacked").exists()


def test_gettexts_language_in_the_environment_is_not_taken_for_the_reports(project):
    # Many desktops set LANGUAGE=nb_NO:nb for gettext; only LANGUAGE= on make's command line counts.
    done = make(project, "new-case", "CASE=fraena", "MUNICIPALITY=1548", "START=2011", "END=2017",
                LANGUAGE="nb_NO:nb")
    assert done.returncode == 0, done.stderr
    assert "language: nb\n" in (project / "reports" / "fraena.yaml").read_text(encoding="utf-8")
    done = make(project, "new-case", "CASE=sunndal", "MUNICIPALITY=1563", "START=2011", "END=2017", "LANGUAGE=nn")
    assert done.returncode == 0, done.stderr
    assert "language: nn\n" in (project / "reports" / "sunndal.yaml").read_text(encoding="utf-8")
