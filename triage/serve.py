"""Run the app on a production WSGI server: gunicorn, or waitress on Windows."""

import os
import sys

from flask import Flask


def default_workers() -> int:
    # One worker per core: the app is CPU-bound and keeps no state, so more
    # workers than cores only adds context switches (see docs/deployment.md).
    return max(1, os.cpu_count() or 1)


def serve(app: Flask, host: str, port: int, workers: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - gunicorn does not run on Windows
        import waitress

        waitress.serve(app, host=host, port=port, threads=max(4, workers * 4))
        return
    _GunicornApp(app, {"bind": f"{host}:{port}", "workers": workers}).run()


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
