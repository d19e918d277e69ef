"""Error bodies for the JSON API, as RFC 9457 problem details.

Every 4xx names what is wrong; a 422 names every offending field and what it
accepts, so a client can fix all of them in one go. The canned problems live
here so that the API and its OpenAPI examples say the same thing.
"""

from typing import Annotated

from flask import Response, json
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import HTTPException

from triage.core.answers import ALLOWED, AUDIENCES

PROBLEM_JSON = "application/problem+json"


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    problem: str
    allowed: list[str] | None = None


class Problem(BaseModel):
    """An RFC 9457 problem: `detail` says what to change; `errors` names each offending field."""

    model_config = ConfigDict(extra="forbid")

    type: str = "about:blank"
    title: str
    status: Annotated[int, Field(ge=400, le=599)]
    detail: str
    errors: list[FieldProblem] | None = None


# The API's own refusals; the others come from HTTP errors (http_problem).
NOT_JSON = Problem(
    title="Unsupported media type",
    status=415,
    detail="Send the answers as a JSON object with Content-Type: application/json.",
)
MALFORMED_JSON = Problem(title="Malformed JSON", status=400, detail="The request body is not valid JSON (UTF-8).")


def not_utf8(charset: str) -> Problem:
    return Problem(
        title="Unsupported charset",
        status=415,
        detail=f"JSON must be UTF-8; charset={charset} is not accepted. Send Content-Type: application/json (UTF-8).",
    )


def invalid_answers(errors: list[FieldProblem]) -> Problem:
    detail = "Problems with: " + ", ".join(p.field for p in errors) + "."
    return Problem(title="Invalid answers", status=422, detail=detail, errors=errors)


def http_problem(error: HTTPException) -> Problem:
    return Problem(title=error.name, status=error.code or 500, detail=error.description or error.name)


def problem_response(status: int, title: str, detail: str, errors: list[FieldProblem] | None = None) -> Response:
    return problem_body_response(Problem(title=title, status=status, detail=detail, errors=errors))


def problem_body_response(body: Problem) -> Response:
    return Response(json.dumps(body.model_dump(exclude_none=True)), status=body.status, mimetype=PROBLEM_JSON)


def field_problems(error: ValidationError) -> list[FieldProblem]:
    """One entry per offending field, in a wording that says what to send instead."""
    problems: dict[str, FieldProblem] = {}
    for detail in error.errors(include_url=False, include_input=False):
        location = detail["loc"]
        field = ".".join(str(part) for part in location) if location else "(body)"
        allowed = list(ALLOWED.get(field, ())) or (list(AUDIENCES) if field == "audience" else None)
        kind = detail["type"]
        if kind == "missing":
            problem = "is required"
        elif kind == "extra_forbidden":
            problem = "is not a known field"
            allowed = None
        elif kind == "model_type":
            field, problem, allowed = "(body)", "must be a JSON object with the six answers", None
        elif kind == "literal_error":
            problem = "is not one of the allowed values"
        else:
            problem = "must be a string, one of the allowed values"
        problems.setdefault(field, FieldProblem(field=field, problem=problem, allowed=allowed))
    return list(problems.values())
