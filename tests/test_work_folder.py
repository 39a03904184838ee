"""A work folder with something of the wrong kind in it does not stop every later build (issue 20,
C12): build/ is the build's own and safe to clear, so what lies in the way is replaced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))


def test_a_lock_folder_and_files_where_folders_belong_are_replaced(project):
    work = project / "build" / ".work" / "vestre_toten"
    work.mkdir(parents=True)
    (work / ".lock").mkdir()
    (work / ".lock" / "stale").write_text("x", encoding="utf-8")
    for name in ("out", "published", "executed", "fragments"):
        (work / name).write_text("not a folder", encoding="utf-8")
    done = subprocess.run([EVALREPORT, "build", "--case", "vestre_toten"], cwd=project, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert (project / "build" / "vestre_toten.pdf").read_bytes().startswith(b"%PDF-")
