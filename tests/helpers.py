"""Helpers for tests that need a broken copy of a table."""

import csv
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
