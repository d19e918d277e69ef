"""The JSON API (contract: PRODUCT.md, Interfaces).

The request and response models here, with engine.Assessment and
problems.Problem, are the single source of the OpenAPI document (openapi.py).
"""

import json

from flask import Blueprint, current_app, request
from pydantic import BaseModel, ConfigDict, ValidationError

from .answers import Answers, Audience
from .audience import audience_from_query
from .problems import (
    MALFORMED_JSON,
    NOT_JSON,
    FieldProblem,
    field_problems,
    invalid_answers,
    not_utf8,
    problem_body_response,
)
from .ruleset import Condition, GuidelineSource, RuleId, Source, Strength

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: JSON is UTF-8 (RFC 8259 §8.1); a body declared in another charset would be misread.
_UTF8 = {"utf-8", "utf8"}


class AssessmentRequest(Answers):
    """The six answers, plus the register the wording should be in."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    audience: Audience = "patient"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSummary(_Out):
    id: str
    strength: Strength
    title: str
    #: The rule matches when any one of these conditions holds; a condition
    #: holds when every named field has one of the listed values.
    when: list[Condition]
    source: Source


class EscalationSummary(_Out):
    id: str
    title: str
    #: As for indications: any one condition; every named field in it.
    when: list[Condition]
    #: Indication ids whose match makes the escalation moot.
    unless_matched: list[RuleId]
    source: GuidelineSource


class RuleSetResponse(_Out):
    """The rule set in use: what it is, its version and content hash, and its indications."""

    name: str
    version: str
    hash: str
    source: str
    age_note: str
    indications: list[RuleSummary]
    #: Named guidelines that may make the advice more cautious, never less (rule set 1.1).
    escalations: list[EscalationSummary]


@bp.post("/assessments")
def create_assessment():
    if request.mimetype != "application/json":
        return problem_body_response(NOT_JSON)
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.lower() not in _UTF8:
        return problem_body_response(not_utf8(charset))
    body = request.get_data(cache=False)  # raises 413 above MAX_CONTENT_LENGTH
    try:
        payload = AssessmentRequest.model_validate_json(body)
    except ValidationError as error:
        if any(detail["type"] == "json_invalid" for detail in error.errors()):
            return problem_body_response(MALFORMED_JSON)
        return problem_body_response(invalid_answers(field_problems(error)))
    if repeated := _repeated_fields(body, payload):
        # The JSON parser keeps the last of two equal keys; which answer was
        # meant is unknowable, so refuse rather than guess.
        return problem_body_response(
            invalid_answers([FieldProblem(field=field, problem="is given more than once") for field in repeated])
        )
    # An AssessmentRequest is Answers plus the audience: already validated, so
    # the engine takes it as it is rather than validating a copy again.
    assessment = current_app.extensions["hsg_engine"].assess(payload, payload.audience)
    return current_app.response_class(assessment.model_dump_json(), mimetype="application/json")


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
        rule_set_response(audience_from_query(request.args)).model_dump_json(),
        mimetype="application/json",
    )


def rule_set_response(audience: Audience) -> RuleSetResponse:
    rules = current_app.extensions["hsg"].rules
    return RuleSetResponse(
        name=rules.rule_set.name,
        version=rules.version,
        hash=rules.content_hash,
        source=rules.rule_set.source,
        age_note=rules.rule_set.age_note,
        indications=[
            RuleSummary(
                id=indication.id,
                strength=indication.strength,
                title=indication.wording(audience).title,
                when=indication.when,
                source=indication.source,
            )
            for indication in rules.indications
        ],
        escalations=[
            EscalationSummary(
                id=escalation.id,
                title=escalation.wording(audience).title,
                when=escalation.when,
                unless_matched=escalation.unless_matched,
                source=escalation.source,
            )
            for escalation in rules.escalations
        ],
    )


@bp.get("/openapi.json")
def openapi_document():
    from .openapi import document

    return current_app.response_class(document(current_app, request.script_root), mimetype="application/json")
