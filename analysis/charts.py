"""Charts: functions that take the transforms' DataFrames and return chart objects.

Altair for interactive charts (tooltips carry date, value, source and quote), matplotlib
for the static headline figure. One theme for all: the same colour for the same status,
source or kind of figure everywhere, a title, a caption naming the sources, and a text
description for screen readers on every chart.
"""

import io
import json
import os
import textwrap
import urllib.parse

import altair as alt
import pandas as pd

from analysis.hashing import content_hash
from analysis.labels import label
from analysis.params import check_value
from analysis.paths import REPORT_MODE_VARIABLE
from analysis.text import csv_cell, html_text
from analysis.transforms import RECORD_PANELS, followed_figures, largest_demand, latest_figure, with_sources

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
VERDICT_COLOURS = {"Supported": "#31a354", "Contradicted": "#de2d26", "Cannot be checked": "#bdbdbd"}
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
        elif pd.api.types.is_integer_dtype(values):
            out[column] = values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else int(v))
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.astype(bool)
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = values.astype("float64").map(lambda v: int(v) if pd.notna(v) and float(v).is_integer() else v)
        else:
            out[column] = values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else str(v))
    return pd.DataFrame(out, index=frame.index)


def _with_names(frame, actors, sources):
    """``frame`` with its source (publisher, kind of outlet, address) and labels for its codes.

    Charts show labels, never codes: the actor's name, the contribution's and status's words.
    """
    named = with_sources(frame, sources)
    named = named.assign(outlet=[_credit_text(r) for r in named.to_dict("records")])
    if actors is not None:
        named = named.assign(actor=frame["actor_id"].map(actors.set_index("actor_id")["name"]))
    for field in ("contribution", "status", "topic"):
        if field in named:
            named[field + "_label"] = [label(field, v) for v in named[field]]
    return named


def _credit_text(row):
    """'Kyiv Post, newspaper, relaying The Telegraph': who published a figure, as plain text."""
    parts = [str(row["publisher"])]
    if isinstance(row.get("outlet_type"), str):
        parts.append(label("outlet_type", row["outlet_type"]))
    if isinstance(row.get("relays"), str) and row["relays"]:
        parts.append("relaying " + row["relays"])
    return ", ".join(parts)


def _finish(chart, title, caption, description, name, internal=()):
    """The shared theme, title, caption and screen-reader description; ``name`` names its CSV.

    ``internal`` lists columns that only place marks (label text, alignment): the CSV leaves them out.
    """
    return (
        chart.properties(
            title=alt.Title(title, subtitle=caption, anchor="start"),
            description=description,
            usermeta={"name": name, "internal": list(internal)},
        )
        .configure_axis(labelFontSize=12, titleFontSize=12, grid=True, gridColor="#eeeeee", labelLimit=0)
        .configure_title(fontSize=16, subtitleFontSize=11, subtitleColor="#555555")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom", columns=3, labelLimit=0)
        .configure_view(stroke=None)
    )


def _label_scale(field, mapping, codes=None):
    """A colour scale keyed by labels (what the chart shows), coloured by code; unknown codes grey."""
    codes = list(codes) if codes is not None else list(mapping)
    return alt.Scale(domain=[label(field, c) for c in codes], range=[mapping.get(c, "#999999") for c in codes])


def _scale(mapping, domain=None):
    keys = list(domain) if domain is not None else list(mapping)
    return alt.Scale(domain=keys, range=[mapping[k] for k in keys])


def _date_x(title="Date"):
    return alt.X("date:T", title=title, axis=alt.Axis(format="%b %Y", tickCount="month"))


DATE_TOOLTIP = alt.Tooltip("date:T", title="Date", format="%-d %b %Y")
QUOTE_TOOLTIP = [alt.Tooltip("outlet:N", title="Source"), alt.Tooltip("quote:N", title="Quote")]


# --- force size -------------------------------------------------------------------------


def force_size_description(series):
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


def figure_points(series, actors=None):
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
            f"{label}\n{name}, {date:%-d %b %Y}" if keep else ""
            for label, name, date, keep in zip(series["label"], who, series["date"], labelled, strict=True)
        ],
        right=(series["date"] > middle) if middle is not None else False,
    )


def labelled_kinds(values):
    """Figure kinds as the chart's legend shows them."""
    return pd.Series([label("figure_kind", v) for v in values], index=values.index, dtype=object)


def force_size_chart(series, scale="log", actors=None):
    """The shrinking force: a line through the plans and commitments, each step labelled; the rest as context.

    Demands, requests, analysts' options and press estimates are smaller, paler points (and
    ranges), one colour per kind; the line and its labels carry the story.
    """
    check_value("scale", scale)
    points = figure_points(series, actors)
    data = _table(
        points.assign(outlet=[_credit_text(r) for r in points.to_dict("records")]),
        [
            "figure_id",
            "date",
            "date_precision",
            "put_forward_by",
            "low",
            "high",
            "value",
            "label",
            "kind",
            "on_line",
            "point_label",
            "right",
            "publisher",
            "outlet",
            "url",
            "quote",
        ],
    )
    top = max(250000, float(series["value"].max()) * 1.2) if len(series) else 250000
    bottom = min(5000, float(series["value"].min()) * 0.8) if len(series) else 5000
    y_scale = alt.Scale(type=scale, domain=[bottom, top]) if scale == "log" else alt.Scale(domain=[0, top])
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
        alt.Tooltip("outlet:N", title="Source"),
        alt.Tooltip("quote:N", title="Quote"),
    ]
    base = alt.Chart(data).encode(x=_date_x())
    context = base.transform_filter("!datum.on_line")
    ranges = (
        context.transform_filter("datum.low != null && datum.high != null && datum.low != datum.high")
        .mark_rule(strokeWidth=2, opacity=0.35)
        .encode(y=alt.Y("low:Q", scale=y_scale), y2="high:Q", color=colour)
    )
    dots = context.mark_point(filled=True, size=60, opacity=0.55).encode(y=y, color=colour, tooltip=tooltip)
    line_rows = base.transform_filter("datum.on_line")
    line = line_rows.mark_line(interpolate="step-after", strokeWidth=3, color="#1b7837").encode(y=y)
    steps = line_rows.mark_point(filled=True, size=120, opacity=1).encode(y=y, color=colour, tooltip=tooltip)
    # Left-half labels sit above their point, right-half ones below it, so that the two ends of
    # the line never print over each other, however narrow the chart.
    text = dict(fontSize=11, lineBreak="\n", color="#222222")
    labels_left = (
        base.transform_filter("datum.point_label != '' && !datum.right")
        .mark_text(align="left", dx=6, dy=-18, **text)
        .encode(y=y, text="point_label:N")
    )
    labels_right = (
        base.transform_filter("datum.point_label != '' && datum.right")
        .mark_text(align="right", dx=-6, dy=16, **text)
        .encode(y=y, text="point_label:N")
    )
    chart = alt.layer(ranges, dots, line, steps, labels_left, labels_right).properties(width=WIDTH, height=HEIGHT)
    return _finish(
        chart,
        "Proposed size of a European force for Ukraine",
        source_caption(series["publisher"]),
        force_size_description(series),
        "force_size",
        internal=("on_line", "point_label", "right"),
    )


def force_size_figure(series, scale="log", actors=None):
    """The same story as a static, printable matplotlib Figure; labels placed so none overlap."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    check_value("scale", scale)
    points = figure_points(series, actors)
    fig, ax = plt.subplots(figsize=(9, 5.8))
    fig.subplots_adjust(left=0.1, right=0.98, top=0.93, bottom=0.27)  # fixed margins: half the time of a layout engine
    for kind, colour in KIND_COLOURS.items():
        rows = points[(points["figure_kind"].astype(str) == kind) & ~points["on_line"]]
        ax.scatter(rows["date"], rows["value"], s=30, color=colour, alpha=0.55, label=label("figure_kind", kind))
    line = points[points["on_line"]]
    if len(line):
        ax.step(line["date"], line["value"], where="post", color="#1b7837", linewidth=2.5, zorder=2)
        ax.scatter(line["date"], line["value"], s=60, color="#1b7837", zorder=3, label="Plan or commitment (the line)")
    if len(series):
        ax.set_xlim(series["date"].min() - pd.Timedelta(days=15), series["date"].max() + pd.Timedelta(days=30))
    top = max(400000, float(series["value"].max()) * 2) if len(series) else 400000
    ax.set_yscale(scale)
    ax.set_ylabel("Troops" + (" (log scale)" if scale == "log" else ""))
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set_ylim(
        min(5000, float(series["value"].min()) * 0.7)
        if len(series) and scale == "log"
        else (5000 if scale == "log" else 0),
        top,
    )
    _place_labels(fig, ax, points[points["point_label"] != ""])
    ax.grid(alpha=0.3)
    ax.set_title("Proposed size of a European force for Ukraine", loc="left", fontsize=13)
    ax.legend(fontsize=8, ncols=4, loc="upper left", bbox_to_anchor=(0, -0.08), frameon=False)
    fig.text(
        0.01, 0.07, "\n".join(source_caption(series["publisher"], width=150)), fontsize=7, color="#555555", va="top"
    )
    plt.close(fig)
    return fig


# Where a label may go relative to its point (points above or below), nearest first.
LABEL_OFFSETS = (8, -24, 22, -38, 36, -52, 50, -66)


def _place_labels(fig, ax, rows):
    """Label each point at the first offset where its text overlaps no label already placed.

    Measured with the renderer once the axes are final, so the test of no overlap holds
    whatever the data: a label that fits nowhere keeps the last offset tried.
    """
    renderer = fig.canvas.get_renderer()
    placed = []
    for row in rows.itertuples():
        for offset in LABEL_OFFSETS:
            text = ax.annotate(
                row.point_label,
                (row.date, row.value),
                textcoords="offset points",
                xytext=(-6 if row.right else 6, offset),
                ha="right" if row.right else "left",
                fontsize=8,
            )
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed) or offset == LABEL_OFFSETS[-1]:
                break
            text.remove()
        placed.append(box)


# --- pledges ----------------------------------------------------------------------------


def _status_codes(frame):
    """Every status the schema allows (categories), so a new status gets a colour and a label."""
    values = frame["status"]
    return list(values.cat.categories) if hasattr(values, "cat") else list(STATUS_COLOURS)


def pledge_matrix_chart(latest, actors, sources):
    """Heat map: the latest status of each actor's contribution, with the quote behind it."""
    frame = _with_names(latest, actors, sources)
    data = _table(frame, ["actor", "contribution_label", "status_label", "condition", "date", "outlet", "url", "quote"])
    chart = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X("contribution_label:N", title=None, axis=alt.Axis(labelAngle=-90, grid=False, labelLimit=0)),
            y=alt.Y("actor:N", title=None, axis=alt.Axis(grid=False)),
            color=alt.Color(
                "status_label:N",
                scale=_label_scale("status", STATUS_COLOURS, _status_codes(latest)),
                title="Latest status",
            ),
            tooltip=[
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("contribution_label:N", title="Contribution"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("condition:N", title="Condition"),
                DATE_TOOLTIP,
                *QUOTE_TOOLTIP,
            ],
        )
        .properties(width=WIDTH - 160, height=max(60, 26 * frame["actor"].nunique()))
    )
    counts = frame["status_label"].value_counts() if len(frame) else pd.Series(dtype=int)
    description = (
        "Grid of actors by contribution, coloured by the latest recorded status: "
        + ", ".join(f"{n} {s.lower()}" for s, n in counts.items())
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
        frame,
        [
            "actor",
            "contribution_label",
            "status_label",
            "condition",
            "date",
            "date_precision",
            "outlet",
            "url",
            "quote",
        ],
    )
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=120)
        .encode(
            x=_date_x(),
            y=alt.Y("actor:N", title=None),
            color=alt.Color(
                "status_label:N", scale=_label_scale("status", STATUS_COLOURS, _status_codes(pledges)), title="Status"
            ),
            shape=alt.Shape("contribution_label:N", title="Contribution"),
            tooltip=[
                DATE_TOOLTIP,
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("contribution_label:N", title="Contribution"),
                alt.Tooltip("status_label:N", title="Status"),
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
    named = {"latest figure": "Latest plan or commitment", "claims": "Coded claims"}
    over_time = over_time.assign(series=[named.get(s) or label("status", s) for s in over_time["series"]])
    data = _table(over_time, ["date", "panel", "series", "value", "label"])
    colours = {"Latest plan or commitment": "#1b7837", "Coded claims": "#7b3294"}
    colours.update({label("status", code): colour for code, colour in STATUS_COLOURS.items()})
    colours.update({s: "#999999" for s in over_time["series"].unique() if s not in colours})
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
    data = _table(frame, ["topic_label", "source_id", "publisher", "claims", "mean_stance"])
    ids = list(dict.fromkeys(frame["source_id"].astype(str)))
    names = list(dict.fromkeys(frame["publisher"].astype(str)))
    colours = {name: source_colour(source, sources) for source, name in zip(ids, names, strict=False)}
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=140)
        .encode(
            x=alt.X(
                "mean_stance:Q",
                title="Stance on the guarantees (−2 not credible to +2 credible)",
                scale=alt.Scale(domain=[-2, 2]),
            ),
            y=alt.Y("topic_label:N", title=None),
            color=alt.Color("publisher:N", scale=_scale(colours, names), title="Source"),
            tooltip=[
                alt.Tooltip("topic_label:N", title="Topic"),
                alt.Tooltip("publisher:N", title="Source"),
                alt.Tooltip("claims:Q", title="Claims"),
                alt.Tooltip("mean_stance:Q", title="Mean stance", format=".2f"),
            ],
        )
        .properties(width=WIDTH - 160, height=max(60, 24 * frame["topic"].nunique()))
    )
    description = (
        f"Dot chart of mean stance by topic for {' and '.join(names)}, over {int(frame['claims'].sum())} coded claims."
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
    verdicts = {"agrees": "Supported", "conflicts": "Contradicted", "cannot be checked": "Cannot be checked"}
    frame = frame.assign(verdict=frame["verdict"].map(verdicts))
    data = _table(frame, ["publisher", "verdict", "quote", "reason", "url"])
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


def report_mimebundle(spec, **_):
    """Altair renderer for reports: each chart as inert data that the page renders offline.

    The page template inlines the Vega libraries once and draws every ``figure.vega-chart``.
    Here each chart gets an id made from its content (the same on every run), its sources and
    description as a visible caption (text that wraps on a phone, where the chart's own
    subtitle would not), and a link that downloads the data behind it as CSV from the page
    itself. The bundle also carries the chart as SVG, so an executed notebook shows it in
    JupyterLab, on GitHub or nbviewer, where the page's script does not run. No script is
    fetched and no CDN address is written.
    """
    spec = {key: value for key, value in spec.items() if key != "$schema"}
    data = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")
    number = content_hash(data)  # from the chart itself: no counter that a reused kernel would carry on
    name = spec.get("usermeta", {}).get("name", f"chart-{number}")
    title = spec.get("title", {})
    subtitle = title.get("subtitle", []) if isinstance(title, dict) else []
    sources = " ".join(subtitle if isinstance(subtitle, list) else [subtitle])
    description = html_text(spec.get("description", ""))
    body = (
        f'<figure class="vega-chart" id="chart-{number}">'
        '<div class="vega-view"></div>'
        f'<script type="application/json" class="vega-spec">{data}</script>'
        f'<figcaption><p class="chart-sources">{html_text(sources)}</p><p>{description}</p>'
        f'<p><a class="chart-download" download="{html_text(name)}.csv" '
        f'href="{chart_csv_uri(spec)}">Download the data behind this chart (CSV)</a></p></figcaption></figure>'
    )
    return {"text/html": body, "image/svg+xml": chart_svg(spec), "text/plain": f"<chart: {name}>"}


def chart_svg(spec):
    """The chart as SVG, drawn by vl-convert without a browser; the same text on every run.

    SVG rather than PNG: a third of the time to draw, a fifth of the bytes, and sharp at any size.
    """
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def chart_csv_uri(spec):
    """The rows a chart draws, as a ``data:`` URI holding CSV (the first dataset of the spec).

    Integers stay integers, and every text cell passes :func:`analysis.text.csv_cell`, so a
    quote beginning with ``=`` or ``@`` is read by a spreadsheet as text, never as a formula.
    """
    return "data:text/csv;charset=utf-8," + urllib.parse.quote(chart_csv(spec))


def chart_csv(spec):
    """The CSV text behind :func:`chart_csv_uri`."""
    datasets = spec.get("datasets") or {}
    rows = next(iter(datasets.values()), spec.get("data", {}).get("values", []))
    frame = pd.DataFrame(rows)
    frame = frame.drop(columns=[c for c in spec.get("usermeta", {}).get("internal", []) if c in frame])
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            numbers = pd.to_numeric(values, errors="coerce")
            whole = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool) or v is None)
            if whole.all() and numbers.notna().any() and (numbers.dropna() % 1 == 0).all():
                frame[column] = numbers.astype("Int64")
            else:
                frame[column] = values.map(csv_cell)
        elif pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all() and values.notna().any():
            frame[column] = values.astype("Int64")
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\r\n")  # RFC 4180 line ends: a CR in a cell is quoted
    return buffer.getvalue()


alt.renderers.register("analysis-report", report_mimebundle)
if os.environ.get(REPORT_MODE_VARIABLE) == "1":
    alt.renderers.enable("analysis-report")
