"""Every page in both registers, and what each result page must say."""

import re
from html import unescape

import pytest
from conftest import EXAMPLES

from triage.core.answers import Answers
from triage.state import hsg
from triage.web.labels import OUTCOME_LABELS, REGISTERED
from triage.core.engine import HSG_IN_PLAY

PAGES = ["/", "/rules", "/about", "/embed", "/embed/rules", "/embed/about"]
AUDIENCES = ["", "?audience=patient", "?audience=clinician"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("query", AUDIENCES)
def test_every_page_renders_in_both_registers(client, path, query):
    response = client.get(path + query)
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert html.startswith("<!doctype html>")
    assert '<html lang="en" dir="ltr">' in html and "<h1>" in html
    assert "A clinician decides" in html
    other = "Show the patient version" if "clinician" in query else "Show the version for clinicians"
    assert f'<p class="audience-switch">' in html and other in html or path.endswith("about")


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
    rules = hsg(app).settings.rules
    assessment = hsg(app).localised("en").shown_engine.assess(Answers(**EXAMPLES[outcome]), audience)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    if assessment.outcome_could_change:  # rule set 1.2: the heading says the tool cannot tell yet, never a guess
        assert str(REGISTERED["cannot_tell_yet"][audience]) in h1
        panel = html[html.index('<section class="outcome'):html.index("</section>")]
        assert str(OUTCOME_LABELS[audience][outcome]) not in h1 and rules.outcomes[outcome][audience] not in panel
        assert str(REGISTERED["cannot_tell_why"][audience]) in panel
    else:
        assert str(OUTCOME_LABELS[audience][outcome]) in h1, "the heading names the outcome"
        assert rules.outcomes[outcome][audience] in html
    assert html.count("<h1") == 1
    assert assessment.next_step.text in html
    assert html.index(assessment.next_step.text) < html.index("</section>"), "the next step is in the outcome panel"
    assert rules.disclaimer[audience] in html
    assert "recanalisation" in html or assessment.safety is None, "the interventional-radiology note where an HSG is in play"
    assert ("Referral summary" in html) == (audience == "clinician")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("outcome", EXAMPLES)
def test_the_four_outcomes_look_different_in_words_and_shape(client, outcome):
    """Never colour alone: each outcome has its own heading words and its own panel class (border shape and mark)."""
    labels = {o: str(OUTCOME_LABELS["patient"][o]) for o in EXAMPLES}
    assert len(set(labels.values())) == len(labels)
    html = unescape(post(client, outcome).get_data(as_text=True))
    assert f'<section class="outcome outcome-{outcome}"' in html
    css = client.get(re.search(r'href="(/static/result\.[0-9a-f]+\.css)"', html).group(1)).get_data(as_text=True)
    assert f".outcome-{outcome}" in css or outcome == "commonly_recommended"


def test_patients_see_no_hash_and_clinicians_only_the_short_one(client, app):
    rules = hsg(app).settings.rules
    for outcome in EXAMPLES:
        patient = post(client, outcome).get_data(as_text=True)
        assert not re.search(r"\b[0-9a-f]{64}\b", patient) and rules.short_hash not in patient
        clinician = post(client, outcome, "clinician").get_data(as_text=True)
        assert not re.search(r"\b[0-9a-f]{64}\b", clinician) and rules.short_hash in clinician


def test_result_shows_each_indication_with_its_reason_and_source(client, app):
    html = unescape(post(client, "commonly_recommended").get_data(as_text=True))
    rules = {i.id: i for i in hsg(app).settings.rules.indications}
    for indication_id in ("infertility", "prior_pelvic_infection"):
        rule = rules[indication_id]
        assert rule.patient.title in html and rule.patient.explanation in html
        assert rule.source.quote in html and rule.source.section in html
    assert "Your answer: time trying to get pregnant: 12 months or more." in html
    assert "What you were not sure about" in html


def test_patient_order_outcome_escalations_reasons_unsure_before_during_after_sources_tool(client):
    answers = {**EXAMPLES["commonly_recommended"], "pelvic_surgery": "yes", "months_trying": "6_to_11"}
    html = unescape(client.post("/result", data=answers).get_data(as_text=True))
    order = ['class="outcome ', 'class="escalations"', 'id="reasons-title"', 'id="open-title"', 'id="context-before_hsg_patient"',
             "<summary>What happens during an HSG</summary>", 'id="context-after_hsg_patient"',
             "<summary>Where this information comes from</summary>", "What this tool is:", "<summary>Your answers</summary>"]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions), [m for m, _ in sorted(zip(order, positions), key=lambda x: x[1])]
    assert "Source:" not in html[:html.index("<summary>Where this information comes from</summary>")], "no inline citations"


def test_when_unsure_answers_could_change_the_outcome_the_heading_says_so(client):
    everything_unsure = dict(months_trying="prefer_not_to_say", age_bracket="prefer_not_to_say", pregnancy_losses="prefer_not_to_say",
                             pelvic_infection="unsure", pelvic_surgery="unsure", pelvic_pain="unsure")
    html = unescape(client.post("/result", data=everything_unsure).get_data(as_text=True))
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "We cannot tell yet from your answers" in h1
    assert html.index('id="open-title"') < html.index("</main>")
    assert not re.search(r"<h2[^>]*>", html[html.index("</h1>"):html.index('id="open-title"')]), "the open questions follow right there"
    settled = unescape(post(client, "commonly_recommended").get_data(as_text=True))  # pain unsure: cannot change a typical match
    assert "We cannot tell yet" not in settled


def test_no_hsg_in_play_no_test_details(client):
    for outcome in ("not_yet", "no_indication"):
        html = unescape(post(client, outcome).get_data(as_text=True))
        assert "What happens during an HSG" not in html and "Before an HSG" not in html and "After an HSG" not in html


def test_not_yet_says_when_to_look_again(client):
    html = unescape(post(client, "not_yet").get_data(as_text=True))
    assert "after 12 months of trying" in html


def test_clinician_page_is_a_summary_list_then_the_referral_summary(client, app):
    html = unescape(post(client, "commonly_recommended", "clinician").get_data(as_text=True))
    summary_list = html[html.index('<dl class="summary-list"'):html.index("</dl>", html.index('<dl class="summary-list"'))]
    for term in ("Indications", "Usual interval", "Unsure or withheld", "Not assessed"):
        assert f"<dt>{term}</dt>" in summary_list
    assert "Infertility</strong> (typical indication)" in summary_list
    assert html.index('class="outcome ') < html.index('class="summary-list"') < html.index('id="referral-summary"')
    assert html.index('id="referral-summary"') < html.index('id="context-before_referring"') < html.index("<details")
    for check in ("Semen analysis", "serum progesterone taken in the mid-luteal phase", "note the cycle day", "Chlamydia",
                  "rubella susceptibility", "cervical screening if it is due", "laparoscopy and dye"):
        assert check in html, check


def test_clinician_referral_summary_is_plain_dated_text_in_words(client, app):
    html = post(client, "commonly_recommended", "clinician").get_data(as_text=True)
    textarea = re.search(r"<textarea ([^>]*)>(.*?)</textarea>", html, re.S)
    assert "readonly" in textarea.group(1).split() and 'id="referral-summary"' in textarea.group(1)
    assert '<label for="referral-summary">' in html
    summary = unescape(textarea.group(2))
    rules = hsg(app).settings.rules
    assert re.search(r"^HSG indication summary, \d{1,2} [A-Z][a-z]+ \d{4}$", summary.splitlines()[0])
    assert "- Infertility (typical indication): trying to conceive: 12 months or more." in summary
    assert "- Age: Under 35" in summary
    assert "Not assessed by this tool: possible pregnancy, active pelvic infection, previous reaction to contrast dye" in summary
    assert f'Source of the indications: "{rules.rule_set.source_title}", section "When is an HSG Recommended?".' in summary
    assert f"Rule set: {rules.rule_set.name}, version {rules.version}." in summary
    assert "=" not in summary and "_" not in summary, "no codes"
    assert not re.search(r"[0-9a-f]{12,}", summary), "no hash"
    assert "patient-facing article" not in summary
    assert "<" not in summary


def test_referral_summary_names_every_unsure_answer_once_in_question_order(client):
    """The "Unsure or withheld" line is the one filled per request (web/result_page.py): its names
    are joined in question order, lower case, with a full stop."""
    answers = dict(EXAMPLES["commonly_recommended"], age_bracket="prefer_not_to_say", pelvic_surgery="unsure",
                   pelvic_pain="unsure")
    html = client.post("/result?audience=clinician", data=answers).get_data(as_text=True)
    summary = unescape(re.search(r"<textarea [^>]*>(.*?)</textarea>", html, re.S).group(1))
    assert "Unsure or withheld: age, previous pelvic surgery, and chronic pelvic pain." in summary.splitlines()
    all_known = dict(answers, age_bracket="under_35", pelvic_surgery="no", pelvic_pain="no")
    assert not {"unsure", "prefer_not_to_say"} & set(all_known.values())
    settled = client.post("/result?audience=clinician", data=all_known).get_data(as_text=True)
    assert "Unsure or withheld:" not in settled


def test_register_switch_reposts_answers_without_putting_them_in_the_url(client):
    html = unescape(post(client, "may_be_considered").get_data(as_text=True))
    switch = re.search(r'<form method="post" action="([^"]*)" class="register-switch">(.*?)</form>', html, re.S)
    assert switch.group(1) == "/result?audience=clinician"
    assert 'class="link-button">Show the version for clinicians</button>' in switch.group(2)
    for field, value in EXAMPLES["may_be_considered"].items():
        assert f'<input type="hidden" name="{field}" value="{value}">' in switch.group(2)
    for href in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert not any(value in href for value in ("under_6", "35_to_39")), href


def test_embed_keeps_the_flow_inside_the_frame(client):
    html = unescape(client.get("/embed").get_data(as_text=True))
    assert 'action="/embed/result"' in html
    assert 'aria-label="Site"' not in html, "no site navigation in a frame"
    assert 'href="/embed/?lang=es"' in html, "the language switch stays in the frame"
    result = unescape(post(client, "no_indication", prefix="/embed").get_data(as_text=True))
    assert 'action="/embed/result?audience=clinician"' in result
    assert 'action="/embed/"' in result


def test_rules_page_lists_every_indication_with_its_quote(client, app):
    for query in ("", "?audience=clinician"):
        html = unescape(client.get("/rules" + query).get_data(as_text=True))
        for indication in hsg(app).settings.rules.indications:
            assert indication.source.quote in html
            assert f'id="{indication.id}"' in html
    assert hsg(app).settings.rules.rule_set.age_note in unescape(client.get("/rules?audience=clinician").get_data(as_text=True))


def test_about_states_the_intended_purpose_and_privacy(client):
    patient = unescape(client.get("/about").get_data(as_text=True))
    clinician = unescape(client.get("/about?audience=clinician").get_data(as_text=True))
    assert "Education and referral signposting" in clinician
    assert "Your answers are not stored" in patient and "sets no cookies" in patient


def test_healthz(client, app):
    body = client.get("/healthz").get_json()
    rules = hsg(app).settings.rules
    assert body == {"status": "ok", "rules_version": rules.version, "rules_hash": rules.content_hash}


@pytest.mark.parametrize("path,status", [("/nope", 404), ("/result", 405)])
def test_site_errors_are_friendly_pages(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    html = unescape(response.get_data(as_text=True))
    assert response.mimetype == "text/html" and "Traceback" not in html
    assert 'href="/">Go to the questions' in html.replace(' class="button"', "")
