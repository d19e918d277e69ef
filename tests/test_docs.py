"""Documentation that must stay true: settings and set-up commands in the README."""

import re
from pathlib import Path

from triage.config import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_settings_are_documented():
    table = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(HSG_[A-Z_]+)` \| (.*) \|$", README, re.M)}
    assert set(table) == {setting.name for setting in SETTINGS}
    for setting in SETTINGS:
        assert setting.default.strip("()") in table[setting.name], setting.name


def test_readme_has_the_two_setup_commands():
    assert "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/hsg-triage serve" in README
    assert "bash .ci/run" in README


def test_security_and_embedding_guides_exist_and_name_real_tests():
    docs = Path(__file__).resolve().parent.parent / "docs"
    for guide in ("security.md", "embedding.md"):
        assert f"(docs/{guide})" in README, guide
        text = (docs / guide).read_text(encoding="utf-8")
        for test_file in re.findall(r"`(tests/[a-z_]+\.py)`", text):
            assert (docs.parent / test_file).exists(), (guide, test_file)
    assert "/api/v1/openapi.json" in README


def test_security_guide_names_the_server_that_serve_runs():
    from triage.serve import default_server

    text = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    assert f"runs its server ({default_server()} by\n  default)" in text
    assert "gunicorn without an" not in text

