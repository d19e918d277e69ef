"""The wording catalogue: every sentence outside the reviewed data files goes through gettext.

The catalogue is `translations/messages.pot`, extracted by pybabel (see
babel.cfg and docs/architecture.md, "How to add a language"); a test checks
that it is up to date. Register-dependent wording is one message per register
with the register as message context (`pgettext("patient", ...)`).

The language is chosen from an explicit `?lang=`, then the browser's
Accept-Language, then English. Never a cookie: nothing is stored.
"""

from flask import Flask, g, request
from flask_babel import Babel, get_translations
from jinja2 import pass_context
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.local import LocalProxy

from triage.core.localised import Localised
from triage.core.resources import resource_dir
from triage.core.translation import LANGUAGES, RIGHT_TO_LEFT, SOURCE_LANGUAGE
from triage.state import hsg

DEFAULT_LANGUAGE = SOURCE_LANGUAGE


def asked_language() -> str | None:
    """The language the visitor chose with `?lang=`, which links and forms then carry; None if none (or unknown)."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else None


#: Of Accept-Language, only the first this many characters and entries are read. Browsers send a
#: handful of entries in well under 200 characters; a 15 KiB header of 7,900 entries cost about
#: 100 ms a request to parse in full (issue 26).
MAX_ACCEPT_LANGUAGE_CHARS = 2048
MAX_ACCEPT_LANGUAGE_ENTRIES = 32


def accepted_languages(header: str) -> LanguageAccept:
    """The header's first entries, within the bounds above (an entry cut by the bound is dropped)."""
    head = header[:MAX_ACCEPT_LANGUAGE_CHARS]
    if len(header) > MAX_ACCEPT_LANGUAGE_CHARS:
        head = head.rpartition(",")[0]
    entries = head.split(",", MAX_ACCEPT_LANGUAGE_ENTRIES)[:MAX_ACCEPT_LANGUAGE_ENTRIES]
    return parse_accept_header(",".join(entries), LanguageAccept)


def select_language() -> str:
    asked = asked_language()
    if asked:
        return asked
    return accepted_languages(request.headers.get("Accept-Language", "")).best_match(LANGUAGES) or DEFAULT_LANGUAGE


def language() -> str:
    """The request's language code, negotiated once per request: the pages, the parts' key and
    Flask-Babel (its locale selector is this function) all ask for it."""
    found = g.get("language")
    if found is None:
        # The code Flask-Babel's locale would be made from (the same selector), without making a
        # babel Locale: a page in the store's parts needs only the code.
        found = g.language = select_language()
    return found


def page_key() -> tuple:
    """What every stored part of a page depends on besides its own key (web/fragments.py): the
    language, a chosen `?lang` (carried in links), the URL prefix and whether the page is framed."""
    return (language(), asked_language(), request.script_root, request.blueprint == "embed")


def localised() -> Localised:
    """The domain in the request's language: its rule set, engine, context and questions."""
    return hsg().localised(language())


def in_language(text, code: str | None) -> str:
    """A label (a lazy catalogue message, web/labels.py) as text in language `code`: translated once
    per language and app, not on every page. Without a code (a macro imported without context),
    translated now and not kept."""
    if code is None:
        return str(text)
    store = hsg().built.setdefault("labels", {})
    found = store.get((id(text), code))  # labels are module constants: their ids are theirs for good
    if found is None:
        found = store[id(text), code] = str(text)
    return found


#: For templates: the rule set and clinical context in the request's language.
shown_rules = LocalProxy(lambda: localised().shown_rules)
shown_context = LocalProxy(lambda: localised().context)


def _of(context):
    """The render's translations; macros imported without context find them the slow way."""
    return context.get("translations") or get_translations()


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=language, default_translation_directories=str(resource_dir("translations")))
    # A page looks up a hundred messages or more. Flask-Babel's own template
    # callables find the request's translations again for each one; these take
    # them from the template context, found once per render.
    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, message: _of(context).ugettext(message)),
        ngettext=pass_context(lambda context, singular, plural, n: _of(context).ungettext(singular, plural, n)),
        pgettext=pass_context(lambda context, register, message: _of(context).upgettext(register, message)),
        npgettext=pass_context(lambda context, register, singular, plural, n:
                               _of(context).unpgettext(register, singular, plural, n)),
        newstyle=True,
    )

    @app.context_processor
    def _language():
        code = language()
        return {"lang": code, "text_direction": "rtl" if code in RIGHT_TO_LEFT else "ltr",
                "translations": get_translations(), "page_key": page_key()}
