"""The result page, joined from stored parts rather than rendered per request (issue 16).

Every block of a result is a function of a few finite keys: an indication's card by the
indication, an escalation by its id, a context topic, an answer row by its one answer, the page's
chrome by register and outcome; each also by the page key (language, chosen `?lang`, prefix,
frame). The markup is in templates: the chrome in result.html (extending base.html), the content's
parts in _result_parts.html. Each part is rendered the first time its key is seen and kept for the
app's life (web/fragments.py's store, bounded); what is left per request is choosing the parts in
each register's order and joining them. benchmarks/profile_requests.py has the figures.

Filled in per request, all HTML already: the answers as hidden inputs (escaped once per value, in
views.py), the open questions' names in the referral summary's "Unsure or withheld" line and
today's date where a part shows it (both escaped here), so that no stored part is keyed by a date. No stored part holds more than one answer value (tests/test_fragments.py).
"""

from flask import render_template
from markupsafe import escape

from triage.web.fragments import SLOT, Parts, fill, slot
from triage.web.lists import as_list
from triage.web.views import ResultView


def render_result(result: ResultView) -> str:
    part = Parts("_result_parts.html", audience=result.audience)
    shell = part.kept(("shell", result.audience, result.outcome), lambda: tuple(render_template(
        "result.html", result=result, audience=result.audience,
        hidden_inputs=slot("hidden_inputs"), content=slot("content")).split(SLOT)))
    content = _clinician(part, result) if result.clinician else _patient(part, result)
    content += _actions(part, result)
    return fill(shell, hidden_inputs=result.hidden_inputs, content="".join(content))


def _patient(part: Parts, r: ResultView) -> list[str]:
    """The answer, then why, then what the test involves."""
    out = [_outcome(part, r)]
    # When open answers could change the outcome, the heading says so and what each could change follows it.
    if r.open_questions and not r.settled:
        out += _open_questions(part, r)
    if r.escalations:
        out += [part("escalations_head"), *[part("escalation", e) for e in r.escalations], part("section_end")]
    if r.indications:
        out += [part("reasons_head"), *[part("reason", i) for i in r.indications], part("section_end")]
    if r.open_questions and r.settled:
        out += _open_questions(part, r)
    out += [part("topic_section", topic, None, False) for topic in r.notes]
    if r.hsg_in_play:
        out += [part("topic_section", topic, "warning-callout", False) for topic in r.before_test]
        out.append(part("during_the_test", r.audience))
        out += [part("topic_section", topic, "after-test", False) for topic in r.after_test]
    out.append(part("sources_head"))
    if r.indications:
        out += [part("sources_sections", r.source_sections), *[part("source_quote", i) for i in r.indications],
                part("list_end")]
    if r.guideline_sources:
        out += [part("guideline_sources_head"), *[part("guideline_source", name) for name in r.guideline_sources],
                part("list_end")]
    out.append(part("sources_tail", r.disclaimer))
    out.append(_with_code(part, "answer_code_section", r, r.audience))
    return out + _answers(part, r)


def _clinician(part: Parts, r: ResultView) -> list[str]:
    """The facts at a glance, the referral summary, the checklist, then the detail."""
    out = [_outcome(part, r), part("summary_head", r.escalations), part("summary_indications", bool(r.indications))]
    out += [part("summary_indication", i) for i in r.indications]
    out.append(part("summary_interval", bool(r.indications), r.revisit_after_months, bool(r.escalations)))
    # The names together would be several answers in one key: put in the language's list form here.
    out.append(escape(as_list(item.question for item in r.open_questions)))
    out.append(part("summary_tail", bool(r.open_questions)))
    out += _referral_letter(part, r)
    out += [part("topic_section", topic, "checklist", True) for topic in r.checklist]
    out.append(part("clinician_decision", r.disclaimer))
    if r.escalations:
        out += [part("detail_escalations_head"), *[part("detail_escalation", e) for e in r.escalations],
                part("details_end")]
    if r.indications:
        out += [part("detail_indications_head"), *[part("detail_indication", i) for i in r.indications],
                part("details_end")]
    if r.open_questions:
        out += [part("detail_open_head"), *[part("detail_open", item) for item in r.open_questions],
                part("detail_open_tail")]
    out.append(part("context_head"))
    out += [part("context_topic", topic) for topic in (*r.notes, *r.before_test, *r.after_test)]
    if r.other_context:
        out += [part("other_context_head"), *[part("other_context_topic", topic) for topic in r.other_context]]
    out.append(part("context_tail", r.audience))
    return out + _answers(part, r)


def _referral_letter(part: Parts, r: ResultView) -> list[str]:
    """The referral summary's plain text, a line per part."""
    out = [fill(part.split("letter_head", r.outcome, r.settled, r.timing, r.next_step, slots=("date",), result=r),
                date=_date(r))]
    if r.escalations:
        out += [part("letter_escalations_head"), *[part("letter_escalation", e) for e in r.escalations]]
    out.append(part("letter_indications_head", bool(r.indications)))
    out += [part("letter_indication", i) for i in r.indications]
    out.append(part("letter_answers_head", r.revisit_after_months))
    out += [part("letter_answer", row) for row in r.answers]
    if r.open_questions:
        # The names together would be several answers in one key: put in the language's list form here.
        names = escape(as_list(item.question.lower() for item in r.open_questions))
        out.append(fill(part.split("letter_open", slots=("names",)), names=names))
    out.append(_with_code(part, "letter_code", r))
    out.append(part("letter_tail", r.source_sections))
    return out


def _with_code(part: Parts, name: str, r: ResultView, *key) -> str:
    """A part that shows the answer code: stored with a hole, the code filled in per request. The code holds
    every answer together, so no stored part may (tests/test_fragments.py)."""
    return fill(part.split(name, *key, slots=("code",)), code=escape(r.answer_code))


def _outcome(part: Parts, r: ResultView) -> str:
    return fill(part.split("outcome", r.outcome, r.audience, r.settled, r.timing, r.next_step,
                           slots=("date",), result=r), date=_date(r))


def _date(r: ResultView) -> str:
    """Today's date, filled into the parts that show it, so that no key holds a date: escaped as the
    template's `{{ date }}` would escape it."""
    return str(escape(r.date))


def _open_questions(part: Parts, r: ResultView) -> list[str]:
    return [part("open_questions_head", r.audience), *[part("open_question", item) for item in r.open_questions],
            part("open_questions_tail")]


def _answers(part: Parts, r: ResultView) -> list[str]:
    return [part("answers_head", r.audience), *[part("answer_row", row) for row in r.answers_as_asked],
            part("answers_tail")]


def _actions(part: Parts, r: ResultView) -> list[str]:
    """Change the answers, start again, the other register: the forms re-post the answers."""
    out = [part("change_answers", r.audience), r.hidden_inputs, part("change_answers_button", r.audience),
           r.hidden_inputs, part("register_switch_button", r.audience)]
    if r.clinician:
        out.append(fill(part.split("stamp", slots=("date",)), date=_date(r)))
    return out
