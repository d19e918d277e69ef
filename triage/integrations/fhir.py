"""FHIR R4 endpoints: the Questionnaire, assessing a QuestionnaireResponse for it, and the conformance resources.

Errors are OperationOutcomes (application/fhir+json) naming the linkId at
fault, so that a record system's integration log says what to fix. A success
of $assess is a Parameters resource carrying the assessment, the same JSON as
POST /api/v1/assessments, and its key facts typed; a client that asks for
application/json gets that JSON itself. FHIR JSON is the only format: a client
that asks for XML (`_format` or Accept) gets a 406, never JSON it cannot read.
"""

import json

from flask import Blueprint, Response, current_app, request
from pydantic_core import from_json
from werkzeug.exceptions import HTTPException

from triage.core.answers import AUDIENCES
from triage.core.engine import Assessment
from triage.core.localised import Localised
from triage.integrations.fhir_conformance import (
    ASSESS_ID,
    assess_operation,
    capability_statement,
    code_systems,
    value_sets,
)
from triage.integrations.fhir_questionnaire import (
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_URL,
    Issue,
    UnreadableResponse,
    build_questionnaire,
    questionnaire_version,
    read_response,
)
from triage.integrations.http import (
    ALL_METHODS,
    allow_cross_origin,
    allowed_methods,
    limit_body,
)
from triage.integrations.text import diagnostic
from triage.state import hsg
from triage.web.audience import audience_from_query
from triage.web.i18n import language, localised
from triage.web.public_url import absolute_url_for

FHIR_JSON = "application/fhir+json"
#: `_format` values that mean FHIR JSON (R4 http.html#mime-type); any other (xml, ttl, html...) is a 406.
JSON_FORMATS = {"json", "application/json", FHIR_JSON, "application/json+fhir", "text/json"}
#: $assess's `in` parameter that holds the QuestionnaireResponse in a Parameters body (the OperationDefinition's).
RESPONSE_PARAMETER = "response"
AUDIENCE_PARAMETER = "audience"
#: A QuestionnaireResponse of six answers is about 2 KiB; record systems add
#: narrative, identifiers and extensions, so allow well beyond the app's 8 KiB.
MAX_BODY_BYTES = 64 * 1024

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
allow_cross_origin(bp)
limit_body(bp, MAX_BODY_BYTES)


@bp.before_request
def _only_json():
    if request.method != "OPTIONS" and not _json_acceptable():
        return operation_outcome(406, [Issue("not-supported", diagnostic("not_acceptable"))])


def _json_acceptable() -> bool:
    """`_format` decides when given (as FHIR says), else Accept: XML alone, or nothing JSON at all, is refused."""
    if (asked := request.args.get("_format")) is not None:
        # An unencoded `+` in a query string reads as a space.
        return asked.split(";", 1)[0].strip().replace(" ", "+").lower() in JSON_FORMATS
    return not request.accept_mimetypes or request.accept_mimetypes.best_match([FHIR_JSON, "application/json"]) is not None


def _plain_json_wanted() -> bool:
    """Accept prefers application/json to FHIR JSON, and no `_format` says otherwise: the JSON API's body itself."""
    return "_format" not in request.args and bool(request.accept_mimetypes) and \
        request.accept_mimetypes.best_match([FHIR_JSON, "application/json"]) == "application/json"


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


def _questionnaire() -> dict:
    return build_questionnaire(language(), localised().notice, hsg().settings.rules.content_hash)


@bp.get(f"/Questionnaire/{QUESTIONNAIRE_ID}")
def questionnaire():
    return fhir_response(_questionnaire())


@bp.get("/Questionnaire")
def questionnaire_search():
    """Search by canonical: `url` (a `url|version` is split, as some clients send it) and `version`.
    Other parameters are not filters here, so they are ignored, as FHIR allows."""
    url, _, piped_version = request.args.get("url", QUESTIONNAIRE_URL).partition("|")
    wanted_version = request.args.get("version") or piped_version
    found = url == QUESTIONNAIRE_URL and wanted_version in ("", questionnaire_version())
    return fhir_response({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": int(found),
        "entry": [{"fullUrl": absolute_url_for("fhir.questionnaire"), "resource": _questionnaire(),
                   "search": {"mode": "match"}}] if found else [],
    })


@bp.get("/metadata")
def metadata():
    return fhir_response(capability_statement(language(), questionnaire_version()))


@bp.get(f"/OperationDefinition/{ASSESS_ID}")
def operation_definition():
    return fhir_response(assess_operation(language(), questionnaire_version()))


@bp.get("/CodeSystem/<system_id>")
def code_system_resource(system_id: str):
    return _published(code_systems(language(), questionnaire_version()), system_id)


@bp.get("/ValueSet/<system_id>")
def value_set_resource(system_id: str):
    return _published(value_sets(language(), questionnaire_version()), system_id)


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
        if isinstance(resource, dict) and resource.get("resourceType") == "Parameters":
            resource, audience = _from_parameters(resource, audience)
        answers = read_response(resource)
    except UnreadableResponse as unreadable:
        return operation_outcome(unreadable.status, unreadable.issues)
    # Like the JSON API: wording in the request's language, quotes and guideline names as published.
    domain = localised()
    assessment = domain.engine.assess(answers, audience)
    body = domain.to_json(assessment, audience)
    if _plain_json_wanted():
        return current_app.response_class(body, mimetype="application/json")
    return fhir_response(_assess_parameters(assessment, body, domain))


def _from_parameters(parameters: dict, audience: str) -> tuple[object, str]:
    """The QuestionnaireResponse in `response`, and `audience` if given (agreeing with any ?audience=).
    Strict like the rest: a missing or repeated `response`, or any other parameter, is refused."""
    entries = parameters.get("parameter")
    entries = entries if isinstance(entries, list) else []
    named = [entry for entry in entries if isinstance(entry, dict)]
    responses = [entry for entry in named if entry.get("name") == RESPONSE_PARAMETER and "resource" in entry]
    audiences = [entry.get("valueCode") for entry in named if entry.get("name") == AUDIENCE_PARAMETER]
    wrong = Issue("structure", diagnostic("not_parameters_response"), "Parameters.parameter")
    if len(responses) != 1 or len(audiences) > 1 or len(named) != len(entries) or \
            len(named) != len(responses) + len(audiences):
        raise UnreadableResponse(400, [wrong])
    if audiences:
        asked = audiences[0]
        if asked not in AUDIENCES or ("audience" in request.args and asked != audience):
            raise UnreadableResponse(400, [Issue("value", diagnostic("not_parameters_response"),
                                                 "Parameters.parameter.where(name='audience')")])
        audience = asked
    return responses[0]["resource"], audience


def _assess_parameters(assessment: Assessment, body: str, domain: Localised) -> dict:
    """$assess's out parameters, as its OperationDefinition lists them (fhir_conformance.ASSESS_OUT)."""
    facts = [
        {"name": "outcome", "valueCode": assessment.outcome},
        {"name": "next-step-timing", "valueCode": assessment.next_step.timing},
        {"name": "answer-code", "valueString": assessment.answer_code},
        {"name": "rules-version", "valueString": assessment.rules_version},
    ]
    if (state := domain.translation) is not None:
        facts.append({"name": "translation-reviewed", "valueBoolean": state.reviewed})
    return {"resourceType": "Parameters", "parameter": [*facts, {"name": "assessment", "valueString": body}]}


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
