"""Chart specs: encodings, tooltips, titles, captions, descriptions, theme, offline report output."""

import json
import os
import re
import subprocess
import sys
import urllib.parse

import pytest

from analysis import charts
from analysis import transforms as t
from analysis.data import load_table
from analysis.labels import label
from analysis.paths import REPORT_MODE_VARIABLE


@pytest.fixture(scope="module")
def record():
    sources = load_table("sources")
    pledges = load_table("pledges")
    claims = load_table("claims")
    return {
        "sources": sources,
        "series": t.force_size_series(load_table("force_size"), sources),
        "pledges": pledges,
        "actors": load_table("actors"),
        "claims": claims,
        "checks": t.check_claims(claims, {n: load_table(n) for n in ("force_size", "pledges", "events")}, sources),
    }


def _layers(spec):
    return spec.get("layer", [spec])


def _tooltip_fields(spec):
    return {
        tip["field"]
        for layer in _layers(spec)
        for tip in layer.get("encoding", {}).get("tooltip", [])
        if "field" in tip
    }


def test_force_size_chart_draws_a_labelled_line_through_plans_and_commitments(record):
    spec = charts.force_size_chart(record["series"], scale="log", actors=record["actors"]).to_dict()
    assert " ".join(spec["title"]["text"]) == "Proposed size of a European force for Ukraine"
    assert spec["title"]["subtitle"][0].startswith("Sources: ")
    assert "The Spectator" not in " ".join(spec["title"]["subtitle"])  # only the figures' own sources
    assert "LIGA.net" in " ".join(spec["title"]["subtitle"])
    assert spec["description"].startswith(f"Chart of {len(record['series'])} dated figures")
    rows = next(iter(spec["datasets"].values()))
    on_line = [row for row in rows if row["_on_line"]]
    assert {row["kind"] for row in on_line} <= {"Plan", "Commitment"}
    assert [row["figure_id"] for row in on_line] == list(t.followed_figures(record["series"])["figure_id"])
    labelled = [row for row in rows if row["_point_label"]]
    assert all(row["_point_label"].split("\n")[0] == row["label"] for row in labelled)
    assert len({row["date"] for row in labelled}) == len(labelled)  # one label per day: none printed over another
    line = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "line")
    assert line["mark"]["interpolate"] == "step-after"
    assert line["encoding"]["y"]["scale"]["type"] == "log"
    assert {"date", "label", "put_forward_by", "outlet", "quote"} <= _tooltip_fields(spec)
    assert _layers(spec)[0]["encoding"]["y2"]["field"] == "high"  # ranges drawn as bars


# A phone's width, less the page's margins and the chart's padding: what a chart title may take.
PHONE_TITLE_WIDTH = 390 - 60


def _title_width(title):
    """How wide vl-convert draws ``title`` (text or lines) in the theme: a chart that is only its title."""
    import vl_convert

    from analysis.charts.theme import theme_config

    spec = {"data": {"values": []}, "mark": "point", "width": 1, "height": 1, **theme_config()}
    return vl_convert.vegalite_to_scenegraph({**spec, "title": {"text": title, "anchor": "start"}})["width"]


def test_force_chart_title_fits_a_phone(record):
    title = charts.force_size_chart(record["series"]).to_dict()["title"]["text"]
    assert isinstance(title, list) and len(title) == 2  # lines of its own: the page does not rewrap a list
    assert _title_width(title) <= PHONE_TITLE_WIDTH
    assert _title_width(" ".join(title)) > PHONE_TITLE_WIDTH  # on one line it would be cut: the test can fail


def test_charts_carry_no_configuration_of_their_own_so_they_combine(record):
    """The look comes from the registered theme: a finished chart has no config to clash with another's."""
    import altair as alt

    latest = t.latest_pledges(record["pledges"])
    force = charts.force_size_chart(record["series"], actors=record["actors"])
    matrix = charts.pledge_matrix_chart(latest, record["actors"], record["sources"])
    assert alt.theme.active == charts.theme.THEME
    assert force.config is alt.Undefined and matrix.config is alt.Undefined
    combined = alt.vconcat(force, matrix).to_dict()  # Altair refuses to concatenate charts that carry a config
    assert combined["config"]["axis"]["labelFontSize"] == 12  # the theme's, once, for both
    assert charts.theme.theme_config()["config"] == {k: force.to_dict()["config"][k] for k in combined["config"]}


def test_a_scale_that_cannot_work_is_a_parameter_error_in_the_python_api(record):
    from analysis.errors import ParameterError

    for draw in (charts.force_size_chart, charts.force_size_figure):
        with pytest.raises(ParameterError, match="'scale': got 'logarithmic'; allowed: 'log' or 'linear'"):
            draw(record["series"], scale="logarithmic")


@pytest.mark.parametrize("scale", ["log", "linear"])
def test_static_figure_labels_do_not_overlap(record, scale):
    figure = charts.force_size_figure(record["series"], scale=scale, actors=record["actors"])
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [text.get_window_extent(renderer) for text in figure.axes[0].texts]
    assert len(boxes) >= 3
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def test_the_printable_figure_is_drawn_once_per_series_scale_and_actors(record, tmp_path, monkeypatch):
    """In a report run: a series equal to one drawn before reads its PNG back; another scale,
    another series or other actors' names draw anew. The PNG is the one the figure gives."""
    from analysis.charts import export
    from analysis.paths import REPORT_MODE_VARIABLE

    monkeypatch.setattr(export, "PNG_CACHE", tmp_path)
    monkeypatch.setenv(REPORT_MODE_VARIABLE, "1")
    series, actors = record["series"], record["actors"]
    image = charts.force_size_image(series, actors=actors)
    assert image.data == export.figure_png(charts.force_size_figure(series, actors=actors))
    assert image.alt == charts.force_size_description(series)
    assert charts.force_size_image(series.copy(), actors=actors.copy()).data == image.data
    assert len(list(tmp_path.glob("*.png"))) == 1
    charts.force_size_image(series, scale="linear", actors=actors)
    charts.force_size_image(series.iloc[:-1], actors=actors)
    charts.force_size_image(series, actors=actors.assign(name="Someone else"))
    assert len(list(tmp_path.glob("*.png"))) == 4


def test_linear_scale_option(record):
    spec = charts.force_size_chart(record["series"], scale="linear").to_dict()
    assert all(layer["encoding"]["y"]["scale"].get("type") in (None, "linear") for layer in _layers(spec))


def test_same_status_same_colour_everywhere(record):
    latest = t.latest_pledges(record["pledges"])
    matrix = charts.pledge_matrix_chart(latest, record["actors"], record["sources"]).to_dict()
    timeline = charts.pledge_timeline_chart(record["pledges"], record["actors"], record["sources"]).to_dict()
    for spec in (matrix, timeline):
        scale = spec["encoding"]["color"]["scale"]
        expected = {label("status", code): colour for code, colour in charts.STATUS_COLOURS.items()}
        assert dict(zip(scale["domain"], scale["range"], strict=True)) == expected
        assert {"quote", "outlet", "status_label"} <= _tooltip_fields(spec)
        assert spec["title"]["text"] and spec["description"]


def test_sources_keep_their_colour(record):
    stances = t.stance_by_topic(record["claims"], "spectator_morenets", "brookings_pifer")
    spec = charts.stance_chart(stances, record["sources"]).to_dict()
    publishers = record["sources"].set_index("source_id")["publisher"]
    expected = {publishers[source]: colour for source, colour in charts.SEED_COLOURS.items()}
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == expected
    swapped = t.stance_by_topic(record["claims"], "brookings_pifer", "spectator_morenets")
    scale = charts.stance_chart(swapped, record["sources"]).to_dict()["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == expected


def test_claim_check_chart_counts_verdicts(record):
    checks = record["checks"].copy()
    checks.loc[checks.index[0], "verdict"] = "conflicts"  # the real record has none since audit N13
    spec = charts.claim_check_chart(checks, record["sources"]).to_dict()
    assert spec["encoding"]["x"]["aggregate"] == "count"
    assert "Supported" in spec["description"] and "Contradicted" in spec["description"]


def test_charts_survive_an_empty_record(record):
    empty = record["series"].iloc[:0]
    spec = charts.force_size_chart(empty).to_dict()
    assert "no figure is on record" in spec["description"]
    assert charts.pledge_matrix_chart(
        t.latest_pledges(record["pledges"].iloc[:0]), record["actors"], record["sources"]
    ).to_dict()["description"]
    figure = charts.force_size_figure(empty)
    axis = figure.axes[0]
    assert axis.get_title(loc="left") == "Proposed size of a European force for Ukraine"
    assert len(axis.texts) == 0 and all(len(points.get_offsets()) == 0 for points in axis.collections)  # nothing drawn
    assert axis.get_ylim() == (5000, 400000)  # the default log range, not one computed from no data
    assert any(text.get_text() == "Sources: none on record for this date." for text in figure.texts)


def test_static_figure_has_title_caption_and_log_option(record):
    figure = charts.force_size_figure(record["series"], scale="log")
    axis = figure.axes[0]
    assert axis.get_yscale() == "log"
    assert axis.get_title(loc="left") == "Proposed size of a European force for Ukraine"
    assert any(text.get_text().startswith("Sources: ") for text in figure.texts)
    assert charts.force_size_figure(record["series"], scale="linear").axes[0].get_yscale() == "linear"


def test_report_output_is_offline_data_with_a_csv_download(record):
    chart = charts.force_size_chart(record["series"])
    bundle = charts.report_mimebundle(chart.to_dict())
    html = bundle["text/html"]
    assert not re.search(r"<script[^>]* src=|<link[^>]* href=", html)  # nothing fetched
    spec = json.loads(re.search(r'<script type="application/json" class="vega-spec">(.*?)</script>', html).group(1))
    assert spec["name"] == "force_size"
    csv_text = urllib.parse.unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', html).group(1))
    assert csv_text.splitlines()[0].startswith("figure_id,date,")
    assert len(csv_text.splitlines()) == len(record["series"]) + 1
    assert 'download="force_size.csv"' in html


def test_report_output_keeps_html_in_quotes_inert(record):
    series = record["series"].copy()
    series.loc[0, "quote"] = "<script>alert(1)</script>"
    html = charts.report_mimebundle(charts.force_size_chart(series).to_dict())["text/html"]
    assert "<script>alert" not in html


def test_csv_download_neutralises_formulas_and_keeps_numbers_numeric(record):
    series = record["series"].copy()
    payloads = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]
    for row, payload in enumerate(payloads):
        series.loc[row, "quote"] = payload
    csv_text = charts.chart_csv(charts.force_size_chart(series).to_dict())
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(csv_text, newline="")))
    for row, payload in zip(rows, payloads, strict=False):
        assert row["quote"] == "'" + payload
    assert rows[0]["low"] == "100000" and rows[0]["value"] == "125000"  # integers as integers, not 100000.0
    assert all(row["url"].startswith("https://") for row in rows)  # each row carries its source's address
    steps = t.step_changes(record["series"])
    assert (steps["change_pct"] < 0).any()
    assert charts.chart_csv({"data": {"values": [{"change": -70.0}, {"change": -2.5}]}}).splitlines()[1:] == [
        "-70.0",
        "-2.5",
    ]  # negative numbers stay numbers: only text that starts like a formula is quoted


def test_report_bundle_carries_an_svg_that_is_the_same_on_every_run(record):
    spec = charts.pledge_matrix_chart(t.latest_pledges(record["pledges"]), record["actors"], record["sources"])
    first = charts.report_mimebundle(spec.to_dict())
    second = charts.report_mimebundle(spec.to_dict())
    assert first["image/svg+xml"].startswith("<svg") and "Who offers what" in first["image/svg+xml"]
    assert first["image/svg+xml"] == second["image/svg+xml"]


def _texts(spec, role):
    """The text items of one role ('legend-label', 'axis-label', ...) in vl-convert's drawing of ``spec``."""
    import vl_convert

    def walk(node):
        if isinstance(node, dict):
            if node.get("marktype") == "text" and node.get("role") == role:
                yield from node.get("items", [])
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return list(walk(vl_convert.vegalite_to_scenegraph(spec)))


def test_long_source_names_are_drawn_whole_in_short_lines(record):
    """A phone-wide chart has room for a name of 24 characters a line: Vega draws the lines the expression makes."""
    from analysis.charts.perspectives import SOURCE_LINE

    stances = t.stance_by_topic(record["claims"], "spectator_morenets", "brookings_pifer")
    spec = charts.stance_chart(stances, record["sources"]).to_dict()
    labels = [item["text"] for item in _texts(spec, "legend-label")]
    assert sorted(" ".join(lines) for lines in labels) == sorted(spec["encoding"]["color"]["scale"]["domain"])
    assert max(len(lines) for lines in labels) > 1  # the Brookings newsletter's name is longer than a line
    assert all(len(line) <= SOURCE_LINE or " " not in line for lines in labels for line in lines)


def test_a_name_of_several_lines_stays_beside_its_bar(record):
    """Vega draws a label's first line on its tick: the offset centres the whole label there instead."""
    spec = charts.claim_check_chart(record["checks"], record["sources"]).to_dict()
    labels = [item for item in _texts(spec, "axis-label") if isinstance(item["text"], list)]
    assert len(labels) == 2 and len(labels[0]["text"]) > len(labels[1]["text"])  # one name longer than the other
    line_height = spec["encoding"]["y"]["axis"]["labelLineHeight"]
    middles = [item["y"] + (len(item["text"]) - 1) * line_height / 2 for item in labels]
    band = spec["height"] / len(labels)
    assert middles == pytest.approx([band / 2, band * 3 / 2], abs=1)


@pytest.mark.parametrize("report_mode", ["1", None])
def test_altair_checks_each_chart_part_as_it_is_made_only_outside_report_runs(report_mode):
    """A report kernel leaves the check to the tests; JupyterLab keeps Altair's clearer errors."""
    environment = {key: value for key, value in os.environ.items() if key != REPORT_MODE_VARIABLE}
    if report_mode:
        environment[REPORT_MODE_VARIABLE] = report_mode
    shown = subprocess.run(
        [sys.executable, "-c", "import analysis.charts, altair; print(altair.utils.schemapi.DEBUG_MODE)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == ("False" if report_mode else "True")
