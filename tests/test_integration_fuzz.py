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
    assert response.mimetype == ("application/json" if response.status_code == 200 else "application/fhir+json")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefetch=json_values | mutated_responses | st.builds(lambda r: {"resourceType": "Bundle", "entry": [{"resource": r}]},
                                                              mutated_responses))
def test_cds_service_never_fails(client, prefetch):
    body = {"hook": "order-select", "hookInstance": "x", "context": {}, "prefetch": {"questionnaireResponse": prefetch}}
    response = client.post("/cds-services/hsg-indications", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["cards"]) <= 1
