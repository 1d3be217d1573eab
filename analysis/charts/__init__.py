"""Charts: functions that take the transforms' DataFrames and return chart objects.

Altair for interactive charts (tooltips carry date, value, source and quote), matplotlib for
the static, printable force figure. Every chart has a title, a caption naming its sources
and a text description for screen readers; its look comes from one registered theme.

- :mod:`~analysis.charts.theme`: the registered Altair theme and the colours;
- :mod:`~analysis.charts.parts`: chart-ready rows, names for codes, scales, tooltips;
- :mod:`~analysis.charts.force`, :mod:`~analysis.charts.pledges`,
  :mod:`~analysis.charts.record`, :mod:`~analysis.charts.perspectives`: the charts;
- :mod:`~analysis.charts.static`: the printable force figure (matplotlib);
- :mod:`~analysis.charts.export`: the report renderer, the PNG and the CSV download.

Importing this package enables the theme, and in a report run (``$ANALYSIS_REPORT=1``)
the report renderer too, without Altair's check of each part of a chart as it is made.
"""

import os

import altair as alt

from analysis.charts.export import chart_csv, chart_csv_uri, chart_svg, figure_image, report_mimebundle
from analysis.charts.force import figure_points, force_size_chart, force_size_description, labelled_kinds
from analysis.charts.parts import source_caption
from analysis.charts.perspectives import claim_check_chart, stance_chart
from analysis.charts.pledges import pledge_matrix_chart, pledge_timeline_chart
from analysis.charts.record import record_changes_chart
from analysis.charts.static import force_size_figure, force_size_image
from analysis.charts.theme import (
    KIND_COLOURS,
    SEED_COLOURS,
    STATUS_COLOURS,
    VERDICT_COLOURS,
    enable_theme,
    source_colour,
)
from analysis.paths import REPORT_MODE_VARIABLE

__all__ = [
    "KIND_COLOURS",
    "SEED_COLOURS",
    "STATUS_COLOURS",
    "VERDICT_COLOURS",
    "chart_csv",
    "chart_csv_uri",
    "chart_svg",
    "claim_check_chart",
    "figure_image",
    "figure_points",
    "force_size_chart",
    "force_size_description",
    "force_size_figure",
    "force_size_image",
    "labelled_kinds",
    "pledge_matrix_chart",
    "pledge_timeline_chart",
    "record_changes_chart",
    "report_mimebundle",
    "source_caption",
    "source_colour",
    "stance_chart",
]

enable_theme()
alt.renderers.register("analysis-report", report_mimebundle)
if os.environ.get(REPORT_MODE_VARIABLE) == "1":
    alt.renderers.enable("analysis-report")
    # Altair checks each part of a chart against the Vega-Lite schema as it is made, for clearer
    # errors while a chart is written ("this slows things down", says its own comment): a tenth
    # of a second for the five notebooks' charts. A report run draws charts the tests check
    # (tests/test_charts.py validates each function's spec, tests/test_report.py every spec the
    # reports publish); in JupyterLab the check stays on.
    alt.utils.schemapi.disable_debug_mode()
