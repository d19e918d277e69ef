"""What the FHIR endpoints are, in FHIR's own terms: CapabilityStatement, OperationDefinition, CodeSystems, ValueSets.

An integrator's tooling reads these instead of our prose: GET /fhir/metadata
says what is served, the OperationDefinition says how to call $assess, and
the CodeSystems give every answer code its meaning. All are generated from
questions.toml and integrations.toml, the same definitions the Questionnaire
and the form use, so they cannot disagree.
"""

from functools import cache

from triage.core.questions import load_questions
from triage.integrations.cds_feedback import OVERRIDE_REASON_SYSTEM
from triage.integrations.fhir_questionnaire import (
    CANONICAL_BASE,
    QUESTIONNAIRE_CANONICAL,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_VERSION,
    code_system,
)
from triage.integrations.text import integration_text

FHIR_VERSION = "4.0.1"
ASSESS_ID = "Questionnaire-assess"
ASSESS_URL = f"{CANONICAL_BASE}/OperationDefinition/{ASSESS_ID}"
OVERRIDE_REASON_ID = "cds-override-reason"


def code_system_id(field_id: str) -> str:
    return code_system(field_id).rsplit("/", 1)[1]


def value_set_url(system_id: str) -> str:
    return f"{CANONICAL_BASE}/ValueSet/{system_id}"


def _publisher() -> str:
    return integration_text()["questionnaire"]["publisher"]


def _code_system(system_id: str, url: str, title: str, concepts: list[dict]) -> dict:
    return {
        "resourceType": "CodeSystem",
        "id": system_id,
        "url": url,
        "version": QUESTIONNAIRE_VERSION,
        "name": "".join(part.capitalize() for part in system_id.split("-")),
        "title": title,
        "status": "active",
        "publisher": _publisher(),
        "description": f"{title}. Defined by the HSG indication helper; no standard terminology has these answer sets.",
        "caseSensitive": True,
        "valueSet": value_set_url(system_id),
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }


@cache
def code_systems(language: str) -> dict[str, dict]:
    """One CodeSystem per question (answer codes), and one for the card's override reasons; by id."""
    systems = {}
    for question in load_questions():
        system_id = code_system_id(question.field)
        systems[system_id] = _code_system(
            system_id, code_system(question.field), f"Answers to '{question.field}' ({question.label})",
            [{"code": option.value, "display": option.label} for option in question.options],
        )
    systems[OVERRIDE_REASON_ID] = _code_system(
        OVERRIDE_REASON_ID, OVERRIDE_REASON_SYSTEM, "Reasons for dismissing the HSG indications card",
        [{"code": code, "display": display} for code, display in integration_text()["cds_override_reasons"].items()],
    )
    return systems


@cache
def value_sets(language: str) -> dict[str, dict]:
    """Each CodeSystem's codes, whole, as the ValueSet an item or a Card draws from."""
    return {
        system_id: {
            "resourceType": "ValueSet",
            "id": system_id,
            "url": value_set_url(system_id),
            "version": QUESTIONNAIRE_VERSION,
            "name": system["name"],
            "title": system["title"],
            "status": "active",
            "publisher": _publisher(),
            "description": f"All codes of {system['url']}.",
            "compose": {"include": [{"system": system["url"], "version": QUESTIONNAIRE_VERSION}]},
        }
        for system_id, system in code_systems(language).items()
    }


@cache
def assess_operation(language: str) -> dict:
    return {
        "resourceType": "OperationDefinition",
        "id": ASSESS_ID,
        "url": ASSESS_URL,
        "version": QUESTIONNAIRE_VERSION,
        "name": "Assess",
        "title": "Assess a QuestionnaireResponse against the HSG indication rule set",
        "status": "active",
        "kind": "operation",
        "publisher": _publisher(),
        "description": (
            f"Reads a QuestionnaireResponse to {QUESTIONNAIRE_CANONICAL} (the version may be left out; another version "
            "is refused with an OperationOutcome) and returns the assessment: the same JSON body as "
            "POST /api/v1/assessments (application/json), with the rule-set version and hash. Any problem with the "
            "response is an OperationOutcome naming the linkId at fault. Nothing is stored."
        ),
        "affectsState": False,
        "code": "assess",
        "resource": ["Questionnaire"],
        "system": False,
        "type": False,
        "instance": True,
        "parameter": [
            {
                "name": "response",
                "use": "in",
                "min": 1,
                "max": "1",
                "documentation": "The QuestionnaireResponse, POSTed as the request body itself "
                                 "(application/fhir+json or application/json).",
                "type": "QuestionnaireResponse",
            },
            {
                "name": "audience",
                "use": "in",
                "min": 0,
                "max": "1",
                "documentation": "URL query parameter: `patient` (default) or `clinician`, the register of the wording.",
                "type": "code",
            },
            {
                "name": "return",
                "use": "out",
                "min": 1,
                "max": "1",
                "documentation": "The assessment as application/json, exactly as POST /api/v1/assessments returns it "
                                 "(described by GET /api/v1/openapi.json); not a FHIR resource.",
                "type": "Binary",
            },
        ],
    }


@cache
def capability_statement(language: str) -> dict:
    read = [{"code": "read"}]
    return {
        "resourceType": "CapabilityStatement",
        "id": "hsg-triage",
        "url": f"{CANONICAL_BASE}/CapabilityStatement/hsg-triage",
        "version": QUESTIONNAIRE_VERSION,
        "name": "HSGIndicationHelper",
        "title": "HSG indication helper: FHIR endpoints",
        "status": "active",
        # The statement is generated from the running code: it changes only with a release.
        "date": "2026-11-26",
        "publisher": _publisher(),
        "description": f"Serves the Questionnaire {QUESTIONNAIRE_CANONICAL}, its answer CodeSystems and ValueSets, "
                       "and the $assess operation. Stores nothing; needs no authentication.",
        "kind": "instance",
        "software": {"name": "hsg-triage", "version": QUESTIONNAIRE_VERSION},
        "implementation": {"description": "HSG indication helper (education and referral signposting only)"},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Nothing here is behind a credential; CORS is open to any origin, without credentials.",
                "resource": [
                    {
                        "type": "Questionnaire",
                        "documentation": f"Only {QUESTIONNAIRE_CANONICAL}, at Questionnaire/{QUESTIONNAIRE_ID}.",
                        "interaction": read,
                        "operation": [{"name": "assess", "definition": f"{ASSESS_URL}|{QUESTIONNAIRE_VERSION}",
                                       "documentation": f"POST Questionnaire/{QUESTIONNAIRE_ID}/$assess"}],
                    },
                    {"type": "CodeSystem", "documentation": "The answer codes of each question, and the card's "
                                                            "override reasons.", "interaction": read},
                    {"type": "ValueSet", "documentation": "All codes of each CodeSystem.", "interaction": read},
                    {"type": "OperationDefinition", "documentation": f"Only {ASSESS_ID}.", "interaction": read},
                ],
            }
        ],
    }
