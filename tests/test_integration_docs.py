"""Every example in docs/integration.md is replayed against the app and must match.

An example is an HTML comment `<!-- example: NAME -->` followed by two
```http blocks: the request as sent, and the response as documented (status
line, the headers worth checking, and the body). Bodies are compared as JSON;
only card uuids, fresh on every call, are exempt.

When the rule set or wording changes on purpose, rewrite the documented
responses from the app and review the diff:

    UPDATE_INTEGRATION_DOCS=1 pytest tests/test_integration_docs.py
"""

import json
import os
import re
import uuid
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "integration.md"
EXAMPLE = re.compile(
    r"<!-- example: (?P<name>[a-z0-9-]+) -->\s*"
    r"```http\n(?P<request>.*?)```\s*"
    r"```http\n(?P<response>.*?)```",
    re.S,
)
UPDATE = os.environ.get("UPDATE_INTEGRATION_DOCS") == "1"


def _split(message: str) -> tuple[str, dict[str, str], str]:
    head, _, body = message.partition("\n\n")
    first, *header_lines = head.strip("\n").split("\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return first, headers, body.strip()


def _examples():
    return list(EXAMPLE.finditer(GUIDE.read_text(encoding="utf-8")))


def _send(client, request_text: str):
    first, headers, body = _split(request_text)
    method, target, _version = first.split(" ")
    host = headers.pop("Host")
    return client.open(target, method=method, headers=headers, data=body.encode() if body else None,
                       base_url=f"https://{host}")


def _normalise(actual, documented):
    """Card uuids are fresh on every call: check the shape, take the documented value."""
    if isinstance(actual, dict) and isinstance(documented, dict):
        for actual_card, documented_card in zip(actual.get("cards", []), documented.get("cards", [])):
            uuid.UUID(actual_card["uuid"])
            actual_card["uuid"] = documented_card.get("uuid")
    return actual


def _response_block(response, documented_headers) -> str:
    lines = [f"HTTP/1.1 {response.status}"]
    lines += [f"{name}: {response.headers[name]}" for name in documented_headers]
    text = "\n".join(lines) + "\n"
    body = response.get_data(as_text=True)
    if body:
        text += "\n" + json.dumps(json.loads(body), indent=2, ensure_ascii=False) + "\n"
    return text


def test_the_guide_has_the_examples_it_promises():
    names = [match["name"] for match in _examples()]
    assert len(names) == len(set(names))
    for expected in ("questionnaire", "assess", "assess-operation-outcome", "assess-other-version", "fhir-metadata",
                     "fhir-operation-definition", "fhir-code-system", "fhir-value-set", "cds-discovery", "cds-call",
                     "cds-call-no-response", "cds-call-no-prefetch", "cds-call-other-order", "cds-order-sign",
                     "cds-feedback", "cds-feedback-malformed", "cds-preflight", "assess-parameters-json", "fhir-not-acceptable",
                     "questionnaire-search-other-version"):
        assert expected in names


@pytest.mark.parametrize("name", [match["name"] for match in _examples()])
def test_example_replays(client, name):
    match = next(m for m in _examples() if m["name"] == name)
    response = _send(client, match["request"])
    status_line, headers, body = _split(match["response"])
    if UPDATE:
        text = GUIDE.read_text(encoding="utf-8")
        current = next(m for m in EXAMPLE.finditer(text) if m["name"] == name)
        start, end = current.span("response")
        GUIDE.write_text(text[:start] + _response_block(response, headers) + text[end:], encoding="utf-8")
        return
    assert status_line == f"HTTP/1.1 {response.status}"
    for header, value in headers.items():
        assert response.headers.get(header) == value, header
    if body:
        documented = json.loads(body)
        assert _normalise(json.loads(response.get_data(as_text=True)), documented) == documented
    else:
        assert response.get_data() == b""
