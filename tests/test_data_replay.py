"""`make data` as the analyst runs it (the command line, on a copy of the project), replayed offline
from the recorded calls in tests/data/ssb/recorded (CONSTRUCTED in SSB's json-stat2 shape by
tests/data/ssb/construct.py: SSB cannot be reached from here). The figures are worked out by hand
from the rules in construct.py's docstrings (`employed`, `unemployed_pct`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

RECORDED = Path(__file__).resolve().parent / "data" / "ssb" / "recorded"


def evalreport(project, *arguments, replay: Path | None = RECORDED) -> subprocess.CompletedProcess:
    """The command line as the analyst runs it, in the project; `data` answered from `replay`."""
    if replay is not None and arguments[0] == "data":
        arguments = (*arguments, "--replay", str(replay))
    return subprocess.run([sys.executable, "-m", "evalreport", *arguments], cwd=project, capture_output=True,
                          text=True)


@pytest.fixture
def fraena(project):
    """The case of the recordings: 1548 Fræna, a programme of 2012-2017, compared with Møre og Romsdal,
    the country and 1502 Molde; author and organisation still empty, as new-case leaves them."""
    started = evalreport(project, "new-case", "--case", "fraena", "--municipality", "1548", "--start", "2012",
                         "--end", "2017")
    assert started.returncode == 0, started.stderr
    config = project / "reports" / "fraena.yaml"
    text = config.read_text(encoding="utf-8")
    assert "- '15'\n- '0'\n" in text
    config.write_text(text.replace("- '15'\n- '0'\n", "- '15'\n- '0'\n- '1502'\n"), encoding="utf-8")
    return project


def read(project, name) -> pd.DataFrame:
    return pd.read_csv(project / "data" / "fraena" / name, dtype=str, keep_default_na=False)


def test_replayed_make_data_gives_employment_2000_to_latest_for_every_municipality_with_the_break(fraena, tmp_path):
    done = evalreport(fraena, "data", "--case", "fraena", "--cache", str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "author" not in done.stderr  # empty author is no reason to wait
    pool = read(fraena, "donor_pool_employment.csv")
    assert list(pool.columns) == ["region_code", "region_name", "year", "employed", "status", "source_url",
                                  "source_table", "series_break"]
    years = pool.groupby("region_code")["year"].agg(lambda y: sorted(map(int, y)))
    assert years["3443"] == list(range(2000, 2026))  # 0529 until 2019, then 3443: one series, 2000 to the latest
    assert years["0301"] == list(range(2000, 2026))
    assert years["1548"] == list(range(2000, 2020))  # Fræna, until it merged
    assert years["1579"] == list(range(2020, 2026))  # Hustadvika, from its start
    left_out = set(read(fraena, "donor_pool_left_out.csv")["region_code"])
    # every municipality in use in 2025 is in the pool for 2025, but those that took in another and kept their number
    from evalreport import regions
    assert set(pool.loc[pool["year"] == "2025", "region_code"]) == set(regions.municipalities_in(2025)) - left_out
    assert {"5001", "1103"} <= left_out  # Trondheim took in Klæbu, Stavanger Finnøy and Rennesøy (2020)
    fr = pool[pool["region_code"] == "1548"].set_index("year")
    # 1548 % 97 = 93: level 1000 + 93 * 50 = 5650. 2000: 5650 in 03311, which gives 2 less: 5648.
    # 2008: 5650 * 1.01^8 = 6118.1 in 11616, which wins over 03311's 6116. 2015: * 1.01^15 * 1.03 = 6756.3.
    assert (fr.at["2000", "employed"], fr.at["2000", "source_table"], fr.at["2000", "series_break"]) == (
        "5648", "03311", "before")
    assert (fr.at["2008", "employed"], fr.at["2008", "source_table"]) == ("6118", "11616")
    assert (fr.at["2014", "series_break"], fr.at["2015", "series_break"]) == ("before", "from")
    assert fr.at["2015", "employed"] == "6756"
    assert set(pool.loc[pool["year"].astype(int) < 2015, "series_break"]) == {"before"}
    assert set(pool.loc[pool["year"].astype(int) >= 2015, "series_break"]) == {"from"}

    employment = read(fraena, "employment.csv")
    assert sorted(set(employment["region_code"])) == ["0", "15", "1502", "1548"]
    assert sorted(set(employment.loc[employment["region_code"] == "1548", "year"].astype(int))) == list(range(2000, 2020))

    unemployment = read(fraena, "unemployment.csv")
    # the mean of twelve months: 2.0 + (code % 7) / 10: 1548 -> 2.1, 15 -> 2.1, 0 -> 2.0, 1502 -> 2.4
    rates = unemployment.groupby("region_code")["unemployed_pct"].agg(set).to_dict()
    assert rates == {"1548": {"2.1"}, "15": {"2.1"}, "0": {"2.0"}, "1502": {"2.4"}}
    assert (unemployment.groupby("region_code").size() == 20).all()  # 2000-2019, the case's period
    assert set(unemployment["source_table"]) == {"10540"}

    from evalreport.config import load_config
    from evalreport.datasets import read_provenance
    records = read_provenance(fraena / "data" / "fraena", "datasets.yaml")
    assert "11616 (2008-2025), 03311 (2000-2008), 13472 (2015-2025)" in records["donor_pool_employment"].source
    assert "a-ordningen" in records["employment"].method
    config = load_config(fraena / "reports" / "fraena.yaml", require_authorship=False)
    from evalreport.datasets import schemas
    for name in ("employment", "unemployment", "donor_pool_employment"):
        schemas(config)[name].validate(read(fraena, f"{name}.csv"), lazy=True)


def test_make_data_offline_says_what_failed_once_and_never_to_drop_a_refresh_it_was_not_given(fraena, tmp_path):
    empty = tmp_path / "nothing-recorded"  # every request fails as without a network
    empty.mkdir()
    done = evalreport(fraena, "data", "--case", "fraena", "--cache", str(tmp_path / "cache"), replay=empty)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("could not reach") == 1, done.stderr
    assert "--refresh" not in done.stderr
    assert "needs it the first time" in done.stderr
    assert "author" not in done.stderr and "organisation" not in done.stderr


def test_make_data_records_every_call_it_makes(fraena, tmp_path):
    record = tmp_path / "recording"
    env_run = evalreport(fraena, "data", "--case", "fraena", "--cache", str(tmp_path / "cache"), "--record",
                         str(record))
    assert env_run.returncode == 0, env_run.stderr
    from evalreport.ssb import read_recordings
    assert set(read_recordings(record)) == set(read_recordings(RECORDED))  # the same calls, one file each


def test_a_case_under_a_changed_number_is_built_naming_the_municipality_and_the_donors_left_out(project, tmp_path):
    """End to end, as the analyst goes: `new-case` under the new number (1579) is refused and names
    the municipality that ran the programme; the case of 1548 Fræna is started, its exclusions written
    under the numbers of the programme's years (1551 Eide, 1502 Molde), its data fetched (replayed),
    its programme files filled in (here: the bundled case's), and the report built."""
    import shutil

    import yaml
    from pypdf import PdfReader

    refused = evalreport(project, "new-case", "--case", "fraena", "--municipality", "1579", "--start", "2011",
                         "--end", "2017")
    assert refused.returncode == 1 and "MUNICIPALITY=1548" in refused.stderr
    assert evalreport(project, "new-case", "--case", "fraena", "--municipality", "1548", "--start", "2011",
                      "--end", "2017").returncode == 0
    config = project / "reports" / "fraena.yaml"
    text = config.read_text(encoding="utf-8")
    text = (text.replace("- '15'\n- '0'\n", "- '15'\n- '0'\n- '1502'\n")
            .replace("author: ''", "author: Kari").replace("organisation: ''", "organisation: Analyse AS")
            .replace("  sikrede_arbeidsplasser: secured_jobs\n",
                     "  sikrede_arbeidsplasser: secured_jobs\n  nye_bedrifter: other\n  bedrifter_med_prosjekt: other\n"))
    config.write_text(text + 'effect:\n  exclude:\n    - code: "1551"\n      reason: nabokommune\n'
                             '    - code: "1502"\n      reason: eget omstillingsprogram\n', encoding="utf-8")
    fetched = evalreport(project, "data", "--case", "fraena", "--cache", str(tmp_path / "cache"))
    assert fetched.returncode == 0, fetched.stderr
    data, sample = project / "data" / "fraena", project / "data" / "vestre_toten"
    records = yaml.safe_load((data / "datasets.yaml").read_text(encoding="utf-8"))
    sample_records = yaml.safe_load((sample / "datasets.yaml").read_text(encoding="utf-8"))
    for name in ("funders", "funding", "spending", "projects", "goals"):
        shutil.copy(sample / f"{name}.csv", data / f"{name}.csv")
        records[name] = sample_records[name]
    (data / "datasets.yaml").write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    finances = read(project, "municipal_finances.csv").assign(robek="0")  # the analyst's ROBEK flags
    finances.to_csv(data / "municipal_finances.csv", index=False)

    built = evalreport(project, "build", "--case", "fraena", "--draft", replay=None)
    assert built.returncode == 0, built.stderr
    text = " ".join(p.extract_text() for p in PdfReader(project / "build" / "fraena.pdf").pages)
    text = " ".join(text.replace("\u00a0", " ").split()).replace("- ", "")  # words hyphenated at a line end
    assert "omstillingsprogrammet i Fræna" in text and "Programperiode 2011–2017" in text
    assert "Sluttevaluering – Fræna" in text and "Hustadvika 2011" not in text
    # left out and said so: Hustadvika by rule (it contains Fræna), Eide and Molde as the analyst wrote them
    assert "Holdt utenfor kontrollgruppen:" in text
    assert "Hustadvika: omfatter Fræna (fra 2020)" in text
    assert "Eide: nabokommune" in text and "Molde: eget omstillingsprogram" in text
