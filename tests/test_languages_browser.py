"""Every language in Chromium: 0 axe violations, no sideways scrolling at 320 px, `lang` and
`dir` as the browser sees them, and the whole flow by keyboard alone in Arabic (right to left)."""

import pytest
from conftest import EXAMPLES, fill_form, outcome_shown
from playwright.sync_api import Page, expect
from test_accessibility import assert_no_violations
from test_browser import active, answer_by_keyboard, tab
from test_layout import OVERFLOW

from triage.core.translation import LANGUAGES, RIGHT_TO_LEFT

# A real browser: `pytest -m "not slow"` leaves these out.
pytestmark = pytest.mark.slow

TRANSLATED = [code for code in LANGUAGES if code != "en"]


def states():
    yield "form", None, ""
    yield "error", None, ""
    yield "rules", None, "audience=clinician"
    yield "about", None, ""
    for outcome in EXAMPLES:
        for audience in ("", "audience=clinician"):
            yield "result", outcome, audience


def open_state(page: Page, language: str, kind: str, outcome: str | None, audience: str) -> None:
    query = "&".join(part for part in (audience, f"lang={language}") if part)
    if kind in ("rules", "about"):
        page.goto(f"/{kind}?{query}")
        return
    page.goto(f"/?{query}")
    if kind == "form":
        return
    fill_form(page, EXAMPLES[outcome] if outcome else {"pelvic_pain": "yes"})
    page.locator("button.button[type=submit]").click()  # named in the page's language
    page.wait_for_load_state()
    if outcome:
        assert outcome_shown(page) == outcome


@pytest.mark.parametrize("kind,outcome,audience", list(states()))
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_state_in_every_language(page: Page, language, kind, outcome, audience):
    page.set_viewport_size({"width": 320, "height": 800})
    open_state(page, language, kind, outcome, audience)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language in RIGHT_TO_LEFT else "ltr")
    assert page.evaluate("getComputedStyle(document.body).direction") == ("rtl" if language in RIGHT_TO_LEFT else "ltr")
    expect(page.locator(".translation-notice")).to_have_count(1)
    assert page.evaluate(OVERFLOW) == []
    assert page.context.cookies() == []
    assert_no_violations(page)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_drawings_words_fit_inside_it(page: Page, language):
    """Translated labels are longer or shorter than English: each stays inside the 400 × 300 drawing."""
    page.goto(f"/result?lang={language}")  # a 405 page: only to have the app's origin
    html = page.request.post(f"/result?lang={language}", form=EXAMPLES["commonly_recommended"]).text()
    src = html.split('<img class="diagram" src="', 1)[1].split('"', 1)[0]
    page.goto(src)
    boxes = page.evaluate("[...document.querySelectorAll('text')].map(t => { const b = t.getBBox(); "
                          "return [t.textContent, b.x, b.y, b.x + b.width, b.y + b.height]; })")
    assert len(boxes) == 9
    for text, left, top, right, bottom in boxes:
        assert 0 <= left and right <= 400 and 0 <= top and bottom <= 300, (text, left, right)


def test_right_to_left_mirrors_the_layout(page: Page):
    """In Arabic the question's error bar and the quote's rule sit on the right: logical properties."""
    page.goto("/?lang=ar")
    fill_form(page, {"pelvic_pain": "yes"})
    page.locator("button.button[type=submit]").click()
    question = page.locator(".question.has-error").first
    assert float(question.evaluate("e => parseFloat(getComputedStyle(e).borderRightWidth)")) >= 4
    assert float(question.evaluate("e => parseFloat(getComputedStyle(e).borderLeftWidth)")) == 0


@pytest.mark.parametrize("audience", ["", "audience=clinician"])
def test_the_whole_flow_by_keyboard_alone_in_arabic(page: Page, audience):
    query = "&".join(part for part in (audience, "lang=ar") if part)
    page.goto(f"/?{query}")
    skip = tab(page)
    assert skip["tag"] == "a" and skip["outline"]
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main"
    # Into the form: past the translation notice's link, the register switch and (clinicians) the answer code.
    for _ in range(8):
        if active(page)["id"] == "months_trying-not_trying":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the first question")
    page.keyboard.press("Shift+Tab")
    answer_by_keyboard(page, EXAMPLES["see_clinician_sooner"])
    submit = tab(page)
    assert (submit["tag"], submit["outline"]) == ("button", True)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert outcome_shown(page) == "see_clinician_sooner"
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # The language switch on the result keeps the answers: to English by keyboard.
    for _ in range(4):
        if tab(page)["text"] == "English":
            break
    else:
        pytest.fail("the language switch is not reachable by Tab")
    assert active(page)["outline"]
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert outcome_shown(page) == "see_clinician_sooner"
    expect(page.locator("html")).to_have_attribute("lang", "en")
