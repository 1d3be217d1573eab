"""The change feed as a feed reader sees it (parsed by feedparser): one entry per changed row.

Each test publishes the feed of a copy of the data as ``site.write_index`` does (previous
manifest in, feed.xml and the feed's state out), changes the copy, and publishes again.
"""

import csv

import feedparser
import pytest

from analysis.feed import write_feed
from analysis.hashing import data_version
from analysis.labels import label
from analysis.release import package_version
from analysis.report.site import table_rows

from helpers import set_cell

FIRST, LATER = "1767225600", "1767312000"  # 1 and 2 January 2026, 00:00 UTC


def publish(folder, data_dir, manifest=None):
    """One publish's feed: the manifest it leaves for the next publish, and the feed parsed."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = table_rows(data_dir)
    state = write_feed(folder, manifest, rows, data_version(data_dir), data_dir)
    manifest = {"data": {"version": data_version(data_dir), "rows": rows}, "feed": state}
    xml = (folder / "feed.xml").read_bytes()
    return manifest, xml, feedparser.parse(xml)


def add_row(data_dir, table, values):
    """Append a row (a dict of column to text) to a table of the data copy."""
    path = data_dir / f"{table}.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow([values.get(name, "") for name in header])


def new_entries(before, after):
    """The entries of ``after`` that ``before`` did not have, newest first."""
    known = {entry.id for entry in before.entries}
    return [entry for entry in after.entries if entry.id not in known]


@pytest.fixture
def first(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    return publish(tmp_path / "first", data_copy)


def test_a_first_publish_announces_the_release_it_is_at(first, data_copy):
    _, _, feed = first
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.feed.title == "Ukraine's post-war security guarantees: changes to the record"
    assert [entry.title for entry in feed.entries] == [f"Release {package_version(data_copy)} of the record"]
    assert feed.entries[0].tags[0].term == "release"
    assert feed.entries[0].updated == "2026-01-01T00:00:00+00:00"


def test_no_change_no_entry_and_the_same_bytes(first, data_copy, tmp_path, monkeypatch):
    manifest, xml, feed = first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)  # a later publish of the same data
    again, xml_again, feed_again = publish(tmp_path / "again", data_copy, manifest)
    assert new_entries(feed, feed_again) == []
    assert xml_again == xml and again["feed"] == manifest["feed"]


def test_a_correction_is_one_entry_marked_as_a_correction(first, data_copy, tmp_path, monkeypatch):
    manifest, _, feed = first
    set_cell(data_copy, "pledges", "deu_conditional", "status", "declined")
    fix = {"correction_id": "c20260102_001", "date": "2026-01-02", "table": "pledges", "row_id": "deu_conditional"}
    add_row(data_copy, "corrections", {**fix, "field": "status", "old_value": "undecided", "new_value": "declined"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    _, _, after = publish(tmp_path / "after", data_copy, manifest)
    added = new_entries(feed, after)
    assert len(added) == 1  # the row and its correction row: one entry, not two
    entry = added[0]
    assert entry.tags[0].term == "corrected"
    assert entry.title.startswith("Corrected: status of Germany's statement on ground troops")
    assert "the status was given as “Undecided”; it is “Ruled out”" in entry.summary
    assert entry.link == "explorer.html#row=pledge-deu_conditional"
    assert entry.updated == "2026-01-02T00:00:00+00:00"
    assert "deu_conditional" not in entry.title + entry.summary  # words, not codes
    assert after.entries[0].id == entry.id  # the newest first


def test_an_added_and_a_changed_row_give_exactly_their_entries(first, data_copy, tmp_path, monkeypatch):
    manifest, _, feed = first
    set_cell(data_copy, "events", "rating_poll", "note", "A note changed with no correction row.")
    event = {"event_id": "feed_test_event", "date": "2026-01-02", "date_precision": "day"}
    quote = "the UK will have to withdraw troops from Estonia and Cyprus in order to fully staff one brigade"
    add_row(data_copy, "events", {**event, "title": "A test event", "source_id": "tass_uk_one_brigade", "quote": quote})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    manifest_after, xml, after = publish(tmp_path / "after", data_copy, manifest)
    added = sorted(new_entries(feed, after), key=lambda entry: entry.link)
    assert [(entry.tags[0].term, entry.link) for entry in added] == [
        ("added", "explorer.html#row=event-feed_test_event"),
        ("changed", "explorer.html#row=event-rating_poll"),
    ]
    assert added[0].title == "New: the event “A test event” (2 Jan 2026)"
    assert added[1].title.startswith("Changed: the event “")
    assert label("table", "events") in added[1].summary
    # The same publish again (same previous manifest, data and time): the same bytes, the same ids.
    _, xml_again, again = publish(tmp_path / "again", data_copy, manifest)
    assert xml_again == xml and [e.id for e in again.entries] == [e.id for e in after.entries]
    # And the publish after that, with nothing changed, adds nothing.
    _, _, third = publish(tmp_path / "third", data_copy, manifest_after)
    assert new_entries(after, third) == []
