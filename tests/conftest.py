import itertools

import pytest

from triage import create_app
from triage.answers import ALLOWED, FIELDS


@pytest.fixture
def make_app(monkeypatch):
    """Build an app with HSG_* settings isolated from the caller's environment."""
    for name in ("HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT", "HSG_FRAME_ANCESTORS", "HSG_RULES_FILE", "HSG_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)

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
    "not_yet": dict(months_trying="6_to_11", age_bracket="under_35", pregnancy_losses="prefer_not_to_say",
                    pelvic_infection="no", pelvic_surgery="no", pelvic_pain="no"),
    "no_indication": dict(months_trying="not_trying", age_bracket="prefer_not_to_say", pregnancy_losses="none",
                          pelvic_infection="unsure", pelvic_surgery="no", pelvic_pain="no"),
}


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def console_script() -> str:
    """The `hsg-triage` installed beside the interpreter running the tests (the project's venv)."""
    import os
    import shutil
    import sys
    from pathlib import Path

    beside = Path(sys.executable).with_name("hsg-triage")
    found = str(beside) if beside.exists() else shutil.which("hsg-triage")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("hsg-triage is not installed; CI must test the real command")
        pytest.skip("hsg-triage is not installed (pip install -e .)")
    return found
