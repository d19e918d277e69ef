"""`hsg-triage serve` on each production server it offers (docs/deployment.md).

granian, the default, is covered end to end by test_packaging.py; here the
alternatives answer too, so that `--server` stays honest, including waitress,
the Windows default, run here on Linux.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from triage.serve import SERVERS, default_server, default_workers, serve


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_defaults():
    assert default_server() == ("waitress" if sys.platform == "win32" else "granian")
    assert default_workers() == max(1, os.cpu_count() or 1)


def test_unknown_server_is_refused(app):
    with pytest.raises(ValueError, match="unknown server"):
        serve(app, "127.0.0.1", _free_port(), 1, server="nope")


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS)
def test_each_server_serves_the_app(server):
    port = _free_port()
    command = [str(Path(sys.executable).with_name("hsg-triage")), "serve", "--port", str(port),
               "--workers", "1", "--server", server]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HSG_")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.1)
        else:
            pytest.fail(f"{server} did not answer")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/assessments", method="POST", headers={"Content-Type": "application/json"},
            data=b'{"months_trying": "12_or_more", "age_bracket": "under_35", "pregnancy_losses": "none",'
                 b' "pelvic_infection": "no", "pelvic_surgery": "no", "pelvic_pain": "no"}')
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200 and b'"commonly_recommended"' in response.read()
            assert response.headers["Cache-Control"] == "no-store"
    finally:
        process.terminate()
        process.communicate(timeout=15)


def serve_command(port: int, *args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("hsg-triage")), "serve", "--port", str(port), "--workers", "1", *args]


def clean_env(**settings: str) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("HSG_")}, **settings}


@pytest.fixture(scope="module")
def busy_port():
    """A port where `hsg-triage serve` (granian, which binds with SO_REUSEPORT) already listens."""
    port = _free_port()
    process = subprocess.Popen(serve_command(port), env=clean_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(150):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def refusal(args: list[str], env: dict | None = None) -> str:
    """The one line a refused start-up prints; fails if it started or printed more."""
    result = subprocess.run(args, env=env or clean_env(), capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS)
def test_a_busy_port_stops_every_server_with_one_line(busy_port, server):
    line = refusal(serve_command(busy_port, "--server", server))
    assert f"port {busy_port}" in line and "in use" in line


@pytest.mark.slow
@pytest.mark.parametrize("host,says", [("999.1.1.1", "not an IP address"), ("no such host.invalid", "not an IP address"),
                                       ("192.0.2.1", "cannot listen on 192.0.2.1")])
def test_an_invalid_host_is_one_line(host, says):
    assert says in refusal(serve_command(_free_port(), "--host", host))


@pytest.mark.slow
@pytest.mark.parametrize("args,env,says", [
    ([], {"HSG_CLINIC_NAM": "Riverside"}, "HSG_CLINIC_NAM: not a setting; did you mean HSG_CLINIC_NAME?"),
    ([], {"SCRIPT_NAME": "/hsg"}, "set HSG_URL_PREFIX"),
    (["--prefix", "//evil.example"], {}, "HSG_URL_PREFIX: must be a plain path"),
    (["--server", "gunicorn-sync", "--http", "2"], {}, "only granian speaks HTTP/2"),
])
def test_careless_start_ups_are_refused_in_one_line(args, env, says):
    assert says in refusal(serve_command(_free_port(), *args), clean_env(**env))


def test_a_server_that_is_not_installed_is_refused_saying_how_to_install_it(app, monkeypatch):
    from triage.serve import ServeError

    monkeypatch.setitem(sys.modules, "waitress", None)  # what `import waitress` meets where it is absent
    with pytest.raises(ServeError, match=r"--server waitress: waitress is not installed here; install it with `.venv/bin/pip install waitress`"):
        serve(app, "127.0.0.1", _free_port(), 1, server="waitress")


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("how", ["HSG_URL_PREFIX", "--prefix"])
def test_the_prefix_works_the_same_on_every_server(server, how):
    from test_prefix import urls

    port = _free_port()
    args, env = (["--prefix", "/hsg"], clean_env()) if how == "--prefix" else ([], clean_env(HSG_URL_PREFIX="/hsg"))
    process = subprocess.Popen(serve_command(port, "--server", server, *args), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/hsg/healthz", timeout=1).close()
                break
            except OSError:
                assert process.poll() is None
                time.sleep(0.1)
        for path in ("/hsg/", "/hsg/rules", "/hsg/about", "/hsg/embed/"):
            with urllib.request.urlopen(base + path, timeout=5) as response:
                links = [url for _, _, url in urls(response.read().decode()) if not url.startswith(("#", "https://"))]
                assert links and all(url.startswith("/hsg/") for url in links), (path, links)
        for outside in ("/", "/rules"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + outside, timeout=5)
            refused.value.close()
            assert refused.value.code == 404
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    assert f"Serving the HSG indication helper on http://127.0.0.1:{port}/hsg/ " in stderr
