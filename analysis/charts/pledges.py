"""The pledge charts: who offers what now (a grid), and every statement over time (a timeline).

Both colour a status the same way, and both list every status the schema allows, so a new
status gets its colour and its label without a change here.
"""

import altair as alt
import pandas as pd

from analysis.charts.parts import (
    DATE_TOOLTIP,
    PLEDGE_TOOLTIP,
    QUOTE_TOOLTIP,
    Chart,
    chart_rows,
    date_x,
    finish,
    label_scale,
    source_caption,
    with_names,
)
from analysis.charts.theme import STATUS_COLOURS, WIDTH
from analysis.memo import kept_for_equal_inputs


def status_codes(frame: pd.DataFrame) -> list[str]:
    """Every status the schema allows (categories), so a new status gets a colour and a label."""
    values = frame["status"]
    return list(values.cat.categories) if hasattr(values, "cat") else list(STATUS_COLOURS)


@kept_for_equal_inputs
def pledge_matrix_chart(latest: pd.DataFrame, actors: pd.DataFrame, sources: pd.DataFrame) -> Chart:
    """Heat map: the latest status of each actor's contribution, with the quote behind it."""
    frame = with_names(latest, actors, sources)
    data = chart_rows(
        frame, ["actor", "contribution_label", "status_label", "condition", "date", "outlet", "url", "quote"]
    )
    chart = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X("contribution_label:N", title=None, axis=alt.Axis(labelAngle=-90, grid=False, labelLimit=0)),
            y=alt.Y("actor:N", title=None, axis=alt.Axis(grid=False)),
            color=alt.Color(
                "status_label:N",
                scale=label_scale("status", STATUS_COLOURS, status_codes(latest)),
                title="Latest status",
            ),
            tooltip=[*PLEDGE_TOOLTIP, DATE_TOOLTIP, *QUOTE_TOOLTIP],
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
    return finish(
        chart,
        "Who offers what: the latest status of each pledge",
        source_caption(frame["publisher"]),
        description,
        "pledge_status",
    )


@kept_for_equal_inputs
def pledge_timeline_chart(
    pledges: pd.DataFrame, actors: pd.DataFrame, sources: pd.DataFrame, title: str = "Pledge statements over time"
) -> Chart:
    """Each pledge statement as a dot on its date, by actor, coloured by status."""
    frame = with_names(pledges, actors, sources)
    columns = ["actor", "contribution_label", "status_label", "condition", "date", "date_precision", "outlet"]
    data = chart_rows(frame, [*columns, "url", "quote"])
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=120)
        .encode(
            x=date_x(),
            y=alt.Y("actor:N", title=None),
            color=alt.Color(
                "status_label:N", scale=label_scale("status", STATUS_COLOURS, status_codes(pledges)), title="Status"
            ),
            shape=alt.Shape("contribution_label:N", title="Contribution"),
            tooltip=[DATE_TOOLTIP, *PLEDGE_TOOLTIP, *QUOTE_TOOLTIP],
        )
        .properties(width=WIDTH, height=max(60, 26 * frame["actor"].nunique()))
    )
    description = (
        f"Timeline of {len(frame)} pledge statements by {frame['actor'].nunique()} actors, each coloured by its status."
        if len(frame)
        else "Timeline of pledges: none on record for this date."
    )
    return finish(chart, title, source_caption(frame["publisher"]), description, "pledge_timeline")
