"""The web form: radio groups, required answers, and an error summary linked to the fields."""

import re
from html import unescape

import pytest
from conftest import EXAMPLES

from triage.core.answers import ALLOWED, FIELDS
from triage.core.questions import load_questions


def test_form_has_a_fieldset_and_radio_group_per_question(client):
    html = client.get("/").get_data(as_text=True)
    assert html.count("<fieldset") == 6
    assert html.count("<legend>") == 6
    for field in FIELDS:
        for value in ALLOWED[field]:
            assert f'name="{field}" value="{value}"' in html
            assert f'<label for="{field}-{value}">' in html
    assert re.search(r'<form method="post" action="/result"', html)
    assert 'type="text"' not in html and "<textarea" not in html, "no free text anywhere"


def test_every_question_has_a_hint_linked_to_its_fieldset(client):
    html = client.get("/").get_data(as_text=True)
    for question in load_questions():
        assert f'aria-describedby="{question.field}-hint"' in html
        assert f'id="{question.field}-hint">{question.patient.hint}</p>' in html


def test_an_empty_submission_lists_every_question_in_an_error_summary(client):
    response = client.post("/result", data={})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert 'class="error-summary" role="alert"' in html and "autofocus" in html
    for question in load_questions():
        first = f"{question.field}-{question.options[0].value}"
        assert f'<li><a href="#{first}">{question.patient.error}</a></li>' in html
        assert f'id="{first}"' in html, "the summary link must land on the field"
        assert f'id="{question.field}-error"' in html
        assert f'aria-describedby="{question.field}-hint {question.field}-error"' in html


def test_a_partial_submission_keeps_the_answers_given(client):
    partial = {"months_trying": "under_6", "age_bracket": "40_or_over"}
    html = client.post("/result", data=partial).get_data(as_text=True)
    assert 'value="under_6" checked' in html and 'value="40_or_over" checked' in html
    assert "Choose how long you have been trying" not in html
    assert "Choose how many miscarriages you have had." in html


@pytest.mark.parametrize("bad", ["", "yes", "12", "<script>alert(1)</script>", "12_OR_MORE"])
def test_a_value_that_is_not_an_option_is_an_error_naming_the_question(client, bad):
    html = client.post("/result", data={**EXAMPLES["not_yet"], "months_trying": bad}).get_data(as_text=True)
    assert "Choose how long you have been trying to get pregnant." in html
    assert "<script>alert(1)</script>" not in html


def test_answers_in_the_query_string_give_no_assessment(client):
    query = "&".join(f"{k}={v}" for k, v in EXAMPLES["commonly_recommended"].items())
    assert client.get(f"/result?{query}").status_code == 405
    response = client.post(f"/result?{query}", data={})
    assert response.status_code == 400, "answers are read from the body only"


def test_change_your_answers_fills_the_form_in_again(client):
    html = client.post("/", data=EXAMPLES["may_be_considered"]).get_data(as_text=True)
    assert html.count(" checked>") == 6
    assert "error-summary" not in html


def test_the_clinician_form_asks_about_the_patient_in_clinical_words(client):
    """Questions are worded for the person answering: a clinician answers about a patient."""
    html = unescape(client.get("/?audience=clinician").get_data(as_text=True))
    for question in load_questions():
        assert question.clinician.label in html and question.patient.label not in html
        for option in question.options:
            assert f'<label for="{question.field}-{option.value}">{option.clinician}</label>' in html
    assert "Has the patient had pelvic surgery?" in html and "I am not trying to get pregnant" not in html
    errors = unescape(client.post("/result?audience=clinician", data={}).get_data(as_text=True))
    for question in load_questions():
        assert question.clinician.error in errors


@pytest.mark.parametrize("query", ["", "?audience=clinician"])
def test_the_opt_out_answers_are_set_apart_after_an_or(client, query):
    html = client.get("/" + query).get_data(as_text=True)
    for question in load_questions():
        (opt_out,) = question.opt_out
        fieldset = html[html.index(f'aria-describedby="{question.field}-hint"'):]
        fieldset = fieldset[:fieldset.index("</fieldset>")]
        divider, radio = fieldset.index('<p class="or">or</p>'), fieldset.index(f'id="{question.field}-{opt_out}"')
        assert divider < radio and fieldset.count('class="or"') == 1
        assert all(fieldset.index(f'id="{question.field}-{o.value}"') < divider for o in question.options if o.value != opt_out)
