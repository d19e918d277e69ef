"""axe-core in Chromium: zero WCAG 2.2 A/AA violations on every page, every
outcome in both registers, the embed flow, the error state and error pages,
in the light and the dark colour scheme."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import EXAMPLES, fill_form
from playwright.sync_api import Page, expect

# A real browser, real servers or a package build: `pytest -m "not slow"` leaves these out.
pytestmark = pytest.mark.slow

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
SCHEMES = ["light", "dark"]
AUDIENCES = ["patient", "clinician"]
PAGES = ["/", "/rules", "/about", "/embed/", "/embed/rules", "/embed/about"]
ERROR_PAGES = {"/nope": 404, "/result": 405, "/?audience=doctor": 400, "/embed/nope": 404}


def query(audience: str) -> str:
    return "?audience=clinician" if audience == "clinician" else ""


def assert_no_violations(page: Page) -> None:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def submit(page: Page, prefix: str, audience: str, answers: dict) -> None:
    page.goto(f"{prefix}/{query(audience)}")
    fill_form(page, answers)
    page.get_by_role("button", name="See what this means").click()
    page.wait_for_load_state()


@pytest.fixture(params=SCHEMES)
def browser_context_args(request, browser_context_args):
    return {**browser_context_args, "color_scheme": request.param}


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("path", PAGES)
def test_pages(page: Page, path, audience):
    page.goto(path + query(audience))
    assert_no_violations(page)


@pytest.mark.parametrize("path,status", ERROR_PAGES.items())
def test_error_pages(page: Page, path, status):
    assert page.goto(path).status == status
    assert_no_violations(page)


@pytest.mark.parametrize("prefix", ["", "/embed"])
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("outcome", EXAMPLES)
def test_result_pages(page: Page, prefix, outcome, audience):
    submit(page, prefix, audience, EXAMPLES[outcome])
    expect(page.locator(f"section.outcome-{outcome}")).to_have_count(1)
    assert_no_violations(page)


@pytest.mark.parametrize("prefix", ["", "/embed"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_error_state(page: Page, prefix, audience):
    submit(page, prefix, audience, {"age_bracket": "under_35"})
    expect(page.locator(".error-summary")).to_be_focused()
    assert_no_violations(page)
