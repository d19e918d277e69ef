"""The real `hsg-triage serve` stays available to everyone while a few clients misbehave.

Each test starts the command as an operator would (one worker: the hardest
case, since a wedged worker is then the whole service), points misbehaving
raw-socket clients at it on 127.0.0.1, and checks that normal requests keep
being answered meanwhile. Every client is bounded in time.
"""

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import h2.config
import h2.connection
import h2.events
import pytest
from conftest import EXAMPLES, console_script, free_port

pytestmark = pytest.mark.slow

BODY_TIMEOUT = 2
ANSWERS = json.dumps(EXAMPLES["commonly_recommended"]).encode()


def clean_env(**settings: str) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("HSG_")}, **settings}


@contextmanager
def running(*args: str, env: dict | None = None):
    """`hsg-triage serve` on a free port in its own session; yields (port, process)."""
    port = free_port()
    process = subprocess.Popen([console_script(), "serve", "--port", str(port), "--workers", "1", *args],
                               env=env or clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield port, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        process.stderr.close()


def answered(port: int, timeout: float = 2.0) -> float:
    """Seconds a normal API request takes; fails if it is not answered with 200 in time."""
    started = time.monotonic()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/assessments", data=ANSWERS,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        assert response.status == 200 and b"commonly_recommended" in response.read()
    return time.monotonic() - started


def stalled_body(port: int, declared: int = 200) -> socket.socket:
    """A POST that declares a body and sends one byte of it."""
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    client.sendall(b"POST /api/v1/assessments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n{" % declared)
    return client


def status_of(client: socket.socket) -> int:
    reply = client.recv(4096)
    return int(reply.split(b" ", 2)[1]) if reply else 0


def test_slow_bodies_do_not_stop_normal_requests_and_are_cut_off():
    with running("--body-timeout", str(BODY_TIMEOUT)) as (port, _):
        clients = [stalled_body(port) for _ in range(8)]
        stop = threading.Event()

        def trickle():  # one byte every 0.3 s on every connection, as a slow-loris body would
            while not stop.wait(0.3):
                for client in clients:
                    try:
                        client.send(b" ")
                    except OSError:
                        pass

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        started = time.monotonic()
        try:
            latencies = [answered(port) for _ in range(20)]
            assert max(latencies) < 1.0, latencies
            statuses = [status_of(client) for client in clients]
        finally:
            stop.set()
            thread.join()
            for client in clients:
                client.close()
        assert statuses == [408] * len(clients)
        assert time.monotonic() - started < BODY_TIMEOUT + 2
        assert answered(port) < 1.0


def h2_connection(port: int) -> tuple[socket.socket, h2.connection.H2Connection]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    sock.sendall(connection.data_to_send())
    return sock, connection


def abandon_h2_body(port: int) -> bytes:
    """HTTP/2 with prior knowledge: a POST stream that declares a body, sends one byte and disconnects."""
    sock, connection = h2_connection(port)
    try:
        connection.send_headers(1, [(":method", "POST"), (":path", "/api/v1/assessments"), (":scheme", "http"),
                                    (":authority", f"127.0.0.1:{port}"), ("content-type", "application/json"),
                                    ("content-length", "200")])
        connection.send_data(1, b"{")
        sock.sendall(connection.data_to_send())
        try:
            return sock.recv(65536)
        except TimeoutError:
            return b""
    finally:
        sock.close()


def read(path: str) -> str:
    with open(path) as file:
        return file.read()


def server_pids(process: subprocess.Popen) -> list[int]:
    """The server's main process and its workers."""
    pids = [process.pid]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = int(read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == process.pid:
            pids.append(int(pid))
    return pids


def cpu_seconds(process: subprocess.Popen) -> float:
    total = 0
    for pid in server_pids(process):
        fields = read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def rss_kib(process: subprocess.Popen) -> int:
    total = 0
    for pid in server_pids(process):
        for line in read(f"/proc/{pid}/status").splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def test_http2_is_not_spoken_unless_asked():
    with running() as (port, _):
        reply = abandon_h2_body(port)
        assert not reply.startswith(b"\x00"), "answered with an HTTP/2 frame"
        assert answered(port) < 1.0


def test_abandoned_http2_bodies_wedge_no_worker_when_http2_is_asked_for():
    with running("--http", "auto", "--body-timeout", str(BODY_TIMEOUT)) as (port, process):
        for _ in range(4):
            abandon_h2_body(port)
        before = cpu_seconds(process)
        latencies = [answered(port) for _ in range(20)]
        time.sleep(1)
        assert max(latencies) < 1.0, latencies
        # A wedged worker spins at full CPU; an idle one uses next to none.
        assert cpu_seconds(process) - before < 0.5
        # And HTTP/2 itself works.
        sock, connection = h2_connection(port)
        with sock:
            connection.send_headers(1, [(":method", "GET"), (":path", "/healthz"), (":scheme", "http"),
                                        (":authority", f"127.0.0.1:{port}")], end_stream=True)
            sock.sendall(connection.data_to_send())
            statuses = []
            deadline = time.monotonic() + 3
            while not statuses and time.monotonic() < deadline:
                for event in connection.receive_data(sock.recv(65536)):
                    if isinstance(event, h2.events.ResponseReceived):
                        statuses.append(dict(event.headers)[b":status"])
            assert statuses == [b"200"]


def test_sigterm_during_a_stalled_body_exits_within_seconds():
    with running() as (port, process):
        clients = [stalled_body(port) for _ in range(3)]
        time.sleep(0.3)
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        took = time.monotonic() - started
        for client in clients:
            client.close()
    assert took < 5, f"exited {took:.1f} s after SIGTERM"


def test_unfinished_huge_headers_hold_little_memory_and_huge_headers_are_refused():
    with running() as (port, process):
        baseline = rss_kib(process)
        clients = []
        try:
            for _ in range(300):
                client = socket.create_connection(("127.0.0.1", port), timeout=5)
                client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 60_000)
                clients.append(client)
            time.sleep(0.5)
            held = rss_kib(process) - baseline
            assert answered(port) < 1.0
        finally:
            for client in clients:
                client.close()
        # 300 × 60 KB would be 18 MB if buffered; the 16 KiB head limit closes them first.
        assert held < 8 * 1024, f"{held} KiB held by unfinished headers"
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 20_000 + b"\r\n\r\n")
            assert status_of(client) == 431
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 8_000 + b"\r\n\r\n")
            assert status_of(client) == 200


def chunked_post(port: int, body: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        head = (b"POST /api/v1/assessments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        half = len(body) // 2
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:]))
        client.sendall(head + chunks + b"0\r\n\r\n")
        return status_of(client)


def test_a_chunked_body_at_the_limit_is_accepted_like_a_declared_one():
    padded = ANSWERS + b" " * (8192 - len(ANSWERS))
    with running() as (port, _):
        assert chunked_post(port, padded) == 200
        assert chunked_post(port, padded + b" ") == 413


def test_fhir_assess_does_not_amplify_a_body_of_bad_items():
    items = [{"linkId": f"x{index}", "answer": []} for index in range(2000)]
    body = json.dumps({"resourceType": "QuestionnaireResponse", "questionnaire": "x", "status": "completed",
                       "item": items}).encode()[: 64 * 1024 - 2]
    body = body[: body.rindex(b"},") + 1] + b"]}"
    assert 60_000 < len(body) <= 64 * 1024
    with running() as (port, _):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/fhir/Questionnaire/hsg-indications/$assess",
                                         data=body, headers={"Content-Type": "application/fhir+json"})
        started = time.monotonic()
        try:
            urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 422
            outcome = error.read()
        took = time.monotonic() - started
    assert len(outcome) < 16 * 1024, len(outcome)
    assert took < 0.5
