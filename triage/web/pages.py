"""The web pages: the form, the result it posts to, the rule set, and about.

Registered twice (see create_app): at `/` with the site's chrome, and at
`/embed` without it, for clinics that show the flow in an iframe.
"""

from urllib.parse import parse_qsl

from flask import Blueprint, render_template, request
from flask_babel import gettext
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from triage.core.answer_code import AnswerCodeError, decode, format_code
from triage.core.answers import FIELDS, Answers
from triage.state import hsg
from triage.web.audience import audience_from_query
from triage.web.forms import answers_form
from triage.web.i18n import language
from triage.web.result_page import render_result
from triage.web.views import result_view, rules_view

bp = Blueprint("pages", __name__)


@bp.route("/", methods=["GET", "POST"], strict_slashes=False)
def form():
    """GET: an empty form. POST: the form filled in again, from 'Change your answers', or from an answer
    code (core/answer_code.py), for the reader to confirm or change each answer before the result."""
    audience = audience_from_query(request.args)
    form_class = answers_form(audience, language())
    if request.method == "POST" and "answer_code" in request.form:
        code = request.form["answer_code"][:64]
        try:
            answers = decode(code, expected_major=hsg().settings.rules.major)
        except AnswerCodeError as error:
            # Named in the page's language; the code typed is shown back only in the input, never logged.
            return render_template("form.html", form=form_class(), audience=audience, code_typed=code,
                                   code_error=gettext(error.template, **error.params)), 400
        return render_template("form.html", form=form_class(MultiDict(answers)), audience=audience,
                               code_filled=format_code(code))
    form = form_class(request.form if request.method == "POST" else None)
    return render_template("form.html", form=form, audience=audience)


@bp.post("/result")
def result():
    audience = audience_from_query(request.args)
    # Answers are read from the posted body only, never from the query string,
    # so they cannot end up in a URL, a browser history or an access log.
    answers = _complete_answers()
    if answers is None:
        # Something missing or unknown: the form again, with its messages.
        form = answers_form(audience, language())(request.form)
        if not form.validate():
            return render_template("form.html", form=form, audience=audience), 400
        answers = Answers(**form.answers())
    return render_result(result_view(answers, audience))


def _complete_answers() -> Answers | None:
    """The six answers when all are valid, else None (and the answers form says what is wrong).

    Same rule as the answers form (the questions' options are the contract's values; exactly one
    value per question), without building a form. Read from the url-encoded body a browser posts,
    with the standard library's parser, the one Werkzeug's form parser calls: building
    `request.form` costs several times the parsing of six short pairs
    (benchmarks/profile_requests.py). Any other body is left to `request.form`.
    """
    if request.mimetype != "application/x-www-form-urlencoded":
        return None
    values: dict[str, list[str]] = {field: [] for field in FIELDS}
    for name, value in parse_qsl(request.get_data(as_text=True), keep_blank_values=True):
        if name in values:
            values[name].append(value)
    if any(len(given) != 1 for given in values.values()):
        return None
    try:
        return Answers(**{field: given[0] for field, given in values.items()})
    except ValidationError:
        return None


@bp.get("/rules")
def rules():
    audience = audience_from_query(request.args)
    return render_template("rules.html", view=rules_view(audience), audience=audience)


@bp.get("/about")
def about():
    return render_template("about.html", audience=audience_from_query(request.args))
