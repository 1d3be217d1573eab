"""What a report run's fork server does ahead of the units (no kernel)."""

import concurrent.futures
import importlib.util
import multiprocessing

import pytest

from analysis.report.execute import WORKER_MODULES


def test_every_module_the_fork_server_imports_ahead_exists():
    """The fork server skips a module it cannot import without a word: a renamed one would be
    imported by every worker again."""
    assert [name for name in WORKER_MODULES if importlib.util.find_spec(name) is None] == []


def exporter_ready_at_start(_):
    from analysis.report import html

    return html._EXPORTER is not None and html._EXPORTER.done()


@pytest.mark.slow
def test_each_worker_starts_with_the_html_exporter_the_fork_server_built():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        assert list(pool.map(exporter_ready_at_start, range(2))) == [True, True]


@pytest.mark.slow
def test_a_pool_stopped_while_its_workers_start_leaves_no_worker():
    """Workers start in a thread while the run plans: stopping the run then waits for them to
    have started, and ends them all, with the kernel template and the drawer."""
    from analysis.hashing import data_version
    from analysis.report.execute import start_workers, stop_workers

    pool = start_workers(None, 2, data_version())
    stop_workers(pool)
    assert not pool.starting.is_alive()
    assert [child for child in multiprocessing.active_children() if child.is_alive()] == []
    assert all(process.poll() is not None for process, _ in pool.servers)
