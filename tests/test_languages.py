"""Every language: complete catalogues, the right lang and dir, no English left on its pages,
its own review state, and the same decisions as English for all 2,700 answer sets.

The browser checks (axe, 320 px, keyboard in Arabic) are in test_languages_browser.py;
the Nu checker's in test_html_validity.py.
"""

import datetime
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import textstat
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import EXAMPLES, all_answer_combinations

from triage.core.translation import (
    DOMAINS,
    REVIEWED,
    ENDONYMS,
    LANGUAGES,
    RIGHT_TO_LEFT,
    bundled_models,
    english_versions,
    catalogue_dir,
    po_file,
    review_pack,
    template,
    translation_hash,
)

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in LANGUAGES if code != "en"]
ALL_DOMAINS = ["messages", *DOMAINS]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def messages(catalog) -> dict:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}


def read(path: Path, language: str | None = None):
    with path.open("rb") as file:
        return read_po(file, locale=language)


# ---------------------------------------------------------------------------
# The catalogues


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_data_file_templates_are_up_to_date(domain):
    current = messages(template(domain, bundled_models()[domain]))
    written = messages(read(catalogue_dir() / f"{domain}.pot"))
    assert set(written) == set(current), "run `hsg-triage translations refresh`"


@pytest.mark.parametrize("domain", ALL_DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language, domain):
    catalog = read(po_file(language, domain), language)
    wanted = set(messages(read(catalogue_dir() / f"{domain}.pot")))
    assert set(messages(catalog)) == wanted, f"run pybabel update for {language}/{domain}: the template changed"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{message.context or ''} {ids[0][:50]!r}"
        if message.fuzzy:
            problems.append(f"fuzzy: {where}")
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms, the language has {catalog.num_plurals}: {where}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {where}")
            continue
        wanted_placeholders = set(PLACEHOLDER.findall(" ".join(ids)))
        for form in strings:
            # A plural form for exactly one may say "one" in words instead of the number.
            if set(PLACEHOLDER.findall(form)) - wanted_placeholders or \
                    wanted_placeholders - set(PLACEHOLDER.findall(form)) - {"%(num)s"}:
                problems.append(f"placeholders differ: {where}: {form[:60]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogues_match_their_sources(language):
    for domain in ALL_DOMAINS:
        source = read(po_file(language, domain), language)
        with po_file(language, domain).with_suffix(".mo").open("rb") as file:
            compiled = read_mo(file)
        translated = {k: m.string for k, m in messages(source).items()
                      if not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))}
        found = {k: m.string for k, m in messages(compiled).items()}
        assert {k: tuple(v) if isinstance(v, list) else v for k, v in ((k, found.get(k)) for k in translated)} == translated, \
            f"{language}/{domain}.mo is stale: run `hsg-triage translations refresh`"


# ---------------------------------------------------------------------------
# Choosing a language, without a cookie


def html_tag(html: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)">', html)
    return match.group(1), match.group(2)


def pages(client, query: str = "", **request):
    """Every page kind (named the same in every language): the form, rules, about, the embedded
    form, each outcome in both registers, the error state and an error page. `query`: `lang=xx`."""
    for audience in ("", "audience=clinician"):
        joined = "&".join(part for part in (audience, query) if part)
        suffix = f"?{joined}" if joined else ""
        for path in ("/", "/rules", "/about", "/embed/"):
            yield f"GET {path} {audience}", client.get(path + suffix, **request)
        for outcome, answers in EXAMPLES.items():
            yield f"{outcome} {audience}", client.post("/result" + suffix, data=answers, **request)
        yield f"error state {audience}", client.post("/result" + suffix, data={"pelvic_pain": "no"}, **request)
    yield "404", client.get(f"/nope?{query}", **request)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lang_and_dir_from_the_query_and_every_link_carries_it(client, language):
    expected = (language, "rtl" if language in RIGHT_TO_LEFT else "ltr")
    for name, response in pages(client, query=f"lang={language}"):
        html = response.get_data(as_text=True)
        assert html_tag(html) == expected, name
        assert "Set-Cookie" not in response.headers, name
        for url in re.findall(r'(?:href|action|formaction)="(/[^"#]*)"', html):
            if url.startswith("/static/"):
                continue
            assert re.search(r"[?&;]lang=\w+", url), f"{name}: {url} does not carry the language"


@pytest.mark.parametrize("language", LANGUAGES)
def test_lang_and_dir_from_accept_language(client, language):
    expected = (language, "rtl" if language in RIGHT_TO_LEFT else "ltr")
    header = {"Accept-Language": f"{language};q=0.9, de;q=0.8"}
    for name, response in pages(client, headers=header):
        assert html_tag(response.get_data(as_text=True)) == expected, name
        assert "Set-Cookie" not in response.headers, name


def test_an_explicit_choice_beats_the_browser_and_unknown_languages_fall_back_to_english(client):
    assert html_tag(client.get("/?lang=cy", headers={"Accept-Language": "ar"}).get_data(as_text=True))[0] == "cy"
    assert html_tag(client.get("/?lang=en", headers={"Accept-Language": "es"}).get_data(as_text=True))[0] == "en"
    for asked in ("?lang=de", "?lang=", "?lang=ES%00", "?lang=" + "x" * 500):
        response = client.get("/" + asked, headers={"Accept-Language": "fr, de"})
        assert response.status_code == 200 and html_tag(response.get_data(as_text=True)) == ("en", "ltr"), asked


def test_only_the_start_of_a_long_accept_language_is_read():
    """A 15 KiB header of 7,900 entries cost about 100 ms a page (issue 26): read within a bound."""
    from triage.web.i18n import (
        MAX_ACCEPT_LANGUAGE_CHARS,
        MAX_ACCEPT_LANGUAGE_ENTRIES,
        accepted_languages,
    )

    flood = ",".join(["xx"] * 7_900)
    assert len(accepted_languages(flood)) == MAX_ACCEPT_LANGUAGE_ENTRIES
    assert accepted_languages(flood + ",es").best_match(LANGUAGES) is None  # past the bound: not read
    assert accepted_languages("xx," * (MAX_ACCEPT_LANGUAGE_ENTRIES - 1) + "es").best_match(LANGUAGES) == "es"
    # Within the characters too: long entries stop at the bound, and an entry cut by it is dropped.
    long_entries = ",".join(["x" * 200] * 20 + ["es"])
    assert len(long_entries) > MAX_ACCEPT_LANGUAGE_CHARS and accepted_languages(long_entries).best_match(LANGUAGES) is None
    cut = "x" * (MAX_ACCEPT_LANGUAGE_CHARS - 3) + ",es-ES"
    assert accepted_languages(cut).best_match(LANGUAGES) is None


def test_a_flooded_accept_language_still_chooses_from_its_start(client):
    header = "ar;q=0.9, " + ", ".join(["xx"] * 7_900)
    assert html_tag(client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)) == ("ar", "rtl")


@pytest.mark.parametrize("path", ["/", "/rules", "/about", "/?audience=clinician"])
def test_the_language_is_negotiated_once_per_request(client, monkeypatch, path):
    from triage.web import i18n

    calls = []
    negotiate = i18n.select_language
    monkeypatch.setattr(i18n, "select_language", lambda: calls.append(1) or negotiate())
    response = client.get(path, headers={"Accept-Language": "es, en;q=0.5"})
    assert response.status_code == 200 and html_tag(response.get_data(as_text=True))[0] == "es"
    assert len(calls) == 1


def test_the_language_switch_names_each_language_in_itself_on_every_page(client):
    html = client.get("/rules?lang=pl&audience=clinician").get_data(as_text=True)
    for code, name in ENDONYMS.items():
        assert f'<a href="/rules?audience=clinician&amp;lang={code}" lang="{code}"' in html
        assert f">{name}</a>" in html
    result = client.post("/result?lang=ar", data=EXAMPLES["not_yet"]).get_data(as_text=True)
    for code in ENDONYMS:
        assert f'formaction="/result?lang={code}" lang="{code}"' in result, "a result's switch re-posts its answers"


# ---------------------------------------------------------------------------
# No English left on a translated page


class VisibleSentences(HTMLParser):
    """The page's visible text, leaving out what is meant to be in another language (`lang=`)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "input", "meta", "link", "img", "hr"):
            return
        attributes = dict(attrs)
        foreign = "lang" in attributes and tag != "html"
        self.stack.append(foreign or tag in ("script", "style", "title", "code") or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "input", "meta", "link", "img", "hr"):
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> set[str]:
        parser = cls()
        parser.feed(html)
        text = " ".join(" ".join(parser.parts).split())
        # A publication's title is its name: a translation cites it as published, in quotes.
        text = re.sub(r'"[^"]*"', " ", text)
        sentences = {s.strip() for s in re.split(r"(?<=[.!?:;])\s+", text) if len(s.split()) >= 4}
        # A bibliographic reference (authors, journal, year, pages) or a publisher's name is cited as
        # published; a sentence has ordinary lower-case words.
        return {s for s in sentences if not re.search(r"\bet al\b|\b(19|20)\d\d;\d", s)
                and len(re.findall(r"\b[a-z]{3,}\b", s)) >= 3}


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_sentence_of_the_english_pages_is_left(client, language):
    left = {}
    english = dict(pages(client))
    for name, response in pages(client, query=f"lang={language}"):
        ours = VisibleSentences.of(response.get_data(as_text=True))
        theirs = VisibleSentences.of(english[name].get_data(as_text=True))
        text = " ".join(ours)
        if still := sorted(sentence for sentence in theirs if sentence in text):
            left[name] = still
    assert not left, left


# ---------------------------------------------------------------------------
# Review state per language


@pytest.mark.parametrize("language", TRANSLATED)
def test_an_unreviewed_translation_says_so_and_links_to_the_english(client, app, language):
    from triage.state import hsg

    assert not hsg(app).localised(language).reviewed, "no translation has been reviewed yet"
    with app.test_request_context(f"/?lang={language}"):
        from flask_babel import gettext

        notice = gettext("This page is a translation. A qualified medical translator and a clinician have not yet checked it.")
    assert notice != "This page is a translation. A qualified medical translator and a clinician have not yet checked it."
    form = client.get(f"/?lang={language}").get_data(as_text=True)
    assert notice in form and 'href="/?lang=en" hreflang="en"' in form
    result = client.post(f"/result?lang={language}&audience=clinician", data=EXAMPLES["may_be_considered"])
    html = result.get_data(as_text=True)
    assert notice in html and '<form method="post" action="/result?audience=clinician&amp;lang=en">' in html
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "translation-notice" not in english


def test_rules_lists_each_languages_review_state_by_hash(client):
    html = client.get("/rules?audience=clinician&lang=es").get_data(as_text=True)
    for language in TRANSLATED:
        for domain in ("rules", "context", "questions", "messages"):
            assert f"<code>{translation_hash(language, domain)[:12]}</code>" in html


def test_every_translation_is_in_the_review_record(app):
    """Pending (authored, awaiting a medical translator and a clinician), never unrecorded."""
    from triage.state import hsg

    for language in TRANSLATED:
        for domain, review in hsg(app).localised(language).reviews.items():
            assert review.state == "pending", (language, domain, review.sha256)
            assert all(record.decision == "authored" for record in review.records)


def test_a_translation_is_checked_only_when_a_translator_and_a_clinician_both_approved(app):
    from triage.core.signoff import Review, SignoffRecord
    from triage.state import hsg

    signoff = hsg(app).governance.signoff
    sha = translation_hash("es", "rules")
    base = dict(subject="rule_set", language="es", file="translations/es/LC_MESSAGES/rules.po", version="1.2.0",
                sha256=sha, date=datetime.date(2027, 1, 5), by="A. Reviewer", role="reviewer")

    def state(*decisions):
        reviews = [*signoff.reviews, *(Review(**{**base, "decision": d, "qualification": q}) for q, d in decisions)]
        record = SignoffRecord(schedule=signoff.schedule, reviews=reviews)
        return record.status("rule_set", "1.2.0", sha, "es").state

    assert state(("medical_translator", "approved")) == "pending"
    assert state(("clinician", "approved")) == "pending"
    assert state(("medical_translator", "approved"), ("clinician", "approved")) == "approved"
    assert state(("medical_translator", "approved"), ("clinician", "changes_requested")) == "pending"
    with pytest.raises(ValueError, match="qualification"):
        Review(**{**base, "decision": "approved"})


@pytest.mark.parametrize("edited", ["rules", "context", "questions", "messages"])
def test_a_language_is_reviewed_only_when_every_catalogue_is_approved_at_its_content(app, edited):
    """Approve all four catalogues of Spanish at their current hashes: reviewed. Any one catalogue whose
    content differs from what was approved (as after an edit) makes the whole language pending again."""
    from triage.core.localised import localise
    from triage.core.signoff import Review, SignoffRecord
    from triage.state import hsg

    state = hsg(app)
    signoff, rules, context = state.governance.signoff, state.settings.rules, state.governance.context
    versions = english_versions(rules.version, context.version)

    def approvals(domain: str, sha: str) -> list[Review]:
        return [Review(subject=REVIEWED[domain], language="es", file=f"translations/es/LC_MESSAGES/{domain}.po",
                       version=versions[domain], sha256=sha, date=datetime.date(2027, 1, 5), decision="approved",
                       by="A. Reviewer", role="reviewer", qualification=qualification)
                for qualification in ("medical_translator", "clinician")]

    def domain_with(shas: dict[str, str]):
        reviews = [*signoff.reviews, *(r for domain, sha in shas.items() for r in approvals(domain, sha))]
        return localise("es", rules, context, SignoffRecord(schedule=signoff.schedule, reviews=reviews))

    current = {domain: translation_hash("es", domain) for domain in REVIEWED}
    approved = domain_with(current)
    assert approved.reviewed and approved.notice is None and approved.translation.reviewed
    edited_since = domain_with({**current, edited: "0" * 64})  # what was approved is not what ships now
    assert not edited_since.reviewed and edited_since.notice and edited_since.translation.reviewed is False
    assert edited_since.reviews[edited].state != "approved"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_review_pack_is_up_to_date(app, language):
    from triage.state import hsg

    english = hsg(app).localised("en")
    pack = ROOT / "docs" / "translation-review" / f"{language}.md"
    assert pack.read_text(encoding="utf-8") == review_pack(language, english_versions(english.rules.version,
                                                                                     english.context.version)), \
        f"run `hsg-triage translations review-pack {language} > {pack.relative_to(ROOT)}`"


# ---------------------------------------------------------------------------
# Decisions never depend on the language


@pytest.mark.slow  # 10,800 requests: the full suite runs it; the quick subset checks a sample below
def test_every_answer_set_gets_the_same_decisions_in_every_language(client):
    differing_titles = 0
    for answers in all_answer_combinations():
        english = client.post("/api/v1/assessments", json=answers).get_json()
        decision = (english["outcome"], [i["id"] for i in english["indications"]],
                    [e["id"] for e in english["escalations"]], [q["field"] for q in english["open_questions"]],
                    english["revisit_after_months"], english["rules_hash"])
        for language in TRANSLATED:
            body = client.post("/api/v1/assessments", json={**answers, "language": language}).get_json()
            assert body["language"] == language
            assert (body["outcome"], [i["id"] for i in body["indications"]], [e["id"] for e in body["escalations"]],
                    [q["field"] for q in body["open_questions"]], body["revisit_after_months"],
                    body["rules_hash"]) == decision, (language, answers)
            # Quotes stay as the source published them: the provenance check holds in every language.
            assert [i["source"] for i in body["indications"]] == [i["source"] for i in english["indications"]]
            assert body["disclaimer"] != english["disclaimer"]
            for ours, theirs in zip(body["indications"], english["indications"]):
                assert ours["title"] != theirs["title"] and ours["explanation"] != theirs["explanation"]
                differing_titles += 1
    assert differing_titles > 10_000


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_outcome_gets_the_same_decisions_in_each_language(client, language):
    for answers in EXAMPLES.values():
        english = client.post("/api/v1/assessments", json=answers).get_json()
        body = client.post("/api/v1/assessments", json={**answers, "language": language}).get_json()
        assert body["language"] == language
        for key in ("outcome", "revisit_after_months", "rules_hash"):
            assert body[key] == english[key]
        for part in ("indications", "escalations", "open_questions"):
            assert [item.get("id", item.get("field")) for item in body[part]] == \
                   [item.get("id", item.get("field")) for item in english[part]]


def test_the_api_refuses_a_language_outside_the_list(client):
    response = client.post("/api/v1/assessments", json={**EXAMPLES["not_yet"], "language": "de"})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["language"]


# ---------------------------------------------------------------------------
# CLI and FHIR


@pytest.mark.parametrize("language", TRANSLATED)
def test_cli_text_and_json_in_a_language(runner, app, language):
    from triage.cli import main
    from triage.state import hsg

    options = [f"--{field.replace('_', '-')}={value}" for field, value in EXAMPLES["commonly_recommended"].items()]
    text = runner.invoke(main, ["assess", *options, "--lang", language])
    assert text.exit_code == 0, text.output
    domain = hsg(app).localised(language)
    # Until the language is reviewed, its notice comes first (test_every_channel_says_a_translation_is_unreviewed).
    assert text.output.splitlines()[0] == domain.notice
    assert text.output.splitlines()[2] == domain.shown_rules.outcomes["commonly_recommended"].patient
    as_json = runner.invoke(main, ["assess", *options, "--lang", language, "--json"])
    assert '"language": "' + language + '"' in as_json.output


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_cds_card_reads_in_the_language_the_record_system_asks_for(client, language):
    from fhir_support import questionnaire_response
    from test_cds_hooks import hook_request, searchset

    request = hook_request(searchset(questionnaire_response(EXAMPLES["commonly_recommended"])))
    english = client.post("/cds-services/hsg-indications", json=request).get_json()["cards"][0]
    card = client.post("/cds-services/hsg-indications", json=request,
                       headers={"Accept-Language": language}).get_json()["cards"][0]
    assert card["indicator"] == english["indicator"]
    assert card["summary"] != english["summary"] and card["detail"] != english["detail"]
    assert len(card["summary"]) < 140


def test_the_fhir_questionnaire_carries_every_language_as_translations(client):
    from triage.core.translation import LANGUAGES as codes

    for language in codes:
        questionnaire = client.get(f"/fhir/Questionnaire/hsg-indications?lang={language}").get_json()
        assert questionnaire["language"] == language
        elements = [questionnaire["_title"], questionnaire["_description"]]
        for item in questionnaire["item"]:
            if item["linkId"] == "translation-notice":
                continue  # the review state of this language alone
            if item["linkId"] == "disclaimer":
                elements.append(item["_text"])
                continue
            elements += [item["_text"], item["item"][0]["_text"]]
            elements += [option["valueCoding"]["_display"] for option in item["answerOption"]]
        for element in elements:
            translations = {
                next(e["valueCode"] for e in extension["extension"] if e["url"] == "lang"):
                    next(e["valueString"] for e in extension["extension"] if e["url"] == "content")
                for extension in element["extension"]
                if extension["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
            }
            assert set(translations) == set(codes) - {language}
            assert all(translations.values())


# ---------------------------------------------------------------------------
# Readability, where a measure exists for the language

#: Fernández Huerta's reading ease for Spanish: 60 and above reads as "normal" or easier,
#: which its scale places at about the 7th–8th school year (the English bar: grade 8).
SPANISH_MIN_EASE = 60
#: Languages with no validated readability formula in textstat: not measured, not pretended.
NO_MEASURE = {
    "pl": "textstat has no formula validated for Polish (the Pisarek index is not in it)",
    "cy": "no readability formula validated for Welsh exists in textstat",
    "ar": "textstat has no formula validated for Arabic",
}


def test_every_language_is_measured_or_says_why_not():
    assert set(TRANSLATED) == {"es"} | set(NO_MEASURE)


def test_spanish_patient_texts_read_easily(app):
    from triage.state import hsg

    textstat.set_lang("es")
    try:
        domain = hsg(app).localised("es")
        texts = [*(i.patient.explanation for i in domain.shown_rules.indications),
                 *(e.patient.explanation for e in domain.shown_rules.escalations),
                 *(o.patient for o in domain.shown_rules.outcomes.values()),
                 *(n.patient for n in domain.shown_rules.next_steps),
                 *(q.patient for i in domain.shown_rules.indications for q in i.qualifications),
                 *(n.patient for n in domain.shown_rules.open_questions.values()), domain.shown_rules.disclaimer.patient,
                 *(s.text for t in domain.context.topics if t.audience == "patient" for s in t.statements)]
        too_hard = [f"{textstat.fernandez_huerta(text):.0f}: {text}" for text in texts
                    if len(text.split()) >= 8 and textstat.fernandez_huerta(text) < SPANISH_MIN_EASE]
    finally:
        textstat.set_lang("en")
    assert len(texts) > 30
    assert not too_hard, "\n".join(too_hard)


# ---------------------------------------------------------------------------
# The review state travels with the words: every channel that carries a translation says so


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_channel_says_a_translation_is_unreviewed(client, language):
    from click.testing import CliRunner
    from fhir_support import assessment_of, questionnaire_response
    from test_cds_hooks import SERVICE, hook_request, searchset

    from triage.cli import main
    from triage.core.localised import TRANSLATION_NOTICE

    answers = EXAMPLES["commonly_recommended"]
    api = client.post("/api/v1/assessments", json={**answers, "language": language}).get_json()
    translation = api["translation"]
    assert translation["language"] == language and translation["reviewed"] is False
    notice = translation["notice"]
    assert notice.endswith(f"({TRANSLATION_NOTICE})") and not notice.startswith(TRANSLATION_NOTICE), \
        "in the language, then in English"

    html = unescape(client.post(f"/result?audience=clinician&lang={language}", data=answers).get_data(as_text=True))
    summary = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert summary.splitlines()[1] == notice, "the referral summary a GP copies carries it"

    options = [part for field, value in answers.items() for part in ("--" + field.replace("_", "-"), value)]
    text = CliRunner().invoke(main, ["assess", *options, "--lang", language]).output
    assert text.splitlines()[0] == notice
    as_json = json.loads(CliRunner().invoke(main, ["assess", *options, "--lang", language, "--json"]).output)
    assert as_json["translation"] == translation

    headers = {"Accept-Language": language}
    questionnaire = client.get("/fhir/Questionnaire/hsg-indications", headers=headers).get_json()
    assert questionnaire["item"][0] == {"linkId": "translation-notice", "text": notice, "type": "display"}
    assert questionnaire["meta"]["tag"][0]["code"] == "unreviewed"
    response = questionnaire_response(answers)
    response["item"].insert(0, {"linkId": "translation-notice", "text": notice})  # echoed as a client shows it
    assessed = client.post("/fhir/Questionnaire/hsg-indications/$assess", json=response, headers=headers)
    assert assessment_of(assessed)["translation"] == translation
    assert {"name": "translation-reviewed", "valueBoolean": False} in assessed.get_json(force=True)["parameter"]

    card = client.post(SERVICE, json=hook_request(searchset(questionnaire_response(answers))),
                       headers=headers).get_json()["cards"][0]
    assert card["detail"].startswith(f"*{notice}*")


def test_english_carries_no_translation_notice(client):
    from fhir_support import assessment_of, questionnaire_response

    answers = EXAMPLES["commonly_recommended"]
    assert client.post("/api/v1/assessments", json=answers).get_json()["translation"] is None
    questionnaire = client.get("/fhir/Questionnaire/hsg-indications").get_json()
    assert "meta" not in questionnaire and questionnaire["item"][0]["linkId"] == "disclaimer"
    assessed = client.post("/fhir/Questionnaire/hsg-indications/$assess", json=questionnaire_response(answers))
    assert assessment_of(assessed)["translation"] is None
    assert "translation-reviewed" not in [p["name"] for p in assessed.get_json(force=True)["parameter"]]


def test_the_form_shown_again_switches_language_keeping_the_answers_out_of_urls(client):
    """A page that holds answers (the form re-shown with its errors) changes language by posting them again."""
    partial = {"months_trying": "under_6", "age_bracket": "40_or_over"}
    html = client.post("/result?lang=es", data=partial).get_data(as_text=True)
    switch = html[html.index('<form class="languages"'):html.index("</form>", html.index('<form class="languages"'))]
    assert 'method="post"' in switch
    for field, value in partial.items():
        assert f'<input type="hidden" name="{field}" value="{value}">' in switch
    assert 'formaction="/result?lang=pl"' in switch
    assert not re.search(r'(?:href|action)="[^"]*(?:under_6|40_or_over)', html), "no answer in any URL"
    again = client.post("/result?lang=pl", data=partial).get_data(as_text=True)
    assert 'lang="pl"' in again and 'value="under_6" checked' in again and 'value="40_or_over" checked' in again
    english = html[html.index('class="translation-notice"'):]
    assert '<form method="post" action="/result?lang=en">' in english


# ---------------------------------------------------------------------------
# Sentences, not pieces

#: How a template or a view glues translated pieces into a sentence: a join, a separator written between
#: loop items, a translated word concatenated with another.
JOINED = re.compile(r"""\|\s*join\(|\bif not loop\.last\b|\bif not last\b|~\s*_\(|\)\s*~\s*['"][^'"<]*\w|["'][,;] ["']\.join\(""")


def test_no_sentence_is_joined_from_translated_pieces():
    """Lists go through Babel's list patterns (web/lists.py) and sentences are whole catalogue messages with
    named placeholders, so each language orders its own words."""
    sources = [*sorted((ROOT / "templates").glob("*.html")), *sorted((ROOT / "templates").glob("*.txt")),
               *sorted((ROOT / "templates").glob("*.md")),
               # The modules that make a page's or a card's wording (lists of codes elsewhere, such as the
               # allowed methods or field ids in an operator's error, are not sentences).
               *(ROOT / "triage" / "web" / name for name in ("views.py", "result_page.py", "template_globals.py")),
               ROOT / "triage" / "integrations" / "text.py"]
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
             for path in sources for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if JOINED.search(line) and "<code>" not in line]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lists_are_in_the_languages_own_form(client, language):
    from triage.core.answers import Answers
    from triage.state import hsg

    answers = {**EXAMPLES["commonly_recommended"], "pregnancy_losses": "prefer_not_to_say"}
    html = unescape(client.post(f"/result?audience=clinician&lang={language}", data=answers).get_data(as_text=True))
    view_terms = hsg(client.application).localised(language).terms
    names = [view_terms["clinician", field][0] for field in ("pregnancy_losses", "pelvic_pain")]
    from babel.lists import format_list

    assert format_list(names, locale=language) in html
    assert "?." not in re.sub(r"<[^>]+>", "", html) and "?:" not in re.sub(r"<[^>]+>", "", html)
    assert Answers(**answers)


class _TextOutsideIsolation(HTMLParser):
    """Text of a page's body outside anything already set apart as English or as code."""

    ISOLATING = {"bdi", "code", "script", "style", "textarea", "title"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "hr"}:
            return
        attributes = dict(attrs)
        isolated = tag in self.ISOLATING or attributes.get("lang", "").startswith("en") or attributes.get("dir") == "ltr"
        self.stack.append(isolated or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag not in {"br", "img", "input", "meta", "link", "hr"} and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.texts.append(data)


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_arabic_pages_isolate_every_run_of_embedded_english(client, audience):
    """Guideline titles, references and names inside Arabic text are each in `<bdi lang="en">`, so the Arabic
    keeps its order around them."""
    from triage.web.lists import LATIN_RUN

    query = "&audience=clinician" if audience == "clinician" else ""
    heaviest = dict(months_trying="12_or_more", age_bracket="40_or_over", pregnancy_losses="three_or_more",
                    pelvic_infection="yes", pelvic_surgery="yes", pelvic_pain="yes")
    pages = [client.post(f"/result?lang=ar{query}", data=answers).get_data(as_text=True)
             for answers in (*EXAMPLES.values(), heaviest)]
    pages += [client.get(f"/{path}?lang=ar{query}").get_data(as_text=True) for path in ("rules", "about", "")]
    loose = set()
    for html in pages:
        parser = _TextOutsideIsolation()
        parser.feed(html[html.index("<body"):])
        loose.update(run.group(0) for text in parser.texts for run in LATIN_RUN.finditer(unescape(text)))
    assert not loose, sorted(loose)
