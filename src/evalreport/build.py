"""Build the report: check inputs, execute the chapters, render, write the PDF and HTML twin.

Nothing is written where the last good report lies until every step has succeeded: a failed
build leaves the previous PDF as it was.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from evalreport import paths, render
from evalreport.config import load_config
from evalreport.datasets import load_case
from evalreport.summary import compute_key_figures

log = logging.getLogger(__name__)

NOTEBOOKS_DIR = "notebooks"
BUILD_DIR = "build"


class ChapterError(RuntimeError):
    """A chapter notebook failed while it ran."""


@dataclass(frozen=True)
class BuildResult:
    pdf: Path
    html: Path
    pages: int
    seconds: float


def find_chapters(root: Path) -> list[Path]:
    """The chapter notebooks in report order: their names start with a number (10_, 20_ ...)."""
    chapters = sorted(p for p in (root / NOTEBOOKS_DIR).glob("*.py") if p.name[:1].isdigit())
    if not chapters:
        raise FileNotFoundError(f"no chapter notebooks (NN_name.py) in {root / NOTEBOOKS_DIR}")
    return chapters


def execute_chapter(source: Path, output: Path, parameters: dict, root: Path) -> float:
    """Run one chapter with papermill; the executed notebook is written to `output` even on failure."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # The kernel is started as 'python' from PATH: make it this environment's Python.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    from jupyter_client.manager import AsyncKernelManager

    notebook = jupytext.read(source)
    # A chapter written by hand may lack the header jupytext writes; every chapter is Python.
    notebook.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Kernels talk over Unix sockets in a folder of their own: no TCP ports to race for when
    # chapters run side by side, and nothing shared between them.
    with tempfile.TemporaryDirectory(prefix="evalreport-kernel-") as sockets:
        manager = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        try:
            papermill.execute_notebook(notebook, str(output), parameters=parameters, kernel_name="python3",
                                       cwd=str(root), progress_bar=False, log_output=False, km=manager)
        except PapermillExecutionError as exc:
            cell = _cell_number(nbformat.read(output, as_version=4), exc.cell_index)
            raise ChapterError(
                f"{source.relative_to(root)}, cell {cell}: {exc.ename}: {exc.evalue}\n"
                f"  The executed notebook is kept at {output.relative_to(root)}; open it to see the traceback."
            ) from None
        finally:
            if manager.has_kernel:  # a kernel manager we made is ours to shut down
                asyncio.run(manager.shutdown_kernel(now=True))
    return time.perf_counter() - started


def _cell_number(notebook: nbformat.NotebookNode, index: int) -> int:
    """The failing cell's number as the analyst counts it: papermill's injected cell not counted."""
    injected = sum(1 for c in notebook.cells[:index] if "injected-parameters" in c.metadata.get("tags", []))
    return index + 1 - injected


def _execute_all(chapters: list[Path], work: Path, parameters: dict, root: Path, jobs: int) -> list[Path]:
    outputs = [work / "executed" / f"{c.stem}.ipynb" for c in chapters]
    context = multiprocessing.get_context("spawn")
    errors = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(execute_chapter, c, o, parameters, root): c for c, o in zip(chapters, outputs)}
        for future, chapter in futures.items():
            try:
                seconds = future.result()
                log.info("executed  %-28s %5.1f s", chapter.stem, seconds)
            except ChapterError as exc:
                log.error("failed    %s", chapter.stem)
                errors.append(str(exc))
            except Exception as exc:  # noqa: BLE001 - reported with the chapter's name, then raised
                log.error("failed    %s", chapter.stem)
                errors.append(f"{chapter.relative_to(root)}: could not be run: {type(exc).__name__}: {exc}")
    if errors:
        raise ChapterError("\n".join(errors))
    return outputs


def build_report(config_file: str, jobs: int | None = None) -> BuildResult:
    """Build the PDF and HTML twin of the report configured in `config_file`."""
    started = time.perf_counter()
    root = paths.find_project_root()
    config = load_config(config_file)
    case = load_case(config)  # every input is checked before any kernel starts
    key_figures = compute_key_figures(config, case)
    chapters = find_chapters(root)
    work = root / BUILD_DIR / ".work" / config.output_name
    config_arg = os.path.relpath(paths.resolve(config_file), root)
    jobs = jobs or os.cpu_count() or 1
    executed = _execute_all(chapters, work, {"config_file": config_arg}, root, min(jobs, len(chapters)))
    fragments = [render.render_chapter(nbformat.read(p, as_version=4)) for p in executed]
    created = dt.datetime.combine(config.report_date, dt.time(12, 0), tzinfo=dt.timezone.utc).isoformat()
    html = render.compose_document(fragments, config, render.DocumentFacts(sample=case.is_sample, created=created))
    out = root / BUILD_DIR
    pdf = out / f"{config.output_name}.pdf"
    twin = out / f"{config.output_name}.html"
    pages = render.write_pdf(html, pdf)
    render.write_html_twin(html, twin)
    sidecar = out / f"{config.output_name}.json"
    render.write_atomically(sidecar, lambda tmp: tmp.write_text(
        json.dumps({"config": config_arg, "key_figures": key_figures.as_dict()}, indent=2, ensure_ascii=False),
        encoding="utf-8"))
    seconds = time.perf_counter() - started
    log.info("wrote %s (%d pages) and %s in %.1f s", pdf.relative_to(root), pages, twin.relative_to(root), seconds)
    return BuildResult(pdf=pdf, html=twin, pages=pages, seconds=seconds)
