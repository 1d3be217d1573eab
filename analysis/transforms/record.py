"""The record as a whole: how it changed over time, and how current it is on a date."""

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from analysis.transforms.figures import latest_figure, row_figure_label, row_figure_value
from analysis.transforms.pledges import latest_pledges

RECORD_PANELS = ("Latest plan or commitment (troops)", "Pledges by latest status", "Coded claims")
DATED_TABLES = {"force_size": "figure", "pledges": "pledge", "events": "event"}


def _known_by(known: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Which rows were known on ``day`` (a row with no known date counts as always known)."""
    return known.isna() | (known <= day)


def record_over_time(
    frames: Mapping[str, pd.DataFrame], known: Mapping[str, pd.Series], dates: Iterable[Any]
) -> pd.DataFrame:
    """Per date: the latest force-size figure, the pledges by latest status, the coded claims.

    ``frames`` maps table name to the full table and ``known`` to the day each row became
    known (see ``analysis.data.known_from``). One row per date, panel and series (long form).
    """
    # Only the columns the panels read: each date then sorts and groups a narrow frame, not the
    # quotes and notes (the overview draws this chart for two dozen dates).
    whole_force = frames["force_size"]["scope"] == "whole_force"
    figures = frames["force_size"].loc[
        whole_force, ["date", "figure_id", "figure_kind", "low", "high", "bound", "in_words"]
    ]
    pledges = frames["pledges"][["date", "actor_id", "contribution", "status"]]
    rows = []
    for day in pd.to_datetime(list(dates)):
        latest = latest_figure(figures[_known_by(known["force_size"][whole_force], day)])
        if latest is not None:
            rows.append((day, RECORD_PANELS[0], "latest figure", row_figure_value(latest), row_figure_label(latest)))
        statuses = latest_pledges(pledges[_known_by(known["pledges"], day)])["status"].astype(str).value_counts()
        for status in frames["pledges"]["status"].cat.categories:
            rows.append((day, RECORD_PANELS[1], status, float(statuses.get(status, 0)), str(statuses.get(status, 0))))
        claims = int(_known_by(known["claims"], day).sum())
        rows.append((day, RECORD_PANELS[2], "claims", float(claims), str(claims)))
    return pd.DataFrame(rows, columns=["date", "panel", "series", "value", "label"])


def latest_entries(
    frames: Mapping[str, pd.DataFrame],
) -> tuple[tuple[str, pd.Series] | None, pd.Series | None]:
    """The latest dated row of the record and its latest source (as rows), from tables known on a date.

    ``frames`` maps table names to tables already cut to ``as_of``. Returns
    ``(table, row)`` for the latest dated entry (by date, then table order, then id) and the
    latest-published source row; either is None in an empty record.
    """
    best = None
    for table in DATED_TABLES:
        frame = frames.get(table)
        if frame is None or frame.empty:
            continue
        row = frame.sort_values(["date", frame.columns[0]]).iloc[-1]
        if best is None or row["date"] > best[1]["date"]:
            best = (table, row)
    sources = frames.get("sources")
    source = None
    if sources is not None and sources["published"].notna().any():
        dated = sources[sources["published"].notna()]
        source = dated.sort_values(["published", "source_id"]).iloc[-1]
    return best, source
