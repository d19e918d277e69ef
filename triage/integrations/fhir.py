"""FHIR R4 endpoints: the Questionnaire, assessing a QuestionnaireResponse for it, and the conformance resources.

Errors are OperationOutcomes (application/fhir+json) naming the linkId at
fault, so that a record system's integration log says what to fix. A success
is the assessment itself, the same JSON body as POST /api/v1/assessments.
"""

import json

from flask import Blueprint, Response, current_app, request
from pydantic_core import from_json
from werkzeug.exceptions import HTTPException

from triage.integrations.fhir_conformance import (
    ASSESS_ID,
    assess_operation,
    capability_statement,
    code_systems,
    value_sets,
)
from triage.integrations.fhir_questionnaire import (
    QUESTIONNAIRE_ID,
    Issue,
    UnreadableResponse,
    build_questionnaire,
    read_response,
)
from triage.integrations.http import (
    ALL_METHODS,
    allow_cross_origin,
    allowed_methods,
    limit_body,
)
from triage.integrations.text import diagnostic
from triage.web.audience import audience_from_query
from triage.web.i18n import language, localised

FHIR_JSON = "application/fhir+json"
#: A QuestionnaireResponse of six answers is about 2 KiB; record systems add
#: narrative, identifiers and extensions, so allow well beyond the app's 8 KiB.
MAX_BODY_BYTES = 64 * 1024

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
allow_cross_origin(bp)
limit_body(bp, MAX_BODY_BYTES)


def fhir_response(resource: dict, status: int = 200) -> Response:
    # Plain json.dumps keeps `resourceType` first, as FHIR JSON is usually read.
    return Response(json.dumps(resource, ensure_ascii=False), status=status, mimetype=FHIR_JSON)


def operation_outcome(status: int, issues: list[Issue]) -> Response:
    return fhir_response(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": issue.code,
                    "diagnostics": issue.diagnostics,
                    **({"expression": [issue.expression]} if issue.expression else {}),
                }
                for issue in issues
            ],
        },
        status,
    )


@bp.get(f"/Questionnaire/{QUESTIONNAIRE_ID}")
def questionnaire():
    return fhir_response(build_questionnaire(language(), localised().notice))


@bp.get("/metadata")
def metadata():
    return fhir_response(capability_statement(language()))


@bp.get(f"/OperationDefinition/{ASSESS_ID}")
def operation_definition():
    return fhir_response(assess_operation(language()))


@bp.get("/CodeSystem/<system_id>")
def code_system_resource(system_id: str):
    return _published(code_systems(language()), system_id)


@bp.get("/ValueSet/<system_id>")
def value_set_resource(system_id: str):
    return _published(value_sets(language()), system_id)


def _published(resources: dict[str, dict], resource_id: str) -> Response:
    if resource_id not in resources:
        return operation_outcome(404, [Issue("not-found", diagnostic("not_found"))])
    return fhir_response(resources[resource_id])


@bp.post(f"/Questionnaire/{QUESTIONNAIRE_ID}/$assess")
def assess():
    audience = audience_from_query(request.args)
    if request.mimetype not in (FHIR_JSON, "application/json"):
        media_type = request.mimetype or "(none)"
        return operation_outcome(415, [Issue("not-supported", diagnostic("not_supported_media_type", media_type=media_type))])
    try:
        resource = from_json(request.get_data(cache=False))  # 413 above MAX_BODY_BYTES
    except ValueError:
        return operation_outcome(400, [Issue("structure", diagnostic("not_json"))])
    try:
        answers = read_response(resource)
    except UnreadableResponse as unreadable:
        return operation_outcome(unreadable.status, unreadable.issues)
    # Like the JSON API: wording in the request's language, quotes and guideline names as published.
    domain = localised()
    assessment = domain.engine.assess(answers, audience)
    return current_app.response_class(domain.to_json(assessment, audience), mimetype="application/json")


@bp.route("/", defaults={"rest": ""}, methods=ALL_METHODS, strict_slashes=False)
@bp.route("/<path:rest>", methods=ALL_METHODS)
def elsewhere(rest: str):
    """Anything else under /fhir answers in FHIR too, not with the site's HTML error page."""
    if allowed := allowed_methods():
        response = operation_outcome(405, [Issue("not-supported", diagnostic("method_not_allowed", allowed=", ".join(allowed)))])
        response.headers["Allow"] = ", ".join([*allowed, "OPTIONS"])
        return response
    return operation_outcome(404, [Issue("not-found", diagnostic("not_found"))])


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if error.code == 413:
        return operation_outcome(413, [Issue("too-long", diagnostic("too_large"))])
    code = "value" if error.code == 400 else "processing"
    return operation_outcome(error.code or 400, [Issue(code, error.description or error.name)])
