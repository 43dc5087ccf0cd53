"""The package's shape: layers that import downward only, and no circles."""

import ast
import os

import grimp
import networkx as nx
from importlinter.cli import lint_imports

from tests.conftest import ROOT


def test_the_layers_import_downward_only():
    """The import contract in pyproject.toml ([tool.importlinter]) holds."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = lint_imports(config_filename="pyproject.toml", no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert status == 0, "lint-imports found an upward import (run it to see which)"


def test_no_modules_import_in_a_circle():
    """No cxsim module reaches itself through imports, type-checking imports included."""
    graph = grimp.build_graph("cxsim", cache_dir=None)
    imports = nx.DiGraph()
    for module in graph.modules:
        imports.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != "cxsim" and module != "cxsim":  # the public API re-exports all
                imports.add_edge(module, imported)
    circles = list(nx.simple_cycles(imports))
    assert not circles, f"modules importing in a circle: {circles[:3]}"


def test_no_function_is_longer_than_120_lines():
    """A function a reader must hold in their head at once stays short."""
    longest = []
    for path in sorted((ROOT / "cxsim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 120:
                    longest.append((length, f"{path.relative_to(ROOT)}:{node.name}"))
    assert not longest, sorted(longest, reverse=True)
