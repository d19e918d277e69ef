"""Clinical context beside the rules: sourced, relevant, in plain words for patients, and inert.

The context (rules/clinical-context.toml) may change what a page says around
an outcome, never the outcome: see also tests/test_contract.py, which runs
every combination with the context loaded.
"""

import re
from html import unescape
from pathlib import Path

import pytest
import textstat
from conftest import EXAMPLES, all_answer_combinations, edited_copy

from triage.core.answers import Answers
from triage.core.clinical_context import (
    ContextError,
    bundled_context_file,
    load_clinical_context,
)
from triage.core.ruleset import bundled_rules_file, load_rule_set
from triage.state import hsg

REPO = Path(__file__).resolve().parent.parent
#: The project's own copy of the permitted clinical context (shared/CLINICAL_CONTEXT.md),
#: so that a fresh clone checks it too.
PERMITTED = REPO / "rules" / "permitted-context.md"
CONTEXT = load_clinical_context()
BUNDLED = bundled_context_file().read_text(encoding="utf-8")
MAX_PATIENT_GRADE = 8.0


def page(response) -> str:
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def post(client, answers, audience="patient", prefix=""):
    query = "?audience=clinician" if audience == "clinician" else ""
    return page(client.post(f"{prefix}/result{query}", data=answers))


def statements(audience):
    return [(topic, statement) for topic in CONTEXT.topics if topic.audience == audience for statement in topic.statements]


def shown(statement) -> str:
    """A statement's named sources as a page cites them."""
    return f"Source: {'; '.join(CONTEXT.source_names(statement))}."


def cited(text: str, statement) -> bool:
    """The statement is on the (plain-text) page, and the next citation after it names its sources.

    Clinicians and /rules cite beside each statement, or once under a list
    whose statements all share their sources.
    """
    at = text.find(statement.text)
    return at >= 0 and text.find("Source: ", at) == text.find(shown(statement), at) >= 0


def shown_to_patient(html: str, statement) -> bool:
    """On a patient result: the statement, and its sources under "Where this information comes from"."""
    text = plain(html)
    sources = plain(html[html.index("<summary>Where this information comes from</summary>"):])
    return statement.text in text and all(name in sources for name in CONTEXT.source_names(statement))


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def find(topic_id: str, source: str):
    """The first statement of a topic that cites a source id."""
    topic = next(t for t in CONTEXT.topics if t.id == topic_id)
    return next(s for s in topic.statements if source in s.sources)


# --- Every statement is sourced, from the permitted list -----------------------------------

def permitted_source_names() -> set[str]:
    rows = re.findall(r"^\| (.+?) \| .+ \|$", PERMITTED.read_text(encoding="utf-8"), re.M)
    return {row for row in rows if row not in {"source", "---"}}


def test_every_statement_names_a_permitted_source():
    permitted = permitted_source_names()
    assert statements("clinician") and statements("patient")
    for topic, statement in statements("clinician") + statements("patient"):
        names = CONTEXT.source_names(statement)
        assert names, (topic.id, statement.text)
        for name in names:
            assert name in permitted, f"{topic.id}: {name!r} is not named in {PERMITTED.name}"


def test_relevance_names_only_indications_of_the_rule_set():
    ids = {indication.id for indication in load_rule_set().indications}
    for topic in CONTEXT.topics:
        for statement in topic.statements:
            assert set(statement.relevant_to) <= ids, (topic.id, statement.relevant_to)


CONTEXT_MISTAKES = {
    "a statement without a source": ('sources = ["rcog_gtg17"]', "sources = []", "sources"),
    "an unknown source": ('sources = ["rcog_gtg17"]', 'sources = ["rcog_2099"]', "unknown source 'rcog_2099'"),
    "a source nobody cites": ('sources = ["asrm_rpl"]', 'sources = ["eshre_rpl"]', "sources never cited: asrm_rpl"),
    "an empty statement": ('text = "Defined as two or more', 'text = " "\nold = "Defined as two or more', "text"),
    "two statements with one id": ('id = "acog"', 'id = "asrm"', "topic 'evaluation_timing': duplicate statement id"),
    "a statement without an id": ('id = "acog"\n', '', "statements.1.id: missing"),
    "an unknown answer in `when`": ('when = [{ months_trying = ["not_trying"] }]', 'when = [{ months_trying = ["never"] }]',
                                    "unknown value 'never' for months_trying"),
    "an unknown outcome": ('outcomes = ["commonly_recommended", "may_be_considered", "see_clinician_sooner"]\n\n[[topics.statements]]\nid = "pregnancy"',
                           'outcomes = ["commonly_recommended", "maybe"]\n\n[[topics.statements]]\nid = "pregnancy"', "outcomes"),
    "an unknown key": ('title = "Recurrent pregnancy loss"', 'title = "Recurrent pregnancy loss"\ncolour = "red"', "unknown key"),
    "an unknown audience": ('audience = "patient"', 'audience = "public"', "audience"),
}


@pytest.mark.parametrize("mistake", CONTEXT_MISTAKES)
def test_a_context_mistake_stops_loading_naming_the_file(tmp_path, mistake):
    old, new, named = CONTEXT_MISTAKES[mistake]
    path = edited_copy(tmp_path, "context.toml", BUNDLED, old, new)
    with pytest.raises(ContextError) as raised:
        load_clinical_context(path)
    assert str(raised.value).startswith(str(path)) and named in str(raised.value), str(raised.value)


# --- The context never changes an assessment ----------------------------------------------

ASSESSING_MODULES = ["core/answers.py", "core/engine.py", "core/ruleset.py", "api/routes.py"]


def test_the_engine_and_api_never_read_the_context():
    """The engine and the API import nothing of the context or the review record. Since rule set 1.2 the
    engine is handed the context's safety lists (core/localised.py) to give them where an HSG is in play;
    it decides nothing from them (the next test)."""
    for name in ASSESSING_MODULES:
        source = (REPO / "triage" / name).read_text(encoding="utf-8")
        for word in ("import clinical_context", "clinical_context import", "governance", "signoff"):
            assert word not in source, f"triage/{name} mentions {word}"


def test_the_context_never_changes_an_assessment(make_app, monkeypatch, tmp_path):
    """Same decisions and JSON with the context loaded, and with a different one: only the wording of the
    safety lists (rule set 1.2), which the context supplies, differs."""
    with_context = make_app()
    altered = tmp_path / "context.toml"
    altered.write_text(re.sub(r'^text = ".*"$', 'text = "Altered statement."', BUNDLED, flags=re.M), encoding="utf-8")
    monkeypatch.setattr("triage.core.governance.load_clinical_context", lambda: load_clinical_context(altered))
    other_context = make_app()
    assert hsg(other_context).governance.context != hsg(with_context).governance.context

    engines = [hsg(app).engine for app in (with_context, other_context)]
    for answers in all_answer_combinations():
        for audience in ("patient", "clinician"):
            first, second = (engine.assess(Answers(**answers), audience).model_dump() for engine in engines)
            assert (first.pop("safety") is None) == (second.pop("safety") is None), answers
            assert first == second, answers

    clients = [app.test_client() for app in (with_context, other_context)]
    for answers in list(EXAMPLES.values()) + [{**EXAMPLES["no_indication"], "pregnancy_losses": "two"}]:
        bodies = [c.post("/api/v1/assessments", json={**answers, "audience": "clinician"}).get_json() for c in clients]
        assert (bodies[0].pop("safety") is None) == (bodies[1].pop("safety") is None)
        assert bodies[0] == bodies[1]
        assert set(bodies[0]) == {"outcome", "indications", "escalations", "open_questions", "revisit_after_months",
                                  "outcome_could_change", "next_step", "answer_code", "rules_name", "rules_version",
                                  "rules_hash", "disclaimer", "language", "translation"}, "no other context in the API"
        pages = [post(c, answers, "clinician") for c in clients]
        for html in pages:
            assert f'class="outcome outcome-{bodies[0]["outcome"]}"' in html


# --- Clinician results and /rules -------------------------------------------------------

CLINICIAN_MUST_SHOW = [("before_hsg", "radiologyinfo_hsg"), ("before_hsg", "msd_tubal"), ("before_hsg", "acog_pb195"),
                       ("evaluation_timing", "asrm_evaluation"), ("evaluation_timing", "acog_781"),
                       ("evaluation_timing", "nice_cg156"), ("imaging_choices", "acr_infertility"),
                       ("imaging_choices", "msd_tubal"), ("recurrent_pregnancy_loss", "eshre_rpl")]


@pytest.mark.parametrize("outcome", EXAMPLES)
def test_clinician_result_shows_asrm_nice_acr_and_eshre_context_with_sources(client, outcome):
    html = post(client, EXAMPLES[outcome], "clinician")
    for topic_id, source in CLINICIAN_MUST_SHOW:
        assert cited(plain(html), find(topic_id, source)), (topic_id, source)
    for name in ("ASRM committee opinion", "NICE clinical guideline CG156", "ACR Appropriateness Criteria", "ESHRE guideline"):
        assert f"Source: {name}" in html
    assert "HyCoSy" in html and "Usually appropriate" in html and "check your national guidance" in html
    assert "Guideline context for these answers" in html and "does not change any outcome" in html


@pytest.mark.parametrize("outcome", EXAMPLES)
def test_clinician_result_always_shows_pre_hsg_checks_and_guideline_timing_first(client, outcome):
    """Guideline timing is always for these answers; the checks before and after an HSG are for them where
    an HSG is in play (rule set 1.2: with a fertility question), and otherwise under "Other guideline context"."""
    html = post(client, EXAMPLES[outcome], "clinician")
    other = html.find('id="context-other"')
    in_play = hsg(client.application).engine.assess(Answers(**EXAMPLES[outcome])).safety is not None
    position = html.find('id="context-evaluation_timing"')
    assert position > 0 and (other < 0 or position < other)
    for topic_id in ("before_hsg", "after_hsg"):
        position = html.find(f'id="context-{topic_id}"')
        if in_play:
            assert position > 0 and (other < 0 or position < other), topic_id
        else:
            assert position < 0 and other > 0, topic_id
    for word in ("pregnancy", "pelvic inflammatory disease", "previous reaction to X-ray contrast",
                 "not about an \"iodine allergy\"", "before ovulation", "Antibiotic prophylaxis", "999 in the UK",
                 "first day of the period", "Chlamydia trachomatis"):
        assert word in unescape(html), word


def test_recurrent_loss_note_is_for_these_answers_only_when_that_indication_matched(client):
    note = find("recurrent_pregnancy_loss", "eshre_rpl")
    matched = post(client, {**EXAMPLES["no_indication"], "pregnancy_losses": "three_or_more"}, "clinician")
    position, other = matched.find('id="context-recurrent_pregnancy_loss"'), matched.find('id="context-other"')
    assert 0 < position and (other < 0 or position < other), "for these answers, not under 'other'"
    assert cited(plain(matched), note) and "ultrasound" in note.text
    unmatched = plain(post(client, EXAMPLES["no_indication"], "clinician"))
    assert "Recurrent pregnancy loss" in unmatched
    assert unmatched.index("Other guideline context") < unmatched.index(note.text)
    # imaging choices are for these answers only when an HSG is in question at all
    assert unmatched.index("Other guideline context") < unmatched.index(find("imaging_choices", "acr_infertility").text)


def test_clinician_rules_page_shows_all_clinician_context(client):
    html = plain(page(client.get("/rules?audience=clinician")))
    for _, statement in statements("clinician"):
        assert cited(html, statement), statement.text
    assert "Before an HSG: tell your clinician" not in html


# --- Patient results: safety prompts on every one ----------------------------------------

PATIENT_PROMPTS = ["might be pregnant", "infection now", "reaction to X-ray contrast dye", "after your period ends",
                   "bleeding now", "In the month of the test only", "from the first day of your period",
                   "check for chlamydia", "painkiller, such as ibuprofen", "The dose is small"]
SAFETY_NET = ["light bleeding or spotting for a day or two are common",
              "Get help from a clinician quickly if you have a fever, a smelly or odd discharge",
              "Out of hours, call NHS 111", "Call 999 in the UK", "About 1 to 3 in 100 people get an infection"]
#: Outcomes where an HSG is in play: the checks before it and the safety net after it.
HSG_IN_PLAY = ["commonly_recommended", "may_be_considered", "see_clinician_sooner"]


def always_for(topic_id: str):
    topic = next(t for t in CONTEXT.topics if t.id == topic_id)
    return [s for s in topic.statements if not s.relevant_to and not s.when]


@pytest.mark.parametrize("prefix", ["", "/embed"])
@pytest.mark.parametrize("outcome", HSG_IN_PLAY)
def test_every_patient_result_with_an_hsg_in_play_prompts_about_pregnancy_infection_contrast_bleeding_and_timing(
        client, outcome, prefix):
    raw = post(client, EXAMPLES[outcome], prefix=prefix)
    html = plain(raw)
    assert "Before an HSG: tell your clinician" in html
    for prompt in PATIENT_PROMPTS:
        assert prompt in html, prompt
    for statement in always_for("before_hsg_patient"):
        assert shown_to_patient(raw, statement), statement.text
    assert "Clinical context beyond the source" not in html, "clinician context stays in the clinician register"


@pytest.mark.parametrize("prefix", ["", "/embed"])
@pytest.mark.parametrize("outcome", HSG_IN_PLAY)
def test_every_patient_result_with_an_hsg_in_play_has_the_after_test_safety_net(client, outcome, prefix):
    raw = post(client, EXAMPLES[outcome], prefix=prefix)
    html = plain(raw)
    assert "After an HSG" in html
    for sentence in SAFETY_NET:
        assert sentence in html, sentence
    for statement in always_for("after_hsg_patient"):
        assert shown_to_patient(raw, statement), statement.text


def test_the_safety_net_is_on_every_patient_result_with_an_hsg_in_play_over_all_combinations(app, client):
    """All 2,700 answer sets: wherever the outcome puts an HSG in play, the page's view carries the safety
    net (and only then); one page per outcome shows that the template prints what the view carries."""
    from triage.web.views import result_view

    after = {statement.text for statement in always_for("after_hsg_patient")}
    pages = {}
    with app.test_request_context():
        for answers in all_answer_combinations():
            view = result_view(Answers(**answers), "patient")
            shown = {text for topic in view.after_test for text, _ in topic.statements}
            # Rule set 1.2: an HSG is in play only with a fertility question (trying, or recurrent loss).
            fertility = answers["months_trying"] != "not_trying" or answers["pregnancy_losses"] in {"two", "three_or_more"}
            in_play = view.outcome in HSG_IN_PLAY and fertility
            assert (after <= shown) == in_play and (bool(shown) == view.hsg_in_play), answers
            pages.setdefault(view.outcome, answers)
    assert set(pages) == set(EXAMPLES)
    for outcome, answers in pages.items():
        html = plain(post(client, answers))
        in_play = hsg(app).engine.assess(Answers(**answers)).safety is not None
        assert all(s in html for s in SAFETY_NET) == in_play, (answers, outcome)


def test_no_patient_text_says_iodine_allergy_or_blames_the_tubes_for_miscarriage(client):
    texts = [s.text for _, s in statements("patient")] + [topic.title for topic in CONTEXT.topics]
    rules = load_rule_set()
    texts += [i.patient.explanation for i in rules.indications] + [n.patient for n in rules.open_questions.values()]
    texts += [q.patient for i in rules.indications for q in i.qualifications]
    texts += [e.patient.explanation for e in rules.escalations]
    texts += [plain(post(client, answers)) for answers in EXAMPLES.values()]
    texts += [plain(page(client.get(path))) for path in ("/", "/rules", "/about")]
    for text in texts:
        assert not re.search(r"allerg\w* (?:to )?iodine|iodine allerg", text, re.I), text
        assert not re.search(r"tubes? for a cause|tubal cause", text, re.I), text
    miscarriage = rules.indication("recurrent_miscarriage")
    assert "womb" in miscarriage.patient.explanation and "tube" not in miscarriage.patient.explanation
    assert "scan" in miscarriage.qualifications[0].patient and "tube" not in miscarriage.qualifications[0].patient


def test_the_antibiotic_prompt_is_only_for_a_past_pelvic_infection(client):
    prompt = find("before_hsg_patient", "acog_pb195")
    assert shown_to_patient(post(client, EXAMPLES["commonly_recommended"]), prompt)  # pelvic_infection = yes
    assert prompt.text not in plain(post(client, EXAMPLES["may_be_considered"]))  # pelvic_infection = no


def test_the_patient_rules_page_shows_the_safety_prompts(client):
    html = plain(page(client.get("/rules")))
    for _, statement in statements("patient"):
        assert cited(html, statement), statement.text


def blocks(html: str) -> list[str]:
    """Text of each paragraph and list item, without the source citations (exempt, like quotes)."""
    html = re.sub(r'<span class="source-note">.*?</span>', "", html, flags=re.S)
    found = re.findall(r"<(?:p|li|h2|h3)\b[^>]*>(.*?)</(?:p|li|h2|h3)>", html, re.S)
    return [text for text in (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", f)).strip() for f in found) if text]


def section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[html.rindex("<section", 0, start):html.index("</section>", start)]


def test_patient_context_and_safety_copy_read_at_grade_8_or_lower(make_app, tmp_path):
    texts = [topic.title for topic in CONTEXT.topics if topic.audience == "patient"]
    texts += [statement.text for _, statement in statements("patient")]
    client = make_app().test_client()
    texts += blocks(section(page(client.get("/rules")), 'id="review-title"'))
    texts += blocks(section(page(client.get("/about")), 'id="safety-title"'))
    local = tmp_path / "local.toml"
    local.write_text(bundled_rules_file().read_text(encoding="utf-8").replace(f'version = "{load_rule_set().version}"', 'version = "1.0.0-local"'),
                     encoding="utf-8")
    texts += blocks(section(page(make_app(HSG_RULES_FILE=str(local)).test_client().get("/rules")), 'id="review-title"'))
    assert len(texts) >= 10
    for text in texts:
        assert textstat.flesch_kincaid_grade(text) <= MAX_PATIENT_GRADE, text


@pytest.mark.parametrize("outcome", EXAMPLES)
def test_the_text_result_carries_the_prompts_or_the_clinician_checks(monkeypatch, outcome):
    from click.testing import CliRunner

    from triage.cli import main

    for name in ("HSG_RULES_FILE", "HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    options = [part for field, value in EXAMPLES[outcome].items() for part in ("--" + field.replace("_", "-"), value)]
    patient = CliRunner().invoke(main, ["assess", *options]).output
    if outcome in HSG_IN_PLAY:
        for statement in always_for("before_hsg_patient") + always_for("after_hsg_patient"):
            assert f"- {statement.text} ({shown(statement)})" in patient
    clinician = CliRunner().invoke(main, ["assess", *options, "--audience", "clinician"]).output
    checks = CLINICIAN_MUST_SHOW[:6] if outcome in HSG_IN_PLAY else CLINICIAN_MUST_SHOW[3:6]
    for topic_id, source in checks:  # checks before an HSG where one is in play, and guideline timing
        assert find(topic_id, source).text in clinician
