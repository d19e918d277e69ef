"""The OpenAPI 3.1 document of the JSON API, generated from the pydantic models.

Schemas come from the models that validate requests and build responses, and
every example is produced by the running code (the engine, the validators,
the error handlers), so the document cannot drift from what the API does.
"""

import json
from importlib.metadata import PackageNotFoundError, version

from flask import Flask
from pydantic import ValidationError
from pydantic.json_schema import models_json_schema
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from triage.api.models import (
    AssessmentRequest,
    CodeAssessmentRequest,
    CodeProblem,
    RuleSetResponse,
    request_from_code,
    rule_set_response,
)
from triage.core.answer_code import format_code
from triage.core.answers import AUDIENCES, DEFAULT_AUDIENCE, Answers
from triage.core.engine import Assessment
from triage.core.questions import load_questions
from triage.state import hsg
from triage.web.audience import audience_from_query
from triage.web.problems import (
    MALFORMED_JSON,
    NOT_JSON,
    PROBLEM_JSON,
    Problem,
    field_problems,
    http_problem,
    invalid_answers,
    not_utf8,
)

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"

#: Example requests, one per outcome (the outcome shown is computed, not written here). A question
#: these do not name (one added later) takes its last answer before the opt-outs ("no").
_EXAMPLE_ANSWERS = {
    "twelve_months": {"months_trying": "12_or_more", "age_bracket": "under_35", "pregnancy_losses": "none",
                      "pelvic_infection": "no", "pelvic_surgery": "no", "pelvic_pain": "no", "audience": "clinician"},
    "past_surgery": {"months_trying": "under_6", "age_bracket": "35_to_39", "pregnancy_losses": "one",
                     "pelvic_infection": "no", "pelvic_surgery": "yes", "pelvic_pain": "no"},
    "early_days": {"months_trying": "6_to_11", "age_bracket": "under_35", "pregnancy_losses": "prefer_not_to_say",
                   "pelvic_infection": "no", "pelvic_surgery": "no", "pelvic_pain": "no"},
    "in_spanish": {"months_trying": "12_or_more", "age_bracket": "under_35", "pregnancy_losses": "none",
                   "pelvic_infection": "no", "pelvic_surgery": "no", "pelvic_pain": "no", "language": "es"},
    "not_trying": {"months_trying": "not_trying", "age_bracket": "prefer_not_to_say", "pregnancy_losses": "none",
                   "pelvic_infection": "unsure", "pelvic_surgery": "no", "pelvic_pain": "no"},
}
_UNNAMED = {q.field: [o.value for o in q.options if o.value not in q.opt_out][-1] for q in load_questions()}
EXAMPLE_REQUESTS = {name: {**_UNNAMED, **answers} for name, answers in _EXAMPLE_ANSWERS.items()}
#: A request with the kinds of mistake a 422 names: a missing, an unknown and an invalid field.
EXAMPLE_INVALID = {"months_trying": "forever", "pregnancy_losses": "none", "pelvic_infection": "no",
                   "pelvic_surgery": "no", "pelvic_pain": True, "age": 37}



def document(app: Flask, script_root: str) -> str:
    """The document as JSON text; `servers` carries the prefix the app is mounted under."""
    # Built on first request and kept: it depends only on the app's code and rule set.
    built = hsg(app).built
    base = built.get("openapi")
    if base is None:
        base = built["openapi"] = build(app)
    return json.dumps({**base, "servers": [{"url": script_root or "/"}]}, ensure_ascii=False)


def build(app: Flask) -> dict:
    key_map, definitions = models_json_schema(
        [
            (AssessmentRequest, "validation"),
            (CodeAssessmentRequest, "validation"),
            (Assessment, "serialization"),
            (RuleSetResponse, "serialization"),
            (Problem, "serialization"),
        ],
        ref_template="#/components/schemas/{model}",
    )
    schemas = definitions["$defs"]
    for question in load_questions():
        schemas["AssessmentRequest"]["properties"][question.field]["description"] = question.label
    ref = {model: key_map[(model, mode)] for model, mode in key_map}
    rules = hsg(app).settings.rules
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "HSG indication helper API",
            "version": _package_version(),
            "summary": "When is an HSG commonly recommended, from six non-identifying answers. A clinician decides.",
            "description": (
                "Education and referral signposting, not diagnosis. Requests are strict JSON: values are "
                "never coerced (`true` is not a string) and unknown fields are refused. Errors are RFC 9457 "
                f"problem details. Rule set in use: {rules.rule_set.name} {rules.version} (sha256 {rules.content_hash})."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": {
            "/api/v1/assessments": {"post": _assessments_operation(app, ref)},
            "/api/v1/rules": {"get": _rules_operation(app, ref)},
            "/api/v1/openapi.json": {"get": _openapi_operation()},
        },
        "components": {"schemas": schemas},
    }


def _assessments_operation(app: Flask, ref: dict) -> dict:
    outcomes = {}
    for name, request in EXAMPLE_REQUESTS.items():
        payload = AssessmentRequest.model_validate(request)
        answers = Answers(**payload.model_dump(exclude={"audience", "language"}))
        outcomes[name] = hsg(app).localised(payload.language).assess(answers, payload.audience).model_dump(mode="json")
    # The same answers as the first example, as the answer code its result gives.
    from_code = {"answer_code": format_code(outcomes["twelve_months"]["answer_code"]), "audience": "clinician"}
    outcomes["from_an_answer_code"] = outcomes["twelve_months"]
    return {
        "operationId": "createAssessment",
        "summary": "Assess six answers, or the answer code that holds them",
        "description": ("Which indications for an HSG apply, why, and what is still open. Nothing is stored. "
                        "`language` chooses the wording (the response names it); decisions never depend on it, "
                        "and source quotes and guideline names stay as published, in English. Every result "
                        "gives `answer_code`: the six answers and the rule set's major version, nothing else, "
                        "as a short code to read aloud or write down. Send it as `answer_code` instead of the "
                        "six answers to assess the same answers again (both together: 422; a mistyped code or "
                        "one from another major version: 422 naming the problem)."),
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": {"oneOf": [ref[AssessmentRequest], ref[CodeAssessmentRequest]]},
                               "examples": _examples({**EXAMPLE_REQUESTS, "from_an_answer_code": from_code})}},
        },
        "responses": {
            "200": _response("The assessment, with the rule set's version and hash.", JSON, ref[Assessment],
                             _examples(outcomes)),
            "400": _problem("The body is not valid JSON (UTF-8).", ref, malformed=MALFORMED_JSON),
            "413": _problem("The body is larger than the request-size limit.", ref,
                            too_large=http_problem(RequestEntityTooLarge())),
            "415": _problem("The body is not declared as UTF-8 `application/json`.", ref,
                            not_json=NOT_JSON, not_utf8=not_utf8("latin-1")),
            "422": _problem("Missing, unknown or invalid fields; each is named, with the values it accepts. "
                            "An answer code that cannot be read is named with what is wrong with it.", ref,
                            invalid=invalid_answers(_field_problems(EXAMPLE_INVALID)),
                            mistyped_code=_code_problem(from_code["answer_code"], hsg(app).settings.rules.major)),
        },
    }


def _rules_operation(app: Flask, ref: dict) -> dict:
    with app.test_request_context():
        examples = {audience: rule_set_response(hsg(app).settings.rules, audience).model_dump(mode="json")
                    for audience in AUDIENCES}
    return {
        "operationId": "getRuleSet",
        "summary": "The rule set in use",
        "parameters": [{
            "name": "audience",
            "in": "query",
            "required": False,
            "description": "The register of the titles.",
            "schema": {"type": "string", "enum": list(AUDIENCES), "default": DEFAULT_AUDIENCE},
        }],
        "responses": {
            "200": _response("The rule set: name, version, hash and each indication with its source.", JSON,
                             ref[RuleSetResponse], _examples(examples)),
            "400": _problem("`audience` is not one of the allowed values.", ref, bad_audience=_bad_audience()),
        },
    }


def _openapi_operation() -> dict:
    return {
        "operationId": "getOpenApiDocument",
        "summary": "This document",
        "responses": {"200": _response("OpenAPI 3.1 document.", JSON, {"type": "object"})},
    }


def _response(description: str, media_type: str, schema: dict, examples: dict | None = None) -> dict:
    content = {"schema": schema}
    if examples:
        content["examples"] = examples
    return {"description": description, "content": {media_type: content}}


def _problem(description: str, ref: dict, **examples: Problem) -> dict:
    bodies = {name: problem.model_dump(mode="json", exclude_none=True) for name, problem in examples.items()}
    return _response(description, PROBLEM_JSON, ref[Problem], _examples(bodies))


def _examples(values: dict) -> dict:
    return {name: {"value": value} for name, value in values.items()}


def _field_problems(payload: dict) -> list:
    try:
        AssessmentRequest.model_validate(payload)
    except ValidationError as error:
        return field_problems(error)
    raise ValueError(f"{payload} was meant to be an invalid example")


def _code_problem(code: str, major: int) -> Problem:
    """The 422 for `code` with its last two characters swapped, as the API gives it."""
    swapped = code[:-2] + code[-1] + code[-2]
    try:
        request_from_code(json.dumps({"answer_code": swapped}).encode(), major)
    except CodeProblem as problem:
        return invalid_answers([problem.field_problem])
    raise ValueError(f"{swapped!r} was meant to be an unreadable code")


def _bad_audience() -> Problem:
    try:
        audience_from_query({"audience": "doctor"})
    except BadRequest as error:
        return http_problem(error)
    raise ValueError("'doctor' was meant to be an invalid audience")


def _package_version() -> str:
    try:
        return version("hsg-triage")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
