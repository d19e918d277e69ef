"""The answers: one strict model, built from the questions file, so that a question is defined once.

Strict on purpose: JSON `true` is not an answer, `1` is not a string, and an
unknown field is an error rather than something silently dropped. The fields
and values are the product contract's; tests/test_contract.py pins them.
"""

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, create_model

from triage.core.questions import UNANSWERED, Audience, load_questions

__all__ = ["ALLOWED", "AUDIENCES", "DEFAULT_AUDIENCE", "FIELDS", "UNANSWERED", "Answers", "Audience"]

AUDIENCES: tuple[str, ...] = get_args(Audience)
DEFAULT_AUDIENCE: Audience = "patient"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


#: One field per question, in question order, each a Literal of its answer values.
Answers: type[BaseModel] = create_model(
    "Answers",
    __base__=_Strict,
    __doc__="One answer to each question, each one of the question's answer values.",
    **{q.field: (Literal[tuple(o.value for o in q.options)], ...) for q in load_questions()},
)

#: Field ids in question order.
FIELDS: tuple[str, ...] = tuple(Answers.model_fields)

#: Allowed values per field, in the questions file's order.
ALLOWED: dict[str, tuple[str, ...]] = {
    name: get_args(field.annotation) for name, field in Answers.model_fields.items()
}
