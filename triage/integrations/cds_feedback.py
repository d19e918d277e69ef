"""CDS Hooks 2.0 feedback: what clinicians did with a card, counted without keeping anything identifying.

Each feedback entry becomes one structured log line (and, with HSG_METRICS=1,
one count): the service, the rule-set version, the outcome, and the override
reason's code when it is one of ours. The card uuid, the timestamp, accepted
suggestion ids and `userComment` are validated and dropped: a comment is free
text that could name a patient, and the tool promises to keep no free text.
"""

import json
import logging
import sys
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from triage.integrations.fhir_questionnaire import CANONICAL_BASE
from triage.integrations.text import integration_text

#: The code system of the reasons a card offers for dismissing it.
OVERRIDE_REASON_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/cds-override-reason"
#: How an override reason outside our list is counted (a client may add its own).
OTHER_REASON = "other"

FEEDBACK_LOGGER = "triage.cds_feedback"

NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=256)]


def override_reasons() -> list[dict[str, str]]:
    """Card.overrideReasons: Codings the CDS client offers when a clinician dismisses the card."""
    return [
        {"code": code, "system": OVERRIDE_REASON_SYSTEM, "display": display}
        for code, display in integration_text()["cds_override_reasons"].items()
    ]


class _Spec(BaseModel):
    # Strict like the hook request; `extension` is the specification's one
    # open door for extra data, accepted and never read.
    model_config = ConfigDict(extra="forbid", strict=True)

    extension: dict[str, Any] | None = None


class Coding(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    system: NonEmpty
    code: NonEmpty
    display: str | None = None


class OverrideReason(_Spec):
    reason: Coding | None = None
    userComment: str | None = Field(default=None, max_length=4096)


class AcceptedSuggestion(_Spec):
    id: NonEmpty


#: Our cards offer no suggestions, so a real client accepts none; a few are allowed for clients
#: that send their own. Bounded so that a 256 KiB list of them is refused at its length, before
#: each item is checked and named in an error (issue 26).
MAX_ACCEPTED_SUGGESTIONS = 10


class Feedback(_Spec):
    card: UUID
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = Field(default=None, max_length=MAX_ACCEPTED_SUGGESTIONS)
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: AwareDatetime

    @model_validator(mode="after")
    def _consistent(self) -> "Feedback":
        if self.overrideReason is not None and self.outcome != "overridden":
            raise ValueError("overrideReason is only for outcome 'overridden'")
        if self.acceptedSuggestions and self.outcome != "accepted":
            raise ValueError("acceptedSuggestions are only for outcome 'accepted'")
        return self

    def reason_code(self) -> str | None:
        """Our code, `other` for a reason from elsewhere, None without one: never free text."""
        reason = self.overrideReason.reason if self.overrideReason else None
        if reason is None:
            return None
        ours = reason.system == OVERRIDE_REASON_SYSTEM and reason.code in integration_text()["cds_override_reasons"]
        return reason.code if ours else OTHER_REASON


class FeedbackRequest(_Spec):
    feedback: list[Feedback] = Field(min_length=1, max_length=100)


def feedback_logger() -> logging.Logger:
    """One JSON line per feedback on stderr, for the clinic's log pipeline to count.

    The logger does not propagate: it sits under the app's own logger (`triage`), where Flask adds
    its handler, so under `hsg-triage serve` each entry was printed twice, the second time in
    Flask's format (issue 26). This handler is the only one that prints it.
    """
    logger = logging.getLogger(FEEDBACK_LOGGER)
    if not any(handler.get_name() == FEEDBACK_LOGGER for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(FEEDBACK_LOGGER)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def feedback_record(service_id: str, rules_version: str, feedback: Feedback) -> dict[str, str | None]:
    """Everything that is kept of one feedback: no uuid, no time, no identifier, no comment."""
    return {
        "event": "cds_feedback",
        "service": service_id,
        "rules_version": rules_version,
        "outcome": feedback.outcome,
        "override_reason": feedback.reason_code(),
    }


def log_feedback(record: dict[str, str | None]) -> None:
    feedback_logger().info(json.dumps(record, ensure_ascii=False))
