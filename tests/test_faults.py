"""A failed, interrupted or damaged build never replaces the last good report, never leaves anything
a later build would take as good, and the same inputs give the same bytes on any machine (issue 10,
items 1-5, 12, 16 and 17).

The builds run as the analyst runs them: the `evalreport` command in a process of its own, in the
project's folder, its exit code and its message read back. Faults are injected by a small wrapper
around the command line that patches one library function in that process only (FAULT_WRAPPER):
nothing in the package reads a switch for it, so no data or setting of a user can trigger one.

Each test works on its own copy of the session's warm build (`warm_project`), or builds its own
from nothing where the first build is what it is about; no test depends on another.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from pypdf import PdfReader

from support import EVALREPORT, copy_built, copy_project, environment

CONFIG = "reports/vestre_toten.yaml"
NAME = "vestre_toten"
OUTPUTS = (f"{NAME}.pdf", f"{NAME}.html", f"{NAME}.json")
STOPPED = "The build stopped; the last good report was not changed."
PUBLISHED = "The build stopped after publishing the new report: build/vestre_toten.pdf, build/vestre_toten.html, "
POPULATION_2018 = re.compile(r"13[\s\u00a0]314")  # Vestre Toten's population on 1 January 2018 (SSB 07459)

# Runs the command line with one fault: argv is <phase> <kind> <command line ...>. The fault fires
# once, at the named library call, and says so on stderr. kind "error" raises there; kind
# "interrupt" sends SIGINT to the build's process group, as Ctrl-C in a terminal does; kind "kill"
# sends SIGKILL to it, as a power cut or the out-of-memory killer would.
#
# The publish phases: "switch" fires just before the rename of `current` that publishes the new
# outputs, "switched" just after it, "link" before a link in build/ replaces an output that is a
# plain file (see publish.py). There each step of the publisher takes PUBLISH_PAUSE seconds
# longer, so that a reader looking at build/ meanwhile sees every state it passes through.
FAULT_WRAPPER = r'''
import io, os, signal, sys, time
phase, kind = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
fired = []
PUBLISH_PAUSE = 0.5

def fault():
    if fired:
        return
    fired.append(phase)
    print(f"FAULT INJECTED: {kind} at {phase}", file=sys.stderr, flush=True)
    if kind == "kill":
        os.killpg(os.getpgid(0), signal.SIGKILL)
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
    from evalreport.pipeline import render
    patch(render, "render_chapter")
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
elif phase in ("switch", "switched", "link"):
    original_replace = os.replace
    def publishing(target):
        path = os.fspath(target)
        if os.path.basename(path) == "current":
            return "switch"
        if os.path.basename(os.path.dirname(path)) == "build":
            return "link"
        return None
    links = []
    def replace(source, target, *args, **kwargs):
        step = publishing(target)
        if step:
            time.sleep(PUBLISH_PAUSE)
        if step == "link":
            links.append(target)
        if step == phase and (phase != "link" or len(links) == 2):  # a link made, the next one stopped
            fault()
        result = original_replace(source, target, *args, **kwargs)
        if step == "switch" and phase == "switched":
            time.sleep(PUBLISH_PAUSE)
            fault()
        return result
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
    """Run `evalreport <args>` in the project folder `root`, in a session (process group) of its own,
    without SOURCE_DATE_EPOCH: the build must not need it."""
    env = environment(**(extra_env or {}))
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
    text = root / "notebooks" / "70_utviklingsevne.md"
    text.write_text(text.read_text(encoding="utf-8") + f"\n{marker}.\n", encoding="utf-8")


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


def the_set_of_one_build(root: Path) -> None:
    """The three outputs in build/ lie in one published folder: the set of one build."""
    folders = {Path(os.path.realpath(root / "build" / name)).parent for name in OUTPUTS}
    assert len(folders) == 1, folders


def assert_all_new(root: Path, before: dict[str, bytes], marker: str) -> None:
    """Every output is the new build's: each differs from the last good one, the PDF and the twin
    print the edit, and the sidecar holds the changed chapter's new text digest."""
    now = outputs(root)
    assert all(now[name] != before[name] for name in OUTPUTS), [n for n in OUTPUTS if now[n] == before[n]]
    assert marker in pdf_text(root / "build" / f"{NAME}.pdf")
    assert marker in html_text(root / "build" / f"{NAME}.html")
    chapter = "70_utviklingsevne"
    old, new = (json.loads(data)["chapters"][chapter]["text_sha256"]
                for data in (before[f"{NAME}.json"], now[f"{NAME}.json"]))
    assert old != new
    the_set_of_one_build(root)


# A reader of build/ in a process of its own: it opens the three outputs through their links, as a
# browser or a file manager would, the PDF first and again last, and writes the digest of each
# (or "missing") on one line per look, until the stop file appears.
READER = r'''
import hashlib, os, sys, time
folder, name, log, stop = sys.argv[1:5]

def digest(suffix):
    try:
        with open(os.path.join(folder, name + suffix), "rb") as stream:
            return hashlib.sha256(stream.read()).hexdigest()
    except FileNotFoundError:
        return "missing"

with open(log, "w", encoding="utf-8") as out:
    while not os.path.exists(stop):
        out.write(" ".join([digest(".pdf"), digest(".html"), digest(".json"), digest(".pdf")]) + "\n")
        out.flush()
        time.sleep(0.05)
'''


@contextmanager
def reader(root: Path, folder: Path):
    """A reader looking at build/ while the body runs; yields the list its looks are put in."""
    log, stop = folder / "reader.log", folder / "reader.stop"
    process = subprocess.Popen([sys.executable, "-c", READER, str(root / "build"), NAME, str(log), str(stop)])
    looks: list[list[str]] = []
    try:
        deadline = time.monotonic() + 60
        while not (log.is_file() and log.read_text(encoding="utf-8").endswith("\n")):  # a whole first look
            assert process.poll() is None and time.monotonic() < deadline, "the reader did not start"
            time.sleep(0.05)
        yield looks
    finally:
        stop.touch()
        process.wait(timeout=60)
    looks.extend(line.split() for line in log.read_text(encoding="utf-8").splitlines())


def assert_one_build_at_every_instant(looks: list[list[str]], old: dict[str, bytes], new: dict[str, bytes] | None):
    """Every file the reader opened was the last good report's or the new build's, and once it saw a
    new one it never saw an old one again: the three change at one instant, from the old set to the
    new. (A look that reads the PDF first and last as the same set did not straddle that instant,
    so all its files are of that one set.)"""
    sets = {"old": old, **({"new": new} if new else {})}
    digests = {kind: [hashlib.sha256(files[n]).hexdigest() for n in (*OUTPUTS, OUTPUTS[0])]
               for kind, files in sets.items()}
    seen = []
    for look in looks:
        for position, digest in enumerate(look):
            kind = next((k for k, d in digests.items() if d[position] == digest), None)
            assert kind, f"a reader opened {OUTPUTS[position % 3]} and found neither build's: {digest[:12]}"
            seen.append(kind)
    assert len(looks) >= 5, "the reader looked too seldom to tell"
    assert seen == sorted(seen, key=["old", "new"].index), "a reader saw a new output, then an old one"


@pytest.fixture
def audited(project, tmp_path):
    """A build from nothing by the command line, every process of which records the files it opens
    under the project's data folder; the file of their names."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    reads = tmp_path / "reads.log"
    path = os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")]))
    done = build(project, extra_env={"PYTHONPATH": path, "FAULTS_TEST_READS": str(reads),
                                     "FAULTS_TEST_WATCHED": str((project / "data").resolve())})
    assert done.returncode == 0, done.stderr
    return reads


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


# Items 1 and 2 of the issue: a fault or an interrupt in any phase of a build; "switch" is the
# publisher's one rename (see publish.py), where a reader watches build/ as well.
PHASES = ["kernels", "render", "layout", "draw", "write", "checks", "switch"]


@pytest.mark.parametrize("phase", PHASES)
def test_a_fault_or_an_interrupt_in_any_phase_keeps_the_last_report_and_the_next_build_is_right(warm_project, tmp_path,
                                                                                                phase):
    # An error at the phase, then an interrupt there, each in a build of its own (in every other
    # phase the other way round, so that the next build follows each kind directly in half of them):
    # each stops cleanly and changes nothing of the last good report; the next build is right.
    root = warm_project
    kinds = ("error", "interrupt") if PHASES.index(phase) % 2 else ("interrupt", "error")
    marker = f"Kontrollord {PHASES.index(phase) + 1}"
    before, names = outputs(root), listing(root / "build")
    edit_prose(root, marker)
    if phase == "kernels":
        edit_code(root, marker)
    with reader(root, tmp_path) if phase == "switch" else nullcontext([]) as looks:
        for kind in kinds:
            failed = build(root, fault=(phase, kind))
            assert_stopped_cleanly(failed, phase)
            assert f"FAULT INJECTED: {kind} at {phase}" in failed.stderr, failed.stderr
            if kind == "interrupt":
                assert failed.returncode == 130 and failed.stderr.rstrip().endswith("interrupted"), failed.stderr
            elif phase == "draw":  # WeasyPrint swallowed the fault; the build noticed all the same
                assert "Failed to render SVG image" in failed.stderr, failed.stderr
            assert outputs(root) == before, f"a failed build ({kind}) changed the last good report"
            assert listing(root / "build") == names
    if phase == "switch":
        assert_one_build_at_every_instant(looks, before, None)

    again = build(root)
    assert_built_with(root, again, marker)
    if phase == "kernels":
        assert re.search(r"executed\s+40_maloppnaelse", again.stderr), again.stderr


# The publisher, killed or stopped at its switch: whatever happens, a reader finds the three outputs
# of one build, and the next build is right.

def watched_build(root: Path, folder: Path, marker: str, fault: tuple[str, str]):
    """The outputs before, then a build with `marker` added to the prose and `fault` injected while a
    reader watches build/: (the outputs before, the reader's looks, the build)."""
    before = outputs(root)
    edit_prose(root, marker)
    with reader(root, folder) as looks:
        done = build(root, fault=fault)
    return before, looks, done


@pytest.mark.parametrize("moment", ["switch", "switched"], ids=["before-the-switch", "after-the-switch"])
def test_killed_at_the_switch_a_reader_sees_one_build_at_every_instant(warm_project, tmp_path, moment):
    root = warm_project
    marker = f"Kontrollord 9{moment[-1]}"
    before, looks, killed = watched_build(root, tmp_path, marker, (moment, "kill"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert f"FAULT INJECTED: kill at {moment}" in killed.stderr, killed.stderr
    if moment == "switch":
        assert outputs(root) == before, "a build killed before its switch changed the last good report"
        new = None
    else:
        assert_all_new(root, before, marker)
        new = outputs(root)
    assert_one_build_at_every_instant(looks, before, new)

    again = build(root)
    assert_built_with(root, again, marker)
    if new:  # the same inputs give the same bytes: the killed build had published whole outputs
        assert outputs(root) == new


@pytest.mark.parametrize("kind", ["error", "interrupt"])
def test_stopped_after_the_switch_says_the_new_report_is_published(warm_project, tmp_path, kind):
    root = warm_project
    marker = f"Kontrollord 10{'ei'[kind == 'interrupt']}"
    before, looks, stopped = watched_build(root, tmp_path, marker, ("switched", kind))
    assert "FAULT INJECTED" in stopped.stderr and "Traceback" not in stopped.stderr, stopped.stderr
    assert stopped.returncode == (130 if kind == "interrupt" else 1), stopped.stderr
    assert PUBLISHED in stopped.stderr and STOPPED not in stopped.stderr, stopped.stderr
    assert_all_new(root, before, marker)
    new = outputs(root)
    assert_one_build_at_every_instant(looks, before, new)
    again = build(root)  # its record was not completed: the next build makes the same outputs again
    assert again.returncode == 0 and outputs(root) == new, again.stderr


@pytest.mark.parametrize("kind", ["interrupt", "kill"])
def test_plain_outputs_of_an_older_version_become_links_all_at_once(warm_project, tmp_path, kind):
    # An older evalreport wrote the outputs into build/ as plain files. The first build after it
    # replaces each with a link; stopped between two of them, a reader still finds the last good
    # report whole, and the next build is right.
    root = warm_project
    for name in OUTPUTS:
        path = root / "build" / name
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    shutil.rmtree(_work(root) / "published")
    marker = f"Kontrollord 11{kind[0]}"
    before, looks, stopped = watched_build(root, tmp_path, marker, ("link", kind))
    assert f"FAULT INJECTED: {kind} at link" in stopped.stderr, stopped.stderr
    if kind == "kill":
        assert stopped.returncode == -signal.SIGKILL, stopped.stderr
    else:
        assert_stopped_cleanly(stopped, "link")
    assert sum((root / "build" / name).is_symlink() for name in OUTPUTS) == 1  # stopped at the second link
    assert outputs(root) == before
    assert_one_build_at_every_instant(looks, before, None)
    again = build(root)
    assert_built_with(root, again, marker)
    assert all((root / "build" / name).is_symlink() for name in OUTPUTS)
    the_set_of_one_build(root)


def test_a_lost_font_stops_the_build_and_keeps_the_last_report(warm_project, tmp_path):
    # WeasyPrint only warns when a font cannot be loaded, and sets the text in another font.
    root = warm_project
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


def test_a_damaged_rendered_fragment_is_rendered_again_with_a_note(warm_project):
    root = warm_project
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


def test_a_damaged_executed_notebook_is_run_again_with_a_note(warm_project):
    root = warm_project
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


def test_a_damaged_case_store_is_checked_again_and_a_planted_pickle_never_runs(warm_project, tmp_path):
    # Item 3: the chapters read the validated case from the work folder. A damaged store is
    # rebuilt, not blamed on a chapter; a pickle there, under the name the build once used for its
    # cache or in place of the store, is never loaded (loading this one would create `ran`).
    root = warm_project
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
# case's data folder is read. (The build from nothing also shows item 17's first half: its outputs
# follow the umask, 022 here.)

def test_the_colophon_lists_exactly_the_data_files_the_build_read(project, audited):
    read = {Path(line) for line in audited.read_text(encoding="utf-8").split()}
    data = (project / "data").resolve()
    read_names = {p.relative_to(data.parent).as_posix() for p in read}
    assert read_names and all(name.startswith(f"data/{NAME}/") for name in read_names), read_names
    sidecar = json.loads((project / "build" / f"{NAME}.json").read_text(encoding="utf-8"))
    listed = {name for name in sidecar["provenance"]["inputs_sha256"] if name.startswith("data/")}
    assert listed == read_names
    assert f"data/{NAME}/population.csv" in listed
    assert_readable_as_the_umask_says(project, 0o022, every_folder=True)


@pytest.mark.parametrize("written", ["../shared/population.csv", "{outside}/population.csv"])
def test_a_data_file_outside_the_case_is_refused(warm_project, tmp_path, written):
    root = warm_project
    shared = (root / "data" / "shared") if written.startswith("..") else tmp_path
    shared.mkdir(exist_ok=True)
    shutil.copy(root / "data" / NAME / "population.csv", shared / "population.csv")
    written = written.format(outside=tmp_path)
    provenance = root / "data" / NAME / "datasets.yaml"
    original = provenance.read_text(encoding="utf-8")
    before = outputs(root)
    assert "  file: population.csv\n" in original
    provenance.write_text(original.replace("  file: population.csv\n", f"  file: {written}\n"), encoding="utf-8")
    shown = written if len(written) <= 80 else written[:79] + "…"  # a long name is cut at 80 characters
    for command in ("check", "build"):
        done = run(root, command, "--config", CONFIG)
        assert done.returncode == 1, done.stderr
        assert "population" in done.stderr and shown in done.stderr and "outside" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert outputs(root) == before


# Item 5: two builds at once.

def test_a_second_build_of_the_same_report_waits_for_the_first(warm_project, tmp_path):
    root = warm_project
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


def test_builds_of_two_reports_run_side_by_side(warm_project, tmp_path):
    # The second configuration builds from the same notebooks, its own comparison areas and index
    # year (this test also holds what test_end_to_end's test of the second configuration held).
    root = warm_project
    edit_prose(root, "Kontrollord 52")
    logs = {name: tmp_path / f"{name}.log" for name in ("vestre_toten", "vestre_toten_nabokommuner")}
    running = {name: run(root, "build", "--config", f"reports/{name}.yaml", wait=False, stderr_file=log)
               for name, log in logs.items()}
    for name, process in running.items():
        assert process.wait(timeout=900) == 0, logs[name].read_text(encoding="utf-8")
        process.stdout.close()
    assert "Kontrollord 52" in pdf_text(root / "build" / f"{NAME}.pdf")
    neighbours = pdf_text(root / "build" / "vestre_toten_nabokommuner.pdf")
    assert "Vestre Toten 2011–2017 sammenlignet med nabokommunene" in neighbours and "Kontrollord 52" in neighbours
    assert "indeks 2008 = 100" in neighbours
    assert "Østre Toten" in neighbours and "Gjøvik" in neighbours
    assert "Hele landet" not in neighbours
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
    env = environment(SAVED=str(saved), AFTER=str(after), EVALREPORT=EVALREPORT)
    return subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.skipif(not _can_mount(), reason="needs mount namespaces (unshare -m) to make a small file system")
@pytest.mark.parametrize("read_only", [False, True], ids=["full-disk", "read-only"])
def test_a_full_disk_or_read_only_build_folder_is_one_line_and_keeps_the_report(warm_project, tmp_path, read_only):
    root = warm_project
    saved, after = tmp_path / "saved", tmp_path / "after"
    shutil.copytree(root / "build", saved, symlinks=True)
    after.mkdir()
    # The files' own sizes: build/<name>.pdf and the others are links to files counted already.
    used_kb = sum(p.stat().st_size for p in saved.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
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


# Item 17: the outputs follow the umask, like any other file: the files and the folder they lie in.

def assert_readable_as_the_umask_says(root: Path, umask: int, every_folder: bool = False) -> None:
    """Each output and the published folder it lies in have the modes a new file and a new folder
    get under `umask`; with `every_folder` (all made under `umask`), whoever the umask lets read may
    open the output through every folder on the way from the project."""
    for name in OUTPUTS:
        target = Path(os.path.realpath(root / "build" / name))
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask, name
        assert target.parent.stat().st_mode & 0o777 == 0o777 & ~umask, target.parent
        for folder in [target.parent, *target.parent.parents] if every_folder else []:
            if folder == root:
                break
            searchable = folder.stat().st_mode & (0o011 & ~umask)
            assert searchable == 0o011 & ~umask, f"{folder} keeps out whom the umask lets read"


def test_outputs_follow_the_umask(warm_project):
    root = warm_project
    edit_prose(root, "Kontrollord 17")
    done = build(root, umask=0o027)
    assert done.returncode == 0, done.stderr
    assert_readable_as_the_umask_says(root, 0o027)
    edit_prose(root, "Kontrollord 18")
    done = build(root)  # and back under 022
    assert done.returncode == 0, done.stderr
    assert_readable_as_the_umask_says(root, 0o022)


# Item 16: the same inputs give the same bytes, whenever and on whichever machine they are built.
# Each build whose bytes are compared subsets its fonts itself, into an empty font cache of its own,
# so that no build can take another's bytes: the session's font cache is never used here.

@pytest.fixture
def clones(tmp_path):
    """A git repository made from a copy of the project, and a function that clones it."""
    origin = copy_project(tmp_path / "origin")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "The case as delivered"]):
        subprocess.run([*git, *command], cwd=origin, check=True, capture_output=True,
                       env=environment(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1"))

    def clone(name: str) -> Path:
        target = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(origin), str(target)], check=True, capture_output=True)
        return target

    return clone


def outputs_again(source: Path, target: Path) -> Path:
    """A copy of the built project `source` without its outputs, as on another machine: its next
    build reuses the chapters and writes only the outputs (their fonts subset anew)."""
    copy_built(source, target)
    for name in OUTPUTS:
        (target / "build" / name).unlink()
    return target


def test_two_clean_builds_seconds_apart_and_without_harfbuzz_subset_are_identical(clones, tmp_path):
    # Two clean builds, seconds apart, each subsetting its fonts into an empty cache of its own; then
    # the outputs written again without libharfbuzz-subset (into another empty cache), and once more
    # taking the fonts from the first build's cache: every one the same bytes.
    first = clones("first")
    done = build(first, extra_env={"EVALREPORT_CACHE": str(tmp_path / "cache-first")})
    assert done.returncode == 0, done.stderr
    assert any((tmp_path / "cache-first" / "fonts").glob("*.bin"))
    time.sleep(3)  # a font dated by the clock would differ by now
    second = clones("second")
    done = build(second, extra_env={"EVALREPORT_CACHE": str(tmp_path / "cache-second")})
    assert done.returncode == 0, done.stderr
    assert outputs(second) == outputs(first)
    third = outputs_again(first, tmp_path / "third")  # as on a machine without libharfbuzz-subset
    done = build(third, fault=("no-harfbuzz-subset", "machine"),
                 extra_env={"EVALREPORT_CACHE": str(tmp_path / "cache-third")})
    assert done.returncode == 0 and "0 chapter(s) executed" in done.stderr, done.stderr
    assert "FAULT INJECTED: HarfBuzz-Subset made unavailable" in done.stderr
    assert any((tmp_path / "cache-third" / "fonts").glob("*.bin"))  # it subset them itself
    assert outputs(third) == outputs(first)
    fourth = outputs_again(first, tmp_path / "fourth")
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


def test_another_pango_builds_the_report_again(warm_project):
    root = warm_project
    assert "Nothing changed" in build(root).stderr  # up to date with this machine's Pango
    done = build(root, fault=("other-pango", "machine"))
    assert done.returncode == 0, done.stderr
    assert "Nothing changed" not in done.stderr
    versions = json.loads((root / "build" / f"{NAME}.json").read_text(encoding="utf-8"))["provenance"]["versions"]
    assert versions["Pango"] == "1.99.0"
