"""A failed, interrupted or damaged build never replaces the last good report, never leaves anything
a later build would take as good, and the same inputs give the same bytes on any machine (issue 10,
items 1-5, 12, 16 and 17).

The builds run as the analyst runs them: the `evalreport` command in a process of its own, its exit
code and its message read back. Faults are injected by a small wrapper around the command line that
patches one library function in that process only (FAULT_WRAPPER): nothing in the package reads a
switch for it, so no data or setting of a user can trigger one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from support import copy_project

CONFIG = "reports/vestre_toten.yaml"
NAME = "vestre_toten"
OUTPUTS = (f"{NAME}.pdf", f"{NAME}.html", f"{NAME}.json")
EVALREPORT = str(Path(sys.executable).with_name("evalreport"))
STOPPED = "The build stopped; the last good report was not changed."
POPULATION_2018 = re.compile(r"13[\s\u00a0]314")  # Vestre Toten's population on 1 January 2018 (SSB 07459)

# Runs the command line with one fault: argv is <phase> <kind> <command line ...>. The fault fires
# once, at the named library call, and says so on stderr. kind "error" raises there; kind
# "interrupt" sends SIGINT to the build's process group, as Ctrl-C in a terminal does.
FAULT_WRAPPER = r'''
import io, os, signal, sys, time
phase, kind = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
fired = []

def fault():
    if fired:
        return
    fired.append(phase)
    print(f"FAULT INJECTED: {kind} at {phase}", file=sys.stderr, flush=True)
    if kind == "interrupt":
        os.killpg(os.getpgid(0), signal.SIGINT)
        time.sleep(5)  # the interrupt arrives here (in the main thread)
        return
    raise RuntimeError(f"injected fault at {phase}")

def patch(owner, name, on_call=1):
    original, calls = getattr(owner, name), []
    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == on_call:
            fault()
        return original(*args, **kwargs)
    setattr(owner, name, wrapper)

if phase == "kernels":
    import papermill
    patch(papermill, "execute_notebook")
elif phase == "render":
    from nbconvert import HTMLExporter
    patch(HTMLExporter, "from_notebook_node")
elif phase == "layout":
    import weasyprint.document
    patch(weasyprint.document, "layout_document")
elif phase == "draw":  # a chart: WeasyPrint catches everything raised while it draws an SVG
    import weasyprint.svg
    patch(weasyprint.svg.SVG, "draw", on_call=3)
elif phase == "write":  # half of the PDF is written, then the fault
    import pydyf
    original_write = pydyf.PDF.write
    def write(self, output, *args, **kwargs):
        whole = io.BytesIO()
        result = original_write(self, whole, *args, **kwargs)
        output.write(whole.getvalue()[: len(whole.getvalue()) // 2])
        fault()
        output.write(whole.getvalue()[len(whole.getvalue()) // 2:])
        return result
    pydyf.PDF.write = write
elif phase == "checks":
    import pikepdf
    patch(pikepdf, "open")
elif phase == "publish":  # the PDF is in place, the HTML twin is next
    original_replace = os.replace
    def replace(source, target, *args, **kwargs):
        target_path = os.fspath(target)
        if target_path.endswith(".html") and os.path.basename(os.path.dirname(target_path)) == "build":
            fault()
        return original_replace(source, target, *args, **kwargs)
    os.replace = replace
elif phase == "no-harfbuzz-subset":  # a machine without libharfbuzz-subset
    import weasyprint.text.ffi
    weasyprint.text.ffi.harfbuzz_subset = None
    import weasyprint.pdf.fonts
    weasyprint.pdf.fonts.harfbuzz_subset = None
    fired.append(phase)
    print("FAULT INJECTED: HarfBuzz-Subset made unavailable", file=sys.stderr, flush=True)
elif phase == "other-pango":  # the system's Pango was upgraded since the last build
    from evalreport.pipeline import fingerprint
    found = fingerprint.system_libraries()
    fingerprint.system_libraries = lambda: {**found, "Pango": "1.99.0"}
    fingerprint.environment.cache_clear()
    fired.append(phase)
else:
    raise SystemExit(f"unknown phase {phase}")

from evalreport.cli import main
code = main(sys.argv[1:])
if not fired:
    print(f"FAULT NOT FIRED at {phase}", file=sys.stderr)
sys.exit(code)
'''


def run(root: Path, *args: str, fault: tuple[str, str] | None = None, umask: int = 0o022,
        extra_env: dict | None = None, stderr_file: Path | None = None, wait: bool = True):
    """Run `evalreport <args>` on the project at `root` in a session (process group) of its own,
    without SOURCE_DATE_EPOCH: the build must not need it."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"EVALREPORT_ROOT": str(root), **(extra_env or {})})
    command = [sys.executable, "-c", FAULT_WRAPPER, *fault, *args] if fault else [EVALREPORT, *args]
    options = dict(cwd=root, env=env, start_new_session=True, preexec_fn=lambda: os.umask(umask))
    if not wait:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr_file.open("w"), text=True, **options)
    return subprocess.run(command, capture_output=True, text=True, timeout=900, **options)


def build(root: Path, *more: str, **options):
    return run(root, "build", "--config", CONFIG, *more, **options)


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\u00a0", " "))


def html_text(path: Path) -> str:
    import html as html_module

    return re.sub(r"\s+", " ", html_module.unescape(path.read_text(encoding="utf-8")).replace("\u00a0", " "))


def outputs(root: Path) -> dict[str, bytes]:
    return {name: (root / "build" / name).read_bytes() for name in OUTPUTS}


def listing(folder: Path) -> set[str]:
    """The names in `folder` itself (a stray temporary file of a failed build would show here)."""
    return {p.name for p in folder.iterdir()}


def edit_prose(root: Path, marker: str) -> None:
    """Add a sentence to a case prose file that the report prints (chapter 6)."""
    prose = root / "prose" / NAME / "permanent_work.md"
    prose.write_text(prose.read_text(encoding="utf-8").rstrip("\n") + f" {marker}.\n", encoding="utf-8")


def edit_chapter_text(root: Path, marker: str) -> None:
    """Add a paragraph to the text of one chapter (70_utviklingsevne): only its fragment is rendered again."""
    chapter = root / "notebooks" / "70_utviklingsevne.py"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f'\n# %% [markdown] tags=["lang-nb"]\n# {marker}.\n',
                       encoding="utf-8")


def edit_code(root: Path, marker: str) -> None:
    """Change the code of one chapter (40_maloppnaelse), so that its kernel must run again."""
    chapter = root / "notebooks" / "40_maloppnaelse.py"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n# %%\nfault_probe = {marker!r}\n", encoding="utf-8")


def assert_stopped_cleanly(done, phase: str) -> None:
    assert "FAULT INJECTED" in done.stderr and "FAULT NOT FIRED" not in done.stderr, done.stderr
    assert done.returncode != 0, done.stderr
    assert STOPPED in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def assert_built_with(root: Path, done, marker: str) -> None:
    assert done.returncode == 0, done.stderr
    assert "Nothing changed" not in done.stderr
    assert marker in pdf_text(root / "build" / f"{NAME}.pdf")
    assert marker in html_text(root / "build" / f"{NAME}.html")
    assert POPULATION_2018.search(pdf_text(root / "build" / f"{NAME}.pdf"))


@dataclass
class Built:
    root: Path
    reads: Path  # every file under the data folder that any process of the first build opened
    modes: dict[str, int]  # the outputs' modes after the first build, under umask 022


# Every process of a build (the command and its kernels) records the files it opens under the
# case's data folder: Python's audit hook, installed by a sitecustomize module found through
# PYTHONPATH in the test's own folder.
SITECUSTOMIZE = '''
import os, sys
_log, _watched = os.environ.get("FAULTS_TEST_READS"), os.environ.get("FAULTS_TEST_WATCHED")
if _log and _watched:
    def _record(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if path.startswith(_watched + os.sep) and "w" not in str(args[1] or "r"):
                with open(_log, "a", encoding="utf-8") as log:
                    log.write(path + "\\n")
    sys.addaudithook(_record)
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """The bundled report, built once by the command line; each test leaves the last good report
    of the case in build/."""
    folder = tmp_path_factory.mktemp("faults")
    root = copy_project(folder / "project")
    hooks = folder / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    reads = folder / "reads.log"
    path = os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")]))
    done = build(root, extra_env={"PYTHONPATH": path, "FAULTS_TEST_READS": str(reads),
                                  "FAULTS_TEST_WATCHED": str((root / "data").resolve())})
    assert done.returncode == 0, done.stderr
    modes = {name: (root / "build" / name).stat().st_mode & 0o777 for name in OUTPUTS}
    return Built(root, reads, modes)


# Items 1 and 2 of the issue: a fault or an interrupt in any phase of a build.
PHASES = ["kernels", "render", "layout", "draw", "write", "checks", "publish"]


@pytest.mark.parametrize("kind", ["error", "interrupt"])
@pytest.mark.parametrize("phase", PHASES)
def test_a_fault_in_any_phase_keeps_the_last_report_and_the_next_build_is_right(built, phase, kind):
    root = built.root
    marker = f"Kontrollord {PHASES.index(phase) + 1}{'ei'[kind == 'interrupt']}"
    before, names = outputs(root), listing(root / "build")
    edit_prose(root, marker)
    if phase == "kernels":
        edit_code(root, marker)
    failed = build(root, fault=(phase, kind))
    assert_stopped_cleanly(failed, phase)
    if kind == "interrupt":
        assert failed.returncode == 130 and failed.stderr.rstrip().endswith("interrupted"), failed.stderr
    elif phase == "draw":  # WeasyPrint swallowed the fault; the build noticed all the same
        assert "Failed to render SVG image" in failed.stderr, failed.stderr
    assert outputs(root) == before, "a failed build changed the last good report"
    assert listing(root / "build") == names

    again = build(root)
    assert_built_with(root, again, marker)
    if phase == "kernels":
        assert re.search(r"executed\s+40_maloppnaelse", again.stderr), again.stderr


def test_a_lost_font_stops_the_build_and_keeps_the_last_report(built, tmp_path):
    # WeasyPrint only warns when a font cannot be loaded, and sets the text in another font.
    root = built.root
    font = root / "report_templates" / "fonts" / "SourceSansPro-Regular.ttf"
    kept = tmp_path / font.name
    before, names = outputs(root), listing(root / "build")
    edit_prose(root, "Kontrollord 8")
    shutil.move(font, kept)
    try:
        done = build(root)
    finally:
        shutil.move(kept, font)
    assert done.returncode == 1, done.stderr
    assert STOPPED in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "report_templates/fonts/SourceSansPro-Regular.ttf is missing" in done.stderr, done.stderr
    assert "Font-face 'Source Sans Pro' cannot be loaded" in done.stderr, done.stderr
    assert outputs(root) == before and listing(root / "build") == names
    assert_built_with(root, build(root), "Kontrollord 8")


# Item 2: every cached artefact is checked against the digest recorded when it was made.

def _work(root: Path) -> Path:
    return root / "build" / ".work" / NAME


def test_a_damaged_rendered_fragment_is_rendered_again_with_a_note(built):
    root = built.root
    fragment = next((_work(root) / "fragments").glob("10_sammendrag.*.html"))
    text = fragment.read_text(encoding="utf-8")
    assert POPULATION_2018.search(text)
    fragment.write_text(POPULATION_2018.sub("99\u00a0999", text), encoding="utf-8")
    edit_chapter_text(root, "Kontrollord 21")  # another chapter changes; this one's cache looks reusable
    done = build(root)
    assert_built_with(root, done, "Kontrollord 21")
    assert "99 999" not in pdf_text(root / "build" / f"{NAME}.pdf")
    assert "99 999" not in html_text(root / "build" / f"{NAME}.html")
    assert re.search(r"note: the rendered 10_sammendrag was changed or damaged", done.stderr), done.stderr


def test_a_damaged_executed_notebook_is_run_again_with_a_note(built):
    root = built.root
    executed = _work(root) / "executed" / "10_sammendrag.ipynb"
    text = executed.read_text(encoding="utf-8")
    assert POPULATION_2018.search(text) or "13314" in text
    executed.write_text(POPULATION_2018.sub("99\u00a0999", text).replace("13314", "99999"), encoding="utf-8")
    edit_prose(root, "Kontrollord 22")
    done = build(root)
    assert_built_with(root, done, "Kontrollord 22")
    assert "99 999" not in pdf_text(root / "build" / f"{NAME}.pdf")
    assert re.search(r"note: the last run of 10_sammendrag was changed or damaged", done.stderr), done.stderr
    assert re.search(r"executed\s+10_sammendrag", done.stderr), done.stderr


def test_a_damaged_case_store_is_checked_again_and_a_planted_pickle_never_runs(built, tmp_path):
    # Item 3: the chapters read the validated case from the work folder. A damaged store is
    # rebuilt, not blamed on a chapter; a pickle there, under the name the build once used for its
    # cache or in place of the store, is never loaded (loading this one would create `ran`).
    root = built.root
    work = _work(root)
    state = json.loads((work / "state.json").read_text(encoding="utf-8"))
    key = state["case"]["key"]
    ran = tmp_path / "the pickle ran"
    planted = b"cbuiltins\nopen\n(S" + repr(str(ran)).encode() + b"\nS'w'\ntR."  # pickle protocol 0: open(ran, "w")
    (work / f"case-{key[:24]}.pickle").write_bytes(planted)
    (work / "executed" / "case.pickle").write_bytes(planted)
    stores = list(work.glob("case-*.json"))
    for store in stores:
        damaged = store.read_text(encoding="utf-8").replace("13314", "99999")
        assert damaged != store.read_text(encoding="utf-8")
        store.write_text(damaged, encoding="utf-8")
    edit_code(root, "Kontrollord 23")  # a chapter runs and reads the case
    edit_prose(root, "Kontrollord 23")
    done = build(root)
    assert not ran.exists(), "a pickle planted in the work folder was loaded"
    assert_built_with(root, done, "Kontrollord 23")
    assert "99 999" not in pdf_text(root / "build" / f"{NAME}.pdf")
    assert stores, "the validated case is not kept as JSON"
    assert re.search(r"note: the stored case .* was damaged or changed", done.stderr), done.stderr
    stores = list(work.glob("case-*.json"))
    assert len(stores) == 1 and hashlib.sha256(stores[0].read_bytes()).hexdigest() in stores[0].name


# Item 4: every file the build reads is in the fingerprint and the colophon; nothing outside the
# case's data folder is read.

def test_the_colophon_lists_exactly_the_data_files_the_build_read(built):
    read = {Path(line) for line in built.reads.read_text(encoding="utf-8").split()}
    data = (built.root / "data").resolve()
    read_names = {p.relative_to(data.parent).as_posix() for p in read}
    assert read_names and all(name.startswith(f"data/{NAME}/") for name in read_names), read_names
    sidecar = json.loads((built.root / "build" / f"{NAME}.json").read_text(encoding="utf-8"))
    listed = {name for name in sidecar["provenance"]["inputs_sha256"] if name.startswith("data/")}
    assert listed == read_names
    assert f"data/{NAME}/population.csv" in listed


@pytest.mark.parametrize("written", ["../shared/population.csv", "{outside}/population.csv"])
def test_a_data_file_outside_the_case_is_refused(built, tmp_path, written):
    root = built.root
    shared = (root / "data" / "shared") if written.startswith("..") else tmp_path
    shared.mkdir(exist_ok=True)
    shutil.copy(root / "data" / NAME / "population.csv", shared / "population.csv")
    written = written.format(outside=tmp_path)
    provenance = root / "data" / NAME / "datasets.yaml"
    original = provenance.read_text(encoding="utf-8")
    before = outputs(root)
    try:
        assert "  file: population.csv\n" in original
        provenance.write_text(original.replace("  file: population.csv\n", f"  file: {written}\n"), encoding="utf-8")
        for command in ("check", "build"):
            done = run(root, command, "--config", CONFIG)
            assert done.returncode == 1, done.stderr
            assert "population" in done.stderr and written in done.stderr and "outside" in done.stderr, done.stderr
            assert "Traceback" not in done.stderr
        assert outputs(root) == before
    finally:
        provenance.write_text(original, encoding="utf-8")
        shutil.rmtree(root / "data" / "shared", ignore_errors=True)


# Item 5: two builds at once.

def test_a_second_build_of_the_same_report_waits_for_the_first(built, tmp_path):
    root = built.root
    edit_code(root, "Kontrollord 51")
    edit_prose(root, "Kontrollord 51")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = build(root, wait=False, stderr_file=first_log)
    deadline = time.monotonic() + 120
    while "Executing" not in first_log.read_text(encoding="utf-8"):  # the first holds the report's lock
        assert first.poll() is None and time.monotonic() < deadline, first_log.read_text(encoding="utf-8")
        time.sleep(0.1)
    second = build(root, wait=False, stderr_file=second_log)
    assert second.wait(timeout=600) == 0, second_log.read_text(encoding="utf-8")
    assert first.wait(timeout=600) == 0, first_log.read_text(encoding="utf-8")
    first.stdout.close()
    second.stdout.close()
    said = second_log.read_text(encoding="utf-8")
    assert f"Another build of build/{NAME}.pdf is running; waiting" in said
    assert "Nothing changed" in said  # it found the report the first one had just built
    assert "Kontrollord 51" in pdf_text(root / "build" / f"{NAME}.pdf")
    assert "Nothing changed" in build(root).stderr


def test_builds_of_two_reports_run_side_by_side(built, tmp_path):
    root = built.root
    edit_prose(root, "Kontrollord 52")
    logs = {name: tmp_path / f"{name}.log" for name in ("vestre_toten", "vestre_toten_nabokommuner")}
    running = {name: run(root, "build", "--config", f"reports/{name}.yaml", wait=False, stderr_file=log)
               for name, log in logs.items()}
    for name, process in running.items():
        assert process.wait(timeout=900) == 0, logs[name].read_text(encoding="utf-8")
        process.stdout.close()
    assert "Kontrollord 52" in pdf_text(root / "build" / f"{NAME}.pdf")
    neighbours = pdf_text(root / "build" / "vestre_toten_nabokommuner.pdf")
    assert "sammenlignet med nabokommunene" in neighbours and "Kontrollord 52" in neighbours
    assert "Kontrollord 52" in html_text(root / "build" / "vestre_toten_nabokommuner.html")


# Item 12: a full disk and a read-only build folder, made real with a small tmpfs mounted over
# build/ in a mount namespace of the build's own (nothing outside it sees the mount).

def _can_mount() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


def _build_on_tmpfs(root: Path, saved: Path, after: Path, size_kb: int, read_only: bool):
    """Build with build/ on a tmpfs of `size_kb` holding a copy of `saved`; copy it to `after`."""
    script = (f'mount -t tmpfs -o size={size_kb}k tmpfs build && cp -a "$SAVED"/. build/ && '
              f'{"mount -o remount,ro build && " if read_only else ""}'
              f'{{ "$EVALREPORT" build --config {CONFIG}; code=$?; }}; cp -a build/. "$AFTER"/; exit $code')
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"EVALREPORT_ROOT": str(root), "SAVED": str(saved), "AFTER": str(after), "EVALREPORT": EVALREPORT})
    return subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.skipif(not _can_mount(), reason="needs mount namespaces (unshare -m) to make a small file system")
@pytest.mark.parametrize("read_only", [False, True], ids=["full-disk", "read-only"])
def test_a_full_disk_or_read_only_build_folder_is_one_line_and_keeps_the_report(built, tmp_path, read_only):
    root = built.root
    saved, after = tmp_path / "saved", tmp_path / "after"
    shutil.copytree(root / "build", saved, symlinks=True)
    after.mkdir()
    used_kb = sum(p.stat().st_size for p in saved.rglob("*") if p.is_file()) // 1024
    edit_prose(root, "Kontrollord 12")
    # Room for the work files of a prose edit, not for a new PDF (about 300 KB).
    done = _build_on_tmpfs(root, saved, after, used_kb + 8 * len(list(saved.rglob("*"))) + 160, read_only)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[-2] == STOPPED, done.stderr
    reason = "Read-only file system" if read_only else "No space left on device"
    assert lines[-1].startswith(reason) and str(root / "build") in lines[-1], done.stderr
    for name in OUTPUTS:
        assert (after / name).read_bytes() == (saved / name).read_bytes()


# Item 17: the outputs follow the umask, like any other file.

def test_outputs_follow_the_umask(built):
    assert built.modes == {name: 0o644 for name in OUTPUTS}  # umask 022, the first build's
    root = built.root
    edit_prose(root, "Kontrollord 17")
    done = build(root, umask=0o027)
    assert done.returncode == 0, done.stderr
    assert {name: (root / "build" / name).stat().st_mode & 0o777 for name in OUTPUTS} == {
        name: 0o640 for name in OUTPUTS}
    edit_prose(root, "Kontrollord 18")
    done = build(root)  # and back under 022
    assert done.returncode == 0, done.stderr
    assert {name: (root / "build" / name).stat().st_mode & 0o777 for name in OUTPUTS} == {
        name: 0o644 for name in OUTPUTS}


# Item 16: the same inputs give the same bytes, whenever and on whichever machine they are built.

@pytest.fixture(scope="module")
def clones(tmp_path_factory):
    """A git repository made from a copy of the project, and a function that clones it."""
    folder = tmp_path_factory.mktemp("reproducible")
    origin = copy_project(folder / "origin")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "The case as delivered"]):
        subprocess.run([*git, *command], cwd=origin, check=True, capture_output=True)

    def clone(name: str) -> Path:
        target = folder / name
        if target.is_dir():
            return target
        subprocess.run(["git", "clone", "-q", str(origin), str(target)], check=True, capture_output=True)
        return target

    return clone


def test_two_clean_builds_seconds_apart_and_without_harfbuzz_subset_are_identical(clones, tmp_path):
    # Each build subsets its fonts itself (an empty font cache of its own), so that no build can take
    # another's bytes; a last one takes them from the first build's cache, which must change nothing.
    first = clones("first")
    done = build(first, extra_env={"EVALREPORT_CACHE": str(tmp_path / "cache-first")})
    assert done.returncode == 0, done.stderr
    assert any((tmp_path / "cache-first" / "fonts").glob("*.bin"))
    time.sleep(3)  # a font dated by the clock would differ by now
    second = clones("second")
    done = build(second, extra_env={"EVALREPORT_CACHE": str(tmp_path / "cache-second")})
    assert done.returncode == 0, done.stderr
    assert outputs(second) == outputs(first)
    third = clones("third")  # as on a machine without libharfbuzz-subset
    done = build(third, fault=("no-harfbuzz-subset", "machine"),
                 extra_env={"EVALREPORT_CACHE": str(tmp_path / "cache-third")})
    assert done.returncode == 0, done.stderr
    assert "FAULT INJECTED: HarfBuzz-Subset made unavailable" in done.stderr
    assert outputs(third) == outputs(first)
    fourth = clones("fourth")
    done = build(fourth, extra_env={"EVALREPORT_CACHE": str(tmp_path / "cache-first")})
    assert done.returncode == 0, done.stderr
    assert outputs(fourth) == outputs(first)
    # The sidecar and the PDF's XMP name the libraries that shaped the PDF (read here through
    # WeasyPrint's own bindings) and the font subsetter.
    from weasyprint.text import ffi

    pango = ffi.pango.pango_version()  # e.g. 15012 for 1.50.12
    pango = f"{pango // 10000}.{pango // 100 % 100}.{pango % 100}"
    ffi.ffi.cdef("const char *hb_version_string (void);", override=True)
    harfbuzz = ffi.ffi.string(ffi.harfbuzz.hb_version_string()).decode()
    versions = json.loads((first / "build" / f"{NAME}.json").read_text(encoding="utf-8"))["provenance"]["versions"]
    assert versions["Pango"] == pango and versions["HarfBuzz"] == harfbuzz
    assert versions["font subsetter"].startswith("fontTools ")
    # (The council's colophon is short: the versions are in the XMP and the sidecar, not on the page.)
    import html

    xmp = PdfReader(first / "build" / f"{NAME}.pdf").trailer["/Root"]["/Metadata"].get_object().get_data()
    listed = json.loads(html.unescape(re.search(r"<evalreport:versions>(.*?)</", xmp.decode("utf-8")).group(1)))
    assert listed["Pango"] == pango and listed["HarfBuzz"] == harfbuzz
    assert listed["font subsetter"].startswith("fontTools ")


def test_another_pango_builds_the_report_again(clones):
    root = clones("first")  # built by the test above, when it ran
    if not (root / "build" / f"{NAME}.pdf").is_file():
        assert build(root).returncode == 0
    done = build(root, fault=("other-pango", "machine"))
    assert done.returncode == 0, done.stderr
    assert "Nothing changed" not in done.stderr
    versions = json.loads((root / "build" / f"{NAME}.json").read_text(encoding="utf-8"))["provenance"]["versions"]
    assert versions["Pango"] == "1.99.0"
