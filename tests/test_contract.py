"""All 2,700 answer combinations against the contract in PRODUCT.md.

The expectation below is written from the contract's tables, independently of
the engine and of the rule file: if either drifts, this fails.
"""

import pytest
from conftest import EXAMPLES, all_answer_combinations

UNANSWERED = {"unsure", "prefer_not_to_say"}
QUESTION_ORDER = ["months_trying", "age_bracket", "pregnancy_losses", "pelvic_infection", "pelvic_surgery", "pelvic_pain"]
OLDER = {"35_to_39", "40_or_over"}
INDICATION_ORDER = ["infertility", "recurrent_miscarriage", "chronic_pelvic_pain", "prior_pelvic_infection",
                    "prior_pelvic_surgery"]
#: The guideline each qualification names first (PRODUCT.md, "Qualifications (1.2)").
QUALIFIED_BY = {"recurrent_miscarriage": "ESHRE", "chronic_pelvic_pain": "RCOG Green-top Guideline No. 41",
                "prior_pelvic_infection": "NICE clinical guideline CG156",
                "prior_pelvic_surgery": "NICE clinical guideline CG156"}


def expected(a: dict) -> dict:
    """Rule set 1.2, from PRODUCT.md's tables alone."""
    indications = {}
    if a["months_trying"] == "12_or_more":
        indications["infertility"] = ("typical", {"months_trying": "12_or_more"})
    elif a["months_trying"] == "6_to_11" and a["age_bracket"] in OLDER:
        indications["infertility"] = ("typical", {"months_trying": "6_to_11", "age_bracket": a["age_bracket"]})
    if a["pregnancy_losses"] in {"two", "three_or_more"}:
        indications["recurrent_miscarriage"] = ("in_some_cases", {"pregnancy_losses": a["pregnancy_losses"]})
    if a["pelvic_pain"] == "yes":
        indications["chronic_pelvic_pain"] = ("in_some_cases", {"pelvic_pain": "yes"})
    if a["pelvic_infection"] == "yes":
        indications["prior_pelvic_infection"] = ("in_some_cases", {"pelvic_infection": "yes"})
    if a["pelvic_surgery"] == "yes":
        indications["prior_pelvic_surgery"] = ("in_some_cases", {"pelvic_surgery": "yes"})

    trying = a["months_trying"] != "not_trying"  # a withheld answer is read the cautious way
    escalations = []
    if a["age_bracket"] == "40_or_over" and trying:
        escalations.append("age_40_or_over")
    if a["age_bracket"] == "prefer_not_to_say" and a["months_trying"] in {"6_to_11", "12_or_more", "prefer_not_to_say"}:
        escalations.append("age_withheld")
    if trying and "yes" in (a["pelvic_infection"], a["pelvic_surgery"]):
        escalations.append("tubal_risk_factor")
    if a["pregnancy_losses"] in {"two", "three_or_more"}:
        escalations.append("recurrent_pregnancy_loss")
    if a["pelvic_pain"] == "yes":
        escalations.append("pelvic_pain")

    strengths = {strength for strength, _ in indications.values()}
    if "typical" in strengths:
        outcome = "commonly_recommended"
    elif strengths:
        outcome = "may_be_considered"
    elif escalations:
        outcome = "see_clinician_sooner"
    elif a["months_trying"] in {"under_6", "6_to_11"}:
        outcome = "not_yet"
    else:
        outcome = "no_indication"

    revisit = None
    if outcome == "not_yet":
        revisit = 12 if a["age_bracket"] == "under_35" else 6
    fertility_question = trying or "recurrent_miscarriage" in indications
    if escalations:
        timing = "now"
    elif outcome in {"commonly_recommended", "may_be_considered"} and fertility_question:
        timing = "book"
    elif outcome == "not_yet":
        timing = "after_waiting"
    else:
        timing = "if_concerned"
    in_play = outcome in {"commonly_recommended", "may_be_considered", "see_clinician_sooner"} and fertility_question

    return {
        "outcome": outcome,
        "indications": indications,
        "escalations": escalations,
        "revisit_after_months": revisit,
        "timing": timing,
        "safety": in_play,
        "open_fields": [field for field in QUESTION_ORDER if a[field] in UNANSWERED],
    }


def could_change(a: dict) -> bool:
    """`outcome_could_change`, by brute force: some real answers in place of the open ones give another outcome."""
    import itertools

    from triage.core.answers import ALLOWED

    open_fields = [field for field in QUESTION_ORDER if a[field] in UNANSWERED]
    choices = [[v for v in ALLOWED[field] if v not in UNANSWERED] for field in open_fields]
    outcome = expected(a)["outcome"]
    return any(expected({**a, **dict(zip(open_fields, real))})["outcome"] != outcome
               for real in itertools.product(*choices))


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

        assert set(body) == {"outcome", "indications", "escalations", "open_questions", "revisit_after_months",
                             "outcome_could_change", "next_step", "safety", "answer_code", "rules_name",
                             "rules_version", "rules_hash", "disclaimer", "language", "translation"}, context
        assert body["outcome"] == want["outcome"], context
        outcomes_seen.add(body["outcome"])
        assert body["revisit_after_months"] == want["revisit_after_months"], context
        assert [q["field"] for q in body["open_questions"]] == want["open_fields"], context
        assert all(q["note"].strip() for q in body["open_questions"]), context
        assert body["rules_version"] and body["disclaimer"].strip(), context
        assert body["outcome_could_change"] is could_change(answers), context
        assert set(body["next_step"]) == {"timing", "text", "see_sooner_if"}, context
        assert body["next_step"]["timing"] == want["timing"] and body["next_step"]["text"].strip(), context
        assert bool(body["next_step"]["see_sooner_if"]) == (want["revisit_after_months"] is not None), context
        if want["safety"]:
            assert set(body["safety"]) == {"before", "after"} and body["safety"]["before"] and body["safety"]["after"], context
        else:
            assert body["safety"] is None, context
        assert body["language"] == "en" and body["translation"] is None, context

        got = {item["id"]: item for item in body["indications"]}
        assert list(got) == [i for i in INDICATION_ORDER if i in want["indications"]], context
        for indication_id, (strength, because) in want["indications"].items():
            item = got[indication_id]
            assert item["strength"] == strength, context
            assert item["title"].strip() and item["explanation"].strip(), context
            assert {b["field"]: b["value"] for b in item["because"]} == because, context
            assert item["source"]["section"] == "When is an HSG Recommended?", context
            assert item["source"]["quote"].strip(), context
            if strength == "typical":
                assert item["qualification"] is None, context
            else:
                assert item["qualification"]["text"].strip(), context
                assert item["qualification"]["source"]["name"].startswith(QUALIFIED_BY[indication_id]), context

        assert [e["id"] for e in body["escalations"]] == want["escalations"], context
        for escalation in body["escalations"]:
            assert set(escalation) == {"id", "title", "explanation", "source"}, context
            assert escalation["title"].strip() and escalation["explanation"].strip(), context
            assert set(escalation["source"]) == {"name"} and escalation["source"]["name"].strip(), context
        escalations_seen.update(want["escalations"])
    assert outcomes_seen == set(EXAMPLES)
    assert escalations_seen == {"age_40_or_over", "age_withheld", "tubal_risk_factor", "recurrent_pregnancy_loss",
                                "pelvic_pain"}


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
