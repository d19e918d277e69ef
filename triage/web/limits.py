"""The request-size limit, for streamed (chunked) bodies too.

Flask refuses a body whose Content-Length is over the limit. A chunked body
has no Content-Length: gunicorn marks such streams as terminated, and Werkzeug
then reads up to the limit and silently stops, so an oversized form would be
cut short and answered as if it were complete, and a body of exactly the limit
could not be told from a longer one. Reading one byte past the limit here
turns an oversized stream into the same 413 as a declared length, and gives
the views a body of known length. (Under granian, rsgi_bridge.py has already
read the body and declared its length.)
"""

from io import BytesIO

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge


def _refuse_oversized_streams() -> None:
    environ = request.environ
    # Runs on every request, so the cheapest test first. Only a stream the server marks as
    # terminated can carry a body without a Content-Length (Werkzeug gives an unterminated stream
    # of unknown length no body at all), and Flask refuses a declared length over the limit itself.
    if "wsgi.input_terminated" not in environ or request.content_length is not None:
        return
    limit = request.max_content_length  # the app's, or a blueprint's own (see integration_http.limit_body)
    if limit is None:
        return
    # Before Werkzeug wraps the stream (it would stop at the limit), so one
    # byte more says whether the body is over it.
    body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


def register(app: Flask) -> None:
    """Call after every blueprint is registered.

    The check runs last among each blueprint's before-request functions, so
    that a blueprint that sets its own limit has done so; an app-wide
    before-request function would run before them.
    """
    for name in app.blueprints:
        app.before_request_funcs.setdefault(name, []).append(_refuse_oversized_streams)
