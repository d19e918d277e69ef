"""What every template may use: settings, the rule set, labels, and URL helpers. Values, not domain calls."""

from flask import Flask, request, url_for
from jinja2 import pass_context

from triage.core.translation import ENDONYMS, LANGUAGES, SOURCE_LANGUAGE
from triage.state import hsg
from triage.web import labels
from triage.web.audience import audience_or_default
from triage.web.i18n import asked_language, in_language, language, localised, shown_context, shown_rules


def register(app: Flask) -> None:
    state = hsg(app)
    settings = state.settings

    # Fixed for the app's lifetime, so globals rather than a context processor:
    # imported macros see them without `with context`, which would make Jinja
    # re-run the imported template on every render.
    app.jinja_env.globals.update(
        # The rule set and context in the request's language (proxies: macros see them without context).
        settings=settings, rules=shown_rules, outcome_labels=labels.OUTCOME_LABELS,
        strength_labels=labels.STRENGTH_LABELS, review_states=labels.REVIEW_STATES,
        review_states_long=labels.REVIEW_STATES_LONG, context_states=labels.CONTEXT_STATES,
        decision_labels=labels.DECISION_LABELS, not_assessed=labels.NOT_ASSESSED,
        translation_states=labels.TRANSLATION_STATES,
        catalogue_names=labels.CATALOGUE_NAMES,
        governance=state.governance, clinical_context=shown_context,
    )

    @app.template_global()
    @pass_context
    def say(context, key: str, audience: str) -> str:
        """A short text in a register (labels.REGISTERED): one catalogue message per register."""
        return in_language(labels.REGISTERED[key][audience], context.get("lang"))

    @app.context_processor
    def _per_request():
        return {"embedded": request.blueprint == "embed"}

    # A page builds the same handful of links on every request (url_for costs
    # several µs each); they depend only on the prefix, the frame and the
    # arguments (never on answers), so they are remembered. Bounded, because
    # the prefix comes from a header.
    built: dict[tuple, str] = {}

    @app.template_global()
    def page_url(endpoint: str, **values) -> str:
        """`url_for` that keeps an embedded visitor inside /embed where a page exists there."""
        embedded = request.blueprint == "embed"
        if "lang" not in values and (asked := asked_language()):
            values["lang"] = asked  # a language chosen with ?lang= is carried through every link and form
        key = (request.script_root, embedded, endpoint, *values.items())
        url = built.get(key)
        if url is None:
            if embedded and endpoint.startswith("pages."):
                endpoint = "embed." + endpoint.removeprefix("pages.")
            url = url_for(endpoint, **values)
            if len(built) < 1024:
                built[key] = url
        return url

    def this_page(lang: str, endpoint: str | None = None) -> str:
        """This page in another language, same register. A page with no address of its own (a
        result, an error) links to the form; the result page's switch re-posts (`endpoint`)."""
        if endpoint is None:
            endpoint = request.endpoint or ""
            if not endpoint.startswith(("pages.", "embed.")) or endpoint.endswith(".result"):
                endpoint = "pages.form"
        audience = audience_or_default(request.args)
        return page_url(endpoint, audience=audience if audience == "clinician" else None, lang=lang)

    @app.template_global()
    def language_links(endpoint: str | None = None) -> list[tuple[str, str, str]]:
        """(code, name in itself, this page in that language) for the language switch."""
        return [(code, ENDONYMS[code], this_page(code, endpoint)) for code in LANGUAGES]

    @app.template_global()
    def unreviewed_notice() -> str | None:
        """The unreviewed-translation notice for text that leaves the page (the referral summary, the CLI's
        text, a CDS card), in the request's language and in English; None in English or once reviewed."""
        return localised().notice

    @app.template_global()
    def english_version(endpoint: str | None = None) -> str | None:
        """Where the English of this page is, while the page's translation is unreviewed; else None."""
        if language() == SOURCE_LANGUAGE or localised().reviewed:
            return None
        return this_page(SOURCE_LANGUAGE, endpoint)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
