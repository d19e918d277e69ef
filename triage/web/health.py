from flask import Blueprint

from triage.state import hsg

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    rules = hsg().settings.rules
    return {"status": "ok", "rules_version": rules.version, "rules_hash": rules.content_hash}
