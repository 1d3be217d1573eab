"""The record as a whole: how it changed over time, and how current it is on a date."""

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.transforms.figures import latest_figures, row_figure_label, row_figure_value
from analysis.transforms.pledges import latest_pledges

RECORD_PANELS = ("Latest plan or commitment (troops)", "Pledges by latest status", "Coded claims")
DATED_TABLES = {"force_size": "figure", "pledges": "pledge", "events": "event"}


def _known_by(known: pd.Series, day: Any) -> pd.Series:
    """Which rows were known on ``day`` (a row with no known date counts as always known); ``day``
    is one day, or a day for each row."""
    return known.isna() | (known <= day)


def _known_each_day(frame: pd.DataFrame, known: pd.Series, days: pd.DatetimeIndex) -> pd.DataFrame:
    """The rows of ``frame`` known on each of ``days``, with the day's number in column ``day``:
    day after day, each day's rows in the frame's order (so "the later row" still means the same)."""
    rows = np.tile(np.arange(len(frame)), len(days))
    numbers = np.repeat(np.arange(len(days)), len(frame))
    keep = _known_by(pd.Series(known.to_numpy()[rows]), days.to_numpy()[numbers]).to_numpy()
    return frame.iloc[rows[keep]].assign(day=numbers[keep])


def record_over_time(
    frames: Mapping[str, pd.DataFrame], known: Mapping[str, pd.Series], dates: Iterable[Any]
) -> pd.DataFrame:
    """Per date: the latest force-size figure, the pledges by latest status, the coded claims.

    ``frames`` maps table name to the full table and ``known`` to the day each row became
    known (see ``analysis.data.known_from``). One row per date, panel and series (long form).
    The latest figure and statements are found for all dates at once: a date at a time, the
    overview spent a third of a second on two dozen dates, most of it in pandas' own overhead.
    """
    days = pd.to_datetime(list(dates))
    # Only the columns the panels read: the quotes and notes are not repeated for every date.
    whole_force = frames["force_size"]["scope"] == "whole_force"
    figures = frames["force_size"].loc[
        whole_force, ["date", "figure_id", "figure_kind", "low", "high", "bound", "in_words"]
    ]
    pledges = frames["pledges"][["date", "actor_id", "contribution", "status"]]
    latest_figure_on = {
        row["day"]: row
        for _, row in latest_figures(_known_each_day(figures, known["force_size"][whole_force], days), "day").iterrows()
    }
    latest = latest_pledges(_known_each_day(pledges, known["pledges"], days), within=["day"])
    statuses = latest.groupby(["day", latest["status"].astype(str)]).size()
    rows = []
    for number, day in enumerate(days):
        figure = latest_figure_on.get(number)
        if figure is not None:
            rows.append((day, RECORD_PANELS[0], "latest figure", row_figure_value(figure), row_figure_label(figure)))
        for status in frames["pledges"]["status"].cat.categories:
            count = statuses.get((number, status), 0)
            rows.append((day, RECORD_PANELS[1], status, float(count), str(count)))
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
