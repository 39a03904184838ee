"""The portfolio build on Dask (issue 12): the same bytes as single builds, on a LocalCluster and on a
scheduler and two workers started as processes of their own; a failing case reported and isolated;
warm kernels; the portfolio overview passing the PDF checks; the generator; the pooled numbers.

The portfolio is a synthetic programme from the generator and a second case on its data that fails
in a chapter of its own, so that the builds stay short on two cores (each report built in a
portfolio is also built alone, to compare the bytes)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from evalreport.errors import ConfigError
from evalreport.project import Project

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ("pdf", "html", "json")
BROKEN_CHAPTER = """\
# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""
effect_store = ""

# %% [markdown]
# # Et kapittel som feiler {-}

# %%
1 / 0
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Project, list[str]]:
    """A project with a generated programme and a case 'broken' whose own chapter 75 fails in its
    third cell (the programme's data, another output name)."""
    from dev.portfoliocase import write_portfolio

    project = Project(ROOT).copy_to(tmp_path_factory.mktemp("portfolio") / "template")
    cases = [c.stem for c in write_portfolio(project.root, 1, seed=7)]
    config = (project.root / "reports" / f"{cases[0]}.yaml").read_text(encoding="utf-8")
    (project.root / "reports" / "broken.yaml").write_text(
        config.replace(f"output_name: {cases[0]}", "output_name: broken"), encoding="utf-8")
    shutil.copytree(project.root / "prose" / cases[0], project.root / "prose" / "broken")
    (project.root / "prose" / "broken" / "75_broken.py").write_text(BROKEN_CHAPTER, encoding="utf-8")
    return project, cases


def copy_of(template: Project, target: Path) -> Project:
    shutil.copytree(template.root, target, ignore=shutil.ignore_patterns("build"))
    return Project(target)


@pytest.fixture(scope="module")
def single_builds(template, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """Each programme built alone, as 'make report' builds it: case -> suffix -> bytes."""
    from evalreport.pipeline.build import build_report

    project, cases = template
    single = copy_of(project, tmp_path_factory.mktemp("single") / "project")
    outputs = {}
    with pytest.MonkeyPatch.context() as patch:  # fonts subset by these builds alone (see own_font_cache)
        patch.setenv("EVALREPORT_CACHE", str(single.root.parent / "cache"))
        for case in cases:
            build_report(single, single.config_path(case=case))
            outputs[case] = {suffix: (single.build_dir / f"{case}.{suffix}").read_bytes() for suffix in OUTPUTS}
    return outputs


@pytest.fixture
def own_font_cache(tmp_path, monkeypatch):
    """An empty font cache for the portfolio's builds (its workers inherit the environment), so that
    they cannot take the single builds' font subsets: equal bytes then mean equal builds."""
    monkeypatch.setenv("EVALREPORT_CACHE", str(tmp_path / "cache"))


def assert_same_bytes(project: Project, cases: list[str], single: dict) -> None:
    for case in cases:
        for suffix in OUTPUTS:
            built = (project.build_dir / f"{case}.{suffix}").read_bytes()
            assert built == single[case][suffix], f"{case}.{suffix} differs from its single build"


def test_local_cluster_builds_each_report_as_a_single_build_and_isolates_a_failing_case(
        template, single_builds, own_font_cache, tmp_path):
    from evalreport.pipeline import portfolio

    source, cases = template
    project = copy_of(source, tmp_path / "project")
    # A last good report of the broken case, which its failed build must leave as it was.
    project.build_dir.mkdir()
    (project.build_dir / "broken.pdf").write_bytes(b"the last good report")
    lines: list[str] = []
    configs = [project.config_path(case=c) for c in [*cases, "broken"]]
    with portfolio.Cluster(workers=2, dashboard=":0") as cluster:
        result = portfolio.build_portfolio(project, configs, cluster, say=lines.append)
        again = portfolio.build_portfolio(project, configs[:1], cluster, say=lambda _line: None)

    assert [o.status for o in result.outcomes] == ["built", "failed"]
    assert_same_bytes(project, cases, single_builds)
    broken = result.outcomes[1]
    # The failing report, chapter and cell (the third cell of the file), and the error.
    assert "prose/broken/75_broken.py, cell 3: ZeroDivisionError" in broken.message
    assert (project.build_dir / "broken.pdf").read_bytes() == b"the last good report"
    assert not (project.build_dir / "broken.html").exists()
    assert (project.build_dir / ".work" / "broken" / "failed" / "75_broken.ipynb").is_file()
    summary = result.summary(project)
    assert "1 built, 0 reused, 1 failed" in summary and "75_broken.py, cell 3" in summary
    # One progress line per chapter of each built report, and one saying it is built.
    for case in cases:
        assert sum(line.startswith(case) and " executed " in line for line in lines) == 8
        assert sum(line.startswith(case) and "built: build/" in line for line in lines) == 1
    assert any("dashboard: http://" in line for line in lines)
    # Warm kernels: two reports' 17 chapters ran on two workers, each in its one kernel.
    assert result.workers == 2 and sorted(result.kernels.values()) == [1, 1]
    # Built once, the report is reused, nothing is executed.
    assert [o.status for o in again.outcomes] == ["reused"]
    assert_same_bytes(project, cases, single_builds)


def test_scheduler_and_two_workers_as_separate_processes_build_the_same_bytes(template, single_builds,
                                                                              own_font_cache, tmp_path):
    import psutil

    from evalreport.pipeline import portfolio
    from dev.benchportfolio import separate_cluster

    source, cases = template
    project = copy_of(source, tmp_path / "project")
    with separate_cluster(2, tmp_path) as address:
        assert address.startswith("tcp://127.0.0.1:")
        with portfolio.Cluster(scheduler=address) as cluster:
            cluster.client.wait_for_workers(2, timeout=120)
            result = portfolio.build_portfolio(project, [project.config_path(case=c) for c in cases], cluster,
                                               say=lambda _line: None)
            kernel_pids = [pid for pids in cluster.client.run(
                lambda: [c.pid for c in psutil.Process().children(recursive=True)]).values() for pid in pids]
    assert [o.status for o in result.outcomes] == ["built"]
    assert_same_bytes(project, cases, single_builds)
    assert kernel_pids  # the workers had their kernels ...
    deadline = time.monotonic() + 20
    while any(psutil.pid_exists(pid) for pid in kernel_pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in kernel_pids if psutil.pid_exists(pid)]  # ... and stopped them with the workers


def test_portfolio_overview_passes_the_pdf_checks(template, single_builds, tmp_path):
    from evalreport.pipeline import pdfcheck
    from evalreport.commands import overview as portfolioreport

    source, cases = template
    project = copy_of(source, tmp_path / "project")
    project.build_dir.mkdir()
    for case in cases:  # the reports as built, from the single builds
        for suffix in OUTPUTS:
            (project.build_dir / f"{case}.{suffix}").write_bytes(single_builds[case][suffix])
    listing = project.root / "portfolio.yaml"
    listing.write_text(f"cases: [{cases[0]}, broken]\nlanguage: en\n", encoding="utf-8")
    written = portfolioreport.write_portfolio_report(project, listing)
    assert written.rows == 1 and written.missing == ["broken"]
    result = pdfcheck.check_pdf(written.pdf, "en", title="The restructuring programmes in the portfolio")
    assert result.passed, result.report()
    overview = json.loads(written.sidecar.read_text(encoding="utf-8"))
    estimates = {row["case"]: row["att"] for row in overview["programmes"]}
    for case in cases:
        assert estimates[case] == json.loads(single_builds[case]["json"])["effect"]["att_points"]
    page = written.html.read_text(encoding="utf-8")
    assert "broken" in page  # the case not built is named
    assert "<svg" in page  # the forest plot inline


# --- the pooled numbers, worked out by hand --------------------------------------------------------------

def test_chance_of_at_least_k_findings():
    from evalreport.commands.overview import chance_of_at_least

    # Three independent tests at 0.1: P(none) = 0.9^3 = 0.729, so P(at least one) = 0.271;
    # P(at least two) = 3 * 0.1^2 * 0.9 + 0.1^3 = 0.028.
    assert chance_of_at_least(1, [0.1, 0.1, 0.1]) == pytest.approx(0.271)
    assert chance_of_at_least(2, [0.1, 0.1, 0.1]) == pytest.approx(0.028)
    assert chance_of_at_least(0, [0.1, 0.2]) == pytest.approx(1.0)
    # Unequal: P(both) = 0.5 * 0.2 = 0.1.
    assert chance_of_at_least(2, [0.5, 0.2]) == pytest.approx(0.1)


def test_chance_of_a_placebo_finding_counts_the_ranks_the_test_allows():
    from evalreport.commands.overview import ProgrammeRow

    def row(units, significance=0.1, p=0.5):
        return ProgrammeRow("x", "3443", 2011, 2017, None, None, None, 1.0, p, units, significance, 0.9, None, None,
                            True, "")

    # 355 units at 0.10: p = rank / 355 <= 0.10 for ranks 1 to 35, so 35 / 355.
    assert row(355).chance == pytest.approx(35 / 355)
    # 20 units at 0.10: ranks 1 and 2, 2 / 20 = 0.10 exactly.
    assert row(20).chance == pytest.approx(0.10)
    assert row(20, p=0.10).clear and not row(20, p=0.15).clear


# --- the generator -----------------------------------------------------------------------------------------

def test_code_in_year_follows_the_renumberings():
    from dev.portfoliocase import code_in_year

    # The register's own examples: 0529 -> 3443 (2020), 0701 -> 3801 (2020) -> 3901 (2024), 1424 -> 4643.
    assert code_in_year("3443", 2019) == "0529" and code_in_year("3443", 2020) == "3443"
    assert code_in_year("3901", 2019) == "0701" and code_in_year("3901", 2023) == "3801"
    assert code_in_year("3901", 2024) == "3901"
    assert code_in_year("4643", 2019) == "1424"


def test_generator_is_seeded_synthetic_and_spread_over_renumberings(tmp_path):
    import yaml

    from evalreport.config import load_config
    from dev.portfoliocase import write_portfolio

    first = write_portfolio(tmp_path / "a", 6, seed=3)
    second = write_portfolio(tmp_path / "b", 6, seed=3)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
        for data in (tmp_path / "a" / "data" / a.stem).iterdir():
            assert data.read_bytes() == (tmp_path / "b" / "data" / a.stem / data.name).read_bytes()
    configs = [load_config(p) for p in first]
    raw = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in first]
    assert len({c.municipality for c in configs}) == 6
    assert len({c.municipality[:2] for c in configs}) >= 3  # counties
    assert len({c.programme.start for c in configs}) >= 3  # years
    assert any(str(r["municipality"]) != c.municipality for r, c in zip(raw, configs))  # named by an old number
    assert any(c.period.start < 2020 <= c.period.end for c in configs)
    assert any(c.period.start < 2024 <= c.period.end for c in configs)
    for path in first:
        records = yaml.safe_load((tmp_path / "a" / "data" / path.stem / "datasets.yaml").read_text(encoding="utf-8"))
        assert {r["status"] for r in records.values()} == {"synthetic"}
    # One national donor panel, the same file in every case.
    panels = {(tmp_path / "a" / "data" / p.stem / "donor_pool_employment.csv").read_bytes() for p in first}
    assert len(panels) == 1


def test_portfolio_file_names_unknown_keys_and_repeated_cases(tmp_path):
    from evalreport.pipeline.portfolio import read_portfolio_file

    project = Project(tmp_path)
    listing = tmp_path / "portfolio.yaml"
    listing.write_text("cases: [a, b]\ncolour: blue\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="portfolio.yaml: unknown key.*colour"):
        read_portfolio_file(project, listing)
    listing.write_text("cases: [a, a]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="listed twice: a"):
        read_portfolio_file(project, listing)


def test_effect_key_figures_are_the_estimate_as_numbers():
    from evalreport.effect import Analysis, key_figures
    from evalreport.methods.result import EffectResult, Interval, PlaceboTest

    placebo = PlaceboTest(rank=107, units=355, p_value=107 / 355, statistic="ratio", values={}, pre_mspe={})
    main = EffectResult("synthetic_control", "3443", 2011, "index", "level", att=4.75, gap={}, pre_rmspe=0.51,
                        placebo=placebo, interval=Interval(0.9, -3.2, 12.7, "placebo test inversion"))
    analysis = Analysis(main=main, fit_years=tuple(range(2000, 2011)), post_years=tuple(range(2011, 2018)),
                        donors=("0301", "1103"), excluded={})
    figures = key_figures(analysis, 0.1)
    assert figures["att_points"] == 4.75 and figures["p_value"] == pytest.approx(0.3014, abs=1e-4)
    assert (figures["rank"], figures["units"], figures["donors"]) == (107, 355, 2)
    assert (figures["interval_low"], figures["interval_high"], figures["interval_level"]) == (-3.2, 12.7, 0.9)
    assert figures["fit_years"] == [2000, 2010] and figures["post_years"] == [2011, 2017]
    # A test that rejects every constant effect bounds nothing: no interval, and it says so.
    empty = Analysis(main=EffectResult("synthetic_control", "3443", 2011, "index", "level", 4.75, {}, 0.51,
                                       placebo=placebo, interval=Interval(0.9, None, None, "m", empty=True)),
                     fit_years=(2009, 2010), post_years=(2011,), donors=(), excluded={})
    figures = key_figures(empty, 0.1)
    assert figures["interval_low"] is None and figures["interval_high"] is None and figures["interval_empty"]
