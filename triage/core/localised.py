"""The domain in one language: the rule set, its engine, the clinical context and the questions.

Built once per language at start-up (core/translation.py supplies the
wording). Every language shares the English rule set's `when` blocks, waits
and ids, so decisions are the same in every language by construction; only
wording differs, and the tests check all 2,700 answer sets in each language.
"""

from dataclasses import dataclass, field

from triage.core.answers import AUDIENCES
from triage.core.clinical_context import ClinicalContext
from triage.core.engine import Engine
from triage.core.questions import Question, QuestionsFile, load_questions
from triage.core.ruleset import RuleSet
from triage.core.signoff import ReviewStatus, SignoffRecord
from triage.core.translation import REVIEWED, SOURCE_LANGUAGE, translated, translation_hash


@dataclass(frozen=True)
class Localised:
    language: str
    #: Wording in this language, quotes and guideline names as published: for the API's JSON.
    rules: RuleSet
    engine: Engine
    #: Everything in this language, quotes and names too: for what pages, the CLI and cards show.
    shown_rules: RuleSet
    shown_engine: Engine
    context: ClinicalContext
    questions: tuple[Question, ...]
    #: The translation's review state per reviewed file ("rules", "context"); empty for English.
    reviews: dict[str, ReviewStatus]
    #: Looked up on every result, so tabulated once: the questions by field; (audience, field) ->
    #: the question's short name and its wording as asked; (audience, field, value) -> the answer's label.
    by_field: dict[str, Question] = field(default_factory=dict)
    terms: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    answer_labels: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def __post_init__(self):
        self.by_field.update({question.field: question for question in self.questions})
        for audience in AUDIENCES:
            for question in self.questions:
                wording = question.text(audience)
                self.terms[audience, question.field] = (wording.term, wording.label)
                for option in question.options:
                    self.answer_labels[audience, question.field, option.value] = option.text(audience)

    @property
    def reviewed(self) -> bool:
        """English, or a translation that a medical translator and a clinician have both approved."""
        return all(review.state == "approved" for review in self.reviews.values())

    def question(self, field_id: str) -> Question:
        return self.by_field[field_id]


def localise(language: str, rules: RuleSet, context: ClinicalContext, signoff: SignoffRecord) -> Localised:
    if language == SOURCE_LANGUAGE:
        engine = Engine(rules)
        return Localised(language, rules, engine, rules, engine, context, load_questions(), {})
    api_rules = translated(rules, language, "rules")
    shown_rules = translated(rules, language, "rules", cited=True)
    questions = translated(QuestionsFile(questions=load_questions()), language, "questions").questions
    versions = {"rules": rules.version, "context": context.version}
    reviews = {domain: signoff.status(subject, versions[domain], translation_hash(language, domain), language)
               for domain, subject in REVIEWED.items()}
    return Localised(language, api_rules, Engine(api_rules, language), shown_rules, Engine(shown_rules, language),
                     translated(context, language, "context"), questions, reviews)
