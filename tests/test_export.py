"""Charts drawn as SVG: each distinct spec once, the same text as a fresh drawing."""

import vl_convert

from analysis.charts import export

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
