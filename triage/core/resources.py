"""Where the bundled templates, static files and rule set are.

In an installed wheel they sit inside the `triage` package (see
pyproject.toml); in a source checkout they sit at the top of the repository,
next to `triage/`, where reviewers expect them.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the `triage` package


def resource_dir(name: str) -> Path:
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name
