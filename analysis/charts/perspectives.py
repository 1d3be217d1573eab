"""The charts comparing two sources: stance by topic, and which claims the record supports."""

import altair as alt
import pandas as pd

from analysis.charts.parts import (
    Chart,
    chart_rows,
    colour_scale,
    finish,
    source_caption,
    with_names,
    wrapped_labels,
    wrapped_y_labels,
)
from analysis.charts.theme import VERDICT_COLOURS, WIDTH, source_colour
from analysis.memo import kept_for_equal_inputs

VERDICT_LABELS = {"agrees": "Supported", "conflicts": "Contradicted", "cannot be checked": "Cannot be checked"}
# A source's name (with its newsletter, say) in lines this long keeps a phone-wide chart's text inside it.
SOURCE_LINE = 24
# Two lines, each narrow enough to sit under a phone-wide plot.
STANCE_TITLE = ["Stance on the guarantees", "(−2 not credible to +2 credible)"]


@kept_for_equal_inputs
def stance_chart(stances: pd.DataFrame, sources: pd.DataFrame) -> Chart:
    """Mean stance per topic for each of two sources, from −2 (not credible) to +2 (credible)."""
    frame = with_names(stances, None, sources)
    data = chart_rows(frame, ["topic_label", "source_id", "publisher", "claims", "mean_stance"])
    ids = list(dict.fromkeys(frame["source_id"].astype(str)))
    names = list(dict.fromkeys(frame["publisher"].astype(str)))
    colours = {name: source_colour(source, sources) for source, name in zip(ids, names, strict=False)}
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=140)
        .encode(
            x=alt.X(
                "mean_stance:Q",
                title=STANCE_TITLE,
                scale=alt.Scale(domain=[-2, 2]),
            ),
            y=alt.Y("topic_label:N", title=None),
            color=alt.Color(
                "publisher:N",
                scale=colour_scale(colours, names),
                title="Source",
                legend=alt.Legend(labelExpr=wrapped_labels(SOURCE_LINE)),
            ),
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
    return finish(
        chart,
        "How credible each source finds the guarantees, topic by topic",
        source_caption(frame["publisher"]),
        description,
        "stance_by_topic",
    )


@kept_for_equal_inputs
def claim_check_chart(checks: pd.DataFrame, sources: pd.DataFrame) -> Chart:
    """How many of each source's checkable claims the record supports, contradicts or cannot check."""
    frame = with_names(checks, None, sources)
    frame = frame.assign(verdict=frame["verdict"].map(VERDICT_LABELS))
    data = chart_rows(frame, ["publisher", "verdict", "quote", "reason", "url"])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("count():Q", title="Claims"),
            y=alt.Y("publisher:N", title=None, axis=alt.Axis(**wrapped_y_labels(SOURCE_LINE))),
            color=alt.Color("verdict:N", scale=colour_scale(VERDICT_COLOURS), title="Against the record"),
            tooltip=[
                alt.Tooltip("publisher:N", title="Source"),
                alt.Tooltip("verdict:N", title="Verdict"),
                alt.Tooltip("count():Q", title="Claims"),
            ],
        )
        .properties(width=WIDTH - 160, height=max(60, 48 * frame["publisher"].nunique()))
    )
    counts = frame["verdict"].value_counts()
    description = (
        "Bar chart of checkable claims by verdict: " + ", ".join(f"{n} {v}" for v, n in counts.items()) + "."
        if len(frame)
        else "Claim check chart: no checkable claims on this date."
    )
    return finish(
        chart, "Which claims the record supports", source_caption(frame["publisher"]), description, "claim_checks"
    )
