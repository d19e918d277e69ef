"""All 2,700 answer combinations against the contract in PRODUCT.md.

The expectation below is written from the contract's tables, independently of
the engine and of the rule file: if either drifts, this fails.
"""

import pytest
from conftest import EXAMPLES, all_answer_combinations

UNANSWERED = {"unsure", "prefer_not_to_say"}
QUESTION_ORDER = ["months_trying", "age_bracket", "pregnancy_losses", "pelvic_infection", "pelvic_surgery", "pelvic_pain"]
OLDER = {"35_to_39", "40_or_over"}


def expected(a: dict) -> dict:
    indications = {}
    if a["months_trying"] == "12_or_more":
        indications["infertility"] = ("typical", {"months_trying": "12_or_more"})
    elif a["months_trying"] == "6_to_11" and a["age_bracket"] in OLDER:
        indications["infertility"] = ("typical", {"months_trying": "6_to_11", "age_bracket": a["age_bracket"]})
    if a["pregnancy_losses"] in {"two", "three_or_more"}:
        indications["recurrent_miscarriage"] = ("typical", {"pregnancy_losses": a["pregnancy_losses"]})
    if a["pelvic_pain"] == "yes":
        indications["chronic_pelvic_pain"] = ("in_some_cases", {"pelvic_pain": "yes"})
    if a["pelvic_infection"] == "yes":
        indications["prior_pelvic_infection"] = ("in_some_cases", {"pelvic_infection": "yes"})
    if a["pelvic_surgery"] == "yes":
        indications["prior_pelvic_surgery"] = ("in_some_cases", {"pelvic_surgery": "yes"})

    within_usual_time = a["months_trying"] in {"under_6", "6_to_11"}
    escalations = []
    if a["age_bracket"] == "40_or_over" and a["months_trying"] == "under_6":
        escalations.append("age_40_or_over")
    if within_usual_time and "infertility" not in indications and "yes" in (a["pelvic_infection"], a["pelvic_surgery"]):
        escalations.append("tubal_risk_factor")

    strengths = {strength for strength, _ in indications.values()}
    if "typical" in strengths:
        outcome = "commonly_recommended"
    elif strengths:
        outcome = "may_be_considered"
    elif escalations:
        outcome = "see_clinician_sooner"
    elif within_usual_time:
        outcome = "not_yet"
    else:
        outcome = "no_indication"

    revisit = None
    if within_usual_time and "infertility" not in indications and not escalations:
        revisit = 6 if a["age_bracket"] in OLDER else 12

    return {
        "outcome": outcome,
        "indications": indications,
        "escalations": escalations,
        "revisit_after_months": revisit,
        "open_fields": [field for field in QUESTION_ORDER if a[field] in UNANSWERED],
    }


def test_there_are_2700_combinations():
    assert len(list(all_answer_combinations())) == 2700


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_every_combination_through_the_api(client, audience):
    outcomes_seen, escalations_seen = set(), set()
    for answers in all_answer_combinations():
        response = client.post("/api/v1/assessments", json={**answers, "audience": audience})
        assert response.status_code == 200, answers
        body = response.get_json()
        want = expected(answers)
        context = (answers, body)

        assert set(body) >= {"outcome", "indications", "escalations", "open_questions", "revisit_after_months",
                             "rules_version", "disclaimer"}, context
        assert body["outcome"] == want["outcome"], context
        outcomes_seen.add(body["outcome"])
        assert body["revisit_after_months"] == want["revisit_after_months"], context
        assert [q["field"] for q in body["open_questions"]] == want["open_fields"], context
        assert all(q["note"].strip() for q in body["open_questions"]), context
        assert body["rules_version"] and body["disclaimer"].strip(), context

        got = {item["id"]: item for item in body["indications"]}
        assert list(got) == [i for i in ["infertility", "recurrent_miscarriage", "chronic_pelvic_pain",
                                         "prior_pelvic_infection", "prior_pelvic_surgery"] if i in want["indications"]], context
        for indication_id, (strength, because) in want["indications"].items():
            item = got[indication_id]
            assert item["strength"] == strength, context
            assert item["title"].strip() and item["explanation"].strip(), context
            assert {b["field"]: b["value"] for b in item["because"]} == because, context
            assert item["source"]["section"] == "When is an HSG Recommended?", context
            assert item["source"]["quote"].strip(), context

        assert [e["id"] for e in body["escalations"]] == want["escalations"], context
        for escalation in body["escalations"]:
            assert set(escalation) == {"id", "title", "explanation", "source"}, context
            assert escalation["title"].strip() and escalation["explanation"].strip(), context
            assert set(escalation["source"]) == {"name"} and escalation["source"]["name"].strip(), context
        escalations_seen.update(want["escalations"])
    assert outcomes_seen == set(EXAMPLES)
    assert escalations_seen == {"age_40_or_over", "tubal_risk_factor"}


def test_examples_give_the_outcome_they_are_named_after(client):
    for outcome, answers in EXAMPLES.items():
        assert client.post("/api/v1/assessments", json=answers).get_json()["outcome"] == outcome


def test_audience_changes_wording_not_outcome(client):
    answers = EXAMPLES["commonly_recommended"]
    patient = client.post("/api/v1/assessments", json=answers).get_json()
    clinician = client.post("/api/v1/assessments", json={**answers, "audience": "clinician"}).get_json()
    assert patient["outcome"] == clinician["outcome"]
    assert [i["id"] for i in patient["indications"]] == [i["id"] for i in clinician["indications"]]
    assert patient["indications"][0]["explanation"] != clinician["indications"][0]["explanation"]
    assert patient["disclaimer"] != clinician["disclaimer"]


def test_the_questions_are_the_contracts_six_with_its_values():
    """The questions file defines the answers (triage/core/answers.py); the product contract pins them here."""
    from triage.core.answers import ALLOWED

    assert ALLOWED == {
        "months_trying": ("not_trying", "under_6", "6_to_11", "12_or_more", "prefer_not_to_say"),
        "age_bracket": ("under_35", "35_to_39", "40_or_over", "prefer_not_to_say"),
        "pregnancy_losses": ("none", "one", "two", "three_or_more", "prefer_not_to_say"),
        "pelvic_infection": ("yes", "no", "unsure"),
        "pelvic_surgery": ("yes", "no", "unsure"),
        "pelvic_pain": ("yes", "no", "unsure"),
    }
    assert list(ALLOWED) == QUESTION_ORDER
