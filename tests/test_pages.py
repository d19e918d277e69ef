"""Every page in both registers, and what each result page must say."""

import re
from html import unescape

import pytest

from conftest import EXAMPLES

PAGES = ["/", "/rules", "/about", "/embed", "/embed/rules", "/embed/about"]
AUDIENCES = ["", "?audience=patient", "?audience=clinician"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("query", AUDIENCES)
def test_every_page_renders_in_both_registers(client, path, query):
    response = client.get(path + query)
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html and "<h1>" in html
    assert "A clinician decides" in html
    expected = "clinician" if "clinician" in query else "patient"
    assert f"You are reading the <strong>{expected}</strong> version" in html or path.endswith("about")


def test_unknown_audience_is_a_clear_400(client):
    response = client.get("/?audience=doctor")
    assert response.status_code == 400
    assert "audience must be one of: patient, clinician" in unescape(response.get_data(as_text=True))


def post(client, outcome, audience="patient", prefix=""):
    query = "?audience=clinician" if audience == "clinician" else ""
    return client.post(f"{prefix}/result{query}", data=EXAMPLES[outcome])


@pytest.mark.parametrize("outcome", EXAMPLES)
@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_result_page_explains_the_outcome_and_defers(client, app, outcome, audience):
    response = post(client, outcome, audience)
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    rules = app.extensions["hsg"].rules
    assert rules.outcomes[outcome][audience] in html
    assert rules.disclaimer[audience] in html
    assert f"version {rules.version}" in html and rules.short_hash in html
    assert ("The test" if audience == "clinician" else "What an HSG is") in html
    assert "recanalisation" in html, "the interventional-radiology note"
    assert ("Referral summary" in html) == (audience == "clinician")
    assert response.headers["Cache-Control"] == "no-store"


def test_result_shows_each_indication_with_its_reason_and_source(client, app):
    html = unescape(post(client, "commonly_recommended").get_data(as_text=True))
    rules = {i.id: i for i in app.extensions["hsg"].rules.indications}
    for indication_id in ("infertility", "prior_pelvic_infection"):
        rule = rules[indication_id]
        assert rule.patient.title in html and rule.patient.explanation in html
        assert rule.source.quote in html and rule.source.section in html
    assert "This came up because you answered:" in html
    assert "How long have you been trying to get pregnant? <strong>12 months or more</strong>" in html
    assert "Questions you were not sure about" in html


def test_not_yet_says_when_to_look_again(client):
    html = unescape(post(client, "not_yet").get_data(as_text=True))
    assert "after 12 months of trying" in html


def test_clinician_referral_summary_is_plain_text_with_version_and_sources(client, app):
    html = unescape(post(client, "commonly_recommended", "clinician").get_data(as_text=True))
    summary = re.search(r"<pre>(.*?)</pre>", html, re.S).group(1)
    rules = app.extensions["hsg"].rules
    assert "months_trying=12_or_more" in summary
    assert f"v{rules.version}, sha256 {rules.content_hash}" in summary
    assert 'Source: "When is an HSG Recommended?"' in summary
    assert "<" not in summary


def test_register_switch_reposts_answers_without_putting_them_in_the_url(client):
    html = unescape(post(client, "may_be_considered").get_data(as_text=True))
    switch = re.search(r'<div class="audience-switch">(.*?)</div>', html, re.S).group(1)
    assert 'method="post" action="/result?audience=clinician"' in switch
    for field, value in EXAMPLES["may_be_considered"].items():
        assert f'<input type="hidden" name="{field}" value="{value}">' in switch
    for href in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert not any(value in href for value in ("under_6", "35_to_39")), href


def test_embed_keeps_the_flow_inside_the_frame(client):
    html = unescape(client.get("/embed").get_data(as_text=True))
    assert 'action="/embed/result"' in html
    assert "<nav" not in html
    result = unescape(post(client, "no_indication", prefix="/embed").get_data(as_text=True))
    assert 'action="/embed/result?audience=clinician"' in result
    assert 'action="/embed/"' in result


def test_rules_page_lists_every_indication_with_its_quote(client, app):
    for query in ("", "?audience=clinician"):
        html = unescape(client.get("/rules" + query).get_data(as_text=True))
        for indication in app.extensions["hsg"].rules.indications:
            assert indication.source.quote in html
            assert f'id="{indication.id}"' in html
    assert app.extensions["hsg"].rules.rule_set.age_note in unescape(client.get("/rules?audience=clinician").get_data(as_text=True))


def test_about_states_the_intended_purpose_and_privacy(client):
    patient = unescape(client.get("/about").get_data(as_text=True))
    clinician = unescape(client.get("/about?audience=clinician").get_data(as_text=True))
    assert "Education and referral signposting" in clinician
    assert "Your answers are not stored" in patient and "sets no cookies" in patient


def test_healthz(client, app):
    body = client.get("/healthz").get_json()
    rules = app.extensions["hsg"].rules
    assert body == {"status": "ok", "rules_version": rules.version, "rules_hash": rules.content_hash}


@pytest.mark.parametrize("path,status", [("/nope", 404), ("/result", 405)])
def test_site_errors_are_friendly_pages(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    html = unescape(response.get_data(as_text=True))
    assert response.mimetype == "text/html" and "Traceback" not in html
    assert 'href="/">Go to the questions' in html.replace(' class="button"', "")
