"""Build many reports at once on a Dask cluster: every case in the checkout, or those a portfolio file lists.

Each report is built exactly as `make report CASE=<name>` builds it: `evalreport.pipeline.build.build`
runs the same steps (`evalreport.pipeline.steps`) with a `DaskExecutor`, which runs the placebo
fits, the chapters and the document steps (render, compose, the outputs) on the cluster. The same
inputs give the same bytes; only where the steps run differs.

Where things run
- The machine that asked (the client) plans each report (fingerprints), decides whether it is up
  to date, checks the case (writes the case store), estimates the effect with its placebo fits sent
  to the cluster, writes what the workers send back into build/, publishes and records the state.
  It runs up to two reports per worker side by side, each in a thread of its own, so that one
  report's check and estimate overlap the others' chapters.
- The workers run three kinds of task: (report, placebo batch), (report, chapter) and
  (report, document): the document task renders the chapters, composes the report, writes and
  checks the PDF and writes the HTML twin and the sidecar, the most expensive step of a build.

What travels and what is shared
- Shared: the project checkout at the same path on every worker (the package, `notebooks/`,
  `prose/`, `report_templates/` with its fonts, `reports/`) and the same Python environment. A
  worker checks the files it reads against the fingerprints in the plan, and its environment
  against the client's, and refuses to build from another version.
- Travels with a task: the plan (the configuration and the fingerprints); the case store and the
  effect store (JSON, as bytes, scattered once per report, so a worker fetches them once; it writes
  them at the path the chapters are given, named by their digest, unless that file is already
  there); for a document task the executed notebooks.
  A placebo batch carries the index matrices it fits (about 130 kilobytes).
- Comes back: each executed notebook (or the failed one, with the cell that failed); the PDF, the
  HTML twin, the sidecar and the rendered fragments. Workers write nothing into build/ but the two
  stores; the client writes the rest, so the last good report is replaced only when all of it is
  complete, as in a single build.

Workers keep their kernels: one per worker thread, started on the first chapter and reset
(`%reset -f`) between chapters, as in a single build, and kept across reports and builds while the
package they import is unchanged.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import ctypes
import gc
import hashlib
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from evalreport import yamlfile
from evalreport.errors import ChapterError, ConfigError, EvalreportError
from evalreport.files import write_atomically
from evalreport.pipeline import build, execute, fingerprint, publish, render, steps
from evalreport.pipeline.executors import LocalExecutor
from evalreport.pipeline.plan import Plan, make_plan, package_key
from evalreport.pipeline.state import BuildState
from evalreport.project import Project

log = logging.getLogger(__name__)

REPORTS_PER_WORKER = 2  # reports in flight per worker: one's check and estimate overlap another's chapters
MAX_REPORTS_IN_FLIGHT = 32  # the client holds each report in flight in memory (its case, its effect analysis)


# --- which reports ---------------------------------------------------------------------------------

def portfolio_cases(project: Project, portfolio_file: Path | None = None) -> list[Path]:
    """The configurations to build: those a portfolio file lists (`cases: [name, ...]`), else every
    case in reports/."""
    if portfolio_file is None:
        configs = project.case_configs()
        if not configs:
            raise ConfigError(f"no cases in {project.relative(project.root / 'reports')}: make one with 'make new-case'")
        return configs
    names = read_portfolio_file(project, portfolio_file)["cases"]
    return [project.config_path(case=name) for name in names]


def read_portfolio_file(project: Project, path: Path) -> dict:
    """A portfolio file: `cases` (the case names), and for the overview `title`, `language`,
    `author`, `organisation`; every key checked."""
    label = project.relative(path)
    if not path.is_file():
        raise ConfigError(f"{label}: the portfolio file does not exist")
    try:
        raw = yamlfile.read(path, label)
    except yamlfile.YamlError as exc:
        raise ConfigError(str(exc)) from None
    known = {"cases", "title", "language", "author", "organisation"}
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list) or not raw["cases"]:
        raise ConfigError(f"{label}: expected a mapping with 'cases:', a list of case names (reports/<name>.yaml)")
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{label}: unknown key(s) {', '.join(unknown)}; a portfolio file knows {', '.join(sorted(known))}")
    names = [str(c) for c in raw["cases"]]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"{label}: case(s) listed twice: {', '.join(repeated)}; list each once")
    if raw.get("language", "nb") not in ("nb", "nn", "en"):
        raise ConfigError(f"{label}: language {raw['language']!r}: use nb, nn or en")
    return {**raw, "cases": names}


# --- results -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportOutcome:
    """What became of one report in a portfolio build."""

    name: str
    status: str  # "built", "reused" or "failed"
    seconds: float
    pdf: Path | None = None
    html: Path | None = None
    pages: int = 0
    message: str = ""  # for a failed report: the report, the chapter and the cell, or the step
    executed: tuple[str, ...] = ()
    reused: tuple[str, ...] = ()
    phases: dict = field(default_factory=dict)  # seconds of each step, as the client waited for it
    task_seconds: dict = field(default_factory=dict)  # kind of task -> seconds each spent on its worker


@dataclass(frozen=True)
class PortfolioResult:
    outcomes: list[ReportOutcome]
    seconds: float
    dashboard: str
    workers: int
    kernels: dict[str, int]  # worker -> kernels it has started (warm kernels: at most its threads)
    peak_memory: dict[str, int]  # worker -> largest resident memory seen, bytes (its kernels included)

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self, project: Project) -> str:
        counts = {s: sum(1 for o in self.outcomes if o.status == s) for s in ("built", "reused", "failed")}
        lines = [f"{counts['built']} built, {counts['reused']} reused, {counts['failed']} failed, "
                 f"in {self.seconds:.1f} s on {self.workers} worker(s)."]
        for outcome in self.outcomes:
            if outcome.status == "failed":
                lines.append(f"  failed  {outcome.name}:")
                lines += [f"    {line}" for line in outcome.message.splitlines()]
                lines.append("    The last good report, if any, was not changed.")
        done = [o for o in self.outcomes if o.pdf is not None]
        if done:
            lines.append(f"The reports are in {project.relative(project.build_dir)}/: "
                         + ", ".join(Path(project.relative(o.pdf)).name for o in done)
                         + " (each with its .html twin and .json sidecar).")
        return "\n".join(lines)


# --- the cluster ---------------------------------------------------------------------------------

class Cluster:
    """A Dask client: on a LocalCluster of its own (one single-threaded worker process per core), or
    on an existing scheduler.

    The local cluster talks TLS with a certificate made for it alone (`Security.temporary()`), so no
    other process on the machine can connect to it and run code in its workers; its dashboard
    listens on 127.0.0.1 only. An existing scheduler is reached with the security `dask` itself
    reads from its configuration (certificates in `distributed.comm.tls`, see the README).
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 dashboard: str | None = "127.0.0.1:8787"):
        from distributed import Client, LocalCluster  # dask loads in about a second; only a portfolio needs it
        from distributed.security import Security  # as slow: only a portfolio needs it

        for noisy in ("distributed", "bokeh", "tornado"):
            logging.getLogger(noisy).setLevel(logging.CRITICAL)
        self.local = None
        if scheduler:
            self.client = Client(scheduler, timeout="30s")
            return
        security = Security.temporary()
        # The workers are this process's children in the terminal's process group: they would each
        # get Ctrl-C and print their own traceback. They start with SIGINT ignored (which a child
        # inherits); this process alone stops them.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
        try:
            self.local = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                      processes=True, protocol="tls", host="127.0.0.1", security=security,
                                      dashboard_address=dashboard, silence_logs=logging.CRITICAL)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        self.client = Client(self.local, security=security)

    @property
    def dashboard(self) -> str:
        return self.client.dashboard_link if self.client.scheduler_info().get("services", {}).get("dashboard") \
            else "off"

    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def close(self) -> None:
        self.client.close()
        if self.local is not None:
            self.local.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def check_workers(client, environment: dict, package: str) -> None:
    """Every worker must build with the client's environment and package, or it would make other bytes."""
    found = client.run(_worker_fingerprint)
    wrong = [address for address, (env, key) in found.items() if env != environment or key != package]
    if wrong:
        raise ConfigError(
            f"worker(s) {', '.join(sorted(wrong))} run another Python environment or another version of evalreport "
            "than this machine: install the same requirements.lock and the same checkout on every worker, and "
            "restart the workers after changing the code")


def _worker_fingerprint() -> tuple[dict, str]:
    return fingerprint.environment(), package_key()


class _TaskExecutor(concurrent.futures.Executor):
    """The cluster as a concurrent.futures.Executor for one report's placebo batches: named tasks,
    that report's priority (earlier reports first)."""

    def __init__(self, client, name: str, priority: int):
        self.client, self.name, self.priority = client, name, priority
        self.seconds: list[float] = []  # each batch's time on its worker

    def submit(self, fn, /, *args, **kwargs):
        done: concurrent.futures.Future = concurrent.futures.Future()
        future = self.client.submit(_timed, fn, *args, **kwargs, key=f"placebos-{self.name}-{uuid.uuid4().hex}",
                                    priority=self.priority, pure=False)

        def copy(result) -> None:
            try:
                value, seconds = result.result()
                self.seconds.append(seconds)
                done.set_result(value)
            except BaseException as exc:  # noqa: BLE001 - handed on to whoever waits
                done.set_exception(exc)

        future.add_done_callback(copy)
        done.dask_future = future  # kept alive while it runs
        return done


class DaskExecutor:
    """The heavy steps of one report's build on the cluster: its placebo batches, its chapters (one
    task each) and its document steps (one task), at that report's priority."""

    def __init__(self, client, workers: int, name: str, priority: int, progress, stopping: threading.Event):
        self.client, self.workers, self.name, self.priority = client, workers, name, priority
        self.progress, self.stopping = progress, stopping
        self.placebos = _TaskExecutor(client, name, priority)
        self.chapter_seconds: list[float] = []
        self.document_seconds: list[float] = []
        self._stores = None

    def placebo_executor(self, plan: Plan):
        return self.placebos

    def _gather(self, futures):
        """The results of `futures` as they finish; a stopped portfolio cancels what is left."""
        from distributed import as_completed  # dask loads in about a second; only a portfolio needs it

        for future in as_completed(futures):
            if self.stopping.is_set():
                self.client.cancel(futures)
                raise KeyboardInterrupt
            yield future

    def _shared_stores(self, run):
        """The case and the effect analysis, sent to the cluster once: each worker fetches them once
        for all the report's tasks it runs."""
        if self._stores is None:
            facts = run.case_facts
            [self._stores] = self.client.scatter(
                [{str(facts[k]): Path(facts[k]).read_bytes() for k in ("store", "effect")}], hash=False)
        return self._stores

    def execute(self, run, chapters, parameters: dict) -> None:
        plan, name = run.plan, self.name
        self.progress(name, f"checked, effect estimated ({run.phases.get('check', 0) + run.phases.get('estimate', 0):.1f} s)")
        for stem in run.reused:
            self.progress(name, f"{stem:<26} reused")
        if not chapters:
            return
        stores = self._shared_stores(run)
        futures = {self.client.submit(run_chapter, ChapterTask(plan, c.stem, parameters), stores, priority=self.priority,
                                      key=f"chapter-{name}-{c.stem}-{uuid.uuid4().hex}", pure=False): c
                   for c in chapters}
        errors = []
        for future in self._gather(list(futures)):
            chapter = futures[future]
            done: ChapterRun = future.result()
            self.chapter_seconds.append(done.seconds)
            if done.error:
                if done.notebook:
                    _write(plan.work / "failed" / f"{chapter.stem}.ipynb", done.notebook)
                errors.append(done.error)
                self.progress(name, f"{chapter.stem:<26} failed")
            else:
                _write(plan.executed(chapter), done.notebook)
                self.progress(name, f"{chapter.stem:<26} executed {done.seconds:5.1f} s on {done.worker}")
        if errors:
            raise ChapterError("\n".join(sorted(errors)))

    def document(self, run, selected) -> None:
        plan = run.plan
        notebooks = {c.stem: plan.executed(c).read_bytes() for c in plan.chapters if c.is_notebook}
        task = DocumentTask(plan, run.case_facts, notebooks, tuple(s.name for s in selected))
        future = self.client.submit(run_document, task, self._shared_stores(run), priority=self.priority,
                                    key=f"document-{self.name}-{uuid.uuid4().hex}", pure=False)
        [future] = list(self._gather([future]))
        done: DocumentRun = future.result()
        self.document_seconds.append(done.seconds)
        if done.error:
            raise ChapterError(done.error)
        fragments = plan.work / "fragments"
        for file_name, data in done.fragments.items():
            for stale in fragments.glob(f"{file_name.split('.')[0]}.*.html"):
                stale.unlink()
            _write(fragments / file_name, data)
        run.staging = publish.Staging(plan.work, plan.name)
        for suffix, data in done.outputs.items():
            run.staging.path(suffix).write_bytes(data)
        run.fragments = steps.Rendered((), done.glue, done.digests)
        run.results = done.results
        self.document_worker = done.worker


# --- what runs on a worker -----------------------------------------------------------------------

def _timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


@dataclass(frozen=True)
class ChapterTask:
    plan: Plan
    stem: str
    parameters: dict


@dataclass(frozen=True)
class ChapterRun:
    stem: str
    seconds: float
    worker: str
    kernels_started: int
    notebook: bytes = b""
    error: str = ""


@dataclass(frozen=True)
class DocumentTask:
    plan: Plan
    case_facts: dict
    notebooks: dict[str, bytes]  # chapter stem -> executed notebook
    steps: tuple[str, ...]  # the document steps to run, by name (render, compose, outputs)


@dataclass(frozen=True)
class DocumentRun:
    seconds: float
    worker: str
    outputs: dict = field(default_factory=dict)  # suffix -> bytes
    results: dict = field(default_factory=dict)  # output name -> what writing it found
    fragments: dict = field(default_factory=dict)  # file name -> bytes
    digests: dict = field(default_factory=dict)  # chapter stem -> {"key", "sha256", "prose"}
    glue: dict = field(default_factory=dict)
    error: str = ""


_KERNELS: dict = {}
_KERNELS_LOCK = threading.Lock()


def worker_kernels(root: Path, package_key: str):
    """This worker process's kernels for the project at `root`: kept across reports and builds, and
    started again only when the package the chapters import has changed (a warm kernel holds the
    modules it imported)."""
    with _KERNELS_LOCK:
        current = _KERNELS.get(root)
        if current is not None and current[0] != package_key:
            current[1].shutdown()
            current = None
        if current is None:
            kernels = execute.Kernels(root)
            _KERNELS[root] = current = (package_key, kernels)
            atexit.register(kernels.shutdown)
        return current[1]


def _worker_address() -> str:
    try:
        from distributed import get_worker  # dask loads in about a second; only a portfolio's worker has it

        return get_worker().address
    except ValueError:  # not on a worker (a test calling the task directly)
        return "local"


def _materialise(stores: dict[str, bytes]) -> None:
    """Put each store where the chapters are told to read it, unless it is there already (they are
    named by their digest, so a file with the name holds the content, or is damaged and replaced)."""
    for path, data in stores.items():
        target = Path(path)
        if target.is_file() and fingerprint.hash_file(target) == hashlib.sha256(data).hexdigest():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, lambda tmp, data=data: tmp.write_bytes(data))


def _check_inputs(plan: Plan, paths: list[Path]) -> None:
    """The files a task reads from shared storage must be those the client planned with."""
    changed = [plan.project.relative(p) for p in paths
               if fingerprint.hash_file(p) != plan.inputs.get(plan.project.relative(p))]
    if changed:
        raise ConfigError(f"worker {_worker_address()} sees other versions of {', '.join(changed)} than the machine "
                          "that planned the build: the checkout must be the same on every worker (or a file was "
                          "edited during the build; build again)")


def run_chapter(task: ChapterTask, stores: dict[str, bytes]) -> ChapterRun:
    """Execute one chapter in this worker's warm kernel; return the executed notebook (or the failed one).

    `stores` (path as the chapters get it -> content: the case and the effect analysis) comes as a
    scattered future, so that a worker receives it once per report, not once per chapter."""
    logging.getLogger("papermill").setLevel(logging.ERROR)  # as the command line sets it for a single build
    plan = task.plan
    chapter = next(c for c in plan.chapters if c.stem == task.stem)
    _check_inputs(plan, [chapter.path, plan.config_path])
    _materialise(stores)
    kernels = worker_kernels(plan.project.root, plan.package_key)
    failed_label = plan.project.relative(plan.work / "failed")
    scratch = Path(tempfile.mkdtemp(prefix="evalreport-chapter-"))
    started = time.perf_counter()
    try:
        job = execute.Job(chapter.path, plan.project.relative(chapter.path), scratch / "executed" / f"{task.stem}.ipynb",
                          scratch / "failed", lambda path: f"{failed_label}/{Path(path).name}")
        try:
            execute.execute_chapter(job, task.parameters, kernels)
        except ChapterError as exc:
            failed = scratch / "failed" / f"{task.stem}.ipynb"
            return ChapterRun(task.stem, time.perf_counter() - started, _worker_address(), len(kernels.started),
                              failed.read_bytes() if failed.is_file() else b"", error=str(exc))
        return ChapterRun(task.stem, time.perf_counter() - started, _worker_address(), len(kernels.started),
                          job.output.read_bytes())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_document(task: DocumentTask, stores: dict[str, bytes]) -> DocumentRun:
    """The document steps of one report (render, compose, write and check the outputs) on this
    worker, in a scratch folder; return the outputs and the rendered fragments as bytes."""
    plan = task.plan
    started = time.perf_counter()
    texts = [c.text_file(plan.config.language) for c in plan.chapters if c.text_file(plan.config.language)]
    _check_inputs(plan, [c.path for c in plan.chapters] + texts + [plan.project.resolve(name) for name in plan.inputs
                                                                   if name.startswith(("prose/", "report_templates/"))
                                                                   and plan.project.resolve(name).is_file()])
    _materialise(stores)
    scratch = Path(tempfile.mkdtemp(prefix="evalreport-document-"))
    try:
        local = plan.working_in(scratch / "work")
        for chapter in local.chapters:
            if chapter.stem in task.notebooks:
                _write(local.executed(chapter), task.notebooks[chapter.stem])
        run = steps.Run(local, BuildState(), LocalExecutor(1), case_facts=dict(task.case_facts))
        by_name = {s.name: s for s in steps.STEPS}
        try:
            # The same steps as a single build runs after its chapters, on this worker.
            for name in task.steps:
                by_name[name].run(run)
        except EvalreportError as exc:
            return DocumentRun(time.perf_counter() - started, _worker_address(), error=str(exc))
        outputs = {o.suffix: run.staging.path(o.suffix).read_bytes() for o in steps.OUTPUTS}
        fragments = {p.name: p.read_bytes() for p in (local.work / "fragments").glob("*.html")}
        return DocumentRun(time.perf_counter() - started, _worker_address(), outputs, run.results, fragments,
                           run.fragments.digests, run.fragments.glue)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        release_memory()


def release_memory() -> None:
    """Give the memory a document freed back to the system: laying out and checking a PDF takes a
    few hundred megabytes for a moment, and without this a worker's size creeps up report by report
    (measured: about 40 MiB a report) although nothing stays referenced."""
    # The executed notebooks a document task read lay in its scratch folder, gone now: their cache
    # (kept for the preview, which reads the same files again) only holds memory here.
    cached = getattr(render, "_read_executed", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, only not returned
        pass


def worker_memory() -> tuple[int, int]:
    """This worker's resident memory with its kernels' (bytes), and the kernels it has started."""
    process = psutil.Process()
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total, sum(len(k.started) for _, k in _KERNELS.values())


# --- the client's side -----------------------------------------------------------------------------

class _Progress:
    """One line per report and chapter, whole lines from any thread."""

    def __init__(self, say):
        self.say, self.lock = say, threading.Lock()

    def __call__(self, name: str, text: str) -> None:
        with self.lock:
            self.say(f"{name:<28} {text}")


def _say(line: str) -> None:
    print(line, flush=True)  # one line as it happens, also through a pipe


def build_portfolio(project: Project, config_paths: list[Path], cluster: Cluster, draft: bool = False,
                    say=_say) -> PortfolioResult:
    """Build every report in `config_paths` on `cluster`; one failing report never stops the others.

    Ctrl-C stops the whole portfolio: the reports in flight are abandoned (their tasks cancelled,
    their last good outputs untouched, as a report's outputs are published all at once or not at
    all), and KeyboardInterrupt is raised once every report thread has ended.
    """
    started = time.perf_counter()
    client = cluster.client
    check_workers(client, fingerprint.environment(), package_key())
    workers = cluster.workers()
    progress = _Progress(say)
    say(f"Building {len(config_paths)} report(s) on {workers} worker(s); dashboard: {cluster.dashboard}")
    memory_watch = _MemoryWatch(client)
    stopping = threading.Event()
    threads = max(1, min(REPORTS_PER_WORKER * workers, MAX_REPORTS_IN_FLIGHT))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="report")
    try:
        futures = [pool.submit(_build_one, project, path, client, workers, -index, draft, progress, stopping)
                   for index, path in enumerate(config_paths)]
        outcomes = [f.result() for f in futures]
    except KeyboardInterrupt:
        stopping.set()
        pool.shutdown(wait=True, cancel_futures=True)
        memory_watch.stop()
        raise
    pool.shutdown(wait=True)
    memory_watch.stop()
    memory = memory_watch.peaks()
    kernels = {address: count for address, (_, count) in memory_watch.last.items()}
    return PortfolioResult(outcomes, time.perf_counter() - started, cluster.dashboard, workers, kernels, memory)


class _MemoryWatch:
    """Samples every worker's memory (its kernels included) twice a second while the build runs."""

    def __init__(self, client, interval: float = 0.5):
        self.client, self.interval = client, interval
        self.peak: dict[str, int] = {}
        self.last: dict[str, tuple[int, int]] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="memory-watch", daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        try:
            found = self.client.run(worker_memory)
        except Exception:  # noqa: BLE001 - a worker going away must not stop the build
            return
        for address, (rss, kernels) in found.items():
            self.peak[address] = max(self.peak.get(address, 0), rss)
            self.last[address] = (rss, kernels)

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self._sample()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self._sample()

    def peaks(self) -> dict[str, int]:
        return dict(self.peak)


def _build_one(project: Project, config_path: Path, client, workers: int, priority: int, draft: bool,
               progress, stopping: threading.Event) -> ReportOutcome:
    """One report, as `make report` builds it, with its placebo batches, chapters and document on the cluster."""
    name = config_path.stem
    started = time.perf_counter()
    if stopping.is_set():
        return ReportOutcome(name, "failed", 0.0, message="interrupted")
    executor = DaskExecutor(client, workers, name, priority, progress, stopping)
    try:
        plan = make_plan(project, config_path, draft=draft)
        result = build.build(plan, executor)
    except EvalreportError as exc:
        message = str(exc)
    except KeyboardInterrupt:
        message = "interrupted"
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        message = f"{exc.strerror or exc}{where}"
    except Exception as exc:  # noqa: BLE001 - one report's fault is reported with its name; the others go on
        if stopping.is_set():
            message = "interrupted"
        else:
            log.debug("unexpected error in %s", name, exc_info=True)
            message = f"could not be built: {type(exc).__name__}: {exc}"
    else:
        seconds = time.perf_counter() - started
        if not result.rebuilt:
            progress(name, f"reused: {project.relative(plan.pdf)} is up to date")
            return ReportOutcome(name, "reused", seconds, plan.pdf, plan.html, result.pages)
        draft_note = "" if result.passed else " (a DRAFT: the PDF does not pass every check)"
        progress(name, f"built: {project.relative(plan.pdf)} ({result.pages} pages) in {seconds:.1f} s, document "
                       f"{sum(executor.document_seconds):.1f} s on {getattr(executor, 'document_worker', '?')}"
                       f"{draft_note}")
        return ReportOutcome(name, "built", seconds, plan.pdf, plan.html, result.pages, "", tuple(result.executed),
                             tuple(result.reused), result.phases,
                             {"placebos": executor.placebos.seconds, "chapter": executor.chapter_seconds,
                              "document": executor.document_seconds})
    progress(name, "FAILED (see the summary)")
    return ReportOutcome(name, "failed", time.perf_counter() - started, message=message)


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda tmp: tmp.write_bytes(data))
