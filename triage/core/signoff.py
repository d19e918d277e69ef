"""The review record (rules/signoff.toml): who reviewed which version and hash, when, in what role.

At start-up the running rule set's content hash, and the clinical context
file's, are looked up in the record. The pages then say plainly whether what
is running is a recorded version, and whether a clinician has approved it. A
local rule set (HSG_RULES_FILE) or an edited file has a hash the record does
not hold, and is shown as such.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from triage.core.clinical_context import ContextError
from triage.core.datafile import Strict, Text, load
from triage.core.translation import Language

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
#: `questions` and `interface` are translations only (the questions file and the interface catalogue); they
#: are recorded against the rule set version they ship with.
Subject = Literal["rule_set", "clinical_context", "order_codes", "questions", "interface"]
#: `authored`: written or changed by the team, not a clinical review.
#: `approved` / `changes_requested`: a clinical reviewer's decision.
Decision = Literal["authored", "approved", "changes_requested"]
#: Who signed, for a translation: it counts as checked only when a qualified
#: medical translator and a clinician have both approved its exact text.
Qualification = Literal["clinician", "medical_translator"]
#: `approved`: a clinician approved this exact content. `pending`: recorded,
#: not (or not yet) approved. `unrecorded`: not in the record at all.
State = Literal["approved", "pending", "unrecorded"]


class Review(Strict):
    subject: Subject
    #: The language of the reviewed wording: "en" for the data files themselves,
    #: another for a translation of them (its `.po` file, by `file` and `sha256`).
    language: Language = "en"
    file: Text
    version: Text
    sha256: Sha256
    date: datetime.date
    decision: Decision
    by: Text
    role: Text
    #: Required to approve a translation: who must both have approved it.
    qualification: Qualification | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _translation_approvals_say_who(self) -> "Review":
        if self.language != "en" and self.decision == "approved" and self.qualification is None:
            raise ValueError("approving a translation needs `qualification`: clinician or medical_translator")
        return self


class Schedule(Strict):
    next_review_due: datetime.date
    policy: Text


class SignoffRecord(Strict):
    schedule: Schedule
    reviews: list[Review] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_version_per_hash(self) -> "SignoffRecord":
        versions: dict[tuple[str, str], str] = {}
        for review in self.reviews:
            key = (review.subject, review.language, review.sha256)
            if versions.setdefault(key, review.version) != review.version:
                raise ValueError(
                    f"{review.subject} sha256 {review.sha256[:12]} is recorded as both "
                    f"{versions[key]!r} and {review.version!r}"
                )
        return self

    def status(self, subject: Subject, version: str, sha256: str, language: str = "en") -> "ReviewStatus":
        # A translation's record names the English version it translates: the
        # same `.po` under another English version (a local rule set) is unreviewed.
        records = tuple(sorted((r for r in self.reviews
                                if r.subject == subject and r.sha256 == sha256 and r.language == language
                                and (language == "en" or r.version == version)),
                               key=lambda r: r.date))
        decisions = [r for r in records if r.decision != "authored"]
        if not records:
            state = "unrecorded"
        elif language == "en":
            state = "approved" if decisions and decisions[-1].decision == "approved" else "pending"
        else:
            # Each qualification's latest decision must be an approval, both of them.
            latest = {r.qualification: r.decision for r in decisions}
            state = "approved" if all(latest.get(q) == "approved" for q in Qualification.__args__) else "pending"
        wrong = [r for r in records if r.version != version]
        if wrong:
            raise ContextError(
                f"the review record gives version {wrong[0].version!r} for {subject} sha256 {sha256[:12]}, "
                f"but that content calls itself version {version!r}"
            )
        return ReviewStatus(subject, version, sha256, state, records, language)


@dataclass(frozen=True)
class ReviewStatus:
    subject: Subject
    version: str
    sha256: str
    state: State
    #: The record's entries for exactly this content, oldest first.
    records: tuple[Review, ...]
    language: str = "en"


def bundled_signoff_file() -> Path:
    from triage.core.resources import resource_dir

    return resource_dir("rules") / "signoff.toml"


def load_signoff(path: Path | str | None = None) -> SignoffRecord:
    return load(SignoffRecord, Path(path) if path is not None else bundled_signoff_file(), "review record", ContextError)
