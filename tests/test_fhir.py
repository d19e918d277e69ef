"""FHIR: the Questionnaire is valid R4 and is the form's questions; a QuestionnaireResponse is assessed like the JSON API."""

import json

import pytest
from conftest import EXAMPLES, all_answer_combinations
from fhir_support import questionnaire_response, validate_fhir

from triage.core.answers import ALLOWED, FIELDS
from triage.core.questions import load_questions
from triage.core.ruleset import load_rule_set
from triage.integrations.fhir_questionnaire import (
    QUESTIONNAIRE_URL,
    code_system,
    help_link_id,
)

QUESTIONNAIRE = "/fhir/Questionnaire/hsg-indications"
ASSESS = "/fhir/Questionnaire/hsg-indications/$assess"
FHIR_JSON = "application/fhir+json"
VALID = EXAMPLES["commonly_recommended"]
#: The Questionnaire's version is the bundled rule set's (the app in these tests runs it).
QUESTIONNAIRE_VERSION = load_rule_set().version
QUESTIONNAIRE_CANONICAL = f"{QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}"
#: Clients of the JSON API ask $assess for the same JSON.
PLAIN_JSON = {"Accept": "application/json"}

# R4 (4.0.1) required bindings that the R4B models do not enforce.
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text",
              "url", "choice", "open-choice", "attachment", "reference", "quantity"}
ISSUE_TYPES = {"invalid", "structure", "required", "value", "invariant", "security", "login", "unknown", "expired",
               "forbidden", "suppressed", "processing", "not-supported", "duplicate", "multiple-matches", "not-found",
               "deleted", "too-long", "code-invalid", "extension", "too-costly", "business-rule", "conflict",
               "transient", "lock-error", "no-store", "exception", "timeout", "incomplete", "throttled",
               "informational"}
ITEM_CONTROL_CODES = {"radio-button"}  # in R4's questionnaire-item-control value set
CHOICE_ORIENTATION = "http://hl7.org/fhir/StructureDefinition/questionnaire-choiceOrientation"


def test_questionnaire_is_valid_r4(client):
    response = client.get(QUESTIONNAIRE)
    assert response.status_code == 200 and response.mimetype == FHIR_JSON
    body = response.get_json(force=True)
    validate_fhir(body)
    assert body["url"] == QUESTIONNAIRE_URL and body["status"] in PUBLICATION_STATUS
    assert body["version"] and body["name"].isidentifier() and body["title"]
    for item in body["item"]:
        assert item["type"] in ITEM_TYPES
        for child in item.get("item", []):
            assert child["type"] in ITEM_TYPES
        for extension in item.get("extension", []) + [e for child in item.get("item", []) for e in child.get("extension", [])]:
            if extension["url"] == CHOICE_ORIENTATION:
                assert extension["valueCode"] in ("horizontal", "vertical")
            else:
                assert extension["valueCodeableConcept"]["coding"][0]["code"] in ITEM_CONTROL_CODES


def test_questionnaire_is_the_forms_questions(client):
    body = client.get(QUESTIONNAIRE).get_json(force=True)
    questions = load_questions()
    assert [item["linkId"] for item in body["item"]] == ["disclaimer", *FIELDS]
    for item, question in zip(body["item"][1:], questions):
        assert item["type"] == "choice" and item["required"] is True and item["repeats"] is False
        assert item["text"] == question.label
        codings = [option["valueCoding"] for option in item["answerOption"]]
        assert [c["code"] for c in codings] == list(ALLOWED[question.field])
        assert {c["system"] for c in codings} == {code_system(question.field)}
        assert [c["display"] for c in codings] == [o.label for o in question.options]
        (help_item,) = item["item"]
        assert help_item["linkId"] == help_link_id(question.field) and help_item["text"] == question.hint
        assert help_item["type"] == "display" and "extension" not in help_item, "shown as text, not behind a button"


def test_example_responses_are_valid_r4():
    for answers in EXAMPLES.values():
        validate_fhir(questionnaire_response(answers))


# Exhaustive over the integration: in the full run, not the quick subset (`-m "not slow"`).
@pytest.mark.slow
def test_every_combination_assesses_like_the_json_api(client):
    checked = 0
    for answers in all_answer_combinations():
        for audience in ("patient", "clinician"):
            via_fhir = client.post(f"{ASSESS}?audience={audience}", json=questionnaire_response(answers),
                                   headers=PLAIN_JSON)
            via_api = client.post("/api/v1/assessments", json={**answers, "audience": audience})
            assert via_fhir.status_code == 200 and via_fhir.mimetype == "application/json", answers
            assert via_fhir.get_json() == via_api.get_json(), answers
        checked += 1
    assert checked == 2700


def test_fhir_json_content_type_and_record_system_extras_are_accepted(client):
    resource = questionnaire_response(
        VALID,
        status="amended",
        id="qr-1",
        subject={"reference": "Patient/123"},
        authored="2025-03-01T09:30:00Z",
        author={"reference": "Practitioner/9"},
        text={"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">answers</div>"},
    )
    resource["questionnaire"] += f"|{QUESTIONNAIRE_VERSION}"
    resource["item"][0]["text"] = "How long have you been trying to get pregnant?"
    resource["item"][0]["answer"][0]["valueCoding"]["display"] = "12 months or more"
    resource["item"][0]["item"] = [{"linkId": help_link_id("months_trying"), "text": "help"}]
    response = client.post(ASSESS, data=json.dumps(resource), content_type="application/fhir+json; fhirVersion=4.0",
                           headers=PLAIN_JSON)
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "commonly_recommended"


def outcome(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == FHIR_JSON
    body = response.get_json(force=True)
    validate_fhir(body)
    assert body["resourceType"] == "OperationOutcome" and body["issue"]
    for issue in body["issue"]:
        assert issue["severity"] == "error" and issue["code"] in ISSUE_TYPES and issue["diagnostics"]
    return body["issue"]


def _without(field):
    resource = questionnaire_response(VALID)
    resource["item"] = [item for item in resource["item"] if item["linkId"] != field]
    return resource


def _answer(field, answer):
    resource = questionnaire_response(VALID)
    next(item for item in resource["item"] if item["linkId"] == field)["answer"] = answer
    return resource


def _coding(field, **coding):
    return _answer(field, [{"valueCoding": {"system": code_system(field), "code": VALID[field], **coding}}])


@pytest.mark.parametrize(
    ("resource", "link_id", "code"),
    [
        (_without("age_bracket"), "age_bracket", "required"),
        (_answer("pelvic_pain", []), "pelvic_pain", "required"),
        (_answer("pelvic_pain", None), "pelvic_pain", "required"),
        (_answer("pelvic_pain", [{"valueString": "yes"}]), "pelvic_pain", "value"),
        (_answer("pelvic_pain", [{"valueBoolean": True}]), "pelvic_pain", "value"),
        (_answer("pelvic_pain", ["yes"]), "pelvic_pain", "value"),
        (_answer("pelvic_pain", [{"valueCoding": {"system": code_system("pelvic_pain"), "code": "yes"}},
                                 {"valueCoding": {"system": code_system("pelvic_pain"), "code": "no"}}]), "pelvic_pain", "value"),
        (_coding("pelvic_pain", code="YES"), "pelvic_pain", "code-invalid"),
        (_coding("pelvic_pain", code="12_or_more"), "pelvic_pain", "code-invalid"),
        (_coding("pelvic_pain", code=None), "pelvic_pain", "code-invalid"),
        (_coding("pelvic_pain", system=code_system("pelvic_surgery")), "pelvic_pain", "code-invalid"),
        (_coding("pelvic_pain", system=None), "pelvic_pain", "code-invalid"),
    ],
)
def test_a_bad_item_is_named_by_its_link_id(client, resource, link_id, code):
    issues = outcome(client.post(ASSESS, json=resource), 422)
    assert [issue["code"] for issue in issues] == [code]
    assert f"linkId='{link_id}'" in issues[0]["expression"][0]
    assert link_id in issues[0]["diagnostics"]


def test_unknown_duplicate_and_missing_items_are_all_reported(client):
    resource = _without("age_bracket")
    resource["item"].append({"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]})
    resource["item"].append(resource["item"][0])
    issues = outcome(client.post(ASSESS, json=resource), 422)
    by_code = {}
    for issue in issues:
        by_code.setdefault(issue["code"], []).append(issue)
    assert "favourite_colour" in by_code["structure"][0]["diagnostics"]
    assert "more than once" in by_code["structure"][1]["diagnostics"]
    assert "linkId='months_trying'" in by_code["structure"][1]["expression"][0]
    assert by_code["required"][0]["expression"] == ["QuestionnaireResponse.item.where(linkId='age_bracket')"]


def test_nested_answers_are_refused(client):
    resource = questionnaire_response(VALID)
    resource["item"][2]["item"] = [{"linkId": "something", "answer": [{"valueString": "x"}]}]
    resource["item"][3]["answer"][0]["item"] = [{"linkId": "x"}]
    issues = outcome(client.post(ASSESS, json=resource), 422)
    assert [i["expression"][0] for i in issues] == [
        "QuestionnaireResponse.item.where(linkId='pregnancy_losses').item",
        "QuestionnaireResponse.item.where(linkId='pelvic_infection').answer[0].item",
    ]


@pytest.mark.parametrize(
    ("change", "expression"),
    [
        ({"questionnaire": "http://example.org/Questionnaire/phq-9"}, "QuestionnaireResponse.questionnaire"),
        ({"questionnaire": None}, "QuestionnaireResponse.questionnaire"),
        ({"questionnaire": "Questionnaire/hsg-indications"}, "QuestionnaireResponse.questionnaire"),
        ({"status": "entered-in-error"}, "QuestionnaireResponse.status"),
        ({"status": None}, "QuestionnaireResponse.status"),
        ({"status": "final"}, "QuestionnaireResponse.status"),
    ],
)
def test_wrong_questionnaire_or_status(client, change, expression):
    resource = {**questionnaire_response(VALID), **change}
    resource = {k: v for k, v in resource.items() if v is not None}
    issues = outcome(client.post(ASSESS, json=resource), 422)
    assert [issue["expression"] for issue in issues] == [[expression]]


@pytest.mark.parametrize(
    "body",
    [[], "QuestionnaireResponse", 3, None, {}, {"resourceType": "Patient", "id": "1"}, {"item": []}],
)
def test_not_a_questionnaire_response(client, body):
    outcome(client.post(ASSESS, data=json.dumps(body), content_type=FHIR_JSON), 400)


def test_items_that_are_not_a_list_or_not_objects(client):
    issues = outcome(client.post(ASSESS, json={**questionnaire_response(VALID), "item": {"linkId": "x"}}), 422)
    assert issues[0]["expression"] == ["QuestionnaireResponse.item"]
    issues = outcome(client.post(ASSESS, json={**questionnaire_response(VALID), "item": ["months_trying", {"linkId": 3}]}), 422)
    assert [i["expression"][0] for i in issues[:2]] == ["QuestionnaireResponse.item[0]", "QuestionnaireResponse.item[1]"]
    assert len(issues) == 2 + len(FIELDS)


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe{}", b"", b"[" * 20_000 + b"]" * 20_000, b"<QuestionnaireResponse/>"])
def test_malformed_json_is_400(client, raw):
    outcome(client.post(ASSESS, data=raw, content_type=FHIR_JSON), 400)


@pytest.mark.parametrize("content_type", ["application/fhir+xml", "text/plain", "application/x-www-form-urlencoded", ""])
def test_not_json_is_415(client, content_type):
    outcome(client.post(ASSESS, data=json.dumps(questionnaire_response(VALID)), content_type=content_type), 415)


def test_size_limit(client):
    padded = questionnaire_response(VALID, text={"status": "generated", "div": "<div>" + "x" * 20_000 + "</div>"})
    assert client.post(ASSESS, json=padded).status_code == 200, "a 20 KiB response is accepted here"
    padded["text"]["div"] = "<div>" + "x" * 70_000 + "</div>"
    assert outcome(client.post(ASSESS, json=padded), 413)[0]["code"] == "too-long"
    # The rest of the app keeps its small limit.
    assert client.post("/api/v1/assessments", json={**VALID, "padding": "x" * 20_000}).status_code == 413


def test_bad_audience(client):
    outcome(client.post(f"{ASSESS}?audience=doctor", json=questionnaire_response(VALID)), 400)


def test_elsewhere_under_fhir_is_an_operation_outcome(client):
    assert outcome(client.get("/fhir/Questionnaire/phq-9"), 404)[0]["code"] == "not-found"
    assert outcome(client.get("/fhir/CodeSystem/favourite-colour"), 404)
    assert outcome(client.get("/fhir/ValueSet/favourite-colour"), 404)
    assert outcome(client.post("/fhir/metadata"), 405)
    response = client.get(ASSESS)
    outcome(response, 405)
    assert response.headers["Allow"] == "POST, OPTIONS"
    assert outcome(client.delete(QUESTIONNAIRE), 405)


def test_cross_origin_and_security_headers(client):
    response = client.get(QUESTIONNAIRE, headers={"Origin": "https://forms.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    preflight = client.options(ASSESS, headers={"Origin": "https://forms.example.org",
                                                "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


# ---------------------------------------------------------------------------
# Conformance: what an integrator's tooling reads instead of our prose.

OPERATION = "/fhir/OperationDefinition/Questionnaire-assess"


def fhir_get(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == FHIR_JSON, path
    body = response.get_json(force=True)
    validate_fhir(body)
    assert body["status"] in PUBLICATION_STATUS
    return body


def test_capability_statement_names_the_questionnaire_and_assess(client):
    statement = fhir_get(client, "/fhir/metadata")
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"
    assert statement["kind"] == "instance" and statement["format"] == ["json", "application/fhir+json"]
    (rest,) = statement["rest"]
    assert rest["mode"] == "server" and rest["security"]["cors"] is True
    by_type = {resource["type"]: resource for resource in rest["resource"]}
    assert set(by_type) == {"Questionnaire", "CodeSystem", "ValueSet", "OperationDefinition"}
    questionnaire = by_type["Questionnaire"]
    assert QUESTIONNAIRE_CANONICAL in questionnaire["documentation"]
    (operation,) = questionnaire["operation"]
    assert operation["name"] == "assess"
    # The operation's definition is served at a URL of its own, and is the one named.
    definition = fhir_get(client, OPERATION)
    assert operation["definition"] == f"{definition['url']}|{definition['version']}"


def test_operation_definition_describes_assess(client):
    definition = fhir_get(client, OPERATION)
    assert definition["code"] == "assess" and definition["kind"] == "operation"
    assert definition["resource"] == ["Questionnaire"] and definition["instance"] is True
    assert definition["type"] is False and definition["system"] is False and definition["affectsState"] is False
    parameters = {(p["use"], p["name"]): p for p in definition["parameter"]}
    assert parameters[("in", "response")]["type"] == "QuestionnaireResponse" and parameters[("in", "response")]["min"] == 1
    assert ("in", "audience") in parameters
    assert [p["name"] for p in definition["parameter"] if p["use"] == "out"] == \
           ["outcome", "next-step-timing", "answer-code", "rules-version", "translation-reviewed", "assessment"]
    assert QUESTIONNAIRE_CANONICAL in definition["description"]


def test_every_answer_coding_is_defined_by_a_served_code_system_and_value_set(client):
    questionnaire = client.get(QUESTIONNAIRE).get_json(force=True)
    for item in questionnaire["item"]:
        if item["type"] == "display":
            continue
        codings = [option["valueCoding"] for option in item["answerOption"]]
        (system,) = {coding["system"] for coding in codings}
        system_id = system.rsplit("/", 1)[1]
        code_system_body = fhir_get(client, f"/fhir/CodeSystem/{system_id}")
        assert code_system_body["url"] == system and code_system_body["content"] == "complete"
        assert [(c["code"], c["display"]) for c in code_system_body["concept"]] == \
               [(c["code"], c["display"]) for c in codings]
        assert code_system_body["count"] == len(codings)
        value_set = fhir_get(client, f"/fhir/ValueSet/{system_id}")
        assert value_set["url"] == code_system_body["valueSet"]
        assert value_set["compose"]["include"] == [{"system": system, "version": code_system_body["version"]}]


def test_the_cards_override_reasons_have_a_served_code_system(client):
    body = fhir_get(client, "/fhir/CodeSystem/cds-override-reason")
    from triage.integrations.cds_feedback import override_reasons

    assert body["url"] == {reason["system"] for reason in override_reasons()}.pop()
    assert [(c["code"], c["display"]) for c in body["concept"]] == [(r["code"], r["display"]) for r in override_reasons()]


# 1.0.0: the version the Questionnaire carried before it followed the rule set; same major, same questions.
@pytest.mark.parametrize("questionnaire", [QUESTIONNAIRE_URL, QUESTIONNAIRE_CANONICAL, f"{QUESTIONNAIRE_URL}|1.0.0"])
def test_a_response_with_no_version_or_this_major_version_is_assessed(client, questionnaire):
    response = client.post(ASSESS, json={**questionnaire_response(VALID), "questionnaire": questionnaire},
                           headers=PLAIN_JSON)
    assert response.status_code == 200 and response.get_json()["outcome"] == "commonly_recommended"


@pytest.mark.parametrize("version", ["0.9.0", "2.0.0", "latest"])
def test_a_response_to_another_version_gets_a_clear_operation_outcome(client, version):
    assert version != QUESTIONNAIRE_VERSION
    resource = {**questionnaire_response(VALID), "questionnaire": f"{QUESTIONNAIRE_URL}|{version}"}
    (issue,) = outcome(client.post(ASSESS, json=resource), 422)
    assert issue["code"] == "not-supported" and issue["expression"] == ["QuestionnaireResponse.questionnaire"]
    assert f"'{version}'" in issue["diagnostics"] and QUESTIONNAIRE_CANONICAL in issue["diagnostics"]


@pytest.mark.parametrize("path", ["/fhir/metadata", OPERATION, "/fhir/CodeSystem/pelvic-pain", "/fhir/ValueSet/pelvic-pain"])
def test_conformance_resources_answer_cross_origin(client, path):
    response = client.get(path, headers={"Origin": "https://forms.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
