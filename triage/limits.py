"""The request-size limit, for streamed (chunked) bodies too.

Flask refuses a body whose Content-Length is over MAX_CONTENT_LENGTH. A
chunked body has no Content-Length: gunicorn marks such streams as
terminated, and Werkzeug then reads up to the limit and silently stops, so an
oversized form would be cut short and answered as if it were complete.
Reading it here first turns that into the same 413 as a declared length.
"""

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge


def register(app: Flask) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]

    @app.before_request
    def _refuse_oversized_streams() -> None:
        if limit is None or request.content_length is not None:
            return
        if "wsgi.input_terminated" not in request.environ:
            return  # Werkzeug gives an unterminated stream of unknown length no body at all
        # Cached, so the form parser and the API read the same bytes again.
        if len(request.get_data(cache=True)) >= limit:
            raise RequestEntityTooLarge()
