"""Benchmark of the portfolio build: `make bench-portfolio` (`python -m dev.benchportfolio`).

Writes a synthetic portfolio (default 20 programmes) into a private copy of the project and prints,
in one run:
- a single `evalreport build --case <first programme>` as `make report` runs it (its own process,
  two kernels, every core), wall time;
- the whole portfolio on a LocalCluster with 1 worker and with 2 workers, wall time and speed-up;
- the whole portfolio with 2 workers of a cluster started as separate processes on this machine
  (`dask scheduler`, `dask worker`), against the LocalCluster;
- a report in the portfolio against the single build: the portfolio's wall time with 2 workers
  per report (the machine's cost of one report) and the 1-worker wall time per report;
- each run's peak memory per worker (the worker process and its kernels, sampled twice a second);
- the cost of each kind of task (seconds a worker spent, per task).

Its last line reads `speed-up <x> with 2 workers`. Each run builds every report from nothing, in a
fresh copy. Nothing is asserted: the figures are printed as measured, goals met or not.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from dev.waiting import wait_for_json
from evalreport.project import Project

ROOT = Path(__file__).resolve().parents[1]
SCHEDULER_SECONDS = 120  # a scheduler starts in a second or two; on a loaded shared machine it may take long
MIB = 1024 * 1024
GOALS = {"speed-up": 1.8, "share of a single build": 0.60, "MiB per worker": 600}


def _say(text: str = "") -> None:
    print(text, flush=True)


def make_template(target: Path, count: int, seed: int) -> tuple[Project, list[str]]:
    """A copy of the project holding only the synthetic portfolio's cases (the bundled one left out)."""
    from dev.portfoliocase import write_portfolio

    project = Project(ROOT).copy_to(target)
    for config in project.case_configs():
        config.unlink()
    configs = write_portfolio(project.root, count, seed)
    return project, [c.stem for c in configs]


def fresh_copy(template: Project, target: Path) -> Project:
    import shutil

    shutil.copytree(template.root, target, symlinks=True, ignore=shutil.ignore_patterns("build"))
    return Project(target)


def time_single_build(template: Project, case: str, scratch: Path) -> float:
    """`make report CASE=<case>` in a fresh copy: the command line in its own process."""
    project = fresh_copy(template, scratch / "single")
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "evalreport"), "-q", "build", "--case", case], cwd=project.root,
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


@contextmanager
def separate_cluster(workers: int, scratch: Path):
    """A scheduler and `workers` single-threaded workers started as processes of their own on 127.0.0.1."""
    bin_dir = Path(sys.executable).parent
    scheduler_file = scratch / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                   "--dashboard-address", ":0", "--scheduler-file", str(scheduler_file)], **quiet)]
    try:
        # The scheduler creates the file before it writes it: read it until it holds the address
        # (the workers, started after, then read a complete file too).
        written = wait_for_json(scheduler_file, lambda v: isinstance(v, dict) and bool(v.get("address")),
                                SCHEDULER_SECONDS, "the Dask scheduler", process=processes[0])
        for _ in range(workers):
            processes.append(subprocess.Popen([str(bin_dir / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                                               "--nthreads", "1", "--nworkers", "1", "--no-dashboard"], **quiet))
        yield written["address"]
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def run_portfolio(template: Project, cases: list[str], target: Path, workers: int, scheduler: str | None = None):
    """Build the whole portfolio in a fresh copy; return (the result, wall seconds)."""
    from evalreport.pipeline import portfolio

    project = fresh_copy(template, target)
    configs = [project.config_path(case=c) for c in cases]
    with portfolio.Cluster(scheduler, None if scheduler else workers, dashboard=":0") as cluster:
        if scheduler:
            cluster.client.wait_for_workers(workers, timeout=120)
        started = time.perf_counter()
        result = portfolio.build_portfolio(project, configs, cluster, say=lambda _line: None)
        seconds = time.perf_counter() - started
    failed = result.failed
    if failed:
        raise RuntimeError("the benchmark's portfolio did not build: " + "; ".join(f"{o.name}: {o.message}"
                                                                                 for o in failed))
    return result, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20, help="programmes in the synthetic portfolio (default 20)")
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for noisy in ("evalreport", "distributed", "fontTools", "weasyprint", "papermill", "traitlets"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    _say(f"Portfolio benchmark: {args.count} synthetic programmes (seed {args.seed}), {os.cpu_count()} cores, "
         f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory(prefix="evalreport-bench-portfolio-") as tmp:
        scratch = Path(tmp)
        template, cases = make_template(scratch / "template", args.count, args.seed)
        single = time_single_build(template, cases[0], scratch)
        _say(f"single build (make report CASE={cases[0]}, own process): {single:6.1f} s")
        one, one_s = run_portfolio(template, cases, scratch / "one", 1)
        _say(f"LocalCluster, 1 worker:  {one_s:6.1f} s for {len(cases)} reports ({one_s / len(cases):5.1f} s a report)")
        two, two_s = run_portfolio(template, cases, scratch / "two", 2)
        _say(f"LocalCluster, 2 workers: {two_s:6.1f} s for {len(cases)} reports ({two_s / len(cases):5.1f} s a report)")
        with separate_cluster(2, scratch) as address:
            apart, apart_s = run_portfolio(template, cases, scratch / "apart", 2, scheduler=address)
        _say(f"scheduler + 2 workers as separate processes: {apart_s:6.1f} s "
             f"({apart_s / two_s:.2f} x the LocalCluster's)")
        _say(f"a report in the portfolio, 2 workers: {two_s / len(cases):5.1f} s = "
             f"{two_s / len(cases) / single:.0%} of a single build (goal: at most {GOALS['share of a single build']:.0%}); "
             f"with 1 worker {one_s / len(cases):5.1f} s = {one_s / len(cases) / single:.0%}")
        for label, result in (("1 worker", one), ("2 workers", two), ("separate processes", apart)):
            peaks = sorted(result.peak_memory.values())
            kernels = sorted(result.kernels.values())
            _say(f"peak memory per worker, {label}: " + ", ".join(f"{p / MIB:.0f} MiB" for p in peaks)
                 + f" (goal: under {GOALS['MiB per worker']} MiB); kernels started per worker: {kernels}")
        for kind in ("placebos", "chapter", "document"):
            seconds = [s for o in two.outcomes for s in o.task_seconds.get(kind, [])]
            if seconds:
                _say(f"task cost, {kind:<9}: {statistics.mean(seconds):5.2f} s a task on a worker, mean of "
                     f"{len(seconds)} (2 workers; {sum(seconds) / len(cases):.1f} s a report)")
        # the build's steps by name (pipeline/steps.py); steps run as one group are named with '+'
        def seconds(outcome, *names: str) -> float:
            return sum(value for key, value in outcome.phases.items() if set(key.split("+")) & set(names))

        chapters = [seconds(o, "execute") for o in two.outcomes]
        documents = [seconds(o, "render", "compose", "outputs", "publish") for o in two.outcomes]
        effects = [seconds(o, "check", "estimate") for o in two.outcomes]
        _say(f"per report, as the client waited (median, 2 workers): check and effect {statistics.median(effects):.1f} s, "
             f"chapters {statistics.median(chapters):.1f} s, document {statistics.median(documents):.1f} s")
        _say(f"load average at the end {os.getloadavg()[0]:.1f}")
        _say(f"speed-up {one_s / two_s:.2f} with 2 workers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
