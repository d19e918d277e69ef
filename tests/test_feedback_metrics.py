"""HSG_METRICS=1: feedback counts in Prometheus multi-process mode, summed over the real server's workers.

prometheus_client picks its multi-process storage when it is first imported,
from PROMETHEUS_MULTIPROC_DIR; so the counting is tested where it happens in
production: `hsg-triage serve` with two granian workers, started with the
variable in its environment.
"""

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest
from conftest import console_script, free_port

from triage import ConfigError, create_app
from triage.integrations.cds_feedback import OVERRIDE_REASON_SYSTEM
from triage.state import hsg

SECRET = "pat-7f3e91"


def test_metrics_setting_is_validated(monkeypatch, tmp_path):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with pytest.raises(ConfigError, match="^HSG_METRICS: must be 0"):
        create_app({"HSG_METRICS": "yes"})
    with pytest.raises(ConfigError, match="^HSG_METRICS: set PROMETHEUS_MULTIPROC_DIR"):
        create_app({"HSG_METRICS": "1"})
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="^HSG_METRICS: PROMETHEUS_MULTIPROC_DIR .* is not a writable directory"):
        create_app({"HSG_METRICS": "1"})
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert hsg(create_app({"HSG_METRICS": "1", "TESTING": True})).feedback_counter is not None


def _feedback(reason_code: str | None) -> bytes:
    entry = {"card": str(uuid.uuid4()), "outcome": "overridden" if reason_code else "accepted",
             "outcomeTimestamp": "2025-03-01T09:31:00Z"}
    if reason_code:
        entry["overrideReason"] = {"reason": {"system": OVERRIDE_REASON_SYSTEM, "code": reason_code},
                                   "userComment": f"patient {SECRET}, see notes"}
    return json.dumps({"feedback": [entry]}).encode()


def _post(origin: str, path: str, body: bytes) -> int:
    request = urllib.request.Request(f"{origin}{path}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status


def _counts(metrics_text: str) -> dict[tuple[str, str, str], float]:
    counts = {}
    for line in metrics_text.splitlines():
        match = re.fullmatch(r'hsg_cds_feedback_total\{(.*)\} (\S+)', line)
        if match:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', match[1]))
            counts[(labels["service"], labels["outcome"], labels["override_reason"])] = float(match[2])
    return counts


def test_two_workers_feedback_counts_add_up(tmp_path):
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HSG_")}
    env.update(HSG_METRICS="1", PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    process = subprocess.Popen([console_script(), "serve", "--port", str(port), "--workers", "2"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{origin}/healthz", timeout=1):
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.1)
        else:
            pytest.fail("hsg-triage serve did not answer")
        sent = {"already-assessed": 7, "not-relevant": 5, None: 4}
        for code, times in sent.items():
            for _ in range(times):
                # A fresh connection each time, so both workers take a share.
                assert _post(origin, "/cds-services/hsg-indications/feedback", _feedback(code)) == 200
        assert _post(origin, "/cds-services/hsg-indications-order-sign/feedback", _feedback("not-relevant")) == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            _post(origin, "/cds-services/hsg-indications/feedback", b'{"feedback": [{"card": "x"}]}')
        assert refused.value.code == 400
        refused.value.close()  # an HTTPError holds the response open

        with urllib.request.urlopen(f"{origin}/metrics", timeout=5) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
            text = response.read().decode()
        assert _counts(text) == {
            ("hsg-indications", "overridden", "already-assessed"): 7.0,
            ("hsg-indications", "overridden", "not-relevant"): 5.0,
            ("hsg-indications", "accepted", "none"): 4.0,
            ("hsg-indications-order-sign", "overridden", "not-relevant"): 1.0,
        }
        # Counts came from more than one worker process: one file per worker.
        assert len(list(tmp_path.glob("counter_*.db"))) == 2
        assert SECRET not in text and "see notes" not in text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    log_lines = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith('{"event": "cds_feedback"')]
    assert len(log_lines) == 17
    assert SECRET not in stderr.decode() and "see notes" not in stderr.decode()
