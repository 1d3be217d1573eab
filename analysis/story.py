"""Sentences for the notebooks' prose, with every number taken from the data.

Notebooks show these as Markdown, so no figure in a report is typed by hand and none can
drift from the tables.
"""

import pandas as pd


def day(value):
    """A date as a reader writes it.

    >>> day(pd.Timestamp("2025-09-05"))
    '5 September 2025'
    """
    return f"{pd.Timestamp(value):%-d %B %Y}"


def as_of_phrase(as_of):
    """'As of 15 February 2025' or 'On the latest data'."""
    return f"As of {day(as_of)}" if as_of else "On the latest data"


def no_data_yet(what, as_of, first_date):
    """The message a reader sees instead of a chart when nothing was known yet."""
    first = f" The first is dated {day(first_date)}." if pd.notna(first_date) else ""
    return f"**No data yet.** {as_of_phrase(as_of)}, the record holds no {what}.{first}"


def record_summary(sizes, as_of=None):
    """One sentence on how much the record holds."""
    rows = sizes["rows"]
    return (
        f"{as_of_phrase(as_of)}, the record holds {rows['force_size']} dated force-size figures, "
        f"{rows['pledges']} pledge statements, {rows['events']} timeline events and {rows['claims']} coded "
        f"claims, drawn from {rows['sources']} sources."
    )


def force_size_story(series, as_of=None, first_date=None):
    """The force-size series in three sentences: first, largest, latest."""
    if series.empty:
        return no_data_yet("figure for the size of a European force", as_of, first_date)
    first, latest = series.iloc[0], series.iloc[-1]
    largest = series.loc[series["value"].idxmax()]
    drop = (1 - latest["value"] / largest["value"]) * 100
    return (
        f"{as_of_phrase(as_of)}, the record holds {len(series)} dated figures. The first, on {day(first['date'])}, "
        f"was {first['label']}, put forward by {first['put_forward_by']}. The largest was {largest['label']}, "
        f"on {day(largest['date'])}. The latest, on {day(latest['date'])}, is {latest['label']}, put forward by "
        f"{latest['put_forward_by']}: {drop:.0f}% below the largest."
    )


def steps_story(steps, source_name):
    """A text's own sequence of figures, placed on the record's dates, with each step's change."""
    if steps.empty:
        return f"{source_name} names no force-size figure that is on record for this date."
    parts = []
    for row in steps.itertuples():
        change = "" if pd.isna(row.change_pct) else f", {row.change_pct:+.0f}%"
        parts.append(f"{row.label} ({day(row.date)}{change})")
    return f"The figures {source_name} names, on the record's dates: " + " → ".join(parts) + "."


def pledges_story(latest, us, as_of=None, first_date=None):
    """Who stands where, and what the US has offered and ruled out."""
    if latest.empty:
        return no_data_yet("pledge statement", as_of, first_date)
    counts = latest["status"].astype(str).value_counts()
    by_status = ", ".join(f"{n} {status}" for status, n in counts.items())
    offered = us[us["position"] == "on offer"]["contribution"].astype(str).unique()
    ruled_out = us[us["position"] == "ruled out"]["contribution"].astype(str).unique()
    us_text = (
        f" The United States has floated {len(offered)} kinds of support ({', '.join(offered) or 'none'}) and "
        f"ruled out {len(ruled_out)} ({', '.join(ruled_out) or 'none'})."
        if len(us)
        else ""
    )
    return (
        f"{as_of_phrase(as_of)}, {latest['actor_id'].nunique()} actors have a recorded position on "
        f"{len(latest)} contributions; the latest statuses are: {by_status}.{us_text}"
    )


def comparison_story(name_a, name_b, stances, shared, differing, checks):
    """What the comparison of two sources finds, in numbers."""
    if stances.empty:
        return f"No coded claims from {name_a} or {name_b} on this date, so there is nothing to compare."
    claims = stances.groupby("source_id", observed=True)["claims"].sum()
    verdicts = checks["verdict"].value_counts()
    return (
        f"{name_a} and {name_b} make {int(claims.sum())} coded claims between them. They state "
        f"{shared['row_id'].nunique()} facts in common, and read {len(differing)} topics differently. "
        f"Of their {len(checks)} checkable claims, the record supports {verdicts.get('agrees', 0)}, "
        f"contradicts {verdicts.get('conflicts', 0)} and cannot check {verdicts.get('cannot be checked', 0)}."
    )


def source_label(sources, source_id):
    """A source as a reader knows it: publisher, and author where there is one."""
    row = sources.set_index("source_id").loc[source_id]
    return f"{row['publisher']} ({row['author']})" if pd.notna(row["author"]) else str(row["publisher"])
