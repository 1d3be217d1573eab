"""Charts drawn as SVG, and printable figures as PNG: each distinct one once, the same bytes as a fresh drawing."""

import pandas as pd
import pytest
import vl_convert

from analysis.charts import export
from analysis.paths import REPORT_MODE_VARIABLE

SPEC = {"data": {"values": [{"x": 1, "y": 2}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}


def test_a_chart_is_drawn_once_and_read_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "SVG_CACHE", tmp_path)
    drawn = export.chart_svg(SPEC)
    assert drawn == str(vl_convert.vegalite_to_svg(SPEC))
    assert len(list(tmp_path.glob("*.svg"))) == 1

    def no_drawing(spec):
        raise AssertionError("drawn again")

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", no_drawing)
    assert export.chart_svg(dict(reversed(SPEC.items()))) == drawn  # the same spec, keys in another order


def test_another_chart_or_another_vl_convert_is_drawn_anew(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "SVG_CACHE", tmp_path)
    export.chart_svg(SPEC)
    other = {**SPEC, "mark": "square"}
    assert "path" in export.chart_svg(other) and len(list(tmp_path.glob("*.svg"))) == 2
    monkeypatch.setattr(export, "_vl_convert_version", lambda: "0.0.0")
    export.chart_svg(SPEC)
    assert len(list(tmp_path.glob("*.svg"))) == 3


def test_a_folder_that_cannot_be_written_still_gives_the_chart(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(export, "SVG_CACHE", blocked / "svg")
    assert export.chart_svg(SPEC) == str(vl_convert.vegalite_to_svg(SPEC))


def test_a_figures_alt_text_reaches_the_page_escaped():
    """The page's <img> carries the figure's description, quotes and angle brackets escaped."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import nbformat

    from analysis.report.html import make_exporter

    figure, _ = plt.subplots(figsize=(1, 1))
    image = export.figure_image(figure, alt='A "chart" <b>of</b> figures')
    data, metadata = image._repr_png_()
    notebook = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output("display_data", data={"image/png": data}, metadata={"image/png": metadata})
    notebook.cells.append(nbformat.v4.new_code_cell("figure", outputs=[output]))
    page, _ = make_exporter().from_notebook_node(notebook, resources={"run_facts": [], "report_css": ""})
    assert 'alt="A &quot;chart&quot; &lt;b&gt;of&lt;/b&gt; figures"' in page
    assert plt.get_fignums() == []  # the figure was closed: the inline backend will not show it twice


def small_figure(colour="red"):
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(1, 1))
    axes.plot([1, 2], [2, 1], color=colour)
    return figure


class Drawings:
    """A figure-drawing function that counts its calls."""

    def __init__(self):
        self.count = 0

    def __call__(self, colour="red"):
        self.count += 1
        return small_figure(colour)


@pytest.fixture
def report_run(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PNG_CACHE", tmp_path)
    monkeypatch.setenv(REPORT_MODE_VARIABLE, "1")
    return tmp_path


def test_a_report_run_draws_each_distinct_figure_once_and_reads_back_its_bytes(report_run):
    draw, rows = Drawings(), pd.DataFrame({"x": [1, 2], "when": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    first = export.drawn_once(draw, "A line", rows, "log")
    again = export.drawn_once(draw, "The same line", rows.copy(), "log")
    assert draw.count == 1 and len(list(report_run.glob("*.png"))) == 1
    assert again.data == first.data == export.figure_png(small_figure())
    assert again.alt == "The same line"  # the description is the caller's, never the cache's


@pytest.mark.parametrize(
    "change",
    ["another row", "another dtype", "another scale", "another setting", "other code"],
)
def test_a_figure_from_other_inputs_settings_or_code_is_drawn_anew(report_run, monkeypatch, change):
    import matplotlib

    draw, rows, scale = Drawings(), pd.DataFrame({"x": [1, 2]}), "log"
    export.drawn_once(draw, "A line", rows, scale)
    if change == "another row":
        rows = pd.DataFrame({"x": [1, 3]})
    elif change == "another dtype":
        rows = rows.astype("Int64")  # the same JSON
    elif change == "another scale":
        scale = "linear"
    elif change == "another setting":
        monkeypatch.setitem(matplotlib.rcParams, "lines.linewidth", 5.0)
    else:
        monkeypatch.setattr(export, "_code_version", lambda: "edited")
    export.drawn_once(draw, "A line", rows, scale)
    assert draw.count == 2 and len(list(report_run.glob("*.png"))) == 2


def test_figures_whose_data_differ_past_ten_digits_are_two_figures(report_run):
    small_figure()  # its first drawing switches matplotlib's backend, a setting in the key
    draw = Drawings()
    export.drawn_once(draw, "A line", pd.DataFrame({"x": [0.1 + 0.2]}), "log")
    export.drawn_once(draw, "A line", pd.DataFrame({"x": [0.3]}), "log")  # the same JSON
    assert draw.count == 2 and len(list(report_run.glob("*.png"))) == 2


def test_an_input_it_cannot_compare_exactly_is_drawn_and_not_kept(report_run):
    draw = Drawings()
    export.drawn_once(draw, "A line", {"a", "set"})
    export.drawn_once(draw, "A line", {"a", "set"})
    assert draw.count == 2 and list(report_run.iterdir()) == []


def test_outside_a_report_run_a_figure_is_drawn_every_time(tmp_path, monkeypatch):
    """In JupyterLab a module can be edited and not reloaded: nothing drawn there is kept."""
    monkeypatch.setattr(export, "PNG_CACHE", tmp_path)
    monkeypatch.delenv(REPORT_MODE_VARIABLE, raising=False)
    draw = Drawings()
    export.drawn_once(draw, "A line", "log")
    export.drawn_once(draw, "A line", "log")
    assert draw.count == 2 and list(tmp_path.iterdir()) == []


def test_a_png_folder_that_cannot_be_written_still_gives_the_figure(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(export, "PNG_CACHE", blocked / "png")
    monkeypatch.setenv(REPORT_MODE_VARIABLE, "1")
    assert export.drawn_once(Drawings(), "A line", "log").data == export.figure_png(small_figure())
