"""Errors: JSON problem details under /api, friendly pages elsewhere, never a traceback."""

import traceback

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from triage.web.audience import audience_or_default
from triage.web.problems import http_problem, problem_body_response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def redacted_traceback(error: BaseException) -> str:
    """Where it failed (frames and exception types), without any exception's message.

    Messages can quote the data that caused them (pydantic's `input_value=`,
    a KeyError's key), and that data may be someone's answers, which must
    never reach a log. Frames show code, not values.
    """
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append("".join(traceback.format_tb(error.__traceback__)) + type(error).__qualname__ + " (message withheld)")
        error = error.__cause__ or error.__context__
    return "\nwhile handling or caused by:\n".join(reversed(parts))


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if _wants_json():
            response = problem_body_response(http_problem(error))
        else:
            response = app.make_response(
                (render_template("error.html", error=error, audience=audience_or_default(request.args)), error.code)
            )
        if error.code == 405 and (allowed := error.get_response().headers.get("Allow")):
            response.headers["Allow"] = allowed
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Logged for the operator; the visitor sees a plain page. Neither the
        # request body nor the exception's message is logged (see above).
        app.logger.error("unexpected error on %s %s\n%s", request.method, request.path, redacted_traceback(error))
        return _http_error(InternalServerError())
