"""The WSGI app behind granian's RSGI interface, with a deadline on reading request bodies.

granian's own WSGI interface hands the request to a Python thread before the
body has arrived, and that thread then blocks in `wsgi.input.read()` for as
long as the client likes: a few clients sending one byte a second stop every
worker, and no timeout of granian's covers it (it has one for headers only).
Here the body is read in the worker's event loop, without holding a thread,
under a deadline and a size cap; only a complete body reaches the app, which
then runs synchronously in the loop (the app is CPU-bound, so this is the
same as granian's one thread per worker).

A body that is not complete by the deadline gets `408` and the connection is
closed; one that breaks off (the client went away, an HTTP/2 stream was
reset) gets `400`. A body larger than the cap is not read further: the app sees the
bytes read so far, more than any of its limits, and answers its own `413`.
"""

import asyncio
import sys
from collections.abc import Callable
from io import BytesIO

#: Request bodies above this are never buffered whole: above every limit the
#: app sets (the largest, CDS Hooks, is 256 KiB), so the app answers 413.
MAX_BUFFERED_BODY = 256 * 1024 + 1

_REFUSAL_HEADERS = [
    ("content-type", "text/plain; charset=utf-8"),
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
]
_TIMEOUT_BODY = b"Request Timeout: the request body did not arrive in time.\n"
_INCOMPLETE_BODY = b"Bad Request: the request body ended before its declared length.\n"


class RSGIBridge:
    def __init__(self, wsgi_app: Callable, body_timeout: float):
        self.wsgi_app = wsgi_app
        self.body_timeout = body_timeout

    async def __rsgi__(self, scope, protocol) -> None:
        if scope.proto != "http":  # websockets are turned off in serve.py; refuse anything else
            return
        headers = scope.headers
        # HTTP/2 forbids a Connection header; a refused body ends its stream only.
        refusal_headers = _REFUSAL_HEADERS + ([] if scope.http_version == "2" else [("connection", "close")])
        body = b""
        if "content-length" in headers or "transfer-encoding" in headers:
            try:
                body = await asyncio.wait_for(_read_body(protocol), self.body_timeout)
            except TimeoutError:
                protocol.response_bytes(408, refusal_headers, _TIMEOUT_BODY)
                return
            declared = headers.get("content-length", "")
            if declared.isdigit() and len(body) < min(int(declared), MAX_BUFFERED_BODY):
                protocol.response_bytes(400, refusal_headers, _INCOMPLETE_BODY)
                return
        status, response_headers, content = self._call_app(scope, body)
        protocol.response_bytes(status, response_headers, content)

    def _call_app(self, scope, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        started: list = []

        def start_response(status: str, response_headers: list, exc_info=None):
            started[:] = [int(status.split(" ", 1)[0]), response_headers]

        result = self.wsgi_app(_environ(scope, body), start_response)
        try:
            # The app's responses are small (pages of a few KiB, two static
            # assets): joined, they go out in one write.
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return started[0], started[1], content


async def _read_body(protocol) -> bytes:
    chunks, size = [], 0
    async for chunk in protocol:
        if not chunk:
            # granian yields empty chunks, without end, for a body whose
            # stream broke (an HTTP/2 stream reset or abandoned mid-body).
            break
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BUFFERED_BODY:
            break
    return b"".join(chunks)


def _environ(scope, body: bytes) -> dict:
    """A PEP 3333 environ, built as granian's WSGI interface builds it."""
    server_host, _, server_port = scope.server.rpartition(":")
    client_host, _, client_port = scope.client.rpartition(":")
    headers = scope.headers
    environ = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        # RSGI gives the percent-decoded path as text; WSGI wants its bytes as latin-1.
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_host.strip("[]"),
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": "HTTP/2" if scope.http_version == "2" else f"HTTP/{scope.http_version}",
        "SERVER_SOFTWARE": "granian",
        "REMOTE_ADDR": client_host.strip("[]"),
        "REMOTE_PORT": client_port,
        # The body is complete, so its length is known even if it came chunked.
        "CONTENT_LENGTH": str(len(body)) if body or "content-length" in headers else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if not environ["CONTENT_LENGTH"]:
        del environ["CONTENT_LENGTH"]
    for name in headers.keys():
        if name in ("content-length", "transfer-encoding"):
            continue  # replaced by the length of the body read above
        if "_" in name:
            # `X_Forwarded_Prefix` would become the same key as the `X-Forwarded-Prefix` a proxy
            # sets, and override it: dropped, as nginx, gunicorn and waitress drop such names.
            continue
        values = headers.get_all(name)
        if name == "content-type":
            environ["CONTENT_TYPE"] = values[0] if values else ""
            continue
        key = "HTTP_" + name.upper().replace("-", "_")
        environ[key] = ("; " if name == "cookie" else ",").join(values)
    if "HTTP_HOST" not in environ and scope.authority:
        environ["HTTP_HOST"] = scope.authority  # HTTP/2 carries the host as :authority
    return environ
