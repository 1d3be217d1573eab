"""The package's shape: modules that import each other in one direction only."""

import ast
from pathlib import Path

import analysis

PACKAGE = Path(analysis.__file__).parent


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    """Every analysis module that ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def import_graph():
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: sorted(imports_of(path) & (modules.keys() - {name, "analysis"})) for name, path in modules.items()}


def find_cycle(graph):
    """One import cycle as a list of module names, or [] when there is none."""
    done, path = set(), []

    def visit(name):
        if name in path:
            return path[path.index(name) :] + [name]
        if name in done:
            return []
        path.append(name)
        for other in graph.get(name, []):
            if cycle := visit(other):
                return cycle
        path.pop()
        done.add(name)
        return []

    for name in graph:
        if cycle := visit(name):
            return cycle
    return []


def test_no_module_imports_one_that_imports_it_back():
    assert find_cycle(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": []}) == []
