"""The rule engine: a pure function from validated answers to an assessment.

No Flask here and no I/O. The rule set is compiled once into look-up tables
of finished, immutable results (see `_compile`), so that an assessment is a
handful of dictionary look-ups and one new object (benchmarks/micro.py).
"""

import itertools
import json
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from triage.core.answers import (
    ALLOWED,
    AUDIENCES,
    FIELDS,
    UNANSWERED,
    Answers,
    Audience,
)
from triage.core.ruleset import (
    Escalation,
    Indication,
    Outcome,
    RuleSet,
    Source,
    Strength,
)


class Output(BaseModel):
    """Every response model: no field beyond those declared, immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Because(Output):
    field: str
    value: str


class MatchedIndication(Output):
    id: str
    strength: Strength
    title: str
    explanation: str
    because: list[Because]
    source: Source


class GuidelineName(Output):
    name: str


class MatchedEscalation(Output):
    id: str
    title: str
    explanation: str
    source: GuidelineName


class OpenQuestion(Output):
    field: str
    note: str


class Assessment(Output):
    outcome: Outcome
    indications: list[MatchedIndication]
    #: Guideline escalations that apply (rule set 1.1), in the rule file's order; may be empty.
    escalations: list[MatchedEscalation]
    open_questions: list[OpenQuestion]
    revisit_after_months: int | None
    #: Which rule set gave this result, exactly: clinics may run their own (HSG_RULES_FILE).
    rules_name: str
    rules_version: str
    rules_hash: str
    disclaimer: str
    #: The language of the wording (decisions never depend on it); quotes and guideline names stay as published.
    language: str


#: Per rule file (by content hash): which answer sets with open answers have a settled outcome.
_SETTLED: dict[str, dict[tuple[str, ...], bool]] = {}


@dataclass(frozen=True)
class _CompiledIndication:
    #: The answer fields any clause of the rule reads, in a fixed order.
    fields: tuple[str, ...]
    typical: bool
    #: Per audience: the answers to `fields` (as a tuple) -> the finished
    #: MatchedIndication, or None where no clause matches.
    table: dict[str, dict[tuple[str, ...], "MatchedIndication | None"]]


def _first_matching_clause(rule: Indication | Escalation, values: dict[str, str]) -> dict[str, list[str]] | None:
    # The matching semantics, in one place: a rule matches if ANY clause does,
    # a clause if EVERY field it names has one of its values; the first wins.
    for clause in rule.when:
        if all(values[field] in allowed for field, allowed in clause.items()):
            return clause
    return None


def _tabulate(rule: Indication | Escalation, finish) -> tuple[tuple[str, ...], dict[str, dict]]:
    """Evaluate a rule once for every combination of the answers it reads.

    A rule reads a few fields with a few values each (at most 2,700
    combinations, typically 3 to 20), so the table is small: per audience,
    the answers to its fields (as a tuple) -> `finish(audience, clause,
    values)` for the first matching clause, or None where none matches. An
    assessment then costs one dictionary look-up per rule.
    """
    fields = tuple(dict.fromkeys(field for clause in rule.when for field in clause))
    table: dict[str, dict] = {audience: {} for audience in AUDIENCES}
    for key in itertools.product(*(ALLOWED[field] for field in fields)):
        values = dict(zip(fields, key))
        clause = _first_matching_clause(rule, values)
        for audience in AUDIENCES:
            table[audience][key] = None if clause is None else finish(audience, clause, values)
    return fields, table


def _compile(rule: Indication) -> _CompiledIndication:
    """The rule's table of finished MatchedIndications.

    Results built here are immutable and shared (identical matches are one
    object), instead of being built again per request. Shared objects are
    never mutated: views and templates only read them.
    """
    built: dict[tuple, MatchedIndication] = {}

    def finish(audience: str, clause: dict, values: dict) -> MatchedIndication:
        because = tuple((field, values[field]) for field in clause)
        if (audience, because) not in built:
            wording = rule.wording(audience)
            built[audience, because] = MatchedIndication.model_construct(
                id=rule.id,
                strength=rule.strength,
                title=wording.title,
                explanation=wording.explanation,
                because=[Because.model_construct(field=f, value=v) for f, v in because],
                source=rule.source,
            )
        return built[audience, because]

    fields, table = _tabulate(rule, finish)
    return _CompiledIndication(fields=fields, typical=rule.strength == "typical", table=table)


@dataclass(frozen=True)
class _CompiledEscalation:
    fields: tuple[str, ...]
    #: Indication ids whose match makes the escalation moot.
    unless_matched: frozenset[str]
    #: Per audience: the answers to `fields` -> the finished MatchedEscalation, or None.
    table: dict[str, dict[tuple[str, ...], "MatchedEscalation | None"]]


def _compile_escalation(escalation: Escalation) -> _CompiledEscalation:
    """The escalation's table: one finished MatchedEscalation per audience, wherever it applies."""
    finished = {
        audience: MatchedEscalation.model_construct(
            id=escalation.id,
            title=escalation.wording(audience).title,
            explanation=escalation.wording(audience).explanation,
            source=GuidelineName.model_construct(name=escalation.source.name),
        )
        for audience in AUDIENCES
    }
    fields, table = _tabulate(escalation, lambda audience, clause, values: finished[audience])
    return _CompiledEscalation(fields=fields, unless_matched=frozenset(escalation.unless_matched), table=table)


class Engine:
    """A rule set compiled for evaluation. Build once, call `assess` many times."""

    def __init__(self, rules: RuleSet, language: str = "en"):
        self.rules = rules
        self.language = language
        self._indications = tuple(_compile(rule) for rule in rules.indications)
        self._escalations = tuple(_compile_escalation(escalation) for escalation in rules.escalations)
        self._waiting_months = frozenset(rules.waiting.months_trying)
        self._waiting_indication = rules.waiting.indication
        self._revisit = dict(rules.waiting.revisit_after_months)
        self._open_notes = {field: OpenQuestion.model_construct(field=field, note=note)
                            for field, note in rules.open_questions.items()}
        # Every finished object an assessment can contain, serialised once (see `to_json`); the
        # tables above hold them for the engine's life, so their ids stay theirs.
        finished = [hit for compiled in (*self._indications, *self._escalations)
                    for table in compiled.table.values() for hit in table.values() if hit is not None]
        self._json = {id(item): item.model_dump_json() for item in [*finished, *self._open_notes.values()]}
        self._json_tail = {
            audience: "," + json.dumps({"rules_name": rules.rule_set.name, "rules_version": rules.version,
                                        "rules_hash": rules.content_hash, "disclaimer": rules.disclaimer[audience],
                                        "language": language}, ensure_ascii=False, separators=(",", ":"))[1:]
            for audience in AUDIENCES
        }

    def to_json(self, assessment: Assessment, audience: Audience) -> str:
        """`assessment.model_dump_json()`, assembled from the parts serialised when the rule set was
        compiled: the same text (tests/test_engine_properties.py checks every answer set), a
        fraction of the work per request."""
        parts = self._json
        revisit = assessment.revisit_after_months
        return "".join((
            '{"outcome":"', assessment.outcome,
            '","indications":[', ",".join([parts[id(i)] for i in assessment.indications]),
            '],"escalations":[', ",".join([parts[id(e)] for e in assessment.escalations]),
            '],"open_questions":[', ",".join([parts[id(q)] for q in assessment.open_questions]),
            '],"revisit_after_months":', "null" if revisit is None else str(revisit),
            self._json_tail[audience],
        ))

    def assess(self, answers: Answers, audience: Audience = "patient") -> Assessment:
        values = answers.__dict__  # already validated; read without copying
        matched = []
        typical = False
        for compiled in self._indications:
            hit = compiled.table[audience][tuple([values[field] for field in compiled.fields])]
            if hit is not None:
                matched.append(hit)
                typical = typical or compiled.typical
        # Escalations are decided after, and from, the indications: they read
        # which matched but can never change that list.
        escalations = self._escalations_for(matched, values, audience)
        return Assessment.model_construct(
            outcome=self._outcome(matched, typical, escalations, values),
            indications=matched,
            escalations=escalations,
            open_questions=[self._open_notes[f] for f in FIELDS if values[f] in UNANSWERED],
            revisit_after_months=None if escalations else self._revisit_after(matched, values),
            rules_name=self.rules.rule_set.name,
            rules_version=self.rules.version,
            rules_hash=self.rules.content_hash,
            disclaimer=self.rules.disclaimer[audience],
            language=self.language,
        )

    def outcome_settled(self, answers: Answers, outcome: Outcome) -> bool:
        """Whether the "unsure" and "prefer not to say" answers could change `outcome`, the one they gave.

        An open answer could stand for any of its question's real answers: the
        outcome is settled if every answer set they could stand for gives the
        same outcome. A page can then say "we cannot tell yet" instead of
        presenting a guess as the result. Looked up in a table of all 2,700
        answer sets (`_settled_table`).
        """
        values = answers.__dict__
        key = tuple([values[field] for field in FIELDS])
        if UNANSWERED.isdisjoint(key):
            return True
        return self._settled_table()[key]

    def _settled_table(self) -> dict[tuple[str, ...], bool]:
        """For every answer set with an open answer, whether its outcome is settled.

        Decided once from the rule set alone, never from requests: the same
        table for every language's copy of a rule file (they share its hash
        and its decisions), built on first use in about 50 ms.
        """
        table = _SETTLED.get(self.rules.content_hash) if self.rules.content_hash else self.__dict__.get("_settled")
        if table is not None:
            return table
        combos = list(itertools.product(*(ALLOWED[field] for field in FIELDS)))
        outcomes = {combo: self.assess(Answers.model_construct(**dict(zip(FIELDS, combo)))).outcome for combo in combos}
        table = {}
        for combo, outcome in outcomes.items():
            open_positions = [i for i, value in enumerate(combo) if value in UNANSWERED]
            if not open_positions:
                continue
            choices = [[v for v in ALLOWED[FIELDS[i]] if v not in UNANSWERED] for i in open_positions]
            resolved_sets = (tuple(dict(zip(open_positions, resolved)).get(i, v) for i, v in enumerate(combo))
                             for resolved in itertools.product(*choices))
            table[combo] = all(outcomes[other] == outcome for other in resolved_sets)
        if self.rules.content_hash:
            _SETTLED[self.rules.content_hash] = table
        else:
            self._settled = table
        return table

    def _escalations_for(self, matched: list[MatchedIndication], values: dict, audience: Audience) -> list[MatchedEscalation]:
        if not self._escalations:
            return []
        matched_ids = {m.id for m in matched}
        applying = []
        for compiled in self._escalations:
            hit = compiled.table[audience][tuple([values[field] for field in compiled.fields])]
            if hit is not None and compiled.unless_matched.isdisjoint(matched_ids):
                applying.append(hit)
        return applying

    def _outcome(self, matched: list[MatchedIndication], typical: bool,
                 escalations: list[MatchedEscalation], values: dict) -> Outcome:
        if typical:
            return "commonly_recommended"
        if matched:
            return "may_be_considered"
        if escalations:
            return "see_clinician_sooner"
        if values["months_trying"] in self._waiting_months:
            return "not_yet"
        return "no_indication"

    def _revisit_after(self, matched: list[MatchedIndication], values: dict) -> int | None:
        if values["months_trying"] not in self._waiting_months:
            return None
        if any(m.id == self._waiting_indication for m in matched):
            return None
        return self._revisit[values["age_bracket"]]
