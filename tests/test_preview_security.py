"""What the preview serves to whom, and how it ends (issue 20, the preview's items): only to pages
that ask for this machine by name (no DNS rebinding), a bad request gets an answer and no traceback,
a browser that leaves early is no news, and a closed terminal (SIGHUP) stops the background PDF
build with the preview."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys

import psutil
import pytest

from support import copy_project, wait_until

BUILD_SECONDS = 900


def get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


@pytest.fixture
def preview(tmp_path):
    root = copy_project(tmp_path / "project")
    log = tmp_path / "preview.log"
    with open(log, "w", encoding="utf-8") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "evalreport", "preview", "--case", "vestre_toten",
                                    "--port", "0"], cwd=root, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        first = process.stdout.readline()
        assert "http://127.0.0.1:" in first, first + log.read_text(encoding="utf-8")
        port = int(first.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
        wait_until(lambda: json.loads(get(port, "/status")[1])["generation"] >= 1, BUILD_SECONDS, "the first page")
        yield process, port, log
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


def test_the_draft_is_served_only_to_this_machine_by_name_and_bad_requests_get_an_answer(preview):
    process, port, log = preview
    assert get(port, "/")[0] == 200
    assert get(port, "/", host=f"localhost:{port}")[0] == 200
    status, body = get(port, "/", host=f"evil.example:{port}")  # a rebound name that resolves here
    assert status == 421 and b"Vestre Toten" not in body
    assert get(port, "/status", host="attacker.test")[0] == 421
    status, body = get(port, "/events?since=abc")
    assert status == 400 and b"since" in body
    for _ in range(3):  # a browser that asks and leaves before the answer
        with socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert get(port, "/status")[0] == 200  # still serving
    process.send_signal(signal.SIGINT)
    process.wait(60)
    assert "Traceback" not in log.read_text(encoding="utf-8")


def test_a_closed_terminal_stops_the_preview_and_its_background_build(preview):
    process, port, log = preview
    children = wait_until(lambda: psutil.Process(process.pid).children(recursive=True), 60,
                          "the background PDF build to start")
    process.send_signal(signal.SIGHUP)
    process.wait(60)
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, [c.cmdline() for c in alive]
    assert "Traceback" not in log.read_text(encoding="utf-8")
