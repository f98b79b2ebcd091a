"""The shape of the code (README, "Architecture"): modules small enough to read, and imports at
the top of a module except where the layering needs one inside a function. The order of the
apps itself is checked by import-linter (`make lint`, pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = (
    "common",
    "accounts",
    "evaluations",
    "history",
    "stakeholders",
    "questionnaires",
    "interviews",
    "reports",
    "analysis",
    "privacy",
    "demo",
    "survey_site",
)
LONGEST = 500

# Imports of the project's own modules inside a function, each with the reason it cannot be at
# the top. Celery tasks importing their service (tasks.py) need no entry: that is the pattern.
INSIDE_FUNCTIONS: dict[str, str] = {
    "interviews/apps.py": "ready() registers the person-history reader once the models are loaded",
    "reports/apps.py": "ready() registers the evaluation page's dashboard (models loaded first)",
    "analysis/apps.py": "ready() registers the workbook's analysis sheets once models are loaded",
}


def _modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _inner_imports(path: Path, packages: tuple[str, ...] = APPS) -> list[str]:
    """The modules of `packages` that `path` imports inside a function body."""
    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [name for name in names if name.split(".")[0] in packages]
    return found


def test_the_apps_are_found() -> None:
    assert len(_modules()) > 100


def test_no_module_is_longer_than_about_five_hundred_lines() -> None:
    long = {str(p.relative_to(ROOT)): _lines(p) for p in _modules() if _lines(p) > LONGEST}
    assert long == {}, f"split these by topic (STYLE.md): {long}"


def test_imports_inside_functions_only_where_the_layering_needs_them() -> None:
    found = {}
    for path in _modules():
        relative = str(path.relative_to(ROOT))
        if path.name == "tasks.py" or relative in INSIDE_FUNCTIONS:
            continue
        inner = _inner_imports(path)
        if inner:
            found[relative] = inner
    assert found == {}, f"move these imports to the top of the module: {found}"


def test_every_listed_exception_still_imports_inside_a_function() -> None:
    stale = [name for name in INSIDE_FUNCTIONS if not _inner_imports(ROOT / name)]
    assert stale == []


def test_tests_import_the_project_at_the_top() -> None:
    found = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        inner = _inner_imports(path, (*APPS, "tests"))
        if inner:
            found[str(path.relative_to(ROOT))] = inner
    assert found == {}, f"move these imports to the top of the test module: {found}"
