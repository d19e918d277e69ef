"""What every template may use: settings, the rule set, labels, and URL helpers. Values, not domain calls."""

from flask import Flask, request, url_for

from triage.state import hsg
from triage.web import labels


def register(app: Flask) -> None:
    state = hsg(app)
    settings = state.settings

    # Fixed for the app's lifetime, so globals rather than a context processor:
    # imported macros see them without `with context`, which would make Jinja
    # re-run the imported template on every render.
    app.jinja_env.globals.update(
        settings=settings, rules=settings.rules, outcome_labels=labels.OUTCOME_LABELS,
        strength_labels=labels.STRENGTH_LABELS, review_states=labels.REVIEW_STATES,
        review_states_long=labels.REVIEW_STATES_LONG, context_states=labels.CONTEXT_STATES,
        decision_labels=labels.DECISION_LABELS, not_assessed=labels.NOT_ASSESSED,
        governance=state.governance, clinical_context=state.governance.context,
    )

    @app.template_global()
    def say(key: str, audience: str) -> str:
        """A short text in a register (labels.REGISTERED): one catalogue message per register."""
        return labels.REGISTERED[key][audience]

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
        key = (request.script_root, embedded, endpoint, *values.items())
        url = built.get(key)
        if url is None:
            if embedded and endpoint.startswith("pages."):
                endpoint = "embed." + endpoint.removeprefix("pages.")
            url = url_for(endpoint, **values)
            if len(built) < 1024:
                built[key] = url
        return url

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
