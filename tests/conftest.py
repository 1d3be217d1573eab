"""Shared fixtures: temporary copies of data/ that a test may break without touching the real files."""

import shutil

import pytest

from analysis.paths import DATA_DIR


@pytest.fixture
def data_copy(tmp_path):
    """A throw-away copy of data/."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy
