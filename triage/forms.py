"""The web form: one radio group per question, built from the question definitions."""

from wtforms import Form, RadioField
from wtforms.fields import SelectChoice
from wtforms.validators import StopValidation

from .questions import Question, load_questions


class QuestionField(RadioField):
    """A required radio group whose only error is the question's own message.

    Left empty or answered with a value that is not an option: either way the
    person has to pick one of the listed answers, so one message serves both.
    """

    def __init__(self, question: Question, **kwargs):
        super().__init__(
            question.label,
            choices=[SelectChoice(option.value, option.label) for option in question.options],
            **kwargs,
        )
        self.question = question

    def process_formdata(self, valuelist: list[str]) -> None:
        # A radio group sends one value. Two (a tampered or scripted post)
        # leave the answer unknown: treat it as not answered rather than
        # silently keeping whichever came first.
        super().process_formdata(valuelist[:1] if len(valuelist) == 1 else [])

    def pre_validate(self, form: Form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(self.question.error)


class AnswersFormBase(Form):
    def answers(self) -> dict[str, str]:
        return {question.field: self[question.field].data for question in load_questions()}


AnswersForm: type[AnswersFormBase] = type(
    "AnswersForm",
    (AnswersFormBase,),
    {question.field: QuestionField(question) for question in load_questions()},
)
