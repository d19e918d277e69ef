"""Where the app is mounted: the URL prefix, the same on every server, and never an off-site one.

`HSG_URL_PREFIX` is applied here rather than by each server: granian's own
prefix option strips the prefix's length from any path, even one outside it,
and gunicorn and waitress each have their own. Here a request outside the
prefix gets 404, and the bare prefix redirects to the prefix with a slash.

Whatever sets `SCRIPT_NAME` (this prefix, a trusted proxy's
`X-Forwarded-Prefix`, or the server), the app builds every link from it, so it
must be a plain path: `//evil.example` would make every link off-site. It is
also bounded in length (MAX_PREFIX_LENGTH), since each prefix seen is a page
key in the fragment store. Likewise the scheme, which a trusted proxy's
`X-Forwarded-Proto` sets and which starts every absolute URL (CDS Hooks card
links): only `http` and `https`; anything else (`javascript`) is a 400, so a
misconfigured proxy is seen at once rather than quietly ignored.

These responses carry the security headers too: headers.SecurityHeaders wraps
the whole stack, this included (web.finish).
"""

from collections.abc import Callable, Iterable

from triage.config import MAX_PREFIX_LENGTH, PLAIN_PATH

#: The schemes a request may have, whatever a proxy forwards.
SCHEMES = ("http", "https")

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def _plain_response(start_response: Callable, status: str, text: str, extra: list | None = None) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                            *(extra or [])])
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
    """Refuse a request whose mount point is not a plain path (an off-site `//host`, `..`, a scheme,
    over MAX_PREFIX_LENGTH), or whose scheme is neither http nor https."""

    def __init__(self, app: WSGIApp):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable):
        script_name = environ.get("SCRIPT_NAME", "")
        if script_name and (len(script_name) > MAX_PREFIX_LENGTH
                            or not PLAIN_PATH.fullmatch(script_name.rstrip("/"))):
            return _plain_response(start_response, "400 Bad Request",
                                   "Bad Request: the URL prefix (X-Forwarded-Prefix) must be a plain path such as "
                                   f"/hsg, of at most {MAX_PREFIX_LENGTH} characters\n")
        scheme = environ.get("wsgi.url_scheme", "http")
        if scheme not in SCHEMES:
            if scheme.lower() not in SCHEMES:
                return _plain_response(start_response, "400 Bad Request",
                                       "Bad Request: the scheme (X-Forwarded-Proto) must be http or https\n")
            environ["wsgi.url_scheme"] = scheme.lower()
        return self.app(environ, start_response)
