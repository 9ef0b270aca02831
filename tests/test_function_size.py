"""No function of the package, its scripts or its benchmarks is longer than a reader can
hold: 80 lines.

A function is counted from its ``def`` line to the end of its body, docstring included and
decorators excluded; methods and nested functions are counted on their own (and inside
the function that holds them). Ruff's ``C901`` (``max-complexity`` in pyproject.toml)
bounds the branching; this bounds the length.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("inception_edu", "scripts", "benchmarks")
MAX_LINES = 80


def _functions(tree: ast.AST, prefix: str = ""):
    """(qualified name, def line, lines) of every function and method under ``tree``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}{node.name}"
            yield name, node.lineno, node.end_lineno - node.lineno + 1
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(source: str, path: str, limit: int = MAX_LINES) -> list[str]:
    """``"path:line name (n lines)"`` for each function of ``source`` over ``limit`` lines."""
    return [
        f"{path}:{line} {name} ({length} lines)"
        for name, line, length in _functions(ast.parse(source, filename=path))
        if length > limit
    ]


def _function(name: str, lines: int, decorated: bool = False, indent: str = "") -> str:
    """Source of a function ``lines`` long from its ``def`` to its last line."""
    body = [f'{indent}    """Made up to be {lines} lines long."""']
    body += [f"{indent}    x{i} = {i}" for i in range(lines - 3)]
    body += [f"{indent}    return x0"]
    decorator = [f"{indent}@staticmethod"] if decorated else []
    return "\n".join([*decorator, f"{indent}def {name}():", *body]) + "\n"


def test_an_81_line_function_is_reported_and_an_80_line_one_is_not():
    source = _function("too_long", 81) + "\n\n" + _function("just_fits", 80)
    assert long_functions(source, "made_up.py") == ["made_up.py:1 too_long (81 lines)"]


def test_methods_and_nested_functions_are_counted_by_their_qualified_names():
    method = _function("too_long", 81, decorated=True, indent="    ")
    fits = _function("fits", 80, decorated=True, indent="    ")
    source = f"class Shape:\n{method}\n{fits}"
    # the decorator does not count: the 80-line method with one above it fits
    assert long_functions(source, "m.py") == ["m.py:3 Shape.too_long (81 lines)"]
    nested = "def outer():\n" + _function("inner", 81, indent="    ") + "    return inner\n"
    assert long_functions(nested, "n.py") == [
        "n.py:1 outer (83 lines)",
        "n.py:2 outer.inner (81 lines)",
    ]


def _sources() -> list[Path]:
    return sorted(path for folder in CHECKED for path in (ROOT / folder).rglob("*.py"))


def test_the_package_and_scripts_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _sources()}
    assert "inception_edu/viz/diagrams.py" in names
    assert any(name.startswith("scripts/") for name in names)


@pytest.mark.parametrize("folder", CHECKED)
def test_no_function_is_longer_than_80_lines(folder):
    offenders = [
        offender
        for path in _sources()
        if path.relative_to(ROOT).parts[0] == folder
        for offender in long_functions(path.read_text(), path.relative_to(ROOT).as_posix())
    ]
    assert not offenders, (
        f"Functions over {MAX_LINES} lines (split them by meaning):\n" + "\n".join(offenders)
    )
