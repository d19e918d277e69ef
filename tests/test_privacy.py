"""Answers never reach a log, never come from a URL, and nothing is kept between requests."""

import logging

import pytest
from conftest import EXAMPLES

from triage.core.answers import ALLOWED, FIELDS
from triage.state import hsg

#: Every answer value that could not appear in a log by coincidence, and every field id.
TELLTALES = sorted({v for values in ALLOWED.values() for v in values if "_" in v} | set(FIELDS))


@pytest.fixture
def captured(caplog, capfd):
    """Everything any logger emits at DEBUG and up, and everything written to stdout/stderr."""
    caplog.set_level(logging.DEBUG)
    for name in ("triage", "werkzeug", "flask.app", "gunicorn.error"):
        caplog.set_level(logging.DEBUG, logger=name)

    def text() -> str:
        out, err = capfd.readouterr()
        return caplog.text + out + err

    return text


def post_everything(client):
    for outcome, answers in EXAMPLES.items():
        for audience in ("patient", "clinician"):
            assert client.post(f"/result?audience={audience}", data=answers).status_code == 200
            assert client.post(f"/embed/result?audience={audience}", data=answers).status_code == 200
            assert client.post("/", data=answers).status_code == 200  # "change your answers"
            response = client.post("/api/v1/assessments", json={**answers, "audience": audience})
            assert response.get_json()["outcome"] == outcome
    partial = {k: v for k, v in EXAMPLES["not_yet"].items() if k != "pelvic_pain"}
    assert client.post("/result", data={**partial, "pelvic_pain": "prefer_not_to_say"}).status_code == 400
    assert client.post("/api/v1/assessments", json={**partial, "pelvic_pain": "three_or_more"}).status_code == 422


def assert_no_answers_in(text: str) -> None:
    leaked = [value for value in TELLTALES if value in text]
    assert not leaked, f"answers reached the log: {leaked}\n{text}"


def test_answers_are_never_logged(app, client, captured):
    app.logger.info("logging is captured")  # proves the capture works
    post_everything(client)
    text = captured()
    assert "logging is captured" in text
    assert_no_answers_in(text)


def test_answers_are_not_logged_even_when_something_fails(app, client, captured, monkeypatch):
    def fail(answers, audience="patient"):
        # The worst case: an error whose message quotes the answers.
        raise ValueError(f"cannot assess {answers!r}")

    monkeypatch.setattr(hsg(app).engine, "assess", fail)
    post_everything_that_fails(client)
    text = captured()
    assert "ValueError" in text and "unexpected error on POST /result" in text, "the failure itself is logged"
    assert_no_answers_in(text)


def post_everything_that_fails(client):
    for answers in EXAMPLES.values():
        assert client.post("/result?audience=clinician", data=answers).status_code == 500
        assert client.post("/api/v1/assessments", json=answers).status_code == 500


def test_answers_in_the_query_string_give_no_assessment_anywhere(client):
    query = "&".join(f"{k}={v}" for k, v in EXAMPLES["commonly_recommended"].items())
    for path in ("/result", "/embed/result"):
        assert client.get(f"{path}?{query}").status_code == 405
        assert client.post(f"{path}?{query}", data={}).status_code == 400
    assert client.post(f"/api/v1/assessments?{query}", json={}).status_code == 422
    assert client.get(f"/api/v1/assessments?{query}").status_code == 405
    html = client.get(f"/?{query}").get_data(as_text=True)
    assert " checked" not in html, "the form is not pre-filled from a URL"


def test_nothing_is_kept_between_requests(client):
    client.post("/result", data=EXAMPLES["commonly_recommended"])
    html = client.get("/").get_data(as_text=True)
    assert " checked" not in html
    assert client.get_cookie("session") is None
