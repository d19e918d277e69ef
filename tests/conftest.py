import itertools
import os
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from triage import create_app
from triage.core.answers import ALLOWED, FIELDS


@pytest.fixture
def make_app(monkeypatch):
    """Build an app with HSG_* settings isolated from the caller's environment."""
    for name in [name for name in os.environ if name.startswith("HSG_")]:
        monkeypatch.delenv(name)

    def factory(**settings):
        return create_app({"TESTING": True, **settings})

    return factory


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def edited_copy(directory: Path, name: str, text: str, old: str, new: str) -> Path:
    """A copy of a data file with one edit, for tests of what loading refuses."""
    assert old in text, old
    path = directory / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def all_answer_combinations():
    """Every possible set of six answers: 5 × 4 × 5 × 3 × 3 × 3 = 2,700."""
    for values in itertools.product(*(ALLOWED[field] for field in FIELDS)):
        yield dict(zip(FIELDS, values))


#: One representative answer set per outcome, for page-level tests.
EXAMPLES = {
    "commonly_recommended": dict(months_trying="12_or_more", age_bracket="under_35", pregnancy_losses="none",
                                 pelvic_infection="yes", pelvic_surgery="no", pelvic_pain="unsure"),
    "may_be_considered": dict(months_trying="under_6", age_bracket="35_to_39", pregnancy_losses="one",
                              pelvic_infection="no", pelvic_surgery="yes", pelvic_pain="no"),
    "see_clinician_sooner": dict(months_trying="under_6", age_bracket="40_or_over", pregnancy_losses="one",
                                 pelvic_infection="no", pelvic_surgery="unsure", pelvic_pain="no"),
    "not_yet": dict(months_trying="6_to_11", age_bracket="under_35", pregnancy_losses="prefer_not_to_say",
                    pelvic_infection="no", pelvic_surgery="no", pelvic_pain="no"),
    "no_indication": dict(months_trying="not_trying", age_bracket="prefer_not_to_say", pregnancy_losses="none",
                          pelvic_infection="unsure", pelvic_surgery="no", pelvic_pain="no"),
}


# ---------------------------------------------------------------------------
# Real browser: Debian's Chromium driven by Playwright, against the app served
# for real on a free port (see ../shared/TOOLING.md).


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail in CI, where a skipped browser test is no test."""
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: Chromium not found at {CHROMIUM}; .ci/run installs it (apt-get install chromium)")
    pytest.skip(f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@contextmanager
def serving(wsgi_app, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app on a free port in a thread; yields its origin."""
    server = make_server(host, 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def static_page(html: str):
    """A tiny WSGI app that answers every GET with one HTML page: a stand-in for a clinic's intranet."""

    def wsgi_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]

    return wsgi_app


@pytest.fixture(scope="session")
def intranet() -> Iterator[dict]:
    """Two other origins with a page that frames /embed: one allowed to, one not.

    They run on `localhost`, the app on `127.0.0.1`, and on other ports: a
    different host and port, so a different origin in every browser's eyes.
    """
    pages: dict[str, str] = {}

    def dispatch(environ, start_response):
        return static_page(pages.get(environ["SERVER_PORT"], ""))(environ, start_response)

    with serving(dispatch, "localhost") as allowed, serving(dispatch, "localhost") as refused:
        yield {"allowed": allowed, "refused": refused, "pages": pages}


@pytest.fixture(scope="session")
def live_server(intranet) -> Iterator[str]:
    """The app served for real, allowing only `'self'` and the allowed intranet origin to frame it."""
    app = create_app({
        "HSG_CLINIC_NAME": "", "HSG_CLINIC_CONTACT": "", "HSG_RULES_FILE": "", "HSG_TRUSTED_PROXIES": "0",
        "HSG_FRAME_ANCESTORS": f"'self' {intranet['allowed']}",
    })
    with serving(app) as origin:
        for name in ("allowed", "refused"):
            port = intranet[name].rsplit(":", 1)[1]
            intranet["pages"][port] = (
                '<!doctype html><html lang="en"><title>Clinic intranet</title>'
                f'<h1>Clinic intranet</h1><iframe title="HSG indication helper" src="{origin}/embed" '
                'width="800" height="900"></iframe></html>'
            )
        yield origin


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative URLs in `page.goto` go to the live app (this also replaces pytest-playwright's own fixture)."""
    return live_server


def fill_form(page, answers: dict) -> None:
    """Answer every question with the mouse: a click on each answer's label."""
    for field, value in answers.items():
        page.locator(f'label[for="{field}-{value}"]').click()


def outcome_shown(page) -> str:
    """The outcome category the result page shows (its section carries it as a class)."""
    classes = page.locator("section.outcome").get_attribute("class").split()
    return next(c.removeprefix("outcome-") for c in classes if c.startswith("outcome-"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def console_script() -> str:
    """The `hsg-triage` installed beside the interpreter running the tests (the project's venv)."""
    beside = Path(sys.executable).with_name("hsg-triage")
    found = str(beside) if beside.exists() else shutil.which("hsg-triage")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("hsg-triage is not installed; CI must test the real command")
        pytest.skip("hsg-triage is not installed (pip install -e .)")
    return found
