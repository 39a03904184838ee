"""One Ctrl-C stops a portfolio build cleanly (issue 20, F5): the reports in flight are abandoned,
no Dask traceback fills the terminal, the command exits 130, and the last good reports are intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import copy_project

EVALREPORT = str(Path(sys.executable).with_name("evalreport"))


def test_one_ctrl_c_stops_the_portfolio_and_keeps_the_reports(tmp_path):
    project = copy_project(tmp_path / "project")
    log = tmp_path / "reports.log"
    with open(log, "w", encoding="utf-8") as output:
        # A session of its own, as a terminal's job: Ctrl-C goes to every process of the group.
        process = subprocess.Popen([EVALREPORT, "build", "--all", "--workers", "2"], cwd=project, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while "executed" not in log.read_text(encoding="utf-8"):  # chapters are running on the workers
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        pressed = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=120)
        stopped_in = time.monotonic() - pressed
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    said = log.read_text(encoding="utf-8")
    assert code == 130 and said.rstrip().endswith("interrupted"), said
    assert "Traceback" not in said and "distributed." not in said, said
    assert stopped_in < 60, f"{stopped_in:.0f} s after Ctrl-C"
    for name in ("vestre_toten", "vestre_toten_nabokommuner"):  # nothing half-published
        outputs = [project / "build" / f"{name}{suffix}" for suffix in (".pdf", ".html", ".json")]
        assert all(p.exists() for p in outputs) or not any(p.exists() for p in outputs)
