"""Lists in sentences, as each language writes them: never English commas and "and" glued between
translated pieces (issue 23). Babel's CLDR list patterns give "a, b, and c" / "a, b y c" / "a وb وc";
every sentence around a list is one catalogue message with a named placeholder for it.
"""

import re

from babel.lists import format_list
from flask import Flask
from flask_babel import gettext, pgettext
from markupsafe import Markup, escape

from triage.core.translation import RIGHT_TO_LEFT
from triage.web.i18n import language

#: The CLDR list styles the pages use: a list of things that all hold, or alternatives.
STYLES = {"and": "standard", "or": "or"}


def as_list(items, style: str = "and") -> str:
    """`items` as one phrase in the request's language."""
    items = [str(item) for item in items]
    return format_list(items, style=STYLES[style], locale=language()) if items else ""


def as_markup_list(items, style: str = "and") -> Markup:
    """The same for pieces of HTML (each already escaped): the list pattern's own text has no markup."""
    pieces = [str(escape(item)) for item in items]
    return Markup(format_list(pieces, style=STYLES[style], locale=language())) if pieces else Markup("")


def answered(reasons, lower: bool = False) -> str:
    """Answers that triggered a rule, each "question: answer", as one list."""
    return as_list(gettext("%(question)s: %(answer)s", question=reason.question.lower() if lower else reason.question,
                           answer=reason.answer.lower() if lower else reason.answer) for reason in reasons)


def condition_part(part, clinician: bool) -> Markup:
    """One question of a rule's condition with the answers that count (any one of them); for clinicians,
    the field and values as the rule file writes them."""
    question, answers, field, values = part
    text = Markup("{} <strong>{}</strong>").format(question, as_list(answers, "or"))
    if clinician:
        text += Markup(" <code>{} ∈ {}</code>").format(field, ", ".join(values))  # code, as the rule file has it
    return text


def sentences(items) -> str:
    """Whole sentences one after another, each ending in its own full stop (the reasons not to wait): a run of
    sentences, not a phrase joined from pieces."""
    return " ".join(str(item) for item in items)


def code(text: str) -> str:
    """A field id or answer value as Markdown code (CDS cards)."""
    return f"`{text}`"


def code_pair(reason) -> str:
    """An answer that triggered a rule, as its field and value in Markdown code (CDS cards)."""
    return f"`{reason.field}` = `{reason.value}`"


def citations(names, html: bool = True) -> Markup | str:
    """Named sources one after another. Their names hold commas of their own, so they are set apart with the
    language's semicolon (a catalogue message: Arabic writes "؛"), as a reference list is, not as a phrase;
    each name's English isolated on a right-to-left page (`html`: with `<bdi>`; else, for plain text, with
    Unicode's own isolates)."""
    separator = pgettext("list of sources", "; ")
    if html:
        return Markup(escape(separator)).join(isolate(name) for name in names)
    return separator.join(isolate_text(str(name)) for name in names)


def register(app: Flask) -> None:
    for name, function in (("as_list", as_list), ("as_markup_list", as_markup_list), ("answered", answered),
                           ("citations", citations), ("code", code), ("code_pair", code_pair),
                           ("condition_part", condition_part), ("isolate", isolate),
                           ("isolate_text", isolate_text), ("sentences", sentences)):
        app.add_template_filter(function, name)


#: A run of English inside right-to-left text: two or more Latin words, with what stands between them
#: (spaces, digits, punctuation of a title or a reference), from the first letter to the last letter,
#: digit or closing mark. A single word (HSG, PID) needs no isolating: it sits in the line as one unit.
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’.,:;&/()\[\]–-]*(?:[ \u00a0]+[\"“(]?[A-Za-z0-9][A-Za-z0-9'’.,:;&/()\[\]–-]*[\"”)]?)+")


def isolate_text(text: str) -> str:
    """Plain text (the CLI's, a referral summary's) with each run of English between Unicode's first-strong
    isolate and its pop (U+2068, U+2069) on a right-to-left page: the plain-text form of `<bdi>`."""
    if language() not in RIGHT_TO_LEFT:
        return text
    return LATIN_RUN.sub(lambda run: f"\u2068{run.group(0)}\u2069", text)


#: Markup's tags, left alone: only the text between them is isolated.
_TAG = re.compile(r"(<[^>]*>)")


def isolate(text) -> Markup:
    """Text for a page, escaped (or markup as it is), with each run of embedded English (guideline titles,
    references, names) in `<bdi lang="en">` on a right-to-left page, so that the Arabic around it keeps its
    order and the English is read as English. Unchanged on a left-to-right page."""
    escaped = escape(text)
    if language() not in RIGHT_TO_LEFT:
        return escaped
    pieces = _TAG.split(str(escaped))
    pieces[0::2] = [LATIN_RUN.sub(lambda run: f'<bdi lang="en">{run.group(0)}</bdi>', piece) for piece in pieces[0::2]]
    return Markup("".join(pieces))
