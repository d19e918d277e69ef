"""The web form: one radio group per question, built from the question definitions.

Worded for whoever answers: the patient, or a clinician answering about a
patient, in the reader's language. One form class per register and set of
question wordings (one per language), built once.
"""

from wtforms import Form, RadioField
from wtforms.fields import SelectChoice
from wtforms.validators import StopValidation

from triage.core.answers import Audience
from triage.core.questions import Question, load_questions
from triage.core.translation import SOURCE_LANGUAGE
from triage.state import hsg


class QuestionField(RadioField):
    """A required radio group whose only error is the question's own message.

    Left empty or answered with a value that is not an option: either way the
    person has to pick one of the listed answers, so one message serves both.
    """

    def __init__(self, question: Question, audience: Audience, **kwargs):
        super().__init__(
            question.text(audience).label,
            choices=[SelectChoice(option.value, option.text(audience)) for option in question.options],
            **kwargs,
        )
        self.question = question
        self.wording = question.text(audience)

    def process_formdata(self, valuelist: list[str]) -> None:
        # A radio group sends one value. Two (a tampered or scripted post)
        # leave the answer unknown: treat it as not answered rather than
        # silently keeping whichever came first.
        super().process_formdata(valuelist[:1] if len(valuelist) == 1 else [])

    def pre_validate(self, form: Form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(self.wording.error)


class AnswersFormBase(Form):
    def answers(self) -> dict[str, str]:
        return {question.field: self[question.field].data for question in load_questions()}


def answers_form(audience: Audience, language: str = SOURCE_LANGUAGE) -> type[AnswersFormBase]:
    """The form class for a register, in a language: built on first use and kept for the app's life."""
    built = hsg().built
    key = ("answers_form", audience, language)
    form = built.get(key)
    if form is None:
        form = built[key] = type(
            f"AnswersForm_{audience}_{language}",
            (AnswersFormBase,),
            {question.field: QuestionField(question, audience) for question in hsg().localised(language).questions},
        )
    return form
