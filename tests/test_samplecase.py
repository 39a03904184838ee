"""The bundled case: written by a seeded script, and holding every published figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dev import samplecase

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "data" / "vestre_toten"


def test_committed_case_is_what_the_script_writes(tmp_path):
    written = samplecase.write_case(ROOT / "data" / "reference", tmp_path)
    for path in written:
        assert path.read_bytes() == (CASE / path.name).read_bytes(), f"{path.name} differs: run make sample-data"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(CASE / f"{name}.csv", dtype={"region_code": str})


# Published: 22 MNOK in all, 3.6 from the municipality, 2.5 a year from the county in the first
# two years, 150 houses in the last three years, 13 314 inhabitants on 1 January 2018, and
# employment by place of work 2010-2015 as the municipality reported it from SSB.
def test_funding_keeps_published_totals():
    funding = read("funding")
    assert funding["amount_nok"].sum() == 22_000_000
    assert funding.loc[funding["funder_id"] == "kommunen", "amount_nok"].sum() == 3_600_000
    county = funding[funding["funder_id"] == "fylkeskommunen"].set_index("year")["amount_nok"]
    assert county[2011] == county[2012] == 2_500_000
    assert sorted(funding["year"].unique()) == list(range(2011, 2018))


def test_statistics_keep_published_values_and_mark_them():
    employment = read("employment")
    vt = employment[employment["region_code"] == "0529"].set_index("year")
    published = {2010: 6206, 2011: 6232, 2012: 6258, 2013: 6229, 2014: 6516, 2015: 6539}
    for year, value in published.items():
        assert vt.loc[year, "employed"] == value and vt.loc[year, "status"] == "published"
    assert vt.loc[2016, "employed"] == 6539 - 57 and vt.loc[2017, "employed"] == 6539 - 57 + 230
    population = read("population")
    row = population[(population["region_code"] == "0529") & (population["year"] == 2018)].iloc[0]
    assert row["population"] == 13_314 and row["status"] == "published"
    dwellings = read("dwellings").set_index("year")
    assert dwellings.loc[2015:2017, "dwellings_completed"].sum() == 150


def test_spending_reconciles_with_funding_and_projects():
    assert read("spending")["amount_nok"].sum() == read("funding")["amount_nok"].sum()
    assert read("projects")["paid_nok"].sum() == read("spending")["amount_nok"].sum()


def test_every_dataset_has_a_provenance_record():
    import yaml

    records = yaml.safe_load((CASE / "datasets.yaml").read_text(encoding="utf-8"))
    for path in CASE.glob("*.csv"):
        record = records[path.stem]
        assert record["file"] == path.name
        assert record["status"] in {"published", "reconstructed", "synthetic"}
        assert record["method"] and record["licence"] and record["retrieved"]


def test_the_donor_pool_holds_every_municipality_and_the_cases_own_series():
    pool = read("donor_pool_employment")
    # 357 kommuner since 1 January 2024 (SSB, KLASS 131), each over 2000-2019, all synthetic.
    assert pool["region_code"].nunique() == 357 and sorted(pool["year"].unique()) == list(range(2000, 2020))
    assert set(pool["status"]) == {"synthetic"}
    own = pool[pool["region_code"] == "3443"].set_index("year")["employed"]
    employment = read("employment")
    published = employment[employment["region_code"] == "0529"].set_index("year")["employed"]
    assert (own.loc[2008:2019] == published.loc[2008:2019]).all()
