"""`hsg-triage serve` on each production server it offers (docs/deployment.md).

granian, the default, is covered end to end by test_packaging.py; here the
alternatives answer too, so that `--server` stays honest, including waitress,
the Windows default, run here on Linux.
"""

import os
import socket
import subprocess
import sys
import time
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
