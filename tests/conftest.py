"""Shared fixtures: temporary copies of data/ that a test may break without touching the real files."""

import shutil

import pytest

from analysis.paths import DATA_DIR

from helpers import build


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
