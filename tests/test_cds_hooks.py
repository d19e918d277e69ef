"""CDS Hooks 2.0: discovery and the service follow the specification; identifiers are never kept or logged."""

import json
import logging
import re
import uuid
from urllib.parse import urlsplit

import pytest
from conftest import EXAMPLES, all_answer_combinations
from fhir_support import questionnaire_response

from triage.fhir_questionnaire import QUESTIONNAIRE_URL
from triage.integration_text import integration_text
from triage.ruleset import OUTCOMES

SERVICE = "/cds-services/hsg-indications"
INDICATORS = ("info", "warning", "critical")
PATIENT_DETAILS = ("pat-7f3e91", "Practitioner/dr-4b21", "enc-55aa0c", "secret-token-9d8c", "https://ehr.example.org/fhir")


def hook_request(prefetch=..., **context):
    body = {
        "hook": "order-select",
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
                {"resource": {"resourceType": "ServiceRequest", "id": "hsg-1", "status": "draft", "intent": "order",
                              "subject": {"reference": "Patient/pat-7f3e91"}, "code": {"text": "Hysterosalpingogram"}}}]},
            **context,
        },
    }
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
    assert card["indicator"] == "info"
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
    (service,) = response.get_json()["services"]
    assert service["id"] == "hsg-indications" and service["hook"] == "order-select"
    assert isinstance(service["title"], str) and isinstance(service["description"], str) and service["description"]
    (query,) = service["prefetch"].values()
    assert query.startswith("QuestionnaireResponse?")
    assert f"questionnaire={QUESTIONNAIRE_URL}" in query and "_sort=-authored" in query and "_count=1" in query
    # Prefetch tokens: only root-level context fields of the hook.
    assert re.findall(r"\{\{(.*?)\}\}", query) == ["context.patientId"]
    assert client.post(SERVICE.replace("hsg-indications", service["id"]), json=hook_request(None)).status_code == 200


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
    rules = app.extensions["hsg"].rules
    for indication in rules.indications:
        if indication.id in ("infertility", "prior_pelvic_infection"):
            assert indication.clinician.title in card["detail"]
            assert indication.source.quote in card["detail"]
    assert "`months_trying` = `12_or_more`" in card["detail"]
    assert rules.disclaimer.clinician in card["detail"] and rules.version in card["detail"]


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
        assert card["detail"].count("- **") == len(api["indications"]), answers
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
