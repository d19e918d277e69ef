"""The six questions as a FHIR R4 Questionnaire, and a QuestionnaireResponse read back into Answers.

Both directions are generated from questions.toml, the definitions the web
form uses, so no integration can ask a different question or accept a value
the contract does not know. Plain dicts rather than a FHIR library: the shapes
we write and read are small, and the tests validate them with one.
"""

from dataclasses import dataclass, field
from functools import cache

from flask_babel import force_locale

from triage.core.answers import FIELDS, Answers
from triage.core.questions import Question, load_questions
from triage.core.translation import LANGUAGES
from triage.state import hsg
from triage.integrations.fhir_narrative import narrative
from triage.integrations.text import diagnostic, integration_text

#: Canonical URLs are identifiers, not addresses: they must stay the same
#: wherever the tool is deployed, so that a response stored in a record system
#: still matches after the tool moves. `.invalid` is reserved (RFC 6761), so
#: these can never collide with anyone else's.
CANONICAL_BASE = "http://hsg-triage.invalid/fhir"
QUESTIONNAIRE_ID = "hsg-indications"
QUESTIONNAIRE_URL = f"{CANONICAL_BASE}/Questionnaire/{QUESTIONNAIRE_ID}"

ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
#: The standard extension for an element's wording in another language (FHIR R4 core).
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
#: SDC: lay the answer options out one below the other (LHC-Forms and other fillers read it with radio buttons).
CHOICE_ORIENTATION = "http://hl7.org/fhir/StructureDefinition/questionnaire-choiceOrientation"

#: QuestionnaireResponse.status values (R4, required binding) that can be assessed.
STATUSES = ("in-progress", "completed", "amended", "stopped")
FINISHED_STATUSES = ("completed", "amended")


def questionnaire_version() -> str:
    """The running rule set's version: the Questionnaire, its CodeSystems and ValueSets follow it, since the
    questions, their answers and the disclaimer are reviewed with the rules (HSG_RULES_FILE may name another)."""
    return hsg().settings.rules.version


def questionnaire_canonical() -> str:
    """How the tool names the exact Questionnaire it serves and reads (SDC: `url|version`)."""
    return f"{QUESTIONNAIRE_URL}|{questionnaire_version()}"


def reads_version(named: str) -> bool:
    """A response to any version with the rule set's major version is read, like an answer code: within one
    major version the questions and their answer codes mean the same (core/answer_code.py)."""
    return named.split(".", 1)[0] == questionnaire_version().split(".", 1)[0]


def code_system(field_id: str) -> str:
    """One code system per question: the same code (`unsure`) means something different in each.

    FHIR ids allow no underscore, hence the dashes.
    """
    return f"{CANONICAL_BASE}/CodeSystem/{field_id.replace('_', '-')}"


def help_link_id(field_id: str) -> str:
    return f"{field_id}.help"


def _item_control(code: str, display: str) -> dict:
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}]},
    }


def _translated(texts: dict[str, str], language: str) -> dict:
    """The FHIR translation extension, for an element's `_text` (or `_display`): every other language's wording."""
    return {"extension": [
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": code}, {"url": "content", "valueString": text}]}
        for code, text in texts.items() if code != language
    ]}


def _item(field_id: str, language: str) -> dict:
    """One question in `language`, with every other language's wording in translation extensions."""
    asked = {code: hsg().localised(code).question(field_id) for code in LANGUAGES}
    question = asked[language]
    system = code_system(field_id)
    return {
        "extension": [_item_control("radio-button", "Radio Button"), {"url": CHOICE_ORIENTATION, "valueCode": "vertical"}],
        "linkId": field_id,
        "text": question.label,
        "_text": _translated({code: q.label for code, q in asked.items()}, language),
        "type": "choice",
        "required": True,
        "repeats": False,
        "answerOption": [
            {"valueCoding": {"system": system, "code": option.value, "display": option.label,
                             "_display": _translated({code: q.option(option.value).label for code, q in asked.items()},
                                                     language)}}
            for option in question.options
        ],
        # Help text as a plain display child item, which form fillers show as text under the question (with
        # itemControl `help` LHC-Forms and others hide it behind a button, and the form shows its hint always).
        "item": [
            {
                "linkId": help_link_id(field_id),
                "text": question.hint,
                "_text": _translated({code: q.hint for code, q in asked.items()}, language),
                "type": "display",
            }
        ],
    }


def _in_every_language(key: str) -> dict[str, str]:
    texts = {}
    for code in LANGUAGES:
        with force_locale(code):
            texts[code] = integration_text()["questionnaire"][key]
    return texts


#: The display item that tells a form's reader the translation is unreviewed (a client shows display items).
NOTICE_LINK_ID = "translation-notice"
#: The display item with the rule set's disclaimer (patient register: a patient fills the form), as every result has.
DISCLAIMER_LINK_ID = "disclaimer"
#: Top-level display items: a client may echo them in a response, as shown, without answers.
DISPLAY_LINK_IDS = (NOTICE_LINK_ID, DISCLAIMER_LINK_ID)
#: The same state as metadata, for systems that read tags rather than items.
TRANSLATION_REVIEW_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/translation-review"


def _disclaimer_item(language: str) -> dict:
    said = {code: hsg().localised(code).rules.disclaimer.patient for code in LANGUAGES}
    return {"linkId": DISCLAIMER_LINK_ID, "text": said[language], "_text": _translated(said, language), "type": "display"}


@cache
def build_questionnaire(language: str, notice: str | None, rules_hash: str) -> dict:
    """Built once per language, notice and rule set (the cache key: the version and the disclaimer are the rule
    set's): written in `language`, with the others as FHIR translations. `notice`: the unreviewed-translation
    notice (core/localised.py), shown first, as a display item, and tagged in `meta`; None in English or once
    the language is reviewed. The disclaimer comes next, before the questions."""
    title, description, publisher = (_in_every_language(key) for key in ("title", "description", "publisher"))
    notice_items = [{"linkId": NOTICE_LINK_ID, "text": notice, "type": "display"}] if notice else []
    questions = [hsg().localised(language).question(field_id) for field_id in FIELDS]
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        **({"meta": {"tag": [{"system": TRANSLATION_REVIEW_SYSTEM, "code": "unreviewed",
                              "display": "Translation not yet reviewed"}]}} if notice else {}),
        "language": language,
        "text": narrative(title[language], notice or "", description[language],
                          hsg().localised(language).rules.disclaimer.patient,
                          listed=[question.label for question in questions]),
        "url": QUESTIONNAIRE_URL,
        "version": questionnaire_version(),
        "name": "HSGIndications",
        "title": title[language],
        "_title": _translated(title, language),
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": publisher[language],
        "_publisher": _translated(publisher, language),
        "description": description[language],
        "_description": _translated(description, language),
        "item": [*notice_items, _disclaimer_item(language), *(_item(field_id, language) for field_id in FIELDS)],
    }


@dataclass(frozen=True)
class Issue:
    """One OperationOutcome issue: an IssueType code, what is wrong, and where (FHIRPath)."""

    code: str
    diagnostics: str
    expression: str | None = None


@dataclass
class UnreadableResponse(Exception):
    status: int
    issues: list[Issue] = field(default_factory=list)


#: Issues reported for one response at most; reading stops there.
MAX_ISSUES = 20


def _where(link_id: str) -> str:
    return f"QuestionnaireResponse.item.where(linkId='{link_id}')"


def read_response(resource: object, *, finished_only: bool = False) -> Answers:
    """The six answers in a QuestionnaireResponse for our Questionnaire, or every reason it has none.

    Strict, like the JSON API: an unknown item, a second answer or a code from
    elsewhere is an error, never silently dropped. Everything we do not read
    (subject, author, extensions, narrative) is ignored and not kept.
    """
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        raise UnreadableResponse(400, [Issue("structure", diagnostic("not_a_response"))])
    issues: list[Issue] = []
    questionnaire = resource.get("questionnaire")
    canonical, _, named_version = questionnaire.partition("|") if isinstance(questionnaire, str) else ("", "", "")
    if canonical != QUESTIONNAIRE_URL:
        issues.append(Issue("value", diagnostic("wrong_questionnaire", questionnaire=questionnaire_canonical()),
                            "QuestionnaireResponse.questionnaire"))
    elif named_version and not reads_version(named_version):
        # A response to another major version may have answered other
        # questions: refuse it plainly rather than read it as this version.
        # No version at all is read as this one, as record systems often drop
        # it; an older version of the same major (1.0.0, before the version
        # followed the rule set) asked the same questions with the same codes.
        issues.append(Issue("not-supported", diagnostic("wrong_questionnaire_version", version=named_version[:32],
                                                        questionnaire=questionnaire_canonical()),
                            "QuestionnaireResponse.questionnaire"))
    allowed_statuses = FINISHED_STATUSES if finished_only else STATUSES
    if resource.get("status") not in allowed_statuses:
        issues.append(Issue("value", diagnostic("bad_status", allowed=", ".join(allowed_statuses)),
                            "QuestionnaireResponse.status"))

    items = resource.get("item", [])
    if not isinstance(items, list):
        issues.append(Issue("structure", diagnostic("items_not_a_list", allowed=", ".join(FIELDS)),
                            "QuestionnaireResponse.item"))
        items = []
    questions = {question.field: question for question in load_questions()}
    values: dict[str, str] = {}
    seen: set[str] = set()
    truncated = False
    for index, item in enumerate(items):
        if len(issues) >= MAX_ISSUES:
            # Thousands of bad items in a 64 KiB body would otherwise cost
            # megabytes of OperationOutcome and a fifth of a second each.
            issues.append(Issue("too-costly", diagnostic("too_many_issues", count=str(MAX_ISSUES))))
            truncated = True
            break
        link_id = item.get("linkId") if isinstance(item, dict) else None
        if link_id in DISPLAY_LINK_IDS and not set(item) - {"linkId", "text"}:
            continue  # the translation notice or the disclaimer, echoed by a client as it was shown: nothing to read
        if not isinstance(link_id, str):
            issues.append(Issue("structure", diagnostic("item_not_an_object"), f"QuestionnaireResponse.item[{index}]"))
        elif link_id not in questions:
            issues.append(Issue("structure", diagnostic("unknown_item", link_id=link_id[:64], allowed=", ".join(FIELDS)),
                                f"QuestionnaireResponse.item[{index}]"))
        elif link_id in seen:
            issues.append(Issue("structure", diagnostic("duplicate_item", link_id=link_id), _where(link_id)))
        else:
            seen.add(link_id)
            value, item_issues = _read_item(item, questions[link_id])
            issues.extend(item_issues)
            if value is not None:
                values[link_id] = value
    for field_id in FIELDS:
        if field_id not in seen and not truncated:
            issues.append(Issue("required", diagnostic("missing_item", link_id=field_id, system=code_system(field_id)),
                                _where(field_id)))
    if issues:
        raise UnreadableResponse(422, issues)
    return Answers(**values)


def _read_item(item: dict, question: Question) -> tuple[str | None, list[Issue]]:
    link_id, system = question.field, code_system(question.field)
    where = _where(link_id)
    issues = []
    children = item.get("item", [])
    if not isinstance(children, list) or any(
        not isinstance(child, dict) or child.get("linkId") != help_link_id(link_id) or "answer" in child or "item" in child
        for child in children
    ):
        issues.append(Issue("structure", diagnostic("unexpected_nested_item", link_id=link_id), f"{where}.item"))
    answers = item.get("answer")
    if not isinstance(answers, list) or not answers:
        return None, [*issues, Issue("required", diagnostic("missing_answer", link_id=link_id, system=system), where)]
    if len(answers) > 1:
        return None, [*issues, Issue("value", diagnostic("several_answers", link_id=link_id), f"{where}.answer")]
    answer = answers[0]
    coding = answer.get("valueCoding") if isinstance(answer, dict) else None
    if not isinstance(coding, dict):
        return None, [*issues, Issue("value", diagnostic("not_a_coding", link_id=link_id, system=system),
                                     f"{where}.answer[0]")]
    if "item" in answer:
        issues.append(Issue("structure", diagnostic("unexpected_nested_item", link_id=link_id),
                            f"{where}.answer[0].item"))
    if coding.get("system") != system:
        return None, [*issues, Issue("code-invalid", diagnostic("wrong_system", link_id=link_id, system=system),
                                     f"{where}.answer[0].valueCoding.system")]
    allowed = [option.value for option in question.options]
    if coding.get("code") not in allowed:
        return None, [*issues, Issue("code-invalid", diagnostic("unknown_code", link_id=link_id, allowed=", ".join(allowed)),
                                     f"{where}.answer[0].valueCoding.code")]
    return coding["code"], issues
