"""The real `hsg-triage serve` under hostile clients and proxies (issue 26).

What a client may set behind a trusted proxy, and what every answer carries, checked against the
command an operator runs: granian (the default) through the RSGI bridge, where the server's own
header handling is ours. Raw-socket clients on 127.0.0.1, each bounded in time.
"""

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager

import pytest
from conftest import console_script, free_port

pytestmark = pytest.mark.slow


@contextmanager
def serving(**settings: str):
    """`hsg-triage serve` (one worker) with `settings`; yields (port, stderr lines read after it stops)."""
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("HSG_")}, **settings}
    process = subprocess.Popen([console_script(), "serve", "--port", str(port), "--workers", "1"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    logged: list[str] = []
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
        yield port, logged
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
        logged.extend(stderr.decode().splitlines())


def raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request sent as bytes, exactly; the status, headers (lower-case names) and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(request)
        reply = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            chunk = client.recv(65536)
            if not chunk:
                break
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return int(status_line.split(" ", 2)[1]), headers, body


def get(port: int, path: str, *header_lines: str) -> tuple[int, dict[str, str], bytes]:
    extra = "".join(f"{line}\r\n" for line in header_lines)
    return raw(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode())


def test_underscored_header_names_cannot_override_the_proxys():
    """`X_Forwarded_Prefix` and `X_Forwarded_Host` mapped onto the proxy's keys: a client could override them."""
    with serving(HSG_TRUSTED_PROXIES="1") as (port, _):
        status, _, page = get(port, "/", "X-Forwarded-Prefix: /tools", "X_Forwarded_Prefix: /evil",
                              "X_Forwarded_Host: evil.example", "X-Forwarded-Host: intranet.example")
        assert status == 200
        assert b'href="/tools/rules' in page and b"/evil" not in page and b"evil.example" not in page
        # Alone, an underscored name is not read at all.
        status, _, page = get(port, "/", "X_Forwarded_Prefix: /evil")
        assert status == 200 and b'href="/rules' in page and b"/evil" not in page


def test_a_forwarded_scheme_is_http_or_https_only():
    body = json.dumps({"hook": "order-select", "hookInstance": str(uuid.uuid4()), "context": {}}).encode()
    with serving(HSG_TRUSTED_PROXIES="1") as (port, _):
        for scheme, expected in (("javascript", 400), ("https", 200)):
            status, _, answer = raw(port, b"POST /cds-services/hsg-indications HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    b"X-Forwarded-Proto: %s\r\nContent-Type: application/json\r\n"
                                    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                                    % (scheme.encode(), len(body), body))
            assert status == expected, (scheme, answer)
            assert b"javascript:" not in answer


def test_every_answer_of_the_mount_carries_every_security_header():
    """The 404 outside the prefix, the 308 into it and the 400 for a bad prefix had nosniff alone."""
    with serving(HSG_URL_PREFIX="/hsg", HSG_TRUSTED_PROXIES="1") as (port, _):
        answers = {
            404: get(port, "/elsewhere"),
            308: get(port, "/hsg"),
            400: get(port, "/hsg/", "X-Forwarded-Prefix: //evil.example"),
        }
        for expected, (status, headers, _) in answers.items():
            assert status == expected
            assert "default-src 'none'" in headers["content-security-policy"], (status, headers)
            assert headers["referrer-policy"] == "no-referrer" and headers["x-content-type-options"] == "nosniff"
            assert headers["cache-control"] == "no-store"


def test_a_long_or_invalid_forwarded_prefix_is_refused_and_not_kept():
    with serving(HSG_TRUSTED_PROXIES="1") as (port, _):
        for prefix in ("/" + "a" * 256, "/a b", "/a/../b", "//evil.example"):
            status, _, _ = get(port, "/", f"X-Forwarded-Prefix: {prefix}")
            assert status == 400, prefix
        assert get(port, "/", "X-Forwarded-Prefix: /" + "a" * 255)[0] == 200


def test_feedback_is_logged_once_per_entry():
    """Each entry was logged twice: the JSON line, and again in Flask's format."""
    entry = {"card": str(uuid.uuid4()), "outcome": "accepted", "outcomeTimestamp": "2025-03-01T09:31:00Z"}
    body = json.dumps({"feedback": [entry, entry, entry]}).encode()
    with serving() as (port, logged):
        status, _, _ = raw(port, b"POST /cds-services/hsg-indications/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                           % (len(body), body))
        assert status == 200
    mentions = [line for line in logged if "cds_feedback" in line]
    assert len(mentions) == 3 and all(json.loads(line)["outcome"] == "accepted" for line in mentions), logged
