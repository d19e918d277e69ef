"""HSG indication helper: explains when an HSG is commonly recommended, and defers to a clinician.

`create_app` is the table of contents: the settings, the domain built from
them (the core wing, kept in the app's state), the web, API and integration
wings, then where the app is mounted. See docs/architecture.md.
"""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from triage import api, integrations, web
from triage.config import ConfigError, load_settings
from triage.core.resources import resource_dir
from triage.state import build_state, install

__all__ = ["ConfigError", "create_app"]

#: Requests larger than this are refused with 413: six short answers fit in well under 1 KiB.
MAX_CONTENT_LENGTH = 8 * 1024


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides the environment (HSG_* settings) and Flask's config."""
    overrides = dict(config or {})
    settings = load_settings({**os.environ, **{k: v for k, v in overrides.items() if k.startswith("HSG_")}})

    app = Flask(__name__, template_folder=str(resource_dir("templates")), static_folder=str(resource_dir("static")))
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE=MAX_CONTENT_LENGTH)
    app.config.update({k: v for k, v in overrides.items() if not k.startswith("HSG_")})

    install(app, build_state(settings))
    web.init_app(app)
    api.init_app(app)
    integrations.init_app(app)
    web.finish(app)
    return app
