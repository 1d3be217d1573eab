"""The printable force-size chart: a static matplotlib Figure whose labels never overlap.

The same story as :func:`analysis.charts.force.force_size_chart`, for print and slides;
each label is placed where it overlaps no other, measured with the renderer.
"""

from typing import TYPE_CHECKING

import pandas as pd

from analysis.charts.export import drawn_once
from analysis.charts.force import FORCE_TITLE, figure_points, force_size_description
from analysis.charts.parts import source_caption
from analysis.charts.theme import KIND_COLOURS, LINE_COLOUR
from analysis.labels import label
from analysis.params import check_value

if TYPE_CHECKING:  # matplotlib loads only when a static chart is drawn
    from IPython.display import Image
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

STATIC_TITLE = " ".join(FORCE_TITLE)  # one line: a printed page is wide enough
LINE_LEGEND = "Plan or commitment (the line)"
# Where a label may go relative to its point (points above or below), nearest first.
LABEL_OFFSETS = (8, -24, 22, -38, 36, -52, 50, -66)


def force_size_figure(series: pd.DataFrame, scale: str = "log", actors: pd.DataFrame | None = None) -> "Figure":
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
        ax.step(line["date"], line["value"], where="post", color=LINE_COLOUR, linewidth=2.5, zorder=2)
        ax.scatter(
            line["date"], line["value"], s=60, color=LINE_COLOUR, zorder=3, label="Plan or commitment (the line)"
        )
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
    place_labels(ax, points[points["point_label"] != ""])
    ax.grid(alpha=0.3)
    ax.set_title(STATIC_TITLE, loc="left", fontsize=13)
    ax.legend(fontsize=8, ncols=4, loc="upper left", bbox_to_anchor=(0, -0.08), frameon=False)
    fig.text(
        0.01, 0.07, "\n".join(source_caption(series["publisher"], width=150)), fontsize=7, color="#555555", va="top"
    )
    plt.close(fig)
    return fig


def force_size_image(series: pd.DataFrame, scale: str = "log", actors: pd.DataFrame | None = None) -> "Image":
    """:func:`force_size_figure` as a PNG image described for screen readers; in a report run,
    drawn once for each distinct series (see :func:`analysis.charts.export.drawn_once`)."""
    check_value("scale", scale)
    return drawn_once(
        lambda: force_size_figure(series, scale, actors), force_size_description(series), series, scale, actors
    )


def place_labels(ax: "Axes", rows: pd.DataFrame) -> "list[Bbox]":
    """Label each point at the first offset where its text overlaps no label already placed.

    Measured with the renderer once the axes are final, so the test of no overlap holds
    whatever the data: a label that fits nowhere keeps the last offset tried. Returns the
    labels' boxes, in display units.
    """
    placed: list[Bbox] = []
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
            box = text.get_window_extent()  # with the figure's own renderer
            if not any(box.overlaps(other) for other in placed) or offset == LABEL_OFFSETS[-1]:
                break
            text.remove()
        placed.append(box)
    return placed
