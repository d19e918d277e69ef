"""Controls from the hazard log (docs/clinical-safety/hazard-log.md) not tested elsewhere."""

import re
from html import unescape

import pytest
from conftest import EXAMPLES


#: A `no_indication` result that open answers cannot change (the example's "unsure" infection could).
SETTLED_NO_INDICATION = dict(months_trying="not_trying", age_bracket="under_35", pregnancy_losses="none",
                             pelvic_infection="no", pelvic_surgery="no", pelvic_pain="no")


def result(client, outcome, audience, prefix="", answers=None):
    query = "?audience=clinician" if audience == "clinician" else ""
    response = client.post(f"{prefix}/result{query}", data=answers or EXAMPLES[outcome])
    assert response.status_code == 200
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


NOT_AN_ALL_CLEAR = {"patient": "This does not mean that all is well.", "clinician": "This is not a clinical all-clear."}


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_no_match_never_reads_as_an_all_clear(client, audience):
    html = result(client, "no_indication", audience, answers=SETTLED_NO_INDICATION)
    assert NOT_AN_ALL_CLEAR[audience] in html
    # Rule set 1.2: where an unsure answer could change it, no "none of the usual reasons" heading at all.
    unsettled = result(client, "no_indication", audience)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", unsettled).group(1)
    assert "cannot tell yet" in heading or "may change" in heading
    assert "None of the usual reasons" not in heading and "No listed indication" not in heading
    not_yet = result(client, "not_yet", audience)
    assert "12 months of trying" in not_yet, "not yet says when to look again"
    rules = unescape(client.get("/rules" + ("?audience=clinician" if audience == "clinician" else "")).get_data(as_text=True))
    assert NOT_AN_ALL_CLEAR[audience] in rules


@pytest.mark.parametrize("prefix", ["", "/embed"])
@pytest.mark.parametrize("outcome", EXAMPLES)
def test_every_result_says_the_tool_cannot_judge_safety(client, outcome, prefix):
    assert "It cannot tell whether you need an HSG or whether it is safe for you." in result(client, outcome, "patient", prefix)
    assert "decide on suitability and safety" in result(client, outcome, "clinician", prefix)
