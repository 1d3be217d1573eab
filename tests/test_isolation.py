"""Warm kernels give the same bytes as a fresh kernel per notebook, and a dirty kernel is never lent.

The units run one after another in this process, as one worker runs them, so every unit but
the first meets a kernel that ran another notebook before it, including one after a unit that
failed, and one whose charts and tables a unit before it made.
"""

import ast
import os

import nbformat
import pytest
from jupyter_core.utils import run_sync

from analysis.hashing import data_version
from analysis.paths import NOTEBOOKS_DIR, REPORT_MODE_VARIABLE, VALIDATED_DATA_VARIABLE
from analysis.report import kernels
from analysis.report.execute import KERNEL_NAME, run_unit
from analysis.report.plan import Unit
from analysis.report.template import notebook_imports, start_template, stop_server

pytestmark = pytest.mark.slow

SEQUENCE = [
    Unit("overview-early", "overview", {"as_of": "2025-02-22"}),
    # The record did not change from 21 February to 2 March 2025: in a warm kernel every chart
    # and table this unit shows is the one the first unit made (analysis.memo.kept_for_equal_inputs).
    Unit("overview-same-record", "overview", {"as_of": "2025-02-28"}),
    Unit("force-linear", "force_size", {"scale": "linear", "as_of": "2025-09-10"}),
    Unit("pledges-deu", "pledges", {"actor": "DEU"}),
    Unit("force-broken", "force_size", {"scale": "logarithmic"}),  # fails in its kernel
    Unit("pledges", "pledges", {}),  # follows the failure
    Unit("perspectives", "perspectives", {}),
    Unit("force_size", "force_size", {"scale": "log"}),
    Unit("overview", "overview", {}),
]
FACTS = [("Data version", "test")]


@pytest.fixture
def worker_environment(monkeypatch):
    """What a worker sets before its kernels start, undone after the test."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv(REPORT_MODE_VARIABLE, "1")
    monkeypatch.setenv(VALIDATED_DATA_VARIABLE, data_version())
    yield data_version()
    idle = getattr(kernels._lent, "idle", None)
    if idle is not None:
        idle.shutdown()
        kernels._lent.idle = None


@pytest.fixture
def template(worker_environment):
    """A kernel template, as a local run starts one: the warm kernels are forked from it."""
    process, address = start_template(dict(os.environ), notebook_imports(), NOTEBOOKS_DIR)
    kernels.template_address = address
    yield process
    kernels.template_address = None
    stop_server(process, address)


def run_sequence(folder, isolation, validated):
    errors = {}
    for unit in SEQUENCE:
        _, error = run_unit(unit, folder / unit.name, FACTS, validated, isolation)
        errors[unit.name] = error
    return errors


@pytest.mark.parametrize("warm_kernels", ["started", "forked from the template"])
def test_warm_kernels_give_the_bytes_of_fresh_kernels(tmp_path, worker_environment, warm_kernels, request, monkeypatch):
    """Each run draws its own charts (a folder of drawings each): neither reads the other's SVGs or PNGs."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "warm-drawings"))
    if warm_kernels != "started":
        request.getfixturevalue("template")
    warm = run_sequence(tmp_path / "warm", "warm", worker_environment)
    assert isinstance(kernels._lent.idle.manager.provisioner.process, kernels.ForkedKernel) == (
        warm_kernels != "started"
    )
    kernels.template_address = None  # the fresh kernels below are papermill's own in any case
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "fresh-drawings"))
    fresh = run_sequence(tmp_path / "fresh", "fresh", worker_environment)
    for drawings in ("warm-drawings", "fresh-drawings"):  # both drew their charts and figures
        assert list((tmp_path / drawings / "svg").glob("*.svg")) and list((tmp_path / drawings / "png").glob("*.png"))
    assert warm == fresh
    assert [name for name, error in warm.items() if error] == ["force-broken"]
    assert "scale" in warm["force-broken"]
    for unit in SEQUENCE:
        outputs = sorted(path.name for path in (tmp_path / "fresh" / unit.name).iterdir())
        assert outputs == ([f"{unit.name}.ipynb"] if warm[unit.name] else [f"{unit.name}.html", f"{unit.name}.ipynb"])
        for output in outputs:
            warm_bytes = (tmp_path / "warm" / unit.name / output).read_bytes()
            assert warm_bytes == (tmp_path / "fresh" / unit.name / output).read_bytes(), f"{unit.name}/{output}"


def test_the_standard_reports_run_one_after_another_in_one_kernel(tmp_path, worker_environment):
    lent = []
    for unit in SEQUENCE[5:]:  # each notebook once, as the standard run has them
        _, error = run_unit(unit, tmp_path / unit.name, FACTS, worker_environment, "warm")
        assert not error
        lent.append(kernels._lent.idle)
    assert lent[0] is not None and all(kernel is lent[0] for kernel in lent)


def run_in(kernel, code):
    return run_sync(kernel._run)(code)


def library_state(kernel):
    """Everything kernelstate hashes, as a dict: what a notebook could see of the kernel's libraries."""
    expression = "repr(sorted(__import__('analysis.report.kernelstate', fromlist=['_state'])._state().items()))"
    shown = run_sync(kernel._run)("", {"state": expression})["state"]["data"]["text/plain"]
    return dict(ast.literal_eval(ast.literal_eval(shown)))


def test_a_kernel_forked_from_the_template_holds_what_a_started_kernel_holds(template):
    forked = kernels.WarmKernel(KERNEL_NAME, ("test",), 60)
    kernels.template_address = None
    started = kernels.WarmKernel(KERNEL_NAME, ("test",), 60)
    try:
        assert isinstance(forked.manager.provisioner.process, kernels.ForkedKernel)
        assert not isinstance(started.manager.provisioner.process, kernels.ForkedKernel)
        forked_state, started_state = library_state(forked), library_state(started)
        assert forked_state.keys() == started_state.keys()
        for part, value in started_state.items():
            assert forked_state[part] == value, (part, forked_state[part], value)
    finally:
        forked.shutdown()
        started.shutdown()
    assert template.poll() is None  # the template outlives its kernels, for the next one


def test_a_template_that_cannot_fork_leaves_the_kernel_to_start_as_usual(worker_environment, tmp_path):
    kernels.template_address = str(tmp_path / "no-template")
    try:
        kernel = kernels.WarmKernel(KERNEL_NAME, ("test",), 60)
    finally:
        kernels.template_address = None
    assert not isinstance(kernel.manager.provisioner.process, kernels.ForkedKernel)
    assert run_in(kernel, "1 + 1") == {}
    kernel.shutdown()


def test_a_forked_kernel_is_stopped_through_its_own_process(template):
    kernel = kernels.WarmKernel(KERNEL_NAME, ("test",), 60)
    process = kernel.manager.provisioner.process
    assert process.poll() is None
    kernel.shutdown()
    assert process.wait(timeout=10) is not None  # ended: signalled by pidfd, never by a pid reused meanwhile


def test_a_lent_kernel_starts_empty_and_counts_from_one(worker_environment):
    kernel = kernels.take_kernel(KERNEL_NAME, ("test",), 60)
    run_in(kernel, "left_behind = 1")
    kernels.give_back(kernel, reusable=True)
    again = kernels.take_kernel(KERNEL_NAME, ("test",), 60)
    assert again is kernel  # the same process, lent again
    with pytest.raises(RuntimeError, match="NameError"):
        run_in(again, "left_behind")
    reply = run_sync(again.client.execute_interactive)("1 + 1", store_history=True, timeout=30)
    assert reply["content"]["execution_count"] == 1
    kernels.give_back(again, reusable=False)


@pytest.mark.parametrize(
    "change",
    [
        "import pandas; pandas.set_option('display.max_rows', 3)",
        "import matplotlib; matplotlib.rcParams['font.size'] = 31",
        "import altair; altair.theme.enable('dark')",
        "import os; os.environ['LEFT_BEHIND'] = '1'",
        "import os; os.chdir('/')",
        "import warnings; warnings.simplefilter('ignore')",
    ],
)
def test_a_kernel_left_changed_is_shut_down_not_lent(worker_environment, change):
    kernel = kernels.take_kernel(KERNEL_NAME, ("test",), 60)
    run_in(kernel, change)
    kernels.give_back(kernel, reusable=True)
    assert getattr(kernels._lent, "idle", None) is None
    assert not run_sync(kernel.manager.is_alive)()  # so the next unit gets a kernel of its own


def test_a_warm_kernel_shows_charts_without_altair_s_schema_check(worker_environment):
    """A chart Altair's check refuses (a property Vega-Lite does not have) is shown as it is:
    the check is test_report's, on every published spec."""
    kernel = kernels.take_kernel(KERNEL_NAME, ("test",), 60)
    code = (
        "import altair, pandas\n"
        "from IPython.display import display\n"
        "chart = altair.Chart(pandas.DataFrame({'x': [1]})).mark_point().encode(x='x:Q')\n"
        "chart.not_a_property = 1\n"
        "bundle = get_ipython().display_formatter.format(chart)[0]"
    )
    run_in(kernel, code)
    shown = run_sync(kernel._run)("", {"shown": "sorted(bundle)", "kept": "'not_a_property' in bundle['text/html']"})
    assert shown["shown"]["data"]["text/plain"] == "['image/svg+xml', 'text/html', 'text/plain']"
    assert shown["kept"]["data"]["text/plain"] == "True"
    kernels.give_back(kernel, reusable=False)


def test_a_failed_unit_s_kernel_is_replaced(worker_environment):
    kernel = kernels.take_kernel(KERNEL_NAME, ("test",), 60)
    kernels.give_back(kernel, reusable=False)
    assert not run_sync(kernel.manager.is_alive)()


def test_a_kernel_started_for_another_environment_is_not_lent(worker_environment):
    kernel = kernels.take_kernel(KERNEL_NAME, ("one run",), 60)
    kernels.give_back(kernel, reusable=True)
    other = kernels.take_kernel(KERNEL_NAME, ("another run",), 60)
    assert other is not kernel
    assert not run_sync(kernel.manager.is_alive)()
    kernels.give_back(other, reusable=False)


def test_the_warm_up_imports_what_the_notebooks_import(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("import not_this"),
        nbformat.v4.new_code_cell("import json\nfrom os import path\nfrom . import relative"),
        nbformat.v4.new_code_cell("%matplotlib inline"),
        nbformat.v4.new_code_cell("def later():\n    import csv"),
    ]
    nbformat.write(notebook, tmp_path / "one.ipynb")
    assert kernels.notebook_imports(tmp_path) == ["csv", "json", "os"]
