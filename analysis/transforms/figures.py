"""Force-size figures: which a reader follows, which is the latest, and how each reads in words.

One rule decides "the latest figure" for every page and chart: the latest plan or commitment
by date, then by id. Demands, military requests, analysts' options and press estimates are
context, not offers.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

import pandas as pd

from analysis.transforms.sources import with_sources

_Value = TypeVar("_Value", int, str)

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


def latest_figures(series: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`latest_figure` of each group of rows with the same ``by``, one row per group that has one."""
    return followed_figures(series.sort_values(FIGURE_ORDER)).groupby(by, sort=False).tail(1)


def largest_demand(series: pd.DataFrame) -> pd.Series | None:
    """The largest figure asked for (kind ``demand``), or None: where the story of the shrinking starts."""
    demands = series[series["figure_kind"].astype(str) == "demand"]
    return None if demands.empty else demands.loc[demands["value"].idxmax()]


def figure_label(low: int | None, high: int | None, bound: str, words: str | None = None) -> str:
    """How a figure reads in words; ``words`` are the source's own, for a figure given without a number.

    >>> figure_label(10000, None, "at_least")
    'more than 10,000'
    >>> figure_label(25000, 30000, "range")
    '25,000–30,000'
    >>> figure_label(None, None, "in_words", "several thousand")
    'several thousand'
    """
    if bound == "in_words":
        return _stated(words, "in_words", bound)
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

    A figure given only in words has none (NaN): it is told, never placed on an axis.

    >>> figure_value(100000, 150000, "range")
    125000.0
    """
    if bound == "in_words":
        return float("nan")
    if bound == "at_most":
        return float(_stated(high, "high", bound))
    if bound == "range":
        return (_stated(low, "low", bound) + _stated(high, "high", bound)) / 2
    return float(_stated(low, "low", bound))


def row_figure_value(row: Mapping[str, Any]) -> float:
    """The number a record's force-size row is plotted at (see :func:`figure_value`)."""
    return figure_value(plain_int(row["low"]), plain_int(row["high"]), row["bound"])


def row_figure_label(row: Mapping[str, Any]) -> str:
    """How a record's force-size row reads in words (its low, high, bound and in_words cells)."""
    words = row.get("in_words")
    return figure_label(
        plain_int(row["low"]), plain_int(row["high"]), row["bound"], words if isinstance(words, str) else None
    )


def _stated(value: _Value | None, name: str, bound: str) -> _Value:
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
    records = rows.to_dict("records")
    return rows.assign(
        value=pd.Series([row_figure_value(r) for r in records], index=rows.index, dtype="float64"),
        label=pd.Series([row_figure_label(r) for r in records], index=rows.index, dtype="string"),
    )


def offer_since(national: pd.DataFrame | None, whole_force: pd.DataFrame) -> pd.Series | None:
    """One country's latest offer of its own troops, if it came after the latest whole-force figure.

    The whole force's line ends where governments stopped giving a total; what a country then
    says of its own share ("several thousand") carries the story on, told as a share, never
    put on the whole force's line. ``national`` None: no countries' shares were given.
    """
    if national is None:
        return None
    offer, latest = latest_figure(national), latest_figure(whole_force)
    if offer is None or (latest is not None and offer["date"] <= latest["date"]):
        return None
    return offer


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
