"""The result page's budgets on a phone and on paper (issue 12), measured in Chromium.

At 375 × 667 (a common phone), for every outcome in both registers: the `h1`
names the outcome, the first screen holds it and the next step, a patient
result is at most 4 screens tall and a clinician result at most 5 with its
Details closed, and the clinician's referral summary starts within the first
2 screens. Printed on A4: at most 2 pages in either register.
"""

import io

import pytest
from conftest import EXAMPLES
from playwright.sync_api import Page
from pypdf import PdfReader
from test_layout import open_state

from triage.core.answers import Answers
from triage.core.engine import Engine
from triage.core.ruleset import load_rule_set
from triage.web.labels import OUTCOME_LABELS, REGISTERED

pytestmark = pytest.mark.slow

PHONE = {"width": 375, "height": 667}
SCREENS = {"patient": 4, "clinician": 5}
A4_PAGES = {"patient": 2, "clinician": 2}

CASES = [(outcome, audience) for outcome in EXAMPLES for audience in ("patient", "clinician")]


def height_in_screens(page: Page) -> float:
    return page.evaluate("document.documentElement.scrollHeight") / PHONE["height"]


@pytest.mark.parametrize("outcome,audience", CASES)
def test_on_a_phone_the_answer_and_next_step_come_first_and_the_page_stays_short(page: Page, outcome, audience):
    page.set_viewport_size(PHONE)
    open_state(page, "result", outcome, audience)
    h1 = page.locator("h1")
    # Rule set 1.2: where an unsure answer could change the outcome, the heading says the tool cannot tell yet.
    could_change = Engine(load_rule_set()).assess(Answers(**EXAMPLES[outcome])).outcome_could_change
    heading = REGISTERED["cannot_tell_yet"][audience] if could_change else OUTCOME_LABELS[audience][outcome]
    assert str(heading) in h1.inner_text()
    first_screen = PHONE["height"]
    assert h1.bounding_box()["y"] + h1.bounding_box()["height"] <= first_screen
    next_step = page.locator(".next-step").bounding_box()
    assert next_step["y"] + next_step["height"] <= first_screen, "the next step is on the first screen"
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)"), "measured with Details closed"
    screens = height_in_screens(page)
    assert screens <= SCREENS[audience], f"{screens:.2f} screens"
    if audience == "clinician":
        summary = page.locator("textarea#referral-summary")
        assert summary.get_attribute("readonly") is not None
        assert summary.bounding_box()["y"] < 2 * PHONE["height"], "the referral summary starts within two screens"


@pytest.mark.parametrize("outcome,audience", CASES)
def test_a_printed_result_fits_on_two_a4_pages(page: Page, outcome, audience):
    open_state(page, "result", outcome, audience)
    pages = len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    assert pages <= A4_PAGES[audience]


def test_the_referral_summary_can_be_selected_whole_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=live_server)
    page = context.new_page()
    try:
        open_state(page, "result", "commonly_recommended", "clinician")
        summary = page.locator("textarea#referral-summary")
        summary.click()
        page.keyboard.press("Control+A")
        selected = summary.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)")
        assert selected == summary.input_value() and selected.startswith("HSG indication summary, ")
    finally:
        context.close()


@pytest.mark.parametrize("query", ["", "?audience=clinician"])
def test_every_answer_is_a_touch_target_of_at_least_40_px(page: Page, query):
    page.set_viewport_size(PHONE)
    page.goto("/" + query)
    for label in page.locator(".option label").all():
        box = label.bounding_box()
        assert box["height"] >= 40 and box["width"] >= 40, box
