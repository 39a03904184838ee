"""Unit tests of evalreport.datasets' checks across tables, on small hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from evalreport import datasets


@pytest.fixture
def funding() -> pd.DataFrame:
    # 2.0 + 6.0 + 3.0 + 1.6 + 6.0 + 3.4 = 22.0 M
    return pd.DataFrame({"year": [2011, 2011, 2011, 2012, 2012, 2012],
                         "amount_nok": [2_000_000, 6_000_000, 3_000_000, 1_600_000, 6_000_000, 3_400_000]})


@pytest.fixture
def spending() -> pd.DataFrame:
    # 5.0 + 3.0 + 2.0 + 7.0 + 3.0 + 2.0 = 22.0 M, the same as the funding
    return pd.DataFrame({"year": [2011, 2011, 2011, 2012, 2012, 2012],
                         "amount_nok": [5_000_000, 3_000_000, 2_000_000, 7_000_000, 3_000_000, 2_000_000]})


def test_check_reconciliation_passes_when_totals_match(funding, spending):
    datasets.check_reconciliation(funding, spending)  # 22.0 M == 22.0 M: no exception


def test_check_reconciliation_tolerates_rounding(funding, spending):
    spending = spending.assign(amount_nok=spending["amount_nok"].astype(float))
    spending.loc[0, "amount_nok"] += 0.5  # a gap of 0.5 NOK is within the default 1 NOK
    datasets.check_reconciliation(funding, spending)


def test_check_reconciliation_raises_when_totals_differ(funding, spending):
    spending = spending.iloc[:-1]  # drops 2.0 M of spending: funding 22.0 M against spending 20.0 M
    with pytest.raises(ValueError, match="funding exceeds spending by 2,000,000 NOK"):
        datasets.check_reconciliation(funding, spending)
