"""Rule governance: the review record, the change log, and what /rules says about both."""

import datetime
import re
from html import unescape
from pathlib import Path

import pytest
from conftest import edited_copy

from triage.core.clinical_context import ContextError, load_clinical_context
from triage.core.ruleset import bundled_rules_file, load_rule_set
from triage.core.signoff import Review, bundled_signoff_file, load_signoff
from triage.state import hsg

CHANGELOG = (bundled_rules_file().parent / "CHANGELOG.md").read_text(encoding="utf-8")
RECORD = bundled_signoff_file().read_text(encoding="utf-8")


def record_hint(subject, file, loaded) -> str:
    return (f"{file} is not in rules/signoff.toml as it is now: add a [[reviews]] entry with subject = {subject!r}, "
            f"version = {loaded.version!r}, sha256 = {loaded.content_hash!r}, and a rules/CHANGELOG.md entry")


def test_the_bundled_rule_set_is_in_the_review_record():
    rules = load_rule_set()
    status = load_signoff().status("rule_set", rules.version, rules.content_hash)
    assert status.state != "unrecorded", record_hint("rule_set", "hsg-indications.toml", rules)
    assert all(entry.file == bundled_rules_file().name for entry in status.records)


def test_the_bundled_clinical_context_is_in_the_review_record():
    context = load_clinical_context()
    status = load_signoff().status("clinical_context", context.version, context.content_hash)
    assert status.state != "unrecorded", record_hint("clinical_context", "clinical-context.toml", context)


def test_the_record_is_honest_that_clinical_review_is_pending():
    """Until a clinician signs, nothing may claim approval; this test changes the day one does."""
    record = load_signoff()
    assert {entry.decision for entry in record.reviews} == {"authored"}
    assert all("not clinicians" in entry.role for entry in record.reviews)


def test_every_recorded_version_has_a_change_log_entry():
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", CHANGELOG, re.M | re.S))
    for entry in load_signoff().reviews:
        if entry.language != "en":
            # A translation's entry names its language and the English version it translates.
            assert re.search(rf"^### .*\b{entry.language}\b.* {re.escape(entry.version)} \({entry.date.isoformat()}\)$",
                             sections["Translations"], re.M), entry
            continue
        assert entry.file in sections, entry.file
        assert re.search(rf"^### {re.escape(entry.version)} \({entry.date.isoformat()}\)$", sections[entry.file], re.M), entry


def review(decision, date, sha="a" * 64, version="2.0.0"):
    return Review(subject="rule_set", file="hsg-indications.toml", version=version, sha256=sha,
                  date=date, decision=decision, by="Dr A. Reviewer", role="consultant radiologist")


def with_reviews(*extra):
    record = load_signoff()
    return record.model_copy(update={"reviews": [*record.reviews, *extra]})


def test_review_state_follows_the_latest_clinical_decision_for_that_exact_content():
    day = datetime.date(2027, 1, 1)
    authored = review("authored", day)
    approved = review("approved", day + datetime.timedelta(days=1))
    objected = review("changes_requested", day + datetime.timedelta(days=2))
    assert with_reviews(authored).status("rule_set", "2.0.0", "a" * 64).state == "pending"
    assert with_reviews(authored, approved).status("rule_set", "2.0.0", "a" * 64).state == "approved"
    assert with_reviews(objected, approved, authored).status("rule_set", "2.0.0", "a" * 64).state == "pending"
    assert with_reviews(approved).status("rule_set", "2.0.0", "b" * 64).state == "unrecorded"
    assert with_reviews(approved).status("clinical_context", "2.0.0", "a" * 64).state == "unrecorded"


def test_a_record_that_gives_the_wrong_version_for_the_content_is_refused():
    with pytest.raises(ContextError, match="gives version '2.0.0'"):
        with_reviews(review("approved", datetime.date(2027, 1, 1))).status("rule_set", "2.0.1", "a" * 64)


RECORD_MISTAKES = {
    "a short hash": ('sha256 = "62b36f', 'sha256 = "62b36f"\nold = "', "review #1: sha256"),
    "an unknown decision": ('decision = "authored"', 'decision = "looks fine"', "review #1: decision"),
    "a date that is text": ("date = 2026-11-26", 'date = "26/11/2026"', "review #1: date"),
    "no role": ('role = "software developers, not clinicians"', 'role = ""', "review #1: role"),
}


@pytest.mark.parametrize("mistake", RECORD_MISTAKES)
def test_a_record_mistake_stops_loading_naming_the_file_and_entry(tmp_path, mistake):
    old, new, named = RECORD_MISTAKES[mistake]
    path = edited_copy(tmp_path, "signoff.toml", RECORD, old, new)
    with pytest.raises(ContextError) as raised:
        load_signoff(path)
    assert str(raised.value).startswith(str(path)) and named in str(raised.value), str(raised.value)


def rules_page(client, query=""):
    response = client.get("/rules" + query)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def test_rules_page_shows_version_hash_and_review_state(client, app):
    rules = hsg(app).settings.rules
    clinician = rules_page(client, "?audience=clinician")
    assert f"The running rule set (version {rules.version}, sha256 <code>{rules.content_hash}</code>) matches version {rules.version} in the review record" in clinician
    assert "Clinical review: PENDING" in clinician
    for entry in load_signoff().reviews:
        assert f"<code>{entry.file}</code> version {entry.version} (sha256 <code>{entry.sha256[:12]}</code>)" in clinician
        assert entry.by in clinician and entry.role in clinician and entry.date.isoformat() in clinician
    assert "Next review due by" in clinician and "rules/CHANGELOG.md" in clinician
    patient = rules_page(client)
    assert "A clinician has not checked them yet." in patient
    assert f"version {rules.version}" in patient and rules.short_hash in patient


def test_a_local_rule_set_is_shown_as_not_in_the_review_record(make_app, tmp_path):
    local = tmp_path / "clinic-rules.toml"
    local.write_text(bundled_rules_file().read_text(encoding="utf-8").replace(f'version = "{load_rule_set().version}"', 'version = "1.0.0-riverside.1"'),
                     encoding="utf-8")
    app = make_app(HSG_RULES_FILE=str(local))
    client = app.test_client()
    assert hsg(app).governance.rules_review.state == "unrecorded"
    clinician = rules_page(client, "?audience=clinician")
    assert "does not match any version in the review record" in clinician
    assert "the deploying organisation is responsible for its clinical review" in clinician
    assert "1.0.0-riverside.1" in clinician and hsg(app).settings.rules.content_hash in clinician
    assert "Our review record does not cover them." in rules_page(client)
    result = unescape(client.post("/result?audience=clinician", data={
        "months_trying": "12_or_more", "age_bracket": "under_35", "pregnancy_losses": "none",
        "pelvic_infection": "no", "pelvic_surgery": "no", "pelvic_pain": "no"}).get_data(as_text=True))
    assert "not in the review record (local or edited rule set)" in result


def test_about_page_points_to_the_safety_case_and_the_review_state(client):
    clinician = unescape(client.get("/about?audience=clinician").get_data(as_text=True))
    assert "DCB0129" in clinician and "DCB0160" in clinician and "docs/clinical-safety/" in clinician
    assert "clinical review PENDING" in clinician


def test_the_governance_files_ship_in_the_rules_package():
    rules_dir = Path(bundled_rules_file()).parent
    for name in ("clinical-context.toml", "signoff.toml", "CHANGELOG.md"):
        assert (rules_dir / name).is_file(), name
