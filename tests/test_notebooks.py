"""Every notebook under papermill: non-default parameters change what it shows; bad ones stop it.

(The default run of each notebook is nbval's job: `pytest` collects notebooks/*.ipynb.)
"""

import subprocess
import sys

import nbformat
import pytest

from analysis.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow


def run(notebook, tmp_path, *parameters):
    out = tmp_path / f"{notebook}-out.ipynb"
    args = [arg for name, value in parameters for arg in ("-p", name, value)]
    result = subprocess.run(
        [sys.executable, "-m", "papermill", "--no-progress-bar", f"{notebook}.ipynb", str(out), *args],
        cwd=NOTEBOOKS_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, out


def shown_text(path):
    """Everything the executed notebook shows a reader: Markdown, HTML and plain-text outputs."""
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [data.get(kind, "") for kind in ("text/markdown", "text/html", "text/plain")]
            parts.append(output.get("evalue", ""))
    return "\n".join(parts)


def test_force_size_as_of_mid_february_shows_100k_not_30k(tmp_path):
    result, out = run("force_size", tmp_path, ("as_of", "2025-02-15"), ("scale", "linear"))
    assert result.returncode == 0, result.stderr[-2000:]
    text = shown_text(out)
    assert "100,000–150,000" in text
    assert "30,000" not in text


def test_as_of_before_the_first_row_says_no_data_yet(tmp_path):
    for notebook in ("force_size", "pledges", "overview"):
        result, out = run(notebook, tmp_path, ("as_of", "2020-01-01"))
        assert result.returncode == 0, result.stderr[-2000:]
        assert "No data yet" in shown_text(out)


def test_perspectives_compares_any_two_sources(tmp_path):
    result, out = run("perspectives", tmp_path, ("source_a", "liga_wsj_10k"), ("source_b", "polskieradio_tusk"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No coded claims" in shown_text(out)


def test_pledges_filter_by_actor(tmp_path):
    result, out = run("pledges", tmp_path, ("actor", "DEU"))
    assert result.returncode == 0, result.stderr[-2000:]
    text = shown_text(out)
    assert "conditional" in text and "Poland does not foresee" not in text


@pytest.mark.parametrize(
    ("notebook", "parameter", "value", "message"),
    [
        ("force_size", "colour", "red", "parameter 'colour'"),
        ("force_size", "scale", "3", "parameter 'scale': got 3"),
        ("perspectives", "source_a", "no_such_source", "parameter 'source_a'"),
        ("overview", "as_of", "2025-13-45", "parameter 'as_of'"),
    ],
)
def test_bad_parameter_stops_papermill_with_a_clear_error(tmp_path, notebook, parameter, value, message):
    result, out = run(notebook, tmp_path, (parameter, value))
    assert result.returncode != 0
    assert message in shown_text(out)
    assert "ParameterError" in result.stderr
