"""Running units: papermill in worker processes (a local pool) or on a dask.distributed cluster.

A worker imports papermill once and starts loading the HTML templates while its first kernel
runs. With ``isolation="warm"`` (the default) it keeps one kernel with the notebooks' imports
done and lends it clean to each unit (:mod:`analysis.report.kernels`); with ``"fresh"`` every
unit gets a kernel of its own, as papermill does by default. Local workers come from a fork
server and end with the run, however it ends; their kernels' charts are drawn by the run's
drawer (:mod:`analysis.report.drawer`).
"""

import concurrent.futures
import dataclasses
import multiprocessing
import os
import select
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.paths import DRAWER_VARIABLE, NOTEBOOKS_DIR, REPORT_MODE_VARIABLE, VALIDATED_DATA_VARIABLE
from analysis.report.drawer import start_drawer
from analysis.report.html import render_html, start_loading_exporter
from analysis.report.plan import Unit, params_text
from analysis.report.template import QUIET_KERNEL, notebook_imports, start_template, stop_server

if TYPE_CHECKING:
    from nbformat import NotebookNode

_READY = False  # in a worker: papermill imported and the exporter loading

# A cell that runs longer than this fails its report instead of holding the run (and its lock) forever.
CELL_TIMEOUT_SECONDS = 600
KERNEL_NAME = "python3"  # the notebooks' kernel, which a warm worker starts ahead
ISOLATIONS = ("warm", "fresh")  # a kernel lent, reset and checked, to each notebook; a new kernel for each
# What every local worker imports (0.7 s of CPU) and its HTML exporter (0.3 s), made once by the
# fork server instead, before it forks the workers: otherwise each worker pays them again, on the
# cores its kernel needs.
WORKER_MODULES = [
    "analysis.report.execute",
    "analysis.report.kernels",
    "papermill",
    "nbconvert",
    "analysis.report.worker_preload",
]


@dataclasses.dataclass
class Outcome:
    unit: Unit
    seconds: float = 0.0
    result: str = "ok"  # ok, cached, failed
    message: str = ""


def worker_setup(validated_version: str, isolation: str = "warm") -> None:
    """Prepares a worker (a local process, or a Dask worker) to run units: environment and exporter.

    Kernels inherit the environment: report-mode charts, and the data version this run has
    validated (so they need not validate the same bytes again). The first call also imports
    papermill and starts loading the exporter's templates in a thread, which a local run does
    while the parent still validates the data.
    """
    global _READY
    os.environ[REPORT_MODE_VARIABLE] = "1"
    os.environ[VALIDATED_DATA_VARIABLE] = validated_version
    if isolation == "warm":
        from analysis.report.kernels import register_engine

        register_engine(tuple(sorted(os.environ.items())))  # kernels started for another run are not lent
    if _READY:
        return
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stopping a local worker ends it (and its kernel) at once
    import papermill  # noqa: F401  (imported once here, not per notebook)

    start_loading_exporter()
    _READY = True


def local_worker_setup(
    validated_version: str, run_pid: int, isolation: str = "warm", template: str = "", drawer: str = ""
) -> None:
    """A local worker ends as soon as the run that started it ends, however the run ends.

    So a run killed with SIGKILL (or by the out-of-memory killer) leaves no worker behind;
    the worker's kernels see their parent gone and exit too (ipykernel's parent poller).
    A warm worker starts its kernel here, while the run validates the data, forked by the
    run's kernel ``template`` (its address) where there is one. Its kernels have their charts
    drawn by the run's ``drawer`` (its address; see :mod:`analysis.report.drawer`).
    """
    exit_with(run_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the run stops them
    if drawer:
        os.environ[DRAWER_VARIABLE] = drawer
    worker_setup(validated_version, isolation)
    if isolation == "warm":
        import analysis.report.kernels as kernels

        kernels.template_address = template or None
        try:
            kernels.prepare(KERNEL_NAME)
        except Exception:  # noqa: S110  (the first unit starts one again, and its failure says why)
            pass


def exit_with(pid: int) -> None:
    """Exit this process when process ``pid`` exits (a thread waits on a pidfd for it)."""
    descriptor = os.pidfd_open(pid)

    def wait() -> None:
        select.select([descriptor], [], [])
        os._exit(1)

    threading.Thread(target=wait, name="exit-with-run", daemon=True).start()


def warm() -> None:
    """A no-op task: submitting one per worker starts the workers early."""


def run_unit(
    unit: Unit, folder: str | Path, facts: list[tuple[str, str]], validated_version: str, isolation: str = "warm"
) -> tuple[float, str]:
    """Execute one unit into ``folder`` (notebook, then HTML). Returns (seconds, error or '')."""
    worker_setup(validated_version, isolation)
    import nbformat
    import papermill

    started = time.perf_counter()
    Path(folder).mkdir(parents=True, exist_ok=True)
    executed = Path(folder) / f"{unit.name}.ipynb"
    error = ""
    notebook = None
    try:
        notebook = papermill.execute_notebook(
            str(NOTEBOOKS_DIR / f"{unit.notebook}.ipynb"),
            str(executed),
            parameters=unit.parameters,
            engine_name="warm" if isolation == "warm" else None,
            cwd=str(NOTEBOOKS_DIR),
            progress_bar=False,
            log_output=False,
            record_timing=False,
            request_save_on_cell_execute=False,  # one write at the end, not one per cell
            shutdown_kernel="immediate",
            execution_timeout=CELL_TIMEOUT_SECONDS,
            extra_arguments=[QUIET_KERNEL],
        )
    except papermill.PapermillExecutionError as failure:
        error = f"{failure.ename}: {failure.evalue}"
    except Exception as failure:  # a dead or hung kernel, a broken notebook file: the unit fails, the run goes on
        error = f"{type(failure).__name__}: {failure}"
    if notebook is None and executed.is_file():  # a failed unit: the notebook papermill wrote, with the error
        notebook = nbformat.read(executed, as_version=4)
    if notebook is not None:  # what papermill returns is what it wrote: not read back
        notebook = stable_notebook(notebook, unit)
        nbformat.write(notebook, executed)
        if not error:
            executed.with_suffix(".html").write_text(render_html(notebook, unit, facts), encoding="utf-8")
    elif not error:
        error = "papermill wrote no executed notebook"
    return time.perf_counter() - started, error


def stable_notebook(notebook: "NotebookNode", unit: Unit) -> "NotebookNode":
    """Drop what differs between identical runs (timings, paths), keep the parameters."""
    notebook.metadata["papermill"] = {"parameters": unit.parameters}
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill gives it a random id
        elif "papermill-error-cell-tag" in tags:
            cell.id = f"papermill-error-{index}"  # so do the cells that point at a failure
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return notebook


def start_workers(
    scheduler: str | None, count: int, data_hash: str, isolation: str = "warm"
) -> concurrent.futures.Executor:
    """Local worker processes (warmed at once), or a dask.distributed cluster's executor."""
    if scheduler:
        from distributed import Client

        client = Client(scheduler)
        executor = client.get_executor(pure=False)
        executor.client_to_close = client
        return executor
    # Workers come from a fork server, not forked from this process: they hold none of its open
    # files, so the output folder's lock is released when this process dies, however it dies.
    template, address = (None, "")
    if isolation == "warm":  # started first: its imports overlap the fork server's
        template, address = start_template(
            {**os.environ, REPORT_MODE_VARIABLE: "1", VALIDATED_DATA_VARIABLE: data_hash},  # a worker's kernels'
            notebook_imports(),
            NOTEBOOKS_DIR,
        )
    drawer, drawer_address = start_drawer(dict(os.environ), NOTEBOOKS_DIR)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=local_worker_setup,
        initargs=(data_hash, os.getpid(), isolation, address, drawer_address),
    )
    pool.servers = [(template, address), (drawer, drawer_address)]  # type: ignore[attr-defined]  # after the workers
    # Starting a worker waits until the fork server has imported what the workers need (about a
    # second): a thread waits, while the run plans its pages.
    starting = threading.Thread(target=_start_processes, args=(pool, count), name="start-workers", daemon=True)
    starting.start()
    pool.starting = starting  # type: ignore[attr-defined]  # joined before the pool is stopped or closed
    return pool


def _start_processes(pool: concurrent.futures.ProcessPoolExecutor, count: int) -> None:
    """Start the pool's worker processes (a no-op task each), unless it is already being stopped."""
    try:
        for _ in range(count):
            pool.submit(warm)
    except RuntimeError:  # shut down meanwhile: a run that stopped while its workers started
        pass


def _started(executor: concurrent.futures.Executor) -> None:
    """Wait until a local pool's worker processes have been started (see start_workers)."""
    starting = getattr(executor, "starting", None)
    if starting is not None:
        starting.join()


def close_workers(executor: concurrent.futures.Executor | None) -> None:
    if executor is None:
        return
    _started(executor)
    executor.shutdown()
    client = getattr(executor, "client_to_close", None)
    if client is not None:
        client.close()
    _stop_servers(executor)


def _stop_servers(executor: concurrent.futures.Executor) -> None:
    """The template and the drawer of a local run, once its workers are done."""
    for process, address in getattr(executor, "servers", []):
        stop_server(process, address)


def stop_workers(executor: concurrent.futures.Executor | None) -> None:
    if executor is None:
        return
    if isinstance(executor, concurrent.futures.ProcessPoolExecutor):
        _started(executor)
        workers = multiprocessing.active_children()
        for worker in workers:  # their kernels exit with them
            worker.terminate()
        # Wait for the pool's manager thread to see its workers gone, so that nothing of the pool
        # is left for the interpreter's exit hooks (under load they printed a traceback), and for
        # each worker to have ended. A first shutdown without waiting, as this did before, let
        # the second return at once: a worker could still be alive when the run had stopped.
        executor.shutdown(wait=True, cancel_futures=True)
        for worker in workers:
            worker.join()
        _stop_servers(executor)
    else:
        executor.shutdown(wait=False)
        close_workers(executor)


def collect(
    futures: Mapping[concurrent.futures.Future[tuple[float, str]], str],
    units: Mapping[str, Unit],
    log: Callable[[str], None],
    finished: Callable[[str, Outcome], None] = lambda key, outcome: None,
) -> dict[str, Outcome]:
    """Each unit's outcome as it finishes, with a line per unit; on a terminal, a progress bar too.

    The bar (tqdm, on standard error) estimates the time left from the units done so far; a
    log file gets only the lines. ``finished`` is called with each unit's key and outcome, as
    it finishes.
    """
    from tqdm import tqdm

    outcomes: dict[str, Outcome] = {}
    size = shutil.get_terminal_size()  # a terminal that reports no size (0 x 0) would hide the bar: 80 x 24
    bar = tqdm(
        total=len(futures),
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
        mininterval=0,  # each finished report shows, however soon after the one before (or the start) it came
        ncols=size.columns,
        nrows=size.lines,
        bar_format="{percentage:3.0f}% |{bar}| {n_fmt}/{total_fmt} reports, {elapsed} so far, about {remaining} left",
    )
    with bar:
        for future in concurrent.futures.as_completed(futures):
            key = futures[future]
            unit = units[key]
            seconds, error = future.result()
            outcomes[key] = Outcome(unit, seconds, "failed" if error else "ok", error)
            result = "FAILED" if error else "ok"
            with bar.external_write_mode():
                log(
                    f"  {unit.name:<14} {result} in {seconds:.1f} s ({params_text(unit.parameters)})"
                    + (f": {error}" if error else "")
                )
            finished(key, outcomes[key])
            bar.update()
    return outcomes
