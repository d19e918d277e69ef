from flask import Blueprint, current_app

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    rules = current_app.extensions["hsg"].rules
    return {"status": "ok", "rules_version": rules.version, "rules_hash": rules.content_hash}
