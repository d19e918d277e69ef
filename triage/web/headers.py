"""Security and privacy headers on every response (see PRODUCT.md, Promises).

The one place they are set: SecurityHeaders wraps the whole WSGI stack (web.finish puts it
outermost), so the mount's own answers (404 outside the prefix, 308 into it, 400 for a bad
prefix or scheme) carry them as the app's pages do.
"""

from flask import Flask

from triage.state import hsg


def content_security_policy(frame_ancestors: str) -> str:
    # Everything comes from our own origin; no script at all, so no inline
    # script can ever run; forms may only post back to us.
    return "; ".join(
        (
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            # Moot for visitors (no script may run), but crawlers' and
            # Lighthouse's robots.txt check fetches from the page: without
            # it Lighthouse cannot read /robots.txt (SEO 91 instead of 100).
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


class SecurityHeaders:
    """The security and privacy headers, added to every response of the app as it starts.

    A WSGI wrapper rather than an after-request function: the fixed headers go
    on as one list extension, instead of eight header assignments per response
    (benchmarks/profile_requests.py). Results, pages and API answers get
    `Cache-Control: no-store`; the only responses that set their own cache
    policy are the versioned assets (web/assets.py).
    """

    def __init__(self, app, policy: str, logger):
        self.app = app
        self.logger = logger
        self.fixed = [
            ("Content-Security-Policy", policy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ]

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            names = [name.lower() for name, _ in headers]
            # Belt and braces for the no-cookie promise: nothing in the app sets
            # one, and nothing added later may either.
            if "set-cookie" in names:
                self.logger.error("a response tried to set a cookie; removed")
                headers = [(name, value) for name, value in headers if name.lower() != "set-cookie"]
            headers.extend(self.fixed)
            if "cache-control" not in names:
                # Answers and results must never sit in a shared or browser cache.
                headers.append(("Cache-Control", "no-store"))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def register(app: Flask) -> None:
    """Around everything else: call last (web.finish)."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app, content_security_policy(hsg(app).settings.frame_ancestors),
                                   app.logger)
