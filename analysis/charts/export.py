"""Charts in a published report: inert data the page draws offline, an SVG beside it, and its CSV.

:func:`report_mimebundle` is the Altair renderer that report runs enable; the SVG lets an
executed notebook show its charts where the page's script does not run (JupyterLab, GitHub,
nbviewer), and the CSV is the data behind each chart, safe to open in a spreadsheet.
"""

import functools
import io
import json
import os
import urllib.parse
from collections.abc import Callable, Hashable
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.charts.parts import INTERNAL_PREFIX
from analysis.files import write_atomic
from analysis.hashing import code_version, content_hash
from analysis.memo import input_key, kept
from analysis.paths import DRAWER_VARIABLE, PNG_CACHE, REPORT_MODE_VARIABLE, SVG_CACHE
from analysis.text import csv_cell, html_text

DRAW_TIMEOUT_SECONDS = 60  # a chart the run's drawer has not drawn by then is drawn by the kernel itself

if TYPE_CHECKING:
    from IPython.display import Image
    from matplotlib.figure import Figure


def report_mimebundle(spec: dict[str, Any], **_: object) -> dict[str, str]:
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
    name = spec.get("name", f"chart-{number}")
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


def report_display(chart: Any) -> Any:
    """An Altair chart's display in a warm report kernel: the bundle Altair's own display
    (``_repr_mimebundle_``) gives, from the same spec, without its JSON-schema check.

    The check costs 0.03-0.08 s a chart, a fifth of a second of a full build's CPU, and in a
    report run it only repeats what the tests prove: ``tests/test_charts.py`` validates each
    chart function's spec and ``tests/test_report.py`` every spec the reports publish.
    A chart shown before in this kernel (the same object, with the same Altair settings) gets
    the bundle it got then.
    """
    import altair as alt

    renderer = alt.renderers.get()
    if not renderer:
        return None
    settings = (
        alt.theme.active,
        alt.renderers.active,
        repr(alt.renderers.options),
        alt.data_transformers.active,
        repr(alt.data_transformers.options),
    )
    shown = _SHOWN_CHARTS.pop(id(chart), None)  # put back last: the least recently shown go first
    if shown is not None and shown[1] == settings:
        bundle = shown[2]
    else:
        bundle = renderer(chart.to_dict(validate=False, context={"pre_transform": False}))
    kept(_SHOWN_CHARTS, id(chart), lambda: (chart, settings, bundle), KEPT_CHARTS)
    return dict(bundle)  # IPython may add to the bundle it is given


# Charts shown in this kernel, by identity: the chart functions give one chart for equal inputs
# in a report run (analysis.memo.kept_for_equal_inputs), and its spec is written out once. Each
# entry holds its chart, so no other object takes its id, and Altair's settings, which the spec
# depends on.
KEPT_CHARTS = 256
_SHOWN_CHARTS: dict[Hashable, tuple[Any, tuple[str, ...], Any]] = {}


def chart_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG, drawn by vl-convert without a browser; the same text on every run.

    SVG rather than PNG: a third of the time to draw, a fifth of the bytes, and sharp at any size.
    In a local report run the run's drawer draws it (:mod:`analysis.report.drawer`), so that
    vl-convert starts once for the run, not once in each kernel.
    Drawing is most of a chart's cost, and a weekly backfill draws the same chart on many dates
    (237 charts, 70 of them distinct, over 64 weeks), so each distinct spec is drawn once and
    kept in ``.cache/svg/`` under a hash of the spec and vl-convert's version.
    """
    import vl_convert

    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    path = SVG_CACHE / f"{content_hash(_vl_convert_version(), text)}.svg"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:  # not drawn yet (or no cache folder to be had): draw it
        pass
    svg = drawn_by_drawer(spec) or str(vl_convert.vegalite_to_svg(spec))
    try:
        write_atomic(path, svg)
    except OSError:  # a read-only project folder: the chart is drawn again next time, nothing else
        pass
    return svg


def drawn_by_drawer(spec: dict[str, Any]) -> str | None:
    """The chart's SVG from a local run's drawer (:mod:`analysis.report.drawer`), or None: no
    drawer, or none that answers in time."""
    from multiprocessing.connection import Client

    address = os.environ.get(DRAWER_VARIABLE)
    if not address:
        return None
    try:
        with Client(address, family="AF_UNIX") as connection:
            connection.send(spec)
            if not connection.poll(DRAW_TIMEOUT_SECONDS):
                return None
            svg: str | None = connection.recv()
            return svg
    except (OSError, EOFError):  # the drawer failed, or the run is ending
        return None


@functools.cache
def _vl_convert_version() -> str:
    return metadata.version("vl-convert-python")


def figure_image(figure: "Figure", alt: str) -> "Image":
    """A matplotlib Figure as a PNG image that says what it shows (``alt``), for screen readers.

    Shown as it is, a Figure reaches the page as an image with no text (and nbconvert writes a
    placeholder for it). The PNG is drawn as the inline backend draws it; the figure is closed,
    so the backend does not show it a second time.
    """
    from IPython.display import Image

    return Image(data=figure_png(figure), format="png", alt=alt)


def figure_png(figure: "Figure") -> bytes:
    """The figure drawn as PNG bytes, then closed (see :func:`figure_image`)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def drawn_once(draw: Callable[[], "Figure"], alt: str, *inputs: object) -> "Image":
    """:func:`figure_image` of the figure ``draw()`` makes from ``inputs``, drawn once per distinct
    inputs in a report run and kept in ``.cache/png/``.

    A weekly backfill draws the printable force chart at every date, but the figures change on
    few of them (10 distinct among 24 units over 64 weeks), and a PNG costs a third of a second.
    The key hashes the inputs (exactly, see :func:`analysis.memo.input_key`), the code version,
    matplotlib's version and its settings; inputs it cannot compare exactly are drawn, not kept.
    Only in report runs, whose code cannot change under a kernel: in JupyterLab a module edited
    but not reloaded would draw old code under the new code's key.
    """
    inputs_key = input_key(inputs, {}) if os.environ.get(REPORT_MODE_VARIABLE) else None
    if inputs_key is None:
        return figure_image(draw(), alt)
    import matplotlib
    from IPython.display import Image

    settings = repr(sorted(matplotlib.rcParams.items()))
    key = content_hash(_code_version(), matplotlib.__version__, settings, inputs_key)
    path = PNG_CACHE / f"{key}.png"
    try:
        png = path.read_bytes()
    except OSError:  # not drawn yet (or no cache folder to be had): draw it
        png = figure_png(draw())
        try:
            write_atomic(path, png)
        except OSError:  # a read-only project folder: drawn again next time, nothing else
            pass
    return Image(data=png, format="png", alt=alt)


@functools.cache
def _code_version() -> str:
    """The run's code version (the one in its cache keys), read once per process: report
    kernels run one version of it."""
    return code_version()


def chart_csv_uri(spec: dict[str, Any]) -> str:
    """The rows a chart draws, as a ``data:`` URI holding CSV (the first dataset of the spec).

    Integers stay integers, and every text cell passes :func:`analysis.text.csv_cell`, so a
    quote beginning with ``=`` or ``@`` is read by a spreadsheet as text, never as a formula.
    """
    return "data:text/csv;charset=utf-8," + urllib.parse.quote(chart_csv(spec))


def chart_csv(spec: dict[str, Any]) -> str:
    """The CSV text behind :func:`chart_csv_uri`."""
    datasets = spec.get("datasets") or {}
    rows = next(iter(datasets.values()), spec.get("data", {}).get("values", []))
    frame = pd.DataFrame(rows)
    frame = frame.drop(columns=[c for c in frame.columns if str(c).startswith(INTERNAL_PREFIX)])
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
