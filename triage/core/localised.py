"""The domain in one language: the rule set, its engine, the clinical context and the questions.

Built once per language at start-up (core/translation.py supplies the
wording). Every language shares the English rule set's `when` blocks, waits
and ids, so decisions are the same in every language by construction; only
wording differs, and the tests check all 2,700 answer sets in each language.
"""

from dataclasses import dataclass, field

from triage.core.answers import AUDIENCES, Answers, Audience
from triage.core.clinical_context import ClinicalContext
from triage.core.engine import Assessment, Engine, TranslationState
from triage.core.questions import Question, QuestionsFile, load_questions
from triage.core.ruleset import RuleSet
from triage.core.signoff import ReviewStatus, SignoffRecord
from triage.core.translation import (
    REVIEWED,
    SOURCE_LANGUAGE,
    N_,
    catalogue,
    english_versions,
    translated,
    translation_hash,
)


#: Said wherever a language's words go until its every catalogue is approved (PRODUCT.md, `translation`):
#: in that language, then in English.
TRANSLATION_NOTICE = N_("This is a translation that a qualified medical translator and a clinician have not yet "
                        "checked. The English version is the reference.")


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

    @property
    def notice(self) -> str | None:
        """The unreviewed-translation notice, in this language and then in English; None once reviewed."""
        if self.language == SOURCE_LANGUAGE or self.reviewed:
            return None
        return f"{catalogue(self.language, 'messages').ugettext(TRANSLATION_NOTICE)} ({TRANSLATION_NOTICE})"

    @property
    def translation(self) -> TranslationState | None:
        """The API's `translation`: null in English."""
        if self.language == SOURCE_LANGUAGE:
            return None
        return TranslationState.model_construct(language=self.language, reviewed=self.reviewed, notice=self.notice)

    def assess(self, answers: Answers, audience: Audience) -> Assessment:
        """The API's assessment in this language, with the translation's review state."""
        assessment = self.engine.assess(answers, audience)
        if self.language != SOURCE_LANGUAGE:
            assessment = assessment.model_copy(update={"translation": self.translation})
        return assessment

    def to_json(self, assessment: Assessment, audience: Audience) -> str:
        """`assessment.model_dump_json()`, from the engine's parts serialised once."""
        state = self.translation
        return self.engine.to_json(assessment, audience, "null" if state is None else state.model_dump_json())

    def question(self, field_id: str) -> Question:
        return self.by_field[field_id]


def localise(language: str, rules: RuleSet, context: ClinicalContext, signoff: SignoffRecord,
             contact: str | None = None) -> Localised:
    """`contact`: the clinic's contact line, which the API's next step carries (pages, the CLI's text and
    cards show it on a line of its own, so their engine is built without it)."""
    if language == SOURCE_LANGUAGE:
        engine = _engine(rules, context, language, contact, cited=False)
        shown = _engine(rules, context, language, None, cited=False)
        return Localised(language, rules, engine, rules, shown, context, load_questions(), {})
    shown_context = _translated_context(context, language)
    api_engine = _engine(_translated_rules(rules, language, cited=False), shown_context, language, contact, cited=False)
    shown_engine = _engine(_translated_rules(rules, language, cited=True), shown_context, language, None, cited=True)
    questions = _translated_questions(load_questions(), language)
    versions = english_versions(rules.version, context.version)
    reviews = {domain: signoff.status(subject, versions[domain], translation_hash(language, domain), language)
               for domain, subject in REVIEWED.items()}
    return Localised(language, api_engine.rules, api_engine, shown_engine.rules, shown_engine,
                     shown_context, questions, reviews)


# Translating a file walks every field of it: done once per process for each file, language and
# kind, and shared by every app built from the same file (a file is known by the hash of its bytes;
# the bundled questions are loaded once). The review state is not shared: each app reads its own record.
_rule_sets: dict[tuple[str, str, bool], RuleSet] = {}
_engines: dict[tuple[str, str, str, bool, str | None], Engine] = {}
_contexts: dict[tuple[str, str], ClinicalContext] = {}
_questions: dict[tuple[int, str], tuple[Question, ...]] = {}


def _translated_rules(rules: RuleSet, language: str, *, cited: bool) -> RuleSet:
    key = (rules.content_hash, language, cited)
    if not rules.content_hash:
        return translated(rules, language, "rules", cited=cited)
    if key not in _rule_sets:
        _rule_sets[key] = translated(rules, language, "rules", cited=cited)
    return _rule_sets[key]


def _engine(rules: RuleSet, context: ClinicalContext, language: str, contact: str | None, *, cited: bool) -> Engine:
    """The rule set compiled, with the context's safety lists and the clinic's contact line; shared by
    every app built from the same files and contact line. `cited`: quotes and names translated too."""
    key = (rules.content_hash, context.content_hash, language, cited, contact)
    if not rules.content_hash or not context.content_hash:
        return Engine(rules, language, contact=contact, safety=context.safety_lists())
    if key not in _engines:
        _engines[key] = Engine(rules, language, contact=contact, safety=context.safety_lists())
    return _engines[key]


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
