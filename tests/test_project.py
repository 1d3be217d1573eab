"""The project's own promises: pinned environments in step, codebook in step, light import, CI."""

import re
import subprocess
import sys
import tomllib

import yaml

from analysis import codebook
from analysis.paths import PROJECT_ROOT
from analysis.schema import schema_fields


def _pyproject_pins():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pins = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pins += extra
    return pins


def test_every_dependency_is_pinned_exactly():
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][\w.]*", pin) for pin in _pyproject_pins())


def test_environment_yml_installs_the_same_pins():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    assert sorted(pin for pin in pip_section if "==" in pin) == sorted(_pyproject_pins())
    assert "-e ." in pip_section
    python = next(item for item in env["dependencies"] if isinstance(item, str) and item.startswith("python="))
    assert python == "python=3.11"


def test_readme_codebook_is_in_step_with_the_schema():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert codebook.updated_readme(readme, schema_fields()) == readme, "run `make codebook`"


def test_codebook_describes_every_field():
    rendered = codebook.render(schema_fields())
    for name, resource in schema_fields().items():
        assert f"### `{name}`" in rendered
        for field in resource["schema"]["fields"]:
            assert field["description"], f"{name}.{field['name']} has no description"
            assert f"| `{field['name']}` |" in rendered


def test_import_analysis_stays_light():
    code = "import sys, analysis; print(sorted(m for m in ('pandas', 'frictionless', 'papermill') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_notebook_parameter_cells_match_the_declared_defaults():
    """The parameters cell of each notebook holds exactly the defaults analysis.params declares."""
    import nbformat

    from analysis.params import NOTEBOOK_PARAMETERS

    for name, defaults in NOTEBOOK_PARAMETERS.items():
        notebook = nbformat.read(PROJECT_ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
        namespace = {}
        exec(cell.source, {}, namespace)
        assert namespace == defaults, name


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci
    assert "set -e" in ci


def test_make_help_lists_the_front_door_targets():
    result = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    for target in ("test", "report", "lab"):
        assert re.search(rf"^\s+{target}\s", result.stdout, re.MULTILINE)


def test_the_type_check_covers_the_package_and_names_only_real_modules():
    """`make typecheck` checks analysis/; each module it must hold to full annotations exists."""
    mypy = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["files"] == ["analysis"]
    strict = next(o for o in mypy["overrides"] if o.get("disallow_untyped_defs"))
    assert strict["disallow_incomplete_defs"] and "analysis.data" in strict["module"]
    for module in strict["module"]:
        path = PROJECT_ROOT / module.removesuffix(".*").replace(".", "/")
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), module
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\btypecheck\b", makefile, re.MULTILINE)
