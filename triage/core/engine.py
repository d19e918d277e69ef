"""The rule engine: a pure function from validated answers to an assessment.

No Flask here and no I/O. The rule set is compiled once into look-up tables
of finished, immutable results (see `_compile`), so that an assessment is a
handful of dictionary look-ups and one new object (benchmarks/micro.py).
"""

import itertools
import json
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from triage.core.answer_code import encode_valid
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
    Timing,
)

#: Outcomes where an HSG can be in play (with a fertility question): the safety lists are given.
HSG_IN_PLAY = frozenset({"commonly_recommended", "may_be_considered", "see_clinician_sooner"})


class Output(BaseModel):
    """Every response model: no field beyond those declared, immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Because(Output):
    field: str
    value: str


class GuidelineName(Output):
    name: str


class QualificationText(Output):
    """What usually comes first or instead (rule set 1.2), and the guidelines that say so."""

    text: str
    source: GuidelineName


class MatchedIndication(Output):
    id: str
    strength: Strength
    title: str
    explanation: str
    because: list[Because]
    source: Source
    #: Every `in_some_cases` indication has one; `null` for a typical indication.
    qualification: QualificationText | None


class MatchedEscalation(Output):
    id: str
    title: str
    explanation: str
    source: GuidelineName


class OpenQuestion(Output):
    field: str
    note: str


class NextStep(Output):
    timing: Timing
    #: One or two sentences in the register, with the clinic's contact line where configured.
    text: str
    #: Reasons to see someone now rather than keep trying: non-empty exactly on `not_yet` results.
    see_sooner_if: list[str]


class Safety(Output):
    """Where an HSG is in play: the checks and preparation before it, and the safety net after it."""

    before: list[str]
    after: list[str]


class TranslationState(Output):
    """Whether a translation's every catalogue is approved at its current content; until then, a notice."""

    language: str
    reviewed: bool
    notice: str | None


class Assessment(Output):
    outcome: Outcome
    indications: list[MatchedIndication]
    #: Guideline escalations that apply, in the rule file's order; may be empty.
    escalations: list[MatchedEscalation]
    open_questions: list[OpenQuestion]
    #: Only on `not_yet`: the months of trying in all after which evaluation usually starts.
    revisit_after_months: int | None
    #: True when real answers in place of the "unsure" ones could give another outcome.
    outcome_could_change: bool
    next_step: NextStep
    #: Given when an HSG is in play with a fertility question; otherwise null.
    safety: Safety | None
    #: The six answers and the rule set's major version as a short code to read aloud or write down
    #: (core/answer_code.py): nothing else, so it identifies no one.
    answer_code: str
    #: Which rule set gave this result, exactly: clinics may run their own (HSG_RULES_FILE).
    rules_name: str
    rules_version: str
    rules_hash: str
    disclaimer: str
    #: The language of the wording (decisions never depend on it); quotes and guideline names stay as published.
    language: str
    #: Null in English; otherwise the translation's review state (the API adds it: it is per deployment).
    translation: TranslationState | None = None


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


def _first_matching_clause(when: list[dict[str, list[str]]], values: dict[str, str]) -> dict[str, list[str]] | None:
    # The matching semantics, in one place: a rule matches if ANY clause does,
    # a clause if EVERY field it names has one of its values; the first wins.
    for clause in when:
        if all(values[field] in allowed for field, allowed in clause.items()):
            return clause
    return None


def _holds(when: list[dict[str, list[str]]], values: dict[str, str]) -> bool:
    """An optional condition: no clauses at all holds for every answer set."""
    return not when or _first_matching_clause(when, values) is not None


def _fields(*whens: list[dict[str, list[str]]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(field for when in whens for clause in when for field in clause))


def _tabulate(when: list[dict[str, list[str]]], finish, also_reads: tuple[str, ...] = ()) -> tuple[tuple[str, ...], dict[str, dict]]:
    """Evaluate a rule once for every combination of the answers it reads.

    A rule reads a few fields with a few values each (at most 2,700
    combinations, typically 3 to 20), so the table is small: per audience,
    the answers to its fields (as a tuple) -> `finish(audience, clause,
    values)` for the first matching clause, or None where none matches. An
    assessment then costs one dictionary look-up per rule. `also_reads`: fields
    that `finish` reads besides the clauses' own (a qualification's).
    """
    fields = tuple(dict.fromkeys((*_fields(when), *also_reads)))
    table: dict[str, dict] = {audience: {} for audience in AUDIENCES}
    for key in itertools.product(*(ALLOWED[field] for field in fields)):
        values = dict(zip(fields, key))
        clause = _first_matching_clause(when, values)
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
        # The first qualification whose answer blocks hold (the last holds always: ruleset.py checks).
        qualification = next((n for n, q in enumerate(rule.qualifications) if _holds(q.when, values)), None)
        if (audience, because, qualification) not in built:
            wording = rule.wording(audience)
            chosen = None if qualification is None else rule.qualifications[qualification]
            built[audience, because, qualification] = MatchedIndication.model_construct(
                id=rule.id,
                strength=rule.strength,
                title=wording.title,
                explanation=wording.explanation,
                because=[Because.model_construct(field=f, value=v) for f, v in because],
                source=rule.source,
                qualification=None if chosen is None else QualificationText.model_construct(
                    text=chosen[audience], source=GuidelineName.model_construct(name=chosen.source.name)),
            )
        return built[audience, because, qualification]

    fields, table = _tabulate(rule.when, finish, _fields(*(q.when for q in rule.qualifications)))
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
    fields, table = _tabulate(escalation.when, lambda audience, clause, values: finished[audience])
    return _CompiledEscalation(fields=fields, unless_matched=frozenset(escalation.unless_matched), table=table)


class SafetyStatement(Protocol):
    """A statement of the safety lists, as the clinical context file holds it: its text, and whether it
    is for a result with these matched indications and answers."""

    text: str

    def relevant(self, matched: frozenset[str], answers: dict[str, str]) -> bool: ...


#: Per audience, the statements before and after an HSG, in the order shown.
SafetyLists = dict[str, tuple[tuple[SafetyStatement, ...], tuple[SafetyStatement, ...]]]


class Engine:
    """A rule set compiled for evaluation. Build once, call `assess` many times.

    `contact`: the clinic's contact line, added to every next step's text. `safety`: the checks before
    an HSG and the safety net after it (from the clinical context, which never decides anything here:
    the lists are given where the rule set puts an HSG in play).
    """

    def __init__(self, rules: RuleSet, language: str = "en", *, contact: str | None = None,
                 safety: SafetyLists | None = None):
        self.rules = rules
        self.language = language
        self._indications = tuple(_compile(rule) for rule in rules.indications)
        self._escalations = tuple(_compile_escalation(escalation) for escalation in rules.escalations)
        self._fertility_fields, fertility = _tabulate(rules.fertility_question.when, lambda *_: True)
        self._fertility = fertility[AUDIENCES[0]]
        self._waiting_months = frozenset(rules.waiting.months_trying)
        self._revisit = dict(rules.waiting.revisit_after_months)
        self._open_notes = {(audience, field): OpenQuestion.model_construct(field=field, note=notes[audience])
                            for field, notes in rules.open_questions.items() for audience in AUDIENCES}
        self._next_steps = tuple(
            (step, {audience: NextStep.model_construct(
                timing=step.timing, text=f"{step[audience]} {contact}" if contact else step[audience],
                see_sooner_if=list(rules.waiting.see_sooner_if[audience]) if step.timing == "after_waiting" else [])
                for audience in AUDIENCES})
            for step in rules.next_steps)
        self._safety_lists = safety or {}
        #: Safety as given, by audience and which statements are for the result: a few sets per rule set.
        self._safety: dict[tuple, Safety] = {}
        self._check_waiting()
        # Every finished object an assessment can contain, serialised once (see `to_json`); the
        # tables above hold them for the engine's life, so their ids stay theirs.
        finished = [hit for compiled in (*self._indications, *self._escalations)
                    for table in compiled.table.values() for hit in table.values() if hit is not None]
        steps = [step for _, by_audience in self._next_steps for step in by_audience.values()]
        self._json = {id(item): item.model_dump_json() for item in [*finished, *self._open_notes.values(), *steps]}
        self._json_tail = {
            audience: "," + json.dumps({"rules_name": rules.rule_set.name, "rules_version": rules.version,
                                        "rules_hash": rules.content_hash, "disclaimer": rules.disclaimer[audience],
                                        "language": language}, ensure_ascii=False, separators=(",", ":"))[1:-1]
            for audience in AUDIENCES
        }

    def _check_waiting(self) -> None:
        """Every answer set that can be `not_yet` has an interval for its age bracket: a rule file that
        leaves a bracket out must make sure that bracket never waits (checked once, at load)."""
        missing = [age for age in ALLOWED["age_bracket"] if age not in self._revisit]
        for combo in itertools.product(*(ALLOWED[field] if field not in ("months_trying", "age_bracket") else
                                         (sorted(self._waiting_months) if field == "months_trying" else missing)
                                         for field in FIELDS)):
            values = dict(zip(FIELDS, combo))
            if self._decide(values, "patient")[3] == "not_yet":
                raise ValueError(f"waiting.revisit_after_months: no interval for age bracket "
                                 f"{values['age_bracket']!r}, which can be `not_yet` (for example {values})")

    def to_json(self, assessment: Assessment, audience: Audience, translation: str = "null") -> str:
        """`assessment.model_dump_json()`, assembled from the parts serialised when the rule set was
        compiled: the same text (tests/test_engine_properties.py checks every answer set), a
        fraction of the work per request. `translation`: the JSON of the review state the API adds."""
        parts = self._json
        revisit = assessment.revisit_after_months
        safety = assessment.safety
        return "".join((
            '{"outcome":"', assessment.outcome,
            '","indications":[', ",".join([parts[id(i)] for i in assessment.indications]),
            '],"escalations":[', ",".join([parts[id(e)] for e in assessment.escalations]),
            '],"open_questions":[', ",".join([parts[id(q)] for q in assessment.open_questions]),
            '],"revisit_after_months":', "null" if revisit is None else str(revisit),
            ',"outcome_could_change":', "true" if assessment.outcome_could_change else "false",
            ',"next_step":', parts[id(assessment.next_step)],
            ',"safety":', "null" if safety is None else parts[id(safety)],
            ',"answer_code":"', assessment.answer_code, '"',
            self._json_tail[audience], ',"translation":', translation, "}",
        ))

    def _decide(self, values: dict, audience: Audience):
        """(matched indications, escalations, fertility question, outcome): every decision, nothing worded."""
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
        fertility = self._fertility[tuple([values[field] for field in self._fertility_fields])] is not None
        return matched, escalations, fertility, self._outcome(matched, typical, escalations, values)

    def assess(self, answers: Answers, audience: Audience = "patient") -> Assessment:
        values = answers.__dict__  # already validated; read without copying
        matched, escalations, fertility, outcome = self._decide(values, audience)
        return Assessment.model_construct(
            outcome=outcome,
            indications=matched,
            escalations=escalations,
            open_questions=[self._open_notes[audience, f] for f in FIELDS if values[f] in UNANSWERED],
            # A waiting interval never stands beside an indication or an escalation.
            revisit_after_months=self._revisit[values["age_bracket"]] if outcome == "not_yet" else None,
            outcome_could_change=not self.outcome_settled(answers, outcome),
            next_step=self._next_step(self._timing(outcome, escalations, fertility), fertility, values, audience),
            safety=self._safety_for(audience, matched, values) if fertility and outcome in HSG_IN_PLAY else None,
            answer_code=encode_valid(values, self.rules.major),
            rules_name=self.rules.rule_set.name,
            rules_version=self.rules.version,
            rules_hash=self.rules.content_hash,
            disclaimer=self.rules.disclaimer[audience],
            language=self.language,
            translation=None,
        )

    @staticmethod
    def _timing(outcome: Outcome, escalations: list, fertility: bool) -> Timing:
        if escalations:
            return "now"
        if outcome in ("commonly_recommended", "may_be_considered") and fertility:
            return "book"
        if outcome == "not_yet":
            return "after_waiting"
        return "if_concerned"

    def _next_step(self, timing: Timing, fertility: bool, values: dict, audience: Audience) -> NextStep:
        for step, by_audience in self._next_steps:
            if step.timing == timing and step.fertility_question in (None, fertility) and _holds(step.when, values):
                return by_audience[audience]
        raise AssertionError(f"no next step for {timing!r}: ruleset.py requires a last entry for every timing")

    def _safety_for(self, audience: Audience, matched: list[MatchedIndication], values: dict) -> Safety:
        before, after = self._safety_lists.get(audience, ((), ()))
        ids = frozenset(m.id for m in matched)
        chosen = (audience, tuple(s.relevant(ids, values) for s in before), tuple(s.relevant(ids, values) for s in after))
        safety = self._safety.get(chosen)
        if safety is None:
            safety = self._safety[chosen] = Safety.model_construct(
                before=[s.text for s, shown in zip(before, chosen[1]) if shown],
                after=[s.text for s, shown in zip(after, chosen[2]) if shown])
            self._json[id(safety)] = safety.model_dump_json()
        return safety

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
        outcomes = {combo: self._decide(dict(zip(FIELDS, combo)), "patient")[3] for combo in combos}
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
