"""Unit tests of evalreport.casestore: the validated case kept as JSON, named by its SHA-256."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pandas as pd
import pytest

from evalreport import casestore
from evalreport.config import ReportConfig
from evalreport.datasets import Case, Provenance

NAN = float("nan")


@pytest.fixture
def config() -> ReportConfig:
    return ReportConfig.model_validate({
        "title": "Test", "municipality": "0529", "programme": {"start": 2011, "end": 2012},
        "period": {"start": 2010, "end": 2013}, "base_year": 2010, "comparison": ["0301", "03", "0"],
        "author": "A", "organisation": "O", "report_date": "2013-06-01", "data_dir": "data/test",
        "output_name": "test", "administration_area": "Administrasjon og drift",
        "goal_indicators": {"nye_arbeidsplasser": "new_jobs", "nye_bedrifter": "other"},
    })


def statistics(value: str, values: list, dtype: str) -> pd.DataFrame:
    # Oslo (0301) and Oslo county (03) keep their leading zero: they are codes, not numbers.
    return pd.DataFrame({
        "region_code": ["0301", "0301", "03"],
        "region_name": ["Oslo", "Oslo", "Oslo"],
        "year": [2010, 2011, 2010],
        value: pd.Series(values, dtype=dtype),
        "status": ["published", "synthetic", "published"],
        "source_url": ["https://www.ssb.no/statbank/table/13472", None, "https://data.ssb.no/api/v0/no/table/07459"],
    })


@pytest.fixture
def case() -> Case:
    record = Provenance(name="funding", file="funding.csv", title="Finansiering", source="Regnskap",
                        source_url="", licence="CC BY 4.0", retrieved="2018-05-01", status="reconstructed",
                        method="Rekonstruert fra årsrapporter", sheet="")
    return Case(
        funders=pd.DataFrame({"funder_id": ["fylket", "bedriften"], "name": ["Oslo kommune", "Æ & Ø <AS>"],
                              "kind": ["kommune", "privat"], "public": [True, False]}),
        funding=pd.DataFrame({"year": [2011, 2012], "funder_id": ["fylket", "bedriften"],
                              "amount_nok": [2_500_000, 0]}),
        spending=pd.DataFrame({"year": [2011], "focus_area": ["Næringsutvikling"], "amount_nok": [2_500_000]}),
        projects=pd.DataFrame({"project_id": ["007"], "name": ["Prosjekt «Sju»"], "focus_area": ["Næringsutvikling"],
                               "start_year": [2011], "granted_nok": [100], "paid_nok": [90],
                               "total_cost_nok": [300]}),
        goals=pd.DataFrame({"goal_id": ["M1"], "indicator": ["nye_arbeidsplasser"], "description": ["Nye"],
                            "target": [25.0], "achieved": [0.1]}),
        employment=statistics("employed", [6206, 6232, 300_000], "int64"),
        # A float value missing (NaN), and 1.8, which is not exact in binary, must come back the same.
        unemployment=statistics("unemployed_pct", [1.8, NAN, 3.3], "float64"),
        population=statistics("population", [13314, 13300, 700_000], "int64"),
        dwellings=pd.DataFrame({"region_code": pd.Series([], dtype="str"), "year": pd.Series([], dtype="int64")}),
        enterprises=statistics("new_enterprises", [40, 41, 5000], "int64"),
        municipal_finances=pd.DataFrame({"region_code": ["0301"], "region_name": ["Oslo"], "year": [2011],
                                         "netto_driftsresultat_pct": [-0.5], "robek": [0], "status": ["published"],
                                         # text, as validation leaves it, though every cell is empty
                                         "source_url": pd.Series([None], dtype="str")}),
        donor_pool_employment=statistics("employed", [6206, 6232, 600_000], "int64"),
        provenance={"funding": record},
    )


FRAMES = ["funders", "funding", "spending", "projects", "goals", "employment", "unemployment", "population",
          "dwellings", "enterprises", "municipal_finances", "donor_pool_employment"]


def test_round_trip_keeps_every_frame_with_its_dtypes(tmp_path, config, case):
    path = casestore.write(tmp_path, "key-1", config, case)
    read_config, read_case, key = casestore.read(path)
    assert key == "key-1"
    assert read_config == config
    assert read_case.provenance == case.provenance
    for name in FRAMES:
        # check_dtype: an int stays int64, a bool stays bool, a code stays text.
        pd.testing.assert_frame_equal(getattr(read_case, name), getattr(case, name), check_dtype=True, obj=name)


def test_round_trip_keeps_leading_zeros_nan_and_none(tmp_path, config, case):
    _, read_case, _ = casestore.read(casestore.write(tmp_path, "k", config, case))
    assert list(read_case.employment["region_code"]) == ["0301", "0301", "03"]
    assert read_case.projects.at[0, "project_id"] == "007"
    unemployment = read_case.unemployment["unemployed_pct"]
    assert unemployment[0] == 1.8
    assert pd.isna(unemployment[1])
    assert unemployment[2] == 3.3
    assert pd.isna(read_case.employment.at[1, "source_url"])
    assert list(read_case.funders["public"]) == [True, False]
    assert read_case.funders.at[1, "name"] == "Æ & Ø <AS>"


def test_the_file_is_json_named_by_its_sha256(tmp_path, config, case):
    path = casestore.write(tmp_path, "k", config, case)
    data = path.read_bytes()
    assert path.name == f"case-{hashlib.sha256(data).hexdigest()}.json"
    stored = json.loads(data.decode("utf-8"))  # plain JSON: nothing in it can run code
    assert stored["format"] == casestore.FORMAT
    assert stored["frames"]["employment"]["data"][0][:3] == ["0301", "Oslo", 2010]
    assert not data.startswith(b"\x80")  # not a pickle (protocol 2 and later start with 0x80)
    assert casestore.verify(path)


def test_writing_the_same_case_twice_gives_the_same_file(tmp_path, config, case):
    first = casestore.write(tmp_path, "k", config, case)
    second = casestore.write(tmp_path, "k", config, case)
    assert first == second
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary file left behind
    assert casestore.write(tmp_path, "another key", config, case) != first  # the key is part of the content


def test_a_changed_byte_is_noticed(tmp_path, config, case):
    path = casestore.write(tmp_path, "k", config, case)
    data = path.read_bytes()
    assert data.count(b'"0301"') >= 1
    path.write_bytes(data.replace(b'"0301"', b'"0302"', 1))  # one digit of one code, the JSON still valid
    assert not casestore.verify(path)
    with pytest.raises(casestore.DamagedStore, match="damaged or was changed"):
        casestore.read(path)


def test_a_missing_file_does_not_verify(tmp_path):
    assert not casestore.verify(tmp_path / f"case-{'0' * 64}.json")


class _Marker:
    """A pickle that, if ever unpickled, leaves a file behind."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_a_pickle_named_by_its_own_digest_is_refused_and_never_run(tmp_path):
    # The name matches the content, so the digest check passes: the file must still be refused as
    # not a stored case (DamagedStore), without being unpickled.
    marker = tmp_path / "ran"
    data = pickle.dumps(_Marker(marker))
    path = tmp_path / f"case-{hashlib.sha256(data).hexdigest()}.json"
    path.write_bytes(data)
    with pytest.raises(casestore.DamagedStore):
        casestore.read(path)
    assert not marker.exists()
