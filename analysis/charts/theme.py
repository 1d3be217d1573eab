"""The one look of every chart: the project's registered Altair theme and its colours.

Charts carry no configuration of their own, so any two of them can be layered or put side by
side; the theme supplies the fonts, grid and legend once, and the colours below give the same
status, source or kind of figure the same colour everywhere.
"""

import altair as alt
import pandas as pd

THEME = "analysis"
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
SEED_COLOURS = {"spectator_morenets": "#b2182b", "brookings_pifer": "#2166ac"}
OTHER_SOURCE_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
VERDICT_COLOURS = {"Supported": "#31a354", "Contradicted": "#de2d26", "Cannot be checked": "#bdbdbd"}
LINE_COLOUR = "#1b7837"  # the line a reader follows: plans and commitments
UNKNOWN_COLOUR = "#999999"
WIDTH, HEIGHT = 640, 320


def theme_config() -> alt.theme.ThemeConfig:
    """The configuration every chart shares: readable axes and legends, a quiet grid, no frame.

    ``continuousWidth`` and ``continuousHeight`` are Vega-Lite's defaults, kept so that a chart
    without a size of its own is drawn as it was before the theme. (Keys stay in this order:
    the PNG renderer draws in the order it reads them, so the same order gives the same bytes.)
    """
    return {
        "config": {
            "view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
            "axis": {"grid": True, "gridColor": "#eeeeee", "labelFontSize": 12, "labelLimit": 0, "titleFontSize": 12},
            "legend": {"columns": 3, "labelFontSize": 11, "labelLimit": 0, "orient": "bottom", "titleFontSize": 11},
            "title": {"fontSize": 16, "subtitleColor": "#555555", "subtitleFontSize": 11},
        }
    }


def enable_theme() -> None:
    """Register the theme and make it the active one (once, where charts are made)."""
    if THEME not in alt.theme.names():
        alt.theme.register(THEME, enable=False)(theme_config)
    alt.theme.enable(THEME)


def source_colour(source_id: str, sources: pd.DataFrame) -> str:
    """The colour of a source: fixed for the two seed texts, else by its row in ``sources``."""
    if source_id in SEED_COLOURS:
        return SEED_COLOURS[source_id]
    position = list(sources["source_id"]).index(source_id)
    return OTHER_SOURCE_COLOURS[position % len(OTHER_SOURCE_COLOURS)]
