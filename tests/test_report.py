"""make report's engine: notebooks run, HTML is published, and a failed run loses nothing."""

import os
import subprocess
import sys

import pytest

from helpers import set_cell

pytestmark = pytest.mark.slow


def _report(out, *args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--out", str(out), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def _snapshot(folder):
    return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "reports"
    result = _report(out, "--as-of", "2025-02-15")
    assert result.returncode == 0, result.stderr
    return out


def test_report_publishes_executed_notebooks_and_html(published):
    assert (published / "overview.ipynb").is_file()
    html = (published / "overview.html").read_text(encoding="utf-8")
    assert "The force shrank" in html and "Who offers what" in html
    assert "load_table(" not in html, "code cells must be hidden"


def test_published_folder_is_readable_by_others(published):
    assert published.stat().st_mode & 0o005 == 0o005


def test_as_of_reaches_the_notebook(published):
    html = (published / "overview.html").read_text(encoding="utf-8")
    assert "Volodymyr Zelensky" in html
    assert "Keir Starmer" not in html  # his 30,000 and 10,000 plans came after 15 Feb 2025


def test_bad_as_of_fails_before_running_and_keeps_reports(published):
    before = _snapshot(published)
    result = _report(published, "--as-of", "2025-02-30")
    assert result.returncode == 1
    assert "parameter 'as_of'" in result.stderr
    assert _snapshot(published) == before


def test_broken_table_fails_and_keeps_reports(published, data_copy):
    before = _snapshot(published)
    line = set_cell(data_copy, "pledges", "deu_conditional", "status", "promised")
    result = _report(published, env={"ANALYSIS_DATA_DIR": str(data_copy)})
    assert result.returncode == 1
    assert f"pledges.csv, line {line}, column 'status'" in result.stderr
    assert _snapshot(published) == before
