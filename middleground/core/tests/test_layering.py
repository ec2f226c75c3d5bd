"""``core`` is the bottom layer: every app may import it, it imports no app."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1]
APPS = {"accounts", "network", "consultations", "delphi", "library", "reformlab"}


def imported_modules(tree: ast.AST, package: str) -> set[str]:
    """Every module ``tree`` imports, relative imports resolved against ``package``; for
    ``from a import b`` both ``a`` and ``a.b`` (``b`` may be a module)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def app_imports(path: Path) -> list[str]:
    package = ".".join(["middleground", *path.relative_to(CORE.parent).parent.parts])
    names = imported_modules(ast.parse(path.read_text(encoding="utf-8")), package)
    return sorted(n for n in names if n.split(".")[:2] in (["middleground", a] for a in APPS))


def test_no_module_of_core_imports_another_app():
    # Core's own tests are left out: they exercise the assembled platform (the authorisation
    # matrix walks every app's routes).
    offenders = [
        f"{path.relative_to(CORE)}: {name}"
        for path in sorted(CORE.rglob("*.py"))
        if "tests" not in path.relative_to(CORE).parts
        for name in app_imports(path)
    ]
    assert not offenders, offenders


def test_the_layering_check_sees_absolute_relative_and_package_imports():
    source = (
        "import middleground.network.models\n"
        "from ..accounts import models\n"
        "from middleground import delphi\n"
        "from . import errors\n"
    )
    names = imported_modules(ast.parse(source), "middleground.core")
    assert {
        "middleground.network.models",
        "middleground.accounts.models",
        "middleground.delphi",
        "middleground.core.errors",
    } <= names
