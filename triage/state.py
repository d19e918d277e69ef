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
from triage.core.localised import Localised, localise
from triage.core.translation import LANGUAGES, SOURCE_LANGUAGE

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
    #: The domain in each language (core/localised.py), English first; same decisions in all.
    languages: dict[str, Localised] = field(default_factory=dict)
    #: CDS Hooks feedback counts, when HSG_METRICS is on; else None.
    feedback_counter: FeedbackCounting | None = None
    #: What a wing builds on first use and keeps for the app's life (the OpenAPI document).
    built: dict[str, object] = field(default_factory=dict, repr=False, compare=False)


    def localised(self, language: str) -> Localised:
        """The domain in `language`; English for a language the tool does not have."""
        return self.languages.get(language) or self.languages[SOURCE_LANGUAGE]


def build_state(settings: Settings) -> HSG:
    """The domain, built once from validated settings: the compiled rules and what pages show beside them,
    in every language."""
    governance = load_governance(settings.rules)
    languages = {language: localise(language, settings.rules, governance.context, governance.signoff,
                                    settings.clinic_contact)
                 for language in LANGUAGES}
    return HSG(settings=settings, engine=languages[SOURCE_LANGUAGE].engine, governance=governance,
               languages=languages)


def install(app: Flask, state: HSG) -> None:
    app.extensions[_KEY] = state


def hsg(app: Flask | None = None) -> HSG:
    """The state of `app`, or of the app handling the current request."""
    return (app or current_app).extensions[_KEY]
