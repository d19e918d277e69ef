"""Guideline escalations (rule set 1.1) on every surface, and the two hazards they close.

H11 "a person aged 40 or over told to wait" and H12 "a person with tubal risk
factors told to wait" (docs/clinical-safety/hazard-log.md) are verified here,
over all 2,700 answer sets. The contract test (test_contract.py) checks the
JSON; this file checks that every surface says it, first, in both registers.
"""

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner
from conftest import all_answer_combinations
from fhir_support import assessment_of, questionnaire_response

from triage.cli import main
from triage.core.answers import Answers
from triage.core.ruleset import load_rule_set
from triage.state import hsg

RULES = load_rule_set()
ESCALATION_IDS = [escalation.id for escalation in RULES.escalations]

#: One answer set per escalation alone, and one with both.
AGED_40 = dict(months_trying="under_6", age_bracket="40_or_over", pregnancy_losses="none",
               pelvic_infection="no", pelvic_surgery="no", pelvic_pain="no")
TUBAL = dict(months_trying="6_to_11", age_bracket="under_35", pregnancy_losses="none",
             pelvic_infection="yes", pelvic_surgery="no", pelvic_pain="no")
BOTH = {**AGED_40, "pelvic_surgery": "yes"}
#: Rule set 1.2's three new escalations: a withheld age at 6 months or more; recurrent loss and pelvic pain
#: whatever the months (here while not trying).
AGE_WITHHELD = {**TUBAL, "age_bracket": "prefer_not_to_say", "pelvic_infection": "no"}
LOSSES = {**AGED_40, "months_trying": "not_trying", "age_bracket": "under_35", "pregnancy_losses": "three_or_more"}
PAIN = {**LOSSES, "pregnancy_losses": "none", "pelvic_pain": "yes"}
CASES = {"age_40_or_over": AGED_40, "tubal_risk_factor": TUBAL, "both": BOTH, "age_withheld": AGE_WITHHELD,
         "recurrent_pregnancy_loss": LOSSES, "pelvic_pain": PAIN}
EXPECTED = {"age_40_or_over": ["age_40_or_over"], "tubal_risk_factor": ["tubal_risk_factor"],
            "both": ["age_40_or_over", "tubal_risk_factor"], "age_withheld": ["age_withheld"],
            "recurrent_pregnancy_loss": ["recurrent_pregnancy_loss"], "pelvic_pain": ["pelvic_pain"]}


def assess_api(client, answers, audience="patient") -> dict:
    response = client.post("/api/v1/assessments", json={**answers, "audience": audience})
    assert response.status_code == 200
    return response.get_json()


def result_page(client, answers, audience="patient") -> str:
    query = "?audience=clinician" if audience == "clinician" else ""
    response = client.post(f"/result{query}", data=answers)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def wording(escalation_id: str, audience: str):
    return next(e for e in RULES.escalations if e.id == escalation_id).wording(audience)


# --- H11 and H12: nobody with these factors is told to wait ----------------------------------

def test_no_one_aged_40_or_over_is_told_to_wait(client):
    """H11: aged 40 or over and trying under 6 months: no "not yet", no months to wait, in any combination."""
    checked = 0
    for answers in all_answer_combinations():
        if answers["age_bracket"] != "40_or_over" or answers["months_trying"] != "under_6":
            continue
        body = assess_api(client, answers)
        assert body["outcome"] != "not_yet" and body["revisit_after_months"] is None, answers
        assert "age_40_or_over" in [e["id"] for e in body["escalations"]], answers
        checked += 1
    assert checked == 135  # 5 × 3 × 3 × 3 answer sets for the other questions


def test_no_one_with_a_tubal_risk_factor_is_told_to_wait(client):
    """H12: a past pelvic infection or pelvic surgery while trying under 12 months: never told to wait."""
    checked = 0
    for answers in all_answer_combinations():
        if answers["months_trying"] not in {"under_6", "6_to_11"}:
            continue
        if "yes" not in (answers["pelvic_infection"], answers["pelvic_surgery"]):
            continue
        body = assess_api(client, answers)
        assert body["outcome"] != "not_yet" and body["revisit_after_months"] is None, answers
        infertility = any(i["id"] == "infertility" for i in body["indications"])
        assert infertility or "tubal_risk_factor" in [e["id"] for e in body["escalations"]], answers
        checked += 1
    assert checked == 2 * 4 * 5 * 5 * 3  # months × age × losses × (infection, surgery) with a yes × pain


# --- Every surface ----------------------------------------------------------------------

@pytest.mark.parametrize("audience", ["patient", "clinician"])
@pytest.mark.parametrize("case", CASES)
def test_result_page_shows_escalations_straight_after_the_outcome(client, case, audience):
    html = result_page(client, CASES[case], audience)
    outcome_end = html.index("</section>", html.index('class="outcome')) + len("</section>")
    if audience == "patient":
        # The patient reads them first after the outcome, with why.
        escalations = html.index('<section class="escalations"')
        between = html[outcome_end:escalations].strip()
        # Only what open answers could change, where they could change the outcome (the heading says so).
        assert between == "" or (between.startswith('<section class="open-questions"') and "cannot tell yet" in html), \
            "nothing else comes between the outcome and the escalations"
    else:
        # The clinician's summary list opens with them; the detail follows the referral summary.
        summary_list = html.index('<dl class="summary-list"')
        assert html[outcome_end:summary_list].strip() == ""
        first_row = html[summary_list:html.index("</div>", summary_list)]
        assert "<dt>Guideline escalations</dt>" in first_row
        for escalation_id in EXPECTED[case]:
            assert wording(escalation_id, audience).title in first_row
    shown = re.findall(r'id="escalation-([a-z0-9_]+)"', html)
    assert shown == EXPECTED[case]
    for escalation_id in shown:
        text = wording(escalation_id, audience)
        assert text.title in html and text.explanation in html
    assert ("evaluate now rather than wait" if audience == "clinician" else "Talk to a clinician now rather than waiting") in html
    sources = html if audience == "clinician" else html[html.index("<summary>Where this information comes from</summary>"):]
    for escalation_id in EXPECTED[case]:
        assert next(e for e in RULES.escalations if e.id == escalation_id).source.name in sources


def next_step(timing: str, audience: str, fertility_question: bool | None = None) -> str:
    return next(step[audience] for step in RULES.next_steps if step.timing == timing
                and step.fertility_question in (None, fertility_question))


def test_see_clinician_sooner_has_its_own_heading_and_next_step(client):
    patient = result_page(client, AGED_40)
    assert 'class="outcome outcome-see_clinician_sooner"' in patient
    assert RULES.outcomes["see_clinician_sooner"].patient in patient
    assert next_step("now", "patient", True) in patient
    assert "months of trying" not in patient, "no waiting period is mentioned"
    clinician = result_page(client, AGED_40, "clinician")
    assert next_step("now", "clinician", True) in clinician


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_pain_while_not_trying_is_seen_now_and_presses_no_hsg(client, audience):
    """H17: not trying, with pelvic pain: the pain is seen now; no HSG preparation, no "book"."""
    html = result_page(client, PAIN, audience)
    assert next_step("now", audience, False) in html
    assert 'class="next-step next-step-now"' in html
    assert "What happens during an HSG" not in html and 'id="context-before_hsg_patient"' not in html
    qualification = RULES.indication("chronic_pelvic_pain").qualifications[0]
    assert qualification.when == [{"months_trying": ["not_trying"]}] and qualification[audience] in html


def test_no_escalation_no_section(client):
    html = result_page(client, {**AGED_40, "age_bracket": "35_to_39"})
    assert 'class="escalations"' not in html and "outcome-not_yet" in html


@pytest.mark.parametrize("case", CASES)
def test_referral_summary_names_the_escalations(client, case):
    html = result_page(client, CASES[case], "clinician")
    summary = html[html.index('id="summary-title"'):]
    assert "Guideline escalations (evaluate now rather than wait):" in summary
    for escalation_id in EXPECTED[case]:
        assert f"- {wording(escalation_id, 'clinician').title}. Source: " in summary


@pytest.mark.parametrize("audience", ["patient", "clinician"])
@pytest.mark.parametrize("case", CASES)
def test_cli_text_and_json_carry_the_escalations(monkeypatch, case, audience):
    for name in ("HSG_RULES_FILE", "HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    options = [part for field, value in CASES[case].items() for part in ("--" + field.replace("_", "-"), value)]
    as_json = json.loads(CliRunner().invoke(main, ["assess", *options, "--audience", audience, "--json"]).output)
    assert [e["id"] for e in as_json["escalations"]] == EXPECTED[case]
    text = CliRunner().invoke(main, ["assess", *options, "--audience", audience])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    if not as_json["outcome_could_change"]:
        assert lines[0] == RULES.outcomes[as_json["outcome"]][audience]
    assert lines[1].endswith(as_json["next_step"]["text"]) and as_json["next_step"]["timing"] == "now"
    for escalation_id in EXPECTED[case]:
        assert f"! {wording(escalation_id, audience).title}" in text.output
        if as_json["indications"]:
            assert text.output.index(f"! {wording(escalation_id, audience).title}") < text.output.index("\n* "), "before the indications"


@pytest.mark.parametrize("case", CASES)
def test_fhir_assess_carries_the_escalations(client, case):
    body = assessment_of(client.post("/fhir/Questionnaire/hsg-indications/$assess?audience=clinician",
                                     json=questionnaire_response(CASES[case])))
    assert [e["id"] for e in body["escalations"]] == EXPECTED[case]
    assert body == assess_api(client, CASES[case], "clinician")


def test_openapi_describes_the_escalations_and_the_new_outcome(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assessment = schemas["Assessment"]
    assert "escalations" in assessment["required"]
    assert "see_clinician_sooner" in json.dumps(assessment["properties"]["outcome"])
    escalation_ref = assessment["properties"]["escalations"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(schemas[escalation_ref]["required"]) == {"id", "title", "explanation", "source"}


def test_rules_page_lists_every_escalation_with_its_source(client):
    for audience, query in (("patient", ""), ("clinician", "?audience=clinician")):
        html = unescape(client.get(f"/rules{query}").get_data(as_text=True))
        for escalation in RULES.escalations:
            assert escalation.wording(audience).title in html
            assert f"Source: {escalation.source.name}." in html
        assert ("more cautious, never less" if audience == "clinician" else "They never change the reasons above") in html


def test_an_escalation_never_changes_the_indications_over_all_combinations(app):
    """Exhaustive twin of the hypothesis property: the same indications with and without escalations."""
    from triage.core.engine import Engine

    engine = hsg(app).engine
    # What the source alone says: no escalations, and (as the source) six months from 35, so at 40 or over too.
    source_alone = Engine(RULES.model_copy(update={"escalations": [], "waiting": RULES.waiting.model_copy(update={
        "revisit_after_months": {**RULES.waiting.revisit_after_months, "40_or_over": 6}})}),
        safety=hsg(app).governance.context.safety_lists())
    for answers in all_answer_combinations():
        for audience in ("patient", "clinician"):
            escalated, plain = engine.assess(Answers(**answers), audience), source_alone.assess(Answers(**answers), audience)
            assert escalated.indications == plain.indications, answers
            if escalated.escalations:
                assert escalated.revisit_after_months is None and escalated.next_step.timing == "now"
                assert escalated.outcome == plain.outcome or (
                    plain.outcome in {"not_yet", "no_indication"} and escalated.outcome == "see_clinician_sooner"), answers
            else:
                # Without an escalation the result is the source's own; only whether open answers could change
                # it reads the escalations (an unsure answer could make one apply).
                got, alone = escalated.model_dump(), plain.model_dump()
                got.pop("outcome_could_change"), alone.pop("outcome_could_change")
                assert got == alone, answers
