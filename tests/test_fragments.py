"""Fragments (web/fragments.py) never change a page: every page kind, outcome, register and
language renders to the same bytes with the fragment store as without it, on first and on
later requests, and under a URL prefix. And the store holds no answers."""

import pytest
from conftest import EXAMPLES, all_answer_combinations
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.core.translation import LANGUAGES
from triage.state import hsg

ANSWER_SETS = list(all_answer_combinations())


@pytest.fixture(scope="module")
def clients():
    from triage import create_app

    return create_app().test_client(), create_app({"FRAGMENTS": False}).test_client()


def same(clients, method: str, url: str, **kwargs) -> None:
    with_store, without = clients
    first = with_store.open(url, method=method, **kwargs).get_data(as_text=True)
    again = with_store.open(url, method=method, **kwargs).get_data(as_text=True)
    plain = without.open(url, method=method, **kwargs).get_data(as_text=True)
    assert first == again == plain, f"{method} {url}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_kind_is_the_same_with_fragments(clients, language):
    for audience in ("", "audience=clinician&"):
        for path in ("/", "/rules", "/about", "/embed/", "/nope"):
            same(clients, "GET", f"{path}?{audience}lang={language}")
        for prefix in ("", "/embed"):
            for answers in [*EXAMPLES.values(), {"pelvic_pain": "no"}]:
                same(clients, "POST", f"{prefix}/result?{audience}lang={language}", data=answers)
    # The form shown again with answers ("Change your answers"), or with a tampered one.
    for answers in [EXAMPLES["not_yet"], {"pelvic_pain": "<b>x</b>", "age_bracket": "under_35"}]:
        same(clients, "POST", f"/?lang={language}", data=answers)
    # Chosen by the browser rather than ?lang (links then carry no language).
    same(clients, "POST", "/result", data=EXAMPLES["may_be_considered"], headers={"Accept-Language": language})


def test_the_same_under_a_url_prefix(clients):
    for prefix in ("/hsg", "/clinic/fertility"):
        for outcome, answers in EXAMPLES.items():
            same(clients, "POST", "/result?audience=clinician", data=answers, environ_base={"SCRIPT_NAME": prefix})


@settings(max_examples=120, deadline=None)
@given(answers=st.sampled_from(ANSWER_SETS), audience=st.sampled_from(["", "audience=clinician&"]),
       language=st.sampled_from(LANGUAGES))
def test_any_answer_set_is_the_same_with_fragments(clients, answers, audience, language):
    same(clients, "POST", f"/result?{audience}lang={language}", data=answers)


def test_the_store_holds_no_answer_sets(clients):
    """No key holds more than one answer value, nor anything a visitor typed: the store cannot
    record who answered what."""
    with_store, _ = clients
    for answers in ANSWER_SETS[::97]:
        with_store.post("/result?audience=clinician", data=answers)
        with_store.post("/", data=answers)
    with_store.post("/result", data={"pelvic_pain": "typed-by-a-visitor"})
    store = hsg(with_store.application).built["fragments"]
    assert store, "the result page is assembled from fragments"
    answer_values = {value for answers in ANSWER_SETS for value in answers.values()}
    for key in store:
        text = repr(key)
        assert "typed-by-a-visitor" not in text
        assert sum(f"'{value}'" in text for value in answer_values) <= 1, key


def test_every_slot_of_a_stored_part_is_filled(clients):
    """The result page's chrome and the referral summary's "Unsure or withheld" line are stored with
    slots (web/fragments.SLOT) and filled per request: no page may carry a slot marker."""
    from triage.web.fragments import SLOT

    for client in clients:  # with the store and without
        for language in LANGUAGES:
            for answers in ANSWER_SETS[::149]:
                for audience in ("", "audience=clinician&"):
                    page = client.post(f"/result?{audience}lang={language}", data=answers).get_data(as_text=True)
                    assert SLOT not in page, (language, audience, answers)
                    assert page.count('type="hidden" name="months_trying"') >= 3, "the answers are re-posted"
