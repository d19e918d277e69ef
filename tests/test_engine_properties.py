"""Properties of the rule engine that hold for every answer set (hypothesis)."""

import pytest
from conftest import all_answer_combinations
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.core.answers import ALLOWED, FIELDS, UNANSWERED, Answers
from triage.core.clinical_context import load_clinical_context
from triage.core.engine import Engine
from triage.core.ruleset import OUTCOMES, load_rule_set

RULES = load_rule_set()
SAFETY = load_clinical_context().safety_lists()
ENGINE = Engine(RULES, safety=SAFETY)
#: The same rule set with its guideline escalations taken out: what the source alone says (over 35,
#: six months; the rule file gives no interval at 40 or over, where an escalation always applies).
WITHOUT_ESCALATIONS = Engine(RULES.model_copy(update={
    "escalations": [],
    "waiting": RULES.waiting.model_copy(update={"revisit_after_months": {
        **RULES.waiting.revisit_after_months, "40_or_over": 6}})}), safety=SAFETY)

#: Answers that say "more" in the order that matters; prefer-not and unsure sit outside the order.
ORDERED = {
    "months_trying": ["under_6", "6_to_11", "12_or_more"],
    "age_bracket": ["under_35", "35_to_39", "40_or_over"],
    "pregnancy_losses": ["none", "one", "two", "three_or_more"],
    "pelvic_infection": ["no", "yes"],
    "pelvic_surgery": ["no", "yes"],
    "pelvic_pain": ["no", "yes"],
}

answer_sets = st.fixed_dictionaries({field: st.sampled_from(ALLOWED[field]) for field in FIELDS})
audiences = st.sampled_from(["patient", "clinician"])


def indications(answers: dict, audience: str = "patient") -> set[str]:
    return {item.id for item in ENGINE.assess(Answers(**answers), audience).indications}


@given(answer_sets, st.sampled_from(sorted(ORDERED)), st.data())
@settings(max_examples=500)
def test_saying_more_never_removes_an_indication(answers, field, data):
    scale = ORDERED[field]
    low = data.draw(st.sampled_from(scale[:-1]), label="lower")
    high = data.draw(st.sampled_from(scale[scale.index(low) + 1:]), label="higher")
    assert indications({**answers, field: low}) <= indications({**answers, field: high})


@given(answer_sets, audiences)
@settings(max_examples=500)
def test_the_outcome_is_one_of_five_and_fits_the_indications_and_escalations(answers, audience):
    assessment = ENGINE.assess(Answers(**answers), audience)
    assert assessment.outcome in OUTCOMES and len(OUTCOMES) == 5
    strengths = {item.strength for item in assessment.indications}
    assert (assessment.outcome == "commonly_recommended") == ("typical" in strengths)
    assert (assessment.outcome in {"see_clinician_sooner", "not_yet", "no_indication"}) == (not strengths)
    assert (assessment.outcome == "see_clinician_sooner") == (not strengths and bool(assessment.escalations))
    if assessment.escalations:
        assert assessment.revisit_after_months is None


#: From least to most cautious: what a result asks of the person.
CAUTION = ["no_indication", "not_yet", "may_be_considered", "see_clinician_sooner", "commonly_recommended"]


@given(answer_sets, audiences)
@settings(max_examples=500)
def test_an_escalation_only_ever_makes_the_advice_more_cautious(answers, audience):
    """Guidelines may bring a clinician forward; they never touch an indication or lengthen a wait."""
    with_escalations = ENGINE.assess(Answers(**answers), audience)
    source_alone = WITHOUT_ESCALATIONS.assess(Answers(**answers), audience)
    assert with_escalations.indications == source_alone.indications
    assert source_alone.escalations == []
    if with_escalations.outcome != source_alone.outcome:
        assert with_escalations.escalations
        assert source_alone.outcome in {"not_yet", "no_indication"}
        assert with_escalations.outcome == "see_clinician_sooner"
    assert CAUTION.index(with_escalations.outcome) >= CAUTION.index(source_alone.outcome)
    wait, unescalated_wait = with_escalations.revisit_after_months, source_alone.revisit_after_months
    assert wait is None or (unescalated_wait is not None and wait <= unescalated_wait), "never a longer wait"
    assert (wait is None) or not with_escalations.escalations


#: How soon a result asks the person to act (rule set 1.2's next-step timings), least urgent first.
URGENCY = ["if_concerned", "after_waiting", "book", "now"]


def urgency(answers: dict) -> tuple[int, int]:
    """(how soon, minus the months to wait): higher is more urgent; a shorter wait is more urgent."""
    assessment = ENGINE.assess(Answers(**answers))
    return URGENCY.index(assessment.next_step.timing), -(assessment.revisit_after_months or 0)


def test_advice_never_grows_less_urgent_as_age_or_months_rise():
    """Every answer set (exhaustive, not sampled): with the other answers fixed, the next step never becomes
    less urgent, nor the wait longer, as the age bracket rises, as the months of trying rise, or when the
    age is withheld instead of 35 to 39 (rule set 1.2: urgency that ran backwards, H15)."""
    checked = 0
    for answers in all_answer_combinations():
        for field, scale in (("age_bracket", ["under_35", "35_to_39", "40_or_over"]),
                             ("months_trying", ["under_6", "6_to_11", "12_or_more"]),
                             ("age_bracket", ["35_to_39", "prefer_not_to_say"])):
            if answers[field] != scale[0]:
                continue
            steps = [urgency({**answers, field: value}) for value in scale]
            assert steps == sorted(steps), (answers, field, steps)
            checked += 1
    assert checked == 2700 // 4 * 2 + 2700 // 5


@given(answer_sets, audiences)
@settings(max_examples=500)
def test_rule_set_1_2_fits_together(answers, audience):
    """The 1.2 contract's couplings: a wait only on `not_yet`, with its reasons not to wait; `now` exactly
    when an escalation applies; every "in some cases" indication qualified; safety only with an HSG in play."""
    a = ENGINE.assess(Answers(**answers), audience)
    assert (a.revisit_after_months is not None) == (a.outcome == "not_yet") == (a.next_step.timing == "after_waiting")
    assert bool(a.next_step.see_sooner_if) == (a.revisit_after_months is not None)
    assert (a.next_step.timing == "now") == bool(a.escalations)
    for item in a.indications:
        assert (item.qualification is not None) == (item.strength == "in_some_cases"), item.id
    trying = answers["months_trying"] != "not_trying"
    fertility = trying or any(i.id == "recurrent_miscarriage" for i in a.indications)
    in_play = a.outcome in {"commonly_recommended", "may_be_considered", "see_clinician_sooner"}
    assert (a.safety is not None) == (fertility and in_play)
    if a.safety is not None:
        assert a.safety.before and a.safety.after
    assert a.next_step.text.strip()


@given(answer_sets, audiences)
@settings(max_examples=500)
def test_open_questions_are_exactly_the_unanswered_questions(answers, audience):
    assessment = ENGINE.assess(Answers(**answers), audience)
    asked = [item.field for item in assessment.open_questions]
    assert asked == [field for field in FIELDS if answers[field] in UNANSWERED]


@given(answer_sets)
@settings(max_examples=300)
def test_the_register_changes_the_words_not_the_result(answers):
    patient = ENGINE.assess(Answers(**answers), "patient")
    clinician = ENGINE.assess(Answers(**answers), "clinician")
    assert patient.outcome == clinician.outcome
    assert [i.id for i in patient.indications] == [i.id for i in clinician.indications]
    assert [e.id for e in patient.escalations] == [e.id for e in clinician.escalations]
    assert patient.revisit_after_months == clinician.revisit_after_months


@given(answer_sets)
@settings(max_examples=300)
def test_every_reason_is_an_answer_that_was_given(answers):
    for item in ENGINE.assess(Answers(**answers)).indications:
        assert item.because and all(answers[reason.field] == reason.value for reason in item.because)


@pytest.mark.slow  # 27,000 assessments; in the quick subset the contract test reads every answer set's API JSON
def test_the_assembled_json_is_the_models_own_for_every_answer_set_register_and_language():
    """Engine.to_json (parts serialised once) gives exactly Assessment.model_dump_json()."""
    from triage import create_app
    from triage.core.translation import LANGUAGES
    from triage.state import hsg

    app = create_app()
    for language in LANGUAGES:
        engine = hsg(app).localised(language).engine
        for answers in all_answer_combinations():
            for audience in ("patient", "clinician"):
                assessment = engine.assess(Answers(**answers), audience)
                assert engine.to_json(assessment, audience) == assessment.model_dump_json(), (language, answers)
