"""What every template may use: settings, the rule set, questions, and URL helpers."""

from flask import Flask, request, url_for

from .questions import questions_by_field


def register(app: Flask) -> None:
    settings = app.extensions["hsg"]
    questions = questions_by_field()

    @app.context_processor
    def _globals():
        return {
            "settings": settings,
            "rules": settings.rules,
            "questions": questions,
            "embedded": request.blueprint == "embed",
        }

    @app.template_global()
    def answer_label(field: str, value: str) -> str:
        return questions[field].option_label(value)

    @app.template_global()
    def page_url(endpoint: str, **values) -> str:
        """`url_for` that keeps an embedded visitor inside /embed where a page exists there."""
        if request.blueprint == "embed" and endpoint.startswith("pages."):
            endpoint = "embed." + endpoint.removeprefix("pages.")
        return url_for(endpoint, **values)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
