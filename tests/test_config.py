"""Settings: read once in the factory, validated, a bad value stops start-up naming it."""

import pytest

from triage import ConfigError

BAD = {
    "HSG_TRUSTED_PROXIES": ["-1", "one", "1.5", "99", "²"],
    "HSG_FRAME_ANCESTORS": ["https://a.example; script-src *", "'none' https://a.example", "https://a.example,https://b.example", "javascript:alert(1) x'"],
    "HSG_RULES_FILE": ["/nonexistent/rules.toml"],
    "HSG_CLINIC_NAME": ["x" * 201, "two\nlines"],
    "HSG_CLINIC_CONTACT": ["tab\tseparated"],
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
    from triage.ruleset import bundled_rules_file, load_rule_set

    local = tmp_path / "clinic-rules.toml"
    local.write_text(bundled_rules_file().read_text().replace(f'version = "{load_rule_set().version}"', 'version = "1.0.0-riverside.1"'))
    app = make_app(HSG_RULES_FILE=str(local))
    client = app.test_client()
    from conftest import EXAMPLES

    body = client.post("/api/v1/assessments", json=EXAMPLES["not_yet"]).get_json()
    assert body["rules_version"] == "1.0.0-riverside.1"
    assert body["rules_hash"] == app.extensions["hsg"].rules.content_hash
    assert "1.0.0-riverside.1" in client.post("/result", data=EXAMPLES["not_yet"]).get_data(as_text=True)
