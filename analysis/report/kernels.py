"""Warm kernels: each worker keeps a started kernel with the notebooks' imports done, and lends it
clean to one unit at a time.

A fresh kernel per notebook pays a kernel start and the libraries' imports (together over a
second) on every unit: in a weekly backfill that is most of the work. Here a worker starts a
kernel once, imports what the notebooks import, and before each unit resets it to what a fresh
kernel holds after those imports: an empty namespace, execution count 1, no open figures.

After each unit the kernel's library state (see :mod:`analysis.report.kernelstate`) is compared
with its state right after the warm-up. A kernel whose unit failed or timed out, or that the
unit left different, is shut down; the next unit gets a new one. So a unit sees what it would
see in a fresh kernel, and the pages come out the same bytes (tests/test_isolation.py).

The hook is papermill's engine registry: the engine ``warm`` runs papermill's own notebook
client on a lent kernel. ``--isolation fresh`` keeps papermill's one kernel per notebook.
"""

import ast
import logging
import multiprocessing.util
import os
import select
import signal
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import IO, Any

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from analysis.paths import DRAWER_VARIABLE, NOTEBOOKS_DIR
from analysis.report.template import QUIET_KERNEL, ask_for_kernel, notebook_imports

ENGINE = "warm"
KERNEL_ARGUMENTS = [
    QUIET_KERNEL,
    "--HistoryManager.hist_file=:memory:",  # as nbclient starts its kernels
]
RESET = """\
import sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
get_ipython().reset(new_session=True)
"""
# Made after the imports, while the kernel waits for its first unit. A first figure: it switches
# matplotlib to the inline backend, which registers a formatter and sets rcParams, state that would
# otherwise differ after the first unit that draws one and cost the kernel. vl-convert, unless the
# run's drawer draws the charts (analysis.report.drawer): it starts its JavaScript engine on the
# first chart it draws, a call that costs far more than later ones.
# Charts are shown by analysis.charts.export.report_display: the bundle Altair's own display
# gives, without its JSON-schema check of each spec (which the tests run on every published one).
# gc.freeze(): the libraries' objects stay out of later collections, so the full collection in
# each reset (IPython's) looks only at what the units made.
FIRST_CALLS = f"""\
import matplotlib.pyplot
matplotlib.pyplot.close(matplotlib.pyplot.figure())
import os
if not os.environ.get({DRAWER_VARIABLE!r}):
    import vl_convert
    vl_convert.vegalite_to_svg({{"mark": "point"}})
import altair
from analysis.charts.export import report_display
get_ipython().display_formatter.mimebundle_formatter.for_type(altair.TopLevelMixin, report_display)
import gc
gc.freeze()
"""
Environment = tuple[tuple[str, str], ...]  # a sorted copy of os.environ's items
STATE = "__import__('analysis.report.kernelstate', fromlist=['fingerprint']).fingerprint()"

_log = logging.getLogger(__name__)
_lent = threading.local()  # one idle kernel per thread: a Dask worker runs tasks in several threads
# Where this worker's kernel template listens (see analysis.report.template); None: no template,
# kernels start the usual way (a Dask worker, or a run with --isolation fresh).
template_address: str | None = None


class WarmKernel:
    """A started kernel and its client, the state it had after the warm-up, and what it was started for."""

    def __init__(self, kernel_name: str, environment: Environment, startup_timeout: float) -> None:
        self.kernel_name = kernel_name
        self.environment = environment
        self.manager = PromptKernelManager(kernel_name=kernel_name)
        if template_address:
            self.manager.kernel_id = str(uuid.uuid4())
            self.manager.provisioner = ForkedProvisioner(
                kernel_id=self.manager.kernel_id, kernel_spec=self.manager.kernel_spec, parent=self.manager
            )
            self.manager.provisioner.address = template_address
        self.client: AsyncKernelClient | None = None
        run_sync(self._start)(startup_timeout)
        self.baseline = self.reset()

    async def _start(self, startup_timeout: float) -> None:
        await self.manager.start_kernel(cwd=str(NOTEBOOKS_DIR), extra_arguments=list(KERNEL_ARGUMENTS))
        client = self.manager.client()
        client.start_channels()
        await wait_until_ready(client, startup_timeout)
        self.client = client
        imports = "\n".join(f"import {module}" for module in notebook_imports())
        await self._run(imports + "\n" + FIRST_CALLS)

    async def _run(self, code: str, expressions: dict[str, str] | None = None) -> dict[str, Any]:
        assert self.client is not None, "the kernel was started"
        reply = await self.client.execute_interactive(
            code, silent=True, store_history=False, user_expressions=expressions or {}, timeout=120
        )
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"warm kernel: {content.get('ename')}: {content.get('evalue')}")
        return content.get("user_expressions", {})

    def reset(self) -> str:
        """Empty the namespace, close figures, count from 1 again; return the state fingerprint."""
        result = run_sync(self._run)(RESET, {"state": STATE})["state"]
        if result.get("status") != "ok":
            raise RuntimeError(f"warm kernel: the state check failed: {result.get('evalue')}")
        return ast.literal_eval(result["data"]["text/plain"])

    def shutdown(self) -> None:
        try:
            if self.client is not None:
                self.client.stop_channels()
            run_sync(self.manager.shutdown_kernel)(now=True)
        except Exception as error:  # a kernel that is already gone needs no shutting down
            _log.debug("warm kernel shutdown: %s", error)


class PromptKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, which after killing a kernel checks every 5 ms, not every
    100, whether it has ended: each worker stops its kernel before it exits, and the run waits
    for its workers before it publishes (0.1 s of a full build's tail)."""

    async def _async_wait(self, pollinterval: float = 0.005) -> None:
        await super()._async_wait(pollinterval)


async def wait_until_ready(client: AsyncKernelClient, timeout: float) -> None:
    """Wait until the kernel answers on the shell channel and its IOPub channel delivers: what
    jupyter_client's ``wait_for_ready`` checks, without its last step, which waits until IOPub
    has been quiet for 0.2 s. Each warm kernel paid those 0.2 s before its first unit, on the
    run's critical path. What that step would drop are the kernel-info requests' own messages;
    every later request reads only the messages whose parent it is (nbclient and
    ``execute_interactive`` both filter on it)."""
    deadline = time.monotonic() + timeout
    while True:
        client.kernel_info()
        try:
            reply = await client.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await client.iopub_channel.get_msg(timeout=0.2)
            except Empty:  # IOPub is not connected yet: ask again
                pass
            else:
                client._handle_kernel_info_reply(reply)  # as wait_for_ready does: the kernel's protocol version
                return
        if not await client.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel forked by the run's template; where the
    template cannot fork one, the kernel is started the usual way."""

    address = ""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        environment = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}  # as the launcher
        folder = str(kwargs.get("cwd") or Path.cwd())
        pid = ask_for_kernel(self.address, cmd, environment, folder)
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]  # what Popen offers, for a grandchild
        self.pid = self.pgid = pid  # the kernel leads a session of its own, as launched kernels do
        self.cwd = folder
        return self.connection_info


class ForkedKernel:
    """What jupyter_client asks of a kernel's process (subprocess.Popen's calls), for a kernel whose
    parent is the template: it is watched and signalled through a pidfd, so never a reused pid."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._handle = os.pidfd_open(pid)

    def poll(self) -> int | None:
        return self.wait(timeout=0)

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None and select.select([self._handle], [], [], timeout)[0]:
            self.returncode = -1  # it has ended; its exit status is its parent's (the template's) to collect
            os.close(self._handle)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._handle, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def take_kernel(kernel_name: str, environment: Environment, startup_timeout: float) -> WarmKernel:
    """This thread's idle kernel if it was started for the same kernel and environment, else a new one."""
    kernel = getattr(_lent, "idle", None)
    _lent.idle = None
    if kernel is not None and (kernel.kernel_name, kernel.environment) == (kernel_name, environment):
        return kernel
    if kernel is not None:
        kernel.shutdown()
    kernel = WarmKernel(kernel_name, environment, startup_timeout)
    multiprocessing.util.Finalize(kernel, kernel.shutdown, exitpriority=10)  # a worker's exit stops it
    return kernel


def give_back(kernel: WarmKernel, reusable: bool) -> None:
    """Keep ``kernel`` for this thread's next unit if its unit went well and left it as it found it."""
    if reusable:
        try:
            reusable = kernel.reset() == kernel.baseline
        except Exception as error:  # a dead or stuck kernel
            _log.debug("warm kernel reset: %s", error)
            reusable = False
    if reusable:
        _lent.idle = kernel
    else:
        _log.info("warm kernel not lent again: its unit failed or left it changed")
        kernel.shutdown()


def prepare(kernel_name: str, startup_timeout: float = 60) -> None:
    """Start this thread's kernel now (a worker does it while the run still validates the data),
    for the environment :func:`register_engine` recorded."""
    give_back(take_kernel(kernel_name, WarmEngine.environment, startup_timeout), reusable=True)


class WarmEngine(NBClientEngine):
    """Papermill's nbclient engine, on a lent warm kernel instead of one started for the notebook."""

    environment: Environment = ()  # set by the worker: what its kernels were started with

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,  # papermill's NotebookExecutionManager (papermill ships no types)
        kernel_name: str,
        log_output: bool = False,
        stdout_file: IO[str] | None = None,
        stderr_file: IO[str] | None = None,
        start_timeout: float = 60,
        execution_timeout: float | None = None,
        **kwargs: Any,
    ) -> nbformat.NotebookNode:
        kwargs.pop("input_path", None)
        kernel = take_kernel(kernel_name, cls.environment, start_timeout)
        notebook_client = PapermillNotebookClient(
            nb_man,
            km=kernel.manager,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logging.getLogger("papermill"),
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        )
        notebook_client.kc = kernel.client
        went_well = False
        try:
            result = notebook_client.execute()
            went_well = not nb_man.nb.metadata.papermill.get("exception")
            return result
        finally:
            give_back(kernel, went_well)


def register_engine(environment: Environment) -> None:
    """Make papermill's engine ``warm`` lend kernels started for ``environment`` (the worker's)."""
    WarmEngine.environment = environment
    papermill_engines.register(ENGINE, WarmEngine)
