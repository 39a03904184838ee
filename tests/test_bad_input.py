"""Each kind of bad input stops the build with a message naming file, column and row, before
any kernel starts, and leaves the last good PDF as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import build_report
from support import load_case, load_config
from evalreport.errors import ChapterError, ConfigError, DatasetError, PdfCheckError

CONFIG = "reports/vestre_toten.yaml"
CASE = Path("data/vestre_toten")


def edit_line(path: Path, line: int, old: str, new: str) -> None:
    """Replace `old` with `new` on one line (1-based, the header is line 1)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], f"{old!r} not on line {line} of {path.name}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def problems_of(project: Path) -> str:
    with pytest.raises(DatasetError) as caught:
        load_case(CONFIG)
    return str(caught.value)


def test_missing_column(project):
    edit_line(project / CASE / "funding.csv", 1, "amount_nok", "belop")
    message = problems_of(project)
    assert "data/vestre_toten/funding.csv: missing column 'amount_nok'" in message
    assert "unexpected column 'belop'" in message


def test_text_in_an_amount(project):
    edit_line(project / CASE / "funding.csv", 3, "2500000", "2.5 mill")
    message = problems_of(project)
    assert "funding.csv: column 'amount_nok', row 3: expected a whole number" in message
    assert "'2.5 mill'" in message


def test_duplicate_key(project):
    edit_line(project / CASE / "projects.csv", 3, "P002", "P001")
    message = problems_of(project)
    assert "projects.csv: column 'project_id', row 2: duplicate value" in message
    assert "projects.csv: column 'project_id', row 3: duplicate value" in message


def test_unknown_municipality_number(project):
    edit_line(project / CASE / "employment.csv", 4, "0529", "0599")
    message = problems_of(project)
    assert ("employment.csv: column 'region_code', row 4: must be a kommunenummer or fylkesnummer in use at some time "
            "since 1994") in message and "(found '0599')" in message
    assert "'0599'" in message


def test_year_outside_the_period(project):
    edit_line(project / CASE / "funding.csv", 2, "2011", "2024")
    message = problems_of(project)
    assert "funding.csv: column 'year', row 2: must be a year within the report's period 2008-2019 (found 2024)" in message


def test_every_problem_of_every_file_in_one_message(project):
    edit_line(project / CASE / "funding.csv", 2, "2011", "2024")
    edit_line(project / CASE / "projects.csv", 3, "P002", "P001")
    edit_line(project / CASE / "population.csv", 5, "0529", "9999")
    message = problems_of(project)
    assert message.startswith("4 problem(s) in the input data")
    assert "funding.csv" in message and "projects.csv" in message and "population.csv" in message


def test_missing_file(project):
    (project / CASE / "goals.csv").unlink()
    assert "data/vestre_toten/goals.csv: missing file" in problems_of(project)


def test_empty_file(project):
    (project / CASE / "goals.csv").write_text("", encoding="utf-8")
    assert "goals.csv: the file is empty" in problems_of(project)


def test_malformed_csv(project):
    edit_line(project / CASE / "funding.csv", 3, "2500000", "2,500,000")
    assert ("funding.csv: row 3: expected 3 fields separated by ',', found 5; quote values that contain ',' "
            "or remove thousands separators") in problems_of(project)


def test_negative_grant(project):
    edit_line(project / CASE / "funding.csv", 3, "2500000", "-2500000")
    assert "funding.csv: column 'amount_nok', row 3: must be zero or more (found -2500000)" in problems_of(project)


def test_paid_more_than_granted(project):
    lines = (project / CASE / "projects.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[5] = str(int(fields[4]) + 1000)  # paid_nok = granted_nok + 1000
    lines[1] = ",".join(fields)
    (project / CASE / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "paid_nok must not exceed granted_nok" in problems_of(project)


def test_unknown_config_key_names_key_and_file(project):
    path = project / CONFIG
    path.write_text(path.read_text(encoding="utf-8").replace("base_year:", "base_yaer:"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(CONFIG)
    assert str(caught.value).startswith("reports/vestre_toten.yaml: ")  # the file, as the analyst names it
    assert "unknown key 'base_yaer'" in str(caught.value)
    assert "missing key 'base_year'" in str(caught.value)


@pytest.fixture
def previous_pdf(project) -> bytes:
    """A stand-in for the last good report, which a failed build must not touch."""
    pdf = project / "build" / "vestre_toten.pdf"
    pdf.parent.mkdir()
    content = b"%PDF-1.7 the last good report\n"
    pdf.write_bytes(content)
    return content


def test_bad_data_stops_the_build_before_any_kernel_and_keeps_the_last_pdf(project, previous_pdf):
    edit_line(project / CASE / "funding.csv", 3, "2500000", "2.5 mill")
    with pytest.raises(DatasetError):
        build_report(CONFIG)
    assert (project / "build" / "vestre_toten.pdf").read_bytes() == previous_pdf
    assert not (project / "build" / ".work" / "vestre_toten" / "executed").exists()  # no chapter was executed


def test_bad_config_stops_the_build_and_keeps_the_last_pdf(project, previous_pdf):
    path = project / CONFIG
    path.write_text(path.read_text(encoding="utf-8").replace("language: nb", "langauge: nb"), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'langauge'"):
        build_report(CONFIG)
    assert (project / "build" / "vestre_toten.pdf").read_bytes() == previous_pdf


def test_failing_cell_names_notebook_and_cell_and_keeps_the_executed_notebook(project, previous_pdf):
    for notebook in (project / "notebooks").glob("*.py"):
        notebook.unlink()
    (project / "notebooks" / "10_broken.py").write_text(
        '# %% [markdown]\n# # Kapittel\n\n# %% tags=["parameters"]\nconfig_file = "reports/vestre_toten.yaml"\n\n'
        "# %%\ntotal = 1\n\n# %%\ntotal / 0\n",
        encoding="utf-8",
    )
    with pytest.raises(ChapterError) as caught:
        build_report(CONFIG)
    message = str(caught.value)
    assert "notebooks/10_broken.py, cell 4: ZeroDivisionError: division by zero" in message
    kept = project / "build" / ".work" / "vestre_toten" / "failed" / "10_broken.ipynb"
    assert kept.is_file() and str(kept.relative_to(project)) in message
    assert (project / "build" / "vestre_toten.pdf").read_bytes() == previous_pdf


def _prose_chapters_only(project: Path) -> None:
    """Keep one prose chapter and add one whose headings skip from level 1 to level 4."""
    for notebook in (project / "notebooks").glob("*.py"):
        if notebook.name != "70_utviklingsevne.py":
            notebook.unlink()
    (project / "notebooks" / "80_ekstra.py").write_text(
        '# %% tags=["parameters"]\nconfig_file = "reports/vestre_toten.yaml"\n\n'
        "# %% [markdown]\n# # 7 Ekstra\n#\n# #### Detalj\n#\n# Tekst.\n", encoding="utf-8")


def test_a_pdf_that_fails_the_checks_stops_the_build_and_keeps_the_last_pdf(project, previous_pdf):
    _prose_chapters_only(project)
    with pytest.raises(PdfCheckError) as caught:
        build_report(CONFIG)
    assert "[heading-levels, WCAG 1.3.1]" in str(caught.value)
    assert (project / "build" / "vestre_toten.pdf").read_bytes() == previous_pdf


def test_a_draft_that_fails_the_checks_is_written_with_a_loud_warning(project, previous_pdf, caplog):
    _prose_chapters_only(project)
    path = project / CONFIG
    path.write_text(path.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
    result = build_report(CONFIG)
    assert result.pdf.read_bytes() != previous_pdf
    assert "DRAFT: this PDF is NOT fit to publish or archive" in caplog.text
    sidecar = json.loads((project / "build" / "vestre_toten.json").read_text(encoding="utf-8"))
    assert sidecar["pdf_checks"]["passed"] is False and sidecar["pdf_checks"]["draft"] is True


def test_failing_cell_right_after_the_parameters_is_numbered_as_in_the_file(project):
    for notebook in (project / "notebooks").glob("*.py"):
        notebook.unlink()
    (project / "notebooks" / "10_broken.py").write_text(
        '# %% [markdown]\n# # Kapittel\n\n# %% tags=["parameters"]\nconfig_file = "reports/vestre_toten.yaml"\n\n'
        "# %%\nimport evalreport.no_such_module\n", encoding="utf-8")
    with pytest.raises(ChapterError, match=r"notebooks/10_broken.py, cell 3: ModuleNotFoundError"):
        build_report(CONFIG)


def test_spending_that_does_not_add_up_to_funding(project):
    edit_line(project / CASE / "spending.csv", 2, "2011,Administrasjon og drift,525000", "2011,Administrasjon og drift,625000")
    assert ("data/vestre_toten/funding.csv and data/vestre_toten/spending.csv: funding and spending do not "
            "reconcile: spending exceeds funding by 100,000 NOK; correct the accounts") in problems_of(project)


# Rules a number depends on are declared inputs: a goal indicator, a funder kind or an administration
# area the configuration does not declare is an error from `make check`, never a silent change.

def test_an_undeclared_goal_indicator_is_named(project):
    edit_line(project / CASE / "goals.csv", 2, "nye_arbeidsplasser", "nye_jobber")
    message = problems_of(project)
    assert "goals.csv: column 'indicator', row 2: must be an indicator declared under goal_indicators" in message
    assert "(found 'nye_jobber')" in message


def test_an_unknown_funder_kind_is_named(project):
    edit_line(project / CASE / "funders.csv", 2, "fylkeskommune,ja", "selskap,ja")
    message = problems_of(project)
    assert "funders.csv: column 'kind', row 2: must be one of fylkeskommune, kommune, innovasjon_norge" in message
    assert "(found 'selskap')" in message


def test_funding_from_an_unlisted_funder_is_named(project):
    edit_line(project / CASE / "funding.csv", 2, "fylkeskommunen", "fylket")
    message = problems_of(project)
    assert "funding.csv: column 'funder_id', row 2: 'fylket' is not a funder in data/vestre_toten/funders.csv" in message


def test_an_administration_area_under_another_name_is_named(project):
    config = project / CONFIG
    config.write_text(config.read_text(encoding="utf-8").replace(
        "administration_area: Administrasjon og drift", "administration_area: Administrasjon"), encoding="utf-8")
    message = problems_of(project)
    assert "spending.csv: no focus area 'Administrasjon', which the configuration names as administration_area" in message


def test_a_company_is_not_public_money_unless_it_says_so(project):
    # The same company counted once as private (public: nei) and once as public: only the public
    # flag decides, never the kind; the total stays 22.0 M either way.
    from evalreport import indicators

    funders = project / CASE / "funders.csv"
    funders.write_text(funders.read_text(encoding="utf-8").replace(
        "innovasjon_norge,Innovasjon Norge,innovasjon_norge,ja", "innovasjon_norge,Et selskap AS,privat,nei"),
        encoding="utf-8")
    case = load_case(CONFIG)
    public = indicators.sum_public_funding(case.funding, case.funders)
    private = case.funding.loc[case.funding["funder_id"] == "innovasjon_norge", "amount_nok"].sum()
    assert case.funding["amount_nok"].sum() == 22_000_000 and public == 22_000_000 - private


def check(project):
    from evalreport.pipeline.build import check_report
    from evalreport.project import Project

    return check_report(Project(project), project / CONFIG)


def test_check_finds_broken_prose_markup_with_its_file_and_line(project):
    from evalreport.errors import ProseError

    lessons = project / "prose" / "vestre_toten" / "lessons.md"
    lines = lessons.read_text(encoding="utf-8").splitlines()
    lessons.write_text("\n".join([*lines, "{% if in_robek %}Kommunen var i ROBEK."]) + "\n", encoding="utf-8")
    with pytest.raises(ProseError) as caught:
        check(project)
    assert f"prose/vestre_toten/lessons.md, line {len(lines) + 1}:" in str(caught.value)  # the unclosed if


def test_check_finds_a_missing_prose_file(project):
    from evalreport.errors import ProseError

    (project / "prose" / "vestre_toten" / "capacity.md").unlink()
    with pytest.raises(ProseError, match="prose/vestre_toten/capacity.md is missing"):
        check(project)
