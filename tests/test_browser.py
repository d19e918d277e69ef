"""The whole flow in a real browser (Chromium): by mouse, by keyboard alone,
inside another origin's iframe, and with JavaScript switched off."""

import pytest
from conftest import EXAMPLES, fill_form, outcome_shown
from playwright.sync_api import Page, expect

from triage.core.answers import ALLOWED

# A real browser, real servers or a package build: `pytest -m "not slow"` leaves these out.
pytestmark = pytest.mark.slow

AUDIENCES = ["patient", "clinician"]


def query(audience: str) -> str:
    return "?audience=clinician" if audience == "clinician" else ""


def active(page: Page) -> dict:
    """What has the keyboard focus, and whether the focus is visible (a real outline)."""
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
                   return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim(),
                           type: e.type || null, checked: !!e.checked,
                           outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""
    )


def tab(page: Page) -> dict:
    page.keyboard.press("Tab")
    return active(page)


def answer_by_keyboard(page: Page, answers: dict) -> None:
    """Tab into each radio group, then choose with Space and the arrow keys, as a keyboard user does."""
    for field, value in answers.items():
        focused = tab(page)
        assert focused["id"] == f"{field}-{ALLOWED[field][0]}", f"Tab should enter the {field} group at its first answer"
        assert focused["outline"], f"no visible focus on {focused['id']}"
        page.keyboard.press("Space")
        for _ in range(ALLOWED[field].index(value)):
            page.keyboard.press("ArrowDown")
        focused = active(page)
        assert (focused["id"], focused["checked"]) == (f"{field}-{value}", True)
        assert focused["outline"], f"no visible focus on {focused['id']}"


#: The register switch on a result names the register it leads to.
SWITCH_TO = {"clinician": "Show the version for clinicians", "patient": "Show the patient version"}


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("outcome", EXAMPLES)
def test_form_by_mouse(page: Page, live_server, outcome, audience):
    page.goto(f"{live_server}/{query(audience)}")
    fill_form(page, EXAMPLES[outcome])
    page.get_by_role("button", name="See what this means").click()
    expect(page).to_have_url(f"{live_server}/result{query(audience)}")
    assert outcome_shown(page) == outcome
    other = "patient" if audience == "clinician" else "clinician"
    expect(page.get_by_role("button", name=SWITCH_TO[other])).to_have_count(1)
    expect(page.locator(".referral-summary")).to_have_count(1 if audience == "clinician" else 0)


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("outcome", EXAMPLES)
def test_form_by_keyboard_alone(page: Page, live_server, outcome, audience):
    page.goto(f"{live_server}/{query(audience)}")
    skip = tab(page)
    assert (skip["text"], skip["outline"]) == ("Skip to main content", True)
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main", "the skip link moves focus to the main content"
    switch = tab(page)
    assert switch["text"].startswith("Show the") and switch["outline"]
    if audience == "clinician":
        # The clinician form starts with the optional answer code: its box, then its button.
        assert tab(page)["id"] == "answer_code" and active(page)["outline"]
        assert tab(page)["text"] == "Fill in the answers"
    answer_by_keyboard(page, EXAMPLES[outcome])
    submit = tab(page)
    assert (submit["tag"], submit["outline"]) == ("button", True)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/result{query(audience)}")
    assert outcome_shown(page) == outcome

    # On the result, the register switch is reachable by keyboard too, and keeps the answers.
    other = "patient" if audience == "clinician" else "clinician"
    for _ in range(40):
        if tab(page)["text"] == SWITCH_TO[other]:
            break
    else:
        pytest.fail("the register switch is not reachable by Tab")
    assert active(page)["outline"]
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/result{query(other)}")
    assert outcome_shown(page) == outcome
    expect(page.get_by_role("button", name=SWITCH_TO[audience])).to_have_count(1)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_incomplete_form_moves_focus_to_an_error_summary_that_links_to_each_question(page: Page, live_server, audience):
    page.goto(f"{live_server}/{query(audience)}")
    answered = {"months_trying": "12_or_more", "pelvic_pain": "no"}
    fill_form(page, answered)
    page.get_by_role("button", name="See what this means").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Is an HSG often suggested? – HSG indication helper")
    links = summary.get_by_role("link")
    missing = [field for field in ALLOWED if field not in answered]
    expect(links).to_have_count(len(missing))
    for field, value in answered.items():
        expect(page.locator(f"#{field}-{value}")).to_be_checked()
    for index, field in enumerate(missing):
        links.nth(index).click()
        expect(page.locator(f"#{field}-{ALLOWED[field][0]}")).to_be_focused()
        expect(page.locator(f"#{field}-error")).to_be_visible()
    # From the summary, the keyboard reaches its first link next.
    summary.focus()
    assert tab(page)["text"] == page.locator(f"#{missing[0]}-error").inner_text().removeprefix("Error:").strip()


def test_embed_flow_stays_inside_another_origins_iframe(page: Page, live_server, intranet):
    host = intranet["allowed"] + "/"
    page.goto(host)
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Is an HSG often suggested?")

    def frame_url() -> str:
        return page.frames[1].url

    for field, value in EXAMPLES["commonly_recommended"].items():
        frame.locator(f'label[for="{field}-{value}"]').click()
    frame.get_by_role("button", name="See what this means").click()
    expect(frame.locator("#outcome-title")).to_have_text("An HSG is commonly suggested")
    assert frame_url() == f"{live_server}/embed/result"

    frame.get_by_role("button", name=SWITCH_TO["clinician"]).click()
    expect(frame.locator("#outcome-title")).to_have_text("HSG commonly recommended")
    assert frame_url() == f"{live_server}/embed/result?audience=clinician"

    frame.get_by_role("button", name="Change the answers").click()
    expect(frame.locator("#pelvic_infection-yes")).to_be_checked()
    assert frame_url() == f"{live_server}/embed/?audience=clinician"

    frame.get_by_role("button", name="See what this means").click()
    frame.get_by_role("link", name="Start again").click()
    expect(frame.locator("#months_trying-12_or_more")).not_to_be_checked()
    assert frame_url() == f"{live_server}/embed/?audience=clinician"

    assert page.url == host, "the page around the frame never navigates"
    assert len(page.frames) == 2


def test_an_origin_not_allowed_cannot_frame_the_tool(page: Page, live_server, intranet):
    with page.expect_response(f"{live_server}/embed") as response:
        page.goto(intranet["refused"] + "/")
    assert response.value.status == 200, "the app answered, and the browser refused to show it"
    assert f"frame-ancestors 'self' {intranet['allowed']}" in response.value.headers["content-security-policy"]
    page.wait_for_load_state()
    child = page.frames[1]
    assert not child.url.startswith(live_server)
    assert "HSG" not in child.content()


@pytest.mark.parametrize("audience", AUDIENCES)
def test_whole_flow_without_javascript(browser, live_server, audience):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/{query(audience)}")
        page.get_by_role("button", name="See what this means").click()
        expect(page.locator(".error-summary")).to_be_focused()  # autofocus, not script
        fill_form(page, EXAMPLES["may_be_considered"])
        page.get_by_role("button", name="See what this means").click()
        assert outcome_shown(page) == "may_be_considered"
        other = "patient" if audience == "clinician" else "clinician"
        page.get_by_role("button", name=SWITCH_TO[other]).click()
        expect(page).to_have_url(f"{live_server}/result{query(other)}")
        assert outcome_shown(page) == "may_be_considered"
        page.get_by_role("button", name="Change").click()
        for field, value in EXAMPLES["may_be_considered"].items():
            expect(page.locator(f"#{field}-{value}")).to_be_checked()
        page.locator('label[for="months_trying-12_or_more"]').click()
        page.get_by_role("button", name="See what this means").click()
        assert outcome_shown(page) == "commonly_recommended"
    finally:
        context.close()
