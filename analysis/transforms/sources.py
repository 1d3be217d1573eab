"""Credit and corrections: each row with the source it comes from, and the corrections made to it.

Every figure and quote on a page is credited and linked from the columns added here.
"""

from typing import Any

import pandas as pd


def with_sources(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its source's publisher, address, kind of outlet and whom it relays.

    Every figure and quote on a page is credited and linked from these columns.
    """
    table = sources.set_index("source_id")
    columns = {"publisher": "publisher", "url": "url", "outlet_type": "outlet_type", "relays": "relays"}
    extra = {
        name: frame["source_id"].map(table[column]).astype("string" if column != "outlet_type" else object)
        for name, column in columns.items()
        if column in table
    }
    return frame.assign(**extra)


def corrections_for(corrections: pd.DataFrame, table: str) -> dict[Any, list[Any]]:
    """The corrections to rows of ``table``, as {row_id: [correction rows, oldest first]}."""
    picked = corrections[corrections["table"].astype(str) == table].sort_values(["date", "correction_id"])
    found: dict[Any, list[Any]] = {}
    for row in picked.itertuples(index=False):
        found.setdefault(row.row_id, []).append(row)
    return found
