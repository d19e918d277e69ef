"""Labels the product uses for its own categories, each defined once, each a catalogue message.

The outcome and strength names appear on result pages, on /rules, in the
referral summary, the text result and CDS Hooks cards: they all read them from
here. Each register's wording is its own message, with the register as
message context. Sentences about the rules (what an outcome means, what to do
next) are clinical wording and live in the rule file.
"""

from flask_babel import lazy_gettext, lazy_pgettext

OUTCOME_LABELS = {
    "patient": {
        "commonly_recommended": lazy_pgettext("patient", "An HSG is commonly suggested"),
        "may_be_considered": lazy_pgettext("patient", "An HSG may be considered"),
        "see_clinician_sooner": lazy_pgettext("patient", "Talk to a clinician now"),
        "not_yet": lazy_pgettext("patient", "Not yet the usual time for an HSG"),
        "no_indication": lazy_pgettext("patient", "None of the usual reasons for an HSG"),
    },
    "clinician": {
        "commonly_recommended": lazy_pgettext("clinician", "HSG commonly recommended"),
        "may_be_considered": lazy_pgettext("clinician", "HSG may be considered"),
        "see_clinician_sooner": lazy_pgettext("clinician", "Earlier evaluation advised"),
        "not_yet": lazy_pgettext("clinician", "Not yet indicated"),
        "no_indication": lazy_pgettext("clinician", "No listed indication"),
    },
}

STRENGTH_LABELS = {
    "patient": {"typical": lazy_pgettext("patient", "Commonly suggested"),
                "in_some_cases": lazy_pgettext("patient", "Sometimes used")},
    "clinician": {"typical": lazy_pgettext("clinician", "Typical indication"),
                  "in_some_cases": lazy_pgettext("clinician", "In some cases")},
}

#: What the tool does not assess, and a referrer must: the checks before an HSG.
NOT_ASSESSED = lazy_gettext("possible pregnancy, active pelvic infection, previous reaction to contrast dye, "
                            "current bleeding")

#: How a file's review state reads, for clinicians (rules/signoff.toml).
REVIEW_STATES = {
    "approved": lazy_gettext("approved by a clinical reviewer"),
    "pending": lazy_gettext("clinical review pending"),
    "unrecorded": lazy_gettext("not in the review record (local or edited rule set)"),
}

#: The clinical context file's review state, for clinicians.
CONTEXT_STATES = {
    "approved": lazy_gettext("approved by a clinical reviewer"),
    "pending": lazy_gettext("recorded, clinical review pending"),
    "unrecorded": lazy_gettext("not in the review record"),
}

#: A translation's review state: both a qualified medical translator and a clinician must approve it.
TRANSLATION_STATES = {
    "approved": lazy_gettext("checked by a qualified medical translator and a clinician"),
    "pending": lazy_gettext("not yet checked by a qualified medical translator and a clinician"),
    "unrecorded": lazy_gettext("not in the review record"),
}

#: A language's catalogues, as the review record names them (core/translation.py, REVIEWED).
CATALOGUE_NAMES = {
    "rules": lazy_gettext("Rule set"),
    "context": lazy_gettext("Clinical context"),
    "questions": lazy_gettext("Questions"),
    "messages": lazy_gettext("Interface"),
}

#: The rule set's review state, in full, for /about.
REVIEW_STATES_LONG = {
    "approved": lazy_gettext("approved by a clinical reviewer"),
    "pending": lazy_gettext("clinical review PENDING; no clinician has approved this version yet"),
    "unrecorded": lazy_gettext("the running rule set is not in the review record (local or edited)"),
}

#: A review record entry's decision (rules/signoff.toml).
DECISION_LABELS = {
    "authored": lazy_gettext("authored"),
    "approved": lazy_gettext("approved"),
    "changes_requested": lazy_gettext("changes requested"),
}

#: Short texts that differ by register: one message per register, with the
#: register as message context. Templates ask for them by name, with `say`.
REGISTERED = {
    key: {"patient": patient, "clinician": clinician}
    for key, patient, clinician in (
        ("next_step", lazy_pgettext("patient", "What to do next:"), lazy_pgettext("clinician", "Next step:")),
        ("cannot_tell_yet", lazy_pgettext("patient", "We cannot tell yet from your answers"),
         lazy_pgettext("clinician", "Outcome may change once the unknown answers are known")),
        ("escalations_heading", lazy_pgettext("patient", "Talk to a clinician now rather than waiting"),
         lazy_pgettext("clinician", "Guideline escalation: evaluate now rather than wait")),
        ("open_questions_title", lazy_pgettext("patient", "What you were not sure about"),
         lazy_pgettext("clinician", "Unsure or withheld answers")),
        ("open_questions_intro", lazy_pgettext("patient", "That is fine. Here is what each could change:"),
         lazy_pgettext("clinician", "What each could change:")),
        ("change_answers", lazy_pgettext("patient", "Change your answers"),
         lazy_pgettext("clinician", "Change the answers")),
        # On a page in one register: its name, and the link to the other.
        ("this_version", lazy_pgettext("patient", "For patients."), lazy_pgettext("clinician", "For clinicians.")),
        ("switch_version", lazy_pgettext("patient", "Show the version for clinicians"),
         lazy_pgettext("clinician", "Show the patient version")),
        ("indications_title", lazy_pgettext("patient", "Reasons for an HSG"), lazy_pgettext("clinician", "Indications")),
        ("applies_when", lazy_pgettext("patient", "It applies when you answer"),
         lazy_pgettext("clinician", "Matches when")),
        ("not_when", lazy_pgettext("patient", "Not when this reason already applies:"),
         lazy_pgettext("clinician", "Not when this indication matched:")),
        ("escalations_title", lazy_pgettext("patient", "When to see a clinician sooner"),
         lazy_pgettext("clinician", "Guideline escalations")),
        ("outcomes_title", lazy_pgettext("patient", "What the results mean"), lazy_pgettext("clinician", "Outcomes")),
        ("waiting_title", lazy_pgettext("patient", "When doctors usually check why you are not getting pregnant:"),
         lazy_pgettext("clinician", "Usual interval of trying, by age bracket:")),
        ("review_title", lazy_pgettext("patient", "Who checked these rules"), lazy_pgettext("clinician", "Review record")),
        ("safety_title", lazy_pgettext("patient", "Keeping you safe"), lazy_pgettext("clinician", "Clinical safety")),
        # Rule set 1.2: what usually comes first, reasons not to wait, and an outcome open answers could change.
        ("qualification", lazy_pgettext("patient", "What usually comes first:"),
         lazy_pgettext("clinician", "First or instead:")),
        ("see_sooner_if", lazy_pgettext("patient", "Do not wait: see a clinician now if any of these apply to you:"),
         lazy_pgettext("clinician", "Do not wait for the interval if:")),
        ("no_wait", lazy_pgettext("patient", "%(bracket)s: no waiting, talk to a clinician now"),
         lazy_pgettext("clinician", "%(bracket)s: no interval, evaluate now")),
        ("answer_code_title", lazy_pgettext("patient", "Your answer code"), lazy_pgettext("clinician", "Answer code")),
        ("answer_code_holds", lazy_pgettext("patient", "This code holds only your six answers and the version of the rules. It has no name and no date in it, and nothing was saved. Write it down or print this page: a clinician can enter it to see your answers again."),
         lazy_pgettext("clinician", "Holds the six answers and the rule set's major version only; nothing is stored. Enter it on the clinician form to fill the answers in again.")),
        ("cannot_tell_why", lazy_pgettext("patient", "Some answers were “not sure” or “prefer not to say”, and they could change the result. Below is what each could change."),
         lazy_pgettext("clinician", "Unknown or withheld answers could change the outcome; see what each could change below.")),
    )
}
