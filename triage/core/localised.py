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
    api_rules, api_engine = _translated_rules(rules, language, cited=False)
    shown_rules, shown_engine = _translated_rules(rules, language, cited=True)
    questions = _translated_questions(load_questions(), language)
    versions = {"rules": rules.version, "context": context.version}
    reviews = {domain: signoff.status(subject, versions[domain], translation_hash(language, domain), language)
               for domain, subject in REVIEWED.items()}
    return Localised(language, api_rules, api_engine, shown_rules, shown_engine,
                     _translated_context(context, language), questions, reviews)


# Translating a file walks every field of it: done once per process for each file, language and
# kind, and shared by every app built from the same file (a file is known by the hash of its bytes;
# the bundled questions are loaded once). The review state is not shared: each app reads its own record.
_rule_sets: dict[tuple[str, str, bool], tuple[RuleSet, Engine]] = {}
_contexts: dict[tuple[str, str], ClinicalContext] = {}
_questions: dict[tuple[int, str], tuple[Question, ...]] = {}


def _translated_rules(rules: RuleSet, language: str, *, cited: bool) -> tuple[RuleSet, Engine]:
    key = (rules.content_hash, language, cited)
    if not rules.content_hash or key not in _rule_sets:
        translation = translated(rules, language, "rules", cited=cited)
        built = (translation, Engine(translation, language))
        if not rules.content_hash:
            return built
        _rule_sets[key] = built
    return _rule_sets[key]


def _translated_context(context: ClinicalContext, language: str) -> ClinicalContext:
    if not context.content_hash:
        return translated(context, language, "context")
    key = (context.content_hash, language)
    if key not in _contexts:
        _contexts[key] = translated(context, language, "context")
    return _contexts[key]


def _translated_questions(questions: tuple[Question, ...], language: str) -> tuple[Question, ...]:
    key = (id(questions), language)  # load_questions() is cached: the same tuple for the process's life
    if key not in _questions:
        _questions[key] = translated(QuestionsFile(questions=questions), language, "questions").questions
    return _questions[key]
