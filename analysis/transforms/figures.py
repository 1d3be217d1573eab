"""Force-size figures: which a reader follows, which is the latest, and how each reads in words.

One rule decides "the latest figure" for every page and chart: the latest plan or commitment
by date, then by id. Demands, military requests, analysts' options and press estimates are
context, not offers.
"""

from typing import Any

import pandas as pd

from analysis.transforms.sources import with_sources

# The order of force-size figures, and so which is "the latest": by date, then by id.
FIGURE_ORDER = ["date", "figure_id"]
# The figures a reader follows to see the force shrink: what governments put on the table.
# Demands, military requests, analysts' options and press estimates are context, not offers;
# mixing them in makes "the latest figure" jump up and down with whoever spoke last.
FOLLOWED_KINDS = ("plan", "commitment")


def followed_figures(series: pd.DataFrame) -> pd.DataFrame:
    """The figures on the line a reader follows (plans and commitments), oldest first.

    >>> frame = pd.DataFrame({"figure_kind": ["demand", "plan", "estimate", "commitment"], "value": [1, 2, 3, 4]})
    >>> followed_figures(frame)["value"].tolist()
    [2, 4]
    """
    return series[series["figure_kind"].astype(str).isin(FOLLOWED_KINDS)].reset_index(drop=True)


def latest_figure(series: pd.DataFrame) -> pd.Series | None:
    """The latest followed figure (one rule for every page and chart), or None when there is none."""
    followed = followed_figures(series.sort_values(FIGURE_ORDER))
    return None if followed.empty else followed.iloc[-1]


def largest_demand(series: pd.DataFrame) -> pd.Series | None:
    """The largest figure asked for (kind ``demand``), or None: where the story of the shrinking starts."""
    demands = series[series["figure_kind"].astype(str) == "demand"]
    return None if demands.empty else demands.loc[demands["value"].idxmax()]


def figure_label(low: int | None, high: int | None, bound: str) -> str:
    """How a figure reads in words.

    >>> figure_label(10000, None, "at_least")
    'more than 10,000'
    >>> figure_label(25000, 30000, "range")
    '25,000–30,000'
    """
    if bound == "at_least":
        return f"more than {low:,}"
    if bound == "at_most":
        return f"up to {high:,}"
    if bound == "range":
        return f"{low:,}–{high:,}"
    if bound == "approximate":
        return f"about {low:,}"
    return f"{low:,}"


def figure_value(low: int | None, high: int | None, bound: str) -> float:
    """One number to plot for a figure: the bound that was stated, or a range's midpoint.

    >>> figure_value(100000, 150000, "range")
    125000.0
    """
    if bound == "at_most":
        return float(_stated(high, "high", bound))
    if bound == "range":
        return (_stated(low, "low", bound) + _stated(high, "high", bound)) / 2
    return float(_stated(low, "low", bound))


def _stated(value: int | None, name: str, bound: str) -> int:
    """A bound the figure's kind requires (validation makes sure the record has it)."""
    if value is None:
        raise ValueError(f"a figure bounded {bound!r} needs its {name!r} value")
    return value


def force_size_series(
    force_size: pd.DataFrame, sources: pd.DataFrame, scope: str | None = "whole_force"
) -> pd.DataFrame:
    """One row per dated figure, oldest first, with a plotted value, a label and the publisher."""
    figures = force_size[force_size["scope"] == scope] if scope else force_size
    rows = with_sources(figures.sort_values(FIGURE_ORDER).reset_index(drop=True), sources)
    bounds = zip(rows["low"], rows["high"], rows["bound"], strict=True)
    triples = [(plain_int(low), plain_int(high), bound) for low, high, bound in bounds]
    return rows.assign(
        value=pd.Series([figure_value(*t) for t in triples], index=rows.index, dtype="float64"),
        label=pd.Series([figure_label(*t) for t in triples], index=rows.index, dtype="string"),
    )


def step_changes(series: pd.DataFrame) -> pd.DataFrame:
    """Each figure against the one before it: change in troops and in per cent.

    >>> frame = pd.DataFrame({"value": [100000.0, 30000.0]})
    >>> step_changes(frame)["change_pct"].tolist()
    [nan, -70.0]
    """
    previous = series["value"].shift(1)
    return series.assign(
        previous_value=previous,
        change=series["value"] - previous,
        change_pct=((series["value"] - previous) / previous * 100).round(1),
    )


def figures_named_by(series: pd.DataFrame, claims: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """The force-size figures that a source's force-size claims name, in the record's date order.

    This is the text's own story of the shrinking force, placed on the record's dates.
    """
    named = claims[(claims["source_id"] == source_id) & (claims["topic"] == "force_size")]
    return series[series["figure_id"].isin(set(named["figure_id"].dropna()))].reset_index(drop=True)


def plain_int(value: Any) -> int | None:
    """A nullable number as a Python int, or None."""
    return None if pd.isna(value) else int(value)
