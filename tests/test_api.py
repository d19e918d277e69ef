"""The JSON API: contract shapes and errors that name the problem."""

import json

import pytest
from conftest import EXAMPLES

from triage.state import hsg

URL = "/api/v1/assessments"
VALID = EXAMPLES["commonly_recommended"]


def test_assessment_shape(client, app):
    response = client.post(URL, json=VALID)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["rules_version"] == hsg(app).settings.rules.version
    assert body["rules_hash"] == hsg(app).settings.rules.content_hash
    assert set(body["indications"][0]) == {"id", "strength", "title", "explanation", "because", "source", "qualification"}
    assert set(body["indications"][0]["source"]) == {"section", "quote"}
    assert response.headers["Cache-Control"] == "no-store"


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_missing_unknown_and_invalid_fields_are_all_named(client):
    body = {k: v for k, v in VALID.items() if k != "age_bracket"}
    body.update(months_trying="forever", favourite_colour="blue", pelvic_pain=True)
    errors = problem(client.post(URL, json=body), 422)["errors"]
    by_field = {e["field"]: e for e in errors}
    assert set(by_field) == {"age_bracket", "months_trying", "favourite_colour", "pelvic_pain"}
    assert by_field["age_bracket"]["problem"] == "is required"
    assert by_field["favourite_colour"]["problem"] == "is not a known field"
    assert by_field["months_trying"]["allowed"] == ["not_trying", "under_6", "6_to_11", "12_or_more", "prefer_not_to_say"]
    assert by_field["pelvic_pain"]["allowed"] == ["yes", "no", "unsure"]


@pytest.mark.parametrize("value", [True, 1, None, ["yes"], {"v": "yes"}, "YES", " yes", "<b>yes</b>"])
def test_nothing_is_coerced(client, value):
    errors = problem(client.post(URL, json={**VALID, "pelvic_pain": value}), 422)["errors"]
    assert [e["field"] for e in errors] == ["pelvic_pain"]


def test_bad_audience_is_named(client):
    errors = problem(client.post(URL, json={**VALID, "audience": "doctor"}), 422)["errors"]
    assert errors[0]["field"] == "audience" and errors[0]["allowed"] == ["patient", "clinician"]


@pytest.mark.parametrize("body", [[], "yes", 3, None])
def test_a_body_that_is_not_an_object(client, body):
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert problem(response, 422)["errors"][0]["field"] == "(body)"


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe{}", b"", b'{"months_trying": "12_or_more",}', b"[" * 5000 + b"]" * 5000])
def test_malformed_json_is_400(client, raw):
    response = client.post(URL, data=raw, content_type="application/json")
    assert response.status_code in (400, 413)
    problem(response, response.status_code)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])
def test_not_json_is_415(client, content_type):
    problem(client.post(URL, data=json.dumps(VALID), content_type=content_type), 415)


def test_too_large_is_413(client):
    body = json.dumps({**VALID, "padding": "x" * 20_000})
    problem(client.post(URL, data=body, content_type="application/json"), 413)


def test_api_404_and_405_are_json(client):
    problem(client.get("/api/v1/nothing"), 404)
    response = client.get(URL)
    problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_rules_endpoint(client, app):
    body = client.get("/api/v1/rules").get_json()
    rules = hsg(app).settings.rules
    assert body["version"] == rules.version and body["hash"] == rules.content_hash
    assert [i["id"] for i in body["indications"]] == [i.id for i in rules.indications]
    for item in body["indications"]:
        assert {"id", "strength", "title", "source"} <= set(item)
        assert set(item["source"]) == {"section", "quote"}
    assert [e["id"] for e in body["escalations"]] == ["age_40_or_over", "age_withheld", "tubal_risk_factor",
                                                      "recurrent_pregnancy_loss", "pelvic_pain"]
    for item in body["escalations"]:
        assert item["when"] and item["title"] and item["source"]["names"] and item["unless_matched"] == []
    qualified = {i["id"]: i["qualifications"] for i in body["indications"]}
    assert qualified["infertility"] == [] and all(qualified[i] for i in qualified if i != "infertility")
    assert qualified["chronic_pelvic_pain"][0]["when"] == [{"months_trying": ["not_trying"]}]
    assert all(q["text"] and q["source"]["names"] for items in qualified.values() for q in items)
    clinician = client.get("/api/v1/rules?audience=clinician").get_json()
    assert clinician["escalations"][0]["title"] != body["escalations"][0]["title"]
