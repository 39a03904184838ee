"""A process that waits on another waits for a complete answer (dev/waiting.py): Dask's scheduler
creates its scheduler file before it writes it, and `make bench-portfolio` once read it half-written
(a JSONDecodeError on a loaded machine)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from dev.waiting import wait_for_json

ADDRESS = '{"type": "Scheduler", "address": "tcp://127.0.0.1:40001", "services": {}}'


def has_address(value) -> bool:
    return isinstance(value, dict) and bool(value.get("address"))


def test_a_file_written_in_pieces_is_read_once_it_is_whole(tmp_path):
    # The file appears empty, then holds half the JSON, then all of it: the reader returns the whole.
    path = tmp_path / "scheduler.json"
    looked = threading.Event()

    def write_in_pieces():
        path.write_text("", encoding="utf-8")
        time.sleep(0.3)
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(ADDRESS[:20])
            stream.flush()
            time.sleep(0.3)
            looked.set()
            stream.write(ADDRESS[20:])

    writer = threading.Thread(target=write_in_pieces)
    writer.start()
    try:
        value = wait_for_json(path, has_address, 30, "the writer", interval=0.02)
    finally:
        writer.join()
    assert looked.is_set()  # it was still waiting while the file held half the JSON
    assert value["address"] == "tcp://127.0.0.1:40001"


def test_json_without_the_answer_is_waited_on_until_it_has_it(tmp_path):
    path = tmp_path / "scheduler.json"
    path.write_text('{"type": "Scheduler"}', encoding="utf-8")
    timer = threading.Timer(0.3, lambda: path.write_text(ADDRESS, encoding="utf-8"))
    timer.start()
    try:
        assert wait_for_json(path, has_address, 30, "the writer", interval=0.02)["address"].startswith("tcp://")
    finally:
        timer.cancel()


def test_the_deadline_names_the_file_and_what_it_held(tmp_path):
    path = tmp_path / "scheduler.json"
    path.write_text(ADDRESS[:20], encoding="utf-8")
    with pytest.raises(RuntimeError) as caught:
        wait_for_json(path, has_address, 0.3, "the Dask scheduler", interval=0.05)
    message = str(caught.value)
    assert "the Dask scheduler did not write" in message and str(path) in message
    assert "20 characters that are not yet complete JSON" in message


def test_a_writer_that_exits_first_is_said_at_once(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"the Dask scheduler exited with code 3 before .*scheduler.json was "
                                           r"complete; it held nothing \(the file does not exist\)"):
        wait_for_json(tmp_path / "scheduler.json", has_address, 60, "the Dask scheduler", process=process)
    assert time.monotonic() - started < 10  # not the whole deadline
