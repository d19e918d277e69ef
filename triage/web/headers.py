"""Security and privacy headers on every response (see PRODUCT.md, Promises)."""

from flask import Flask, Response, current_app, request

from triage.state import hsg
from triage.web.assets import CACHEABLE_ENDPOINTS


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


def register(app: Flask) -> None:
    policy = content_security_policy(hsg(app).settings.frame_ancestors)

    @app.after_request
    def _secure(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            # Answers and results must never sit in a shared or browser cache.
            response.headers["Cache-Control"] = "no-store"
        # Belt and braces for the no-cookie promise: nothing in the app sets
        # one, and nothing added later may either.
        if "Set-Cookie" in response.headers:
            current_app.logger.error("a response tried to set a cookie; removed")
            del response.headers["Set-Cookie"]
        return response
