"""What the FHIR endpoints are, in FHIR's own terms: CapabilityStatement, OperationDefinition, CodeSystems, ValueSets.

An integrator's tooling reads these instead of our prose: GET /fhir/metadata
says what is served, the OperationDefinition says how to call $assess, and
the CodeSystems give every answer code its meaning. All are generated from
questions.toml and integrations.toml, the same definitions the Questionnaire
and the form use, so they cannot disagree.
"""

from functools import cache
from importlib.metadata import version as package_version

from triage.core.questions import load_questions
from triage.integrations.cds_feedback import OVERRIDE_REASON_SYSTEM
from triage.integrations.fhir_narrative import narrative
from triage.integrations.fhir_questionnaire import (
    CANONICAL_BASE,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_URL,
    code_system,
)
from triage.integrations.text import integration_text

FHIR_VERSION = "4.0.1"
ASSESS_ID = "Questionnaire-assess"
ASSESS_URL = f"{CANONICAL_BASE}/OperationDefinition/{ASSESS_ID}"
OVERRIDE_REASON_ID = "cds-override-reason"
#: What the server reads and writes (CapabilityStatement.format): JSON only; XML gets a 406.
FORMATS = ["json", "application/fhir+json"]
#: $assess's out parameters, in the order of the Parameters it returns: (name, type, min, documentation).
ASSESS_OUT = [
    ("outcome", "code", 1, "The assessment's `outcome`: commonly_recommended, may_be_considered, "
                           "see_clinician_sooner, not_yet or no_indication; as valueCode."),
    ("next-step-timing", "code", 1, "The assessment's `next_step.timing`: now, book, after_waiting or if_concerned; "
                                    "as valueCode."),
    ("answer-code", "string", 1, "The assessment's `answer_code`: the six answers and the rule set's major version "
                                 "as a short code; as valueString."),
    ("rules-version", "string", 1, "The version of the rule set that gave the result (`rules_version`); as valueString."),
    ("translation-reviewed", "boolean", 0, "Only when the wording is not English: whether the translation has been "
                                           "reviewed (`translation.reviewed`); as valueBoolean."),
    ("assessment", "string", 1, "The whole assessment as valueString: the JSON text that POST /api/v1/assessments "
                                "returns for the same answers, audience and language, byte for byte (described by "
                                "GET /api/v1/openapi.json)."),
]


def code_system_id(field_id: str) -> str:
    return code_system(field_id).rsplit("/", 1)[1]


def value_set_url(system_id: str) -> str:
    return f"{CANONICAL_BASE}/ValueSet/{system_id}"


def _publisher() -> str:
    return integration_text()["questionnaire"]["publisher"]


def _code_system(system_id: str, url: str, title: str, concepts: list[dict], version: str) -> dict:
    return {
        "resourceType": "CodeSystem",
        "id": system_id,
        "text": narrative(title, f"{url}|{version}",
                          listed=[f"{concept['code']}: {concept['display']}" for concept in concepts]),
        "url": url,
        "version": version,
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
def code_systems(language: str, version: str) -> dict[str, dict]:
    """One CodeSystem per question (answer codes), and one for the card's override reasons; by id.
    `version`: the rule set's (fhir_questionnaire.questionnaire_version())."""
    systems = {}
    for question in load_questions():
        system_id = code_system_id(question.field)
        systems[system_id] = _code_system(
            system_id, code_system(question.field), f"Answers to '{question.field}' ({question.label})",
            [{"code": option.value, "display": option.label} for option in question.options], version,
        )
    systems[OVERRIDE_REASON_ID] = _code_system(
        OVERRIDE_REASON_ID, OVERRIDE_REASON_SYSTEM, "Reasons for dismissing the HSG indications card",
        [{"code": code, "display": display} for code, display in integration_text()["cds_override_reasons"].items()],
        version,
    )
    return systems


@cache
def value_sets(language: str, version: str) -> dict[str, dict]:
    """Each CodeSystem's codes, whole, as the ValueSet an item or a Card draws from."""
    return {
        system_id: {
            "resourceType": "ValueSet",
            "id": system_id,
            "text": narrative(system["title"], f"All codes of {system['url']}|{version}."),
            "url": value_set_url(system_id),
            "version": version,
            "name": system["name"],
            "title": system["title"],
            "status": "active",
            "publisher": _publisher(),
            "description": f"All codes of {system['url']}.",
            "compose": {"include": [{"system": system["url"], "version": version}]},
        }
        for system_id, system in code_systems(language, version).items()
    }


def _out_parameter(name: str, type_: str, minimum: int, documentation: str) -> dict:
    return {"name": name, "use": "out", "min": minimum, "max": "1", "documentation": documentation, "type": type_}


@cache
def assess_operation(language: str, version: str) -> dict:
    canonical = f"{QUESTIONNAIRE_URL}|{version}"
    description = (
        f"Reads a QuestionnaireResponse to {canonical} (the version may be left out; another version of the same "
        "major version is read too; another major version is refused with an OperationOutcome), posted as the body "
        "itself or as the parameter `response` of a Parameters body, and returns a Parameters resource "
        "(application/fhir+json): the key facts as typed parameters and the whole assessment, the JSON of "
        "POST /api/v1/assessments, as `assessment`. A client that sends Accept: application/json gets that JSON "
        "itself. Any problem with the response is an OperationOutcome naming the linkId at fault. Nothing is stored."
    )
    return {
        "resourceType": "OperationDefinition",
        "id": ASSESS_ID,
        "text": narrative("Assess a QuestionnaireResponse against the HSG indication rule set", description,
                          listed=[f"{name} ({type_}): {doc}" for name, type_, _, doc in ASSESS_OUT]),
        "url": ASSESS_URL,
        "version": version,
        "name": "Assess",
        "title": "Assess a QuestionnaireResponse against the HSG indication rule set",
        "status": "active",
        "kind": "operation",
        "publisher": _publisher(),
        "description": description,
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
                "documentation": "The QuestionnaireResponse: the request body itself, or the `resource` of this "
                                 "parameter in a Parameters body (application/fhir+json or application/json).",
                "type": "QuestionnaireResponse",
            },
            {
                "name": "audience",
                "use": "in",
                "min": 0,
                "max": "1",
                "documentation": "`patient` (default) or `clinician`, the register of the wording: a URL query "
                                 "parameter, or a valueCode in a Parameters body (not both, unless they agree).",
                "type": "code",
            },
            *(_out_parameter(*out) for out in ASSESS_OUT),
        ],
    }


@cache
def capability_statement(language: str, version: str) -> dict:
    read = [{"code": "read"}]
    canonical = f"{QUESTIONNAIRE_URL}|{version}"
    description = (f"Serves the Questionnaire {canonical}, its answer CodeSystems and ValueSets, and the $assess "
                   "operation, in FHIR JSON only. Stores nothing; needs no authentication; answers CORS requests "
                   "from any origin.")
    return {
        "resourceType": "CapabilityStatement",
        "id": "hsg-triage",
        "text": narrative("HSG indication helper: FHIR endpoints", description),
        "url": f"{CANONICAL_BASE}/CapabilityStatement/hsg-triage",
        "version": version,
        "name": "HSGIndicationHelper",
        "title": "HSG indication helper: FHIR endpoints",
        "status": "active",
        # The statement is generated from the running code: it changes only with a release.
        "date": "2026-11-26",
        "publisher": _publisher(),
        "description": description,
        "kind": "instance",
        "software": {"name": "hsg-triage", "version": package_version("hsg-triage")},
        "implementation": {"description": "HSG indication helper (education and referral signposting only)"},
        "fhirVersion": FHIR_VERSION,
        "format": FORMATS,
        "rest": [
            {
                "mode": "server",
                "documentation": "Nothing here is behind a credential; CORS is open to any origin, without credentials.",
                # Every /fhir route answers CORS preflights (integrations/http.py); no SMART or other security service.
                "security": {"cors": True, "description": "No authentication: nothing here is behind a credential."},
                "resource": [
                    {
                        "type": "Questionnaire",
                        "documentation": f"Only {canonical}, at Questionnaire/{QUESTIONNAIRE_ID}; "
                                         "search by url and version.",
                        "interaction": [*read, {"code": "search-type"}],
                        "searchParam": [
                            {"name": "url", "definition": "http://hl7.org/fhir/SearchParameter/Questionnaire-url",
                             "type": "uri"},
                            {"name": "version",
                             "definition": "http://hl7.org/fhir/SearchParameter/Questionnaire-version",
                             "type": "token"},
                        ],
                        "operation": [{"name": "assess", "definition": f"{ASSESS_URL}|{version}",
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
