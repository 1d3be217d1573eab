"""Charts: functions that take the transforms' DataFrames and return chart objects.

Altair for interactive charts (tooltips carry date, value, source and quote), matplotlib
for the static headline figure. One theme for all: the same colour for the same status,
source or kind of figure everywhere, a title, a caption naming the sources, and a text
description for screen readers on every chart.
"""

import html
import io
import itertools
import json
import os
import textwrap
import urllib.parse

import altair as alt
import pandas as pd

from analysis.paths import REPORT_MODE_VARIABLE
from analysis.transforms import RECORD_PANELS

STATUS_COLOURS = {
    "undecided": "#bdbdbd",
    "floated": "#9ecae1",
    "proposed": "#3182bd",
    "conditional": "#fd8d3c",
    "pledged": "#31a354",
    "delivered": "#006d2c",
    "declined": "#de2d26",
}
KIND_COLOURS = {
    "demand": "#7b3294",
    "request": "#c2a5cf",
    "plan": "#1b7837",
    "option": "#a6dba0",
    "estimate": "#878787",
    "commitment": "#e66101",
}
BOUND_SHAPES = {
    "exact": "circle",
    "approximate": "square",
    "at_least": "triangle-up",
    "at_most": "triangle-down",
    "range": "diamond",
}
MATPLOTLIB_MARKERS = {"circle": "o", "square": "s", "triangle-up": "^", "triangle-down": "v", "diamond": "D"}
SEED_COLOURS = {"spectator_morenets": "#b2182b", "brookings_pifer": "#2166ac"}
OTHER_SOURCE_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
VERDICT_COLOURS = {"agrees": "#31a354", "conflicts": "#de2d26", "cannot be checked": "#bdbdbd"}
WIDTH, HEIGHT = 640, 320


def source_colour(source_id, sources):
    """The colour of a source: fixed for the two seed texts, else by its row in ``sources``."""
    if source_id in SEED_COLOURS:
        return SEED_COLOURS[source_id]
    position = list(sources["source_id"]).index(source_id)
    return OTHER_SOURCE_COLOURS[position % len(OTHER_SOURCE_COLOURS)]


def source_caption(publishers, width=110):
    """Lines of a caption naming every publisher behind a chart.

    >>> source_caption(["AP", "The Spectator", "AP"])
    ['Sources: AP; The Spectator.']
    """
    names = sorted(set(p for p in publishers if isinstance(p, str)))
    text = "Sources: " + "; ".join(names) + "." if names else "Sources: none on record for this date."
    return textwrap.wrap(text, width)


def _table(frame, columns):
    """A chart-ready copy: dates as ISO text, nullable numbers as floats, text as plain str."""
    out = {}
    for column in columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = values.astype("float64")
        else:
            out[column] = values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else str(v))
    return pd.DataFrame(out, index=frame.index)


def _with_names(frame, actors, sources):
    """``frame`` with the publisher of each row's source (and the actor's name, given ``actors``)."""
    named = frame.assign(publisher=frame["source_id"].map(sources.set_index("source_id")["publisher"]))
    if actors is not None:
        named = named.assign(actor=frame["actor_id"].map(actors.set_index("actor_id")["name"]))
    return named


def _finish(chart, title, caption, description, name):
    """The shared theme, title, caption and screen-reader description; ``name`` names its CSV."""
    return (
        chart.properties(
            title=alt.Title(title, subtitle=caption, anchor="start"), description=description, usermeta={"name": name}
        )
        .configure_axis(labelFontSize=12, titleFontSize=12, grid=True, gridColor="#eeeeee")
        .configure_title(fontSize=16, subtitleFontSize=11, subtitleColor="#555555")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
        .configure_view(stroke=None)
    )


def _scale(mapping, domain=None):
    keys = list(domain) if domain is not None else list(mapping)
    return alt.Scale(domain=keys, range=[mapping[k] for k in keys])


def _date_x(title="Date"):
    return alt.X("date:T", title=title, axis=alt.Axis(format="%b %Y", tickCount="month"))


DATE_TOOLTIP = alt.Tooltip("date:T", title="Date", format="%-d %b %Y")
QUOTE_TOOLTIP = [alt.Tooltip("publisher:N", title="Source"), alt.Tooltip("quote:N", title="Quote")]


# --- force size -------------------------------------------------------------------------


def force_size_description(series):
    """A sentence describing the force-size chart for readers who cannot see it."""
    if series.empty:
        return "Chart of proposed force sizes: no figure is on record for this date."
    largest = series.loc[series["value"].idxmax()]
    latest = series.iloc[-1]
    return (
        f"Chart of {len(series)} dated figures for the size of a European force for Ukraine, "
        f"{series['date'].min():%B %Y} to {series['date'].max():%B %Y}. The largest is {largest['label']} "
        f"({largest['put_forward_by']}, {largest['date']:%-d %B %Y}); the latest is {latest['label']} "
        f"({latest['date']:%-d %B %Y})."
    )


def force_size_chart(series, scale="log"):
    """Interactive chart of every dated force-size figure: ranges as bars, bounds as shapes."""
    data = _table(
        series,
        [
            "figure_id",
            "date",
            "date_precision",
            "put_forward_by",
            "low",
            "high",
            "value",
            "label",
            "bound",
            "figure_kind",
            "publisher",
            "quote",
        ],
    )
    y_scale = alt.Scale(type=scale, domain=[5000, 250000]) if scale == "log" else alt.Scale(domain=[0, 250000])
    base = alt.Chart(data).encode(x=_date_x())
    ranges = (
        base.transform_filter("datum.bound == 'range'")
        .mark_rule(strokeWidth=3, opacity=0.5)
        .encode(
            y=alt.Y("low:Q", scale=y_scale),
            y2="high:Q",
            color=alt.Color("figure_kind:N", scale=_scale(KIND_COLOURS), title="What the figure was"),
        )
    )
    points = base.mark_point(filled=True, size=110, opacity=0.9).encode(
        y=alt.Y("value:Q", scale=y_scale, title="Troops" + (" (log scale)" if scale == "log" else "")),
        color=alt.Color("figure_kind:N", scale=_scale(KIND_COLOURS), title="What the figure was"),
        shape=alt.Shape("bound:N", scale=_scale(BOUND_SHAPES), title="How it was bounded"),
        tooltip=[
            DATE_TOOLTIP,
            alt.Tooltip("date_precision:N", title="Date precision"),
            alt.Tooltip("label:N", title="Troops"),
            alt.Tooltip("put_forward_by:N", title="Put forward by"),
            alt.Tooltip("figure_kind:N", title="What it was"),
            *QUOTE_TOOLTIP,
        ],
    )
    chart = alt.layer(ranges, points).properties(width=WIDTH, height=HEIGHT)
    return _finish(
        chart,
        "Proposed size of a European force for Ukraine",
        source_caption(series["publisher"]),
        force_size_description(series),
        "force_size",
    )


def force_size_figure(series, scale="log"):
    """The headline force-size chart as a static, printable matplotlib Figure."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5.2))
    fig.subplots_adjust(left=0.1, right=0.98, top=0.93, bottom=0.2)  # fixed margins: half the time of a layout engine
    for row in series.itertuples():
        colour = KIND_COLOURS[row.figure_kind]
        if row.bound == "range":
            ax.vlines(row.date, row.low, row.high, colors=colour, linewidth=3, alpha=0.5)
        ax.scatter(
            row.date, row.value, marker=MATPLOTLIB_MARKERS[BOUND_SHAPES[row.bound]], s=60, color=colour, zorder=3
        )
        ax.annotate(row.label, (row.date, row.value), textcoords="offset points", xytext=(6, 4), fontsize=7)
    if len(series):
        ax.set_xlim(series["date"].min() - pd.Timedelta(days=15), series["date"].max() + pd.Timedelta(days=60))
    ax.set_yscale(scale)
    ax.set_ylabel("Troops" + (" (log scale)" if scale == "log" else ""))
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    ax.set_ylim(5000 if scale == "log" else 0, 260000)
    ax.grid(alpha=0.3)
    ax.set_title("Proposed size of a European force for Ukraine", loc="left", fontsize=13)
    handles = [
        plt.Line2D(
            [], [], marker=MATPLOTLIB_MARKERS[shape], linestyle="", color="#444444", label=bound.replace("_", " ")
        )
        for bound, shape in BOUND_SHAPES.items()
    ]
    handles += [
        plt.Line2D([], [], marker="o", linestyle="", color=colour, label=kind) for kind, colour in KIND_COLOURS.items()
    ]
    ax.legend(handles=handles, fontsize=7, ncols=2, loc="upper right", frameon=False)
    fig.text(
        0.01, 0.09, "\n".join(source_caption(series["publisher"], width=150)), fontsize=7, color="#555555", va="top"
    )
    plt.close(fig)
    return fig


# --- pledges ----------------------------------------------------------------------------


def pledge_matrix_chart(latest, actors, sources):
    """Heat map: the latest status of each actor's contribution, with the quote behind it."""
    frame = _with_names(latest, actors, sources)
    data = _table(frame, ["actor", "contribution", "status", "condition", "date", "publisher", "quote"])
    chart = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X("contribution:N", title=None, axis=alt.Axis(labelAngle=-30, grid=False)),
            y=alt.Y("actor:N", title=None, axis=alt.Axis(grid=False)),
            color=alt.Color("status:N", scale=_scale(STATUS_COLOURS), title="Latest status"),
            tooltip=[
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("contribution:N", title="Contribution"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("condition:N", title="Condition"),
                DATE_TOOLTIP,
                *QUOTE_TOOLTIP,
            ],
        )
        .properties(width=WIDTH - 160, height=max(60, 26 * frame["actor"].nunique()))
    )
    counts = frame["status"].astype(str).value_counts()
    description = (
        "Grid of actors by contribution, coloured by the latest recorded status: "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + "."
        if len(frame)
        else "Grid of pledges: none on record for this date."
    )
    return _finish(
        chart,
        "Who offers what: the latest status of each pledge",
        source_caption(frame["publisher"]),
        description,
        "pledge_status",
    )


def pledge_timeline_chart(pledges, actors, sources, title="Pledge statements over time"):
    """Each pledge statement as a dot on its date, by actor, coloured by status."""
    frame = _with_names(pledges, actors, sources)
    data = _table(
        frame, ["actor", "contribution", "status", "condition", "date", "date_precision", "publisher", "quote"]
    )
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=120)
        .encode(
            x=_date_x(),
            y=alt.Y("actor:N", title=None),
            color=alt.Color("status:N", scale=_scale(STATUS_COLOURS), title="Status"),
            shape=alt.Shape("contribution:N", title="Contribution"),
            tooltip=[
                DATE_TOOLTIP,
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("contribution:N", title="Contribution"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("condition:N", title="Condition"),
                *QUOTE_TOOLTIP,
            ],
        )
        .properties(width=WIDTH, height=max(60, 26 * frame["actor"].nunique()))
    )
    description = (
        f"Timeline of {len(frame)} pledge statements by {frame['actor'].nunique()} actors, each coloured by its status."
        if len(frame)
        else "Timeline of pledges: none on record for this date."
    )
    return _finish(chart, title, source_caption(frame["publisher"]), description, "pledge_timeline")


# --- how the record changed ------------------------------------------------------------


def record_changes_chart(over_time):
    """Three small panels over time: the latest force-size figure, pledges by status, claims."""
    data = _table(over_time, ["date", "panel", "series", "value", "label"])
    colours = {"latest figure": "#444444", "claims": "#7b3294", **STATUS_COLOURS}
    chart = (
        alt.Chart(data)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=_date_x(),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", scale=_scale(colours), title="Series"),
            tooltip=[
                DATE_TOOLTIP,
                alt.Tooltip("panel:N", title="Measure"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("label:N", title="Value"),
            ],
        )
        .properties(width=WIDTH - 120, height=110)
        .facet(row=alt.Row("panel:N", title=None, sort=list(RECORD_PANELS)))
        .resolve_scale(y="independent")
    )
    dates = over_time["date"]
    description = (
        f"Three panels from {dates.min():%B %Y} to {dates.max():%B %Y}: the latest force-size figure on record, the "
        "pledges by their latest status, and the number of coded claims, at each date."
        if len(over_time)
        else "How the record changed: nothing on record for these dates."
    )
    return _finish(
        chart,
        "How the record changed",
        ["Counts and figures from the curated tables, as known on each date."],
        description,
        "record_over_time",
    )


# --- perspectives -----------------------------------------------------------------------


def stance_chart(stances, sources):
    """Mean stance per topic for each of two sources, from −2 (not credible) to +2 (credible)."""
    frame = _with_names(stances, None, sources)
    data = _table(frame, ["topic", "source_id", "publisher", "claims", "mean_stance"])
    ids = list(dict.fromkeys(frame["source_id"].astype(str)))
    colours = {source: source_colour(source, sources) for source in ids}
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=140)
        .encode(
            x=alt.X(
                "mean_stance:Q",
                title="Stance on the guarantees' credibility (−2 not credible … +2 credible)",
                scale=alt.Scale(domain=[-2, 2]),
            ),
            y=alt.Y("topic:N", title=None),
            color=alt.Color("source_id:N", scale=_scale(colours, ids), title="Source"),
            tooltip=[
                alt.Tooltip("topic:N", title="Topic"),
                alt.Tooltip("publisher:N", title="Source"),
                alt.Tooltip("claims:Q", title="Claims"),
                alt.Tooltip("mean_stance:Q", title="Mean stance", format=".2f"),
            ],
        )
        .properties(width=WIDTH - 160, height=max(60, 24 * frame["topic"].nunique()))
    )
    description = (
        f"Dot chart of mean stance by topic for {' and '.join(ids)}, over {int(frame['claims'].sum())} coded claims."
        if len(frame)
        else "Stance chart: no coded claims for these sources on this date."
    )
    return _finish(
        chart,
        "How credible each source finds the guarantees, topic by topic",
        source_caption(frame["publisher"]),
        description,
        "stance_by_topic",
    )


def claim_check_chart(checks, sources):
    """How many of each source's checkable claims the record supports, contradicts or cannot check."""
    frame = _with_names(checks, None, sources)
    data = _table(frame, ["claim_id", "source_id", "publisher", "verdict", "quote", "reason"])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("count():Q", title="Claims"),
            y=alt.Y("publisher:N", title=None),
            color=alt.Color("verdict:N", scale=_scale(VERDICT_COLOURS), title="Against the record"),
            tooltip=[
                alt.Tooltip("publisher:N", title="Source"),
                alt.Tooltip("verdict:N", title="Verdict"),
                alt.Tooltip("count():Q", title="Claims"),
            ],
        )
        .properties(width=WIDTH - 160, height=max(60, 40 * frame["publisher"].nunique()))
    )
    counts = frame["verdict"].value_counts()
    description = (
        "Bar chart of checkable claims by verdict: " + ", ".join(f"{n} {v}" for v, n in counts.items()) + "."
        if len(frame)
        else "Claim check chart: no checkable claims on this date."
    )
    return _finish(
        chart, "Which claims the record supports", source_caption(frame["publisher"]), description, "claim_checks"
    )


# --- display in reports -----------------------------------------------------------------

_chart_numbers = itertools.count(1)


def report_mimebundle(spec, **_):
    """Altair renderer for reports: each chart as inert data that the page renders offline.

    The page template inlines the Vega libraries once and draws every ``figure.vega-chart``.
    Here each chart gets a counter-based id (the same on every run), its description as a
    visible caption (Vega also gives the drawn SVG the description as its ``aria-label``), and
    a link that downloads the data behind it as CSV from the page itself. No script is fetched
    and no CDN address is written.
    """
    number = next(_chart_numbers)
    spec = {key: value for key, value in spec.items() if key != "$schema"}
    name = spec.get("usermeta", {}).get("name", f"chart-{number}")
    description = html.escape(spec.get("description", ""))
    data = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")
    body = (
        f'<figure class="vega-chart" id="chart-{number}">'
        '<div class="vega-view"></div>'
        f'<script type="application/json" class="vega-spec">{data}</script>'
        f'<figcaption><p>{description}</p><p><a class="chart-download" download="{name}.csv" '
        f'href="{chart_csv_uri(spec)}">Download the data behind this chart (CSV)</a></p></figcaption></figure>'
    )
    return {"text/html": body, "text/plain": f"<chart: {name}>"}


def chart_csv_uri(spec):
    """The rows a chart draws, as a ``data:`` URI holding CSV (the first dataset of the spec)."""
    datasets = spec.get("datasets") or {}
    rows = next(iter(datasets.values()), spec.get("data", {}).get("values", []))
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False, lineterminator="\n")
    return "data:text/csv;charset=utf-8," + urllib.parse.quote(buffer.getvalue())


alt.renderers.register("analysis-report", report_mimebundle)
if os.environ.get(REPORT_MODE_VARIABLE) == "1":
    alt.renderers.enable("analysis-report")
