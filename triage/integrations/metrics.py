"""Optional Prometheus counts of CDS Hooks feedback (HSG_METRICS=1), summed over every worker process.

granian runs several worker processes; a plain counter would live in one of
them, and each scrape would see a different worker's share. prometheus_client's
multi-process mode has every worker write its counts to a file in
PROMETHEUS_MULTIPROC_DIR, and GET /metrics adds up all the files. Only the
labels of `feedback_record` are counted: nothing that identifies anyone.
"""

from dataclasses import replace

from flask import Blueprint, Flask, Response

from triage.state import hsg, install

COUNTER_NAME = "hsg_cds_feedback"
LABELS = ("service", "rules_version", "outcome", "override_reason")

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        CollectorRegistry,
        generate_latest,
        multiprocess,
    )

    from triage.state import hsg

    # A fresh registry per scrape: it reads every worker's file as it is now.
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(hsg().settings.metrics_dir))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Cache-Control": "no-store"})


class FeedbackCounter:
    def __init__(self) -> None:
        from prometheus_client import Counter

        # registry=None: the scrape above collects from the worker files, and
        # tests build many apps in one process.
        self._counter = Counter(COUNTER_NAME, "CDS Hooks card feedback, by outcome and override reason code.",
                                LABELS, registry=None)

    def count(self, record: dict[str, str | None]) -> None:
        self._counter.labels(**{label: record[label] or "none" for label in LABELS}).inc()


def register(app: Flask) -> None:
    """With HSG_METRICS=1 only: the counter, and GET /metrics. Without it neither exists (404)."""
    state = hsg(app)
    if state.settings.metrics_dir is None:
        return
    install(app, replace(state, feedback_counter=FeedbackCounter()))
    app.register_blueprint(bp)
