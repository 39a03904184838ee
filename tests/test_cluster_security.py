"""The portfolio's Dask cluster is its owner's alone (issue 20, F7 and F8): the local cluster talks
TLS with a certificate made for it, so another process on the machine can neither connect nor run
code in its workers, and its dashboard listens on 127.0.0.1 only."""

from __future__ import annotations

import socket
import subprocess
import sys
from urllib.parse import urlsplit

import psutil
import pytest

from evalreport.pipeline.portfolio import Cluster

INTRUDER = """
import sys
from distributed import Client
try:
    client = Client(sys.argv[1], timeout="10s")
    print("RAN", client.run(lambda: 42))
except Exception as exc:
    print("REFUSED", type(exc).__name__)
"""


@pytest.fixture(scope="module")
def cluster():
    with Cluster(workers=1) as running:
        yield running


def test_another_process_cannot_connect_or_run_code(cluster):
    address = cluster.client.scheduler.address
    assert address.startswith("tls://127.0.0.1:")
    port = address.rsplit(":", 1)[1]
    for attempt in (address, f"tcp://127.0.0.1:{port}"):
        done = subprocess.run([sys.executable, "-c", INTRUDER, attempt], capture_output=True, text=True, timeout=120)
        assert "RAN" not in done.stdout and "REFUSED" in done.stdout, (attempt, done.stdout, done.stderr[-2000:])
    assert cluster.client.run(lambda: 42)  # the owner still can


def test_the_dashboard_listens_on_loopback_only(cluster):
    port = urlsplit(cluster.dashboard).port
    listening = [c for c in psutil.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN and c.laddr.port == port]
    assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening), listening
    outside = [a.address for addresses in psutil.net_if_addrs().values() for a in addresses
               if a.family == socket.AF_INET and not a.address.startswith("127.")]
    for ip in outside:
        with pytest.raises(OSError):
            socket.create_connection((ip, port), timeout=5).close()
