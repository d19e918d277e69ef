"""The answer code on every channel: the API, the result page and its referral summary, the clinician form,
the CLI and FHIR; and, in a real browser, from a patient's result to a GP's form with nothing in between
holding the answers or the code (issue 27). The code itself: tests/test_answer_code.py."""

import json
import logging
import re
from html import unescape

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, all_answer_combinations, fill_form, outcome_shown
from fhir_support import assessment_of, questionnaire_response

from triage.cli import main
from triage.core.answer_code import encode, format_code

API = "/api/v1/assessments"


def checked(html: str) -> dict[str, str]:
    """The answers a form page has checked."""
    return dict(re.findall(r'name="([a-z_]+)" value="([a-z0-9_]+)" checked', html))


def test_every_answer_set_round_trips_through_the_api_and_the_form(client):
    """Answers -> the code a result gives -> the same answers, for all 2,700 answer sets."""
    codes = set()
    for answers in all_answer_combinations():
        body = client.post(API, json={**answers, "audience": "clinician"}).get_json()
        code = body["answer_code"]
        codes.add(code)
        again = client.post(API, json={"answer_code": format_code(code).lower(), "audience": "clinician"})
        assert again.status_code == 200 and again.get_json() == body, answers
        form = client.post("/?audience=clinician", data={"answer_code": code})
        assert form.status_code == 200 and checked(form.get_data(as_text=True)) == answers, answers
    assert len(codes) == 2700


@pytest.mark.slow  # 2,700 runs of the command, each building the app: the full suite runs it
def test_every_answer_set_round_trips_through_the_cli(monkeypatch):
    for name in ("HSG_RULES_FILE", "HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    for answers in all_answer_combinations():
        options = [part for field, value in answers.items() for part in ("--" + field.replace("_", "-"), value)]
        given = json.loads(runner.invoke(main, ["assess", *options, "--json"]).output)
        coded = json.loads(runner.invoke(main, ["assess", "--code", given["answer_code"], "--json"]).output)
        assert coded == given, answers


def test_the_cli_takes_a_code_and_names_its_problems(monkeypatch):
    for name in ("HSG_RULES_FILE", "HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    answers = EXAMPLES["not_yet"]
    code = encode(answers, 1)
    text = CliRunner().invoke(main, ["assess", "--code", format_code(code)])
    assert text.exit_code == 0 and "12 months of trying in all" in text.output
    mistyped = CliRunner().invoke(main, ["assess", "--code", code[:-1] + ("0" if code[-1] != "0" else "1")])
    assert mistyped.exit_code == 2 and "mistyped or two are swapped" in mistyped.output
    both = CliRunner().invoke(main, ["assess", "--code", code, "--months-trying", "under_6"])
    assert both.exit_code == 2 and "not both" in both.output


@pytest.mark.parametrize("code,problem", [
    ("101-K1", "The code has 5 characters; it should have 6."),
    ("101-K1!", "'!' is not a character codes use."),
    ("101-K91", "The last character does not match: a character is mistyped or two are swapped."),
])
def test_a_bad_code_gets_a_422_naming_the_problem(client, code, problem):
    response = client.post(API, json={"answer_code": code})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == [{"field": "answer_code", "problem": problem}]


def test_a_code_from_another_major_version_is_refused_with_its_version(client):
    code = encode(EXAMPLES["not_yet"], 2)
    response = client.post(API, json={"answer_code": code})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["problem"] == (
        "This code is from version 2 of the rules; this tool uses version 1: answer the questions again.")
    form = client.post("/?audience=clinician", data={"answer_code": code})
    assert form.status_code == 400 and "version 2 of the rules" in unescape(form.get_data(as_text=True))


def test_a_code_and_the_answers_together_are_refused(client):
    code = encode(EXAMPLES["not_yet"], 1)
    response = client.post(API, json={**EXAMPLES["not_yet"], "answer_code": code})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "answer_code"


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_every_result_shows_the_code_and_says_what_it_holds(client, audience):
    answers = EXAMPLES["commonly_recommended"]
    code = format_code(encode(answers, 1))
    query = "?audience=clinician" if audience == "clinician" else ""
    html = unescape(client.post(f"/result{query}", data=answers).get_data(as_text=True))
    if audience == "patient":
        assert re.search(rf'<code class="code-display">{code}</code>', html)
        section = html[html.index('class="answer-code"'):html.index("</div>", html.index('class="answer-code"'))]
        assert "only your six answers" in section and "no name and no date" in section and "nothing was saved" in section
    else:
        summary = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
        assert f"Answer code: {code}" in summary, "the referral summary the GP copies carries it"
    assert not re.search(rf'(?:href|action|formaction|src)="[^"]*{code}', html), "never in a URL"


def test_fhir_assess_gives_the_code(client):
    answers = EXAMPLES["may_be_considered"]
    response = client.post("/fhir/Questionnaire/hsg-indications/$assess", json=questionnaire_response(answers))
    assert assessment_of(response)["answer_code"] == encode(answers, 1)
    assert {"name": "answer-code", "valueString": encode(answers, 1)} in response.get_json(force=True)["parameter"]


def test_the_code_is_never_logged(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    code = encode(EXAMPLES["commonly_recommended"], 1)
    client.post("/?audience=clinician", data={"answer_code": code})
    client.post("/?audience=clinician", data={"answer_code": code[:-1]})
    client.post(API, json={"answer_code": code})
    client.post(API, json={"answer_code": code[:-1] + "Z"})
    assert code not in caplog.text and code[:-1] not in caplog.text


@pytest.mark.slow
def test_from_a_patients_result_to_a_gps_form_with_nothing_in_between(browser, live_server):
    """A patient finishes the form and reads the code off her result; a GP enters it on the clinician form,
    confirms the answers and sees the same outcome. No URL, cookie or server log line holds the code or
    an answer."""
    answers = EXAMPLES["commonly_recommended"]
    seen_urls: list[str] = []
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    logging.getLogger().addHandler(handler)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.on("request", lambda request: seen_urls.append(request.url))
        page.goto("/")
        fill_form(page, answers)
        page.get_by_role("button", name="See what this means").click()
        patient_outcome = outcome_shown(page)
        code = page.locator("code.code-display").inner_text()

        gp = context.new_page()
        gp.on("request", lambda request: seen_urls.append(request.url))
        gp.goto("/?audience=clinician")
        gp.get_by_label("Answer code from a patient's result (optional)").fill(code)
        gp.get_by_role("button", name="Fill in the answers").click()
        assert "Answers filled in from code" in gp.content()
        for field, value in answers.items():
            assert gp.locator(f"#{field}-{value}").is_checked(), field
        gp.get_by_role("button", name="See what this means").click()
        assert outcome_shown(gp) == patient_outcome
        cookies = context.cookies()
    finally:
        context.close()
        logging.getLogger().removeHandler(handler)
    everything = " ".join(seen_urls + records) + json.dumps(cookies)
    assert cookies == []
    assert code not in everything and code.replace("-", "") not in everything
    assert not [value for value in answers.values() if "_" in value and value in everything]


def test_the_only_box_to_type_in_is_the_clinicians_answer_code(client):
    """The privacy promise's one exception: no free text, except a code that holds only answers."""
    assert 'type="text"' not in client.get("/").get_data(as_text=True)
    clinician = client.get("/?audience=clinician").get_data(as_text=True)
    boxes = re.findall(r"<input [^>]*type=\"text\"[^>]*>", clinician)
    assert len(boxes) == 1 and 'name="answer_code"' in boxes[0] and 'maxlength="16"' in boxes[0]
    assert 'autocomplete="off"' in boxes[0] and "<textarea" not in clinician


@pytest.mark.slow
def test_the_printed_patient_result_shows_the_code_large(page, live_server):
    """A printed page can be handed over: the code is on it, in type at least twice the body's."""
    page.goto(f"{live_server}/")
    fill_form(page, EXAMPLES["not_yet"])
    page.get_by_role("button", name="See what this means").click()
    page.emulate_media(media="print")
    code = page.locator("code.code-display")
    sizes = code.evaluate("e => [parseFloat(getComputedStyle(e).fontSize), parseFloat(getComputedStyle(document.body).fontSize)]")
    assert sizes[0] >= 2 * sizes[1], sizes
    assert code.is_visible() and code.inner_text() == format_code(encode(EXAMPLES["not_yet"], 1))
