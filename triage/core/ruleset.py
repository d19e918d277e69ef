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
#: When to act on a result (rule set 1.2), most urgent first: `now` (an escalation applies), `book` (an
#: indication, with a fertility question), `after_waiting` (`not_yet`), `if_concerned` (otherwise).
Timing = Literal["now", "book", "after_waiting", "if_concerned"]
TIMINGS: tuple[str, ...] = Timing.__args__

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


class GuidelineSource(Strict):
    """The named guidelines an escalation or a qualification rests on (at least one)."""

    names: list[Evidence] = Field(min_length=1)

    @property
    def name(self) -> str:
        return "; ".join(self.names)


class Qualification(Registers):
    """What usually comes first or instead of HSG for an indication, with the guidelines that say so
    (rule set 1.2). It never changes whether the indication matches; `when`: the answer blocks it is
    for (none: always). An indication's first qualification whose `when` holds is shown."""

    when: list[Condition] = []
    source: GuidelineSource


class Indication(Worded):
    id: RuleId
    strength: Strength
    when: list[Condition] = Field(min_length=1)
    source: Source
    qualifications: list[Qualification] = []

    @model_validator(mode="after")
    def _qualified(self) -> "Indication":
        # Every "in some cases" indication says what usually comes first or instead (PRODUCT.md):
        # its last qualification holds for every answer set, so one always applies.
        if self.strength == "in_some_cases" and (not self.qualifications or self.qualifications[-1].when):
            raise ValueError("an `in_some_cases` indication needs qualifications, the last without `when`")
        return self


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


class ReasonsNotToWait(Strict):
    """`next_step.see_sooner_if`: why someone should see a clinician now rather than keep trying."""

    source: GuidelineSource
    patient: list[Prose] = Field(min_length=1)
    clinician: list[Prose] = Field(min_length=1)

    def __getitem__(self, audience: Audience) -> list[str]:
        return getattr(self, audience)


class Waiting(Strict):
    """The `not_yet` outcome: still within the usual time of trying, nothing matched, nothing escalated."""

    months_trying: list[str] = Field(min_length=1)
    #: Months of trying in all, by age bracket; a bracket left out can never be `not_yet` (checked by the engine).
    revisit_after_months: dict[str, int]
    see_sooner_if: ReasonsNotToWait

    @field_validator("months_trying")
    @classmethod
    def _months(cls, values: list[str]) -> list[str]:
        check_condition({"months_trying": values})
        return values

    @field_validator("revisit_after_months")
    @classmethod
    def _ages(cls, months: dict[str, int]) -> dict[str, int]:
        if unknown := [age for age in months if age not in ALLOWED["age_bracket"]]:
            raise ValueError(f"unknown age bracket {', '.join(map(repr, unknown))}; "
                             f"allowed: {', '.join(ALLOWED['age_bracket'])}")
        if any(m <= 0 for m in months.values()):
            raise ValueError("numbers of months must be positive")
        return months


class FertilityQuestion(Strict):
    """When HSG is in play at all: the answer blocks that raise a fertility question (trying, or recurrent loss)."""

    when: list[Condition] = Field(min_length=1)


class NextStep(Registers):
    """The text for one timing; the first entry of the timing whose conditions hold is used."""

    timing: Timing
    #: Only with (true) or without (false) a fertility question; unset: either.
    fertility_question: bool | None = None
    when: list[Condition] = []

    @property
    def fallback(self) -> bool:
        return self.fertility_question is None and not self.when


class OpenQuestionNotes(Registers):
    """What an open answer to one question could change, in each register."""


class RuleSetInfo(Strict):
    name: Text
    #: MAJOR.MINOR.PATCH (rules/README.md, "Versioning"); an answer code holds the major version.
    version: Text

    @field_validator("version")
    @classmethod
    def _has_a_major(cls, version: str) -> str:
        major = version.split(".", 1)[0]
        if not major.isdigit() or not 1 <= int(major) <= 31:
            raise ValueError(f"version {version!r} must start with a major version from 1 to 31, as in 1.2.0")
        return version
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
    fertility_question: FertilityQuestion
    waiting: Waiting
    outcomes: dict[Outcome, Registers]
    next_steps: list[NextStep] = Field(min_length=1)
    open_questions: dict[str, OpenQuestionNotes]
    #: sha256 of the file's bytes, set by the loader: names exactly what was applied.
    content_hash: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "RuleSet":
        ids = [indication.id for indication in self.indications]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate indication id {', '.join(map(repr, duplicates))}")
        escalation_ids = [escalation.id for escalation in self.escalations]
        if clashes := sorted({i for i in escalation_ids if escalation_ids.count(i) > 1 or i in ids}):
            raise ValueError(f"escalation id {', '.join(map(repr, clashes))} is used twice (ids are unique across indications and escalations)")
        for escalation in self.escalations:
            if unknown := [i for i in escalation.unless_matched if i not in ids]:
                raise ValueError(f"escalation {escalation.id!r}: unless_matched names {', '.join(map(repr, unknown))}, which is not an indication id")
        _require_keys("outcomes", self.outcomes, OUTCOMES)
        for timing in TIMINGS:
            entries = [step for step in self.next_steps if step.timing == timing]
            if not entries or not entries[-1].fallback:
                raise ValueError(f"next_steps: the entries for timing {timing!r} must end with one that has "
                                 "neither `fertility_question` nor `when`")
        _require_keys("open_questions", self.open_questions, FIELDS)
        return self

    @property
    def version(self) -> str:
        return self.rule_set.version

    @property
    def major(self) -> int:
        """The major version: what an answer code records, since answers mean the same within one."""
        return int(self.version.split(".", 1)[0])

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
