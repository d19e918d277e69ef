"""Helpers for the integration tests: build a QuestionnaireResponse, validate FHIR.

Validation uses fhir.resources' R4B models (FHIR 4.3.0). For Questionnaire,
QuestionnaireResponse, OperationOutcome, CodeSystem, ValueSet,
OperationDefinition, CapabilityStatement, Parameters and Bundle, R4B made no structural change to
the elements used here from R4 (4.0.1), so a resource that validates here has
R4's elements, types and cardinalities. The R4-only releases of
fhir.resources (<7) need pydantic 1 and cannot sit beside the app.
"""

import json

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.operationdefinition import OperationDefinition
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.valueset import ValueSet

from triage.integrations.fhir_questionnaire import QUESTIONNAIRE_URL, code_system

MODELS = {
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
    "OperationOutcome": OperationOutcome,
    "CapabilityStatement": CapabilityStatement,
    "OperationDefinition": OperationDefinition,
    "CodeSystem": CodeSystem,
    "ValueSet": ValueSet,
    "Parameters": Parameters,
    "Bundle": Bundle,
}


def validate_fhir(resource: dict):
    """Parse with the R4B model of its resourceType; raises on any structural error."""
    return MODELS[resource["resourceType"]].model_validate(resource)


def questionnaire_response(answers: dict, status: str = "completed", **extra) -> dict:
    """What a record system would store after the six questions were answered."""
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": status,
        **extra,
        "item": [
            {"linkId": field, "answer": [{"valueCoding": {"system": code_system(field), "code": value}}]}
            for field, value in answers.items()
        ],
    }


def assessment_of(response) -> dict:
    """The assessment a $assess answer carries: its Parameters' `assessment`, the JSON API's body as text."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    parameters = response.get_json(force=True)
    validate_fhir(parameters)
    (text,) = [p["valueString"] for p in parameters["parameter"] if p["name"] == "assessment"]
    return json.loads(text)
