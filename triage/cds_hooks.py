"""CDS Hooks 2.0: discovery, and one service on the `order-select` hook.

The service reads only the prefetched QuestionnaireResponse. It never calls
the record system's FHIR server, so it needs no access token and holds none;
`fhirServer`, `fhirAuthorization` and every identifier in `context` are
parsed away unread, never stored and never logged.
"""

import json
from typing import Any, Literal
from uuid import uuid4

from flask import Blueprint, Response, current_app, render_template, request
from pydantic import BaseModel, ConfigDict, ValidationError
from werkzeug.exceptions import HTTPException

from .fhir_questionnaire import QUESTIONNAIRE_URL, UnreadableResponse, read_response
from .integration_http import ALL_METHODS, allow_cross_origin, allowed_methods, limit_body
from .integration_text import integration_text
from .problems import FieldProblem, problem_response
from .public_url import absolute_url_for

SERVICE_ID = "hsg-indications"
HOOK = "order-select"
PREFETCH_KEY = "questionnaireResponse"
#: The patient's latest response to our Questionnaire. Uses only what CDS
#: Hooks recommends for prefetch: a reference, `_sort` and `_count`.
PREFETCH_QUERY = (
    f"QuestionnaireResponse?questionnaire={QUESTIONNAIRE_URL}"
    "&patient={{context.patientId}}&_sort=-authored&_count=1"
)
#: order-select carries the draft orders as a FHIR Bundle, which can be far
#: larger than the app-wide 8 KiB limit; a response prefetch adds ~2 KiB.
MAX_BODY_BYTES = 256 * 1024

bp = Blueprint("cds_hooks", __name__, url_prefix="/cds-services")
allow_cross_origin(bp)
limit_body(bp, MAX_BODY_BYTES)


def _json(body: dict) -> Response:
    # Unsorted, unlike Flask's default, so fields read in the specification's order.
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


class HookRequest(BaseModel):
    # `extra="ignore"` drops fhirServer, fhirAuthorization and extensions
    # without reading them; `context` is required by the specification but
    # this service uses nothing in it.
    model_config = ConfigDict(extra="ignore", strict=True)

    hook: Literal["order-select"]
    hookInstance: str
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None


@bp.get("")
def discovery():
    text = integration_text()["cds_service"]
    return _json({
        "services": [
            {
                "hook": HOOK,
                "title": text["title"],
                "description": text["description"],
                "id": SERVICE_ID,
                "prefetch": {PREFETCH_KEY: PREFETCH_QUERY},
            }
        ]
    })


@bp.post(f"/{SERVICE_ID}")
def service():
    if request.mimetype != "application/json":
        return problem_response(415, "Unsupported media type", "Send the hook request as JSON with Content-Type: application/json.")
    try:
        hook_request = HookRequest.model_validate_json(request.get_data(cache=False))
    except ValidationError as error:
        if any(detail["type"] == "json_invalid" for detail in error.errors()):
            return problem_response(400, "Malformed JSON", "The request body is not valid JSON (UTF-8).")
        problems = [
            FieldProblem(field=".".join(map(str, detail["loc"])) or "(body)", problem=detail["msg"])
            for detail in error.errors(include_url=False, include_input=False)
        ]
        return problem_response(400, "Invalid hook request", "Problems with: " + ", ".join(p.field for p in problems) + ".", problems)

    prefetch = hook_request.prefetch or {}
    if PREFETCH_KEY not in prefetch:
        # CDS Hooks 2.0: a service that cannot get its data because the
        # prefetch key is absent and it does not query the FHIR server
        # answers 412. (A key with the value null means "no data": no cards.)
        return problem_response(
            412,
            "Prefetch required",
            f"This service reads only the `{PREFETCH_KEY}` prefetch and does not query the FHIR server.",
        )
    response = _latest_response(prefetch[PREFETCH_KEY])
    if response is None:
        return _json({"cards": []})
    try:
        answers = read_response(response, finished_only=True)
    except UnreadableResponse:
        # No guidance from an unfinished or unreadable response; POST it to
        # /fhir/Questionnaire/hsg-indications/$assess to see what is wrong.
        return _json({"cards": []})
    assessment = current_app.extensions["hsg_engine"].assess(answers, "clinician")
    return _json({"cards": [_card(assessment)]})


def _latest_response(value: object) -> dict | None:
    """The QuestionnaireResponse for our Questionnaire in a prefetch value: a search Bundle, a resource, or null.

    The prefetch query sorts by `-authored` and asks for one, so the first
    matching entry is the latest.
    """
    if not isinstance(value, dict):
        return None
    if value.get("resourceType") == "Bundle":
        entries = value.get("entry")
        resources = [entry.get("resource") for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
    else:
        resources = [value]
    for resource in resources:
        if (
            isinstance(resource, dict)
            and resource.get("resourceType") == "QuestionnaireResponse"
            and isinstance(resource.get("questionnaire"), str)
            and resource["questionnaire"].split("|", 1)[0] == QUESTIONNAIRE_URL
        ):
            return resource
    return None


def _card(assessment) -> dict:
    text = integration_text()["cds_service"]
    return {
        "uuid": str(uuid4()),
        "summary": text["summaries"][assessment.outcome],
        "indicator": "info",
        "detail": render_template(
            "cds_card.md",
            assessment=assessment,
            outcome_names=text["outcome_names"],
            strength_names=text["strength_names"],
        ),
        "source": {
            "label": text["source_label"],
            "url": absolute_url_for("pages.rules", audience="clinician"),
        },
        # The result page is reached by POSTing the answers, and answers never
        # go into a URL (privacy promise), so a card cannot deep-link to it.
        # The detail above carries the whole result; this link opens the tool.
        "links": [
            {
                "label": text["form_link_label"],
                "url": absolute_url_for("pages.form", audience="clinician"),
                "type": "absolute",
            }
        ],
    }


@bp.route("/", defaults={"rest": ""}, methods=ALL_METHODS, strict_slashes=False)
@bp.route("/<path:rest>", methods=ALL_METHODS)
def elsewhere(rest: str):
    """Unknown services and wrong methods answer in JSON, with CORS, like the rest of /cds-services."""
    if allowed := allowed_methods():
        response = problem_response(405, "Method not allowed", f"Use {', '.join(allowed)}.")
        response.headers["Allow"] = ", ".join([*allowed, "OPTIONS"])
        return response
    return problem_response(404, "Not found", f"The only CDS service here is `{SERVICE_ID}`; see GET /cds-services.")


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return problem_response(error.code or 400, error.name, error.description or error.name)
