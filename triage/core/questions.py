"""The questions: their fields, their answers, and their wording, from questions.toml.

This file is where a question is defined, once: `answers.py` builds the
strict `Answers` model from it, and the form, the CLI, the OpenAPI document
and the FHIR Questionnaire all follow. Each question and answer is worded for
the person answering: the patient, or a clinician answering about a patient
(`?audience=clinician`). The six questions of the product contract are pinned
by the tests (tests/test_contract.py).
"""

from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from triage.core.datafile import DataFileError, Prose, load

QUESTIONS_FILE = Path(__file__).with_name("questions.toml")

#: Answers that leave a question open; each one yields an `open_questions` entry.
UNANSWERED = frozenset({"unsure", "prefer_not_to_say"})
#: Which register a text is written in: for the patient (the default) or for a clinician.
Audience = Literal["patient", "clinician"]


class QuestionsError(DataFileError):
    """questions.toml cannot be used: a packaging bug, so start-up stops."""


class _Strict(BaseModel):
    # Not strict: TOML arrays become the tuples below; every value is a string anyway.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: str
    patient: Prose
    clinician: Prose

    def text(self, audience: Audience) -> str:
        return getattr(self, audience)

    @property
    def label(self) -> str:
        """The patient wording: what integrations (FHIR) show a person answering."""
        return self.patient


class Wording(_Strict):
    label: Prose
    hint: Prose
    #: Shown when the question is left unanswered or the answer is not one of the options.
    error: Prose
    #: A short name for the question, where a result names an answer.
    term: Prose


class Question(_Strict):
    field: str
    #: Answers set apart after an "or" on the form: not sure, or prefer not to say.
    opt_out: tuple[str, ...]
    patient: Wording
    clinician: Wording
    options: tuple[Option, ...]

    @model_validator(mode="after")
    def _opt_outs_are_the_unanswered_options(self) -> "Question":
        values = [option.value for option in self.options]
        if list(self.opt_out) != [v for v in values if v in UNANSWERED]:
            raise ValueError(f"{self.field}: opt_out must list exactly its 'unsure' or 'prefer not to say' answers")
        return self

    def text(self, audience: Audience) -> Wording:
        return getattr(self, audience)

    @cached_property
    def values(self) -> frozenset[str]:
        """Its answer values: what a posted answer must be one of."""
        return frozenset(option.value for option in self.options)

    def option(self, value: str) -> Option:
        return next(option for option in self.options if option.value == value)

    def option_label(self, value: str, audience: Audience = "patient") -> str:
        return self.option(value).text(audience)

    # The patient wording, for integrations that ask the patient's questions.
    @property
    def label(self) -> str:
        return self.patient.label

    @property
    def hint(self) -> str:
        return self.patient.hint


class QuestionsFile(_Strict):
    questions: tuple[Question, ...]


@cache
def load_questions(path: Path = QUESTIONS_FILE) -> tuple[Question, ...]:
    questions = load(QuestionsFile, path, "questions", QuestionsError).questions
    fields = [q.field for q in questions]
    if duplicates := sorted({f for f in fields if fields.count(f) > 1}):
        raise QuestionsError(f"{path}: question {', '.join(map(repr, duplicates))} is defined twice")
    for question in questions:
        values = [o.value for o in question.options]
        if len(values) != len(set(values)):
            raise QuestionsError(f"{path}: question {question.field!r}: an answer value is listed twice")
    return questions


@cache
def questions_by_field() -> dict[str, Question]:
    return {question.field: question for question in load_questions()}
