"""Error bodies for the JSON API, as RFC 9457 problem details.

Every 4xx names what is wrong; a 422 names every offending field and what it
accepts, so a client can fix all of them in one go.
"""

from flask import Response, json
from pydantic import BaseModel, ConfigDict, ValidationError

from .answers import ALLOWED

PROBLEM_JSON = "application/problem+json"


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    problem: str
    allowed: list[str] | None = None


class Problem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


def problem_response(status: int, title: str, detail: str, errors: list[FieldProblem] | None = None) -> Response:
    body = Problem(title=title, status=status, detail=detail, errors=errors)
    return Response(
        json.dumps(body.model_dump(exclude_none=True)),
        status=status,
        mimetype=PROBLEM_JSON,
    )


def field_problems(error: ValidationError) -> list[FieldProblem]:
    """One entry per offending field, in a wording that says what to send instead."""
    problems: dict[str, FieldProblem] = {}
    for detail in error.errors(include_url=False, include_input=False):
        location = detail["loc"]
        field = ".".join(str(part) for part in location) if location else "(body)"
        allowed = list(ALLOWED.get(field, ())) or (["patient", "clinician"] if field == "audience" else None)
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
