"""Loading and validating the rule set: a TOML file that a clinical lead can read.

Everything a reviewer must be able to trust is checked here, once, at load
time: no unknown keys, no unknown fields or answer values, unique ids, a source
and a short quote for every indication. A problem stops the program with a
message naming the file, the rule and what is wrong.
"""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from triage.core.answers import ALLOWED, FIELDS, Audience
from triage.core.datafile import DataFileError, Evidence, Id, Prose, Strict, Text, load

Strength = Literal["typical", "in_some_cases"]
#: In the contract's order. `see_clinician_sooner`: no indication matched, but
#: an escalation applies (rule set 1.1).
Outcome = Literal["commonly_recommended", "may_be_considered", "see_clinician_sooner", "not_yet", "no_indication"]
OUTCOMES: tuple[str, ...] = Outcome.__args__

MAX_QUOTE_WORDS = 40

RuleId = Id


class RuleSetError(DataFileError):
    """The rule file cannot be used; the message names the file, the rule and the problem."""


class Wording(Strict):
    title: Prose
    explanation: Prose


class Source(Strict):
    section: Evidence
    quote: Evidence

    @field_validator("quote")
    @classmethod
    def _short(cls, quote: str) -> str:
        if len(quote.split()) > MAX_QUOTE_WORDS:
            raise ValueError(f"the quote has {len(quote.split())} words; at most {MAX_QUOTE_WORDS} are allowed")
        return quote


class Registers(Strict):
    patient: Prose
    clinician: Prose

    def __getitem__(self, audience: Audience) -> str:
        return getattr(self, audience)


def check_condition(condition: dict[str, list[str]]) -> dict[str, list[str]]:
    """A `when` block names known fields, each with known answer values; a problem says which."""
    if not condition:
        raise ValueError("a `when` block must name at least one field")
    for field, values in condition.items():
        if field not in ALLOWED:
            raise ValueError(f"unknown field {field!r}; the fields are: {', '.join(FIELDS)}")
        if not values:
            raise ValueError(f"{field}: the list of values is empty")
        for value in values:
            if value not in ALLOWED[field]:
                raise ValueError(
                    f"unknown value {value!r} for {field}; allowed: {', '.join(ALLOWED[field])}"
                )
    return condition


#: A `when` block: it holds when every field it names has one of the listed answers.
Condition = Annotated[dict[str, list[str]], Field(min_length=1), AfterValidator(check_condition)]


class Worded(Strict):
    """A rule's wording in both registers."""

    patient: Wording
    clinician: Wording

    def wording(self, audience: Audience) -> Wording:
        return getattr(self, audience)


class Indication(Worded):
    id: RuleId
    strength: Strength
    when: list[Condition] = Field(min_length=1)
    source: Source


class GuidelineSource(Strict):
    """The named guidelines an escalation rests on (at least one)."""

    names: list[Evidence] = Field(min_length=1)

    @property
    def name(self) -> str:
        return "; ".join(self.names)


class Escalation(Worded):
    """A named guideline making the advice more cautious: it can only bring a clinician forward.

    It never touches the indications (the engine matches those first and
    without it); it can turn a wait into "see a clinician sooner" and remove
    `revisit_after_months`. `unless_matched`: indications whose match makes
    the escalation moot, because the person is already past the usual wait.
    """

    id: RuleId
    when: list[Condition] = Field(min_length=1)
    unless_matched: list[RuleId] = []
    source: GuidelineSource


class Waiting(Strict):
    indication: RuleId
    months_trying: list[str] = Field(min_length=1)
    revisit_after_months: dict[str, int]

    @field_validator("months_trying")
    @classmethod
    def _months(cls, values: list[str]) -> list[str]:
        check_condition({"months_trying": values})
        return values

    @field_validator("revisit_after_months")
    @classmethod
    def _every_age(cls, months: dict[str, int]) -> dict[str, int]:
        if set(months) != set(ALLOWED["age_bracket"]):
            raise ValueError(f"give a number of months for each of: {', '.join(ALLOWED['age_bracket'])}")
        if any(m <= 0 for m in months.values()):
            raise ValueError("numbers of months must be positive")
        return months


class RuleSetInfo(Strict):
    name: Text
    version: Text
    #: How the source document is described, and its title alone (for citations).
    source: Prose
    source_title: Evidence
    age_note: Prose


class RuleSet(Strict):
    rule_set: RuleSetInfo
    disclaimer: Registers
    indications: list[Indication] = Field(min_length=1)
    #: Required, so that dropping them is a visible, deliberate `escalations = []`.
    escalations: list[Escalation]
    waiting: Waiting
    outcomes: dict[Outcome, Registers]
    next_steps: dict[Outcome, Registers]
    open_questions: dict[str, Prose]
    #: sha256 of the file's bytes, set by the loader: names exactly what was applied.
    content_hash: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "RuleSet":
        ids = [indication.id for indication in self.indications]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate indication id {', '.join(map(repr, duplicates))}")
        if self.waiting.indication not in ids:
            raise ValueError(f"waiting.indication {self.waiting.indication!r} is not an indication id")
        escalation_ids = [escalation.id for escalation in self.escalations]
        if clashes := sorted({i for i in escalation_ids if escalation_ids.count(i) > 1 or i in ids}):
            raise ValueError(f"escalation id {', '.join(map(repr, clashes))} is used twice (ids are unique across indications and escalations)")
        for escalation in self.escalations:
            if unknown := [i for i in escalation.unless_matched if i not in ids]:
                raise ValueError(f"escalation {escalation.id!r}: unless_matched names {', '.join(map(repr, unknown))}, which is not an indication id")
        _require_keys("outcomes", self.outcomes, OUTCOMES)
        _require_keys("next_steps", self.next_steps, OUTCOMES)
        _require_keys("open_questions", self.open_questions, FIELDS)
        return self

    @property
    def version(self) -> str:
        return self.rule_set.version

    def indication(self, indication_id: str) -> Indication:
        return next(i for i in self.indications if i.id == indication_id)

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


def _require_keys(table: str, given: dict, expected: tuple[str, ...]) -> None:
    missing = [key for key in expected if key not in given]
    unknown = [key for key in given if key not in expected]
    if missing or unknown:
        raise ValueError(
            f"{table} must have exactly one entry for each of: {', '.join(expected)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )


def bundled_rules_file() -> Path:
    from triage.core.resources import resource_dir

    return resource_dir("rules") / "hsg-indications.toml"


def load_rule_set(path: Path | str | None = None) -> RuleSet:
    return load(RuleSet, Path(path) if path is not None else bundled_rules_file(), "rule set", RuleSetError, hashed=True)
