"""Run the app on a production WSGI server.

The default, granian (a Rust HTTP server) with one worker process per core,
was chosen on the figures in benchmarks/results/servers.md: on the same
machine it serves the app several times faster than gunicorn's sync workers,
mostly because it keeps connections alive and parses HTTP outside Python.
gunicorn and waitress remain available (`--server`); waitress is the default
on Windows, where gunicorn does not run. docs/deployment.md has the figures.
"""

import os
import sys

from flask import Flask

#: Servers `hsg-triage serve --server` accepts.
SERVERS: tuple[str, ...] = ("granian", "gunicorn-sync", "gunicorn-gthread", "waitress")


def default_server() -> str:
    return "waitress" if sys.platform == "win32" else "granian"


def default_workers() -> int:
    # One worker per core: the app is CPU-bound and keeps no state, so more
    # workers than cores only adds context switches (see docs/deployment.md).
    return max(1, os.cpu_count() or 1)


def serve(app: Flask, host: str, port: int, workers: int, server: str | None = None, threads: int = 1) -> None:
    """Serve until stopped. `threads`: per worker (granian, gunicorn-gthread), per core (waitress)."""
    server = server or default_server()
    if server == "granian":
        _serve_granian(app, host, port, workers, threads)
    elif server == "waitress":
        import waitress

        # One process: its threads share one interpreter lock, so it uses
        # about one core whatever the thread count (see the figures).
        waitress.serve(app, host=host, port=port, threads=max(4, workers * threads), ident=None)
    elif server in ("gunicorn-sync", "gunicorn-gthread"):
        options = {"bind": f"{host}:{port}", "workers": workers}
        if server == "gunicorn-gthread":
            options.update(worker_class="gthread", threads=threads)
        _GunicornApp(app, options).run()
    else:
        raise ValueError(f"unknown server {server!r}; one of: {', '.join(SERVERS)}")


#: The app built (and validated) before the workers start; forked workers inherit it.
_APP: Flask | None = None


def _load_app(_target: str) -> Flask:
    # Where workers are forked (Linux) they use the app built before; where
    # they are spawned (macOS) each builds its own from the same environment.
    if _APP is not None:
        return _APP
    from . import create_app

    return create_app()


def _serve_granian(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    global _APP
    from granian import Granian
    from granian.constants import Interfaces

    _APP = app
    Granian(
        "triage:create_app",  # only a label here: _load_app supplies the app
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        # The app is CPU-bound and holds the interpreter lock while it works:
        # one thread per worker is fastest; requests queue in Rust meanwhile.
        blocking_threads=threads,
        respawn_failed_workers=True,
        websockets=False,
        # No access log by default: URLs carry no answers, but a clinic should
        # choose its own logging. Errors still go to stderr.
        log_access=False,
    ).serve(target_loader=_load_app)


try:
    from gunicorn.app.base import BaseApplication
except ImportError:  # pragma: no cover - Windows
    BaseApplication = object


class _GunicornApp(BaseApplication):
    """gunicorn serving an app object built (and validated) before the workers fork."""

    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = {
            "worker_class": "sync",
            "preload_app": True,
            # No access log by default: URLs carry no answers, but a clinic
            # should choose its own logging. Errors still go to stderr.
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            **options,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application
