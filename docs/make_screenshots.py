"""Regenerate the screenshots in docs/screenshots/ (shown in the README).

    .venv/bin/python docs/make_screenshots.py [--extra]

Needs the test extras (Playwright): `.venv/bin/pip install -e '.[test]'`.

Serves the app on a free local port, drives Debian's Chromium with Playwright
(CHROMIUM_PATH overrides /usr/bin/chromium) and saves the form, a patient
result and a clinician result at a desktop width (1280 px) and on a phone
(375 × 667, the screen the result page's budgets are measured on).
`--extra` also saves dark-scheme and print views to /tmp for a reviewer's eye;
those are not committed.
"""

import argparse
import logging
import os
import shutil
import sys
import threading
from pathlib import Path

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sys.exit("docs/make_screenshots.py needs Playwright, one of the test extras: .venv/bin/pip install -e '.[test]'")
from werkzeug.serving import make_server

from triage import create_app

OUT = Path(__file__).with_name("screenshots")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

#: The answers behind each result shot: one typical indication, one open question.
ANSWERS = dict(months_trying="12_or_more", age_bracket="under_35", pregnancy_losses="none",
               pelvic_infection="yes", pelvic_surgery="no", pelvic_pain="unsure")
SIZES = {"desktop": (1280, 1000), "phone": (375, 667)}
SHOTS = {
    "form": ("/", None),
    "result-patient": ("/", ANSWERS),
    "result-clinician": ("/?audience=clinician", ANSWERS),
}


def shoot(page, path: str, answers: dict | None, file: Path, full_page: bool = False) -> None:
    page.goto(path)
    if answers:
        for field, value in answers.items():
            page.locator(f'label[for="{field}-{value}"]').click()
        page.get_by_role("button", name="See what this means").click()
        page.wait_for_load_state()
    page.screenshot(path=str(file), full_page=full_page)
    print(f"{file} ({file.stat().st_size // 1024} KB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", action="store_true", help="also write dark-scheme and print views to /tmp")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app({"HSG_CLINIC_NAME": "", "HSG_CLINIC_CONTACT": "", "HSG_RULES_FILE": "",
                      "HSG_FRAME_ANCESTORS": "'self'", "HSG_TRUSTED_PROXIES": "0"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            for size, (width, height) in SIZES.items():
                context = browser.new_context(base_url=origin, viewport={"width": width, "height": height})
                page = context.new_page()
                for name, (path, answers) in SHOTS.items():
                    shoot(page, path, answers, OUT / f"{name}-{size}.png")
                context.close()
            if args.extra:
                for scheme in ("light", "dark"):
                    context = browser.new_context(base_url=origin, viewport={"width": 800, "height": 900},
                                                  color_scheme=scheme)
                    page = context.new_page()
                    shoot(page, "/", ANSWERS, Path(f"/tmp/hsg-result-{scheme}.png"), full_page=True)
                    context.close()
                page = browser.new_page(base_url=origin)
                shoot(page, "/?audience=clinician", ANSWERS, Path("/tmp/hsg-unused.png"))
                page.emulate_media(media="print")
                page.screenshot(path="/tmp/hsg-print.png", full_page=True)
                page.pdf(path="/tmp/hsg-print.pdf", format="A4")
                print("/tmp/hsg-print.png, /tmp/hsg-print.pdf")
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
