"""The package's shape: modules that import each other in one direction only, and a wheel that works."""

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import analysis
from analysis.paths import PROJECT_ROOT

from helpers import EPOCH

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


@pytest.mark.slow
def test_a_wheel_carries_what_a_report_needs_and_runs_one(tmp_path):
    """Build the wheel, install it into an empty environment and run a report from it, in a
    folder that holds only the project's data, notebooks and citation (no source checkout)."""
    source = tmp_path / "source"  # a clean copy: no build/ folder left by an earlier build can leak into the wheel
    shutil.copytree(
        PROJECT_ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv*", "build", "reports", ".*cache*", "test-output", "*.egg-info"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(tmp_path / "dist")],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("analysis-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert {"analysis/templates/report/index.html.j2", "analysis/report/run.py"} <= set(archive.namelist())
    environment = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    python = environment / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", f"{wheel}[report]"], check=True, capture_output=True)
    project = tmp_path / "project"
    for name in ("data", "notebooks"):
        shutil.copytree(PROJECT_ROOT / name, project / name)
    for name in ("reports.yml", "CITATION.cff"):
        shutil.copy(PROJECT_ROOT / name, project / name)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANALYSIS_", "PYTHONPATH"))}
    result = subprocess.run(
        [python, "-m", "analysis", "report", "--only", "pledges"],
        cwd=project,
        env={**env, **EPOCH},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    page = (project / "reports" / "pledges.html").read_text(encoding="utf-8")
    assert "run-facts" in page and "vega-chart" in page  # the project's template, with its charts
