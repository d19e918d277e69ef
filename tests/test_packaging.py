"""The wheel works on its own: installed in a fresh venv, run from another folder."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import EXAMPLES

# A real browser, real servers or a package build: `pytest -m "not slow"` leaves these out.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(base / "dist"), str(REPO)],
                   check=True, capture_output=True)
    wheel = next((base / "dist").glob("hsg_triage-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = venv / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", str(wheel)], check=True, capture_output=True)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return venv / "bin" / "hsg-triage", elsewhere, wheel


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("HSG_") and k != "PYTHONPATH"}


def test_wheel_carries_no_generic_top_level_package(installed):
    import zipfile

    _, _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"triage", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}
    for packaged in ("triage/rules/hsg-indications.toml", "triage/rules/hsg-order-codes.toml", "triage/templates/result.html",
                     "triage/static/site.css", "triage/static/result.css", "triage/core/questions.toml",
                     "triage/rules/README.md", "triage/rules/permitted-context.md", "triage/translations/messages.pot",
                     "triage/state.py", "triage/web/labels.py"):
        assert packaged in names


def test_installed_cli_assesses_from_another_folder(installed, client):
    command, elsewhere, _ = installed
    answers = EXAMPLES["commonly_recommended"]
    args = [str(command), "assess", "--json"]
    for field, value in answers.items():
        args += ["--" + field.replace("_", "-"), value]
    result = subprocess.run(args, cwd=elsewhere, env=clean_env(), capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == client.post("/api/v1/assessments", json=answers).get_json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_installed_server_serves_every_page_on_a_production_server(installed):
    command, elsewhere, _ = installed
    port = free_port()
    server = subprocess.Popen([str(command), "serve", "--port", str(port), "--workers", "1"], cwd=elsewhere,
                              env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        for path in ["/", "/rules", "/about", "/embed", "/healthz", "/?audience=clinician", "/rules?audience=clinician"]:
            with urllib.request.urlopen(base + path, timeout=5) as response:
                assert response.status == 200, path
                assert response.headers.get("Server") == "granian", "not Flask's development server"
        data = "&".join(f"{k}={v}" for k, v in EXAMPLES["may_be_considered"].items()).encode()
        with urllib.request.urlopen(base + "/result?audience=clinician", data=data, timeout=5) as response:
            html = response.read().decode()
            assert response.status == 200 and "Referral summary" in html
    finally:
        server.terminate()
        server.communicate(timeout=10)
