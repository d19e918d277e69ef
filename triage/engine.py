"""The rule engine: a pure function from validated answers to an assessment.

No Flask here and no I/O. The rule set is compiled once (plain frozensets and
tuples) so that an assessment is a handful of set look-ups.
"""

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from .answers import FIELDS, UNANSWERED, Answers, Audience
from .ruleset import Indication, Outcome, RuleSet, Source, Strength


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Because(_Out):
    field: str
    value: str


class MatchedIndication(_Out):
    id: str
    strength: Strength
    title: str
    explanation: str
    because: list[Because]
    source: Source


class OpenQuestion(_Out):
    field: str
    note: str


class Assessment(_Out):
    outcome: Outcome
    indications: list[MatchedIndication]
    open_questions: list[OpenQuestion]
    revisit_after_months: int | None
    #: Which rule set gave this result, exactly: clinics may run their own (HSG_RULES_FILE).
    rules_name: str
    rules_version: str
    rules_hash: str
    disclaimer: str


@dataclass(frozen=True)
class _CompiledIndication:
    rule: Indication
    #: Each clause: ((field, allowed values), ...); the rule matches if any clause does.
    clauses: tuple[tuple[tuple[str, frozenset[str]], ...], ...]


class Engine:
    """A rule set compiled for evaluation. Build once, call `assess` many times."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self._indications = tuple(
            _CompiledIndication(
                rule=rule,
                clauses=tuple(
                    tuple((field, frozenset(values)) for field, values in clause.items())
                    for clause in rule.when
                ),
            )
            for rule in rules.indications
        )
        self._waiting_months = frozenset(rules.waiting.months_trying)
        self._waiting_indication = rules.waiting.indication
        self._revisit = dict(rules.waiting.revisit_after_months)
        self._open_notes = {field: OpenQuestion.model_construct(field=field, note=note)
                            for field, note in rules.open_questions.items()}

    def assess(self, answers: Answers, audience: Audience = "patient") -> Assessment:
        values = answers.__dict__  # already validated; read without copying
        matched = []
        for compiled in self._indications:
            for clause in compiled.clauses:
                if all(values[field] in allowed for field, allowed in clause):
                    matched.append(self._describe(compiled.rule, clause, values, audience))
                    break
        return Assessment.model_construct(
            outcome=self._outcome(matched, values),
            indications=matched,
            open_questions=[self._open_notes[f] for f in FIELDS if values[f] in UNANSWERED],
            revisit_after_months=self._revisit_after(matched, values),
            rules_name=self.rules.rule_set.name,
            rules_version=self.rules.version,
            rules_hash=self.rules.content_hash,
            disclaimer=self.rules.disclaimer[audience],
        )

    @staticmethod
    def _describe(rule: Indication, clause, values, audience: Audience) -> MatchedIndication:
        wording = rule.wording(audience)
        return MatchedIndication.model_construct(
            id=rule.id,
            strength=rule.strength,
            title=wording.title,
            explanation=wording.explanation,
            because=[Because.model_construct(field=field, value=values[field]) for field, _ in clause],
            source=rule.source,
        )

    def _outcome(self, matched: list[MatchedIndication], values: dict) -> Outcome:
        if any(m.strength == "typical" for m in matched):
            return "commonly_recommended"
        if matched:
            return "may_be_considered"
        if values["months_trying"] in self._waiting_months:
            return "not_yet"
        return "no_indication"

    def _revisit_after(self, matched: list[MatchedIndication], values: dict) -> int | None:
        if values["months_trying"] not in self._waiting_months:
            return None
        if any(m.id == self._waiting_indication for m in matched):
            return None
        return self._revisit[values["age_bracket"]]
