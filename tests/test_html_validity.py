"""The Nu HTML Checker (vnu-jar, installed by .ci/run from tests/tools/) finds
no error and no warning on any page: every page and outcome in both registers,
the embed flow, error pages and the error state; and the stylesheet and the
illustration pass its CSS and SVG checks. One checker run for all of them."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES

from triage.core.translation import LANGUAGES

# Starts Java for the Nu HTML checker: `pytest -m "not slow"` leaves it out.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require_checker() -> str:
    java = shutil.which("java")
    if java and VNU.exists():
        return java
    missing = "java" if not java else f"{VNU} (run `npm ci` in tests/tools)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: the Nu HTML checker needs {missing}; .ci/run installs it")
    pytest.skip(f"the Nu HTML checker needs {missing}")


def every_page(client):
    for prefix in ("", "/embed"):
        for query in ("", "?audience=clinician"):
            for path in ("/", "/rules", "/about"):
                yield f"GET {prefix}{path}{query}", client.get(f"{prefix}{path}{query}")
            yield f"incomplete {prefix}{query}", client.post(f"{prefix}/result{query}", data={"pelvic_pain": "no"})
            for outcome, answers in EXAMPLES.items():
                yield f"{outcome} {prefix}{query}", client.post(f"{prefix}/result{query}", data=answers)
    yield "404", client.get("/nope")
    yield "405", client.get("/result")
    yield "400", client.get("/rules?audience=doctor")
    yield "413", client.post("/result", data={"pelvic_pain": "x" * 20_000})


def test_every_page_is_valid_html(make_app, tmp_path):
    java = require_checker()
    files = {}
    apps = {"": make_app(), "clinic-": make_app(HSG_CLINIC_NAME="Northside Clinic",
                                                HSG_CLINIC_CONTACT="To book, call 0100 000 0000 & ask for X-ray.")}
    for label, app in apps.items():
        for index, (name, response) in enumerate(every_page(app.test_client())):
            assert response.mimetype == "text/html", name
            file = tmp_path / f"{label}{index:02d}.html"
            file.write_bytes(response.data)
            files[str(file)] = label + name
    static = ROOT / "static"
    checked = [*files, str(static / "site.css"), *map(str, sorted(static.glob("*.svg")))]
    assert len(files) == 2 * 40  # 2 flows × 2 registers × (3 pages + error state + 5 outcomes) + 4 error pages

    check(java, checked, files)


def check(java: str, checked: list[str], files: dict[str, str]) -> None:
    run = subprocess.run(
        [java, "-jar", str(VNU), "--Werror", "--format", "json", "--also-check-css", "--also-check-svg", *checked],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    problems = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: line {m.get('lastLine')}: "
        f"{m['type']}/{m.get('subType', '')}: {m['message']} {m.get('extract', '')!r}"
        for m in messages
    ]
    assert not problems, "\n".join(problems)
    assert run.returncode == 0, run.stderr


def test_every_language_is_valid_html(make_app, tmp_path):
    """Each translation, right to left included: the form, the rules, about, every outcome in
    both registers and the error state."""
    java = require_checker()
    client = make_app().test_client()
    files = {}
    for language in [code for code in LANGUAGES if code != "en"]:
        for query in (f"?lang={language}", f"?audience=clinician&lang={language}"):
            responses = {f"GET /{query}": client.get(f"/{query}"), f"GET /rules{query}": client.get(f"/rules{query}"),
                         f"incomplete {query}": client.post(f"/result{query}", data={"pelvic_pain": "no"}),
                         **{f"{outcome} {query}": client.post(f"/result{query}", data=answers)
                            for outcome, answers in EXAMPLES.items()}}
            responses[f"GET /about{query}"] = client.get(f"/about{query}")
            for name, response in responses.items():
                assert response.mimetype == "text/html", name
                file = tmp_path / f"{len(files):03d}.html"
                file.write_bytes(response.data)
                files[str(file)] = name
    assert len(files) == 4 * 2 * 9
    check(java, list(files), files)
