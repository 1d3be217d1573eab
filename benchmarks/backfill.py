"""How a snapshot backfill's time grows with the number of snapshot dates (run by `make bench`).

Weekly snapshots from 6 January 2025, for 4, 16 and 64 dates, each built from scratch in a
fresh folder with --force. Dates whose record did not change share one executed unit, so the
figure that matters is the time per executed unit (one notebook with one parameter set).
"""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2025, 1, 6)


def backfill(dates):
    end = START + dt.timedelta(weeks=dates - 1)
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable,
            "-m",
            "analysis",
            "report",
            "--force",
            "--out",
            str(Path(scratch) / "reports"),
            "--as-of-range",
            f"{START}:{end}",
            "--every",
            "week",
        ]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
    executed = result.stdout.count(" ok in ")
    return seconds, executed


def main():
    print(f"weekly snapshots from {START}, 4 notebooks each, {os.cpu_count()} cores, local process pool")
    print(f"{'dates':>5} {'pages':>6} {'units run':>9} {'seconds':>8} {'s/unit':>7} {'s/date':>7}")
    for dates in (4, 16, 64):
        seconds, executed = backfill(dates)
        per_unit, per_date = seconds / executed, seconds / dates
        print(f"{dates:>5} {dates * 4:>6} {executed:>9} {seconds:>8.1f} {per_unit:>7.2f} {per_date:>7.2f}")


if __name__ == "__main__":
    main()
