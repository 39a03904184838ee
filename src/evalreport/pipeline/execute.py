"""Execute chapter notebooks with papermill, side by side, in kernels that are reused and reset.

A chapter gets its report through papermill parameters: the configuration, the case this build
validated, and the project root. Kernels are driven from threads of the build (they do the work;
the threads only wait on them), talk over Unix sockets in folders of their own (no TCP ports to
race for), and run `%reset -f` between chapters.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import papermill
from jupyter_client.manager import KernelManager
from papermill.exceptions import PapermillExecutionError

from evalreport.errors import ChapterError
from evalreport.pipeline import fingerprint

log = logging.getLogger(__name__)

RESET_TAG = "evalreport-reset"
INJECTED_TAG = "injected-parameters"
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"  # the markdown cells papermill adds around a failure
TRACEBACK_FRAMES = 3  # the last frames of the analyst's own cell shown with a failure


class Kernels:
    """One kernel per worker thread, started on first use, reset between chapters, shut down at the end."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None):
        self.cwd = cwd
        self.env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                    # The kernel is started as 'python' from PATH: make it this environment's Python.
                    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                    **(env or {})}
        self.local = threading.local()
        self.started: list[tuple[object, str]] = []
        self.lock = threading.Lock()

    def get(self):
        manager = getattr(self.local, "manager", None)
        if manager is None or not manager.is_alive():
            sockets = tempfile.mkdtemp(prefix="evalreport-kernel-")
            manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
            # The kernel answers over its sockets; what it writes to its own stdout and stderr is
            # IPython's housekeeping («Parent appears to have exited» after a Ctrl-C), not the
            # chapter's output (that comes over the sockets), so it does not reach the terminal.
            manager.start_kernel(cwd=str(self.cwd), env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.local.manager = manager
            with self.lock:
                self.started.append((manager, sockets))
        return manager

    def shutdown(self) -> None:
        for manager, sockets in self.started:
            if manager.has_kernel:
                manager.shutdown_kernel(now=True)
            shutil.rmtree(sockets, ignore_errors=True)
        self.started.clear()


@dataclass(frozen=True)
class Job:
    """One chapter to execute: its source file (named as the analyst sees it) and where the run goes."""

    source: Path
    label: str
    output: Path
    failed_dir: Path
    relative: object = str  # path -> as the analyst sees it


def execute_chapter(job: Job, parameters: dict, kernels: Kernels) -> float:
    """Run one chapter with papermill in this thread's kernel, after resetting its namespace.

    The executed notebook replaces `job.output` only when every cell ran; a failed run is kept in
    `job.failed_dir` for inspection, and the cache never holds it.
    """
    manager = kernels.get()
    notebook = read_chapter(job.source)
    reset = nbformat.v4.new_code_cell("%reset -f", metadata={"tags": ["remove-cell", RESET_TAG]})
    reset["id"] = "evalreport-reset"
    notebook.cells.insert(0, reset)
    job.output.parent.mkdir(parents=True, exist_ok=True)
    handle, running = tempfile.mkstemp(prefix=f".{job.output.stem}.", suffix=".running.ipynb", dir=job.output.parent)
    os.close(handle)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(notebook, running, parameters=parameters, kernel_name="python3",
                                   cwd=str(kernels.cwd), progress_bar=False, log_output=False, km=manager)
    except PapermillExecutionError as exc:
        failed = job.failed_dir / job.output.name
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(running, failed)
        executed = nbformat.read(failed, as_version=4)
        raise ChapterError(
            f"{job.label}, cell {_cell_number(executed, exc.cell_index)}: {exc.ename}: {exc.evalue}\n"
            f"{_own_frames(exc.traceback)}"
            f"  The executed notebook is kept at {job.relative(failed)}; open it with 'make lab' to see the whole "
            "traceback."
        ) from None
    except BaseException:
        Path(running).unlink(missing_ok=True)
        raise
    os.replace(running, job.output)
    return time.perf_counter() - started


def _own_frames(traceback_lines: list[str]) -> str:
    """The last frames of the failing cell's traceback, without colour codes, indented."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(traceback_lines or []))
    frames = [block for block in text.split("\n\n") if block.strip()]
    shown = "\n".join(frames[-TRACEBACK_FRAMES:]).strip().splitlines()[-12:]
    return "".join(f"    {line}\n" for line in shown) if shown else ""


def is_added(cell) -> bool:
    """Whether the build added `cell` to the run (the reset, the injected parameters)."""
    tags = cell.metadata.get("tags", [])
    return INJECTED_TAG in tags or RESET_TAG in tags


def _cell_number(notebook, index: int) -> int:
    """The failing cell's number as the analyst counts it in the chapter's file.

    papermill's `cell_index` counts the cells as they were run; the saved notebook also holds the
    error notices papermill inserted afterwards, which are left out before counting.
    """
    cells = [c for c in notebook.cells if PAPERMILL_ERROR_TAG not in c.metadata.get("tags", [])]
    return index + 1 - sum(1 for c in cells[:index] if is_added(c))


def read_chapter(path: Path):
    """Read a chapter's text file as a notebook, with cell ids fixed by position (jupytext makes
    new random ids at every read, which would make equal chapters look different)."""
    stat = path.stat()
    return copy.deepcopy(_read_chapter(path, stat.st_mtime_ns, stat.st_size))


# jupytext takes about 30 ms a chapter; a process that builds again and again (the preview) reads
# each version of a chapter once.
@functools.lru_cache(maxsize=64)
def _read_chapter(path: Path, _mtime_ns: int, _size: int):
    notebook = jupytext.read(path)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    # A chapter written by hand may lack the header jupytext writes; every chapter is Python.
    notebook.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    return notebook


def reads_data(notebook) -> bool:
    """Whether a chapter can read the report's data: any code cell beyond its parameters."""
    return any(c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []) for c in notebook.cells)


def code_signature(notebook) -> str:
    """What of a chapter decides its outputs: its code cells and their tags, not its prose."""
    return fingerprint.hash_text(*(json.dumps([c.source, sorted(c.metadata.get("tags", []))])
                                   for c in notebook.cells if c.cell_type == "code"))


def execute_all(jobs: list[Job], parameters: dict, workers: int, kernels: Kernels, on_done=None) -> None:
    """Execute chapters side by side; report each as it finishes; raise one error for all failures."""
    errors = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chapter") as pool:
        futures = {pool.submit(execute_chapter, job, parameters, kernels): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                seconds = future.result()
                log.info("  executed  %-28s %5.1f s", job.source.stem, seconds)
                if on_done is not None:
                    on_done(job)
            except ChapterError as exc:
                log.error("  failed    %s", job.source.stem)
                errors[job.label] = str(exc)
            except Exception as exc:  # noqa: BLE001 - reported with the chapter's name, then raised together
                log.error("  failed    %s", job.source.stem)
                errors[job.label] = f"{job.label}: could not be run: {type(exc).__name__}: {exc}"
    if errors:
        raise ChapterError("\n".join(errors[label] for label in sorted(errors)))
