"""FHIR that an integrator's own tools accept (issue 25): $assess as a FHIR operation, formats, versions,
narrative, and what a form filler shows."""

import json
import re
from xml.etree import ElementTree

import pytest
from conftest import EXAMPLES
from fhir_support import assessment_of, questionnaire_response, validate_fhir

from triage.core.ruleset import bundled_rules_file, load_rule_set
from triage.integrations.fhir_questionnaire import QUESTIONNAIRE_URL, help_link_id

QUESTIONNAIRE = "/fhir/Questionnaire/hsg-indications"
ASSESS = f"{QUESTIONNAIRE}/$assess"
OPERATION = "/fhir/OperationDefinition/Questionnaire-assess"
FHIR_JSON = "application/fhir+json"
VALID = EXAMPLES["commonly_recommended"]
VERSION = load_rule_set().version
PLAIN_JSON = {"Accept": "application/json"}
#: Every resource the server publishes.
SERVED = ["/fhir/metadata", QUESTIONNAIRE, OPERATION, "/fhir/CodeSystem/months-trying",
          "/fhir/CodeSystem/cds-override-reason", "/fhir/ValueSet/pelvic-pain"]


def parameters(response) -> dict[str, object]:
    assert response.status_code == 200 and response.mimetype == FHIR_JSON, response.get_data(as_text=True)
    body = response.get_json(force=True)
    validate_fhir(body)
    assert body["resourceType"] == "Parameters"
    names = [p["name"] for p in body["parameter"]]
    assert len(names) == len(set(names))
    return {p["name"]: next(v for k, v in p.items() if k.startswith("value")) for p in body["parameter"]}


def wrapped(resource, **extra) -> dict:
    return {"resourceType": "Parameters",
            "parameter": [{"name": "response", "resource": resource},
                          *({"name": name, "valueCode": value} for name, value in extra.items())]}


# ---------------------------------------------------------------------------
# 1. $assess answers a Parameters, and reads one


@pytest.mark.parametrize("outcome", list(EXAMPLES))
@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_assess_answers_a_parameters_with_the_json_apis_assessment_and_its_key_facts(client, outcome, audience):
    answers = EXAMPLES[outcome]
    api = client.post("/api/v1/assessments", json={**answers, "audience": audience})
    response = client.post(f"{ASSESS}?audience={audience}", json=questionnaire_response(answers))
    facts = parameters(response)
    assert facts["assessment"] == api.get_data(as_text=True), "the JSON API's body, byte for byte"
    body = api.get_json()
    assert facts == {"outcome": body["outcome"], "next-step-timing": body["next_step"]["timing"],
                     "answer-code": body["answer_code"], "rules-version": VERSION,
                     "assessment": api.get_data(as_text=True)}
    names = [p["name"] for p in response.get_json(force=True)["parameter"]]
    assert names == ["outcome", "next-step-timing", "answer-code", "rules-version", "assessment"]


def test_the_parameters_are_the_ones_the_operation_definition_declares(client):
    definition = client.get(OPERATION).get_json(force=True)
    out = {p["name"]: p for p in definition["parameter"] if p["use"] == "out"}
    spanish = client.post(ASSESS, json=questionnaire_response(VALID), headers={"Accept-Language": "es"})
    for parameter in spanish.get_json(force=True)["parameter"]:
        declared = out[parameter["name"]]
        value_type = next(k for k in parameter if k.startswith("value"))
        assert value_type == "value" + declared["type"][0].upper() + declared["type"][1:]
    required = {name for name, p in out.items() if p["min"] == 1}
    assert required <= {p["name"] for p in spanish.get_json(force=True)["parameter"]}


def test_a_translation_says_whether_it_is_reviewed(client):
    response = client.post(ASSESS, json=questionnaire_response(VALID), headers={"Accept-Language": "es"})
    facts = parameters(response)
    assert facts["translation-reviewed"] is json.loads(facts["assessment"])["translation"]["reviewed"]
    assert json.loads(facts["assessment"])["language"] == "es"


@pytest.mark.parametrize("accept", ["application/json", "application/json, application/fhir+json;q=0.5"])
def test_accept_application_json_keeps_todays_json(client, accept):
    api = client.post("/api/v1/assessments", json={**VALID, "audience": "clinician"})
    response = client.post(f"{ASSESS}?audience=clinician", json=questionnaire_response(VALID),
                           headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_data() == api.get_data()


@pytest.mark.parametrize("accept", [None, "*/*", FHIR_JSON, "application/fhir+json, application/json",
                                    "application/fhir+xml, application/fhir+json;q=0.5"])
def test_fhir_json_is_the_default(client, accept):
    headers = {"Accept": accept} if accept else {}
    assert parameters(client.post(ASSESS, json=questionnaire_response(VALID), headers=headers))["outcome"] == \
        "commonly_recommended"


def test_a_parameters_body_is_read_like_the_bare_response(client):
    bare = client.post(f"{ASSESS}?audience=clinician", json=questionnaire_response(VALID))
    body = wrapped(questionnaire_response(VALID))
    validate_fhir(body)
    in_parameters = client.post(f"{ASSESS}?audience=clinician", data=json.dumps(body), content_type=FHIR_JSON)
    assert in_parameters.get_data() == bare.get_data()
    as_json = client.post(f"{ASSESS}?audience=clinician", json=body, headers=PLAIN_JSON)
    assert as_json.get_json()["outcome"] == "commonly_recommended"


def test_the_audience_may_be_a_parameter(client):
    clinician = client.post(f"{ASSESS}?audience=clinician", json=questionnaire_response(VALID))
    assert client.post(ASSESS, json=wrapped(questionnaire_response(VALID), audience="clinician")).get_data() == \
        clinician.get_data()
    agreeing = client.post(f"{ASSESS}?audience=clinician", json=wrapped(questionnaire_response(VALID), audience="clinician"))
    assert agreeing.get_data() == clinician.get_data()


def _issues(response, status):
    assert response.status_code == status and response.mimetype == FHIR_JSON, response.get_data(as_text=True)
    body = response.get_json(force=True)
    validate_fhir(body)
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"]


@pytest.mark.parametrize("body", [
    {"resourceType": "Parameters"},
    {"resourceType": "Parameters", "parameter": []},
    {"resourceType": "Parameters", "parameter": [{"name": "return", "resource": questionnaire_response(VALID)}]},
    {"resourceType": "Parameters", "parameter": [{"name": "response", "valueString": "x"}]},
    {"resourceType": "Parameters", "parameter": [{"name": "response", "resource": questionnaire_response(VALID)}] * 2},
    {**wrapped(questionnaire_response(VALID)), "parameter": [*wrapped(questionnaire_response(VALID))["parameter"],
                                                             {"name": "colour", "valueString": "blue"}]},
    {**wrapped(questionnaire_response(VALID)), "parameter": [*wrapped(questionnaire_response(VALID))["parameter"], 3]},
    wrapped(questionnaire_response(VALID), audience="doctor"),
])
def test_a_parameters_body_without_one_response_is_refused(client, body):
    (issue,) = _issues(client.post(ASSESS, json=body), 400)
    assert "'response'" in issue["diagnostics"] and issue["expression"][0].startswith("Parameters.parameter")


def test_an_audience_parameter_that_contradicts_the_url_is_refused(client):
    (issue,) = _issues(client.post(f"{ASSESS}?audience=patient",
                                   json=wrapped(questionnaire_response(VALID), audience="clinician")), 400)
    assert issue["code"] == "value"


def test_a_bad_response_inside_parameters_names_its_link_id(client):
    resource = questionnaire_response(VALID)
    resource["item"][5]["answer"] = []
    (issue,) = _issues(client.post(ASSESS, json=wrapped(resource)), 422)
    assert "linkId='pelvic_pain'" in issue["expression"][0]


# ---------------------------------------------------------------------------
# 2. Formats: JSON only, and a 406 rather than JSON to a client that cannot read it

EVERY_ROUTE = [("GET", path) for path in [*SERVED, "/fhir/Questionnaire?url=" + QUESTIONNAIRE_URL, "/fhir/nowhere"]] + \
              [("POST", ASSESS)]


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
@pytest.mark.parametrize(("query", "headers"), [
    ("_format=xml", {}),
    ("_format=application/fhir%2Bxml", {}),
    ("_format=application/fhir+xml", {}),  # an unencoded `+`, as clients send it
    ("_format=xml", {"Accept": FHIR_JSON}),  # _format wins
    ("", {"Accept": "application/fhir+xml"}),
    ("", {"Accept": "application/xml, text/xml;q=0.9"}),
])
def test_xml_is_not_acceptable(client, method, path, query, headers):
    target = f"{path}{'&' if '?' in path else '?'}{query}" if query else path
    response = client.open(target, method=method, headers=headers, json=questionnaire_response(VALID))
    (issue,) = _issues(response, 406)
    assert issue["code"] == "not-supported" and "application/fhir+json" in issue["diagnostics"]


@pytest.mark.parametrize("query", ["_format=json", "_format=application/fhir%2Bjson", "_format=application/fhir+json",
                                   "_format=application/json"])
def test_json_formats_are_served(client, query):
    for path in SERVED:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200 and response.mimetype == FHIR_JSON, path
    assert parameters(client.post(f"{ASSESS}?{query}", json=questionnaire_response(VALID),
                                  headers=PLAIN_JSON))["outcome"] == "commonly_recommended", "_format beats Accept"


def test_xml_with_a_json_alternative_is_served_json(client):
    response = client.get(QUESTIONNAIRE, headers={"Accept": "application/fhir+xml, application/fhir+json;q=0.8"})
    assert response.status_code == 200 and response.mimetype == FHIR_JSON


def test_the_capability_statement_says_only_what_the_server_does(client):
    statement = client.get("/fhir/metadata").get_json(force=True)
    assert statement["format"] == ["json", "application/fhir+json"]
    (rest,) = statement["rest"]
    assert rest["security"]["cors"] is True
    preflight = client.options(QUESTIONNAIRE, headers={"Origin": "https://forms.example.org",
                                                       "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert client.options(f"{QUESTIONNAIRE}?_format=xml").status_code == 200, "a preflight is never a 406"


# ---------------------------------------------------------------------------
# 3. Versions follow the rule set


def _canonicals(value):
    """Every `...hsg-triage.invalid...|version` string in a resource."""
    if isinstance(value, dict):
        return [c for v in value.values() for c in _canonicals(v)]
    if isinstance(value, list):
        return [c for v in value for c in _canonicals(v)]
    if isinstance(value, str):
        return re.findall(r"hsg-triage\.invalid/[^|\s<]*\|([0-9][0-9A-Za-z.+-]*[0-9A-Za-z])", value)
    return []


def _versions_served(client) -> set[str]:
    versions = set()
    for path in SERVED:
        body = client.get(path).get_json(force=True)
        versions.add(body["version"])
        versions.update(_canonicals(body))
        for include in body.get("compose", {}).get("include", []):
            versions.add(include["version"])
    return versions


def test_every_version_is_the_rule_sets(client):
    assert _versions_served(client) == {VERSION}
    assert client.get("/fhir/metadata").get_json()["software"]["version"] != "", "the package's own version"


def test_a_local_rule_set_versions_the_questionnaire(make_app, tmp_path):
    local = tmp_path / "clinic-rules.toml"
    local.write_text(bundled_rules_file().read_text(encoding="utf-8")
                     .replace(f'version = "{VERSION}"', 'version = "1.3.0-riverside.1"'), encoding="utf-8")
    client = make_app(HSG_RULES_FILE=str(local)).test_client()
    assert _versions_served(client) == {"1.3.0-riverside.1"}
    for named in (f"{QUESTIONNAIRE_URL}|1.3.0-riverside.1", f"{QUESTIONNAIRE_URL}|{VERSION}", f"{QUESTIONNAIRE_URL}|1.0.0"):
        response = client.post(ASSESS, json={**questionnaire_response(VALID), "questionnaire": named})
        assert parameters(response)["rules-version"] == "1.3.0-riverside.1"


@pytest.mark.parametrize("query", [f"url={QUESTIONNAIRE_URL}", f"url={QUESTIONNAIRE_URL}&version={VERSION}",
                                   f"url={QUESTIONNAIRE_URL}%7C{VERSION}", "", f"version={VERSION}"])
def test_search_by_canonical_finds_the_questionnaire(client, query):
    response = client.get(f"/fhir/Questionnaire?{query}")
    assert response.status_code == 200 and response.mimetype == FHIR_JSON
    bundle = response.get_json(force=True)
    validate_fhir(bundle)
    assert bundle["type"] == "searchset" and bundle["total"] == 1
    (entry,) = bundle["entry"]
    assert entry["resource"] == client.get(QUESTIONNAIRE).get_json(force=True)
    assert entry["fullUrl"] == f"http://localhost{QUESTIONNAIRE}" and entry["search"]["mode"] == "match"


@pytest.mark.parametrize("query", [f"url={QUESTIONNAIRE_URL}&version=1.0.0", f"url={QUESTIONNAIRE_URL}%7C9.9.9",
                                   "url=http://example.org/Questionnaire/phq-9", "version=0.1"])
def test_search_for_another_canonical_finds_nothing(client, query):
    bundle = client.get(f"/fhir/Questionnaire?{query}").get_json(force=True)
    validate_fhir(bundle)
    assert bundle["type"] == "searchset" and bundle["total"] == 0 and bundle["entry"] == []


# ---------------------------------------------------------------------------
# 4. Narrative on every resource

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize("path", SERVED)
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_served_resource_has_a_generated_narrative(client, path, language):
    body = client.get(f"{path}?lang={language}").get_json(force=True)
    assert body["text"]["status"] == "generated"
    div = ElementTree.fromstring(body["text"]["div"])  # well-formed XHTML, or this raises
    assert div.tag == f"{XHTML}div"
    assert {element.tag.removeprefix(XHTML) for element in div.iter()} <= {"div", "p", "b", "ul", "li"}
    words = " ".join(div.itertext())
    assert body.get("title", "") in words and len(words) > 40


def test_the_narrative_escapes_what_it_quotes(client):
    from triage.integrations.fhir_narrative import narrative

    div = narrative("<b>x</b> & y", "it's \"quoted\"", listed=["a < b"])["div"]
    assert ElementTree.fromstring(div).findtext(f"{XHTML}p/{XHTML}b") == "<b>x</b> & y"
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in div and "a &lt; b" in div
    assert "assessment&#x27;s" in client.get(OPERATION).get_json()["text"]["div"]


# ---------------------------------------------------------------------------
# 5. What a form filler shows


def test_the_disclaimer_is_shown_first_after_any_translation_notice(client, app):
    from triage.state import hsg

    english = client.get(QUESTIONNAIRE).get_json()
    disclaimer = english["item"][0]
    assert disclaimer["linkId"] == "disclaimer" and disclaimer["type"] == "display"
    assert disclaimer["text"] == hsg(app).settings.rules.disclaimer.patient
    spanish = client.get(QUESTIONNAIRE, headers={"Accept-Language": "es"}).get_json()
    assert [item["linkId"] for item in spanish["item"][:3]] == ["translation-notice", "disclaimer", "months_trying"]
    assert spanish["item"][1]["text"] == hsg(app).localised("es").rules.disclaimer.patient


def test_choices_are_vertical_and_help_is_shown_as_text(client):
    for item in client.get(QUESTIONNAIRE).get_json()["item"][1:]:
        assert {"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-choiceOrientation",
                "valueCode": "vertical"} in item["extension"]
        (help_item,) = item["item"]
        assert help_item["type"] == "display" and help_item["text"] and "extension" not in help_item


def test_a_response_that_echoes_every_display_item_is_read(client):
    """What a form filler such as LHC-Forms sends back: the display items as shown, without answers."""
    spanish = client.get(QUESTIONNAIRE, headers={"Accept-Language": "es"}).get_json()
    response = questionnaire_response(VALID)
    for item in response["item"]:
        item["item"] = [{"linkId": help_link_id(item["linkId"]), "text": "help"}]
    response["item"][:0] = [{"linkId": item["linkId"], "text": item["text"]} for item in spanish["item"][:2]]
    response["questionnaire"] = f"{QUESTIONNAIRE_URL}|{VERSION}"
    validate_fhir(response)
    assert assessment_of(client.post(ASSESS, json=response, headers={"Accept-Language": "es"}))["outcome"] == \
        "commonly_recommended"
    response["item"][1]["answer"] = [{"valueString": "I agree"}]
    (issue,) = _issues(client.post(ASSESS, json=response), 422)
    assert "disclaimer" in issue["diagnostics"]
