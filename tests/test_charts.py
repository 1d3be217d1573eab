"""Chart specs: encodings, tooltips, titles, captions, descriptions, theme, offline report output."""

import json
import re
import urllib.parse

import pytest

from analysis import charts
from analysis import transforms as t
from analysis.data import load_table


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


def test_force_size_chart_encodes_range_bound_and_quote(record):
    spec = charts.force_size_chart(record["series"], scale="log").to_dict()
    assert spec["title"]["text"] == "Proposed size of a European force for Ukraine"
    assert spec["title"]["subtitle"][0].startswith("Sources: ")
    assert "The Spectator" not in " ".join(spec["title"]["subtitle"])  # only the figures' own sources
    assert "LIGA.net" in " ".join(spec["title"]["subtitle"])
    assert spec["description"].startswith("Chart of 16 dated figures")
    points = _layers(spec)[1]
    assert points["encoding"]["shape"]["field"] == "bound"
    assert points["encoding"]["shape"]["scale"]["range"] == list(charts.BOUND_SHAPES.values())
    assert points["encoding"]["y"]["scale"]["type"] == "log"
    assert {"date", "label", "put_forward_by", "publisher", "quote"} <= _tooltip_fields(spec)
    assert _layers(spec)[0]["encoding"]["y2"]["field"] == "high"  # ranges drawn as bars


def test_linear_scale_option(record):
    spec = charts.force_size_chart(record["series"], scale="linear").to_dict()
    assert _layers(spec)[1]["encoding"]["y"]["scale"].get("type") in (None, "linear")


def test_same_status_same_colour_everywhere(record):
    latest = t.latest_pledges(record["pledges"])
    matrix = charts.pledge_matrix_chart(latest, record["actors"], record["sources"]).to_dict()
    timeline = charts.pledge_timeline_chart(record["pledges"], record["actors"], record["sources"]).to_dict()
    for spec in (matrix, timeline):
        scale = spec["encoding"]["color"]["scale"]
        assert dict(zip(scale["domain"], scale["range"], strict=True)) == charts.STATUS_COLOURS
        assert {"quote", "publisher", "status"} <= _tooltip_fields(spec)
        assert spec["title"]["text"] and spec["description"]


def test_sources_keep_their_colour(record):
    stances = t.stance_by_topic(record["claims"], "spectator_morenets", "brookings_pifer")
    spec = charts.stance_chart(stances, record["sources"]).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == charts.SEED_COLOURS
    swapped = t.stance_by_topic(record["claims"], "brookings_pifer", "spectator_morenets")
    scale = charts.stance_chart(swapped, record["sources"]).to_dict()["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == charts.SEED_COLOURS


def test_claim_check_chart_counts_verdicts(record):
    checks = record["checks"].copy()
    checks.loc[checks.index[0], "verdict"] = "conflicts"  # the real record has none since audit N13
    spec = charts.claim_check_chart(checks, record["sources"]).to_dict()
    assert spec["encoding"]["x"]["aggregate"] == "count"
    assert "agrees" in spec["description"] and "conflicts" in spec["description"]


def test_charts_survive_an_empty_record(record):
    empty = record["series"].iloc[:0]
    spec = charts.force_size_chart(empty).to_dict()
    assert "no figure is on record" in spec["description"]
    assert charts.pledge_matrix_chart(
        t.latest_pledges(record["pledges"].iloc[:0]), record["actors"], record["sources"]
    ).to_dict()["description"]
    charts.force_size_figure(empty)


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
    assert not re.search(r"https?://", html.split('href="data:')[0])
    spec = json.loads(re.search(r'<script type="application/json" class="vega-spec">(.*?)</script>', html).group(1))
    assert spec["usermeta"]["name"] == "force_size"
    csv_text = urllib.parse.unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', html).group(1))
    assert csv_text.splitlines()[0].startswith("figure_id,date,")
    assert len(csv_text.splitlines()) == len(record["series"]) + 1
    assert 'download="force_size.csv"' in html


def test_report_output_keeps_html_in_quotes_inert(record):
    series = record["series"].copy()
    series.loc[0, "quote"] = "<script>alert(1)</script>"
    html = charts.report_mimebundle(charts.force_size_chart(series).to_dict())["text/html"]
    assert "<script>alert" not in html
