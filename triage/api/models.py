"""The JSON API's request and response models: with core.engine.Assessment and
web.problems.Problem, the single source of the OpenAPI document (openapi.py)."""

from pydantic import ConfigDict

from triage.core.answers import Answers, Audience
from triage.core.engine import Output
from triage.core.translation import Language
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


class RuleSummary(Output):
    id: str
    strength: Strength
    title: str
    #: The rule matches when any one of these conditions holds; a condition
    #: holds when every named field has one of the listed values.
    when: list[Condition]
    source: Source


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
