"""The web pages: the form, results, /rules, /about, /embed, errors, assets, headers, limits, health."""

from flask import Flask


def init_app(app: Flask) -> None:
    from triage.web import (
        assets,
        errors,
        fragments,
        health,
        i18n,
        lists,
        pages,
        template_globals,
    )

    i18n.init_app(app)
    fragments.init_app(app)

    app.register_blueprint(pages.bp)
    # The embeddable flow is the same blueprint without site chrome; because it
    # is registered under its own name, relative `url_for(".x")` keeps every
    # link and form inside the frame.
    app.register_blueprint(pages.bp, name="embed", url_prefix="/embed")
    app.register_blueprint(health.bp)
    errors.register(app)
    template_globals.register(app)
    lists.register(app)
    assets.register(app)


def finish(app: Flask) -> None:
    """Last, around every wing: the request-size limit on every blueprint, then where the app is mounted
    (a URL prefix, trusted proxies), then the security headers around all of it, so that the
    mount's own 404, 308 and 400 carry them too."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from triage.state import hsg
    from triage.web import headers, limits
    from triage.web.mount import Mount, PlainScriptName

    limits.register(app)

    settings = hsg(app).settings
    # Innermost first: whatever sets the prefix, the app sees a plain path.
    app.wsgi_app = PlainScriptName(app.wsgi_app)
    if settings.trusted_proxies:
        proxies = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
                                x_prefix=proxies)
    if settings.url_prefix:
        app.wsgi_app = Mount(app.wsgi_app, settings.url_prefix)
    headers.register(app)
