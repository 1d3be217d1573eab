"""Helpers for tests: broken copies of tables, report builds, snapshots of a folder."""

import csv
import os
import subprocess
import sys
from pathlib import Path

from analysis.data import data_row_lines
from analysis.paths import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"


def set_cell(data_dir, table, row_id, column, value):
    """Set one cell of a table copy; return the line on which that row starts in the file."""
    path = Path(data_dir) / f"{table}.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    index = next(i for i, row in enumerate(rows) if i and row[0] == row_id)
    rows[index][header.index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return data_row_lines(path)[index - 1]


# A fixed build time, so that report output is reproducible byte for byte.
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}


def build(out, *args, env=None, timeout=600):
    """Run `python -m analysis report --out OUT ARGS` as a user would; return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--out", str(out), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **EPOCH, **(env or {})},
        timeout=timeout,
    )


def snapshot(folder):
    """Every file below a folder, with its bytes."""
    return {path.relative_to(folder): path.read_bytes() for path in Path(folder).rglob("*") if path.is_file()}
