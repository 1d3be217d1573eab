"""Every notebook under papermill: non-default parameters change what it shows; bad ones stop it.

(The default run of each notebook is nbval's job: `pytest` collects notebooks/*.ipynb.)
"""

import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from analysis import transforms as t
from analysis.data import load_table
from analysis.labels import label
from analysis.paths import NOTEBOOKS_DIR
from analysis.story import day, plural

pytestmark = pytest.mark.slow


def run(notebook, tmp_path, *parameters):
    out = tmp_path / f"{notebook}-out.ipynb"
    args = [arg for name, value in parameters for arg in ("-p", name, value)]
    result = subprocess.run(
        [sys.executable, "-m", "papermill", "--no-progress-bar", f"{notebook}.ipynb", str(out), *args],
        cwd=NOTEBOOKS_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, out


def shown_text(path):
    """Everything the executed notebook shows a reader: Markdown, HTML and plain-text outputs."""
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [data.get(kind, "") for kind in ("text/markdown", "text/html", "text/plain")]
            parts.append(output.get("evalue", ""))
    return "\n".join(parts)


def test_force_size_as_of_mid_february_shows_100k_not_30k(tmp_path):
    result, out = run("force_size", tmp_path, ("as_of", "2025-02-15"), ("scale", "linear"))
    assert result.returncode == 0, result.stderr[-2000:]
    text = shown_text(out)
    assert "100,000–150,000" in text
    assert "30,000" not in text


def test_as_of_before_the_first_row_says_no_data_yet(tmp_path):
    for notebook in ("force_size", "pledges", "overview"):
        result, out = run(notebook, tmp_path, ("as_of", "2020-01-01"))
        assert result.returncode == 0, result.stderr[-2000:]
        assert "No data yet" in shown_text(out)


def test_perspectives_compares_the_sources_in_either_order(tmp_path):
    result, out = run("perspectives", tmp_path, ("source_a", "brookings_pifer"), ("source_b", "spectator_morenets"))
    assert result.returncode == 0, result.stderr[-2000:]
    claims = load_table("claims")
    total = int(claims["source_id"].isin(["brookings_pifer", "spectator_morenets"]).sum())
    assert f"make {total} coded claims between them" in shown_text(out)


def test_pledges_filter_by_actor(tmp_path):
    result, out = run("pledges", tmp_path, ("actor", "DEU"))
    assert result.returncode == 0, result.stderr[-2000:]
    text = shown_text(out)
    assert "conditional" in text and "Poland does not foresee" not in text


@pytest.mark.parametrize(
    ("notebook", "parameter", "value", "message"),
    [
        ("force_size", "colour", "red", "parameter 'colour'"),
        ("force_size", "scale", "3", "parameter 'scale': got 3"),
        ("perspectives", "source_a", "no_such_source", "parameter 'source_a'"),
        ("perspectives", "source_a", "liga_wsj_10k", "one of: spectator_morenets, brookings_pifer"),
        ("pledges", "actor", "XYZ", "parameter 'actor'"),
        ("force_size", "scale", "logarithmic", "allowed: 'log' or 'linear'"),
        ("overview", "as_of", "2025-13-45", "parameter 'as_of'"),
    ],
)
def test_bad_parameter_stops_papermill_with_a_clear_error(tmp_path, notebook, parameter, value, message):
    result, out = run(notebook, tmp_path, (parameter, value))
    assert result.returncode != 0
    assert message in shown_text(out)
    assert "ParameterError" in result.stderr


# --- prose checked against the data, at an early date and under each filter -------------

EARLY = "2025-02-15"


def markdown_text(path):
    """The generated prose only (Markdown and HTML outputs), with tags and backslash escapes removed."""
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [
                data.get("text/markdown", ""),
                data.get("text/html", "") if "headline" in data.get("text/html", "") else "",
            ]
    text = re.sub(r"<[^>]+>", "", "\n".join(parts))
    return re.sub(r"\\(.)", r"\1", text).replace("&#x27;", "'").replace("&amp;", "&")


@pytest.mark.parametrize("notebook", ["overview", "force_size", "pledges", "perspectives"])
def test_no_sentence_is_fixed_to_a_year_the_data_does_not_reach(tmp_path, notebook):
    result, out = run(notebook, tmp_path, ("as_of", EARLY))
    assert result.returncode == 0, result.stderr[-2000:]
    text = markdown_text(out)
    later = {f"{d:%B %Y}" for d in pd.date_range("2025-03-01", "2026-12-31", freq="MS")}
    assert not [month for month in later if month in text]  # nothing after as_of is told as known
    assert f"As of {day(EARLY)}" in text


def test_early_force_size_headline_and_story_match_the_data(tmp_path):
    result, out = run("force_size", tmp_path, ("as_of", EARLY))
    assert result.returncode == 0, result.stderr[-2000:]
    text = markdown_text(out)
    sources = load_table("sources", as_of=EARLY)
    series = t.force_size_series(load_table("force_size", as_of=EARLY), sources)
    asked = t.largest_demand(series)
    assert f"{asked['put_forward_by']} asked for {asked['label']} troops" in text
    assert t.latest_figure(series) is None  # mid-February 2025: no plan yet
    assert "no government has yet put a plan or a commitment on the table" in text
    assert f"the record holds {len(series)} dated figures" in text


@pytest.mark.parametrize("as_of", ["2026-01-06", "2026-01-07"])
def test_a_country_own_offer_is_told_from_the_day_it_was_known(tmp_path, as_of):
    """France's "several thousand" (said 6 January 2026, published by the record's source on the
    7th) follows the whole force's latest figure from the 7th on, in the headline, the story and
    the table of single countries' shares; not before."""
    result, out = run("force_size", tmp_path, ("as_of", as_of))
    assert result.returncode == 0, result.stderr[-2000:]
    text = markdown_text(out)
    frames = {name: load_table(name, as_of=as_of) for name in ("sources", "actors", "force_size")}
    whole = t.force_size_series(frames["force_size"], frames["sources"])
    national = t.force_size_series(frames["force_size"], frames["sources"], scope="national_contribution")
    latest, since = t.latest_figure(whole), t.offer_since(national, whole)
    assert f"the latest plan or commitment for the whole force is {latest['label']}" in text
    told = f"since then, France has spoken of several thousand troops of its own ({day('2026-01-06')})"
    assert (told in text) is (since is not None)
    assert (since is not None) is (as_of >= "2026-01-07")
    assert f"the record holds {plural(len(national), 'figure')} for one country's own share" in text
    offer = t.latest_figure(national)
    told_offer = f"The latest plan or commitment, on {day('2026-01-06')}, is several thousand"
    assert (told_offer in text) is (offer is not None and offer["label"] == "several thousand")
    assert (offer is None) is (as_of < "2026-01-07")


def test_actor_filter_says_the_filter_emptied_the_us_section(tmp_path):
    result, out = run("pledges", tmp_path, ("actor", "DEU"))
    assert result.returncode == 0, result.stderr[-2000:]
    text = markdown_text(out)
    pledges = load_table("pledges")
    us_count = int((pledges["actor_id"] == "USA").sum())
    assert f"This page shows only actor Germany; on the latest data, the record holds {us_count} US statements" in text
    german = t.latest_pledges(pledges[pledges["actor_id"] == "DEU"])
    assert f"1 actor has a recorded position on {len(german)} contribution" in text
    assert "none on record for this date" not in text


def test_contribution_filter_counts_match_the_data(tmp_path):
    result, out = run("pledges", tmp_path, ("contribution", "ground_troops"), ("as_of", "2025-09-30"))
    assert result.returncode == 0, result.stderr[-2000:]
    text = markdown_text(out)
    pledges = t.select_pledges(load_table("pledges", as_of="2025-09-30"), contribution="ground_troops")
    latest = t.latest_pledges(pledges)
    declined = int((latest["status"] == "declined").sum())
    assert f"{declined} are ruled out, out of {len(latest)} positions on record" in text
    assert label("contribution", "ground_troops").lower() in text


def test_early_pledges_say_nothing_yet_before_the_first_statement(tmp_path):
    first = load_table("pledges")["date"].min()
    before = (first - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    result, out = run("pledges", tmp_path, ("as_of", before), ("actor", "USA"))
    assert result.returncode == 0, result.stderr[-2000:]
    text = markdown_text(out)
    assert "No data yet." in text and f"The first is dated {day(first)}" in text
    assert "Nothing for this filter" not in text  # the date, not the filter, emptied it
