"""Clinic-system integrations: FHIR (Questionnaire, $assess, conformance) and CDS Hooks (cards, feedback, metrics)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from triage.integrations import cds_hooks, fhir, metrics

    app.register_blueprint(fhir.bp)
    app.register_blueprint(cds_hooks.bp)
    metrics.register(app)
