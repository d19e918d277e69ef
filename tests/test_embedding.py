"""The reverse-proxy example in docs/embedding.md, run for real: nginx in front of `hsg-triage serve`."""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import EXAMPLES, console_script, free_port
from test_prefix import urls

from triage.core.answers import ALLOWED

# A real browser, real servers or a package build: `pytest -m "not slow"` leaves these out.
pytestmark = pytest.mark.slow

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "embedding.md"
PREFIX = "/hsg"


def guide_nginx_block() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/embedding.md should have exactly one nginx example"
    return blocks[0]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if not found:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed; CI must run the reverse-proxy example (.ci/run installs nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return found


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise AssertionError(f"{what} exited early with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"{what} did not answer at {url}")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """(base URL through nginx, the app server's output, nginx's access log) for the guide's configuration."""
    nginx = nginx_binary()
    tmp = tmp_path_factory.mktemp("nginx")
    app_port, proxy_port = free_port(), free_port()
    block = guide_nginx_block()
    assert block.count("listen 80;") == 1 and block.count("127.0.0.1:8000") == 1
    block = block.replace("listen 80;", f"listen 127.0.0.1:{proxy_port};").replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    (tmp / "nginx.conf").write_text(f"""
worker_processes 1;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
{block}
}}
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HSG_")}
    app_log = tmp / "app.log"
    with open(app_log, "w") as log:
        app = subprocess.Popen([console_script(), "serve", "--host", "127.0.0.1", "--port", str(app_port), "--workers", "1"],
                               env={**env, "HSG_TRUSTED_PROXIES": "1"}, stdout=log, stderr=subprocess.STDOUT)
    with open(tmp / "nginx.out", "w") as out:
        proxy = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log"),
                                  "-g", f"daemon off; pid {tmp}/nginx.pid;"], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{app_port}/healthz", app, "hsg-triage serve")
        wait_for(f"http://127.0.0.1:{proxy_port}{PREFIX}/healthz", proxy, "nginx")
        yield f"http://127.0.0.1:{proxy_port}", app_log, tmp / "access.log"
    finally:
        for process in (proxy, app):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def form_body(answers: dict) -> bytes:
    return "&".join(f"{k}={v}" for k, v in answers.items()).encode()


def test_every_page_through_nginx_carries_the_prefix(proxied):
    base, _, _ = proxied
    pages = {path: fetch(base + PREFIX + path) for path in ("/", "/rules", "/about", "/embed", "/embed/rules", "/embed/about",
                                                            "/?audience=clinician")}
    for outcome, answers in EXAMPLES.items():
        pages[f"result {outcome}"] = fetch(base + PREFIX + "/result?audience=clinician", data=form_body(answers))
        pages[f"embedded result {outcome}"] = fetch(base + PREFIX + "/embed/result", data=form_body(answers))
    pages["404"] = fetch(base + PREFIX + "/nope")
    pages["400"] = fetch(base + PREFIX + "/result", data=b"months_trying=under_6")
    links = set()
    for name, (status, headers, html) in pages.items():
        assert status == (404 if name == "404" else 400 if name == "400" else 200), name
        assert "gunicorn" in headers.get("Server", "") or "nginx" in headers.get("Server", ""), name
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"], name
        assert "Set-Cookie" not in headers, name
        for tag, attribute, url in urls(html):
            if url.startswith("#"):
                continue
            assert url.startswith(PREFIX + "/"), (name, tag, attribute, url)
            if attribute != "action":
                links.add(url.split("#")[0])
    assert len(links) >= 8
    for url in sorted(links):
        assert fetch(base + url)[0] == 200, url


def test_a_client_cannot_choose_the_prefix_through_nginx(proxied):
    base, _, _ = proxied
    status, _, html = fetch(base + PREFIX + "/", headers={"X-Forwarded-Prefix": "/evil"})
    assert status == 200 and "/evil" not in html and f'href="{PREFIX}/rules"' in html


def test_the_bare_prefix_redirects_and_the_api_knows_its_prefix(proxied):
    base, _, _ = proxied
    status, headers, _ = fetch(base + PREFIX)
    assert status == 308 and headers["Location"].endswith(PREFIX + "/")
    status, _, body = fetch(base + PREFIX + "/api/v1/openapi.json")
    assert status == 200 and f'"servers": [{{"url": "{PREFIX}"}}]' in body


def test_answers_reach_neither_the_proxy_log_nor_the_server_log(proxied):
    base, app_log, access_log = proxied
    for answers in EXAMPLES.values():
        fetch(base + PREFIX + "/result", data=form_body(answers))
        status, _, _ = fetch(base + PREFIX + "/api/v1/assessments", data=json.dumps(answers).encode(),
                             headers={"Content-Type": "application/json"})
        assert status == 200
    time.sleep(0.2)
    logs = app_log.read_text() + access_log.read_text()
    assert "POST /hsg/result" in logs, "the proxy logged the requests"
    leaked = [value for values in ALLOWED.values() for value in values if "_" in value and value in logs]
    assert not leaked, leaked
