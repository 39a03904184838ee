"""`make preview CASE=<name>`: the report's HTML twin on localhost, rebuilt at every saved edit.

The preview builds the report, serves its HTML twin at http://127.0.0.1:<port>/ and watches what
the report is made of: its configuration, its data folder, its prose folder, the chapters and the
templates (their files' times and sizes, every 0.2 s). At each saved change it builds the page
again, incrementally (`build.preview_page`: a prose edit runs no chapter and renders only the
chapters that include the edited file), and the browser reloads. The PDF follows in the
background: `evalreport build` in a child process, stopped and started again if another edit
comes first. The served page links the fonts instead of embedding subsets (which would cost
seconds at each new character), and only the served page gets the few lines of script that
reload it; build/<name>.html is the full build's, untouched.

The server tells the page about a new version with server-sent events (`/events`), which every
browser supports without a library. `/status` says, as JSON, which version of the page is served.
"""

from __future__ import annotations

import dataclasses
import html
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from evalreport.errors import EvalreportError
from evalreport.pipeline import build, document
from evalreport.pipeline.plan import make_plan
from evalreport.project import Project

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how often the watched files are looked at
SETTLE_SECONDS = 0.05  # a save may be several writes (truncate, write, rename): wait until the files are still
STOP_SECONDS = 0.1  # a background build gets this long to stop when interrupted (see BackgroundBuild.stop)
KEEPALIVE_SECONDS = 15
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp")  # editors' scratch files

# Only in the served copy: reload when the server announces a new version, keeping the place read.
RELOAD_SCRIPT = """<script>
(function () {
  var key = "evalreport-preview-scroll";
  var kept = sessionStorage.getItem(key);
  if (kept !== null) { sessionStorage.removeItem(key); window.scrollTo(0, parseInt(kept, 10)); }
  var events = new EventSource("/events?since=%d");
  events.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    events.close();
    window.location.reload();
  });
})();
</script>"""


@dataclasses.dataclass
class Page:
    """The page the server hands out, and its version number, which only grows."""

    body: bytes
    generation: int
    state: str  # "building", "ready" or "failed"
    message: str = ""
    announced_at: float = 0.0  # time.time() when this version was announced


class Pages:
    """The current page, shared between the builder and the server's threads."""

    def __init__(self, page: Page):
        self._page = page
        self._changed = threading.Condition()

    @property
    def current(self) -> Page:
        with self._changed:
            return self._page

    def announce(self, body: str, state: str, message: str = "") -> Page:
        with self._changed:
            generation = self._page.generation + 1
            self._page = Page(with_reload_script(body, generation), generation, state, message, time.time())
            self._changed.notify_all()
            return self._page

    def wait_newer(self, generation: int, timeout: float) -> Page:
        """The current page once it is newer than `generation`, or the current one after `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self._page.generation > generation, timeout)
            return self._page


def with_reload_script(page: str, generation: int) -> bytes:
    """The page with the reload script before its end (the copy served, never a file in build/)."""
    script = RELOAD_SCRIPT % generation
    at = page.rfind("</body>")
    page = page[:at] + script + page[at:] if at >= 0 else page + script
    return page.encode("utf-8")


def message_page(title: str, text: str, language: str = "en") -> str:
    """A plain page saying what the preview is doing or what went wrong."""
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            '<body style="font-family: sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem">'
            f"<h1>{html.escape(title)}</h1><pre style=\"white-space: pre-wrap\">{html.escape(text)}</pre>"
            "</body></html>")


def watched_folders(project: Project, plan) -> list[Path]:
    """What the report is made of: its data, its prose and own chapters, the chapters, the templates."""
    return [plan.data_dir, plan.prose_dir, project.notebooks, project.templates]


def snapshot(files: list[Path], folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Each watched file's modification time and size (a save changes one or both)."""
    seen = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        seen[str(path)] = (stat.st_mtime_ns, stat.st_size)
    for folder in folders:
        for current, folders_below, names in os.walk(folder):
            folders_below[:] = [d for d in folders_below if not d.startswith(".") and d != "__pycache__"]
            for name in names:
                if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
                    continue
                path = os.path.join(current, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


def changed_files(before: dict, after: dict, project: Project) -> list[str]:
    return sorted(project.relative(Path(p)) for p in set(before) | set(after) if before.get(p) != after.get(p))


class BackgroundBuild:
    """The full build (PDF, checks, twin, sidecar) in a child process, which a new edit stops."""

    def __init__(self, project: Project, config_arg: str, jobs: int | None, draft: bool, log_file: Path):
        self.command = [sys.executable, "-m", "evalreport", "-q", "build", "--config", config_arg,
                        *(["--jobs", str(jobs)] if jobs else []), *(["--draft"] if draft else [])]
        self.project = project
        self.log_file = log_file
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.state = "none"  # "writing", "written", "failed", or "stopped" by a newer edit

    def start(self) -> None:
        self.stop()
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.log_file, "wb") as output:
            # A session of its own, so that stopping it stops everything it started.
            self._process = subprocess.Popen(self.command, cwd=self.project.root,
                                             stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
            self.state = "writing"
            threading.Thread(target=self._report, args=(self._process, time.perf_counter()), daemon=True).start()

    def stop(self) -> None:
        """Interrupt the build, then kill it if it lingers.

        An interrupt is what Ctrl-C does: were it publishing its outputs, build/ holds the old set or
        the new one, whole (the publisher switches them with one rename). Whatever else it is doing can
        be dropped (its files are written aside and its state last), so it is killed after
        STOP_SECONDS rather than waited for while it winds down its PDF validators: the new page
        must not wait for an old PDF.
        """
        with self._lock:
            process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.stopped = True
        self.state = "stopped"
        for sig, grace in ((signal.SIGINT, STOP_SECONDS), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(grace)
                return
            except subprocess.TimeoutExpired:
                continue

    def _report(self, process: subprocess.Popen, started: float) -> None:
        code = process.wait()
        if getattr(process, "stopped", False):
            return
        seconds = time.perf_counter() - started
        self.state = "written" if code == 0 else "failed"
        if code == 0:
            log.info("  the PDF followed in %.1f s (build/ is up to date)", seconds)
        else:
            tail = self.log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-8:]
            log.warning("  the PDF build stopped (see %s):\n%s", self.project.relative(self.log_file),
                        "\n".join(f"    {line}" for line in tail))


class Preview:
    """Builds the page at every change and hands it to the server."""

    def __init__(self, project: Project, config_path: Path, jobs: int | None = None, draft: bool = False):
        self.project, self.config_path, self.jobs, self.draft = project, config_path, jobs, draft
        plan = make_plan(project, config_path)
        self.language = plan.config.language
        self.pages = Pages(Page(with_reload_script(message_page("evalreport preview", "Building the report ..."), 0),
                                0, "building"))
        _, faces = document.read_font_faces(project.templates / document.TEMPLATE_NAME / document.PRINT_STYLESHEET)
        self.fonts = {face.path.name: face.path for face in faces}
        self.background = BackgroundBuild(project, plan.config_arg, jobs, draft,
                                          plan.work / "preview-pdf.log")
        self.files = [config_path]
        self.folders = watched_folders(project, plan)

    def font_url(self, face) -> str:
        return f"/fonts/{face.path.name}"

    def rebuild(self, reason: str) -> Page:
        """Build the page again and announce it; then let the PDF follow in the background."""
        started = time.perf_counter()
        self.background.stop()  # it holds the report's lock, and its work would be stale
        try:
            body = build.preview_page(self.project, self.config_path, draft=self.draft, jobs=self.jobs,
                                         font_url=self.font_url)
        except Exception as exc:  # noqa: BLE001 - the page says what went wrong; the next save tries again
            if isinstance(exc, EvalreportError):
                text = str(exc)
            else:
                log.debug("unexpected error", exc_info=True)
                text = (f"an unexpected error: {type(exc).__name__}: {exc}\nThis is a fault in evalreport, not in "
                        "your files; run the preview again with -v and report it.")
            page = self.pages.announce(message_page("The report could not be built", text, self.language),
                                       "failed", text)
            log.warning("%s: the page shows what went wrong (%.2f s):\n%s", reason, time.perf_counter() - started,
                        "\n".join(f"  {line}" for line in text.splitlines()))
            return page
        page = self.pages.announce(body, "ready")
        log.info("%s: page %d ready in %.2f s; the PDF follows", reason, page.generation,
                 time.perf_counter() - started)
        self.background.start()
        return page

    def watch(self, stop: threading.Event) -> None:
        """Rebuild at every change of the watched files until `stop` is set."""
        seen = snapshot(self.files, self.folders)
        self.rebuild("first build")
        while not stop.wait(POLL_SECONDS):
            now = snapshot(self.files, self.folders)
            if now != seen:
                while not stop.wait(SETTLE_SECONDS):
                    settled = snapshot(self.files, self.folders)
                    if settled == now:
                        break
                    now = settled
                changed = changed_files(seen, now, self.project)
                seen = now
                shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
                self.rebuild(f"{shown} changed")


def make_handler(preview: Preview):
    """The request handler: the page, its events, its fonts and the preview's status."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "evalreport-preview"
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the name http.server calls
            url = urlsplit(self.path)
            if not self._from_this_machine():
                # A page elsewhere may make a browser ask for a name that resolves to 127.0.0.1 (DNS
                # rebinding); the draft is served only to pages asking for this machine by name.
                self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8",
                           b"the preview answers only to http://127.0.0.1 and http://localhost")
                return
            if url.path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", preview.pages.current.body)
            elif url.path == "/events":
                since = (parse_qs(url.query).get("since") or ["0"])[0] or "0"
                if not since.isdigit() or len(since) > 12:
                    self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                               b"since: the number of the page the browser has")
                    return
                self._events(int(since))
            elif url.path == "/status":
                page = preview.pages.current
                self._send(HTTPStatus.OK, "application/json", json.dumps(
                    {"generation": page.generation, "state": page.state, "message": page.message,
                     "announced_at": page.announced_at, "pdf": preview.background.state}).encode("utf-8"))
            elif url.path.startswith("/fonts/") and url.path[len("/fonts/"):] in preview.fonts:
                self._send(HTTPStatus.OK, "font/ttf", preview.fonts[url.path[len("/fonts/"):]].read_bytes())
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found")

        def _from_this_machine(self) -> bool:
            host = (self.headers.get("Host") or "").strip().lower()
            port = self.server.server_address[1]
            return host in {f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1", "localhost"}

        def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the browser went away first: nothing to say
                self.close_connection = True

        def _events(self, since: int) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b"retry: 500\n\n")
                self.wfile.flush()
                while True:
                    page = preview.pages.wait_newer(since, KEEPALIVE_SECONDS)
                    if page.generation > since:
                        self.wfile.write(f"event: reload\ndata: {page.generation}\n\n".encode("ascii"))
                        self.wfile.flush()
                        return
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

        def log_message(self, format, *args):  # noqa: A002 - http.server's signature
            log.debug("preview server: " + format, *args)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a connection early is no news; anything else is logged for -v, never
        # printed as a traceback in the analyst's terminal.
        log.debug("preview server: a request from %s failed", client_address, exc_info=True)


class _Hangup(Exception):
    """The terminal was closed (SIGHUP) or the preview was asked to stop (SIGTERM)."""


def _stop_on_signal(signum, frame) -> None:
    raise _Hangup(signal.Signals(signum).name)


def run_preview(project: Project, config_path: Path, port: int = 0, jobs: int | None = None,
                draft: bool = False) -> int:
    """Serve the report's preview until interrupted (Ctrl-C)."""
    preview = Preview(project, config_path, jobs, draft)
    server = _Server(("127.0.0.1", port), make_handler(preview))
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    if logging.getLogger().getEffectiveLevel() == logging.INFO:
        # The build's own lines at every edit would bury the one line per edit that matters (-v shows them).
        logging.getLogger("evalreport").setLevel(logging.WARNING)
        log.setLevel(logging.INFO)
    print(f"Preview of {project.relative(config_path)} at http://127.0.0.1:{server.server_address[1]}/ "
          "(it reloads at every saved edit; Ctrl-C stops)", flush=True)
    stop = threading.Event()
    # A closed terminal (SIGHUP) or a polite kill (SIGTERM) stops the preview as Ctrl-C does, so that
    # the background PDF build is stopped too and never left running on its own.
    for name in ("SIGHUP", "SIGTERM"):
        signal.signal(getattr(signal, name), _stop_on_signal)
    try:
        preview.watch(stop)
    except (KeyboardInterrupt, _Hangup):
        pass
    finally:
        stop.set()
        preview.background.stop()
        server.shutdown()
        server.server_close()
    print("Preview stopped; build/ holds the last complete build.")
    return 0
