"""Lighthouse 12.8.2 on the form page and on a result page, under `hsg-triage serve`'s server.

    (cd benchmarks/lighthouse && npm ci)      # once: Lighthouse, outside the product
    python benchmarks/lighthouse/run.py       # -> benchmarks/results/lighthouse.md

A result page answers a POST, and Lighthouse can only load a URL. So the app
is served with one extra route in front of it, `GET /lighthouse-result`, which
hands the app the very request the form sends (`POST /result`, form-encoded,
the answers of benchmarks/load.py) and returns its response unchanged: same
origin, same headers, same stylesheet and icon. The product itself is untouched.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent)]

from load import ANSWERS  # noqa: E402
from servers import HERE as BENCH, Server  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"form page `/`": "/", "result page (POST /result, via /lighthouse-result)": "/lighthouse-result",
         "result page, clinician": "/lighthouse-result?audience=clinician"}


def posted_result(app):
    """WSGI: GET /lighthouse-result becomes the form's POST /result; all else passes through."""
    body = urlencode(ANSWERS).encode()

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") == "/lighthouse-result":
            environ = dict(environ, REQUEST_METHOD="POST", PATH_INFO="/result", CONTENT_TYPE=
                           "application/x-www-form-urlencoded", CONTENT_LENGTH=str(len(body)),
                           **{"wsgi.input": io.BytesIO(body)})
        return app(environ, start_response)

    return wsgi


def serve_main() -> None:
    """Child process: the app behind the helper, on the default production server."""
    from triage import create_app
    from triage.serve import default_workers, serve

    port = int(sys.argv[sys.argv.index("--port") + 1])
    serve(posted_result(create_app()), "127.0.0.1", port, default_workers())


def lighthouse(url: str, out: Path, tries: int = 3) -> dict:
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    for _ in range(tries):  # on a busy machine a trace is sometimes lost (NO_NAVSTART)
        out.unlink(missing_ok=True)
        done = subprocess.run(
            [str(HERE / "node_modules/.bin/lighthouse"), url, "--chrome-flags=--headless=new --no-sandbox",
             "--output=json", f"--output-path={out}", "--quiet", f"--only-categories={','.join(CATEGORIES)}"],
            env=env, timeout=180,
        )
        if done.returncode == 0 and out.exists():  # it can exit 0 without a report (TOOLING.md)
            break
    else:
        raise RuntimeError(f"Lighthouse wrote no report for {url} in {tries} tries")
    report = json.loads(out.read_text())
    failing = [
        f"{audit['id']} ({audit['score']})" for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    return {"scores": {c: round(100 * report["categories"][c]["score"]) for c in CATEGORIES},
            "version": report["lighthouseVersion"], "agent": report["environment"]["hostUserAgent"],
            "failing": failing}


def main() -> None:
    from run import machine

    server = Server("lighthouse helper", [sys.executable, __file__, "--serve"], "/healthz").start()
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, path in PAGES.items():
                results[name] = lighthouse(server.url + path, Path(tmp) / "report.json")
                print(f"{name}: {results[name]['scores']}", file=sys.stderr)
    finally:
        server.stop()
    first = next(iter(results.values()))
    lines = ["# Lighthouse", "", f"Lighthouse {first['version']}, default (mobile) settings, Chromium "
             f"`{first['agent'].split('Chrome/')[-1].split()[0]}` headless; {machine()}.", "",
             "| page | " + " | ".join(CATEGORIES) + " | audits below 1 |", "|---|" + "---:|" * len(CATEGORIES) + "---|"]
    for name, result in results.items():
        lines.append(f"| {name} | " + " | ".join(str(result["scores"][c]) for c in CATEGORIES)
                     + f" | {', '.join(result['failing']) or 'none'} |")
    report = "\n".join(lines)
    print(report)
    (BENCH / "results" / "lighthouse.md").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    serve_main() if "--serve" in sys.argv else main()
