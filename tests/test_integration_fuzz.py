"""No input makes the integration endpoints fail: any JSON gets a 2xx or a clean 4xx, never a 5xx."""

import json

from conftest import EXAMPLES
from fhir_support import questionnaire_response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
#: Names that the readers look for, so that fuzzing reaches past the first check.
keys = st.sampled_from(["resourceType", "questionnaire", "status", "item", "linkId", "answer", "valueCoding",
                        "system", "code", "entry", "resource", "prefetch", "questionnaireResponse", "context"])


def _mutate(value, path, replacement):
    if not path:
        return replacement
    head, *rest = path
    if isinstance(value, dict) and value:
        key = sorted(value)[head % len(value)]
        return {**value, key: _mutate(value[key], rest, replacement)}
    if isinstance(value, list) and value:
        index = head % len(value)
        return [*value[:index], _mutate(value[index], rest, replacement), *value[index + 1:]]
    return replacement


mutated_responses = st.builds(
    _mutate,
    st.just(questionnaire_response(EXAMPLES["may_be_considered"])),
    st.lists(st.integers(min_value=0, max_value=10), max_size=6),
    json_values | st.dictionaries(keys, json_values, max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values | mutated_responses)
def test_assess_never_fails(client, body):
    response = client.post("/fhir/Questionnaire/hsg-indications/$assess", data=json.dumps(body),
                           content_type="application/fhir+json")
    assert response.status_code in (200, 400, 422), response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"  # a Parameters, or an OperationOutcome


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefetch=json_values | mutated_responses | st.builds(lambda r: {"resourceType": "Bundle", "entry": [{"resource": r}]},
                                                              mutated_responses))
def test_cds_service_never_fails(client, prefetch):
    body = {"hook": "order-select", "hookInstance": "x", "context": {}, "prefetch": {"questionnaireResponse": prefetch}}
    response = client.post("/cds-services/hsg-indications", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["cards"]) <= 1


# Hook requests and feedback (issue 26): any JSON value in any field, and structures of any shape,
# get a 2xx or a problem document; never a 5xx.

HOOK_REQUEST = {
    "hook": "order-select", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "fhirServer": "https://ehr.example.org/fhir",
    "fhirAuthorization": {"access_token": "t", "token_type": "Bearer", "expires_in": 300, "scope": "s", "subject": "hsg"},
    "context": {"userId": "Practitioner/1", "patientId": "1", "selections": ["ServiceRequest/hsg-1"],
                "draftOrders": {"resourceType": "Bundle", "entry": [{"fullUrl": "urn:uuid:1", "resource": {
                    "resourceType": "ServiceRequest", "id": "hsg-1",
                    "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "74740"}]}}}]}},
    "prefetch": {"questionnaireResponse": questionnaire_response(EXAMPLES["may_be_considered"])},
}
FEEDBACK = {"feedback": [{"card": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "outcome": "overridden",
                          "overrideReason": {"reason": {"system": "http://x", "code": "y"}, "userComment": "z"},
                          "acceptedSuggestions": [{"id": "a"}], "outcomeTimestamp": "2025-03-01T09:31:00Z"}]}
hook_keys = st.sampled_from(["hook", "hookInstance", "fhirServer", "fhirAuthorization", "context", "prefetch",
                             "selections", "draftOrders", "entry", "resource", "resourceType", "code", "coding",
                             "system", "fullUrl", "id", "feedback", "card", "outcome", "overrideReason", "reason"])


def mutated(body: dict):
    return st.builds(_mutate, st.just(body), st.lists(st.integers(min_value=0, max_value=10), max_size=8),
                     json_values | st.dictionaries(hook_keys, json_values, max_size=3))


def assert_never_fails(response):
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        problem = response.get_json()
        assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
        assert problem["status"] == response.status_code and problem["title"] and problem["detail"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values | mutated(HOOK_REQUEST) | mutated({**HOOK_REQUEST, "hook": "order-sign"}),
       service=st.sampled_from(["hsg-indications", "hsg-indications-order-sign"]))
def test_hook_requests_never_fail(client, body, service):
    assert_never_fails(client.post(f"/cds-services/{service}", data=json.dumps(body), content_type="application/json"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values | mutated(FEEDBACK))
def test_feedback_never_fails(client, body):
    response = client.post("/cds-services/hsg-indications/feedback", data=json.dumps(body),
                           content_type="application/json")
    assert_never_fails(response)
