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
