"""Small hostile files do not take the machine's memory or minutes (issue 20, X3-X5, X13): a workbook
that unpacks to far more than a table, or that claims millions of cells, is refused by `make check`
with the file and what to do, before it is unpacked."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import yaml

from evalreport import readers

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))
CASE = Path("data/vestre_toten")


def projects_workbook(path: Path, project: Path) -> None:
    """The case's projects as a workbook, as an analyst would save them."""
    frame = pd.read_csv(project / CASE / "projects.csv", dtype=str)
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        worksheet.append(list(row))
    workbook.save(path)


def with_padding(workbook: Path, megabytes: int) -> None:
    """Add a member that unpacks to `megabytes` of zeros and packs to a fraction of one (a zip bomb)."""
    with zipfile.ZipFile(workbook, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(block)


def use_projects_file(project: Path, name: str) -> None:
    path = project / CASE / "datasets.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records["projects"]["file"] = name
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")


def check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([EVALREPORT, "check", "--case", "vestre_toten"], cwd=project, capture_output=True,
                          text=True, timeout=300)


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_unopened(project):
    bomb = project / CASE / "projects.xlsx"
    projects_workbook(bomb, project)
    with_padding(bomb, 1024)
    assert bomb.stat().st_size < 5_000_000  # a small file to send by e-mail
    use_projects_file(project, "projects.xlsx")
    started = time.perf_counter()
    done = check(project)
    assert time.perf_counter() - started < 60
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "data/vestre_toten/projects.xlsx: the workbook unpacks to 1,074 MB" in done.stderr, done.stderr
    assert "copy the table alone into a new workbook or save it as CSV" in done.stderr


def test_a_sheet_claiming_millions_of_cells_is_refused(tmp_path, project):
    workbook = tmp_path / "wide.xlsx"
    projects_workbook(workbook, project)
    claimed = tmp_path / "claimed.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(claimed, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b'<dimension ref="')
                end = data.index(b'"', start + 16)
                data = data[:start] + b'<dimension ref="A1:XFD1048576' + data[end:]
            target.writestr(member, data)
    table = readers.read_table(claimed, "projects.xlsx", readers.Layout(columns=("project_id",)))
    assert table.problems and "1 048 576 rows and 16 384 columns" in table.problems[0].replace("\u00a0", " ")


def test_an_ordinary_workbook_is_read(project):
    workbook = project / CASE / "projects.xlsx"
    projects_workbook(workbook, project)
    use_projects_file(project, "projects.xlsx")
    done = check(project)
    assert done.returncode == 0, done.stderr
