"""How the record changed: three small panels over time, each counted as it was known on that date."""

import altair as alt
import pandas as pd

from analysis.charts.parts import DATE_TOOLTIP, Chart, chart_rows, colour_scale, date_x, finish
from analysis.charts.theme import LINE_COLOUR, STATUS_COLOURS, UNKNOWN_COLOUR, WIDTH
from analysis.labels import label
from analysis.memo import kept_for_equal_inputs
from analysis.transforms import RECORD_PANELS

CLAIMS_COLOUR = "#7b3294"


@kept_for_equal_inputs
def record_changes_chart(over_time: pd.DataFrame) -> Chart:
    """Three small panels over time: the latest force-size figure, pledges by status, claims."""
    named = {"latest figure": "Latest plan or commitment", "claims": "Coded claims"}
    over_time = over_time.assign(series=[named.get(s) or label("status", s) for s in over_time["series"]])
    data = chart_rows(over_time, ["date", "panel", "series", "value", "label"])
    colours = {"Latest plan or commitment": LINE_COLOUR, "Coded claims": CLAIMS_COLOUR}
    colours.update({label("status", code): colour for code, colour in STATUS_COLOURS.items()})
    colours.update({s: UNKNOWN_COLOUR for s in over_time["series"].unique() if s not in colours})
    chart = (
        alt.Chart(data)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=date_x(),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", scale=colour_scale(colours), title="Series"),
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
    return finish(
        chart,
        "How the record changed",
        ["Counts and figures from the curated tables, as known on each date."],
        description,
        "record_over_time",
    )
