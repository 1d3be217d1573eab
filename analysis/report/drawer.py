"""One process that draws the SVG of every chart a local run's kernels show.

vl-convert starts a JavaScript engine on the first chart a process draws, which costs about
half a second of CPU. With a kernel per worker, each paid it before its first chart, on the
cores the run needs for the units. A local run starts this drawer once instead, beside the
kernel template, and tells its kernels where it listens (``$ANALYSIS_SVG_DRAWER``):
:func:`analysis.charts.export.chart_svg` asks it (``drawn_by_drawer``), and draws the chart
itself if the drawer cannot answer. The drawer is vl-convert's own drawing, so the SVG is the same text.

Started by :func:`start_drawer` (from analysis.report.execute); it ends with the run.
"""

import hashlib
import os
import pickle
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Hashable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


def serve(listener_fd: int, run_pid: int, address: str) -> None:
    """Draw a chart for each request on the listening socket until the run (``run_pid``) ends.

    At a lower priority: the first chart comes after the kernel template's imports, and its own
    start-up (vl-convert's) should not slow them down. A kernel waiting for a chart leaves the
    drawer its core.
    """
    from analysis.report.template import remove_socket, watch_run

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the run stops us
    os.nice(10)
    listener = socket.socket(fileno=listener_fd)
    try:
        run_ended = watch_run(run_pid)
        if run_ended is None:
            return
        import vl_convert

        vl_convert.vegalite_to_svg({"mark": "point"})  # its engine starts now, while the kernels start
        drawn: dict[Hashable, str | None] = {}
        while True:
            ready, _, _ = select.select([listener_fd, run_ended], [], [])
            if run_ended in ready:
                return
            with Connection(listener.accept()[0].detach()) as connection:
                _answer(connection, vl_convert.vegalite_to_svg, drawn)
    finally:
        remove_socket(address)


# Drawings the drawer keeps: two kernels often ask for the same chart at once (the overview and
# the force-size report of one date share a chart), before either has put it in the SVG cache.
# In a 105-date backfill 10 of 82 requests repeated one still being drawn.
KEPT_DRAWINGS = 64


def _answer(connection: Connection, draw: Any, drawn: dict[Hashable, str | None]) -> None:
    """The SVG of the spec ``connection`` sends, or None for a spec vl-convert cannot draw (the
    kernel then draws it itself, and raises what vl-convert raises). A spec sent before is
    answered from ``drawn``."""
    from analysis.memo import kept  # not at the top: run as a script, this file's folder is first on sys.path

    try:
        request = connection.recv_bytes()
    except (OSError, EOFError):
        return
    svg = kept(drawn, hashlib.sha256(request).digest(), lambda: _drawing(draw, request), KEPT_DRAWINGS)
    try:
        connection.send(svg)
    except OSError:  # the kernel stopped waiting
        pass


def _drawing(draw: Any, request: bytes) -> str | None:
    """The SVG of the spec pickled in ``request``; None for a spec vl-convert cannot draw, or a
    request that is no spec at all, which before ended the drawer."""
    try:
        return str(draw(pickle.loads(request)))
    except Exception:  # the kernel's own drawing says what is wrong with the spec
        return None


def start_drawer(environment: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start this run's drawer; return it and its address (stopped with template.stop_server)."""
    from analysis.report.template import start_server

    return start_server(__file__, [], environment, cwd, "analysis-drawer-")


if __name__ == "__main__":
    del sys.path[0]  # this file's folder, which holds no module of its own
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
