"""The JSON API (contract: PRODUCT.md, Interfaces). Its models are in models.py."""

import json

from flask import Blueprint, current_app, request
from pydantic import ValidationError

from triage.api.models import AssessmentRequest, CodeProblem, request_from_code, rule_set_response
from triage.api.openapi import document
from triage.state import hsg
from triage.web.audience import audience_from_query
from triage.web.problems import (
    MALFORMED_JSON,
    NOT_JSON,
    FieldProblem,
    field_problems,
    invalid_answers,
    not_utf8,
    problem_body_response,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: JSON is UTF-8 (RFC 8259 §8.1); a body declared in another charset would be misread.
_UTF8 = {"utf-8", "utf8"}


@bp.post("/assessments")
def create_assessment():
    if request.mimetype != "application/json":
        return problem_body_response(NOT_JSON)
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.lower() not in _UTF8:
        return problem_body_response(not_utf8(charset))
    body = request.get_data(cache=False)  # raises 413 above MAX_CONTENT_LENGTH
    try:
        if b'"answer_code"' in body:
            payload = request_from_code(body, hsg().settings.rules.major)
        else:
            payload = AssessmentRequest.model_validate_json(body)
    except ValidationError as error:
        if any(detail["type"] == "json_invalid" for detail in error.errors()):
            return problem_body_response(MALFORMED_JSON)
        return problem_body_response(invalid_answers(field_problems(error)))
    except CodeProblem as problem:
        return problem_body_response(invalid_answers([problem.field_problem]))
    if repeated := _repeated_fields(body, payload):
        # The JSON parser keeps the last of two equal keys; which answer was
        # meant is unknowable, so refuse rather than guess.
        return problem_body_response(
            invalid_answers([FieldProblem(field=field, problem="is given more than once") for field in repeated])
        )
    # An AssessmentRequest is Answers plus the audience: already validated, so
    # the engine takes it as it is rather than validating a copy again.
    domain = hsg().localised(payload.language)
    assessment = domain.engine.assess(payload, payload.audience)
    return current_app.response_class(domain.to_json(assessment, payload.audience), mimetype="application/json")


def _repeated_fields(body: bytes, payload: AssessmentRequest) -> list[str]:
    """Keys given twice in a body that validated.

    Such a body is a flat object whose keys are known fields and whose values
    are allowed answers, none containing a quote: each pair has exactly four
    quote characters, so counting them finds a repeat without parsing again.
    """
    if body.count(b'"') == 4 * len(payload.model_fields_set):
        return []
    seen: list[str] = []
    json.loads(body, object_pairs_hook=lambda pairs: seen.extend(key for key, _ in pairs))
    return sorted({key for key in seen if seen.count(key) > 1})


@bp.get("/rules")
def rule_set():
    return current_app.response_class(
        rule_set_response(hsg().settings.rules, audience_from_query(request.args)).model_dump_json(),
        mimetype="application/json",
    )


@bp.get("/openapi.json")
def openapi_document():
    return current_app.response_class(document(current_app, request.script_root), mimetype="application/json")
