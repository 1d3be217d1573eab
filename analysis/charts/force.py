"""The force-size chart: the line through the plans and commitments, each step labelled.

Demands, requests, analysts' options and press estimates stay on the chart as quieter
context, one colour per kind; :func:`figure_points` decides which points are labelled, for
the interactive chart here and the printable one in :mod:`analysis.charts.static`.
"""

import textwrap
from typing import Any

import altair as alt
import pandas as pd

from analysis.charts.parts import (
    DATE_TOOLTIP,
    INTERNAL_PREFIX,
    QUOTE_TOOLTIP,
    Chart,
    chart_rows,
    credit_text,
    date_x,
    finish,
    source_caption,
)
from analysis.charts.theme import HEIGHT, KIND_COLOURS, LINE_COLOUR, WIDTH
from analysis.labels import label
from analysis.memo import kept_for_equal_inputs
from analysis.params import check_value
from analysis.transforms import followed_figures, largest_demand, latest_figure

# The title in two lines, each narrow enough for a phone (390 px) at the theme's title size:
# on one line it is about 363 px wide, more than a phone's page leaves for it.
FORCE_TITLE = ["Proposed size of a European", "force for Ukraine"]
LABEL_COLOUR = "#222222"
# Columns that only place marks (on the line or not, label text, alignment): in the chart's
# data they carry the internal prefix, so the CSV download leaves them out.
PLACING = ("on_line", "point_label", "right")
# Encodings are given as channel objects, not as shorthand strings ("high:Q"): Altair wraps each
# string by building a lookup of all its schema classes again: 3 ms a string, against 0.03 ms.
POINT_LABEL = alt.Text("_point_label:N")
FORCE_COLUMNS = [
    "figure_id",
    "date",
    "date_precision",
    "put_forward_by",
    "low",
    "high",
    "value",
    "label",
    "kind",
    "_on_line",
    "_point_label",
    "_right",
    "publisher",
    "outlet",
    "url",
    "quote",
]


def force_size_description(series: pd.DataFrame) -> str:
    """A sentence describing the force-size chart for readers who cannot see it."""
    if series.empty:
        return "Chart of proposed force sizes: no figure is on record for this date."
    asked, offered = largest_demand(series), latest_figure(series)
    text = (
        f"Chart of {len(series)} dated figures for the size of a European force for Ukraine, "
        f"{series['date'].min():%B %Y} to {series['date'].max():%B %Y}."
    )
    if asked is not None:
        text += f" The largest demand is {asked['label']} ({asked['put_forward_by']}, {asked['date']:%-d %B %Y})."
    if offered is not None:
        text += (
            f" The line follows the plans and commitments; the latest is {offered['label']} "
            f"({offered['put_forward_by']}, {offered['date']:%-d %B %Y})."
        )
    return text


def figure_points(series: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chart's rows: each figure with its kind's label, whether it is on the line, and its label text.

    The line's figures are labelled (the last of a day only, so two figures of one day never
    print over each other), and so is the largest demand; labels in the right half of the
    time span are right-aligned so that they stay inside the plot.
    """
    followed = set(followed_figures(series)["figure_id"])
    asked = largest_demand(series)
    on_line = series["figure_id"].isin(followed)
    last_of_day = ~series[on_line].duplicated("date", keep="last").reindex(series.index, fill_value=True)
    labelled = (on_line & last_of_day) | (series["figure_id"] == (asked["figure_id"] if asked is not None else None))
    names = actors.set_index("actor_id")["name"] if actors is not None else pd.Series(dtype=object)
    who = [
        str(names.get(a)) if isinstance(a, str) and a in names.index else str(p)
        for a, p in zip(series["actor_id"], series["put_forward_by"], strict=True)
    ]
    middle = series["date"].min() + (series["date"].max() - series["date"].min()) / 2 if len(series) else None
    return series.assign(
        kind=labelled_kinds(series["figure_kind"]),
        on_line=on_line,
        who=who,
        point_label=[
            point_label(label, name, date) if keep else ""
            for label, name, date, keep in zip(series["label"], who, series["date"], labelled, strict=True)
        ],
        right=(series["date"] > middle) if middle is not None else False,
    )


LABEL_LINE = 26  # characters: a label's lines stay narrow enough for a chart as wide as a phone
LINE_HEIGHT = 13  # pixels between a label's lines (font size 11)
MAX_LABEL_LINES = 5  # a figure, then at most four lines of who and when
LABEL_TEXT: dict[str, Any] = {"fontSize": 11, "lineHeight": LINE_HEIGHT, "lineBreak": "\n", "color": LABEL_COLOUR}


def point_label(figure: str, who: str, date: pd.Timestamp) -> str:
    """A point's label: the figure, then who and when, wrapped so that it fits a phone-wide chart.

    >>> print(point_label("up to 30,000", "United Kingdom and France (jointly)", pd.Timestamp("2025-03-20")))
    up to 30,000
    United Kingdom and France
    (jointly), 20 Mar 2025
    """
    when = f"{date:%-d %b %Y}".replace(" ", "\u00a0")  # a date is never cut over two lines
    return "\n".join([figure, *(line.replace("\u00a0", " ") for line in textwrap.wrap(f"{who}, {when}", LABEL_LINE))])


def labelled_kinds(values: pd.Series) -> pd.Series:
    """Figure kinds as the chart's legend shows them."""
    return pd.Series([label("figure_kind", v) for v in values], index=values.index, dtype=object)


@kept_for_equal_inputs
def force_size_chart(series: pd.DataFrame, scale: str = "log", actors: pd.DataFrame | None = None) -> Chart:
    """The shrinking force: a line through the plans and commitments, each step labelled; the rest as context.

    Demands, requests, analysts' options and press estimates are smaller, paler points (and
    ranges), one colour per kind; the line and its labels carry the story.
    """
    check_value("scale", scale)
    points = figure_points(series, actors)
    credited = points.assign(outlet=[credit_text(r) for r in points.to_dict("records")])
    data = chart_rows(credited.rename(columns={c: INTERNAL_PREFIX + c for c in PLACING}), FORCE_COLUMNS)
    top = max(250000, float(series["value"].max()) * 1.2) if len(series) else 250000
    bottom = min(5000, float(series["value"].min()) * 0.8) if len(series) else 5000
    y_scale = alt.Scale(type="log", domain=[bottom, top]) if scale == "log" else alt.Scale(domain=[0, top])
    y = alt.Y(
        "value:Q",
        scale=y_scale,
        title="Troops" + (" (log scale)" if scale == "log" else ""),
        axis=alt.Axis(format=",.0f"),
    )
    kinds = [label("figure_kind", k) for k in KIND_COLOURS]
    colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=kinds, range=list(KIND_COLOURS.values())),
        title="What the figure was",
        legend=alt.Legend(orient="top"),
    )
    tooltip = [
        DATE_TOOLTIP,
        alt.Tooltip("label:N", title="Troops"),
        alt.Tooltip("put_forward_by:N", title="Put forward by"),
        alt.Tooltip("kind:N", title="What it was"),
        *QUOTE_TOOLTIP,
    ]
    base = alt.Chart().encode(x=date_x())  # the rows go on the layered chart once, not on each of its ten layers
    context = base.transform_filter("!datum._on_line")
    ranges = (
        context.transform_filter("datum.low != null && datum.high != null && datum.low != datum.high")
        .mark_rule(strokeWidth=2, opacity=0.35)
        .encode(y=alt.Y("low:Q", scale=y_scale), y2=alt.Y2("high:Q"), color=colour)
    )
    dots = context.mark_point(filled=True, size=60, opacity=0.55).encode(y=y, color=colour, tooltip=tooltip)
    line_rows = base.transform_filter("datum._on_line")
    line = line_rows.mark_line(interpolate="step-after", strokeWidth=3, color=LINE_COLOUR).encode(y=y)
    steps = line_rows.mark_point(filled=True, size=120, opacity=1).encode(y=y, color=colour, tooltip=tooltip)
    # Left-half labels sit above their point, right-half ones below it, so that the two ends of
    # the line never print over each other, however narrow the chart; a label of several lines
    # grows away from its point.
    labels_right = (
        base.transform_filter("datum._point_label != '' && datum._right")
        .mark_text(align="right", baseline="top", dx=-6, dy=8, **LABEL_TEXT)
        .encode(y=y, text=POINT_LABEL)
    )
    # Vega draws a label's lines downwards from its first: one layer per number of lines lifts
    # each left label so that its last line ends just above its point.
    labels_left = [
        base.transform_filter(
            "datum._point_label != '' && !datum._right && split(datum._point_label, '\\n').length "
            + ("==" if lines < MAX_LABEL_LINES else ">=")  # the last layer takes any longer label too
            + f" {lines}"
        )
        .mark_text(
            align="left",
            baseline="bottom",
            dx=6,
            dy=-8 - (lines - 1) * LINE_HEIGHT,
            **LABEL_TEXT,
        )
        .encode(y=y, text=POINT_LABEL)
        for lines in range(1, MAX_LABEL_LINES + 1)
    ]
    return finish(
        alt.layer(ranges, dots, line, steps, *labels_left, labels_right, data=data),
        FORCE_TITLE,
        source_caption(series["publisher"]),
        force_size_description(series),
        "force_size",
        width=WIDTH,
        height=HEIGHT,
    )
