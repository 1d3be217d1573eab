"""Shared fixtures: temporary copies of data/ that a test may break without touching the real files."""

import os
import shutil

import pytest

from analysis.paths import DATA_DIR

from helpers import SHARED, build


@pytest.fixture
def data_copy(tmp_path):
    """A throw-away copy of data/."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """One standard report run, published once per test session: (folder, finished process)."""
    out = tmp_path_factory.mktemp("site") / "reports"
    result = build(out)
    assert result.returncode == 0, result.stderr
    return out, result


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_shared: reads ../shared (the seed texts or the research notes)")


def pytest_runtest_setup(item):
    """Without ../shared, tests that read it are skipped with a message, unless CI requires it."""
    if item.get_closest_marker("needs_shared") and not SHARED.is_dir():
        message = f"needs {SHARED} (the seed texts and research notes), which is not beside this checkout"
        if os.environ.get("ANALYSIS_REQUIRE_SHARED"):
            pytest.fail(message + "; ANALYSIS_REQUIRE_SHARED is set, so this is a failure")
        pytest.skip(message)
