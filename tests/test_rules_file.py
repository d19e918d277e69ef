"""The rule file: provenance, and every kind of mistake a reviewer could make."""

import os
import re
from pathlib import Path

import pytest
from conftest import edited_copy

from triage.core.ruleset import (
    MAX_QUOTE_WORDS,
    RuleSetError,
    bundled_rules_file,
    load_rule_set,
)

REPO = Path(__file__).resolve().parent.parent
#: Where the project's CI keeps the source document: beside the checkout, in ../shared.
SOURCE_BESIDE_CHECKOUT = REPO.parent / "shared/source/hsg-and-interventional-radiology.txt"
BUNDLED = bundled_rules_file().read_text(encoding="utf-8")


def source_sections() -> dict[str, str]:
    """Heading -> text. The source has one line per heading, its text on the next line.

    The article is not ours to redistribute, so a fresh clone does not have
    it: then, and only then, the provenance check is skipped. It is strictly
    required wherever the document is present (../shared/source/, as on this
    project's CI) or named by HSG_SOURCE_DOCUMENT.
    """
    named = os.environ.get("HSG_SOURCE_DOCUMENT")
    source = Path(named) if named else SOURCE_BESIDE_CHECKOUT
    if not source.exists():
        if named:
            pytest.fail(f"HSG_SOURCE_DOCUMENT names {source}, which does not exist")
        pytest.skip("provenance not checked: the source document is not beside this clone "
                    "(../shared/source/); set HSG_SOURCE_DOCUMENT to its path to check every quote")
    lines = source.read_text(encoding="utf-8").splitlines()
    return {lines[i].strip(): lines[i + 1] for i in range(1, len(lines) - 1, 2)}


def test_every_quote_is_verbatim_in_its_named_section():
    sections = source_sections()
    rules = load_rule_set()
    for indication in rules.indications:
        section = indication.source.section
        assert section in sections, f"{indication.id}: no section headed {section!r}"
        assert indication.source.quote in sections[section], f"{indication.id}: quote not found verbatim in {section!r}"
        assert len(indication.source.quote.split()) <= MAX_QUOTE_WORDS


def test_the_bundled_rule_set_has_the_contract_indications():
    rules = load_rule_set()
    assert [(i.id, i.strength) for i in rules.indications] == [
        ("infertility", "typical"),
        ("recurrent_miscarriage", "in_some_cases"),  # rule set 1.2: qualified, the source says typical
        ("chronic_pelvic_pain", "in_some_cases"),
        ("prior_pelvic_infection", "in_some_cases"),
        ("prior_pelvic_surgery", "in_some_cases"),
    ]
    assert re.fullmatch(r"[0-9a-f]{64}", rules.content_hash)


def test_the_bundled_rule_set_has_the_contract_escalations_each_resting_on_permitted_guidelines():
    from test_clinical_context import permitted_source_names

    rules = load_rule_set()
    assert [e.id for e in rules.escalations] == ["age_40_or_over", "age_withheld", "tubal_risk_factor",
                                                 "recurrent_pregnancy_loss", "pelvic_pain"]
    permitted = permitted_source_names()
    for escalation in rules.escalations:
        assert escalation.source.names, escalation.id
        for name in escalation.source.names:
            assert name in permitted, f"{escalation.id}: {name!r} is not a permitted clinical-context source"
        for register in (escalation.patient, escalation.clinician):
            assert "now" in register.explanation, f"{escalation.id}: says to act now rather than wait"
    for indication in rules.indications:
        for qualification in indication.qualifications:
            for name in qualification.source.names:
                assert name in permitted, f"{indication.id}: {name!r} is not a permitted clinical-context source"
    for name in rules.waiting.see_sooner_if.source.names:
        assert name in permitted, f"see_sooner_if: {name!r} is not a permitted clinical-context source"


def test_the_hash_changes_with_the_content(tmp_path):
    edited = tmp_path / "rules.toml"
    version = load_rule_set().version
    edited.write_text(BUNDLED.replace(f'version = "{version}"', f'version = "{version}-edited"'), encoding="utf-8")
    assert load_rule_set(edited).content_hash != load_rule_set().content_hash
    assert load_rule_set(edited).version == f"{version}-edited"


MISTAKES = {
    "unknown field": (
        'pelvic_pain = ["yes"]\n\n[indications.source]',
        'pelvic_ache = ["yes"]\n\n[indications.source]',
        ["chronic_pelvic_pain", "unknown field 'pelvic_ache'"],
    ),
    "unknown value": (
        'pregnancy_losses = ["two", "three_or_more"]',
        'pregnancy_losses = ["two", "several"]',
        ["recurrent_miscarriage", "unknown value 'several' for pregnancy_losses"],
    ),
    "duplicate id": ('id = "prior_pelvic_surgery"', 'id = "prior_pelvic_infection"', ["duplicate indication id 'prior_pelvic_infection'"]),
    "missing source": (
        '[indications.source]\nsection = "When is an HSG Recommended?"\nquote = "In some cases',
        '[indications.origin]\nsection = "When is an HSG Recommended?"\nquote = "In some cases',
        ["chronic_pelvic_pain", "source: missing (required)"],
    ),
    "empty quote": (
        'quote = "Recurrent Miscarriage is another',
        'quote = ""\nnote = "Recurrent Miscarriage is another',
        ["recurrent_miscarriage", "source.quote"],
    ),
    "long quote": (
        'quote = "If a couple has been trying',
        'quote = "' + "word " * 41 + 'If a couple has been trying',
        ["infertility", "at most 40"],
    ),
    "unknown strength": ('id = "chronic_pelvic_pain"\nstrength = "in_some_cases"', 'id = "chronic_pelvic_pain"\nstrength = "sometimes"',
                         ["chronic_pelvic_pain", "strength"]),
    "in some cases without a qualification": (
        'source.names = [\n    \'NICE clinical guideline CG156, "Fertility problems: assessment and treatment" (2013, updated 2017)\',\n]\npatient = "The tubes may be harmed',
        'when = [{ months_trying = ["under_6"] }]\nsource.names = [\n    \'NICE clinical guideline CG156, "Fertility problems: assessment and treatment" (2013, updated 2017)\',\n]\npatient = "The tubes may be harmed',
        ["prior_pelvic_infection", "qualifications, the last without `when`"]),
    "unknown key": ('[indications.patient]\ntitle = "Past surgery', '[indications.patient]\ncolour = "red"\ntitle = "Past surgery', ["prior_pelvic_surgery", "colour: unknown key"]),
    "a waiting age bracket that does not exist": ('35_to_39 = 6\nprefer_not_to_say = 6', '35_to_39 = 6\nover_40 = 6',
                                                  ["unknown age bracket 'over_40'"]),
    "open question missing": ('[open_questions.pelvic_pain]', '[open_questions.pelvic_ache]', ["open_questions"]),
    "escalation without a source": (
        '[escalations.source]\nnames = [\n    \'NICE',
        '[escalations.origin]\nnames = [\n    \'NICE',
        ["escalation 'tubal_risk_factor'", "source: missing (required)"],
    ),
    "escalation naming no guideline": (
        "names = [\n    'ASRM committee opinion, \"Fertility evaluation of infertile women\" (Fertil Steril 2021;116:1255–65)',\n    \"ACOG",
        "names = []\nold = [\n    'ASRM committee opinion, \"Fertility evaluation of infertile women\" (Fertil Steril 2021;116:1255–65)',\n    \"ACOG",
        ["escalation 'age_40_or_over'", "source"],
    ),
    "escalation with an unknown value": ('age_bracket = ["40_or_over"]\nmonths_trying', 'age_bracket = ["over_40"]\nmonths_trying',
                                        ["escalation 'age_40_or_over'", "unknown value 'over_40' for age_bracket"]),
    "escalation unless an unknown indication": ('id = "tubal_risk_factor"\n', 'id = "tubal_risk_factor"\nunless_matched = ["subfertility"]\n',
                                                ["tubal_risk_factor", "'subfertility', which is not an indication id"]),
    "escalation id clashing with an indication": ('id = "tubal_risk_factor"', 'id = "prior_pelvic_surgery"',
                                                  ["'prior_pelvic_surgery' is used twice"]),
    "next step with an unknown timing": ('timing = "if_concerned"', 'timing = "whenever"', ["next_steps", "timing"]),
    "a timing without a last entry for every answer set": (
        'timing = "book"\npatient', 'timing = "book"\nfertility_question = true\npatient',
        ["timing 'book' must end with one that has neither"]),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_stops_loading_with_a_message_naming_file_rule_and_problem(tmp_path, mistake):
    old, new, named = MISTAKES[mistake]
    path = edited_copy(tmp_path, "local-rules.toml", BUNDLED, old, new)
    with pytest.raises(RuleSetError) as raised:
        load_rule_set(path)
    message = str(raised.value)
    assert message.startswith(str(path)), message
    for part in named:
        assert part in message, message


def test_leaving_out_the_escalations_is_refused_unless_said_explicitly(tmp_path):
    """Guideline escalations are only ever dropped on purpose: `escalations = []`, visible in review."""
    start, end = BUNDLED.index("[[escalations]]"), BUNDLED.index("[fertility_question]")
    left_out = tmp_path / "no-escalations.toml"
    left_out.write_text(BUNDLED[:start] + BUNDLED[end:], encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"rule set: escalations: missing \(required\)"):
        load_rule_set(left_out)
    explicit = tmp_path / "explicitly-none.toml"
    # A top-level key must come before the first [table] in TOML.
    explicit.write_text("escalations = []\n" + BUNDLED[:start] + BUNDLED[end:], encoding="utf-8")
    assert load_rule_set(explicit).escalations == []


def test_not_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[rule_set\nname = 1", encoding="utf-8")
    with pytest.raises(RuleSetError, match="not valid TOML"):
        load_rule_set(path)


def test_missing_file(tmp_path):
    with pytest.raises(RuleSetError, match="cannot read the rule set file"):
        load_rule_set(tmp_path / "absent.toml")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(BUNDLED.replace("HSG indications", "HSG indicaçöes").encode("latin-1", "replace"))
    with pytest.raises(RuleSetError, match="not UTF-8"):
        load_rule_set(path)
