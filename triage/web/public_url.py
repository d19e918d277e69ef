"""Absolute URLs, for the few places that need one (CDS Hooks cards).

A client chooses the Host header: reflected into a card, it would put a host
of the client's choosing into a record system. So absolute URLs come from
`HSG_PUBLIC_URL` when it is set, else from a Host that is a plain host name.
Everything else the app links or redirects to is a path (mount.py).
"""

import re

from flask import request, url_for
from werkzeug.exceptions import BadRequest

from triage.state import hsg

_PLAIN_HOST = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def absolute_url_for(endpoint: str, **values) -> str:
    path = url_for(endpoint, **values)
    public_url = hsg().settings.public_url
    if public_url:
        # HSG_PUBLIC_URL names the app's root, prefix included.
        return public_url + path.removeprefix(request.script_root)
    if not _PLAIN_HOST.fullmatch(request.host):
        raise BadRequest("The Host header is not a host name.")
    return f"{request.scheme}://{request.host}{path}"

