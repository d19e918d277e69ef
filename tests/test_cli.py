"""The `hsg-triage` command line."""

import json

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from triage.cli import main
from triage.state import hsg


def options(answers: dict) -> list[str]:
    args = []
    for field, value in answers.items():
        args += ["--" + field.replace("_", "-"), value]
    return args


@pytest.fixture
def cli(monkeypatch):
    for name in ("HSG_RULES_FILE", "HSG_TRUSTED_PROXIES", "HSG_FRAME_ANCESTORS", "HSG_CLINIC_NAME", "HSG_CLINIC_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


@pytest.mark.parametrize("outcome", EXAMPLES)
@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_assess_json_is_the_apis_json(cli, client, outcome, audience):
    answers = EXAMPLES[outcome]
    result = cli.invoke(main, ["assess", *options(answers), "--audience", audience, "--json"])
    assert result.exit_code == 0, result.output
    api = client.post("/api/v1/assessments", json={**answers, "audience": audience}).get_json()
    assert json.loads(result.output) == api


def test_assess_text_explains_with_reasons_and_defers(cli, app):
    result = cli.invoke(main, ["assess", *options(EXAMPLES["commonly_recommended"])])
    assert result.exit_code == 0, result.output
    rules = hsg(app).settings.rules
    assert rules.outcomes["commonly_recommended"].patient in result.output
    assert "Because: Time trying to get pregnant: 12 months or more" in result.output
    assert rules.disclaimer.patient in result.output
    assert f"Rule set: HSG indications {rules.version}" in result.output


def test_assess_rejects_an_unknown_value_naming_the_option(cli):
    answers = {**EXAMPLES["not_yet"], "pelvic_pain": "sometimes"}
    result = cli.invoke(main, ["assess", *options(answers)])
    assert result.exit_code == 2
    assert "--pelvic-pain" in result.output and "'sometimes' is not one of" in result.output


def test_assess_requires_every_answer(cli):
    result = cli.invoke(main, ["assess", "--months-trying", "under_6"])
    assert result.exit_code == 2 and "missing: --age-bracket, --pregnancy-losses" in result.output and "--code" in result.output


def test_rules_lists_the_rule_set(cli):
    result = cli.invoke(main, ["rules"])
    assert result.exit_code == 0
    for indication_id in ("infertility", "recurrent_miscarriage", "chronic_pelvic_pain",
                          "prior_pelvic_infection", "prior_pelvic_surgery"):
        assert indication_id in result.output


def test_rules_check_accepts_the_bundled_file(cli):
    from triage.core.ruleset import bundled_rules_file

    result = cli.invoke(main, ["rules", "--check", str(bundled_rules_file())])
    assert result.exit_code == 0 and result.output.startswith("ok: ")


def test_rules_check_rejects_a_bad_file_naming_the_problem(cli, tmp_path):
    from triage.core.ruleset import bundled_rules_file

    bad = tmp_path / "bad.toml"
    bad.write_text(bundled_rules_file().read_text().replace('pelvic_pain = ["yes"]', 'pelvic_pain = ["often"]'))
    result = cli.invoke(main, ["rules", "--check", str(bad)])
    assert result.exit_code == 1
    assert str(bad) in result.output and "chronic_pelvic_pain" in result.output and "'often'" in result.output


def test_a_bad_setting_stops_the_cli_naming_the_variable(cli, monkeypatch):
    monkeypatch.setenv("HSG_TRUSTED_PROXIES", "many")
    result = cli.invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "HSG_TRUSTED_PROXIES" in result.output and "Traceback" not in result.output


def test_serve_help_names_its_options(cli):
    result = cli.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output and "--workers" in result.output
