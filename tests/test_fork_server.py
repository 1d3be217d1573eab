"""What a report run's fork server does ahead of the units (fast, no kernel)."""

import importlib.util

from analysis.report.execute import WORKER_MODULES


def test_every_module_the_fork_server_imports_ahead_exists():
    """The fork server skips a module it cannot import without a word: a renamed one would be
    imported by every worker again."""
    assert [name for name in WORKER_MODULES if importlib.util.find_spec(name) is None] == []
