"""Rule set 1.2 where a patient or a GP would look: each point of the advice, on the rendered page in
both registers, and the next step and safety on every channel.

The contract test (test_contract.py) checks the JSON of all 2,700 answer sets; the engine's properties
(test_engine_properties.py) the couplings and that urgency never runs backwards. This file checks what
a reader sees. Hazards H14 to H20 (docs/clinical-safety/hazard-log.md) name these tests as their controls.
"""

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner
from fhir_support import assessment_of, questionnaire_response

from triage.cli import main
from triage.core.ruleset import load_rule_set

RULES = load_rule_set()
AUDIENCES = ["patient", "clinician"]

NONE = dict(months_trying="under_6", age_bracket="under_35", pregnancy_losses="none",
            pelvic_infection="no", pelvic_surgery="no", pelvic_pain="no")
WAITING = NONE  # not_yet: keep trying, with the reasons not to
RECURRENT_LOSS = {**NONE, "pregnancy_losses": "two"}
PAIN = {**NONE, "pelvic_pain": "yes"}
NOT_TRYING_AFTER_PID = {**NONE, "months_trying": "not_trying", "pelvic_infection": "yes"}
ONE_LOSS = {**NONE, "pregnancy_losses": "one"}
FORTY_AT_A_YEAR = {**NONE, "months_trying": "12_or_more", "age_bracket": "40_or_over"}
AFTER_PID_TRYING = {**NONE, "months_trying": "12_or_more", "pelvic_infection": "yes"}


def page(client, answers, audience="patient") -> str:
    query = "?audience=clinician" if audience == "clinician" else ""
    response = client.post(f"/result{query}", data=answers)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def panel(html: str) -> str:
    """The outcome panel: the heading and what to do next."""
    return html[html.index('<section class="outcome'):html.index("</section>")]


def api(client, answers, audience="patient") -> dict:
    response = client.post("/api/v1/assessments", json={**answers, "audience": audience})
    assert response.status_code == 200
    return response.get_json()


def qualification(indication_id: str, audience: str, number: int = -1) -> str:
    return RULES.indication(indication_id).qualifications[number][audience]


# --- 1. Overstated indications: qualified, with what comes first -------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_recurrent_miscarriage_is_in_some_cases_and_says_the_scan_comes_first(client, audience):
    html = page(client, RECURRENT_LOSS, audience)
    assert 'badge-in_some_cases' in html and 'badge-typical' not in html
    assert qualification("recurrent_miscarriage", audience) in html
    assert "3D" in qualification("recurrent_miscarriage", audience)
    assert 'outcome-may_be_considered' in html


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pain_infection_and_surgery_say_what_comes_first_or_instead(client, audience):
    html = page(client, {**PAIN, "pelvic_infection": "yes", "pelvic_surgery": "yes"}, audience)
    for indication_id in ("chronic_pelvic_pain", "prior_pelvic_infection", "prior_pelvic_surgery"):
        assert qualification(indication_id, audience) in html, indication_id
    assert "laparoscopy and dye" in qualification("prior_pelvic_infection", "clinician")
    assert "keyhole surgery with dye" in qualification("prior_pelvic_infection", "patient")


# --- 2. A fertility test not pressed on someone not trying ------------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_not_trying_after_an_infection_is_not_told_to_book_or_prepare(client, audience):
    """H17: no HSG preparation, no "book", and the page says HSG waits until trying."""
    body = api(client, NOT_TRYING_AFTER_PID, audience)
    assert body["safety"] is None and body["next_step"]["timing"] == "if_concerned"
    html = page(client, NOT_TRYING_AFTER_PID, audience)
    assert "What happens during an HSG" not in html and 'class="warning-callout"' not in html
    assert 'id="context-before_hsg_patient"' not in html and 'id="context-after_hsg_patient"' not in html
    assert qualification("prior_pelvic_infection", audience, 0) in html
    assert "usually no test needed" not in html.lower()


# --- 3 and 5. Urgency that never runs backwards; no interval beside an indication --------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_forty_or_over_at_a_year_is_told_now_not_book(client, audience):
    html = page(client, FORTY_AT_A_YEAR, audience)
    assert 'class="next-step next-step-now"' in html and 'id="escalation-age_40_or_over"' in html
    assert api(client, FORTY_AT_A_YEAR)["next_step"]["timing"] == "now"


@pytest.mark.parametrize("answers", [PAIN, RECURRENT_LOSS, AFTER_PID_TRYING], ids=["pain", "losses", "infection"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_waiting_interval_beside_an_indication(client, answers, audience):
    """H18: "look for a cause after 12 months" never stands beside pain, miscarriage or infection."""
    html = page(client, answers, audience)
    assert "months of trying in all" not in html and "Do not wait for the interval" not in html
    assert api(client, answers, audience)["revisit_after_months"] is None


# --- 4 and 6. Keep trying, and when not to; the next step on every channel --------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_keep_trying_comes_with_the_reasons_not_to_wait(client, audience):
    """H14: a `not_yet` result lists the reasons to see someone now, in the outcome panel."""
    html = panel(page(client, WAITING, audience))
    assert "12 months of trying in all" in html
    for reason in RULES.waiting.see_sooner_if[audience]:
        assert reason in html, reason
    assert api(client, WAITING, audience)["next_step"]["see_sooner_if"] == RULES.waiting.see_sooner_if[audience]


def test_the_next_step_is_in_every_channel(client, monkeypatch):
    for name in ("HSG_RULES_FILE", "HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    for answers in (WAITING, AFTER_PID_TRYING, NOT_TRYING_AFTER_PID):
        step = api(client, answers, "clinician")["next_step"]
        assert step["text"] in panel(page(client, answers, "clinician"))
        options = [part for field, value in answers.items() for part in ("--" + field.replace("_", "-"), value)]
        text = CliRunner().invoke(main, ["assess", *options, "--audience", "clinician"]).output
        assert step["text"] in text
        as_json = json.loads(CliRunner().invoke(main, ["assess", *options, "--json"]).output)
        assert as_json["next_step"] == api(client, answers)["next_step"]
        fhir = assessment_of(client.post("/fhir/Questionnaire/hsg-indications/$assess?audience=clinician",
                                         json=questionnaire_response(answers)))
        assert fhir["next_step"] == step


def test_the_clinic_contact_line_travels_with_the_next_step(make_app):
    app = make_app(HSG_CLINIC_NAME="Riverside Fertility", HSG_CLINIC_CONTACT="Call 01234 567890 to book.")
    client = app.test_client()
    body = api(client, WAITING)
    assert body["next_step"]["text"].endswith(" Call 01234 567890 to book.")
    html = panel(page(client, WAITING))
    assert html.count("Call 01234 567890 to book.") == 1, "once on the page, on the clinic's own line"


# --- 8. Questions read as asked ----------------------------------------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_questions_say_what_counts(client, audience):
    """H20: a caesarean or a routine appendix operation is not surgery that counts; losses are miscarriages
    before 24 weeks; insemination counts cycles."""
    html = unescape(client.get("/?audience=clinician" if audience == "clinician" else "/").get_data(as_text=True))
    if audience == "patient":
        for words in ("A caesarean does not", "burst appendix", "before 24 weeks", "ectopic pregnancy", "6 cycles",
                      "6 months or more"):
            assert words in html, words
    else:
        for words in ("not a caesarean", "a routine appendicectomy does not", "before 24 weeks", "6 cycles",
                      "6 months or more"):
            assert words in html, words


def test_tubal_risk_escalation_speaks_of_the_womb_or_tubes(client):
    body = api(client, AFTER_PID_TRYING)
    tubal = next(e for e in body["escalations"] if e["id"] == "tubal_risk_factor")
    assert "womb or tubes" in tubal["title"] and "womb or the tubes" in tubal["explanation"]


# --- 9. Text: the rules page, definitions, scope -----------------------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_rules_page_never_gives_forty_or_over_a_wait(client, audience):
    html = unescape(client.get("/rules" + ("?audience=clinician" if audience == "clinician" else "")).get_data(as_text=True))
    assert not re.search(r"40 or over: 6 month", html)
    assert "40 or over: no" in html
    for reason in RULES.waiting.see_sooner_if[audience]:
        assert reason in html


def test_rcog_definition_keeps_its_discretion_and_second_trimester_losses(client):
    html = page(client, RECURRENT_LOSS, "clinician")
    assert "targeted investigation after two is at clinical discretion" in html
    one = page(client, ONE_LOSS, "clinician")
    assert "with one loss after 12 weeks, do not wait for a second" in one
    assert "If you lost a pregnancy after 12 weeks, talk to a clinician, even after one loss." in page(client, ONE_LOSS)


def test_no_page_limits_its_scope_to_clinics_in_england(client):
    for answers in (WAITING, AFTER_PID_TRYING):
        for audience in AUDIENCES:
            assert "Clinics in England" not in page(client, answers, audience)
    assert "Clinics in England" not in unescape(client.get("/rules?audience=clinician").get_data(as_text=True))


def test_clinician_pages_give_clinician_notes_for_unsure_answers(client):
    unsure = {**NONE, "pelvic_infection": "unsure", "age_bracket": "prefer_not_to_say"}
    clinician = page(client, unsure, "clinician")
    for field in ("pelvic_infection", "age_bracket"):
        assert RULES.open_questions[field].clinician in clinician
        assert RULES.open_questions[field].patient not in clinician
    assert RULES.open_questions["pelvic_infection"].patient in page(client, unsure)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_semen_analysis_and_hycosy_are_named_in_both_registers(client, audience):
    html = page(client, AFTER_PID_TRYING, audience)
    assert "HyCoSy" in html
    assert ("sperm is usually tested" if audience == "patient" else "Semen analysis comes before or alongside") in html


def test_the_drawing_caption_claims_only_what_it_shows(client):
    html = page(client, AFTER_PID_TRYING)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html).group(1)
    assert "both results the test can have" not in caption and "two things the test can find in the tubes" in caption


# --- 10. The GP's checklist ---------------------------------------------------------------------------

def test_the_checklist_has_every_check_and_a_place_for_results(client):
    html = page(client, {**RECURRENT_LOSS, "pelvic_infection": "yes"}, "clinician")
    checklist = html[html.index('id="context-before_referring"'):html.index("</section>", html.index('id="context-before_referring"'))]
    for check in ("Semen analysis", "mid-luteal phase", "rubella susceptibility", "cervical screening",
                  "Chlamydia trachomatis", "laparoscopy and dye", "antiphospholipid antibodies",
                  "thyroid function with TPO antibodies"):
        assert check in checklist, check
    assert checklist.count("Result and date:") == checklist.count("<li>")


# --- 11. Safety before and after ------------------------------------------------------------------------

def test_the_patient_safety_net_is_complete(client):
    """H19: before the test and after it, everything the contract lists, on the page and in the API."""
    html = page(client, AFTER_PID_TRYING)
    for words in ("In the month of the test only", "from the first day of your period until the test",
                  "check for chlamydia", "painkiller, such as ibuprofen", "The dose is small",
                  "smelly or odd discharge", "feel faint", "NHS 111", "999", "swollen face",
                  "About 1 to 3 in 100", "antibiotics"):
        assert words in html, words
    assert "stop trying" not in html.lower()
    safety = api(client, AFTER_PID_TRYING)["safety"]
    assert any("999" in line for line in safety["after"]) and any("chlamydia" in line for line in safety["before"])


def test_the_cds_card_carries_the_next_step_and_the_checks_before(client):
    from test_cds_hooks import hook_request, searchset

    response = client.post("/cds-services/hsg-indications",
                           json=hook_request(searchset(questionnaire_response(AFTER_PID_TRYING))))
    card = response.get_json()["cards"][0]
    body = api(client, AFTER_PID_TRYING, "clinician")
    assert card["indicator"] == "warning"  # next step: now
    assert body["next_step"]["text"] in card["detail"]
    for check in body["safety"]["before"]:
        assert check in card["detail"]


# --- 12. Chronic pelvic pain: defined, with its red flags -----------------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_pain_is_defined_and_its_red_flags_are_shown(client, audience):
    html = page(client, PAIN, audience)
    assert "6 months" in html
    flags = ["Bleeding after sex", "Thoughts of ending your life"] if audience == "patient" else \
            ["bleeding after intercourse or after the menopause", "thoughts of suicide"]
    for flag in flags:
        assert flag in html, flag
