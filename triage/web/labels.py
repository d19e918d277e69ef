"""Labels the product uses for its own categories, each defined once.

The outcome and strength names appear on result pages, on /rules, in the
referral summary, the text result and CDS Hooks cards: they all read them from
here. Sentences about the rules (what an outcome means, what to do next) are
clinical wording and live in the rule file.
"""

from triage.core.answers import Audience

OUTCOME_LABELS: dict[Audience, dict[str, str]] = {
    "patient": {
        "commonly_recommended": "An HSG is commonly suggested",
        "may_be_considered": "An HSG may be considered",
        "see_clinician_sooner": "Talk to a clinician now",
        "not_yet": "Not yet the usual time for an HSG",
        "no_indication": "None of the usual reasons for an HSG",
    },
    "clinician": {
        "commonly_recommended": "HSG commonly recommended",
        "may_be_considered": "HSG may be considered",
        "see_clinician_sooner": "Earlier evaluation advised",
        "not_yet": "Not yet indicated",
        "no_indication": "No listed indication",
    },
}

STRENGTH_LABELS: dict[Audience, dict[str, str]] = {
    "patient": {"typical": "Commonly suggested", "in_some_cases": "Sometimes used"},
    "clinician": {"typical": "Typical indication", "in_some_cases": "In some cases"},
}

#: What the tool does not assess, and a referrer must: the checks before an HSG.
NOT_ASSESSED = "possible pregnancy, active pelvic infection, previous reaction to contrast dye, current bleeding"

#: How a file's review state reads, for clinicians (rules/signoff.toml).
REVIEW_STATES = {
    "approved": "approved by a clinical reviewer",
    "pending": "clinical review pending",
    "unrecorded": "not in the review record (local or edited rule set)",
}
