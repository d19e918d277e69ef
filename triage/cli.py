"""The `hsg-triage` command: assess answers, list or check rule sets, serve the app."""

import sys

import click
from flask import render_template

from triage.config import ConfigError
from triage.core.answer_code import AnswerCodeError, decode
from triage.core.answers import ALLOWED, AUDIENCES, FIELDS, Answers
from triage.core.ruleset import RuleSetError, load_rule_set
from triage.core.translation import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    compile_catalogues,
    english_versions,
    review_pack,
    write_templates,
)
from triage.serve import BODY_TIMEOUT, HTTP_MODES, SERVERS
from triage.state import hsg
from triage.web.views import result_view


def _app(**settings: str):
    from triage import create_app

    try:
        return create_app(settings)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(help="HSG indication helper: education and referral signposting. A clinician decides.")
def main() -> None:
    pass


def _answer_options(command):
    # Each required unless --code gives them all (checked in the command: click cannot say "either").
    for field in reversed(FIELDS):
        command = click.option(
            "--" + field.replace("_", "-"),
            field,
            type=click.Choice(ALLOWED[field]),
            help="Required unless --code is given.",
        )(command)
    return command


def _answers(code: str | None, given: dict[str, str | None], major: int) -> Answers:
    """The answers from the six options, or from an answer code instead; a clear error otherwise."""
    named = {field: value for field, value in given.items() if value is not None}
    if code is not None:
        if named:
            raise click.UsageError("give either the six answers or --code, not both")
        try:
            return Answers(**decode(code, expected_major=major))
        except AnswerCodeError as error:
            raise click.BadParameter(str(error), param_hint="--code") from None
    if missing := [field for field in FIELDS if field not in named]:
        raise click.UsageError("missing: " + ", ".join("--" + field.replace("_", "-") for field in missing)
                               + " (or give --code)")
    return Answers(**named)


@main.command()
@_answer_options
@click.option("--audience", type=click.Choice(AUDIENCES), default="patient", show_default=True)
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default=SOURCE_LANGUAGE, show_default=True,
              help="Language of the wording (decisions never depend on it).")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON instead of text.")
@click.option("--code", help="An answer code from a result (such as 101-V2A) instead of the six answers.")
def assess(audience: str, language: str, as_json: bool, code: str | None, **given: str | None) -> None:
    """Assess one set of answers, as the web form and the API do."""
    app = _app()
    answers = _answers(code, given, hsg(app).settings.rules.major)
    if as_json:
        click.echo(hsg(app).localised(language).assess(answers, audience).model_dump_json(indent=2))
        return
    # The text is the result page's view, rendered as a request in that language would render it.
    with app.test_request_context(query_string={"lang": language}):
        click.echo(render_template("assessment.txt", result=result_view(answers, audience), audience=audience))


@main.group()
def translations() -> None:
    """Maintain the translations (for the team and reviewers)."""


@translations.command()
def refresh() -> None:
    """Write the data files' gettext templates and compile every language's catalogues."""
    for path in [*write_templates(), *compile_catalogues()]:
        click.echo(path)


@translations.command("review-pack")
@click.argument("language", type=click.Choice([code for code in LANGUAGES if code != SOURCE_LANGUAGE]))
def review_pack_command(language: str) -> None:
    """Print the side-by-side review pack of LANGUAGE (Markdown)."""
    domain = hsg(_app()).languages[SOURCE_LANGUAGE]
    click.echo(review_pack(language, english_versions(domain.rules.version, domain.context.version)), nl=False)


@main.command()
@click.option("--check", "check_file", type=click.Path(dir_okay=False), help="Validate this rule file and exit.")
def rules(check_file: str | None) -> None:
    """List the rule set in use, or check a rule file."""
    if check_file:
        try:
            rule_set = load_rule_set(check_file)
        except RuleSetError as error:
            click.echo(f"invalid: {error}", err=True)
            sys.exit(1)
        click.echo(f"ok: {check_file}: {rule_set.rule_set.name} {rule_set.version} sha256 {rule_set.content_hash}")
        return
    rule_set = hsg(_app()).settings.rules
    click.echo(f"{rule_set.rule_set.name} {rule_set.version} sha256 {rule_set.content_hash}")
    for indication in rule_set.indications:
        click.echo(f"{indication.id:<24} {indication.strength:<14} {indication.clinician.title}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="IP address (or name) to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes [default: one per core].")
@click.option("--server", type=click.Choice(SERVERS),
              help="WSGI server [default: granian; waitress on Windows]. See docs/deployment.md.")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Threads per worker (gunicorn-gthread) or per core (waitress).")
@click.option("--prefix", help="URL path to serve the app under, such as /hsg (overrides HSG_URL_PREFIX).")
@click.option("--http", type=click.Choice(HTTP_MODES), default="1", show_default=True,
              help="HTTP version: 1, or 2 / auto to accept cleartext HTTP/2 too (granian only).")
@click.option("--body-timeout", type=click.FloatRange(1, 300), default=BODY_TIMEOUT, show_default=True,
              help="Seconds a client has to send a request body (granian; gunicorn and waitress: idle time).")
def serve(host: str, port: int, workers: int | None, server: str | None, threads: int, prefix: str | None,
          http: str, body_timeout: float) -> None:
    """Serve the web app on a production WSGI server."""
    from triage.serve import ServeError, default_workers
    from triage.serve import serve as run
    from triage.serve.listen import AddressError

    app = _app(**({"HSG_URL_PREFIX": prefix} if prefix is not None else {}))
    settings = hsg(app).settings
    try:
        # Checks the address and the options before the banner, so that a
        # failure is the only line printed.
        run(app, host, port, workers or default_workers(), server, threads, http, body_timeout,
            on_ready=lambda address: click.echo(
                f"Serving the HSG indication helper on {_origin(address, port)}{settings.url_prefix}/ (Ctrl+C to stop)",
                err=True))
    except (ServeError, AddressError) as error:
        raise click.ClickException(str(error)) from None


def _origin(address: str, port: int) -> str:
    return f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}"
