"""Snapshot runs: the reports as the record stood on each date of a series.

A snapshot for day D shows the record as of the last day on or before D when the record
changed (its *effective date*). Days with the same visible data share one executed report,
and a report is executed again only when what it can see changed.
"""

import calendar
import datetime as dt
import functools
import os
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import ParameterError
from analysis.hashing import content_hash, data_version
from analysis.memo import kept
from analysis.params import parse_iso_date
from analysis.paths import DATA_DIR, DATAPACKAGE, REPORT_MODE_VARIABLE, TABLES

if TYPE_CHECKING:  # pandas loads only when a Record is made
    import pandas as pd

EVERY = ("week", "month")
RANGE_ALLOWED = "START:END, two ISO dates (YYYY-MM-DD) with START on or before END"
# Rows of the record-over-time table kept in a report kernel, by data version and day (Record._rows_on).
KEPT_DAYS = 4096
_DAY_ROWS: dict[Hashable, "pd.DataFrame"] = {}
# Ten years of weekly snapshots: a longer run is more likely a typo than a plan, and would take hours.
MAX_SNAPSHOT_DATES = 520


def snapshot_dates(date_range: str, every: str) -> list[dt.date]:
    """The days from START to END inclusive, a week or a calendar month apart.

    >>> snapshot_dates("2025-01-31:2025-04-01", "month")
    [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 31)]
    >>> len(snapshot_dates("2025-01-01:2025-01-29", "week"))
    5
    """
    if every not in EVERY:
        raise ParameterError("every", every, " or ".join(EVERY))
    try:
        start, end = (parse_iso_date(part) for part in str(date_range).split(":"))
    except (ParameterError, ValueError):
        raise ParameterError("as_of_range", date_range, RANGE_ALLOWED) from None
    if start > end:
        raise ParameterError("as_of_range", date_range, RANGE_ALLOWED)
    count = (
        (end - start).days // 7 + 1 if every == "week" else (end.year - start.year) * 12 + end.month - start.month + 1
    )
    if count > MAX_SNAPSHOT_DATES:
        raise ParameterError(
            "as_of_range",
            date_range,
            f"at most {MAX_SNAPSHOT_DATES} dates in one run (this range has about {count:,} at one a {every}); "
            "split it into shorter ranges or use --every month",
        )
    days = []
    for step in range(count + 1):
        day = start + dt.timedelta(weeks=step) if every == "week" else _add_months(start, step)
        if day > end:
            break
        days.append(day)
    return days


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Record:
    """The tables with the day each row became known, read once.

    ``validated=True`` says the caller has just validated the data (a report run), so the
    tables are read without validating them again; otherwise they are loaded with validation.
    """

    def __init__(self, data_dir: Path = DATA_DIR, validated: bool = False) -> None:
        from analysis.data import known_from, load_table, read_validated_table

        self.data_dir = data_dir
        self.version = data_version(data_dir)
        read = read_validated_table if validated else (lambda name, folder: load_table(name, data_dir=folder))
        self.frames = {name: read(name, data_dir) for name in TABLES}
        sources = self.frames["sources"]
        self.known = {name: known_from(frame, name, sources) for name, frame in self.frames.items()}

    def change_days(self) -> list[dt.date]:
        """Every day on which some row became known, in order."""
        return sorted({day.date() for known in self.known.values() for day in known.dropna()})

    def effective_date(self, day: dt.date) -> dt.date | None:
        """The last day on or before ``day`` when the record changed (None before its first row)."""
        earlier = [change for change in self.change_days() if change <= day]
        return earlier[-1] if earlier else None

    def over_time(self, as_of: str | dt.date | None = None) -> "pd.DataFrame":
        """The record-over-time table for the first of each month from the first figure or pledge
        to ``as_of`` (default: the last change), and ``as_of`` itself."""
        from analysis.transforms import record_over_time

        starts = [self.known[name].min() for name in ("force_size", "pledges")]
        first = min((day for day in starts if day == day), default=None)  # NaT != NaT: skip empty tables
        changes = self.change_days()
        last = parse_iso_date(as_of) if as_of else (changes[-1] if changes else None)
        if first is None or last is None or first.date() > last:
            return record_over_time(self.frames, self.known, [])
        days = snapshot_dates(f"{first.date().replace(day=1)}:{last}", "month")
        return self._rows_on(sorted({*days, last}))

    def _rows_on(self, days: list[dt.date]) -> "pd.DataFrame":
        """record_over_time for ``days``; in a report run each day's rows are worked out once per
        data version in a kernel and kept: a backfill's overview asks for the same first-of-months
        at every date. The days not kept yet are worked out together, which costs little more
        than one. Only in report runs, whose code cannot change under a kernel (in JupyterLab a
        transform edited and reloaded would meet rows of the old one)."""
        import pandas as pd

        from analysis.transforms import record_over_time

        if not os.environ.get(REPORT_MODE_VARIABLE):
            return record_over_time(self.frames, self.known, days)
        worked_out = functools.partial(record_over_time, self.frames, self.known)
        missing = [day for day in days if (self.version, day) not in _DAY_ROWS]
        if missing:
            for stamp, rows_of_day in worked_out(missing).groupby("date", sort=False):
                kept(_DAY_ROWS, (self.version, stamp.date()), rows_of_day.copy, KEPT_DAYS)
        rows = [kept(_DAY_ROWS, (self.version, day), functools.partial(worked_out, [day]), KEPT_DAYS) for day in days]
        return pd.concat(rows, ignore_index=True)

    def visible_version(self, as_of: str | dt.date) -> str:
        """A hash of all a report as of ``as_of`` can see: the schema and the rows known by then.

        Each table's first day is included too, since a report may say when its data begins.
        """
        import pandas as pd

        cutoff = pd.Timestamp(as_of)
        parts: list[object] = [(self.data_dir / DATAPACKAGE).read_bytes()]
        for name in TABLES:
            known = self.known[name]
            visible = self.frames[name][known.isna() | (known <= cutoff)]
            first_date = self.frames[name]["date"].min() if "date" in self.frames[name] else None
            parts += [name, known.min(), first_date, visible.to_csv(index=False)]
        return content_hash(*parts)
