"""What the pages show beside the rules: clinical context and the review record.

Loaded once, in the app factory, and handed to templates. The engine and the
API never see any of it, so it cannot change an assessment.
"""

from dataclasses import dataclass

from triage.core.clinical_context import ClinicalContext, load_clinical_context
from triage.core.ruleset import RuleSet
from triage.core.signoff import ReviewStatus, SignoffRecord, load_signoff


@dataclass(frozen=True)
class Governance:
    context: ClinicalContext
    signoff: SignoffRecord
    rules_review: ReviewStatus
    context_review: ReviewStatus


def load_governance(rules: RuleSet) -> Governance:
    context = load_clinical_context()
    signoff = load_signoff()
    return Governance(
        context=context,
        signoff=signoff,
        rules_review=signoff.status("rule_set", rules.version, rules.content_hash),
        context_review=signoff.status("clinical_context", context.version, context.content_hash),
    )
