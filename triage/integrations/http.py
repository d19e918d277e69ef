"""HTTP details shared by the integration blueprints (FHIR, CDS Hooks).

CORS: browser-based record systems and CDS clients call these endpoints from
another origin (CDS Hooks 2.0, "Cross-Origin Resource Sharing"). A wildcard
origin is safe here because nothing is behind a credential: the app sets no
cookies, reads no identity, and answers only from what the request carries.
`Access-Control-Allow-Credentials` is therefore never sent.
"""

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

#: Every method a catch-all route must see, so that it can answer 404 or 405 itself.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
#: Each integration blueprint names its catch-all view so; it is not a real route.
CATCH_ALL = "elsewhere"


def allow_cross_origin(bp: Blueprint) -> None:
    @bp.after_request
    def _cors(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        if request.method == "OPTIONS":
            # Flask's automatic Allow would also list the catch-all's methods.
            methods = ", ".join([*allowed_methods(), "OPTIONS"])
            response.headers["Allow"] = response.headers["Access-Control-Allow-Methods"] = methods
            # CDS clients send their JWT in Authorization; a wildcard in
            # Allow-Headers would not cover it, so it is named.
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept"
            response.headers["Access-Control-Max-Age"] = "600"
        return response


def limit_body(bp: Blueprint, max_bytes: int) -> None:
    """Raise the app-wide request-size limit for this blueprint's routes only."""

    @bp.before_request
    def _limit() -> None:
        request.max_content_length = max_bytes


def allowed_methods() -> list[str]:
    """Methods that a real (not catch-all) route accepts at this path: a wrong method is a 405, not a 404."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint.rpartition(".")[2] != CATCH_ALL:
            allowed.append(method)
    return allowed
