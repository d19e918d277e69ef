"""Controls from the hazard log (docs/clinical-safety/hazard-log.md) not tested elsewhere."""

import re
from html import unescape

import pytest
from conftest import EXAMPLES


def result(client, outcome, audience, prefix=""):
    query = "?audience=clinician" if audience == "clinician" else ""
    response = client.post(f"{prefix}/result{query}", data=EXAMPLES[outcome])
    assert response.status_code == 200
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


NOT_AN_ALL_CLEAR = {"patient": "This does not mean that all is well.", "clinician": "This is not a clinical all-clear."}


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_no_match_never_reads_as_an_all_clear(client, audience):
    html = result(client, "no_indication", audience)
    assert NOT_AN_ALL_CLEAR[audience] in html
    not_yet = result(client, "not_yet", audience)
    assert "12 months of trying" in not_yet, "not yet says when to look again"
    rules = unescape(client.get("/rules" + ("?audience=clinician" if audience == "clinician" else "")).get_data(as_text=True))
    assert NOT_AN_ALL_CLEAR[audience] in rules


@pytest.mark.parametrize("prefix", ["", "/embed"])
@pytest.mark.parametrize("outcome", EXAMPLES)
def test_every_result_says_the_tool_cannot_judge_safety(client, outcome, prefix):
    assert "It cannot tell whether you need an HSG or whether it is safe for you." in result(client, outcome, "patient", prefix)
    assert "decide on suitability and safety" in result(client, outcome, "clinician", prefix)
