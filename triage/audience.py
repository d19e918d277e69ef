"""Which register a page or response is written in: patient (default) or clinician."""

from typing import get_args

from werkzeug.exceptions import BadRequest

from .answers import Audience

AUDIENCES: tuple[str, ...] = get_args(Audience)
DEFAULT_AUDIENCE: Audience = "patient"


def audience_from_query(args) -> Audience:
    value = args.get("audience", DEFAULT_AUDIENCE)
    if value not in AUDIENCES:
        raise BadRequest(f"audience must be one of: {', '.join(AUDIENCES)}")
    return value
