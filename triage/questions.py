"""Question wording, loaded from questions.toml and checked against the contract."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .answers import ALLOWED, FIELDS

QUESTIONS_FILE = Path(__file__).with_name("questions.toml")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    field: str
    label: str
    hint: str
    #: Shown when the question is left unanswered or the answer is not one of the options.
    error: str
    options: tuple[Option, ...]

    def option_label(self, value: str) -> str:
        return next(option.label for option in self.options if option.value == value)


@cache
def load_questions(path: Path = QUESTIONS_FILE) -> tuple[Question, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    questions = tuple(
        Question(
            field=entry["field"],
            label=entry["label"],
            hint=entry["hint"],
            error=entry["error"],
            options=tuple(Option(**option) for option in entry["options"]),
        )
        for entry in data["questions"]
    )
    # The wording file may not drift from the contract: same fields, same
    # order, same values. A mismatch is a packaging bug, so fail loudly.
    fields = tuple(q.field for q in questions)
    if fields != FIELDS:
        raise ValueError(f"{path}: questions {fields} do not match the contract {FIELDS}")
    for question in questions:
        values = tuple(o.value for o in question.options)
        if values != ALLOWED[question.field]:
            raise ValueError(
                f"{path}: {question.field} offers {values}, the contract allows {ALLOWED[question.field]}"
            )
    return questions


def questions_by_field() -> dict[str, Question]:
    return {question.field: question for question in load_questions()}
