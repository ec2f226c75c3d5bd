"""Delphi and consultations are sibling apps; Delphi's reads never depend on its writes."""

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved against its package."""
    package = ".".join(path.relative_to(APPS.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _imports_of(app: str) -> dict[str, set[str]]:
    return {str(p): _imports(p) for p in sorted((APPS / app).rglob("*.py"))}


@pytest.mark.parametrize(
    ("app", "other"), [("delphi", "consultations"), ("consultations", "delphi")]
)
def test_delphi_and_consultations_do_not_import_each_other(app, other):
    banned = f"middleground.{other}"
    offenders = {
        path: sorted(m for m in modules if m == banned or m.startswith(banned + "."))
        for path, modules in _imports_of(app).items()
    }
    assert {p: m for p, m in offenders.items() if m} == {}


def test_delphi_selectors_and_permissions_do_not_import_services():
    for name in ("selectors.py", "permissions.py", "scales.py"):
        modules = _imports(APPS / "delphi" / name)
        assert "middleground.delphi.services" not in modules, name
