"""The JSON API's request and response models: with core.engine.Assessment and
web.problems.Problem, the single source of the OpenAPI document (openapi.py)."""

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from triage.core.answer_code import AnswerCodeError, decode
from triage.core.answers import FIELDS, Answers, Audience
from triage.core.engine import Output
from triage.core.translation import Language
from triage.web.problems import FieldProblem
from triage.core.ruleset import (
    Condition,
    GuidelineSource,
    RuleId,
    RuleSet,
    Source,
    Strength,
)


class AssessmentRequest(Answers):
    """The six answers, plus the register and the language the wording should be in."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    audience: Audience = "patient"
    #: Wording only: decisions never depend on it. Quotes and guideline names stay as published.
    language: Language = "en"


class QualificationSummary(Output):
    #: For the answer sets any one of these conditions holds for (empty: all); the first that holds applies.
    when: list[Condition]
    text: str
    source: GuidelineSource


class CodeAssessmentRequest(BaseModel):
    """An answer code (core/answer_code.py) instead of the six answers, plus the register and the language."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    #: As a patient's result shows it, such as "101-V2A": case, hyphens and spaces do not matter.
    answer_code: str = Field(min_length=1, max_length=64)
    audience: Audience = "patient"
    language: Language = "en"


class CodeProblem(Exception):
    """An answer code that cannot stand for the answers, or one given with them: a 422 naming `answer_code`."""

    def __init__(self, problem: str):
        self.field_problem = FieldProblem(field="answer_code", problem=problem)


def request_from_code(body: bytes, major: int) -> AssessmentRequest:
    """The request an answer code stands for: the answers it holds (from rule set major version `major`),
    with the register and language asked for. ValidationError or CodeProblem otherwise."""
    try:
        coded = CodeAssessmentRequest.model_validate_json(body)
    except ValidationError as error:
        if any(d["type"] == "extra_forbidden" and d["loc"][0] in FIELDS for d in error.errors()):
            raise CodeProblem("give either the six answers or an answer code, not both") from None
        raise
    try:
        answers = decode(coded.answer_code, expected_major=major)
    except AnswerCodeError as error:
        raise CodeProblem(str(error)) from None
    return AssessmentRequest(**answers, audience=coded.audience, language=coded.language)


class RuleSummary(Output):
    id: str
    strength: Strength
    title: str
    #: The rule matches when any one of these conditions holds; a condition
    #: holds when every named field has one of the listed values.
    when: list[Condition]
    source: Source
    #: What usually comes first or instead (rule set 1.2); empty for a typical indication.
    qualifications: list[QualificationSummary]


class EscalationSummary(Output):
    id: str
    title: str
    #: As for indications: any one condition; every named field in it.
    when: list[Condition]
    #: Indication ids whose match makes the escalation moot.
    unless_matched: list[RuleId]
    source: GuidelineSource


class RuleSetResponse(Output):
    """The rule set in use: what it is, its version and content hash, and its indications."""

    name: str
    version: str
    hash: str
    source: str
    age_note: str
    indications: list[RuleSummary]
    #: Named guidelines that may make the advice more cautious, never less (rule set 1.1).
    escalations: list[EscalationSummary]


def rule_set_response(rules: RuleSet, audience: Audience) -> RuleSetResponse:
    return RuleSetResponse(
        name=rules.rule_set.name,
        version=rules.version,
        hash=rules.content_hash,
        source=rules.rule_set.source,
        age_note=rules.rule_set.age_note,
        indications=[
            RuleSummary(
                id=indication.id,
                strength=indication.strength,
                title=indication.wording(audience).title,
                when=indication.when,
                source=indication.source,
                qualifications=[QualificationSummary(when=q.when, text=q[audience], source=q.source)
                                for q in indication.qualifications],
            )
            for indication in rules.indications
        ],
        escalations=[
            EscalationSummary(
                id=escalation.id,
                title=escalation.wording(audience).title,
                when=escalation.when,
                unless_matched=escalation.unless_matched,
                source=escalation.source,
            )
            for escalation in rules.escalations
        ],
    )
