"""Security and privacy headers on every response; no cookies anywhere."""

import pytest

from conftest import EXAMPLES

REQUESTS = [
    ("get", "/", None), ("get", "/rules", None), ("get", "/about", None), ("get", "/embed", None),
    ("get", "/healthz", None), ("get", "/api/v1/rules", None), ("get", "/nope", None),
    ("post", "/result", EXAMPLES["commonly_recommended"]), ("post", "/result", {}),
    ("post", "/api/v1/assessments", "json"),
]


@pytest.mark.parametrize("method,path,data", REQUESTS)
def test_every_response_carries_the_headers_and_no_cookie(client, method, path, data):
    if data == "json":
        response = client.post(path, json=EXAMPLES["not_yet"])
    else:
        response = getattr(client, method)(path, data=data)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert "script-src" not in csp, "no script source at all: no script may run"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_frame_ancestors_comes_from_configuration(make_app):
    client = make_app(HSG_FRAME_ANCESTORS="'self' https://intranet.example.org").test_client()
    csp = client.get("/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://intranet.example.org" in csp
