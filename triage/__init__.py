"""HSG indication helper: explains when an HSG is commonly recommended, and defers to a clinician."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import ConfigError, load_settings
from .engine import Engine
from .mount import Mount, PlainScriptName
from .resources import resource_dir

__all__ = ["ConfigError", "create_app"]

#: Requests larger than this are refused with 413: six short answers fit in well under 1 KiB.
MAX_CONTENT_LENGTH = 8 * 1024


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides the environment (HSG_* settings) and Flask's config."""
    overrides = dict(config or {})
    settings = load_settings({**os.environ, **{k: v for k, v in overrides.items() if k.startswith("HSG_")}})

    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE=MAX_CONTENT_LENGTH)
    app.config.update({k: v for k, v in overrides.items() if not k.startswith("HSG_")})
    app.extensions["hsg"] = settings
    app.extensions["hsg_engine"] = Engine(settings.rules)

    register_blueprints(app)
    register_errorhandlers(app)
    register_template_globals(app)
    register_static_assets(app)
    register_governance(app)
    register_response_headers(app)
    register_request_limits(app)
    register_metrics(app)

    # Innermost first: whatever sets the prefix, the app sees a plain path.
    app.wsgi_app = PlainScriptName(app.wsgi_app)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=settings.trusted_proxies,
            x_proto=settings.trusted_proxies,
            x_host=settings.trusted_proxies,
            x_port=settings.trusted_proxies,
            x_prefix=settings.trusted_proxies,
        )
    if settings.url_prefix:
        app.wsgi_app = Mount(app.wsgi_app, settings.url_prefix)
    return app


def register_blueprints(app: Flask) -> None:
    from . import api, cds_hooks, fhir, health, pages

    app.register_blueprint(pages.bp)
    # The embeddable flow is the same blueprint without site chrome; because it
    # is registered under its own name, relative `url_for(".x")` keeps every
    # link and form inside the frame.
    app.register_blueprint(pages.bp, name="embed", url_prefix="/embed")
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(fhir.bp)
    app.register_blueprint(cds_hooks.bp)


def register_errorhandlers(app: Flask) -> None:
    from . import errors

    errors.register(app)


def register_template_globals(app: Flask) -> None:
    from . import presentation

    presentation.register(app)


def register_static_assets(app: Flask) -> None:
    from . import assets

    assets.register(app)


def register_governance(app: Flask) -> None:
    from . import governance

    governance.register(app)


def register_response_headers(app: Flask) -> None:
    from . import headers

    headers.register(app)


def register_request_limits(app: Flask) -> None:
    from . import limits

    limits.register(app)


def register_metrics(app: Flask) -> None:
    from . import metrics

    metrics.register(app)
