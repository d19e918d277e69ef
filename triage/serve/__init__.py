"""Run the app on a production WSGI server.

The default, granian (a Rust HTTP server) with one worker process per core,
was chosen on the figures in benchmarks/results/servers.md: on the same
machine it serves the app several times faster than gunicorn's sync workers,
mostly because it keeps connections alive and parses HTTP outside Python.
gunicorn and waitress remain available (`--server`); waitress is the default
on Windows, where gunicorn does not run. docs/deployment.md has the figures,
and says what each of the limits below protects.
"""

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

#: Servers `hsg-triage serve --server` accepts.
SERVERS: tuple[str, ...] = ("granian", "gunicorn-sync", "gunicorn-gthread", "waitress")
#: HTTP versions `--http` accepts; only granian speaks HTTP/2.
HTTP_MODES: tuple[str, ...] = ("1", "2", "auto")

#: Seconds a client has to send the request headers (granian, gunicorn, waitress).
HEADER_TIMEOUT = 10
#: Default seconds a client has to send a request body, once its headers are in.
BODY_TIMEOUT = 10
#: Largest request head (request line and headers) accepted, in bytes: the app's
#: URLs and headers are short; a proxy's or browser's take a few KiB at most.
MAX_HEADER_BYTES = 16 * 1024
#: Connections the kernel queues while every worker is busy.
BACKLOG = 1024
#: Seconds a worker that will not stop gracefully (SIGTERM) gets before it is killed.
WORKERS_KILL_TIMEOUT = 3


class ServeError(ValueError):
    """The server cannot start as asked; the message is one line for the operator."""


@dataclass(frozen=True)
class ServeOptions:
    workers: int
    server: str
    threads: int = 1
    http: str = "1"
    body_timeout: float = BODY_TIMEOUT


def default_server() -> str:
    return "waitress" if sys.platform == "win32" else "granian"


def default_workers() -> int:
    # One worker per core: the app is CPU-bound and keeps no state, so more
    # workers than cores only adds context switches (see docs/deployment.md).
    return max(1, os.cpu_count() or 1)


def serve(app: Flask, host: str, port: int, workers: int, server: str | None = None, threads: int = 1,
          http: str = "1", body_timeout: float = BODY_TIMEOUT, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until stopped. `threads`: per worker (gunicorn-gthread), per core (waitress).

    Raises ServeError, before anything listens, when the server is unknown or
    not installed, an option does not apply to it, or the address is unusable.
    """
    from triage.serve.listen import check_address

    options = ServeOptions(workers, server or default_server(), threads, http, body_timeout)
    runner = _RUNNERS.get(options.server)
    if runner is None:
        raise ServeError(f"unknown server {options.server!r}; one of: {', '.join(SERVERS)}")
    if options.http != "1" and options.server != "granian":
        raise ServeError(f"--http {options.http}: only granian speaks HTTP/2; {options.server} serves HTTP/1.1 only")
    if options.threads != 1 and options.server in ("granian", "gunicorn-sync"):
        raise ServeError(f"--threads applies to gunicorn-gthread and waitress; {options.server} runs one app thread per worker")
    if "SCRIPT_NAME" in os.environ:
        # gunicorn reads it, granian and waitress do not: one setting works on every server.
        raise ServeError("SCRIPT_NAME is not read on every server; set HSG_URL_PREFIX (or serve --prefix) instead")
    host = check_address(host, port)
    if on_ready:
        on_ready(host)
    runner(app, host, port, options)


def _serve_granian(app: Flask, host: str, port: int, options: ServeOptions) -> None:
    global _APP
    granian = _import("granian", options.server)
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings, HTTP2Settings

    from triage.serve.rsgi_bridge import RSGIBridge

    _APP = RSGIBridge(app, options.body_timeout)
    granian.Granian(
        "triage:create_app",  # only a label here: _load_app supplies the app
        address=host,
        port=port,
        # RSGI, not granian's WSGI interface: the bridge reads each body in the
        # worker's event loop under a deadline (see rsgi_bridge.py), then runs
        # the app in that loop, one request at a time per worker.
        interface=Interfaces.RSGI,
        workers=options.workers,
        # HTTP/1 only unless asked: cleartext HTTP/2 is rarely needed behind a
        # proxy, and granian's HTTP/2 has had worker-wedging body bugs.
        http={"1": HTTPModes.http1, "2": HTTPModes.http2, "auto": HTTPModes.auto}[options.http],
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_TIMEOUT * 1000, max_buffer_size=MAX_HEADER_BYTES),
        http2_settings=HTTP2Settings(max_headers_size=MAX_HEADER_BYTES, max_concurrent_streams=32),
        backlog=BACKLOG,
        respawn_failed_workers=True,
        workers_kill_timeout=WORKERS_KILL_TIMEOUT,
        websockets=False,
        # No access log by default: URLs carry no answers, but a clinic should
        # choose its own logging. Errors still go to stderr.
        log_access=False,
    ).serve(target_loader=_load_app)


#: The app built (and validated) before the workers start; forked workers inherit it.
_APP = None


def _load_app(_target: str):
    # Where workers are forked (Linux) they use the app built before; where
    # they are spawned (macOS) each builds its own from the same environment.
    if _APP is not None:
        return _APP
    from triage import create_app
    from triage.serve.rsgi_bridge import RSGIBridge

    return RSGIBridge(create_app(), BODY_TIMEOUT)


def _serve_waitress(app: Flask, host: str, port: int, options: ServeOptions) -> None:
    waitress = _import("waitress", options.server)
    # One process: its threads share one interpreter lock, so it uses about
    # one core whatever the thread count (see the figures). waitress reads
    # each body in full before a thread sees the request, so a slow body
    # holds no thread; channel_timeout closes a connection idle that long.
    waitress.serve(app, host=host, port=port, threads=max(4, options.workers * options.threads), ident=None,
                   backlog=BACKLOG, channel_timeout=max(HEADER_TIMEOUT, options.body_timeout),
                   max_request_header_size=MAX_HEADER_BYTES, _quiet=True)


def _serve_gunicorn(app: Flask, host: str, port: int, options: ServeOptions) -> None:
    _import("gunicorn", options.server)
    settings = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": options.workers,
        "backlog": BACKLOG,
        "limit_request_field_size": MAX_HEADER_BYTES,
        # A sync worker that spends this long on one request (a stalled body)
        # is killed and replaced; gthread workers close idle keep-alives.
        "timeout": max(HEADER_TIMEOUT, int(options.body_timeout)),
        "graceful_timeout": WORKERS_KILL_TIMEOUT,
    }
    if options.server == "gunicorn-gthread":
        settings.update(worker_class="gthread", threads=options.threads)
    from triage.serve.gunicorn_app import GunicornApp

    GunicornApp(app, settings).run()


def _import(module: str, server: str):
    try:
        return __import__(module)
    except ImportError:
        raise ServeError(f"--server {server}: {module} is not installed here; install it with "
                         f"`.venv/bin/pip install {module}`") from None


_RUNNERS = {
    "granian": _serve_granian,
    "gunicorn-sync": _serve_gunicorn,
    "gunicorn-gthread": _serve_gunicorn,
    "waitress": _serve_waitress,
}
