"""The result page's view data: everything the template shows, finished.

The engine gives an `Assessment`; this turns it, with the answers, the
clinical context and the settings, into labelled rows and texts in the
reader's register, in the order the page shows them. The template only lays
them out; it looks nothing up.
"""

import datetime
import functools
from dataclasses import dataclass, replace

from flask_babel import format_date
from markupsafe import Markup

from triage.core.answer_code import format_code
from triage.core.answers import ALLOWED, FIELDS, Answers, Audience
from triage.core.clinical_context import ClinicalContext, Shown
from triage.core.engine import Assessment
from triage.core.questions import Question
from triage.core.ruleset import RuleSet
from triage.core.localised import Localised
from triage.core.signoff import ReviewStatus
from triage.core.translation import ENDONYMS, LANGUAGES, SOURCE_LANGUAGE
from triage.state import hsg
from triage.web.i18n import in_language, localised
from triage.web.labels import OUTCOME_LABELS, STRENGTH_LABELS

# The row and item views below are made once per language and app and then shared (build_result_view's
# `made_once`), so they compare and hash by identity (eq=False): the result page's parts are stored by
# them (web/result_page.py), and an identity hash costs nothing where a value hash walks every field.

#: One hidden input per answer value, escaped once: results re-post the answers in up to four forms.
_HIDDEN = {(field, value): str(Markup('<input type="hidden" name="{}" value="{}">').format(field, value))
           for field in FIELDS for value in ALLOWED[field]}



@dataclass(frozen=True, eq=False)
class Reason:
    question: str
    answer: str


@dataclass(frozen=True, eq=False)
class IndicationView:
    id: str
    title: str
    strength: str
    strength_label: str
    explanation: str
    because: tuple[Reason, ...]
    section: str
    quote: str
    #: What usually comes first or instead (rule set 1.2), and its guidelines; empty for a typical indication.
    qualification: str = ""
    qualification_source: str = ""


@dataclass(frozen=True, eq=False)
class EscalationView:
    id: str
    title: str
    explanation: str
    source: str


@dataclass(frozen=True, eq=False)
class OpenQuestionView:
    question: str
    note: str


@dataclass(frozen=True)
class ResultView:
    audience: Audience
    outcome: str
    outcome_label: str
    outcome_sentence: str
    next_step: str
    #: `now`, `book`, `after_waiting` or `if_concerned` (rule set 1.2).
    timing: str
    #: On `not_yet`: the reasons to see someone now rather than keep trying, and their guidelines.
    see_sooner_if: tuple[str, ...]
    see_sooner_source: str
    #: False when an "unsure" answer could change the outcome: the page says it cannot tell yet.
    settled: bool
    revisit_after_months: int | None
    escalations: tuple[EscalationView, ...]
    indications: tuple[IndicationView, ...]
    open_questions: tuple[OpenQuestionView, ...]
    hsg_in_play: bool
    #: Clinical context for this result, by where the page shows it.
    notes: tuple[Shown, ...]
    checklist: tuple[Shown, ...]
    before_test: tuple[Shown, ...]
    after_test: tuple[Shown, ...]
    #: Clinicians only: context not triggered by these answers.
    other_context: tuple[Shown, ...]
    #: Every named source behind what the page says, once each, in order of appearance.
    guideline_sources: tuple[str, ...]
    #: (question's short name, answer) in question order, in the reader's register.
    answers: tuple[Reason, ...]
    #: The same with each question as it was asked.
    answers_as_asked: tuple[Reason, ...]
    #: The answers as posted, to carry them to the other register or back to the form.
    answer_values: tuple[tuple[str, str], ...]
    #: The same as hidden form inputs, ready to place in each form that re-posts them.
    hidden_inputs: Markup
    #: The answers as an answer code, grouped for reading (core/answer_code.py).
    answer_code: str
    disclaimer: str
    date: str

    @property
    def clinician(self) -> bool:
        return self.audience == "clinician"

    @property
    def source_sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(indication.section for indication in self.indications))


def build_result_view(
    assessment: Assessment,
    answers: Answers,
    audience: Audience,
    *,
    domain: Localised,
    today: datetime.date | None = None,
) -> ResultView:
    """`domain`: the rule set, context and questions in the reader's language (web/i18n.localised());
    `assessment` comes from its `shown_engine`, whose finished objects the views below are made from."""
    values = answers.__dict__  # validated already; read, never changed
    rules = domain.shown_rules
    # Views of the engine's finished objects (shared, immutable, one per rule and clause), and of each
    # answer, made once per language and app: tables of the rule set's and questions' wording, never of answer sets.
    made = hsg().built.setdefault(("result views", domain.language), {})

    def made_once(key, build):
        view = made.get(key)
        if view is None:
            view = made[key] = build()
        return view

    relevant, other = domain.context.for_result(audience, assessment.outcome,
                                                [i.id for i in assessment.indications], values)
    by_section: dict[str, list[Shown]] = {"notes": [], "checklist": [], "before_test": [], "after_test": []}
    # The checks before an HSG and the safety net after it only where the rule set puts an HSG in play.
    hsg_in_play = assessment.safety is not None
    for topic in relevant:
        if hsg_in_play or topic.section not in ("before_test", "after_test"):
            by_section[topic.section].append(topic)
        else:
            other.append(topic)  # clinicians still find them, under "Other guideline context"

    escalations = tuple(made_once(id(e), lambda e=e: EscalationView(e.id, e.title, e.explanation, e.source.name))
                        for e in assessment.escalations)
    indications = tuple(made_once((id(i), audience), lambda i=i: _indication_view(i, audience, domain))
                        for i in assessment.indications)
    see_sooner = assessment.next_step.see_sooner_if
    see_sooner_source = rules.waiting.see_sooner_if.source.name if see_sooner else ""
    sources = [e.source for e in escalations]
    sources += [i.qualification_source for i in indications if i.qualification_source]
    if see_sooner_source:
        sources.append(see_sooner_source)
    for topics in (by_section["notes"], by_section["checklist"], by_section["before_test"], by_section["after_test"]):
        for topic in topics:
            for _, names in topic.statements:
                sources.extend(names)
    rows = [made_once((audience, field, values[field]), lambda field=field: _answer_rows(domain, audience, field,
                                                                                        values[field]))
            for field in FIELDS]

    return ResultView(
        audience=audience,
        outcome=assessment.outcome,
        outcome_label=in_language(OUTCOME_LABELS[audience][assessment.outcome], domain.language),
        outcome_sentence=rules.outcomes[assessment.outcome][audience],
        next_step=assessment.next_step.text,
        timing=assessment.next_step.timing,
        see_sooner_if=tuple(see_sooner),
        see_sooner_source=see_sooner_source,
        settled=not assessment.outcome_could_change,
        revisit_after_months=assessment.revisit_after_months,
        escalations=escalations,
        indications=indications,
        open_questions=tuple(made_once((id(q), audience), lambda q=q: OpenQuestionView(
            domain.terms[audience, q.field][0], q.note)) for q in assessment.open_questions),
        hsg_in_play=hsg_in_play,
        notes=tuple(by_section["notes"]),
        checklist=tuple(by_section["checklist"]),
        before_test=tuple(by_section["before_test"]),
        after_test=tuple(by_section["after_test"]),
        other_context=tuple(other) if audience == "clinician" else (),
        guideline_sources=tuple(dict.fromkeys(sources)),
        answers=tuple(row[0] for row in rows),
        answers_as_asked=tuple(row[1] for row in rows),
        answer_values=tuple((field, values[field]) for field in FIELDS),
        hidden_inputs=Markup("".join(_HIDDEN[field, values[field]] for field in FIELDS)),
        answer_code=format_code(assessment.answer_code),
        disclaimer=assessment.disclaimer,
        date=_long_date(today or datetime.date.today(), domain.language),
    )


def _indication_view(i, audience: Audience, domain: Localised) -> IndicationView:
    terms, labels = domain.terms, domain.answer_labels
    return IndicationView(
        id=i.id,
        title=i.title,
        strength=i.strength,
        strength_label=in_language(STRENGTH_LABELS[audience][i.strength], domain.language),
        explanation=i.explanation,
        because=tuple(Reason(terms[audience, b.field][0], labels[audience, b.field, b.value]) for b in i.because),
        section=i.source.section,
        quote=i.source.quote,
        qualification=i.qualification.text if i.qualification else "",
        qualification_source=i.qualification.source.name if i.qualification else "",
    )


def _answer_rows(domain: Localised, audience: Audience, field: str, value: str) -> tuple[Reason, Reason]:
    """One answer, named by the question's short name and by the question as asked."""
    term, asked = domain.terms[audience, field]
    label = domain.answer_labels[audience, field, value]
    return Reason(term, label), Reason(asked, label)


def result_view(answers: Answers, audience: Audience) -> ResultView:
    """The result for these answers in the request's language, from the running app's state (a page or the CLI)."""
    domain = localised()
    return build_result_view(domain.shown_engine.assess(answers, audience), answers, audience, domain=domain)


@functools.lru_cache(maxsize=64)
def _long_date(day: datetime.date, language: str) -> str:
    """The day as the reader's language writes it (Babel's locale data): 26 November 2026 in English,
    each other language's long form ("26 de noviembre de 2026"). The same few strings all day, so remembered."""
    return format_date(day, "d MMMM y" if language == "en" else "long")


# ---------------------------------------------------------------------------
# The rules page (/rules): the whole rule set, in the reader's register.


@dataclass(frozen=True)
class ConditionView:
    """One `when` block: every (question, answers) pair in it must hold."""

    parts: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...]  # (question, answer labels, field, values)


@dataclass(frozen=True)
class RuleView:
    id: str
    title: str
    explanation: str
    conditions: tuple[ConditionView, ...]
    strength: str = ""
    strength_label: str = ""
    section: str = ""
    quote: str = ""
    #: Escalations: the titles of the indications whose match makes it moot, and its guideline sources.
    unless: tuple[str, ...] = ()
    source: str = ""
    #: On a translated page, the quote as the English source has it.
    original_quote: str = ""
    #: Indications: (what usually comes first or instead, its guidelines), in the rule file's order.
    qualifications: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TranslationView:
    """A language's review state: each of its catalogues (the rule set, the clinical context, the questions,
    the interface) by its own hash, in that order."""

    code: str
    name: str
    catalogues: tuple[tuple[str, ReviewStatus], ...]

    @property
    def reviewed(self) -> bool:
        return all(status.state == "approved" for _, status in self.catalogues)


@dataclass(frozen=True)
class RulesView:
    audience: Audience
    indications: tuple[RuleView, ...]
    escalations: tuple[RuleView, ...]
    #: (outcome id, label, what it means)
    outcomes: tuple[tuple[str, str, str], ...]
    #: (age bracket, months of trying in all, or None: never told to wait)
    waiting: tuple[tuple[str, int | None], ...]
    #: Reasons to see someone now rather than keep trying, and their guidelines.
    see_sooner_if: tuple[str, ...]
    see_sooner_source: str
    context: tuple[Shown, ...]
    #: Every translation's review state (rules_view adds them).
    translations: tuple[TranslationView, ...] = ()

    @property
    def clinician(self) -> bool:
        return self.audience == "clinician"


def build_rules_view(rules: RuleSet, context: ClinicalContext, questions: dict[str, Question],
                     audience: Audience, original: RuleSet | None = None) -> RulesView:
    """`original`: the English rule set, on a translated page, whose quotes are shown beside their translation."""
    quotes = {i.id: i.source.quote for i in original.indications} if original else {}
    def conditions(when) -> tuple[ConditionView, ...]:
        return tuple(
            ConditionView(tuple(
                (questions[field].text(audience).label,
                 tuple(questions[field].option_label(value, audience) for value in values), field, tuple(values))
                for field, values in clause.items()
            ))
            for clause in when
        )

    titles = {indication.id: indication.wording(audience).title for indication in rules.indications}
    return RulesView(
        audience=audience,
        indications=tuple(
            RuleView(id=i.id, title=i.wording(audience).title, explanation=i.wording(audience).explanation,
                     conditions=conditions(i.when), strength=i.strength,
                     strength_label=STRENGTH_LABELS[audience][i.strength], section=i.source.section,
                     quote=i.source.quote, original_quote=quotes.get(i.id, ""),
                     qualifications=tuple((q[audience], q.source.name) for q in i.qualifications))
            for i in rules.indications
        ),
        escalations=tuple(
            RuleView(id=e.id, title=e.wording(audience).title, explanation=e.wording(audience).explanation,
                     conditions=conditions(e.when), unless=tuple(titles[i] for i in e.unless_matched),
                     source=e.source.name)
            for e in rules.escalations
        ),
        outcomes=tuple((outcome, label, rules.outcomes[outcome][audience])
                       for outcome, label in OUTCOME_LABELS[audience].items()),
        waiting=tuple((questions["age_bracket"].option_label(bracket, audience),
                       rules.waiting.revisit_after_months.get(bracket))
                      for bracket in ALLOWED["age_bracket"]),
        see_sooner_if=tuple(rules.waiting.see_sooner_if[audience]),
        see_sooner_source=rules.waiting.see_sooner_if.source.name,
        context=tuple(context.topics_for(audience)),
    )


def rules_view(audience: Audience) -> RulesView:
    """The rules page in the request's language, built from the running app's state."""
    state, domain = hsg(), localised()
    view = build_rules_view(domain.shown_rules, domain.context,
                            {question.field: question for question in domain.questions}, audience,
                            original=state.settings.rules if domain.language != SOURCE_LANGUAGE else None)
    return replace(view, translations=tuple(
        TranslationView(code, ENDONYMS[code], tuple(state.localised(code).reviews.items()))
        for code in LANGUAGES if code != SOURCE_LANGUAGE))
