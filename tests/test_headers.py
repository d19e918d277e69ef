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


PAGES = ["/", "/rules", "/about", "/embed", "/embed/rules", "/embed/about"]


def every_response(client):
    """Every page in both registers, every outcome in both frames, every error, the API."""
    for path in PAGES:
        for query in ("", "?audience=clinician"):
            yield path + query, client.get(path + query)
    for outcome, answers in EXAMPLES.items():
        for prefix in ("", "/embed"):
            for query in ("", "?audience=clinician"):
                yield f"{prefix}/result{query} ({outcome})", client.post(f"{prefix}/result{query}", data=answers)
        yield f"API ({outcome})", client.post("/api/v1/assessments", json=answers)
    yield "400 form", client.post("/result", data={})
    yield "400 audience", client.get("/?audience=doctor")
    yield "404", client.get("/nope")
    yield "405", client.get("/result")
    yield "413", client.post("/result", data={"pad": "x" * 20_000})
    yield "API 413", client.post("/api/v1/assessments", data="x" * 20_000, content_type="application/json")
    yield "API 415", client.post("/api/v1/assessments", data="x")
    yield "API 422", client.post("/api/v1/assessments", json={})
    for path in ("/api/v1/rules", "/api/v1/openapi.json", "/healthz", "/api/v1/nope"):
        yield path, client.get(path)


def test_every_response_is_private_and_strict(client):
    seen = 0
    for name, response in every_response(client):
        seen += 1
        csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
        assert csp["default-src"] == "'none'", name
        assert csp["style-src"] == "'self'" and csp["img-src"] == "'self'", name
        assert csp["form-action"] == "'self'" and csp["base-uri"] == "'none'", name
        assert csp["frame-ancestors"] == "'self'", name
        assert "script-src" not in csp and "unsafe" not in response.headers["Content-Security-Policy"], name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "no-referrer", name
        assert response.headers["Cache-Control"] == "no-store", name
        assert "Set-Cookie" not in response.headers, name
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert "<script" not in html and " style=" not in html and " on" + "click=" not in html, name
            assert "http://" not in html and "src=\"//" not in html and "href=\"//" not in html, name
    assert seen > 40


def test_static_files_carry_the_policy_too(client):
    response = client.get("/static/site.css")
    response.close()
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


def test_a_cookie_set_by_mistake_is_removed(app, client):
    @app.get("/test-only/cookie")
    def _sets_a_cookie():
        response = app.make_response("x")
        response.set_cookie("tracker", "1")
        return response

    assert "Set-Cookie" not in client.get("/test-only/cookie").headers


@pytest.mark.parametrize("value", ["'none'", "https://intranet.example.org https://*.clinic.example:8443"])
def test_frame_ancestors_reach_every_response(make_app, value):
    client = make_app(HSG_FRAME_ANCESTORS=value).test_client()
    for path in ("/embed", "/embed/rules", "/nope", "/api/v1/rules"):
        assert f"frame-ancestors {value}" in client.get(path).headers["Content-Security-Policy"], path
    response = client.post("/embed/result", data=EXAMPLES["not_yet"])
    assert f"frame-ancestors {value}" in response.headers["Content-Security-Policy"]


def assert_security_headers(headers) -> None:
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_the_mounts_own_answers_carry_every_header(make_app):
    """The 404 outside the prefix, the 308 into it and the 400 for a bad prefix or scheme are answered
    before the app; they had nosniff alone (issue 26)."""
    client = make_app(HSG_URL_PREFIX="/hsg", HSG_TRUSTED_PROXIES="1").test_client()
    answers = {
        404: client.get("/elsewhere"),
        308: client.get("/hsg"),
        400: client.get("/hsg/", headers={"X-Forwarded-Prefix": "//evil.example"}),
    }
    for status, response in answers.items():
        assert response.status_code == status
        assert_security_headers(response.headers)
        assert list(response.headers.keys()).count("X-Content-Type-Options") == 1
    scheme = client.get("/hsg/", headers={"X-Forwarded-Proto": "javascript"})
    assert scheme.status_code == 400
    assert_security_headers(scheme.headers)
