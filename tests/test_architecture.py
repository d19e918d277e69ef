"""The floor plan holds (docs/architecture.md): four wings, no import cycle, one accessor for app state."""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "triage"
WINGS = {"core", "web", "api", "integrations"}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(path: Path) -> set[str]:
    """Every triage module this one imports, at any depth of the file (function-level too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("triage"):
            assert node.level == 0, f"{path}: relative import"
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in MODULES}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("triage")}
    return {name for name in found if name in MODULES}


def graph() -> dict[str, set[str]]:
    edges = {}
    for name, path in MODULES.items():
        targets = imports(path)
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        for target in list(targets):
            parts = target.split(".")
            targets |= {".".join(parts[:i]) for i in range(1, len(parts))}
        targets.discard(name)
        edges[name] = {t for t in targets if not name.startswith(t + ".")}  # a module's own parents are not a cycle
    return edges


def test_no_import_cycle_inside_the_package():
    edges, state, cycle = graph(), {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycle.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycle, " -> ".join(cycle[0])


def test_four_wings_and_few_modules_at_the_top():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert WINGS <= packages
    top_modules = [p.name for p in PACKAGE.glob("*.py")] + sorted(packages - WINGS)
    assert len(top_modules) <= 6, top_modules
    for wing in WINGS - {"core"}:  # the core is Flask-free: the factory builds the app's state from it
        assert "def init_app(" in (PACKAGE / wing / "__init__.py").read_text(encoding="utf-8"), wing


def test_the_core_knows_nothing_of_flask_or_the_other_wings():
    for name, path in MODULES.items():
        if not name.startswith("triage.core"):
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (flask|werkzeug)\b", text, re.M), name
        for target in imports(path):
            assert target.startswith("triage.core"), f"{name} imports {target}"


def test_app_state_is_read_through_the_one_accessor():
    for name, path in MODULES.items():
        if name == "triage.state":
            continue
        assert not re.search(r"extensions\[|extensions\.get\(", path.read_text(encoding="utf-8")), name


#: A call on a domain object, or a domain query, in a template: templates get finished view data.
DOMAIN_CALL = re.compile(r"\.(wording|text|option_label|for_result|topics_for|indication|assess|status|source_names)\(|"
                         r"\banswer_label\(|\bquestions\[")


def test_no_template_calls_into_the_domain():
    for template in (REPO / "templates").iterdir():
        text = template.read_text(encoding="utf-8")
        assert not DOMAIN_CALL.search(text), f"{template.name}: {DOMAIN_CALL.search(text).group(0)}"
