"""A kernel template: one process that imports what the notebooks import, then forks each warm
kernel from itself instead of starting a new Python for it.

A kernel started the usual way spends over a second before its first cell: Python, ipykernel,
pandas, Altair, matplotlib's pyplot and the analysis package. A local run starts this template
once, while it validates the data, and its workers' kernels are forked from it (the imported
modules are shared, copy-on-write), so the two workers do not each pay those imports on the
same two cores. Each kernel still makes its own first figure and first chart (vl-convert's
JavaScript engine runs threads, which a fork must not copy), in :mod:`analysis.report.kernels`.

A forked kernel must hold what a fresh one holds; the template imports as a kernel would:

- matplotlib is imported with the inline backend named, as ipykernel names it, and no figure
  made: the backend joins IPython's display in the kernel, on the kernel's first figure;
- its standard output names the encoding ipykernel's does, and pandas sees a kernel while it
  is imported (it picks ``display.encoding`` and ``display.max_columns`` from these at import);
- it runs as a script (importing no more of the package than a kernel does) and takes its
  own folder off ``sys.path`` before it imports, as ``ipykernel_launcher`` does;
- the warning filters the libraries add come before the one the kernel's shell adds;
- the child takes the worker's environment (with ``JPY_PARENT_PID``, as jupyter_client's
  launcher sets it), working folder and kernel arguments, in a session of its own.

``tests/test_isolation.py`` compares a forked kernel's library state with a fresh kernel's, and
the pages it makes with a fresh kernel's. The template forks only while it runs one thread;
any request it cannot serve gets ``None``, and the worker starts its kernel the usual way.

Started by :func:`start_template` (from analysis.report.execute), one per local run.
"""

import ast
import builtins
import contextlib
import gc
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import warnings
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

LAUNCHER = ["-m", "ipykernel_launcher"]  # how a kernel spec for this Python starts its kernel
QUIET_KERNEL = "--log-level=ERROR"  # every kernel a run starts: its own start-up warnings are not the run's news
KERNEL_ENCODING = "UTF-8"  # what ipykernel's output streams report as their encoding
TEMPLATE_TIMEOUT_SECONDS = 60  # as long as a kernel may take to start (nbclient's startup timeout)


def notebook_imports(folder: Path | None = None) -> list[str]:
    """The modules the notebooks in ``folder`` import, sorted: what a warm kernel imports ahead.

    Read as plain JSON (no nbformat): the run's own process asks, and imports no more than it must.
    """
    from analysis.paths import NOTEBOOKS_DIR

    modules: set[str] = set()
    for path in sorted((folder or NOTEBOOKS_DIR).glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            try:
                tree = ast.parse(source)
            except SyntaxError:  # IPython magics: not an import, and the notebook's own business
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module)
    return sorted(modules)


class _KernelShell:
    """What pandas looks for while it is imported: a shell with a kernel (see the module doc)."""

    kernel = True


def preload(modules: list[str]) -> None:
    """Import ipykernel and ``modules`` as they are imported in a kernel, plus matplotlib's pyplot."""
    del sys.path[0]  # this file's folder: a kernel's launcher takes its own first entry off too; IPython puts '' back
    if not os.environ.get("MPLBACKEND"):  # as ipykernel sets it up (init_gui_pylab); matplotlib reads it at import
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    sys.stdout = io.TextIOWrapper(open(os.devnull, "wb"), encoding=KERNEL_ENCODING)  # noqa: SIM115 (kept open)
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel_launcher  # type: ignore[import-untyped]  # noqa: F401

    before = len(warnings.filters)

    builtins.get_ipython = _KernelShell  # type: ignore[attr-defined]
    try:
        import pandas  # noqa: F401
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    for module in modules:
        __import__(module)
    import matplotlib.pyplot  # noqa: F401  (no figure: the kernel's inline backend is set up in the kernel)

    LIBRARY_FILTERS[:] = warnings.filters[: len(warnings.filters) - before]  # each import put its own in front
    gc.freeze()  # the imports' objects stay out of collections, so the kernels do not copy their pages to scan them


LIBRARY_FILTERS: list[Any] = []  # the warning filters the libraries' imports added, first to last


def _library_filters_first() -> None:
    """Put the warning filters the template's imports added in front of those the kernel's start
    added (the shell adds one), as in a kernel that imported the libraries after it started: the
    first filter a warning matches decides. Added again through ``filterwarnings``, which moves
    an equal filter to the front."""
    for action, message, category, module, lineno in reversed(LIBRARY_FILTERS):
        warnings.filterwarnings(
            action, message.pattern if message else "", category, module.pattern if module else "", lineno
        )


def serve(listener_fd: int, run_pid: int, address: str, modules: list[str]) -> None:
    """Fork a kernel for each request on the listening socket ``listener_fd`` (bound at ``address``)
    until the run (``run_pid``) ends, then remove the socket, whichever way the run ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the run stops us
    listener = socket.socket(fileno=listener_fd)
    try:
        run_ended = watch_run(run_pid)
        if run_ended is None:
            return
        preload(modules)  # a worker's request waits in the listener's queue meanwhile
        while True:
            ready, _, _ = select.select([listener_fd, run_ended], [], [], 1.0)
            _reap()
            if run_ended in ready:
                return
            if listener_fd in ready:
                _answer(Connection(listener.accept()[0].detach()), [listener_fd, run_ended])
    finally:
        remove_socket(address)


def watch_run(run_pid: int) -> int | None:
    """A pidfd that becomes readable when the run ends; None if it has ended already (and been
    reaped: a run killed in its first milliseconds), when a server has nothing left to serve."""
    try:
        return os.pidfd_open(run_pid)
    except ProcessLookupError:
        return None


def _answer(connection: Connection, inherited: list[int]) -> None:
    """Fork a kernel for one request and send back its pid. A kernel whose asker has gone (it
    stopped waiting, and starts one of its own on the same ports) is stopped at once."""
    with connection:
        try:
            request = connection.recv()
        except (OSError, EOFError):
            return
        pid = _fork_kernel(request, inherited)
        try:
            connection.send(pid)
        except OSError:
            if pid:
                os.kill(pid, signal.SIGKILL)


def _fork_kernel(request: Any, inherited: list[int]) -> int | None:
    """The pid of a kernel forked for ``request`` (command, environment, folder), or None."""
    try:
        command, environment, folder = request
        if Path(command[0]).resolve() != Path(sys.executable).resolve() or command[1:3] != LAUNCHER:
            return None  # another Python, or another kernel: started the usual way
        if threading.active_count() != 1:
            return None  # a fork copies only this thread: whatever another held would stay held
    except (TypeError, ValueError, IndexError, OSError):
        return None
    pid = os.fork()
    if pid:
        return pid
    try:  # the kernel, in this child
        for descriptor in inherited:
            os.close(descriptor)
        _become_kernel(command[3:], environment, folder)
    finally:
        os._exit(1)


def _become_kernel(arguments: list[str], environment: dict[str, str], folder: str) -> None:
    """Turn this forked child into a kernel, as ``python -m ipykernel_launcher ARGUMENTS`` would run."""
    import ipykernel_launcher
    from ipykernel import kernelapp

    os.setsid()  # as jupyter_client starts a kernel: its own session, signalled as a group
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(environment)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = sys.__stdout__
    sys.argv = [ipykernel_launcher.__file__, *arguments]
    # ipykernel reads JPY_PARENT_PID when it is imported, which the template did before any request
    app = kernelapp.IPKernelApp.instance(parent_handle=int(environment.get("JPY_PARENT_PID") or 0))
    app.initialize()  # what IPKernelApp.launch_instance does, with the filters put in order between
    _library_filters_first()
    app.start()
    os._exit(0)


def _reap() -> None:
    """Collect the kernels that have exited (this process is their parent)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def start_template(environment: dict[str, str], modules: list[str], cwd: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start a template for this run's kernels; return it and the address workers ask it at."""
    return start_server(__file__, modules, environment, cwd, "analysis-template-")


def start_server(
    script: str, arguments: list[str], environment: dict[str, str], cwd: Path, prefix: str
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python script LISTENER RUN_PID ADDRESS *arguments``, a server on a Unix socket that
    this run's processes connect to; return the process and the socket's address.

    The socket is bound here, before the server starts, so a client that asks early waits in
    its queue instead of finding no socket.
    """
    address = str(Path(tempfile.mkdtemp(prefix=prefix)) / "socket")  # a folder private to this user
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(address)
        listener.listen()
        process = subprocess.Popen(
            [sys.executable, script, str(listener.fileno()), str(os.getpid()), address, *arguments],
            env=environment,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            pass_fds=[listener.fileno()],
        )
    return process, address


def ask_for_kernel(address: str, command: list[str], environment: dict[str, str], folder: str) -> int | None:
    """The pid of a kernel forked by the template at ``address``, or None if it cannot fork one."""
    from multiprocessing.connection import Client

    try:
        with Client(address, family="AF_UNIX") as connection:
            connection.send((command, environment, folder))
            if not connection.poll(TEMPLATE_TIMEOUT_SECONDS):
                return None  # a template stuck in its imports
            pid: int | None = connection.recv()
            return pid
    except (OSError, EOFError):  # no template (it failed, or the run is ending)
        return None


def stop_server(process: subprocess.Popen[bytes] | None, address: str | None) -> None:
    """Stop a server :func:`start_server` started, and remove its socket."""
    if process is not None:
        process.terminate()
        process.wait()
    if address:
        remove_socket(address)


def remove_socket(address: str) -> None:
    """Remove a server's socket and the private folder it was made in."""
    Path(address).unlink(missing_ok=True)
    with contextlib.suppress(FileNotFoundError):
        Path(address).parent.rmdir()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:])
