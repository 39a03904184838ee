"""`make bench`: how fast the build is, against the chain users would otherwise script and
against a lower bound with no kernels at all. Prints one table; a benchmark, not a test.

Everything runs in a private copy of the project, each figure is the median of several runs
made in this one session (these machines are shared: compare the ratios, not the seconds).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = "reports/vestre_toten.yaml"
PROSE_FILE = "prose/vestre_toten/permanent_work.md"  # the case's own text: an edit runs no chapter


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        process = psutil.Process(pid)
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_timed(command: list[str], cwd: Path, env: dict, sample_memory: bool = False) -> tuple[float, int]:
    """Run a command; return (seconds, peak resident memory of it and all its children, bytes)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if sample_memory:
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.decode(errors='replace')[-2000:]}")
    return seconds, peak


# --- the lower bound: every chapter's code in this one process, no kernels -----------------------

def _execute_in_process(notebook, parameters: dict):
    """Run a chapter's code cells in a fresh namespace here, recording what they display."""
    import IPython.display
    import nbformat

    recorded: list = []

    def as_output(obj, kind="display_data", raw=False):
        if raw and isinstance(obj, dict):  # a mime bundle, as chapter.glue displays its values
            data = obj
        elif hasattr(obj, "_repr_html_"):
            data = {"text/html": obj._repr_html_()}
        elif isinstance(obj, IPython.display.Markdown):
            data = {"text/markdown": obj.data}
        else:
            data = {"text/plain": repr(obj)}
        if kind == "execute_result":
            return nbformat.v4.new_output(kind, data=data, execution_count=1)
        return nbformat.v4.new_output(kind, data=data)

    from evalreport import chapter

    original = IPython.display.display
    record = lambda *objs, raw=False, **_: recorded.extend(as_output(o, raw=raw) for o in objs)  # noqa: E731
    # chapter.glue calls the display it imported, so that one is replaced as well
    IPython.display.display = chapter.display = record
    namespace: dict = {}
    try:
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            recorded.clear()
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the project's own chapters
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(parameters)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307
                if value is not None:
                    recorded.append(as_output(value, "execute_result"))
            cell.outputs = list(recorded)
    finally:
        IPython.display.display = chapter.display = original
    return notebook


def build_without_kernels(config_file: str, out_pdf: Path, check: bool = False) -> int:
    """The lower bound: run every chapter's code in this one process (no kernels), then render and
    write the PDF with the build's own steps; with `check`, also run the PDF/A and PDF/UA checks
    every build runs. Returns the number of pages."""
    import nbformat

    from evalreport.pipeline import execute, pdf, pdfcheck, steps
    from evalreport.pipeline.executors import LocalExecutor
    from evalreport.pipeline.plan import make_plan
    from evalreport.pipeline.state import BuildState
    from evalreport.project import Project

    project = Project.find()
    plan = make_plan(project, project.resolve(config_file))
    run = steps.Run(plan, BuildState(), LocalExecutor(1))
    steps.check(run)
    steps.estimate(run)
    parameters = steps.chapter_parameters(plan, run.case_facts)
    os.chdir(project.root)  # as a kernel started there would see it
    for chapter in plan.chapters:
        if chapter.is_notebook:
            notebook = _execute_in_process(execute.read_chapter(chapter.path), parameters)
            plan.executed(chapter).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, plan.executed(chapter))
    steps.render_chapters(run)
    steps.compose(run)
    html = run.composed.html
    verify = None
    if check:
        def verify(tmp: Path) -> None:
            pdfcheck.verify_pdf(tmp, plan.config.language, title=plan.config.title)

    return pdf.write_pdf(html, out_pdf, project.templates, verify=verify)


# --- the naive chain: papermill CLI, nbconvert CLI, WeasyPrint CLI, notebook by notebook ----------

def run_naive_chain(root: Path, env: dict, out: Path) -> None:
    bin_dir = Path(sys.executable).parent
    out.mkdir(parents=True, exist_ok=True)
    for chapter in sorted((root / "notebooks").glob("[0-9]*.py")):
        ipynb, executed = out / f"{chapter.stem}.ipynb", out / f"{chapter.stem}.out.ipynb"
        for command in (
            [bin_dir / "jupytext", "--quiet", "--to", "ipynb", "-o", ipynb, chapter],
            [bin_dir / "papermill", "--no-progress-bar", "-k", "python3", "--cwd", root, "-p", "config_file",
             CONFIG, "-p", "project_root", root, ipynb, executed],
            [bin_dir / "jupyter-nbconvert", "--to", "html", "--no-input", "--log-level", "ERROR", executed,
             "--output-dir", out],
            [bin_dir / "weasyprint", out / f"{chapter.stem}.out.html", out / f"{chapter.stem}.pdf"],
        ):
            done = subprocess.run([str(c) for c in command], cwd=root, env=env, capture_output=True)
            if done.returncode != 0:
                raise RuntimeError(f"naive chain failed at {command[0]}: {done.stderr.decode()[-1500:]}")


# --- the benchmark --------------------------------------------------------------------------------

def _edit_prose(root: Path, n: int) -> None:
    path = root / PROSE_FILE
    path.write_text(path.read_text(encoding="utf-8") + f"\nRevisjon {n} av teksten.\n", encoding="utf-8")


# --- the preview: from saving a prose file to the page the browser reloads ------------------------

def _preview_request(url: str, path: str, timeout: float = 60):
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    connection.request("GET", path)
    return connection.getresponse()


def _preview_status(url: str) -> dict:
    import json

    return json.loads(_preview_request(url, "/status").read())


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the preview did not get to {what} within {seconds:.0f} s")
        time.sleep(0.1)


def measure_preview(project: Path, env: dict, runs: int) -> dict[str, list[float]]:
    """Seconds from writing a prose file to the preview server announcing the new page (the event
    the browser reloads at), with the PDF of the last edit written ('idle') and while it is still
    being written in the background ('pdf running')."""
    import signal

    process = subprocess.Popen([sys.executable, "-m", "evalreport", "preview", "--config", CONFIG, "--port", "0"],
                               cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seconds: dict[str, list[float]] = {"idle": [], "pdf running": []}
    try:
        # The preview prints its address once it listens; a line without it means it stopped.
        first = process.stdout.readline()
        if "http://127.0.0.1:" not in first:
            raise RuntimeError(f"the preview did not start (exit code {process.poll()}): {first.strip() or 'no output'}")
        url = first.split("at ", 1)[1].split()[0]
        _wait(lambda: _preview_status(url)["generation"] >= 1, 900, "its first page")
        for n in range(1, 2 * runs + 1):
            busy = n > runs
            if busy:  # an edit a few seconds after the last one: its PDF is being written
                _wait(lambda: _preview_status(url)["pdf"] == "writing", 60, "writing the PDF")
                time.sleep(3)
            else:
                _wait(lambda: _preview_status(url)["pdf"] in ("written", "failed"), 900, "the PDF")
            events = _preview_request(url, f"/events?since={_preview_status(url)['generation']}", timeout=120)
            events.readline(), events.readline()  # the stream's opening: its retry interval
            started = time.perf_counter()
            path = project / PROSE_FILE
            path.write_text(path.read_text(encoding="utf-8") + f"\nForhåndsvisning {n}.\n", encoding="utf-8")
            while True:
                line = events.readline()
                if not line:
                    raise RuntimeError("the preview closed its event stream without announcing a page")
                if line.startswith(b"event: reload"):
                    break
            seconds["pdf running" if busy else "idle"].append(time.perf_counter() - started)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
    return seconds


def run_preview_benchmark(runs: int) -> str:
    """The preview's figure alone, in a private copy of the project."""
    from evalreport.project import Project

    work = Path(tempfile.mkdtemp(prefix="evalreport-bench-"))
    project = Project(Project.find().root).copy_to(work / "project").root
    env = dict(os.environ)  # the commands run in the copy's folder (cwd), as the analyst runs them
    try:
        preview = measure_preview(project, env, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return (f"preview: prose edit to browser reload: {statistics.median(preview['idle']):.2f} s (target < 1 s; "
            f"{statistics.median(preview['pdf running']):.2f} s while the last edit's PDF is still being written; "
            f"median of {runs}, each: {', '.join(f'{x:.2f}' for x in preview['idle'] + preview['pdf running'])} s)")


def run_benchmark(runs: int) -> str:
    from evalreport.project import Project

    root = Project.find().root
    work = Path(tempfile.mkdtemp(prefix="evalreport-bench-"))
    project = Project(root).copy_to(work / "project").root
    # The commands run in the copy's folder (cwd), as the analyst runs them; the lower bound is this
    # module, which the copy does not hold: the checkout's dev/ is found through PYTHONPATH.
    checkout = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")])),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    ours = [sys.executable, "-m", "evalreport", "build", "--config", CONFIG]
    results: dict[str, list[float]] = {"clean": [], "noop": [], "prose": [], "naive": [], "lower": [],
                                       "lower_checked": []}
    peaks = []
    try:
        for n in range(1, runs + 1):
            shutil.rmtree(project / "build", ignore_errors=True)
            seconds, peak = run_timed(ours, project, env, sample_memory=True)
            results["clean"].append(seconds)
            peaks.append(peak)
            results["noop"].append(run_timed(ours, project, env)[0])
            _edit_prose(project, n)
            results["prose"].append(run_timed(ours, project, env)[0])
            lower = [sys.executable, "-m", "dev.bench", "--lower-bound", str(work / "lower.pdf")]
            results["lower"].append(run_timed(lower, project, env)[0])
            results["lower_checked"].append(run_timed([*lower, "--check"], project, env)[0])
            started = time.perf_counter()
            run_naive_chain(project, env, work / f"naive-{n}")
            results["naive"].append(time.perf_counter() - started)
        preview = measure_preview(project, env, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = {k: statistics.median(v) for k, v in results.items()}
    rows = [
        ("our clean build", median["clean"]),
        ("our no-op rebuild", median["noop"]),
        ("our rebuild after a prose edit in one chapter", median["prose"]),
        ("naive chain (papermill, nbconvert, weasyprint CLIs, serial)", median["naive"]),
        ("lower bound (one process, no kernels)", median["lower"]),
        ("lower bound with the PDF/A-2a and PDF/UA-1 checks every build runs", median["lower_checked"]),
    ]
    lines = [f"Benchmark of the bundled report, median of {runs} run(s), {os.cpu_count()} core(s)", "",
             f"{'what':<72} {'seconds':>8} {'/ lower':>8} {'/ naive':>8}"]
    for name, value in rows:
        lines.append(f"{name:<72} {value:8.2f} {value / median['lower']:8.2f} {value / median['naive']:8.2f}")
    lines += ["", f"peak memory of our clean build, all processes together: {max(peaks) / 2**20:.0f} MiB",
              f"clean build vs lower bound: {median['clean'] / median['lower']:.2f} x (target <= 1.5); "
              f"with the same PDF checks in both: {median['clean'] / median['lower_checked']:.2f} x",
              f"naive chain vs clean build: {median['naive'] / median['clean']:.2f} x faster (target >= 3)",
              f"no-op rebuild: {median['noop']:.2f} s (target < 0.5 s)",
              f"prose rebuild vs clean build: {median['prose'] / median['clean'] * 100:.0f} % (target <= 35 %)",
              f"preview: prose edit to browser reload: {statistics.median(preview['idle']):.2f} s (target < 1 s; "
              f"{statistics.median(preview['pdf running']):.2f} s while the last edit's PDF is still being written)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dev.bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--lower-bound", metavar="PDF", help="build once without kernels into PDF (internal)")
    parser.add_argument("--check", action="store_true", help="with --lower-bound: check the PDF as builds do")
    parser.add_argument("--preview-only", action="store_true", help="measure only the preview's reload after an edit")
    args = parser.parse_args(argv)
    if args.lower_bound:
        build_without_kernels(CONFIG, Path(args.lower_bound), check=args.check)
        return 0
    if args.preview_only:
        print(run_preview_benchmark(args.runs))
        return 0
    print(run_benchmark(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
