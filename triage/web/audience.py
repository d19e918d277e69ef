"""The register a page or response is asked for, from `?audience=`: patient (default) or clinician."""

from flask_babel import gettext
from werkzeug.exceptions import BadRequest

from triage.core.answers import AUDIENCES, DEFAULT_AUDIENCE, Audience


def audience_from_query(args) -> Audience:
    value = args.get("audience", DEFAULT_AUDIENCE)
    if value not in AUDIENCES:
        raise BadRequest(gettext("audience must be one of: %(values)s", values=", ".join(AUDIENCES)))
    return value


def audience_or_default(args) -> Audience:
    """For an error page: the register asked for if it is one, else the default (never a second error)."""
    value = args.get("audience")
    return value if value in AUDIENCES else DEFAULT_AUDIENCE
