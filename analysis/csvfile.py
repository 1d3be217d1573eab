"""Reading a curated CSV file as text: the one place that opens a table file.

Everything that reads a table's cells (validation, the bound rules, the row hashes of the
manifest) goes through :func:`read_csv`, so a file that cannot be read as a comma-separated
UTF-8 table fails the same way everywhere: as a :class:`DataError` naming the file, the line
and what to do, never as a traceback from deeper down.
"""

import csv
import dataclasses
from pathlib import Path
from typing import TextIO

from analysis.errors import DataError, Problem
from analysis.paths import shown_path

# Delimiters a spreadsheet may have saved a table with instead of commas.
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclasses.dataclass(frozen=True)
class CsvText:
    """A table file's header and rows as text, with the line each data row starts on."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]

    def records(self) -> list[dict[str, str]]:
        """The rows as dicts keyed by the header (cells past the header are dropped)."""
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


def read_csv(path: str | Path) -> CsvText:
    """Read ``path`` as a comma-separated UTF-8 table, or raise DataError saying why not.

    Quoted cells may span lines, so ``lines`` gives the line (as an editor counts them) on
    which each data row starts. Blank lines are an error rather than skipped: validation
    would otherwise see them as rows with empty keys.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(path, "w").write('id,note\\na,"two\\nlines"\\nb,x\\n')
    >>> read_csv(path).lines
    [2, 4]
    """
    path = Path(path)
    shown = f"{shown_path(path.parent)}/{path.name}"  # a link is named as it stands in the folder
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return _parse(handle, shown)
    except IsADirectoryError:
        raise DataError([Problem(shown, "is a folder, not a CSV file")]) from None
    except FileNotFoundError:
        raise DataError([Problem(shown, "file not found (or a link to a missing file)")]) from None
    except OSError as error:
        raise DataError([Problem(shown, f"cannot be read: {error.strerror or error}")]) from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise DataError(
            [Problem(shown, f"is not UTF-8 text (byte {error.object[error.start]:#04x}); save it as UTF-8", line=line)]
        ) from None


def _parse(handle: TextIO, shown: str) -> CsvText:
    reader = csv.reader(handle, strict=True)
    starts: list[int] = []
    rows: list[list[str]] = []
    problems: list[Problem] = []
    line = 1
    if handle.read(1) == "\ufeff":
        problems.append(Problem(shown, "starts with a byte-order mark (BOM): save it as UTF-8 without BOM", line=1))
    else:
        handle.seek(0)
    try:
        for row in reader:
            if not row:
                problems.append(Problem(shown, "blank line: delete it (every line must be a row)", line=line))
            else:
                starts.append(line)
                rows.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(shown, f"not valid CSV: {error}", line=line))
    if not rows:
        problems.append(Problem(shown, "empty file: it needs at least a header line"))
    else:
        used = [name for mark, name in _OTHER_DELIMITERS.items() if any(mark in cell for cell in rows[0])]
        if used:
            problems.append(
                Problem(
                    shown, f"the header is split by {used[0]}, not commas: save the file as comma-separated", line=1
                )
            )
    if problems:
        raise DataError(problems)
    return CsvText(rows[0], rows[1:], starts[1:])
