"""Layout in Chromium: no sideways scrolling at 320 px and at 200% zoom,
the reader's colour scheme and motion settings, and a clean printout."""

import io
import unicodedata
import re

import pytest
from conftest import EXAMPLES, fill_form, outcome_shown
from playwright.sync_api import Page
from pypdf import PdfReader

from triage.state import hsg

# A real browser, real servers or a package build: `pytest -m "not slow"` leaves these out.
pytestmark = pytest.mark.slow

#: Sideways scrolling that WCAG 1.4.10 (Reflow) forbids: the page, or any box
#: that scrolls on its own. Returns what overflows, for the failure message.
OVERFLOW = """() => {
  const root = document.documentElement;
  const out = [];
  if (root.scrollWidth > root.clientWidth) out.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.right > root.clientWidth + 0.5 || r.left < -0.5)) out.push(`${e.tagName}.${e.className} ${r.left}..${r.right}`);
    const x = getComputedStyle(e).overflowX;
    if ((x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth) out.push(`scroller ${e.tagName}.${e.className}`);
  }
  return out;
}"""

#: 320 px is WCAG's reflow width (1280 px at 400%); 640 px is a 1280 px window at 200% zoom.
WIDTHS = [320, 640]


def states():
    yield "form", None, "patient"
    yield "error", None, "patient"
    for outcome in EXAMPLES:
        for audience in ("patient", "clinician"):
            yield "result", outcome, audience


def open_state(page: Page, kind: str, outcome: str | None, audience: str, prefix: str = "") -> None:
    page.goto(f"{prefix}/" + ("?audience=clinician" if audience == "clinician" else ""))
    if kind == "form":
        return
    fill_form(page, EXAMPLES[outcome] if outcome else {"pelvic_pain": "yes"})
    page.get_by_role("button", name="See what this means").click()
    page.wait_for_load_state()
    if outcome:
        assert outcome_shown(page) == outcome


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind,outcome,audience", list(states()))
def test_nothing_scrolls_sideways(page: Page, width, kind, outcome, audience):
    page.set_viewport_size({"width": width, "height": 800})
    open_state(page, kind, outcome, audience)
    assert page.evaluate(OVERFLOW) == []


@pytest.mark.parametrize("path", ["/rules?audience=clinician", "/rules", "/about", "/embed/", "/nope"])
def test_other_pages_reflow_at_320px(page: Page, path):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(path)
    assert page.evaluate(OVERFLOW) == []


@pytest.mark.parametrize("kind,outcome,audience", [("form", None, "patient"), ("result", "commonly_recommended", "clinician")])
def test_text_at_200_percent_still_fits(page: Page, kind, outcome, audience):
    """WCAG 1.4.4: text resized to 200% (the reader's font size, not zoom) at a 1280 px window."""
    page.set_viewport_size({"width": 1280, "height": 800})
    open_state(page, kind, outcome, audience)
    before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)") == 2 * before
    assert page.evaluate(OVERFLOW) == []


def luminance(css_colour: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_colour)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_follows_the_readers_colour_scheme(page: Page, scheme):
    page.emulate_media(color_scheme=scheme)
    open_state(page, "result", "commonly_recommended", "patient")
    colours = page.evaluate("(() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; })()")
    background, text = (luminance(c) for c in colours)
    assert (background < text) == (scheme == "dark"), colours
    # The illustration follows the scheme too: its own stylesheet asks the same media query.
    assert page.locator("img.diagram").evaluate("img => img.complete && img.naturalWidth > 0")


MOTION = """() => {
  let longest = 0;
  for (const e of [document.documentElement, ...document.querySelectorAll('*')]) {
    const s = getComputedStyle(e);
    for (const d of [...s.transitionDuration.split(','), ...s.animationDuration.split(',')]) longest = Math.max(longest, parseFloat(d) || 0);
  }
  return {longest, scroll: getComputedStyle(document.documentElement).scrollBehavior};
}"""


def test_respects_reduced_motion(page: Page):
    page.emulate_media(reduced_motion="reduce")
    for kind, outcome in (("form", None), ("error", None), ("result", "commonly_recommended")):
        open_state(page, kind, outcome, "patient")
        page.keyboard.press("Tab")  # focus styles are where motion usually hides
        assert page.evaluate(MOTION) == {"longest": 0, "scroll": "auto"}


def pdf_text(page: Page) -> str:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    # NFKC: the PDF's typographic ligatures ("ﬁ" in "first") read as the letters they stand for.
    return unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))


#: What is for the screen only: the skip link, the site navigation, the register switch and the buttons.
CHROME = ["Skip to main content", r"Questions\s+Rules and sources\s+About", "Show the patient version",
          "Show the version for clinicians", "Change the answers", "Change your answers", "Start again",
          "See what this means", "Privacy"]


def test_clinician_result_prints_the_result_and_the_referral_summary(page: Page, app):
    open_state(page, "result", "commonly_recommended", "clinician")
    text = pdf_text(page)
    rules = hsg(app).settings.rules
    flat = re.sub(r"\s+", "", text)
    for wanted in ("HSG commonly recommended", "Infertility", "Previous pelvic infection", "Referral summary",
                   "HSG indication summary", "trying to conceive: 12 months or more", rules.disclaimer["clinician"],
                   "Matched indications, with their evidence", "If a couple has been trying to conceive for a year"):
        assert re.sub(r"\s+", "", wanted) in flat, wanted
    assert re.search(r"HSGindicationsummary,\d{1,2}[A-Z][a-z]+\d{4}", flat), "dated"
    assert "decideonsuitabilityandsafety." in flat, "the whole summary prints, not the box's scrolled view"
    assert "Guideline context for these answers" not in text, "Details that do not matter on paper stay out"
    for unwanted in CHROME:
        assert not re.search(unwanted, text), unwanted


def test_printed_links_show_where_they_go(page: Page):
    open_state(page, "result", "see_clinician_sooner", "patient")
    text = re.sub(r"\s+", "", pdf_text(page))
    assert "Aboutthistool(/about)" in text
    open_state(page, "result", "see_clinician_sooner", "clinician")
    assert "(#escalation" not in re.sub(r"\s+", "", pdf_text(page)), "a link within the page is not an address"


def test_patient_result_prints_cleanly(page: Page, app):
    open_state(page, "result", "may_be_considered", "patient")
    text = pdf_text(page)
    flat = re.sub(r"\s+", "", text)
    rules = hsg(app).settings.rules
    for wanted in ("An HSG may be considered", rules.outcomes["may_be_considered"]["patient"],
                   "Past surgery in the pelvis", "An HSG is an X-ray test of the womb", rules.disclaimer["patient"],
                   "After an HSG"):
        assert re.sub(r"\s+", "", wanted) in flat, wanted
    for unwanted in CHROME:
        assert not re.search(unwanted, text), unwanted
