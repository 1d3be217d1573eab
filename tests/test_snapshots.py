"""Snapshots over time: dates, effective dates, reuse of unchanged work, and Dask runs."""

import datetime as dt
import re

import pandas as pd
import pytest

from analysis import charts
from analysis.data import load_table
from analysis.errors import ParameterError
from analysis.paths import REPORT_MODE_VARIABLE, TABLES
from analysis.snapshots import Record, snapshot_dates
from analysis.transforms import (
    RECORD_PANELS,
    force_size_series,
    latest_figure,
    latest_pledges,
    record_over_time,
    row_figure_label,
)

from helpers import build, snapshot

RANGE = "2025-02-01:2025-04-01"  # three monthly snapshots, each with a different record
BACKFILL = ("--as-of-range", RANGE, "--every", "month", "--only", "force_size", "pledges")


def test_dates_step_by_week_or_calendar_month():
    assert snapshot_dates("2025-01-31:2025-03-31", "month") == [
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
    ]
    assert snapshot_dates("2025-01-01:2025-01-15", "week") == [
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 8),
        dt.date(2025, 1, 15),
    ]


@pytest.mark.parametrize(
    ("date_range", "every", "name"),
    [
        ("2025-03-01:2025-01-01", "month", "as_of_range"),
        ("2025-01-01", "month", "as_of_range"),
        ("2025-01-01:2025-13-01", "week", "as_of_range"),
        ("2025-01-01:2025-02-01", "fortnight", "every"),
    ],
)
def test_bad_ranges_name_the_parameter(date_range, every, name):
    with pytest.raises(ParameterError) as caught:
        snapshot_dates(date_range, every)
    assert caught.value.name == name


def test_as_of_keeps_exactly_the_rows_known_by_then():
    """An oracle from the raw CSV text: a row is known once its date and its source's publication have passed."""
    published = {row["source_id"]: row["published"] for row in _csv("sources")}
    for day in ("2025-01-22", "2025-02-15", "2025-09-05", "2025-09-10"):
        for name in TABLES:
            expected = [
                row[next(iter(row))]
                for row in _csv(name)
                if row.get("date", "") <= day
                and (published.get(row.get("source_id"), "") or "") <= day
                and (name != "sources" or row["published"] <= day)
            ]
            assert list(load_table(name, as_of=day).iloc[:, 0].astype(str)) == expected, (name, day)


def _csv(name):
    import csv

    from analysis.paths import DATA_DIR

    with open(DATA_DIR / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_effective_date_is_the_last_change_on_or_before():
    record = Record()
    changes = record.change_days()
    assert record.effective_date(dt.date(2025, 9, 6)) == dt.date(2025, 9, 5)  # WSJ, NBC, Putin on 5 Sep
    assert record.effective_date(changes[0] - dt.timedelta(days=1)) is None
    assert record.visible_version(dt.date(2025, 9, 5)) == record.visible_version(dt.date(2025, 9, 6))
    assert record.visible_version(dt.date(2025, 9, 5)) != record.visible_version(dt.date(2025, 9, 11))


def test_visible_version_ignores_later_rows(data_copy):
    before = Record(data_copy).visible_version(dt.date(2025, 3, 1))
    path = data_copy / "events.csv"
    path.write_text(path.read_text() + "later_event,2026-01-05,day,A later event,,liga_wsj_10k,Later words.,\n")
    assert Record(data_copy).visible_version(dt.date(2025, 3, 1)) == before
    assert Record(data_copy).visible_version(dt.date(2026, 1, 5)) != Record().visible_version(dt.date(2026, 1, 5))


def test_record_over_time_counts_what_was_known():
    over_time = Record().over_time()
    last = over_time[over_time["date"] == over_time["date"].max()]
    assert last.query("series == 'claims'")["value"].item() == len(load_table("claims"))
    # the aggregators' range of 6 January 2026 (aggregators_15k_30k) is the latest whole-force figure
    latest = latest_figure(force_size_series(load_table("force_size"), load_table("sources")))
    assert last.query("series == 'latest figure'")["label"].item() == latest["label"]  # the one rule for it
    early = Record().over_time("2025-02-15")
    assert early.query("series == 'claims'")["value"].max() == 0
    assert set(early["panel"]) <= set(RECORD_PANELS)


def _day_by_day(frames, known, day):
    """What record_over_time must give for one day: each rule applied to the rows known by then."""
    day = pd.Timestamp(day)
    whole_force = frames["force_size"]["scope"] == "whole_force"
    figures = frames["force_size"][whole_force & (known["force_size"].isna() | (known["force_size"] <= day))]
    pledges = frames["pledges"][known["pledges"].isna() | (known["pledges"] <= day)]
    statuses = latest_pledges(pledges)["status"].astype(str).value_counts()
    latest = latest_figure(figures)
    rows = [] if latest is None else [(day, "latest figure", row_figure_label(latest))]
    rows += [(day, status, str(statuses.get(status, 0))) for status in frames["pledges"]["status"].cat.categories]
    return rows + [(day, "claims", str(int((known["claims"].isna() | (known["claims"] <= day)).sum())))]


@pytest.mark.parametrize("tie", [False, True])
def test_record_over_time_applies_each_rule_as_on_each_day(tie):
    """All days at once give what each day alone gives, including the later row of two pledges
    made on the same day (``tie``: the first pledge's statement repeated, with another status)."""
    record = Record()
    frames, known = dict(record.frames), dict(record.known)
    if tie:
        first = frames["pledges"].iloc[[0]].copy()
        status = frames["pledges"]["status"].dtype
        first["status"] = pd.Categorical([status.categories[-1]], dtype=status)  # a status it does not have
        assert first["status"].item() != frames["pledges"]["status"].iloc[0]
        frames["pledges"] = pd.concat([frames["pledges"], first], ignore_index=True)
        known["pledges"] = pd.concat([known["pledges"], known["pledges"].iloc[[0]]], ignore_index=True)
    days = [dt.date(2024, 1, 1), *record.change_days(), dt.date(2030, 1, 1)]
    table = record_over_time(frames, known, days)
    expected = [row for day in days for row in _day_by_day(frames, known, day)]
    assert list(table[["date", "series", "label"]].itertuples(index=False, name=None)) == expected


def test_a_report_kernel_works_out_each_day_of_the_record_over_time_once(monkeypatch, data_copy):
    """In a report run each day's rows are kept per data version: the tables equal those worked
    out afresh, later dates add only their own days, and other data starts again."""
    import analysis.snapshots as snapshots
    import analysis.transforms

    fresh = {as_of: Record().over_time(as_of) for as_of in ("2025-03-01", "2025-09-07", None)}
    worked = []

    def counted(frames, known, dates):
        worked.extend(dates)
        return record_over_time(frames, known, dates)

    record_over_time = analysis.transforms.record_over_time
    monkeypatch.setattr(analysis.transforms, "record_over_time", counted)
    monkeypatch.setattr(snapshots, "_DAY_ROWS", {})
    monkeypatch.setenv(REPORT_MODE_VARIABLE, "1")
    for as_of, table in fresh.items():
        assert Record().over_time(as_of).equals(table)
    days = {day.date() for day in fresh[None]["date"]} | {dt.date(2025, 3, 1), dt.date(2025, 9, 7)}  # + the as_of days
    assert sorted(worked) == sorted(days)  # each day once
    path = data_copy / "claims.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n")  # one claim fewer
    other = Record(data_copy).over_time()
    assert (
        other.query("series == 'claims'")["value"].max() == fresh[None].query("series == 'claims'")["value"].max() - 1
    )


def test_record_changes_chart_spec():
    spec = charts.record_changes_chart(Record().over_time()).to_dict()
    assert spec["facet"]["row"]["sort"] == list(RECORD_PANELS)
    assert spec["resolve"]["scale"]["y"] == "independent"
    tips = {tip["field"] for tip in spec["spec"]["encoding"]["tooltip"]}
    assert {"date", "panel", "series", "label"} <= tips
    assert spec["title"]["text"] == "How the record changed" and spec["description"]


# --- snapshot runs --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backfill(tmp_path_factory):
    out = tmp_path_factory.mktemp("backfill") / "reports"
    result = build(out, *BACKFILL)
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.mark.slow
def test_one_report_set_per_date_with_a_timeline(backfill):
    out, _ = backfill
    days = ["2025-02-01", "2025-03-01", "2025-04-01"]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == days
    index = (out / "index.html").read_text()
    assert "Timeline of snapshots" in index
    for day in days:
        assert f'href="{day}/force_size.html"' in index
    march = (out / "2025-03-01" / "force_size.html").read_text()
    assert 'href="../2025-02-01/force_size.html" rel="prev"' in march
    assert 'href="../2025-04-01/force_size.html" rel="next"' in march
    assert "the record as it stood on 2025-02-21" in march


@pytest.mark.slow
def test_every_link_between_pages_of_a_backfill_leads_to_a_page(backfill):
    out, _ = backfill
    pages = sorted(out.rglob("*.html"))
    checked = 0
    for page in pages:
        for target in re.findall(r'href="([^"#:]+\.html)"', page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().is_file(), f"{page.relative_to(out)} links to missing {target}"
            checked += 1
    assert checked > 4 * len(pages)  # each report links to the index and the other reports


@pytest.mark.slow
def test_a_second_backfill_executes_nothing(backfill):
    out, _ = backfill
    before = snapshot(out)
    result = build(out, *BACKFILL)
    assert result.returncode == 0 and " ok in " not in result.stdout
    assert snapshot(out) == before


@pytest.mark.slow
def test_dates_whose_visible_data_did_not_change_are_not_run_again(backfill, data_copy):
    """New data dated after the range changes the data version, but no snapshot in the range."""
    out, _ = backfill
    path = data_copy / "events.csv"
    path.write_text(path.read_text() + "later_event,2026-01-05,day,A later event,,liga_wsj_10k,Later words.,\n")
    result = build(
        out,
        *BACKFILL,
        env={"ANALYSIS_DATA_DIR": str(data_copy)},
    )
    assert result.returncode == 0, result.stderr
    assert " ok in " not in result.stdout and result.stdout.count("unchanged: reused") == 6


@pytest.mark.slow
def test_dates_with_the_same_record_share_one_execution(tmp_path):
    out = tmp_path / "reports"
    result = build(out, "--as-of-range", "2025-09-20:2025-09-27", "--every", "week", "--only", "pledges")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(" ok in ") == 1  # 20 and 27 September 2025 see the same record
    assert (out / "2025-09-20" / "pledges.ipynb").read_bytes() == (out / "2025-09-27" / "pledges.ipynb").read_bytes()


@pytest.mark.slow
def test_a_backfill_on_a_dask_cluster_equals_the_local_run(tmp_path, monkeypatch):
    from distributed import LocalCluster

    from helpers import EPOCH

    out = tmp_path / "local" / "reports"
    local_run = build(out, *BACKFILL)
    assert local_run.returncode == 0, local_run.stderr
    for name, value in EPOCH.items():  # the cluster's workers render the pages: same build time
        monkeypatch.setenv(name, value)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = build(
            tmp_path / "reports",
            *BACKFILL,
            "--scheduler",
            cluster.scheduler_address,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(" ok in ") == 6
    local, remote = snapshot(out), snapshot(tmp_path / "reports")
    assert local.keys() == remote.keys()
    for name in local:
        if name.name == "manifest.json":
            strip = [re.sub(rb'"seconds": [0-9.]+', b"", m[name]) for m in (local, remote)]
            assert strip[0] == strip[1]
        else:
            assert local[name] == remote[name], name


def test_bad_snapshot_parameters_stop_before_running(tmp_path):
    result = build(tmp_path / "reports", "--as-of-range", "2025-05-01:2025-01-01")
    assert result.returncode == 1 and "parameter 'as_of_range'" in result.stderr
    result = build(tmp_path / "reports", "--as-of-range", "2025-01-01:2025-02-01", "--as-of", "2025-01-01")
    assert result.returncode == 1 and "parameter 'as_of'" in result.stderr
    result = build(tmp_path / "reports", "--every", "week")
    assert result.returncode == 1 and "parameter 'every'" in result.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("dates", "force", "validated", "started"),
    [
        ([dt.date(2025, 3, 1)], False, False, True),  # data or code this cache has not seen: units will run
        ([dt.date(2025, 3, 1)], True, True, True),  # --force runs every unit
        ([dt.date(2025, 3, 1)], False, True, False),  # most likely a rebuild with nothing changed
        (None, True, False, False),  # a run without dates plans at once and starts them itself
    ],
)
def test_a_snapshot_run_starts_its_workers_while_planning_only_when_units_will_run(
    tmp_path, monkeypatch, dates, force, validated, started
):
    from analysis.report import run
    from analysis.report.cache import validation_stamp

    settings = run.RunSettings(tmp_path / "reports", jobs=2, force=force, dates=dates)
    if validated:
        stamp = validation_stamp(settings.cache, "data", "code")
        stamp.parent.mkdir(parents=True)
        stamp.write_text("{}")
    monkeypatch.setattr(run, "_started_workers", lambda settings, count, data_hash: ("workers", count, data_hash))
    assert run._early_workers(settings, "data", "code") == (("workers", 2, "data") if started else None)


def test_workers_started_while_planning_are_stopped_when_planning_fails(tmp_path, monkeypatch):
    from analysis.errors import DataError
    from analysis.report import run

    stopped = []
    monkeypatch.setattr(run, "_early_workers", lambda *_: "early workers")
    monkeypatch.setattr(run, "stop_workers", stopped.append)
    monkeypatch.setattr(run, "plan_pages", lambda *_: (_ for _ in ()).throw(DataError([])))
    settings = run.RunSettings(tmp_path / "reports", dates=[dt.date(2025, 3, 1)], log=lambda _: None)
    with pytest.raises(DataError):
        run._build(run.load_plan(), settings)
    assert stopped == ["early workers"]
    assert not (tmp_path / "reports").exists() and list(tmp_path.iterdir()) == []
