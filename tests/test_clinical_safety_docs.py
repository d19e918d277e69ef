"""The clinical safety file stays true: named tests exist, hazards are complete, ratings follow the matrix."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "clinical-safety"
HAZARD_LOG = (DOCS / "hazard-log.md").read_text(encoding="utf-8")
PLAN = (DOCS / "clinical-risk-management-plan.md").read_text(encoding="utf-8")
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
FIELDS = ["Hazard", "Cause", "Effect", "Possible harm", "Initial risk", "Controls in the product",
          "Controls for the deploying organisation (DCB0160)", "Residual risk", "Status"]
REQUIRED_HAZARDS = ["False reassurance when nothing matches", "unsafe", "age boundary", "rule file",
                    "stale", "misunderstands the result", "iframe", "Answers leaking",
                    "aged 40 or over told to wait", "tubal risk factors told to wait"]


@cache
def functions_defined_in(path: str) -> frozenset[str]:
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    return frozenset(node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))


def references() -> set[tuple[str, str]]:
    found = set()
    for doc in DOCS.glob("*.md"):
        found |= set(TEST_REFERENCE.findall(doc.read_text(encoding="utf-8")))
    return found


def test_every_test_named_in_the_safety_file_exists():
    named = references()
    assert len(named) >= 8, "the hazard log names at least eight verifying tests"
    for path, name in sorted(named):
        assert (REPO / path).is_file(), f"{path} does not exist"
        assert name.startswith("test_") and name in functions_defined_in(path), f"{path}::{name} does not exist"


def hazards() -> dict[str, str]:
    parts = re.split(r"^## (H\d+\. .+)$", HAZARD_LOG, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_the_hazard_log_covers_the_required_hazards_with_every_field():
    titles = list(hazards())
    for required in REQUIRED_HAZARDS:
        assert any(required.lower() in title.lower() for title in titles), required
    for title, body in hazards().items():
        for field in FIELDS:
            assert f"- **{field}:**" in body, f"{title}: no {field}"
        controls = body.split("- **Controls in the product:**")[1].split("- **Controls for the deploying")[0]
        items = re.split(r"^\s+\d+\. ", controls, flags=re.M)[1:]
        assert items, f"{title}: no product controls"
        for item in items:
            assert TEST_REFERENCE.search(item), f"{title}: a control without a verifying test: {item.strip()[:60]}"


def matrix() -> dict[tuple[str, str], int]:
    header = re.search(r"^\| likelihood \\ severity \| (.+) \|$", PLAN, re.M).group(1).split(" | ")
    table = {}
    for likelihood in ("Very high", "High", "Medium", "Low", "Very low"):
        cells = re.search(rf"^\| {likelihood} \| ([1-5](?: \| [1-5]){{4}}) \|$", PLAN, re.M).group(1).split(" | ")
        table.update({(likelihood, severity): int(cell) for severity, cell in zip(header, cells)})
    return table


RISK = re.compile(r"- \*\*(Initial|Residual) risk:\*\* likelihood (Very high|High|Medium|Low|Very low) × "
                  r"severity (Minor|Significant|Considerable|Major|Catastrophic) = \*\*([1-5])\*\*")


@pytest.mark.parametrize("title", list(hazards()))
def test_every_rating_follows_the_stated_matrix(title):
    body = hazards()[title]
    ratings = {kind: (likelihood, severity, int(rating)) for kind, likelihood, severity, rating in RISK.findall(body)}
    assert set(ratings) == {"Initial", "Residual"}, title
    for kind, (likelihood, severity, rating) in ratings.items():
        assert matrix()[likelihood, severity] == rating, f"{title}: {kind} {likelihood} × {severity}"
    assert ratings["Residual"][2] <= ratings["Initial"][2]
    hazard_id = title.split(".")[0]
    summary = re.search(rf"^\| {hazard_id} \| .+ \| (\d) \| (\d) \|$", HAZARD_LOG, re.M)
    assert summary and (int(summary.group(1)), int(summary.group(2))) == (ratings["Initial"][2], ratings["Residual"][2])


def test_the_safety_case_report_names_the_versions_that_ship():
    """A fact that drifts: the report's product line names the bundled rule set and context versions."""
    from triage.core.clinical_context import load_clinical_context
    from triage.core.ruleset import load_rule_set

    head = (DOCS / "safety-case-report.md").read_text(encoding="utf-8").split("## 1.")[0]
    named = dict(re.findall(r"`(hsg-indications\.toml|clinical-context\.toml)` (\d[\w.-]*\w)", re.sub(r"\s+", " ", head)))
    assert named == {"hsg-indications.toml": load_rule_set().version, "clinical-context.toml": load_clinical_context().version}
