"""Settings: read once in the factory, validated, a bad value stops start-up naming it."""

import pytest

from triage import ConfigError
from triage.state import hsg

BAD = {
    "HSG_TRUSTED_PROXIES": ["-1", "one", "1.5", "99", "²"],
    "HSG_FRAME_ANCESTORS": ["https://a.example; script-src *", "'none' https://a.example", "https://a.example,https://b.example", "javascript:alert(1) x'"],
    "HSG_RULES_FILE": ["/nonexistent/rules.toml"],
    "HSG_CLINIC_NAME": ["x" * 201, "two\nlines"],
    "HSG_CLINIC_CONTACT": ["tab\tseparated"],
    "HSG_URL_PREFIX": ["hsg", "//evil.example", "/hsg/../x", "/a b", "https://x.example/hsg", "/hsg?x=1"],
    "HSG_PUBLIC_URL": ["intranet.example.org", "ftp://x.example", "https://x.example/a b", "https://u@x.example",
                       "https://x.example/hsg?q=1", "https://x.example//evil.example", "javascript:alert(1)"],
}


@pytest.mark.parametrize("name,value", [(n, v) for n, values in BAD.items() for v in values])
def test_a_bad_value_stops_start_up_naming_the_variable(make_app, name, value):
    with pytest.raises(ConfigError) as raised:
        make_app(**{name: value})
    assert str(raised.value).startswith(f"{name}: ")


def test_environment_is_read_at_start_up(make_app, monkeypatch):
    monkeypatch.setenv("HSG_CLINIC_NAME", "Riverside Fertility Clinic")
    monkeypatch.setenv("HSG_CLINIC_CONTACT", "Call 01234 567890 to ask about an HSG.")
    app = make_app()
    monkeypatch.setenv("HSG_CLINIC_NAME", "Changed later")  # not read again
    client = app.test_client()
    assert "Riverside Fertility Clinic" in client.get("/").get_data(as_text=True)
    from conftest import EXAMPLES

    html = client.post("/result", data=EXAMPLES["not_yet"]).get_data(as_text=True)
    assert "Riverside Fertility Clinic" in html and "Call 01234 567890 to ask about an HSG." in html


def test_a_local_rule_set_is_applied_and_named(make_app, tmp_path):
    from triage.core.ruleset import bundled_rules_file, load_rule_set

    local = tmp_path / "clinic-rules.toml"
    local.write_text(bundled_rules_file().read_text().replace(f'version = "{load_rule_set().version}"', 'version = "1.0.0-riverside.1"'))
    app = make_app(HSG_RULES_FILE=str(local))
    client = app.test_client()
    from conftest import EXAMPLES

    body = client.post("/api/v1/assessments", json=EXAMPLES["not_yet"]).get_json()
    assert body["rules_version"] == "1.0.0-riverside.1"
    assert body["rules_hash"] == hsg(app).settings.rules.content_hash
    assert "1.0.0-riverside.1" in client.post("/result", data=EXAMPLES["not_yet"]).get_data(as_text=True)


@pytest.mark.parametrize("value", ["self", "none https://a.example", "https://a.example SELF"])
def test_an_unquoted_keyword_in_frame_ancestors_is_refused(make_app, value):
    with pytest.raises(ConfigError, match="HSG_FRAME_ANCESTORS: write .* in single quotes"):
        make_app(HSG_FRAME_ANCESTORS=value)


def bad_rule_file(tmp_path):
    from triage.core.ruleset import bundled_rules_file

    path = tmp_path / "clinic-rules.toml"
    path.write_text(bundled_rules_file().read_text().replace('pelvic_pain = ["yes"]', 'pelvic_pain = ["often"]'))
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("name,value", [
    ("HSG_RULES_FILE", "/nonexistent/rules.toml"),
    ("HSG_RULES_FILE", bad_rule_file),
    ("HSG_TRUSTED_PROXIES", "many"),
    ("HSG_TRUSTED_PROXIES", "-1"),
])
def test_serve_with_a_bad_setting_stops_naming_it(tmp_path, name, value):
    import os
    import subprocess

    value = value(tmp_path) if callable(value) else value
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("HSG_")}, name: value}
    from conftest import console_script, free_port

    # A free port, in case start-up wrongly succeeds.
    result = subprocess.run([console_script(), "serve", "--host", "127.0.0.1", "--port", str(free_port())],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.startswith(f"Error: {name}: "), result.stderr
    assert value in result.stderr or name == "HSG_TRUSTED_PROXIES"
    assert "Traceback" not in result.stderr + result.stdout


def test_every_result_names_a_local_rule_set_its_version_and_hash(make_app, tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner
    from conftest import EXAMPLES

    from triage.cli import main
    from triage.core.ruleset import bundled_rules_file, load_rule_set

    local = tmp_path / "riverside.toml"
    local.write_text(bundled_rules_file().read_text()
                     .replace('name = "HSG indications"', 'name = "Riverside HSG indications"')
                     .replace(f'version = "{load_rule_set().version}"', 'version = "2.3.0"'))
    app = make_app(HSG_RULES_FILE=str(local))
    rules = hsg(app).settings.rules
    assert rules.content_hash != load_bundled_hash()
    client = app.test_client()
    for outcome, answers in EXAMPLES.items():
        body = client.post("/api/v1/assessments", json=answers).get_json()
        assert (body["rules_name"], body["rules_version"], body["rules_hash"]) == (
            "Riverside HSG indications", "2.3.0", rules.content_hash), outcome
        for prefix in ("", "/embed"):
            html = client.post(f"{prefix}/result", data=answers).get_data(as_text=True)
            assert "Riverside HSG indications" in html and "version 2.3.0" in html, "patients see which rules"
            html = client.post(f"{prefix}/result?audience=clinician", data=answers).get_data(as_text=True)
            assert "Riverside HSG indications" in html and "version 2.3.0" in html and rules.short_hash in html
    rules_api = client.get("/api/v1/rules").get_json()
    assert (rules_api["name"], rules_api["version"], rules_api["hash"]) == ("Riverside HSG indications", "2.3.0", rules.content_hash)

    monkeypatch.setenv("HSG_RULES_FILE", str(local))
    args = ["assess"] + [arg for field, value in EXAMPLES["not_yet"].items()
                         for arg in ("--" + field.replace("_", "-"), value)]
    text = CliRunner().invoke(main, args).output
    assert "Rule set: Riverside HSG indications 2.3.0" in text and rules.short_hash in text
    as_json = json.loads(CliRunner().invoke(main, args + ["--json"]).output)
    assert (as_json["rules_name"], as_json["rules_version"], as_json["rules_hash"]) == (
        "Riverside HSG indications", "2.3.0", rules.content_hash)


def load_bundled_hash() -> str:
    from triage.core.ruleset import load_rule_set

    return load_rule_set().content_hash


@pytest.mark.parametrize("misspelt,meant", [("HSG_CLINIC_NAM", "HSG_CLINIC_NAME"), ("HSG_TRUSTED_PROXY", "HSG_TRUSTED_PROXIES"),
                                            ("HSG_PREFIX", "HSG_URL_PREFIX")])
def test_an_unknown_setting_stops_start_up_naming_the_closest(make_app, misspelt, meant):
    with pytest.raises(ConfigError) as raised:
        make_app(**{misspelt: "x"})
    assert str(raised.value).startswith(f"{misspelt}: not a setting; did you mean {meant}?")


@pytest.mark.parametrize("value,prefix", [("/hsg", "/hsg"), ("/hsg/", "/hsg"), ("/tools/hsg-2.v1", "/tools/hsg-2.v1"), ("/", "")])
def test_a_url_prefix_is_a_plain_path(make_app, value, prefix):
    assert hsg(make_app(HSG_URL_PREFIX=value)).settings.url_prefix == prefix


def test_a_public_url_loses_its_trailing_slash(make_app):
    app = make_app(HSG_PUBLIC_URL="https://intranet.example.org:8443/hsg/")
    assert hsg(app).settings.public_url == "https://intranet.example.org:8443/hsg"
