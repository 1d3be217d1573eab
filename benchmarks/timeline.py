"""When each step of one full report build starts and ends, in the run's process and in each worker.

A full build (--force, every chart drawn anew) into a temporary folder, with a wall-clock stamp
(seconds since this script started) around the run's steps: planning, starting the workers,
validating the data, collecting the units, assembling and publishing, and in each worker its
kernel's warm-up, each unit and its HTML export. Shows what waits for what, which a total
cannot (figures, not tests; one run on one machine).

    python benchmarks/timeline.py

Local workers come from a fork server, which imports this file again as ``__mp_main__`` in
each of them; the stamps are wrapped around the functions there too, at import.
"""

import functools
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

STAMPS = Path(os.environ.setdefault("TIMELINE_STAMPS", str(Path(tempfile.gettempdir()) / "timeline-stamps.jsonl")))
STARTED = float(os.environ.setdefault("TIMELINE_STARTED", repr(time.time())))


def stamp(what):
    with STAMPS.open("a", encoding="utf-8") as stamps:
        stamps.write(json.dumps([time.time() - STARTED, os.getpid(), what]) + "\n")


def stamped(module, name):
    """Replace ``module.name`` by the same function between two stamps (picklable: same name)."""
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        stamp(f"{name} starts")
        try:
            return original(*args, **kwargs)
        finally:
            stamp(f"{name} ends")

    setattr(module, name, wrapper)
    return wrapper


if __name__ in ("__main__", "__mp_main__"):
    import analysis.report.execute as execute
    import analysis.report.kernels as kernels

    stamped(kernels, "prepare")
    stamped(execute, "run_unit")
    stamped(execute, "render_html")
    if __name__ == "__main__":
        import analysis.report.run as run

        run.run_unit = execute.run_unit  # run.py holds its own reference; it pickles by name
        for step in ("plan_pages", "start_workers", "validate_once", "collect", "_assemble", "publish"):
            stamped(run, step)


def main():
    from analysis.paths import DRAWINGS
    from analysis.report import build_reports

    STAMPS.unlink(missing_ok=True)
    for drawings in DRAWINGS:
        shutil.rmtree(drawings, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        stamp("build_reports starts")
        build_reports(out=Path(scratch) / "reports", force=True, log=lambda line: None)
        stamp("build_reports ends")
    rows = sorted(json.loads(line) for line in STAMPS.read_text(encoding="utf-8").splitlines())
    columns = {}
    for seconds, pid, what in rows:
        column = columns.setdefault(pid, len(columns))
        print(f"{seconds:6.2f} s  {'    ' * column}[{'run' if column == 0 else f'worker {column}'}] {what}")
    STAMPS.unlink()


if __name__ == "__main__":
    sys.exit(main())
