"""Wording for the clinic-system integrations, kept as data in integrations.toml."""

import tomllib
from functools import cache
from pathlib import Path

INTEGRATIONS_FILE = Path(__file__).with_name("integrations.toml")


@cache
def integration_text() -> dict:
    return tomllib.loads(INTEGRATIONS_FILE.read_text(encoding="utf-8"))


def diagnostic(key: str, **values: str) -> str:
    return integration_text()["diagnostics"][key].format(**values)
