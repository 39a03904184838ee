"""Build the report: check inputs, execute the chapters, render, write the PDF and HTML twin.

The build is incremental: a chapter runs again only when its code, the report's parameters, the
data it reads, the package or the environment changed; an edit to a chapter's prose alone is
merged into the chapter's last executed copy without running it. With nothing changed the build
says so and does nothing. Chapters run side by side, one kernel per worker process, each kernel
reset between chapters. Nothing is written where the last good report lies until every step has
succeeded: a failed build leaves the previous PDF as it was.

Heavy libraries are imported inside the functions that need them, so that the no-op check is fast.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evalreport import fingerprint, paths
from evalreport.errors import ChapterError, ConfigError

log = logging.getLogger(__name__)

NOTEBOOKS_DIR = "notebooks"
BUILD_DIR = "build"
STATE_VERSION = 2
RESET_TAG = "evalreport-reset"
INJECTED_TAG = "injected-parameters"
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"  # the markdown cells papermill adds around a failure
REPORTED_VERSIONS = ["evalreport", "pandas", "numpy", "pandera", "matplotlib", "papermill", "nbconvert",
                     "jupytext", "ipykernel", "weasyprint", "pydantic", "openpyxl", "pikepdf", "page-validation",
                     "pdfua"]


@dataclass(frozen=True)
class BuildResult:
    pdf: Path
    html: Path
    pages: int
    seconds: float
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    rebuilt: bool = True


@dataclass(frozen=True)
class Plan:
    """What one report's build depends on, by content."""

    root: Path
    config_path: Path
    config_arg: str  # the configuration's path relative to the project root, as notebooks get it
    output_name: str
    inputs: dict[str, str]  # relative path -> sha256: configuration, data, notebooks, templates
    data_key: str
    templates_key: str
    package_key: str
    environment: dict[str, str]
    git: dict
    built_at: str

    @property
    def work(self) -> Path:
        return self.root / BUILD_DIR / ".work" / self.output_name

    @property
    def pdf(self) -> Path:
        return self.root / BUILD_DIR / f"{self.output_name}.pdf"

    @property
    def html(self) -> Path:
        return self.root / BUILD_DIR / f"{self.output_name}.html"

    @property
    def sidecar(self) -> Path:
        return self.root / BUILD_DIR / f"{self.output_name}.json"

    @property
    def document_key(self) -> str:
        return fingerprint.hash_text(json.dumps(
            [STATE_VERSION, self.inputs, self.package_key, self.environment, self.git, self.built_at],
            sort_keys=True))

    def chapter_key(self, code_signature: str, reads_data: bool) -> str:
        """What a chapter's execution depends on: its code, the parameters, the data it reads,
        the package and the environment (not its prose)."""
        config_hash = self.inputs[self.config_arg]
        return fingerprint.hash_text(code_signature, config_hash, self.data_key if reads_data else "",
                                     self.package_key, json.dumps(self.environment, sort_keys=True))


def find_chapters(root: Path) -> list[Path]:
    """The chapter notebooks in report order: their names start with a number (10_, 20_ ...)."""
    chapters = sorted(p for p in (root / NOTEBOOKS_DIR).glob("*.py") if p.name[:1].isdigit())
    if not chapters:
        raise FileNotFoundError(f"no chapter notebooks (NN_name.py) in {root / NOTEBOOKS_DIR}")
    return chapters


def _built_at(git: dict, fallback: str) -> str:
    """The build's time, taken from the inputs so that the same inputs give the same files:
    SOURCE_DATE_EPOCH when set, else the time of the commit the project is at."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or git.get("commit_time")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).isoformat()
    return fallback


def make_plan(config_file: str) -> Plan:
    """Fingerprint every input of the report. Reads the YAML without checking it: a bad file
    is reported by the full check that follows whenever anything has to be built."""
    root = paths.find_project_root()
    config_path = paths.resolve(config_file, root)
    if not config_path.is_file():
        raise ConfigError(f"{config_path}: the report configuration file does not exist")
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        raw = None  # the full check reports it
    raw = raw if isinstance(raw, dict) else {}
    output_name = str(raw.get("output_name") or config_path.stem)
    data_dir = paths.resolve(str(raw.get("data_dir", "data")), root)
    config_arg = os.path.relpath(config_path, root)
    templates = root / paths.TEMPLATES_DIR_NAME
    data_files = fingerprint.files_under(data_dir) if data_dir.is_dir() else []
    data = fingerprint.hash_files(data_files, root)
    inputs = {config_arg: fingerprint.hash_file(config_path), **data,
              **fingerprint.hash_files(find_chapters(root), root),
              **fingerprint.hash_files(fingerprint.files_under(templates), root)}
    git = fingerprint.git_state(root)
    fallback = f"{raw.get('report_date', '1970-01-01')}T12:00:00+00:00"
    return Plan(
        root=root, config_path=config_path, config_arg=config_arg, output_name=output_name, inputs=inputs,
        data_key=fingerprint.hash_text(json.dumps(data, sort_keys=True)),
        templates_key=fingerprint.hash_tree(templates),
        package_key=fingerprint.hash_tree(Path(__file__).resolve().parent),
        environment=fingerprint.environment(), git=git, built_at=_built_at(git, fallback),
    )


def _read_state(plan: Plan) -> dict:
    try:
        state = json.loads((plan.work / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if state.get("version") == STATE_VERSION else {}


def _up_to_date(plan: Plan, state: dict) -> bool:
    return (state.get("document_key") == plan.document_key
            and all(p.is_file() for p in (plan.pdf, plan.html, plan.sidecar))
            and fingerprint.hash_file(plan.pdf) == state.get("pdf_sha256")
            and fingerprint.hash_file(plan.html) == state.get("html_sha256"))


# --- executing chapters ---------------------------------------------------------------------------

class Kernels:
    """One kernel per worker thread, started on first use, reset between chapters, shut down at
    the end. Kernels talk over Unix sockets in folders of their own: no TCP ports to race for."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env = root, env
        self.local = threading.local()
        self.started: list[tuple[object, str]] = []
        self.lock = threading.Lock()

    def get(self):
        import tempfile

        from jupyter_client.manager import KernelManager

        manager = getattr(self.local, "manager", None)
        if manager is None or not manager.is_alive():
            sockets = tempfile.mkdtemp(prefix="evalreport-kernel-")
            manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
            manager.start_kernel(cwd=str(self.root), env=self.env)
            self.local.manager = manager
            with self.lock:
                self.started.append((manager, sockets))
        return manager

    def shutdown(self) -> None:
        import shutil

        for manager, sockets in self.started:
            if manager.has_kernel:
                manager.shutdown_kernel(now=True)
            shutil.rmtree(sockets, ignore_errors=True)


def execute_chapter(source: Path, output: Path, parameters: dict, root: Path, kernels: Kernels) -> float:
    """Run one chapter with papermill in this thread's kernel, after resetting its namespace.

    The executed notebook replaces `output` only when every cell ran; a failed run is kept in
    the work folder's failed/ for inspection, and the cache never holds it.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    manager = kernels.get()
    notebook = read_chapter(source)
    reset = nbformat.v4.new_code_cell("%reset -f", metadata={"tags": ["remove-cell", RESET_TAG]})
    reset["id"] = "evalreport-reset"
    notebook.cells.insert(0, reset)
    running = output.with_suffix(".running.ipynb")
    running.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(notebook, str(running), parameters=parameters, kernel_name="python3",
                                   cwd=str(root), progress_bar=False, log_output=False, km=manager)
    except PapermillExecutionError as exc:
        failed = output.parent.parent / "failed" / output.name
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(running, failed)
        executed = nbformat.read(failed, as_version=4)
        raise ChapterError(
            f"{source.relative_to(root)}, cell {_cell_number(executed, exc.cell_index)}: {exc.ename}: {exc.evalue}\n"
            f"  The executed notebook is kept at {failed.relative_to(root)}; open it to see the traceback."
        ) from None
    os.replace(running, output)
    return time.perf_counter() - started


def _is_added(cell) -> bool:
    tags = cell.metadata.get("tags", [])
    return INJECTED_TAG in tags or RESET_TAG in tags


def _cell_number(notebook, index: int) -> int:
    """The failing cell's number as the analyst counts it in the chapter's file.

    papermill's `cell_index` counts the cells as they were run; the saved notebook also holds the
    error notices papermill inserted afterwards, which are left out before counting.
    """
    cells = [c for c in notebook.cells if PAPERMILL_ERROR_TAG not in c.metadata.get("tags", [])]
    return index + 1 - sum(1 for c in cells[:index] if _is_added(c))


def read_chapter(path: Path):
    """Read a chapter's text file as a notebook, with cell ids fixed by position (jupytext makes
    new random ids at every read, which would make equal chapters look different)."""
    import jupytext

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


def merge_prose(source, executed):
    """The executed notebook with its markdown cells taken from the (edited) source.

    Valid only when the code cells are unchanged, which the chapter's key guarantees.
    """
    import copy

    executed_code = iter([c for c in executed.cells if c.cell_type == "code" and not _is_added(c)])
    added = [c for c in executed.cells if _is_added(c)]
    merged = copy.deepcopy(executed)
    merged.cells = [c for c in added if RESET_TAG in c.metadata.get("tags", [])]
    for cell in source.cells:
        if cell.cell_type == "code":
            merged.cells.append(next(executed_code))
            if "parameters" in cell.metadata.get("tags", []):
                merged.cells += [c for c in added if INJECTED_TAG in c.metadata.get("tags", [])]
        else:
            merged.cells.append(cell)
    return merged


def _execute(pending: list[tuple[Path, Path]], plan: Plan, jobs: int, case_cache: Path | None) -> None:
    """Execute chapters side by side; report each as it finishes; raise one error for all failures.

    The chapters' kernels are driven from threads of this process: they wait on the kernels,
    which do the work, so no worker processes are needed.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           # The kernel is started as 'python' from PATH: make it this environment's Python.
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    if case_cache is not None:
        from evalreport.chapter import CASE_CACHE_VARIABLE

        env[CASE_CACHE_VARIABLE] = str(case_cache)
    kernels = Kernels(plan.root, env)
    parameters = {"config_file": plan.config_arg}
    errors = {}
    try:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="chapter") as pool:
            futures = {pool.submit(execute_chapter, src, out, parameters, plan.root, kernels): src
                       for src, out in pending}
            for future in as_completed(futures):
                chapter = futures[future]
                try:
                    log.info("  executed  %-28s %5.1f s", chapter.stem, future.result())
                    render_fragment(plan, chapter)  # while the other chapters still run
                except ChapterError as exc:
                    log.error("  failed    %s", chapter.stem)
                    errors[chapter] = str(exc)
                except Exception as exc:  # noqa: BLE001 - reported with the chapter's name, then raised
                    log.error("  failed    %s", chapter.stem)
                    errors[chapter] = f"{chapter.relative_to(plan.root)}: could not be run: {type(exc).__name__}: {exc}"
    finally:
        kernels.shutdown()
    if errors:
        raise ChapterError("\n".join(errors[c] for c in sorted(errors)))


def render_fragment(plan: Plan, chapter: Path) -> str:
    """A chapter's HTML, rendered again only when its executed notebook or the template changed."""
    import nbformat

    from evalreport import render

    executed = plan.work / "executed" / f"{chapter.stem}.ipynb"
    key = fingerprint.hash_text(fingerprint.hash_file(executed), plan.templates_key)
    cached = plan.work / "fragments" / f"{chapter.stem}.{key[:24]}.html"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    fragment = render.render_chapter(nbformat.read(executed, as_version=4), plan.templates_key)
    cached.parent.mkdir(parents=True, exist_ok=True)
    for stale in cached.parent.glob(f"{chapter.stem}.*.html"):
        stale.unlink()
    cached.write_text(fragment, encoding="utf-8")
    return fragment


# --- the build ------------------------------------------------------------------------------------

def build_report(config_file: str, jobs: int | None = None) -> BuildResult:
    """Build the PDF and HTML twin of the report configured in `config_file`."""
    started = time.perf_counter()
    plan = make_plan(config_file)
    state = _read_state(plan)
    if _up_to_date(plan, state):
        seconds = time.perf_counter() - started
        log.info("Nothing changed since the last build: %s is up to date (%.2f s).",
                 plan.pdf.relative_to(plan.root), seconds)
        return BuildResult(plan.pdf, plan.html, state.get("pages", 0), seconds, rebuilt=False)

    import nbformat

    from evalreport import render
    from evalreport.config import load_config

    phases: dict[str, float] = {}
    mark = time.perf_counter()
    config = load_config(plan.config_path)
    # Every input is checked before any kernel starts. The check depends only on the data, the
    # configuration and the code: when none of them changed, the last build's verdict holds.
    case_key = fingerprint.hash_text(plan.data_key, plan.inputs[plan.config_arg], plan.package_key,
                                     json.dumps(plan.environment, sort_keys=True))
    case_facts = state.get("case", {})
    case_cache = plan.work / f"case-{case_key[:24]}.pickle"  # named by what it was validated from
    if case_facts.get("key") != case_key or not case_cache.is_file():
        from evalreport import chapter as chapter_module
        from evalreport.datasets import load_case
        from evalreport.summary import compute_key_figures

        case = load_case(config)
        case_facts = {"key": case_key, "sample": case.is_sample,
                      "key_figures": compute_key_figures(config, case).as_dict()}
        # The chapters read the case this build validated instead of validating it again each.
        for stale in plan.work.glob("case-*.pickle"):
            stale.unlink()
        chapter_module.store_case(case_cache, case_key, config, case)

    phases["check"] = time.perf_counter() - mark
    mark = time.perf_counter()
    chapters = find_chapters(plan.root)
    previous = state.get("chapters", {})
    keys, pending, merged, reused = {}, [], [], []
    for chapter in chapters:
        source = read_chapter(chapter)
        keys[chapter.stem] = plan.chapter_key(code_signature(source), reads_data(source))
        executed = plan.work / "executed" / f"{chapter.stem}.ipynb"
        recorded = previous.get(chapter.stem, {})
        # Reuse only the very file the last good build recorded: a failed build may have left others.
        if (recorded.get("key") == keys[chapter.stem] and executed.is_file()
                and recorded.get("sha256") == fingerprint.hash_file(executed)):
            merged.append((chapter, source, executed))
        else:
            pending.append((chapter, executed))
    for chapter, source, executed in merged:
        old = nbformat.read(executed, as_version=4)
        new = merge_prose(source, old)
        if [(c.cell_type, c.source) for c in new.cells] != [(c.cell_type, c.source) for c in old.cells]:
            nbformat.write(new, executed)
            log.info("  reused    %-28s (prose updated)", chapter.stem)
        else:
            log.info("  reused    %s", chapter.stem)
        reused.append(chapter.stem)
    if pending:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
        log.info("Executing %d chapter(s) with %d worker(s):", len(pending), jobs)
        _execute(pending, plan, jobs, case_cache)

    phases["chapters"] = time.perf_counter() - mark
    mark = time.perf_counter()
    fragments = [render_fragment(plan, chapter) for chapter in chapters]

    from evalreport import colophon

    facts = colophon.collect(plan, config, fingerprint.package_versions(REPORTED_VERSIONS))
    fragments.append(colophon.render_colophon(facts, config.language))
    html = render.compose_document(fragments, config, render.DocumentFacts(
        sample=case_facts["sample"], created=plan.built_at, provenance=facts))
    phases["render"] = time.perf_counter() - mark
    mark = time.perf_counter()
    checks = []

    def verify(tmp: Path) -> None:
        """The PDF must pass PDF/A-2a and PDF/UA-1 before it may replace the last good one."""
        from evalreport import pdfcheck

        checks.append(pdfcheck.verify_pdf(tmp, config.language, title=config.title, draft=config.draft))

    # Every output is written aside first and moved into place only when all of them exist:
    # a failure at any step leaves the last good PDF, HTML and sidecar together as they were.
    staging = plan.work / "out"
    staging.mkdir(parents=True, exist_ok=True)
    staged = {plan.pdf: staging / plan.pdf.name, plan.html: staging / plan.html.name,
              plan.sidecar: staging / plan.sidecar.name}
    pages = render.write_pdf(html, staged[plan.pdf], verify=verify)
    phases["pdf"] = time.perf_counter() - mark
    render.write_html_twin(html, staged[plan.html])
    sidecar = {"report": config.title, "config": plan.config_arg, "parameters": config.model_dump(mode="json"),
               "key_figures": case_facts["key_figures"], "provenance": facts,
               "pdf_checks": {"passed": checks[0].passed, "checkers": checks[0].checkers,
                              "problems": [str(p) for p in checks[0].problems], "draft": config.draft}}
    staged[plan.sidecar].write_text(json.dumps(sidecar, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                    encoding="utf-8")
    render.install_assets(plan.root / BUILD_DIR)
    for target, source in staged.items():
        os.replace(source, target)

    new_state = {"version": STATE_VERSION, "document_key": plan.document_key, "pages": pages, "case": case_facts,
                 "pdf_sha256": fingerprint.hash_file(plan.pdf), "html_sha256": fingerprint.hash_file(plan.html),
                 "chapters": {c.stem: {"key": keys[c.stem],
                                       "sha256": fingerprint.hash_file(plan.work / "executed" / f"{c.stem}.ipynb")}
                              for c in chapters}}
    plan.work.mkdir(parents=True, exist_ok=True)
    render.write_atomically(plan.work / "state.json", lambda tmp: tmp.write_text(
        json.dumps(new_state, indent=2, sort_keys=True), encoding="utf-8"))
    seconds = time.perf_counter() - started
    executed_names = [c.stem for c, _ in pending]
    log.info("Wrote %s (%d pages) and %s in %.1f s: %d chapter(s) executed, %d reused (%s).",
             plan.pdf.relative_to(plan.root), pages, plan.html.relative_to(plan.root), seconds,
             len(executed_names), len(reused), ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    return BuildResult(plan.pdf, plan.html, pages, seconds, executed_names, reused)
