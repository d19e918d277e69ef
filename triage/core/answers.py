"""The six answers: field ids and allowed values, exactly as the contract fixes them.

Strict on purpose: JSON `true` is not an answer, `1` is not a string, and an
unknown field is an error rather than something silently dropped.
"""

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

MonthsTrying = Literal["not_trying", "under_6", "6_to_11", "12_or_more", "prefer_not_to_say"]
AgeBracket = Literal["under_35", "35_to_39", "40_or_over", "prefer_not_to_say"]
PregnancyLosses = Literal["none", "one", "two", "three_or_more", "prefer_not_to_say"]
YesNoUnsure = Literal["yes", "no", "unsure"]
#: Which register a text is written in: for the patient (the default) or for a clinician.
Audience = Literal["patient", "clinician"]
AUDIENCES: tuple[str, ...] = get_args(Audience)
DEFAULT_AUDIENCE: Audience = "patient"

#: Answers that leave a question open; each one yields an `open_questions` entry.
UNANSWERED = frozenset({"unsure", "prefer_not_to_say"})


class Answers(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    months_trying: MonthsTrying
    age_bracket: AgeBracket
    pregnancy_losses: PregnancyLosses
    pelvic_infection: YesNoUnsure
    pelvic_surgery: YesNoUnsure
    pelvic_pain: YesNoUnsure


#: Field ids in question order.
FIELDS: tuple[str, ...] = tuple(Answers.model_fields)

#: Allowed values per field, in the contract's order.
ALLOWED: dict[str, tuple[str, ...]] = {
    name: get_args(field.annotation) for name, field in Answers.model_fields.items()
}
