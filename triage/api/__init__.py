"""The JSON API (POST /api/v1/assessments, GET /api/v1/rules) and its OpenAPI document."""

from flask import Flask


def init_app(app: Flask) -> None:
    from triage.api import routes

    app.register_blueprint(routes.bp)
