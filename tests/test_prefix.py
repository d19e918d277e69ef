"""Under a URL prefix every link, asset and form stays under it: set by SCRIPT_NAME or a trusted proxy."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from conftest import EXAMPLES

from triage.state import hsg

PREFIX = "/hsg"
PAGES = ["/", "/rules", "/about", "/embed", "/embed/rules", "/embed/about"]
REGISTERS = ["", "?audience=clinician"]


class _URLs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.found.append((tag, name, value))


def urls(html: str) -> list[tuple[str, str, str]]:
    parser = _URLs()
    parser.feed(html)
    return parser.found


def every_page(client, app, monkeypatch, **request):
    """(name, response) for every page, result and error page, requested with `request` (prefix settings)."""
    for path in PAGES:
        for query in REGISTERS:
            yield path + query, client.get(path + query, **request)
    for outcome, answers in EXAMPLES.items():
        for frame in ("", "/embed"):
            for query in REGISTERS:
                yield f"{frame}/result{query} {outcome}", client.post(f"{frame}/result{query}", data=answers, **request)
        yield f"/ (change answers) {outcome}", client.post("/", data=answers, **request)
    for frame in ("", "/embed"):
        yield f"{frame} 400 form", client.post(f"{frame}/result", data={}, **request)
        yield f"{frame} 400 audience", client.get(f"{frame}/rules?audience=doctor", **request)
        yield f"{frame} 404", client.get(f"{frame}/nope", **request)
        yield f"{frame} 405", client.get(f"{frame}/result", **request)
        yield f"{frame} 413", client.post(f"{frame}/result", data={"pad": "x" * 20_000}, **request)

    def fail(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(hsg(app).engine, "assess", fail)
    for frame in ("", "/embed"):
        yield f"{frame} 500", client.post(f"{frame}/result", data=EXAMPLES["not_yet"], **request)


WAYS = {
    "SCRIPT_NAME": ({}, {"environ_overrides": {"SCRIPT_NAME": PREFIX}}),
    "trusted X-Forwarded-Prefix": ({"HSG_TRUSTED_PROXIES": "1"}, {"headers": {"X-Forwarded-Prefix": PREFIX}}),
    # Two proxies: the outer one's value counts; what the client sent before it does not.
    "two trusted proxies": ({"HSG_TRUSTED_PROXIES": "2"},
                            {"headers": {"X-Forwarded-Prefix": f"/spoofed, {PREFIX}, /inner"}}),
}


@pytest.mark.parametrize("way", WAYS)
def test_every_url_on_every_page_carries_the_prefix(make_app, monkeypatch, way):
    settings, request = WAYS[way]
    app = make_app(**settings)
    client = app.test_client()
    checked = 0
    links = set()
    for name, response in every_page(client, app, monkeypatch, **request):
        assert response.mimetype == "text/html", name
        found = urls(response.get_data(as_text=True))
        assert found, name
        for tag, attribute, url in found:
            if url.startswith("#"):
                continue
            if tag == "a" and urlsplit(url).scheme == "https":
                continue  # a link to a cited source elsewhere: navigation, nothing is loaded
            assert url.startswith(PREFIX + "/"), (name, tag, attribute, url)
            checked += 1
            if attribute != "action":
                links.add(url)
    assert checked > 300
    monkeypatch.undo()
    # Every prefixed link and asset resolves: strip the prefix as the proxy or server does.
    for url in sorted(links):
        response = client.get(url.removeprefix(PREFIX).split("#")[0], **request)
        response.close()
        assert response.status_code == 200, url


def test_an_untrusted_forwarded_prefix_is_ignored(make_app, monkeypatch):
    app = make_app(HSG_TRUSTED_PROXIES="0")
    client = app.test_client()
    for name, response in every_page(client, app, monkeypatch, headers={"X-Forwarded-Prefix": PREFIX}):
        for _, _, url in urls(response.get_data(as_text=True)):
            assert not url.startswith(PREFIX), (name, url)


def test_the_openapi_document_names_the_prefix(make_app):
    client = make_app(HSG_TRUSTED_PROXIES="1").test_client()
    servers = client.get("/api/v1/openapi.json", headers={"X-Forwarded-Prefix": PREFIX}).get_json()["servers"]
    assert servers == [{"url": PREFIX}]


def test_hsg_url_prefix_serves_every_page_under_it_and_nothing_else(make_app, monkeypatch):
    app = make_app(HSG_URL_PREFIX=PREFIX)
    client = app.test_client()
    for path in PAGES:
        response = client.get(PREFIX + path)
        assert response.status_code == 200, path
        for _, _, url in urls(response.get_data(as_text=True)):
            assert url.startswith((PREFIX + "/", "#", "https://")), (path, url)
    result = client.post(PREFIX + "/result", data=EXAMPLES["not_yet"])
    assert result.status_code == 200 and f'action="{PREFIX}/result' in result.get_data(as_text=True)
    for outside in ("/", "/rules", "/hsgx/rules", "/healthz"):
        assert client.get(outside).status_code == 404, outside
    bare = client.get(PREFIX + "?audience=clinician", headers={"Host": "evil.example"})
    assert bare.status_code == 308 and bare.headers["Location"] == PREFIX + "/?audience=clinician"


@pytest.mark.parametrize("forged", ["//evil.example", "https://evil.example", "/hsg/../..", "/a b", "\\\\evil.example"])
def test_a_trusted_prefix_that_is_not_a_plain_path_is_refused(make_app, forged):
    client = make_app(HSG_TRUSTED_PROXIES="1").test_client()
    for path in ("/", "/api/v1/openapi.json", "/rules"):
        response = client.get(path, headers={"X-Forwarded-Prefix": forged})
        assert response.status_code == 400, (forged, path)
        assert "evil" not in response.get_data(as_text=True) and "Location" not in response.headers


def test_a_trusted_prefix_is_bounded_in_length(make_app):
    from triage.config import MAX_PREFIX_LENGTH

    client = make_app(HSG_TRUSTED_PROXIES="1").test_client()
    longest = "/" + "a" * (MAX_PREFIX_LENGTH - 1)
    assert client.get("/", headers={"X-Forwarded-Prefix": longest}).status_code == 200
    assert client.get("/", headers={"X-Forwarded-Prefix": longest + "a"}).status_code == 400


@pytest.mark.parametrize("scheme", ["javascript", "data", "ftp", "https:", "http https"])
def test_a_trusted_scheme_other_than_http_or_https_is_refused(make_app, scheme):
    """X-Forwarded-Proto starts every absolute URL (CDS Hooks card links): `javascript:` must never (issue 26)."""
    client = make_app(HSG_TRUSTED_PROXIES="1").test_client()
    for path in ("/", "/cds-services/hsg-indications", "/fhir/metadata"):
        response = client.get(path, headers={"X-Forwarded-Proto": scheme})
        assert response.status_code == 400 and "X-Forwarded-Proto" in response.get_data(as_text=True), (scheme, path)


@pytest.mark.parametrize(("scheme", "expected"), [("https", "https"), ("HTTPS", "https"), ("http", "http")])
def test_a_trusted_http_or_https_scheme_is_used(make_app, scheme, expected):
    from test_cds_hooks import LATEST, SERVICE, hook_request

    client = make_app(HSG_TRUSTED_PROXIES="1").test_client()
    response = client.post(SERVICE, json=hook_request(LATEST), headers={"X-Forwarded-Proto": scheme})
    (card,) = response.get_json()["cards"]
    assert card["links"][0]["url"].startswith(f"{expected}://localhost/")


def test_no_forged_host_reaches_a_location(make_app):
    client = make_app(HSG_URL_PREFIX=PREFIX).test_client()
    for path in (PREFIX, PREFIX + "?lang=es"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 308 and response.headers["Location"].startswith(PREFIX + "/")
