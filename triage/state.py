"""The app's state, in one typed place: what the factory builds once and every view reads.

`hsg()` is the only way in. Nothing else reads `app.extensions` for the app's
own state, so a reader finds every piece of it here, with its type.
"""

from dataclasses import dataclass, field
from typing import Protocol

from flask import Flask, current_app

from triage.config import Settings
from triage.core.engine import Engine
from triage.core.governance import Governance, load_governance

_KEY = "hsg"


class FeedbackCounting(Protocol):
    """What the CDS Hooks feedback endpoint needs of a counter (integrations/metrics.py)."""

    def count(self, record: dict[str, str | None]) -> None: ...


@dataclass(frozen=True)
class HSG:
    settings: Settings
    #: The rule set (settings.rules) compiled for evaluation.
    engine: Engine
    #: Clinical context and review state: what pages show beside the rules.
    governance: Governance
    #: CDS Hooks feedback counts, when HSG_METRICS is on; else None.
    feedback_counter: FeedbackCounting | None = None
    #: What a wing builds on first use and keeps for the app's life (the OpenAPI document).
    built: dict[str, object] = field(default_factory=dict, repr=False, compare=False)


def build_state(settings: Settings) -> HSG:
    """The domain, built once from validated settings: the compiled rules and what pages show beside them."""
    return HSG(settings=settings, engine=Engine(settings.rules), governance=load_governance(settings.rules))


def install(app: Flask, state: HSG) -> None:
    app.extensions[_KEY] = state


def hsg(app: Flask | None = None) -> HSG:
    """The state of `app`, or of the app handling the current request."""
    return (app or current_app).extensions[_KEY]
