"""Valid data that is probably not what the analyst meant gets a note from `make check` and the
build, naming the file and rows (issue 18: years outside the programme; issue 20: a 100 000-row
project list paid 2 000 times the funding)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))
CASE = Path("data/vestre_toten")


def check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([EVALREPORT, "check", "--case", "vestre_toten"], cwd=project, capture_output=True,
                          text=True, timeout=300)


def rows_of(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_the_bundled_case_gets_no_note(project):
    done = check(project)
    assert done.returncode == 0 and "note:" not in done.stderr, done.stderr


def test_a_project_and_spending_outside_the_programme_years_are_named_by_row(project):
    projects = rows_of(project / CASE / "projects.csv")
    projects[2]["start_year"] = "2009"  # two years before the programme (2011-2017), inside the period
    write_rows(project / CASE / "projects.csv", projects)
    spending = rows_of(project / CASE / "spending.csv")
    late = next(i for i, r in enumerate(spending) if r["year"] == "2017")
    spending[late]["year"] = "2019"
    write_rows(project / CASE / "spending.csv", spending)
    done = check(project)
    assert done.returncode == 0, done.stderr
    assert ("note: data/vestre_toten/projects.csv: column 'start_year': row 4 (2009): the project was granted "
            "support outside the programme's years (2011–2017)") in done.stderr, done.stderr
    assert f"data/vestre_toten/spending.csv: column 'year': row {late + 2} (2019): money was spent outside" in done.stderr


def test_a_huge_project_list_paid_far_beyond_the_funding_is_noted(project):
    projects = rows_of(project / CASE / "projects.csv")
    many = [{**projects[i % len(projects)], "project_id": f"X{i:06d}"} for i in range(100_000)]
    write_rows(project / CASE / "projects.csv", many)
    done = check(project)
    assert "projects.csv: 100,000 projects, more than any restructuring programme has had" in done.stderr, done.stderr
    assert "projects.csv: the projects were paid" in done.stderr and "more than the" in done.stderr


def test_make_check_names_an_unclosed_style_and_an_include_in_prose(project):
    lessons = project / "prose" / "vestre_toten" / "lessons.md"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "\n<style>\n\nMer tekst.\n\n{% include 'x.md' %}\n",
                       encoding="utf-8")
    done = check(project)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "prose/vestre_toten/lessons.md, line" in done.stderr and "<style> is not allowed in prose" in done.stderr
    assert "{% include %} is not allowed in prose" in done.stderr
