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


# ---------------------------------------------------------------------------
# Bounded in bytes, least recently used out (issue 26).

def test_the_store_evicts_the_least_recently_used_part():
    from triage.web.fragments import ENTRY_OVERHEAD, FragmentStore

    part = "x" * 1000
    store = FragmentStore(max_bytes=3 * (len(part) + 100 + ENTRY_OVERHEAD))
    for key in ("a", "b", "c"):
        store.keep(key, part)
    assert list(store) == ["a", "b", "c"]
    assert store.get("a") == part  # used: now the most recent
    store.keep("d", part)
    assert "b" not in store and list(store) == ["c", "a", "d"]
    assert store.size <= store.max_bytes
    # A part larger than the whole store is returned, not kept, and drops nothing.
    assert store.keep("huge", part * 10) == part * 10 and "huge" not in store and len(store) == 3
    # Split parts (tuples of pieces) are counted by their pieces.
    store.keep("e", (part, "slot", part))
    assert "e" in store and store.size <= store.max_bytes


def test_a_flood_of_forwarded_prefixes_keeps_the_store_within_its_bytes(make_app):
    """Each prefix is a page key; 20,000 entries of large parts had no byte bound and then stopped
    caching. The flood is the real pages, made small: a store of 2 MiB, and 300 prefixes."""
    from triage.web.fragments import MAX_STORE_BYTES

    app = make_app(HSG_TRUSTED_PROXIES="1")
    client = app.test_client()
    store = hsg(app).built["fragments"]
    assert store.max_bytes == MAX_STORE_BYTES
    store.max_bytes = 2 * 1024 * 1024
    for n in range(300):
        prefix = f"/p{n}"
        headers = {"X-Forwarded-Prefix": prefix}
        assert client.get("/", headers=headers).status_code == 200
        assert client.post("/result?audience=clinician", data=EXAMPLES["commonly_recommended"],
                           headers=headers).status_code == 200
        assert store.size <= store.max_bytes
    keys = list(store)
    # The latest prefixes are kept; the first were evicted: the store keeps caching.
    assert any(key[0][2] == "/p299" for key in keys) and not any(key[0][2] == "/p0" for key in keys)


def test_no_stored_part_is_keyed_by_a_date(clients):
    import datetime

    with_store, _ = clients
    for audience in ("", "audience=clinician&"):
        with_store.post(f"/result?{audience}", data=EXAMPLES["commonly_recommended"])
    store = hsg(with_store.application).built["fragments"]
    today = datetime.date.today()
    dates = {str(today), today.strftime("%d %B %Y").lstrip("0"), str(today.year)}
    for key in store:
        assert not any(date in repr(key) for date in dates), key
