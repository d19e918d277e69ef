"""Bad input everywhere: never a 5xx, always a clean 4xx that names the problem (or a 2xx where right)."""

import io
import json
import re
from html import unescape

import pytest
from conftest import EXAMPLES

from triage.state import hsg

API = "/api/v1/assessments"
VALID = EXAMPLES["commonly_recommended"]
VALID_JSON = json.dumps(VALID)
VALID_FORM = "&".join(f"{k}={v}" for k, v in VALID.items())
ROUTES = ["/", "/result", "/rules", "/about", "/embed", "/embed/", "/embed/result", "/embed/rules", "/embed/about",
          "/healthz", API, "/api/v1/rules", "/api/v1/openapi.json", "/static/site.css"]


def api_problem(response, status: int, *named: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    text = json.dumps(body)
    for name in named:
        assert name in text, (name, body)
    return body


def html_error(response, status: int, *named: str) -> str:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = unescape(response.get_data(as_text=True))
    assert "<h1>" in html and "Traceback" not in html
    for name in named:
        assert name in html, name
    return html


# --- the JSON API -------------------------------------------------------------

MALFORMED = {
    "deeply nested array": b'{"months_trying": ' + b"[" * 4000 + b"]" * 4000 + b"}",
    "deeply nested object": b'{"a":' * 1300 + b"1" + b"}" * 1300,
    "invalid UTF-8 in a value": VALID_JSON.replace("under_35", "under_\xff35").encode("latin-1"),
    "invalid UTF-8 in a key": b'{"\xc3\x28": "yes"}',
    "byte order mark": b"\xef\xbb\xbf" + VALID_JSON.encode(),
    "UTF-16": VALID_JSON.encode("utf-16"),
    "truncated": VALID_JSON.encode()[:-1],
    "trailing comma": VALID_JSON.replace("}", ",}").encode(),
    "two objects": (VALID_JSON + VALID_JSON).encode(),
    "single quotes": VALID_JSON.replace('"', "'").encode(),
    "empty": b"",
    "whitespace only": b" \n\t ",
    "lone surrogate in a value": b'{"pelvic_pain": "\\ud800"}',
    "lone surrogate in a key": b'{"\\udfff": "yes"}',
    "NUL byte outside a string": VALID_JSON.encode().replace(b"{", b"{\x00", 1),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_json_is_400(client, name):
    api_problem(client.post(API, data=MALFORMED[name], content_type="application/json"), 400, "not valid JSON")


INVALID = {
    "markup in a value": ({**VALID, "pelvic_pain": "<script>alert(1)</script>"}, ["pelvic_pain"]),
    "markup in a key": ({**VALID, "<img src=x onerror=alert(1)>": "yes"}, ["<img src=x onerror=alert(1)>"]),
    "NUL in a value": ({**VALID, "pelvic_pain": "yes\x00"}, ["pelvic_pain"]),
    "NaN (the parser reads it as a number)": ('{"months_trying": NaN}', ["months_trying"]),
    "huge number": ('{"pelvic_pain": 1e999999}', ["pelvic_pain"]),
    "huge integer": ('{"pelvic_pain": ' + "9" * 4000 + "}", ["pelvic_pain"]),
    "boolean": ({**VALID, "pelvic_pain": True}, ["pelvic_pain"]),
    "number as string field": ({**VALID, "age_bracket": 35}, ["age_bracket"]),
    "null": ({**VALID, "months_trying": None}, ["months_trying"]),
    "nested value": ({**VALID, "months_trying": {"$ne": "x"}}, ["months_trying"]),
    "case changed": ({**VALID, "months_trying": "12_OR_MORE"}, ["months_trying"]),
    "padded": ({**VALID, "months_trying": " 12_or_more"}, ["months_trying"]),
    "escaped but valid key, repeated": (VALID_JSON[:-1] + ', "months\\u005ftrying": "under_6"}', ["months_trying"]),
    "duplicate key, same value": (VALID_JSON[:-1] + ', "pelvic_pain": "no"}', ["pelvic_pain"]),
    "duplicate key, other value": (VALID_JSON[:-1] + ', "pelvic_pain": "yes"}', ["pelvic_pain"]),
    "duplicate audience": (VALID_JSON[:-1] + ', "audience": "patient", "audience": "clinician"}', ["audience"]),
    "array": ([VALID], ["(body)"]),
    "string": ("\"12_or_more\"", ["(body)"]),
    "empty object": ({}, list(VALID)),
}


@pytest.mark.parametrize("name", INVALID)
def test_invalid_answers_are_422_naming_each_field(client, name):
    body, fields = INVALID[name]
    raw = body if isinstance(body, str) else json.dumps(body)
    problem = api_problem(client.post(API, data=raw, content_type="application/json"), 422)
    named = {error["field"] for error in problem["errors"]}
    assert set(fields) <= named, problem
    assert "<script" not in problem["detail"] and "alert(1)</script>" not in json.dumps(problem), "values are not echoed"


def test_escaped_values_are_still_answers(client):
    raw = VALID_JSON.replace('"no"', '"\\u006eo"')
    assert client.post(API, data=raw, content_type="application/json").status_code == 200


CONTENT_TYPES = {
    "application/json": 200,
    "application/json; charset=utf-8": 200,
    "Application/JSON; Charset=UTF-8": 200,
    "application/json;charset=utf8": 200,
    "application/json; charset=latin-1": 415,
    "application/json; charset=utf-16": 415,
    "application/json; charset=": 200,
    "application/json; boundary=x": 200,
    "application/jsonx": 415,
    "application/problem+json": 415,
    "application/vnd.api+json": 415,
    "text/json": 415,
    "text/plain": 415,
    "text/html": 415,
    "application/x-www-form-urlencoded": 415,
    "multipart/form-data; boundary=x": 415,
    "application/xml": 415,
    ";;;": 415,
    "": 415,
}


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_content_types(client, content_type):
    response = client.post(API, data=VALID_JSON, headers={"Content-Type": content_type})
    if CONTENT_TYPES[content_type] == 200:
        assert response.status_code == 200, response.get_data(as_text=True)
    else:
        api_problem(response, 415, "application/json")


def test_latin1_charset_is_named(client):
    response = client.post(API, data=VALID_JSON, content_type="application/json; charset=latin-1")
    api_problem(response, 415, "charset=latin-1", "UTF-8")


@pytest.mark.parametrize("size", [8 * 1024 + 1, 100_000, 5_000_000])
def test_huge_api_bodies_are_413(client, size):
    raw = b'{"pad": "' + b"x" * size + b'"}'
    api_problem(client.post(API, data=raw, content_type="application/json"), 413)


def streamed(client, path, body: bytes, content_type: str):
    """A chunked request as gunicorn presents it: no Content-Length, a terminated input stream."""
    return client.post(path, input_stream=io.BytesIO(body), content_type=content_type,
                       headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})


def test_huge_streamed_api_body_is_413(client):
    api_problem(streamed(client, API, VALID_JSON.encode() + b" " * 100_000, "application/json"), 413)
    assert streamed(client, API, VALID_JSON.encode(), "application/json").status_code == 200


def test_answers_in_the_query_string_are_ignored_by_the_api(client):
    query = "&".join(f"{k}={v}" for k, v in VALID.items())
    problem = api_problem(client.post(f"{API}?{query}", json={}), 422)
    assert {error["field"] for error in problem["errors"]} == set(VALID)
    api_problem(client.get(f"{API}?{query}"), 405)


# --- the web form -------------------------------------------------------------

FORM_PATHS = ["/result", "/embed/result"]
QUESTION_ERROR = "Choose how long you have been trying to get pregnant."


@pytest.mark.parametrize("path", FORM_PATHS)
@pytest.mark.parametrize("raw", [
    VALID_FORM.replace("12_or_more", "%ff%fe").encode(),
    VALID_FORM.replace("12_or_more", "12_or_more\xff").encode("latin-1"),
    VALID_FORM.replace("12_or_more", "12_or_more%00").encode(),
    VALID_FORM.replace("months_trying=12_or_more", "months_trying=%3Cscript%3Ealert(1)%3C/script%3E").encode(),
    VALID_FORM.replace("months_trying=12_or_more", "months_trying=12_or_more&months_trying=under_6").encode(),
    VALID_FORM.replace("months_trying=12_or_more", "months_trying=12_or_more&months_trying=12_or_more").encode(),
    VALID_FORM.replace("months_trying=12_or_more", "months_trying[]=12_or_more").encode(),
    VALID_FORM.replace("months_trying=12_or_more", "months_trying").encode(),
], ids=["percent-encoded invalid UTF-8", "raw invalid UTF-8", "NUL", "markup", "repeated, different",
        "repeated, same", "array syntax", "no value"])
def test_bad_form_values_name_the_question(client, path, raw):
    response = client.post(path, data=raw, content_type="application/x-www-form-urlencoded")
    html = html_error(response, 400, QUESTION_ERROR)
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert html.count("error-summary") >= 1


@pytest.mark.parametrize("path", FORM_PATHS)
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded; charset=latin-1",
                                          "application/x-www-form-urlencoded; charset=utf-8",
                                          "multipart/form-data"])
def test_form_encodings_a_browser_may_send_are_accepted(client, path, content_type):
    if content_type.startswith("multipart"):
        response = client.post(path, data=VALID, content_type=content_type)
    else:
        response = client.post(path, data=VALID_FORM, content_type=content_type)
    assert response.status_code == 200


@pytest.mark.parametrize("path", FORM_PATHS)
@pytest.mark.parametrize("content_type,raw", [
    ("application/json", VALID_JSON.encode()),
    ("text/plain", VALID_FORM.encode()),
    ("multipart/form-data; boundary=x", b"--x\r\nnot a part"),
    ("multipart/form-data", VALID_FORM.encode()),
    ("multipart/form-data; boundary=" + "x" * 200, b"--" + b"x" * 200 + b"--\r\n"),
    ("application/x-www-form-urlencoded", b""),
    ("application/x-www-form-urlencoded", b"&&&===&&"),
    ("", VALID_FORM.encode()),
], ids=["json", "text", "broken multipart", "multipart without boundary", "empty multipart", "empty", "separators", "no type"])
def test_bodies_that_are_not_the_form_ask_for_the_answers(client, path, content_type, raw):
    html_error(client.post(path, data=raw, content_type=content_type), 400, QUESTION_ERROR)


@pytest.mark.parametrize("path", FORM_PATHS + ["/"])
def test_huge_form_bodies_are_413(client, path):
    html_error(client.post(path, data=VALID_FORM + "&pad=" + "x" * 100_000,
                           content_type="application/x-www-form-urlencoded"), 413, "Too much was sent")
    multipart = {**VALID, "pad": (io.BytesIO(b"x" * 100_000), "pad.txt")}
    html_error(client.post(path, data=multipart, content_type="multipart/form-data"), 413)
    html_error(streamed(client, path, (VALID_FORM + "&pad=" + "x" * 100_000).encode(),
                        "application/x-www-form-urlencoded"), 413)


def test_too_many_form_fields_is_a_4xx(client):
    response = client.post("/result", data="a=&" * 2500, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500
    html_error(response, response.status_code)


# --- methods, paths and headers -----------------------------------------------

@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "TRACE", "BREW"])
def test_every_method_on_every_route(client, path, method):
    response = client.open(path, method=method)
    response.close()  # static files are streamed from disk
    assert response.status_code < 500, response.status_code
    if response.status_code == 405:
        assert response.headers["Allow"]
        if method == "HEAD":
            pass
        elif path.startswith("/api/"):
            api_problem(response, 405)
        else:
            html_error(response, 405)
    if method == "HEAD":
        assert response.get_data() == b""
    if method == "OPTIONS":
        # Flask answers OPTIONS itself (`/embed` without its slash gets no Allow header: a Flask quirk).
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/%ff", "/%00", "/" + "a" * 10_000, "/..%2f..%2fetc/passwd", "/static/../triage/api/routes.py",
                                  "/embed/embed/", "/result/", "/api/v1/", "/api/v1/assessments/x", "/static/nope.css"])
def test_odd_paths_are_clean_404s(client, path):
    response = client.get(path)
    if path.startswith("/api/"):
        api_problem(response, 404)
    else:
        html_error(response, 404)


@pytest.mark.parametrize("query", ["audience=%ff", "audience=<script>", "audience=clinician&audience=x",
                                   "audience=" + "x" * 5000, "%ff=%fe", "audience"])
@pytest.mark.parametrize("path", ["/", "/rules", "/api/v1/rules"])
def test_odd_query_strings(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 400)
    assert "<script>" not in response.get_data(as_text=True)
    if response.status_code == 400 and path.startswith("/api/"):
        api_problem(response, 400, "audience")


@pytest.mark.parametrize("headers", [
    {"Host": "bad host<>"}, {"Host": ""}, {"X-Forwarded-Prefix": '/x"><script>'},
    {"X-Forwarded-Port": "not-a-port", "X-Forwarded-Host": "a b", "X-Forwarded-Proto": "gopher"},
    {"X-Forwarded-For": "not an address, ::1, 999.1.1.1"}, {"Accept": "application/xml"},
    {"Accept-Language": "x" * 4000}, {"Cookie": "session=abc; x=" + "y" * 3000}, {"Content-Length": "-1"},
])
@pytest.mark.parametrize("trusted", ["0", "1"])
def test_odd_headers_never_break_a_page(make_app, headers, trusted):
    client = make_app(HSG_TRUSTED_PROXIES=trusted).test_client()
    for path in ("/", "/rules"):
        response = client.get(path, headers=headers)
        assert response.status_code < 500, (path, headers)
        assert "<script>" not in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
    response = client.post("/result", data=VALID, headers=headers)
    assert response.status_code < 500


# --- unexpected failures ------------------------------------------------------

@pytest.fixture
def broken_engine(app, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(hsg(app).engine, "assess", fail)


def test_a_failure_is_a_plain_500_page_or_problem(client, broken_engine):
    html = html_error(client.post("/result", data=VALID), 500, "Sorry, something went wrong")
    assert "simulated failure" not in html and "RuntimeError" not in html
    body = api_problem(client.post(API, json=VALID), 500)
    assert "simulated" not in json.dumps(body)
    assert re.search(r"Internal Server Error", body["title"])


def test_a_blueprint_with_its_own_limit_keeps_it_for_streamed_bodies(client):
    """The FHIR endpoint accepts larger bodies than the form; chunked or not, the same limit applies."""
    from fhir_support import questionnaire_response

    assess = "/fhir/Questionnaire/hsg-indications/$assess"
    padded = questionnaire_response(VALID, text={"status": "generated", "div": "<div>" + "x" * 20_000 + "</div>"})
    assert streamed(client, assess, json.dumps(padded).encode(), "application/fhir+json").status_code == 200
    padded["text"]["div"] = "<div>" + "x" * 70_000 + "</div>"
    assert streamed(client, assess, json.dumps(padded).encode(), "application/fhir+json").status_code == 413
