"""The pieces every Altair chart is built from: chart-ready rows, names for codes, scales, tooltips.

A chart shows labels, never codes, and credits every figure to its source; these helpers do
that once for all the charts, and :func:`finish` gives each its title, caption, description
and the name of its CSV download.
"""

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from analysis.charts.theme import UNKNOWN_COLOUR
from analysis.labels import label
from analysis.transforms import with_sources

# What the chart functions return: one chart, layers of one, or small multiples.
Chart = alt.Chart | alt.LayerChart | alt.FacetChart

# A column whose name starts with this only places marks (label text, alignment): not data to download.
INTERNAL_PREFIX = "_"
DATE_TOOLTIP = alt.Tooltip("date:T", title="Date", format="%-d %b %Y")
QUOTE_TOOLTIP = [alt.Tooltip("outlet:N", title="Source"), alt.Tooltip("quote:N", title="Quote")]
PLEDGE_TOOLTIP = [
    alt.Tooltip("actor:N", title="Actor"),
    alt.Tooltip("contribution_label:N", title="Contribution"),
    alt.Tooltip("status_label:N", title="Status"),
    alt.Tooltip("condition:N", title="Condition"),
]


def source_caption(publishers: Iterable[object], width: int = 110) -> list[str]:
    """Lines of a caption naming every publisher behind a chart.

    >>> source_caption(["AP", "The Spectator", "AP"])
    ['Sources: AP; The Spectator.']
    """
    names = sorted(set(p for p in publishers if isinstance(p, str)))
    text = "Sources: " + "; ".join(names) + "." if names else "Sources: none on record for this date."
    return textwrap.wrap(text, width)


def chart_rows(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A chart-ready copy: dates as ISO text, nullable numbers as floats, text as plain str."""
    out = {}
    for column in columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_integer_dtype(values):
            out[column] = values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else int(v))
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.astype(bool)
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = values.astype("float64").map(lambda v: int(v) if pd.notna(v) and float(v).is_integer() else v)
        else:
            out[column] = values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else str(v))
    return pd.DataFrame(out, index=frame.index)


def with_names(frame: pd.DataFrame, actors: pd.DataFrame | None, sources: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its source (publisher, kind of outlet, address) and labels for its codes.

    Charts show labels, never codes: the actor's name, the contribution's and status's words.
    """
    named = with_sources(frame, sources)
    named = named.assign(outlet=[credit_text(r) for r in named.to_dict("records")])
    if actors is not None:
        named = named.assign(actor=frame["actor_id"].map(actors.set_index("actor_id")["name"]))
    for field in ("contribution", "status", "topic"):
        if field in named:
            named[field + "_label"] = [label(field, v) for v in named[field]]
    return named


def credit_text(row: Mapping[Any, Any]) -> str:
    """'Kyiv Post, newspaper, relaying The Telegraph': who published a figure, as plain text."""
    parts = [str(row["publisher"])]
    if isinstance(row.get("outlet_type"), str):
        parts.append(label("outlet_type", row["outlet_type"]))
    if isinstance(row.get("relays"), str) and row["relays"]:
        parts.append("relaying " + row["relays"])
    return ", ".join(parts)


def finish(
    chart: Chart, title: str | list[str], caption: list[str], description: str, name: str, **properties: Any
) -> Chart:
    """The title, caption and screen-reader description; ``name`` names its CSV; ``properties``
    (width, height) too. Returns ``chart``, with these set on it.

    Only properties that any view may have are set (no ``config``, no ``usermeta``): the look
    comes from the registered theme, so finished charts can still be layered or put side by side.
    Set on the chart each chart function has just made, not through Altair's ``properties()``:
    that copies the chart (a layered chart copies each of its layers, 10 ms for the ten of the
    force-size chart) and checks each value against the schema, which the tests do for every
    chart's whole spec.
    """
    chart.title = alt.Title(title, subtitle=caption, anchor="start")
    chart.description = description
    chart.name = name
    for key, value in properties.items():
        setattr(chart, key, value)
    return chart


def label_scale(field: str, mapping: Mapping[str, str], codes: Iterable[str] | None = None) -> alt.Scale:
    """A colour scale keyed by labels (what the chart shows), coloured by code; unknown codes grey."""
    codes = list(codes) if codes is not None else list(mapping)
    return alt.Scale(domain=[label(field, c) for c in codes], range=[mapping.get(c, UNKNOWN_COLOUR) for c in codes])


def colour_scale(mapping: Mapping[str, str], domain: Iterable[str] | None = None) -> alt.Scale:
    """A colour scale from a {value: colour} mapping, in ``domain``'s order (default: the mapping's)."""
    keys = list(domain) if domain is not None else list(mapping)
    return alt.Scale(domain=keys, range=[mapping[k] for k in keys])


def wrapped_labels(chars: int) -> str:
    r"""A Vega expression for ``labelExpr``: an axis's or legend's label in lines of at most ``chars`` characters.

    Vega draws a list of strings as lines, so a long name (a publisher with its newsletter)
    stays whole and inside a phone-wide chart instead of running past its edge or being cut
    with an ellipsis. Lines break at spaces; a single word longer than ``chars`` keeps its line.

    >>> print(wrapped_labels(24))
    split(trim(replace(datum.label, regexp('(.{1,24})(\\s+|$)', 'g'), '$1\n')), '\n')
    """
    return rf"split(trim(replace(datum.label, regexp('(.{{1,{chars}}})(\\s+|$)', 'g'), '$1\n')), '\n')"


def wrapped_y_labels(chars: int, line_height: int = 14) -> dict[str, Any]:
    """A vertical axis's label properties: labels in lines (:func:`wrapped_labels`), each centred on its tick.

    Vega puts a label's first line on its tick and draws the others below it, so each label
    is lifted by half of its extra lines: a name of three lines stays beside its own bar.
    """
    lines = wrapped_labels(chars)
    return {
        "labelExpr": lines,
        "labelLineHeight": line_height,
        "labelOffset": {"expr": f"-(length({lines}) - 1) * {line_height / 2:g}"},
    }


def date_x(title: str = "Date") -> alt.X:
    """The time axis every dated chart shares: a tick a month."""
    return alt.X("date:T", title=title, axis=alt.Axis(format="%b %Y", tickCount="month"))
