"""CDS Hooks 2.0: discovery, one service on `order-select` and one on `order-sign`, and their feedback.

A card appears only for a draft order coded as an HSG (rules/hsg-order-codes.toml):
a service that fired on every order would be switched off as noise. CDS
Hooks 2.0 gives a service exactly one hook, so the same logic is offered as
two services, one per hook. Each reads only the prefetched
QuestionnaireResponse. It never calls
the record system's FHIR server, so it needs no access token and holds none;
`fhirServer`, `fhirAuthorization` and every identifier in `context` are
parsed away unread, never stored and never logged.
"""

import json
from uuid import uuid4

from flask import Blueprint, Response, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from triage.integrations.cds_feedback import (
    FeedbackRequest,
    feedback_record,
    log_feedback,
    override_reasons,
)
from triage.integrations.cds_request import RESOURCE_TAGS, HookRequest
from triage.integrations.fhir_questionnaire import (
    MAX_ISSUES,
    QUESTIONNAIRE_URL,
    UnreadableResponse,
    read_response,
)
from triage.integrations.http import (
    ALL_METHODS,
    allow_cross_origin,
    allowed_methods,
    limit_body,
)
from triage.integrations.text import integration_text
from triage.state import hsg
from triage.web.i18n import localised
from triage.web.problems import FieldProblem, problem_response
from triage.web.public_url import absolute_url_for

SERVICE_ID = "hsg-indications"
ORDER_SIGN_SERVICE_ID = "hsg-indications-order-sign"
#: Service id → its hook, in discovery order.
HOOKS = {SERVICE_ID: "order-select", ORDER_SIGN_SERVICE_ID: "order-sign"}
#: Wording of each service in integrations.toml.
TEXT_TABLES = {SERVICE_ID: "cds_service", ORDER_SIGN_SERVICE_ID: "cds_order_sign"}
PREFETCH_KEY = "questionnaireResponse"
#: The patient's latest response to our Questionnaire, in any version (the service reads those of the rule
#: set's major version, as $assess does). No version in the query: its `|` would have to be encoded, which
#: not every client does. Uses only what CDS Hooks recommends for prefetch: a reference, `_sort` and `_count`.
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


@bp.get("")
def discovery():
    return _json({
        "services": [
            {
                "hook": hook,
                "title": integration_text()[TEXT_TABLES[service_id]]["title"],
                "description": integration_text()[TEXT_TABLES[service_id]]["description"],
                "id": service_id,
                "prefetch": {PREFETCH_KEY: PREFETCH_QUERY},
            }
            for service_id, hook in HOOKS.items()
        ]
    })


#: A field's name in a problem is cut to this: a body's keys are the client's, and may be long.
MAX_FIELD_NAME = 100


def _parse(model, what: str):
    """The request body as `model`, or the problem response that says what is wrong with it.

    At most MAX_ISSUES problems are listed, as $assess lists at most that many issues: a 256 KiB
    body of empty objects was a 10.8 MB answer (issue 26). The models bound their lists, so
    pydantic stops at a list's length before reading its items.
    """
    if request.mimetype != "application/json":
        return None, problem_response(415, "Unsupported media type", f"Send the {what} as JSON with Content-Type: application/json.")
    try:
        return model.model_validate_json(request.get_data(cache=False)), None
    except ValidationError as error:
        details = error.errors(include_url=False, include_input=False, include_context=False)
        if any(detail["type"] == "json_invalid" for detail in details):
            return None, problem_response(400, "Malformed JSON", "The request body is not valid JSON (UTF-8).")
        problems = [_field_problem(detail) for detail in details[:MAX_ISSUES]]
        if len(details) > MAX_ISSUES:
            problems.append(FieldProblem(field="(body)", problem=f"more problems than the first {MAX_ISSUES}; fix these and send again"))
        return None, problem_response(400, f"Invalid {what}", "Problems with: " + ", ".join(p.field for p in problems) + ".", problems)


def _field_problem(detail: dict) -> FieldProblem:
    location = detail["loc"]
    # A tagged union's tag (cds_request.Resource) follows `resource` in the location; it is not a field.
    parts = [str(part)[:MAX_FIELD_NAME] for n, part in enumerate(location)
             if not (n and location[n - 1] == "resource" and part in RESOURCE_TAGS)]
    # The message never quotes the input (include_input=False above).
    return FieldProblem(field=".".join(parts) or "(body)", problem=detail["msg"])


@bp.post(f"/{SERVICE_ID}", defaults={"service_id": SERVICE_ID})
@bp.post(f"/{ORDER_SIGN_SERVICE_ID}", defaults={"service_id": ORDER_SIGN_SERVICE_ID})
def service(service_id: str):
    hook_request, problem = _parse(HookRequest, "hook request")
    if problem:
        return problem
    hook = HOOKS[service_id]
    if hook_request.hook != hook:
        return problem_response(400, "Invalid hook request", "Problems with: hook.",
                                [FieldProblem(field="hook", problem=f"this service answers the {hook} hook")])

    if not _concerns_an_hsg_order(hook_request):
        return _json({"cards": []})
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
    # Cards are read, so they show everything in the request's language (Accept-Language, else English).
    assessment = localised().shown_engine.assess(answers, "clinician")
    return _json({"cards": [_card(assessment)]})


def _concerns_an_hsg_order(hook_request: HookRequest) -> bool:
    """order-select: a selected draft order is an HSG; order-sign: any draft order being signed is."""
    order_codes = hsg().settings.order_codes
    if hook_request.hook == "order-sign":
        return order_codes.hsg_order_in(hook_request.draft_orders())
    return order_codes.hsg_order_in(hook_request.draft_orders(), hook_request.selections() or [])


@bp.post(f"/{SERVICE_ID}/feedback", defaults={"service_id": SERVICE_ID})
@bp.post(f"/{ORDER_SIGN_SERVICE_ID}/feedback", defaults={"service_id": ORDER_SIGN_SERVICE_ID})
def feedback(service_id: str):
    """CDS Hooks 2.0 feedback: validated, then kept only as counts (see cds_feedback)."""
    body, problem = _parse(FeedbackRequest, "feedback")
    if problem:
        return problem
    rules_version = hsg().settings.rules.version
    counter = hsg().feedback_counter
    for entry in body.feedback:
        record = feedback_record(service_id, rules_version, entry)
        log_feedback(record)
        if counter is not None:
            counter.count(record)
    # The specification defines no response body; an empty one keeps nothing.
    return Response(status=200)


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
        # A next step of `now` (rule set 1.2: an escalation applies) asks for evaluation now
        # rather than waiting: that is worth more than an info card's quiet grey.
        "indicator": "warning" if assessment.next_step.timing == "now" else "info",
        "detail": render_template("cds_card.md", assessment=assessment),
        "source": {
            "label": text["source_label"],
            "url": absolute_url_for("pages.rules", audience="clinician"),
        },
        # Offered to the clinician on dismissing the card; feedback counts them.
        "overrideReasons": override_reasons(),
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
    return problem_response(404, "Not found", f"The CDS services here are `{SERVICE_ID}` and `{ORDER_SIGN_SERVICE_ID}`; see GET /cds-services.")


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return problem_response(error.code or 400, error.name, error.description or error.name)
