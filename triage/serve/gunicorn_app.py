"""gunicorn serving an app object built (and validated) before the workers fork."""

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornApp(BaseApplication):
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
