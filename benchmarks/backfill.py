"""What a weekly snapshot backfill costs per executed unit, as the number of dates grows (`make bench`).

Weekly snapshots from 1 December 2024 to the record's latest change, for the first 4, 16 and
64 dates and for all of them, each built from scratch in a fresh folder with --force, on the
local process pool and on a 2-worker dask.distributed LocalCluster (its workers restarted
first), each with no chart drawn ahead (the SVG and PNG caches in .cache/ are emptied first).
Dates whose record did not change share one executed unit (one notebook with one parameter
set), so the figure that matters is the time per executed unit.

The target, 0.3 s per executed unit on 2 cores, is the whole backfill's: every week from 1
December 2024 to the latest date in the record (the row "all", the median of three runs). The
shorter runs show how the cost scales: each run also pays a start-up (Python, the kernel
template and kernels, the data's validation) and a publish, which weigh more the fewer units
share them. A straight line through each table's rows splits the two: seconds = start-up +
units x seconds a unit.

    python benchmarks/backfill.py [--isolation warm|fresh] [--sizes 4,16,64,all] [--local-only]
"""

import argparse
import datetime as dt
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.paths import DRAWINGS
from analysis.snapshots import Record

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2024, 12, 1)
TARGET_SECONDS_PER_UNIT = 0.3
# The whole backfill, which the target is for, runs this many times and counts by its median:
# this machine's speed moves by a fifth from one minute to the next, more than most changes do.
REPEAT = 3


def weekly_dates():
    """Every weekly date from START up to the record's latest change (read once per benchmark)."""
    last = Record().change_days()[-1]
    return [START + dt.timedelta(weeks=week) for week in range((last - START).days // 7 + 1)]


def backfill(dates, isolation, scheduler=None):
    """Seconds and executed units of one backfill over ``dates`` into a fresh folder."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable,
            "-m",
            "analysis",
            "report",
            "--force",
            "--isolation",
            isolation,
            "--out",
            str(Path(scratch) / "reports"),
            "--as-of-range",
            f"{dates[0]}:{dates[-1]}",
            "--every",
            "week",
        ]
        if scheduler:
            command += ["--scheduler", scheduler]
            restart_workers(scheduler)
        for drawings in DRAWINGS:  # every backfill draws its charts from scratch
            shutil.rmtree(drawings, ignore_errors=True)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
    return seconds, result.stdout.count(" ok in ")


def restart_workers(scheduler):
    """New worker processes for the cluster: its workers keep their kernels between runs, and with
    them what those kernels made (a chart for equal inputs, a table's HTML), which a backfill
    from scratch must not find."""
    from distributed import Client

    with Client(scheduler) as client:
        client.restart()


def table(where, isolation, sizes, every_week, scheduler=None):
    print(f"\n{where}, isolation {isolation}: weekly snapshots from {START}, {os.cpu_count()} cores")
    print(f"{'dates':>5} {'first':>10} {'last':>10} {'units run':>9} {'seconds':>8} {'s/unit':>7}")
    runs = []
    for size in sizes:
        dates = every_week if size is None else every_week[:size]
        timed = [backfill(dates, isolation, scheduler) for _ in range(REPEAT if size is None else 1)]
        seconds, executed = statistics.median(seconds for seconds, _ in timed), timed[0][1]
        runs.append((executed, seconds))
        per_unit = seconds / executed
        span = f"{dates[0]!s:>10} {dates[-1]!s:>10}"
        if size is None:  # the whole backfill, which the target is for
            verdict = "met" if per_unit <= TARGET_SECONDS_PER_UNIT else "MISSED"
            note = f"  all dates: target <= {TARGET_SECONDS_PER_UNIT} s a unit: {verdict}"
            note += f"\n{'':>5} median of {REPEAT}, each run: " + ", ".join(f"{s:.1f}" for s, _ in timed) + " s"
        else:
            note = ""
        print(f"{len(dates):>5} {span} {executed:>9} {seconds:>8.1f} {per_unit:>7.2f}{note}")
    if len(runs) > 1:
        start_up, per_unit = straight_line(runs)
        print(f"  a straight line through these rows: {start_up:.1f} s of start-up, then {per_unit:.2f} s a unit")


def straight_line(points):
    """Least-squares intercept and slope of (x, y) points: a run's fixed cost and its cost a unit.

    >>> straight_line([(1, 3.0), (3, 4.0)])
    (2.5, 0.5)
    """
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return mean_y - slope * mean_x, slope


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--isolation", default="warm", choices=["warm", "fresh"])
    parser.add_argument("--sizes", default="4,16,64,all", help="numbers of dates, comma-separated; all: every week")
    parser.add_argument("--local-only", action="store_true", help="skip the LocalCluster runs")
    args = parser.parse_args()
    sizes = [None if size == "all" else int(size) for size in args.sizes.split(",")]
    every_week = weekly_dates()
    table("local process pool", args.isolation, sizes, every_week)
    if args.local_only:
        return
    from distributed import LocalCluster

    logging.getLogger("distributed.nanny").setLevel(logging.ERROR)  # not a warning for each restart
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        table("2-worker LocalCluster", args.isolation, sizes, every_week, cluster.scheduler_address)


if __name__ == "__main__":
    main()
