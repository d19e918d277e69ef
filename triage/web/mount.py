"""Where the app is mounted: the URL prefix, the same on every server, and never an off-site one.

`HSG_URL_PREFIX` is applied here rather than by each server: granian's own
prefix option strips the prefix's length from any path, even one outside it,
and gunicorn and waitress each have their own. Here a request outside the
prefix gets 404, and the bare prefix redirects to the prefix with a slash.

Whatever sets `SCRIPT_NAME` (this prefix, a trusted proxy's
`X-Forwarded-Prefix`, or the server), the app builds every link from it, so it
must be a plain path: `//evil.example` would make every link off-site.
"""

from collections.abc import Callable, Iterable

from triage.config import PLAIN_PATH

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def _plain_response(start_response: Callable, status: str, text: str, extra: list | None = None) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store"), *(extra or [])])
    return [body]


class Mount:
    """Serve `app` under `prefix` only (a validated plain path, without a trailing slash)."""

    def __init__(self, app: WSGIApp, prefix: str):
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: dict, start_response: Callable):
        path = environ.get("PATH_INFO", "")
        if path == self.prefix:
            # Relative, so that no Host header is reflected into it.
            query = environ.get("QUERY_STRING")
            location = self.prefix + "/" + (f"?{query}" if query else "")
            return _plain_response(start_response, "308 Permanent Redirect", "", [("Location", location)])
        if not path.startswith(self.prefix + "/"):
            return _plain_response(start_response, "404 Not Found", f"Not Found: this server serves {self.prefix}/\n")
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
        environ["PATH_INFO"] = path[len(self.prefix):]
        return self.app(environ, start_response)


class PlainScriptName:
    """Refuse a request whose mount point is not a plain path (an off-site `//host`, `..`, a scheme)."""

    def __init__(self, app: WSGIApp):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable):
        script_name = environ.get("SCRIPT_NAME", "")
        if script_name and not PLAIN_PATH.fullmatch(script_name.rstrip("/")):
            return _plain_response(start_response, "400 Bad Request",
                                   "Bad Request: the URL prefix (X-Forwarded-Prefix) must be a plain path such as /hsg\n")
        return self.app(environ, start_response)
