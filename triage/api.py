"""The JSON API (contract: PRODUCT.md, Interfaces)."""

from flask import Blueprint, current_app, request
from pydantic import ConfigDict, ValidationError

from .answers import Answers, Audience
from .audience import audience_from_query
from .problems import field_problems, problem_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class AssessmentRequest(Answers):
    """The six answers, plus the register the wording should be in."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    audience: Audience = "patient"


@bp.post("/assessments")
def create_assessment():
    if request.mimetype != "application/json":
        return problem_response(
            415,
            "Unsupported media type",
            "Send the answers as a JSON object with Content-Type: application/json.",
        )
    body = request.get_data(cache=False)  # raises 413 above MAX_CONTENT_LENGTH
    try:
        payload = AssessmentRequest.model_validate_json(body)
    except ValidationError as error:
        if any(detail["type"] == "json_invalid" for detail in error.errors()):
            return problem_response(400, "Malformed JSON", "The request body is not valid JSON (UTF-8).")
        problems = field_problems(error)
        return problem_response(
            422,
            "Invalid answers",
            "Problems with: " + ", ".join(p.field for p in problems) + ".",
            problems,
        )
    answers = Answers(**payload.model_dump(exclude={"audience"}))
    assessment = current_app.extensions["hsg_engine"].assess(answers, payload.audience)
    return current_app.response_class(assessment.model_dump_json(), mimetype="application/json")


@bp.get("/rules")
def rule_set():
    audience = audience_from_query(request.args)
    rules = current_app.extensions["hsg"].rules
    return {
        "name": rules.rule_set.name,
        "version": rules.version,
        "hash": rules.content_hash,
        "source": rules.rule_set.source,
        "age_note": rules.rule_set.age_note,
        "indications": [
            {
                "id": indication.id,
                "strength": indication.strength,
                "title": indication.wording(audience).title,
                "when": indication.when,
                "source": indication.source.model_dump(),
            }
            for indication in rules.indications
        ],
    }
