"""CDS Hooks 2.0: discovery, both services and feedback follow the specification; identifiers are never kept or logged."""

import copy
import json
import logging
import re
import uuid
from urllib.parse import urlsplit

import pytest
from conftest import EXAMPLES, all_answer_combinations
from fhir_support import questionnaire_response

from triage.core.ruleset import OUTCOMES
from triage.integrations.cds_feedback import OVERRIDE_REASON_SYSTEM, feedback_logger
from triage.integrations.fhir_questionnaire import QUESTIONNAIRE_URL
from triage.integrations.text import integration_text
from triage.state import hsg

SERVICE = "/cds-services/hsg-indications"
ORDER_SIGN = "/cds-services/hsg-indications-order-sign"
CPT = "http://www.ama-assn.org/go/cpt"
HSG_CODING = {"system": CPT, "code": "74740", "display": "Hysterosalpingography, radiological supervision and interpretation"}
INDICATORS = ("info", "warning", "critical")
PATIENT_DETAILS = ("pat-7f3e91", "Practitioner/dr-4b21", "enc-55aa0c", "secret-token-9d8c", "https://ehr.example.org/fhir")


def service_request(id_="hsg-1", *codings, text="Hysterosalpingogram"):
    return {"resourceType": "ServiceRequest", "id": id_, "status": "draft", "intent": "order",
            "subject": {"reference": "Patient/pat-7f3e91"},
            "code": {**({"coding": list(codings)} if codings else {}), "text": text}}


def hook_request(prefetch=..., hook="order-select", **context):
    body = {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.org/fhir",
        "fhirAuthorization": {"access_token": "secret-token-9d8c", "token_type": "Bearer", "expires_in": 300,
                              "scope": "patient/QuestionnaireResponse.read", "subject": "hsg"},
        "context": {
            "userId": "Practitioner/dr-4b21",
            "patientId": "pat-7f3e91",
            "encounterId": "enc-55aa0c",
            "selections": ["ServiceRequest/hsg-1"],
            "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [
                {"resource": service_request("hsg-1", HSG_CODING)}]},
            **context,
        },
    }
    if hook == "order-sign":
        del body["context"]["selections"]
    if prefetch is not ...:
        body["prefetch"] = {"questionnaireResponse": prefetch}
    return body


def searchset(*resources):
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"fullUrl": f"https://ehr.example.org/fhir/QuestionnaireResponse/{i}", "resource": r,
                       "search": {"mode": "match"}} for i, r in enumerate(resources)]}


def absolute_url(value):
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def assert_card_follows_the_specification(card):
    """CDS Hooks 2.0, Card Attributes: required fields and their types; no null or empty values."""
    assert {"summary", "indicator", "source"} <= set(card)
    assert set(card) <= {"uuid", "summary", "detail", "indicator", "source", "suggestions", "selectionBehavior",
                         "overrideReasons", "links"}
    assert isinstance(card["summary"], str) and 0 < len(card["summary"]) < 140
    assert card["indicator"] in ("info", "warning")
    assert card["overrideReasons"] and all(
        set(reason) == {"code", "system", "display"} and reason["system"] == OVERRIDE_REASON_SYSTEM and reason["display"]
        for reason in card["overrideReasons"])
    assert isinstance(card["detail"], str) and card["detail"].strip()
    uuid.UUID(card["uuid"])
    source = card["source"]
    assert isinstance(source["label"], str) and source["label"]
    assert absolute_url(source["url"])
    for link in card["links"]:
        assert set(link) == {"label", "url", "type"} and link["label"]
        assert link["type"] == "absolute" and absolute_url(link["url"])
    for value in card.values():
        assert value not in (None, "", [], {})


def test_discovery_follows_the_specification(client):
    response = client.get("/cds-services")
    assert response.status_code == 200 and response.mimetype == "application/json"
    services = response.get_json()["services"]
    # CDS Hooks 2.0: one hook per service, so one service per hook.
    assert [(s["id"], s["hook"]) for s in services] == [("hsg-indications", "order-select"),
                                                        ("hsg-indications-order-sign", "order-sign")]
    for service in services:
        assert isinstance(service["title"], str) and isinstance(service["description"], str) and service["description"]
        (query,) = service["prefetch"].values()
        assert query.startswith("QuestionnaireResponse?")
        # The exact Questionnaire version this server reads (url|version).
        assert f"questionnaire={QUESTIONNAIRE_URL}&" in query and "_sort=-authored" in query and "_count=1" in query
        assert "|" not in query, "no raw | for a client to encode"
        # Prefetch tokens: only root-level context fields of the hook.
        assert re.findall(r"\{\{(.*?)\}\}", query) == ["context.patientId"]
        response = client.post(f"/cds-services/{service['id']}", json=hook_request(None, hook=service["hook"]))
        assert response.status_code == 200


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_every_summary_is_under_140_characters(outcome):
    summary = integration_text()["cds_service"]["summaries"][outcome]
    assert len(summary) < 140 and "\n" not in summary


def test_a_card_for_the_latest_response(client, app):
    response = client.post(SERVICE, json=hook_request(searchset(questionnaire_response(EXAMPLES["commonly_recommended"]))),
                           base_url="https://hsg.example.org")
    assert response.status_code == 200 and response.mimetype == "application/json"
    (card,) = response.get_json()["cards"]
    assert_card_follows_the_specification(card)
    assert card["source"]["url"] == "https://hsg.example.org/rules?audience=clinician"
    assert card["links"][0]["url"] == "https://hsg.example.org/?audience=clinician"
    rules = hsg(app).settings.rules
    for indication in rules.indications:
        if indication.id in ("infertility", "prior_pelvic_infection"):
            assert indication.clinician.title in card["detail"]
            assert indication.source.quote in card["detail"]
    assert "`months_trying` = `12_or_more`" in card["detail"]
    assert rules.disclaimer.clinician in card["detail"] and rules.version in card["detail"]


# Exhaustive over the integration: in the full run, not the quick subset (`-m "not slow"`).
@pytest.mark.slow
def test_every_combination_gives_its_outcome_in_a_card(client):
    summaries = integration_text()["cds_service"]["summaries"]
    checked = 0
    for answers in all_answer_combinations():
        card_response = client.post(SERVICE, json=hook_request(searchset(questionnaire_response(answers))))
        api = client.post("/api/v1/assessments", json={**answers, "audience": "clinician"}).get_json()
        (card,) = card_response.get_json()["cards"]
        assert card["summary"] == summaries[api["outcome"]], answers
        for indication in api["indications"]:
            assert f"**{indication['title']}**" in card["detail"], answers
        for escalation in api["escalations"]:
            assert f"**{escalation['title']}.**" in card["detail"], answers
        assert card["detail"].count("- **") == len(api["indications"]) + len(api["escalations"]), answers
        # An escalation asks for evaluation now: the card says so with its indicator.
        assert card["indicator"] == ("warning" if api["next_step"]["timing"] == "now" else "info"), answers
        checked += 1
    assert checked == 2700


def test_cards_have_fresh_uuids(client):
    body = hook_request(searchset(questionnaire_response(EXAMPLES["not_yet"])))
    uuids = {client.post(SERVICE, json=body).get_json()["cards"][0]["uuid"] for _ in range(3)}
    assert len(uuids) == 3


@pytest.mark.parametrize(
    "prefetch",
    [
        None,  # the record system has no such response for this patient
        searchset(),
        {"resourceType": "Bundle", "type": "searchset", "total": 0},
        searchset(questionnaire_response(EXAMPLES["not_yet"], status="in-progress")),
        searchset(questionnaire_response(EXAMPLES["not_yet"], status="stopped")),
        searchset({**questionnaire_response(EXAMPLES["not_yet"]), "questionnaire": "http://example.org/Questionnaire/phq-9"}),
        searchset({**questionnaire_response(EXAMPLES["not_yet"]), "item": []}),
        searchset({"resourceType": "OperationOutcome", "issue": [{"severity": "warning", "code": "processing"}]}),
        "QuestionnaireResponse/1",
        [],
    ],
)
def test_no_cards_without_a_finished_response(client, prefetch):
    response = client.post(SERVICE, json=hook_request(prefetch))
    assert response.status_code == 200
    assert response.get_json() == {"cards": []}


def test_a_single_resource_and_an_amended_response_are_read(client):
    resource = questionnaire_response(EXAMPLES["may_be_considered"], status="amended")
    (card,) = client.post(SERVICE, json=hook_request(resource)).get_json()["cards"]
    assert card["summary"] == integration_text()["cds_service"]["summaries"]["may_be_considered"]


def test_a_missing_prefetch_key_is_412(client):
    # CDS Hooks 2.0: the key is absent when the client chose not to (or could
    # not) prefetch; this service does not query the FHIR server instead.
    for body in (hook_request(), {**hook_request(), "prefetch": {}}, {**hook_request(), "prefetch": {"patient": None}}):
        response = client.post(SERVICE, json=body)
        assert response.status_code == 412 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hook": "patient-view"}, "hook"),
        ({"hook": None}, "hook"),
        ({"hookInstance": None}, "hookInstance"),
        ({"hookInstance": 42}, "hookInstance"),
        ({"context": None}, "context"),
        ({"context": "pat-7f3e91"}, "context"),
        ({"prefetch": ["x"]}, "prefetch"),
    ],
)
def test_a_bad_hook_request_is_400_naming_the_field(client, change, field):
    body = {**hook_request(None), **change}
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post(SERVICE, json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert [error["field"] for error in response.get_json()["errors"]] == [field]


@pytest.mark.parametrize("raw", [b"{", b"", b"\xff", b"[" * 20_000 + b"]" * 20_000])
def test_malformed_json_is_400(client, raw):
    assert client.post(SERVICE, data=raw, content_type="application/json").status_code == 400


@pytest.mark.parametrize("body", [[], "x", 3, None])
def test_a_body_that_is_not_an_object_is_400(client, body):
    assert client.post(SERVICE, data=json.dumps(body), content_type="application/json").status_code == 400


def test_not_json_is_415(client):
    response = client.post(SERVICE, data=json.dumps(hook_request(None)), content_type="text/plain")
    assert response.status_code == 415


def test_large_draft_orders_are_accepted_up_to_the_limit(client):
    big = hook_request(searchset(questionnaire_response(EXAMPLES["not_yet"])))
    big["context"]["draftOrders"]["entry"] *= 200  # about 50 KiB, far above the app-wide 8 KiB
    assert len(json.dumps(big)) > 40_000
    assert len(client.post(SERVICE, json=big).get_json()["cards"]) == 1
    big["context"]["draftOrders"]["entry"] *= 10
    response = client.post(SERVICE, json=big)
    assert response.status_code == 413 and response.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_service_and_wrong_method(client):
    response = client.post("/cds-services/other", json=hook_request(None))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    response = client.get(SERVICE)
    assert response.status_code == 405 and response.headers["Allow"] == "POST, OPTIONS"
    assert client.post("/cds-services").status_code == 405


@pytest.mark.parametrize("path", ["/cds-services", SERVICE])
def test_cors_preflight_and_responses(client, path):
    origin = "https://ehr.example.org"
    preflight = client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    allowed_headers = {h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed_headers
    method = "POST" if path == SERVICE else "GET"
    assert preflight.headers["Access-Control-Allow-Methods"] == f"{method}, OPTIONS"
    response = client.open(path, method=method, json=hook_request(None) if method == "POST" else None,
                           headers={"Origin": origin, "Authorization": "Bearer eyJ.secret-token-9d8c.x"})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    # The app's security headers stay on these JSON responses too.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers


def test_identifiers_are_never_logged_or_echoed(client, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    resource = questionnaire_response(EXAMPLES["commonly_recommended"], subject={"reference": "Patient/pat-7f3e91"},
                                      author={"reference": "Practitioner/dr-4b21"})
    bodies = [
        hook_request(searchset(resource)),
        hook_request(None),
        hook_request(),
        {**hook_request(None), "hook": "patient-view"},
    ]
    texts = []
    for body in bodies:
        response = client.post(SERVICE, json=body, headers={"Authorization": "Bearer secret-token-9d8c"})
        assert response.status_code < 500
        texts.append(response.get_data(as_text=True))
    texts.append(client.post("/fhir/Questionnaire/hsg-indications/$assess", json={**resource, "status": "x"}).get_data(as_text=True))
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    for detail in PATIENT_DETAILS:
        assert detail not in logged
        assert all(detail not in text for text in texts)


def test_card_urls_behind_a_proxy_with_a_prefix(make_app):
    client = make_app(HSG_TRUSTED_PROXIES="1").test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "intranet.clinic.example",
               "X-Forwarded-Prefix": "/tools/hsg", "X-Forwarded-For": "10.0.0.1"}
    body = hook_request(searchset(questionnaire_response(EXAMPLES["no_indication"])))
    (card,) = client.post(SERVICE, json=body, headers=headers).get_json()["cards"]
    assert card["source"]["url"] == "https://intranet.clinic.example/tools/hsg/rules?audience=clinician"
    assert card["links"][0]["url"] == "https://intranet.clinic.example/tools/hsg/?audience=clinician"


# ---------------------------------------------------------------------------
# Only HSG orders get a card (rules/hsg-order-codes.toml), on both hooks.

LOINC_HSG = {"system": "http://loinc.org", "code": "25022-5"}
CHEST_XRAY = {"system": "http://loinc.org", "code": "36643-5", "display": "XR Chest Views"}
LATEST = searchset(questionnaire_response(EXAMPLES["commonly_recommended"]))


def with_orders(body, *resources, selections=None):
    body["context"]["draftOrders"]["entry"] = [{"resource": r} for r in resources]
    if selections is not None:
        body["context"]["selections"] = selections
    return body


@pytest.mark.parametrize(("path", "hook"), [(SERVICE, "order-select"), (ORDER_SIGN, "order-sign")])
def test_an_hsg_coded_order_gets_the_card_on_both_hooks(client, path, hook):
    for coding in (HSG_CODING, LOINC_HSG):
        body = with_orders(hook_request(LATEST, hook=hook), service_request("hsg-1", CHEST_XRAY, coding),
                           selections=["ServiceRequest/hsg-1"] if hook == "order-select" else None)
        (card,) = client.post(path, json=body).get_json()["cards"]
        assert_card_follows_the_specification(card)


@pytest.mark.parametrize(("path", "hook"), [(SERVICE, "order-select"), (ORDER_SIGN, "order-sign")])
@pytest.mark.parametrize(
    "order",
    [
        service_request("x-1", CHEST_XRAY, text="Chest X-ray"),
        service_request("x-1", text="Hysterosalpingogram"),  # words alone never decide
        service_request("x-1", {"system": "http://snomed.info/sct", "code": "74740"}),  # right code, wrong system
        service_request("x-1", {"system": CPT, "code": "74742"}),
        {"resourceType": "MedicationRequest", "id": "x-1", "code": {"coding": [HSG_CODING]}},
    ],
)
def test_other_orders_get_no_card(client, path, hook, order):
    body = with_orders(hook_request(LATEST, hook=hook), order,
                       selections=["ServiceRequest/x-1"] if hook == "order-select" else None)
    response = client.post(path, json=body)
    assert response.status_code == 200 and response.get_json() == {"cards": []}


def test_order_select_concerns_the_selected_order(client):
    hsg, chest = service_request("hsg-1", HSG_CODING), service_request("cxr-1", CHEST_XRAY)
    selecting_chest = with_orders(hook_request(LATEST), hsg, chest, selections=["ServiceRequest/cxr-1"])
    assert client.post(SERVICE, json=selecting_chest).get_json() == {"cards": []}
    selecting_hsg = with_orders(hook_request(LATEST), hsg, chest, selections=["ServiceRequest/hsg-1"])
    assert len(client.post(SERVICE, json=selecting_hsg).get_json()["cards"]) == 1
    # On signing, every draft order counts: the HSG is among them.
    signing = with_orders(hook_request(LATEST, hook="order-sign"), chest, hsg)
    assert len(client.post(ORDER_SIGN, json=signing).get_json()["cards"]) == 1


@pytest.mark.parametrize("context", [{"draftOrders": None}, {"selections": []},
                                     {"draftOrders": {"resourceType": "Bundle", "entry": []}}])
def test_no_draft_orders_or_no_selections_give_no_card(client, context):
    response = client.post(SERVICE, json=hook_request(LATEST, **context))
    assert response.status_code == 200 and response.get_json() == {"cards": []}


@pytest.mark.parametrize(("context", "field"), [
    ({"draftOrders": "Bundle/1"}, "context.draftOrders"),
    ({"selections": "ServiceRequest/hsg-1"}, "context.selections"),
    ({"selections": [1]}, "context.selections.0"),
    ({"draftOrders": {"resourceType": "Bundle", "entry": "x"}}, "context.draftOrders.entry"),
    ({"draftOrders": {"resourceType": "Patient"}}, "context.draftOrders.resourceType"),
    # A list where the code belongs was a TypeError and an HTML 500 (issue 26).
    ({"draftOrders": {"resourceType": "Bundle", "entry": [{"resource": service_request(
        "hsg-1", {"system": HSG_CODING["system"], "code": [HSG_CODING["code"]]})}]}},
     "context.draftOrders.entry.0.resource.code.coding.0.code"),
    ({"draftOrders": {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "ServiceRequest",
                                                                        "code": {"coding": {"code": "x"}}}}]}},
     "context.draftOrders.entry.0.resource.code.coding"),
    ({"draftOrders": {"resourceType": "Bundle", "entry": [{"fullUrl": 7, "resource": {"resourceType": 1}}]}},
     "context.draftOrders.entry.0.fullUrl"),
])
def test_wrongly_typed_context_is_a_problem_naming_the_field(client, context, field):
    response = client.post(SERVICE, json=hook_request(LATEST, **context))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.get_json()["errors"]]


@pytest.mark.parametrize(("change", "field"), [
    ({"hookInstance": 7}, "hookInstance"),
    ({"fhirServer": ["https://ehr.example.org/fhir"]}, "fhirServer"),
    ({"fhirAuthorization": {"access_token": "t", "token_type": "Bearer", "expires_in": "300", "scope": "s",
                            "subject": "hsg"}}, "fhirAuthorization.expires_in"),
    ({"context": []}, "context"),
    ({"prefetch": "questionnaireResponse"}, "prefetch"),
])
def test_wrongly_typed_hook_fields_are_a_problem_naming_the_field(client, change, field):
    response = client.post(SERVICE, json={**hook_request(LATEST), **change})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.get_json()["errors"]]


def test_other_resources_in_the_draft_orders_are_not_read(client):
    # Only a ServiceRequest's code is read; another resource's `code` may be any FHIR shape.
    other = {"resourceType": "NutritionOrder", "id": "n-1", "code": "whatever", "oralDiet": {"type": []}}
    body = with_orders(hook_request(LATEST), service_request("hsg-1", HSG_CODING), other)
    assert len(client.post(SERVICE, json=body).get_json()["cards"]) == 1


def test_no_hsg_order_needs_no_prefetch(client):
    # Nothing to say about a chest X-ray, so no 412 for a missing prefetch either.
    body = with_orders(hook_request(), service_request("cxr-1", CHEST_XRAY), selections=["ServiceRequest/cxr-1"])
    assert client.post(SERVICE, json=body).get_json() == {"cards": []}


def test_each_service_answers_only_its_own_hook(client):
    response = client.post(ORDER_SIGN, json=hook_request(None, hook="order-select"))
    assert response.status_code == 400 and [e["field"] for e in response.get_json()["errors"]] == ["hook"]
    response = client.post(SERVICE, json=hook_request(None, hook="order-sign"))
    assert response.status_code == 400 and [e["field"] for e in response.get_json()["errors"]] == ["hook"]


def test_a_local_order_codes_file_replaces_the_bundled_one(make_app, tmp_path):
    local = tmp_path / "codes.toml"
    local.write_text('''[order_codes]
name = "Clinic HSG order codes"
version = "2025.1"

[[codes]]
system = "http://clinic.example.org/order-catalogue"
code = "RAD-HSG"
display = "HSG"
source = "The clinic's order catalogue, entry RAD-HSG."
''', encoding="utf-8")
    client = make_app(HSG_ORDER_CODES_FILE=str(local)).test_client()
    local_order = service_request("hsg-1", {"system": "http://clinic.example.org/order-catalogue", "code": "RAD-HSG"})
    assert len(client.post(SERVICE, json=with_orders(hook_request(LATEST), local_order)).get_json()["cards"]) == 1
    # The bundled codes no longer apply.
    assert client.post(SERVICE, json=hook_request(LATEST)).get_json() == {"cards": []}


# ---------------------------------------------------------------------------
# Feedback (CDS Hooks 2.0): validated, answered 200, kept only as counts.


def feedback_body(**change):
    entry = {"card": str(uuid.uuid4()), "outcome": "overridden",
             "overrideReason": {"reason": {"code": "already-assessed", "system": OVERRIDE_REASON_SYSTEM,
                                           "display": "Tubes and womb already assessed, or HSG already done"},
                                "userComment": "Seen by Dr Jones, patient pat-7f3e91"},
             "outcomeTimestamp": "2025-03-01T09:31:00Z", **change}
    return {"feedback": [{k: v for k, v in entry.items() if v is not None}]}


@pytest.fixture(autouse=True)
def _feedback_log_captured(caplog):
    """The feedback logger does not propagate (one line per entry on stderr), so caplog listens to it directly."""
    logger = feedback_logger()
    logger.addHandler(caplog.handler)
    yield
    logger.removeHandler(caplog.handler)


def feedback_lines(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "triage.cds_feedback"]


@pytest.mark.parametrize("path", [SERVICE, ORDER_SIGN])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (feedback_body(), "already-assessed"),
        (feedback_body(overrideReason={"userComment": "no reason chosen"}), None),
        (feedback_body(overrideReason=None), None),
        (feedback_body(overrideReason={"reason": {"system": "http://ehr.example.org/reasons", "code": "dup"}}), "other"),
        (feedback_body(outcome="accepted", overrideReason=None, acceptedSuggestions=[]), None),
        (feedback_body(outcomeTimestamp="2025-03-01T10:31:00+01:00", extension={"org.example.x": 1}), "already-assessed"),
    ],
)
def test_valid_feedback_is_200_and_one_log_line_each(client, caplog, path, body, reason):
    caplog.set_level(logging.INFO, logger="triage.cds_feedback")
    body = copy.deepcopy(body)
    body["feedback"].append({**body["feedback"][0], "card": str(uuid.uuid4())})
    response = client.post(f"{path}/feedback", json=body)
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    rules_version = hsg(client.application).settings.rules.version
    expected = {"event": "cds_feedback", "service": path.rsplit("/", 1)[1], "rules_version": rules_version,
                "outcome": body["feedback"][0]["outcome"], "override_reason": reason}
    assert feedback_lines(caplog) == [expected, expected]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (feedback_body(card="not-a-uuid"), "feedback.0.card"),
        (feedback_body(card=None), "feedback.0.card"),
        (feedback_body(outcome="dismissed"), "feedback.0.outcome"),
        (feedback_body(outcomeTimestamp=None), "feedback.0.outcomeTimestamp"),
        (feedback_body(outcomeTimestamp="yesterday"), "feedback.0.outcomeTimestamp"),
        (feedback_body(outcomeTimestamp="2025-03-01T09:31:00"), "feedback.0.outcomeTimestamp"),  # no time zone
        (feedback_body(outcome="accepted"), "feedback.0"),  # an override reason for an accepted card
        (feedback_body(overrideReason={"reason": "already-assessed"}), "feedback.0.overrideReason.reason"),
        (feedback_body(overrideReason={"reason": {"code": "x"}}), "feedback.0.overrideReason.reason.system"),
        (feedback_body(patientId="pat-7f3e91"), "feedback.0.patientId"),
        ({"feedback": []}, "feedback"),
        ({"cards": []}, "feedback"),
    ],
)
def test_malformed_feedback_is_400_naming_the_field(client, caplog, body, field):
    caplog.set_level(logging.INFO, logger="triage.cds_feedback")
    response = client.post(f"{SERVICE}/feedback", json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.get_json()["errors"]]
    assert feedback_lines(caplog) == []


@pytest.mark.parametrize(("data", "content_type", "status"), [(b"{", "application/json", 400), (b"[]", "application/json", 400),
                                                              (b"{}", "text/plain", 415)])
def test_feedback_that_is_not_a_json_object_is_refused(client, data, content_type, status):
    response = client.post(f"{SERVICE}/feedback", data=data, content_type=content_type)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_feedback_for_an_unknown_service_or_by_get_is_refused(client):
    assert client.post("/cds-services/other/feedback", json=feedback_body()).status_code == 404
    response = client.get(f"{SERVICE}/feedback")
    assert response.status_code == 405 and response.headers["Allow"] == "POST, OPTIONS"


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404
    assert hsg(client.application).feedback_counter is None


def test_nothing_identifying_reaches_a_log_or_a_response(client, caplog):
    """Every identifier a hook request or feedback carries, through both services, cards and feedback."""
    caplog.set_level(logging.DEBUG)  # every logger, every level
    headers = {"Authorization": "Bearer secret-token-9d8c"}
    texts = []
    for path, hook in ((SERVICE, "order-select"), (ORDER_SIGN, "order-sign")):
        for body in (hook_request(LATEST, hook=hook), hook_request(hook=hook),
                     with_orders(hook_request(LATEST, hook=hook), service_request("cxr-1", CHEST_XRAY))):
            response = client.post(path, json=body, headers=headers)
            assert response.status_code < 500
            texts.append(response.get_data(as_text=True))
        response = client.post(f"{path}/feedback", json=feedback_body(), headers=headers)
        assert response.status_code == 200
        texts.append(response.get_data(as_text=True))
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "cds_feedback" in logged
    for detail in (*PATIENT_DETAILS, "Dr Jones"):
        assert detail not in logged
        assert all(detail not in text for text in texts)


def test_card_urls_come_from_the_public_url_not_the_host_header(make_app):
    client = make_app(HSG_PUBLIC_URL="https://intranet.clinic.example/hsg").test_client()
    body = hook_request(searchset(questionnaire_response(EXAMPLES["no_indication"])))
    (card,) = client.post(SERVICE, json=body, headers={"Host": "evil.example"}).get_json()["cards"]
    assert card["source"]["url"] == "https://intranet.clinic.example/hsg/rules?audience=clinician"
    assert card["links"][0]["url"] == "https://intranet.clinic.example/hsg/?audience=clinician"


def test_a_host_header_that_is_not_a_host_name_makes_no_card_url(client):
    body = hook_request(searchset(questionnaire_response(EXAMPLES["no_indication"])))
    response = client.post(SERVICE, json=body, headers={"Host": "evil.example/path@x"})
    assert response.status_code == 400 and "evil" not in response.get_data(as_text=True)


# ---------------------------------------------------------------------------
# Hostile bodies (issue 26): an error is never much larger than what it answers.

MAX_BODY = 256 * 1024


def _filled(head: str, item: str, tail: str) -> bytes:
    """`head` + as many `item`s, comma-separated, as fit in the largest body + `tail`."""
    count = (MAX_BODY - len(head) - len(tail)) // (len(item) + 1)
    body = (head + ",".join([item] * count) + tail).encode()
    assert MAX_BODY - len(item) - 1 <= len(body) <= MAX_BODY
    return body


@pytest.mark.parametrize("body", [
    # 87,000 empty suggestions: was a 400 of 10.8 MB.
    _filled('{"feedback": [{"card": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "outcome": "accepted", '
            '"outcomeTimestamp": "2025-03-01T09:31:00Z", "acceptedSuggestions": [', "{}", "]}]}"),
    # As many feedback entries as fit, each wrong.
    _filled('{"feedback": [', '{"card": 1}', "]}"),
    # Thousands of unknown fields, each a problem of its own.
    b'{"feedback": [{' + b", ".join(b'"k%d": 0' % n for n in range(20_000)) + b"}]}",
    # One field name of 256 KiB: named, but not echoed whole.
    b'{"feedback": [{"' + b"k" * (MAX_BODY - 24) + b'": 0}]}',
])
def test_a_maximal_bad_feedback_body_gets_a_small_problem(client, body):
    response = client.post(f"{SERVICE}/feedback", data=body, content_type="application/json")
    assert response.status_code in (400, 413) and response.mimetype == "application/problem+json"
    assert len(response.data) < 16 * 1024, len(response.data)


def test_many_problems_are_cut_at_the_same_number_as_assess_issues(client):
    from triage.integrations.fhir_questionnaire import MAX_ISSUES

    body = {"feedback": [{"card": "x", "outcome": "x", "outcomeTimestamp": "x"} for _ in range(50)]}
    errors = client.post(f"{SERVICE}/feedback", json=body).get_json()["errors"]
    assert len(errors) == MAX_ISSUES + 1 and errors[-1]["field"] == "(body)"


def test_too_many_accepted_suggestions_is_one_problem(client):
    body = feedback_body(outcome="accepted", overrideReason=None, acceptedSuggestions=[{}] * 11)
    errors = client.post(f"{SERVICE}/feedback", json=body).get_json()["errors"]
    assert [e["field"] for e in errors] == ["feedback.0.acceptedSuggestions"]
