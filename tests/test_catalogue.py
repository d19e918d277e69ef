"""One home for every sentence: the gettext catalogue, or a reviewed data file.

A pseudo-locale run renders every page, outcome, error state, and the API,
CLI, FHIR and CDS Hooks text with every catalogue message bracketed and
accented (⟦Ŝéé ŵĥàţ ţĥîš ɱéàñš⟧). Whatever English is left must have come from
a data file (rules, clinical context, questions, review record, order codes)
or be a quotation, a code or a value: anything else is a sentence that
bypassed the catalogue, and a language could not be added without touching
code. The catalogue itself (translations/messages.pot) must be what pybabel
extracts from the code today.
"""

import gettext
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import EXAMPLES
from fhir_support import questionnaire_response
from test_cds_hooks import hook_request, searchset

from triage.core.translation import ENDONYMS

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "translations" / "messages.pot"
#: The extraction command, exactly as docs/architecture.md gives it.
EXTRACT = ["extract", "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "--no-location",
           "--sort-output", "--omit-header", "-c", "TRANSLATORS:"]


def messages(path: Path) -> set[tuple]:
    with path.open("rb") as file:
        return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in read_po(file) if m.id}


def test_the_catalogue_is_what_the_code_says_today(tmp_path):
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), *EXTRACT, "-o", str(fresh), "."], cwd=REPO, check=True, capture_output=True)
    committed, extracted = messages(CATALOGUE), messages(fresh)
    assert extracted == committed, (
        f"translations/messages.pot is out of date: run `pybabel {' '.join(EXTRACT)} -o translations/messages.pot .`; "
        f"new: {sorted(extracted - committed)[:5]}, gone: {sorted(committed - extracted)[:5]}"
    )
    assert len(committed) > 150


# --- The pseudo-locale run ------------------------------------------------------------------

ACCENTED = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                         "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
PLACEHOLDER = re.compile(r"(%\(\w+\)[sd]|\{\w+\})")


def pseudo_text(message: str) -> str:
    """Every letter accented, placeholders kept, the whole bracketed: visibly translated, still readable."""
    parts = PLACEHOLDER.split(message)
    return "⟦" + "".join(part if PLACEHOLDER.fullmatch(part) else part.translate(ACCENTED) for part in parts) + "⟧"


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message):
        return pseudo_text(message)

    def ngettext(self, singular, plural, n):
        return pseudo_text(singular if n == 1 else plural)

    def pgettext(self, context, message):
        return pseudo_text(message)

    def npgettext(self, context, singular, plural, n):
        return pseudo_text(singular if n == 1 else plural)

    ugettext, ungettext, upgettext, unpgettext = gettext, ngettext, pgettext, npgettext


def clear_per_language_caches():
    """Resources built once per language (the FHIR ones): the pseudo run must neither see nor leave any."""
    from triage.integrations import fhir_conformance, fhir_questionnaire

    for cached in (fhir_questionnaire.build_questionnaire, fhir_conformance.code_systems, fhir_conformance.value_sets,
                   fhir_conformance.assess_operation, fhir_conformance.capability_statement):
        cached.cache_clear()


@pytest.fixture
def pseudo(monkeypatch):
    import flask_babel

    translations = PseudoTranslations()
    clear_per_language_caches()
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: translations)
    monkeypatch.setattr(flask_babel, "get_translations", lambda: translations)
    yield translations
    clear_per_language_caches()


@pytest.fixture
def pseudo_client(app, pseudo):
    return app.test_client()


def data_file_strings() -> list[str]:
    """Every string in the reviewed data files: wording that is translated there, not in the catalogue."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(" ".join(value.split()))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in [*(REPO / "rules").glob("*.toml"), REPO / "triage" / "core" / "questions.toml"]:
        walk(tomllib.loads(path.read_text(encoding="utf-8")))
    return sorted({s for s in found if len(s) > 1}, key=len, reverse=True)


DATA_FILE_STRINGS = data_file_strings()
DATA_FILE_PATTERN = re.compile("|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in DATA_FILE_STRINGS), re.IGNORECASE)
#: Exempt: the source's own words and titles, codes and identifiers.
EXEMPT_TAGS = {"code", "q", "cite", "blockquote", "script", "style"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.exempt = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("alt", "aria-label", "title", "placeholder"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "meta" and attrs.get("name") == "description":
            self.parts.append(attrs.get("content", ""))
        if tag in EXEMPT_TAGS:
            self.exempt += 1

    def handle_endtag(self, tag):
        if tag in EXEMPT_TAGS:
            self.exempt -= 1

    def handle_data(self, data):
        if not self.exempt:
            self.parts.append(data)


def leftover_english(text: str) -> list[str]:
    """Words that are neither in a catalogue message, nor in a data file string, nor a value."""
    text = " ".join(text.split())
    for name in ENDONYMS.values():  # the language switch names each language in itself, never translated
        text = text.replace(name, " ")
    text = re.sub(r"⟦[^⟧]*⟧", " ", text)  # through the catalogue (values inside came from data files)
    text = re.sub(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) "
                  r"\d{4}\b", " ", text)  # a date, formatted by Babel's locale data
    text = re.sub(r"\b[0-9A-Z]{3}-[0-9A-Z]{3}\b", " ", text)  # an answer code (data, not language)
    # Data-file wording, whole words only, in any case (a summary may lower-case a question's short name).
    text = DATA_FILE_PATTERN.sub(" ", text)
    # A list's joining word, from Babel's locale data (web/lists.py), left alone between the pieces removed above.
    text = re.sub(r"(?:^|(?<=[\s,]))(?:and|or)(?=\s)", " ", text)
    text = re.sub(r"https?://\S+|\b[0-9a-f]{12,64}\b|\b[a-z]+(?:_[a-z0-9]+)+\b", " ", text)  # URLs, hashes, codes
    return re.findall(r"[A-Za-z]{2,}", text)


def html_text(response) -> str:
    parser = VisibleText()
    parser.feed(response.get_data(as_text=True))
    return " ".join(parser.parts)


#: JSON keys whose values are identifiers, codes or computable names, never prose.
CODE_KEYS = {"id", "field", "value", "outcome", "strength", "resourceType", "linkId", "system", "code", "url", "uuid",
             "indicator", "rules_hash", "hook", "type", "status", "name", "subjectType", "language", "expression", "severity",
             "valueCode",
             "prefetch", "answer_code"}


def xhtml_text(div: str) -> str:
    parser = VisibleText()
    parser.feed(div)
    return " ".join(parser.parts)


def json_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if str(value.get("system", "")).startswith("http://hl7.org/fhir"):
            return ""  # a code FHIR defines, with FHIR's own display
        # `_text`, `_display`...: FHIR translation extensions, the other languages' wording by design.
        # `div`: a FHIR narrative, XHTML: its text is read, not its markup.
        return " ".join(xhtml_text(v) if k == "div" else json_text(v)
                        for k, v in value.items() if k not in CODE_KEYS and not k.startswith("_"))
    if isinstance(value, list):
        return " ".join(json_text(v) for v in value)
    return ""


def pages(client):
    for path in ("/", "/rules", "/about", "/embed/", "/nope", "/?audience=doctor"):
        for query in ("", "?audience=clinician") if "?" not in path else ("",):
            yield f"GET {path}{query}", html_text(client.get(path + query))
    yield "incomplete form", html_text(client.post("/result", data={}))
    yield "GET /result", html_text(client.get("/result"))
    everything_unsure = dict(months_trying="prefer_not_to_say", age_bracket="prefer_not_to_say",
                             pregnancy_losses="prefer_not_to_say", pelvic_infection="unsure", pelvic_surgery="unsure",
                             pelvic_pain="unsure")
    for name, answers in [*EXAMPLES.items(), ("every answer unsure", everything_unsure)]:
        for query in ("", "?audience=clinician"):
            yield f"result {name}{query}", html_text(client.post(f"/result{query}", data=answers))


def test_every_page_outcome_and_error_state_speaks_only_through_the_catalogue_or_a_data_file(pseudo_client):
    left = {}
    seen = 0
    for name, text in pages(pseudo_client):
        assert "⟦" in text, f"{name}: nothing came through the catalogue"
        seen += 1
        if words := leftover_english(text):
            left[name] = sorted(set(words))
    assert seen >= 25
    assert not left, left


def test_api_fhir_and_cds_text_speak_only_through_the_catalogue_or_a_data_file(pseudo_client):
    client = pseudo_client
    texts = {}
    for outcome, answers in EXAMPLES.items():
        for audience in ("patient", "clinician"):
            texts[f"API {outcome} {audience}"] = json_text(
                client.post("/api/v1/assessments", json={**answers, "audience": audience}).get_json())
        texts[f"CDS {outcome}"] = json_text(client.post("/cds-services/hsg-indications",
                                                        json=hook_request(searchset(questionnaire_response(answers)))).get_json())
    texts["FHIR Questionnaire"] = json_text(client.get("/fhir/Questionnaire/hsg-indications").get_json())
    texts["FHIR OperationOutcome"] = json_text(client.post("/fhir/Questionnaire/hsg-indications/$assess",
                                                           json={"resourceType": "QuestionnaireResponse"}).get_json())
    texts["CDS discovery"] = json_text(client.get("/cds-services").get_json())
    assert "⟦" in texts["CDS commonly_recommended"] and "⟦" in texts["FHIR Questionnaire"]
    left = {name: sorted(set(words)) for name, text in texts.items() if (words := leftover_english(text))}
    assert not left, left


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_the_text_result_speaks_only_through_the_catalogue_or_a_data_file(pseudo, monkeypatch, audience):
    from triage.cli import main

    for name in ("HSG_RULES_FILE", "HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    for answers in EXAMPLES.values():
        options = [part for field, value in answers.items() for part in ("--" + field.replace("_", "-"), value)]
        output = CliRunner().invoke(main, ["assess", *options, "--audience", audience]).output
        assert "⟦" in output
        assert not leftover_english(output), (answers, leftover_english(output))
