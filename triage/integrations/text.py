"""Wording for the clinic-system integrations: the FHIR Questionnaire and conformance resources,
OperationOutcome diagnostics, and the CDS Hooks services, cards and override reasons.

Every string goes through the gettext catalogue, evaluated per call in the
request's language. The questions themselves come from the questions file;
indications, outcomes and the disclaimer from the rule set. Cards are read by
clinicians inside their record system, so card wording is in the clinician
register. A card summary must stay under 140 characters (CDS Hooks 2.0);
tests/test_cds_hooks.py checks it. Diagnostics take `str.format` values:
{link_id}, {allowed}, {system}, {questionnaire}, {version}, {media_type}, {count}.
"""

from flask_babel import gettext as _


def integration_text() -> dict:
    return {
        "questionnaire": {
            "title": _("HSG indication helper: six non-identifying questions"),
            "description": _("The six questions of the HSG indication helper. The answers are matched against a rule set that restates when a hysterosalpingography (HSG) is commonly recommended, with its sources. Education and referral signposting only; a clinician decides."),
            "publisher": _("HSG indication helper"),
        },
        "cds_service": {
            "title": _("HSG indications"),
            "description": _("When a hysterosalpingography (HSG) order is selected for a patient who has answered the HSG indication helper's questions, shows which indications for a hysterosalpingography (HSG) the latest answers match, with reasons and sources. Education and referral signposting only."),
            "source_label": _("HSG indication helper: rule set and sources"),
            "form_link_label": _("Open the HSG indication helper (answers are not carried over)"),
            "summaries": {
                "commonly_recommended": _("HSG commonly recommended: a typical indication matched the patient's latest answers."),
                "may_be_considered": _("HSG may be considered: only 'in some cases' indications matched the patient's latest answers."),
                "see_clinician_sooner": _("Evaluate now: a guideline escalation applies to the patient's latest answers (no HSG indication yet)."),
                "not_yet": _("HSG not yet indicated: the usual interval of trying to conceive has not been reached."),
                "no_indication": _("No listed HSG indication matched the patient's latest answers. This is not a clinical all-clear."),
            },
        },
        "diagnostics": {
            "not_supported_media_type": _("Send a QuestionnaireResponse as JSON with Content-Type: application/fhir+json (or application/json), not {media_type}."),
            "not_json": _("The request body is not valid JSON (UTF-8)."),
            "too_large": _("The request body is larger than this endpoint accepts."),
            "not_a_response": _("The body must be a FHIR QuestionnaireResponse resource (resourceType 'QuestionnaireResponse')."),
            "not_parameters_response": _("A Parameters body must have exactly one parameter 'response' with the QuestionnaireResponse as its resource, and may have one 'audience' (valueCode patient or clinician, the same as any audience in the URL); nothing else."),
            "wrong_questionnaire": _("This endpoint assesses responses to {questionnaire}; the response names another questionnaire or none."),
            "wrong_questionnaire_version": _("The response names version '{version}' of the questionnaire; this server has {questionnaire}. Name that version, or none, after the canonical URL."),
            "bad_status": _("status must be one of: {allowed}."),
            "items_not_a_list": _("item must be a list of answered items, one for each of: {allowed}."),
            "item_not_an_object": _("Each item must be an object with a linkId and an answer."),
            "unknown_item": _("'{link_id}' is not a question of this questionnaire; the linkIds are: {allowed}."),
            "duplicate_item": _("'{link_id}' is answered more than once; give each question exactly one item."),
            "missing_item": _("'{link_id}' is required: add an item with one answer from {system}."),
            "missing_answer": _("'{link_id}' has no answer: give exactly one answer from {system}."),
            "several_answers": _("'{link_id}' takes exactly one answer."),
            "not_a_coding": _("'{link_id}' must be answered with a valueCoding from {system}."),
            "wrong_system": _("'{link_id}' must be answered with a code from {system}."),
            "unknown_code": _("'{link_id}' has a code that is not one of the allowed codes: {allowed}."),
            "unexpected_nested_item": _("'{link_id}' has nested items; only its help text item may be echoed, without answers."),
            "not_found": _("There is no such FHIR resource or operation here. This server offers Questionnaire/hsg-indications and its $assess operation; GET metadata lists everything."),
            "method_not_allowed": _("This method is not allowed here; use {allowed}."),
            "not_acceptable": _("This server answers in FHIR JSON only (application/fhir+json): ask for JSON with _format=json or an Accept header that includes it."),
            "too_many_issues": _("Reading stopped after the first {count} problems; fix these and send the response again."),
        },
        "cds_order_sign": {
            "title": _("HSG indications (order signing)"),
            "description": _("When a hysterosalpingography (HSG) order is signed for a patient who has answered the HSG indication helper's questions, shows which indications for an HSG the latest answers match, with reasons and sources. Education and referral signposting only."),
        },
        "cds_override_reasons": {
            "already-assessed": _("Tubes and womb already assessed, or HSG already done"),
            "answers-out-of-date": _("The patient's answers are out of date"),
            "not-relevant": _("Not relevant to this order"),
            "clinical-judgement": _("Clinical judgement differs, discussed with the patient"),
        },
    }


def diagnostic(key: str, **values: str) -> str:
    return integration_text()["diagnostics"][key].format(**values)
