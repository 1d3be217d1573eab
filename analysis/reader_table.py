"""One table a reader can use, built with great_tables from ready HTML cells.

The machinery the report tables share (see :mod:`analysis.tables` for the tables themselves):
human headers made unique, each row an anchor that can be cited and a link to it in the
record explorer, long tables grouped under headings, and cells that name their column so a
row reads as a card on a phone. Cells are HTML escaped by :mod:`analysis.text`, so
great_tables is told to pass them through.
"""

import re
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd
from great_tables import GT

from analysis.hashing import content_hash
from analysis.memo import kept
from analysis.text import html_text

Cell = Callable[[dict[str, Any]], str]  # a row (a dict) to the HTML of one cell, escaped by analysis.text


def reader_table(
    frame: pd.DataFrame,
    columns: list[tuple[str, Cell]],
    table_id: str,
    anchor: tuple[str, str] | None = None,
    explore: Cell | None = None,
    group: Callable[[dict[str, Any]], Hashable] | None = None,
) -> "ReaderTable":
    """A great_tables table of ``frame``: ``columns`` is a list of (header, cell function).

    Each cell function takes a row (a dict) and returns HTML already escaped by
    :mod:`analysis.text`. ``anchor`` is ``(prefix, id column)``: the first cell of each row
    then carries ``id="prefix-<id>"``. ``explore`` (a row to a link, see :mod:`analysis.links`)
    ends the first cell with a link to the same row in the record explorer. ``group`` (a row to
    a label) groups a long table's rows under headings, in the order the groups first appear.
    ``table_id`` fixes great_tables' element id, so pages are byte-identical across builds.
    """
    rows = frame.to_dict("records")
    columns = _unique_headers(columns)
    cells = {header: [make(row) for row in rows] for header, make in columns}
    first = columns[0][0]
    if anchor and rows:
        prefix, column = anchor
        cells[first] = [
            f'<span class="row-anchor" id="{html_text(prefix)}-{html_text(row[column])}"></span>{cell}'
            for row, cell in zip(rows, cells[first], strict=True)
        ]
    if explore and rows:
        cells[first] = [cell + explore(row) for row, cell in zip(rows, cells[first], strict=True)]
    table = pd.DataFrame(cells, columns=[header for header, _ in columns])
    if group and rows:
        table = _grouped(table, [group(row) for row in rows])
    return ReaderTable(table, table_id, grouped=bool(group and rows))


LONG_TABLE = 12  # rows: a longer table of several actors is grouped by actor
GROUP = "group"  # the column great_tables takes the row groups from (never shown as a column)


def _grouped(table: pd.DataFrame, labels: list[Hashable]) -> pd.DataFrame:
    """``table`` with its groups' labels, its rows in the order their groups first appear.

    The labels stay plain text: great_tables escapes a row group's label itself.
    """
    order = {name: index for index, name in enumerate(dict.fromkeys(labels))}
    keyed = table.assign(**{GROUP: [str(name) for name in labels]}, _order=[order[name] for name in labels])
    return keyed.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def _unique_headers(columns: list[tuple[str, Cell]]) -> list[tuple[str, Cell]]:
    """Headers made unique (two sources of the same name still get two columns): 'X', 'X (2)'."""
    seen: dict[str, int]
    unique: list[tuple[str, Cell]]
    seen, unique = {}, []
    for header, make in columns:
        seen[header] = seen.get(header, 0) + 1
        unique.append((header if seen[header] == 1 else f"{header} ({seen[header]})", make))
    return unique


def _label(cell_headers: str, headers: dict[str, str]) -> str:
    """A cell's column name, from its ``headers`` ids (in a grouped table, the group's id comes first)."""
    return next((headers[name] for name in reversed(cell_headers.split()) if name in headers), "")


class ReaderTable:
    """A table of ready HTML cells: shown as HTML in notebooks and pages; ``len`` is its number of rows.

    ``gt`` is the great_tables table, made anew on each use (style it further as you like).
    """

    def __init__(self, cells: pd.DataFrame, table_id: str, grouped: bool = False) -> None:
        self.cells, self.table_id, self.grouped = cells, table_id, grouped

    def __len__(self) -> int:
        return len(self.cells)

    def __repr__(self) -> str:  # the plain-text output of a notebook cell: no memory address, same on every run
        return f"<table of {len(self)} rows>"

    @property
    def gt(self) -> GT:
        shown = [column for column in self.cells.columns if column != GROUP]
        return (
            GT(self.cells, id=self.table_id, groupname_col=GROUP if self.grouped else None)
            .fmt(lambda value: value, columns=shown)  # cells are escaped HTML already
            .opt_row_striping()
            .tab_options(
                table_width="100%", table_font_size="14px", container_overflow_x="visible", row_group_font_weight="bold"
            )
        )

    def _repr_html_(self) -> str:
        key = content_hash(self.table_id, self.grouped, self.cells.to_json(orient="split"))
        return kept(_SHOWN, key, lambda: _page(self.gt.as_raw_html()), SHOWN_TABLES)


# Tables shown in this process, by their cells: great_tables takes 7-40 ms a table (median 12 ms),
# and a weekly backfill's kernel shows the same table on many dates (254 tables over 105 weeks,
# 58 of them distinct).
SHOWN_TABLES = 256
_SHOWN: dict[Hashable, str] = {}


def _page(html: str) -> str:
    """great_tables' HTML, each cell naming its column: on a phone a row can be read as a card (see report.css)."""
    headers = dict(re.findall(r'<th [^>]*id="([^"]+)">(.*?)</th>', html))
    html = re.sub(
        r'<td headers="([^"]+)"', lambda m: f'<td headers="{m[1]}" data-label="{_label(m[1], headers)}"', html
    )
    return f'<div class="reader-table">{html}</div>'
