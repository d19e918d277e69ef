"""Errors: JSON problem details under /api, friendly pages elsewhere, never a traceback."""

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .audience import AUDIENCES
from .problems import problem_response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _audience() -> str:
    value = request.args.get("audience")
    return value if value in AUDIENCES else "patient"


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if _wants_json():
            response = problem_response(error.code or 500, error.name, error.description or error.name)
        else:
            response = app.make_response(
                (render_template("error.html", error=error, audience=_audience()), error.code)
            )
        if error.code == 405 and (allowed := error.get_response().headers.get("Allow")):
            response.headers["Allow"] = allowed
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Logged with its traceback for the operator; the visitor sees a plain
        # page. Request bodies (the answers) are never part of the log record.
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return _http_error(InternalServerError())
