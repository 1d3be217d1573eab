"""The change feed (``feed.xml``, Atom): one entry per row added, changed or corrected by a publish.

People who follow the record hear of a change without opening the index. Each publish
compares each row's hash with the previous publish's (kept in its ``manifest.json``; the
first publish compares with the last data release, ``data/release-rows.json``) and adds one
entry per row that is new, changed, corrected or withdrawn: a one-line summary in words and a
link to the row in the explorer. A row changed together with a new correction of it is one
entry, marked as a correction. A publish that changes no row adds nothing.

The feed is rebuilt from the entries kept in the manifest, with dates from the publish that
added them (``SOURCE_DATE_EPOCH`` when set), so the same inputs give the same bytes, and an
entry's id is a hash of the row and of its change, so it stays the same across runs.
"""

import datetime as dt
import html
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.csvfile import read_csv
from analysis.links import EXPLORER, ROW_PREFIXES, explorer_href, row_href
from analysis.paths import TABLES

FEED_FILE = "feed.xml"
TITLE = "Ukraine's post-war security guarantees: changes to the record"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "ukraine-security-guarantees/feed")  # ids: urn:uuid, stable
KINDS = {  # the kind of each entry: its words at the start of the title, and its Atom category
    "release": "Release",
    "added": "New",
    "changed": "Changed",
    "corrected": "Corrected",
    "withdrawn": "Withdrawn",
}
RowHashes = Mapping[str, Mapping[str, str]]  # {table: {row id: hash of the row}}
Entry = dict[str, str]  # one feed entry: id, updated, title, summary, link, category
Change = tuple[str, str, str, str | None, str | None]  # table, row id, kind, hash before, hash after


def _label(field: str, code: str) -> str:
    """Words for a code (analysis.labels, imported here: it loads pandas, which a publish that
    changed no row does without)."""
    from analysis.labels import label

    return str(label(field, code))


def row_changes(previous: RowHashes, current: RowHashes) -> list[Change]:
    """Rows added, changed and removed between two {table: {row id: hash}} maps, in table order.

    >>> row_changes({"pledges": {"a": "1", "b": "2"}}, {"pledges": {"a": "1", "b": "3", "c": "4"}})
    [('pledges', 'b', 'changed', '2', '3'), ('pledges', 'c', 'added', None, '4')]
    """
    found: list[Change] = []
    for table in [name for name in TABLES if name in previous or name in current]:
        old, new = previous.get(table, {}), current.get(table, {})
        for row_id in sorted(old.keys() | new.keys()):
            before, after = old.get(row_id), new.get(row_id)
            if before != after:
                kind = "added" if before is None else "removed" if after is None else "changed"
                found.append((table, row_id, kind, before, after))
    return found


def new_entries(previous: RowHashes, current: RowHashes, built: str, data_dir: Path) -> list[Entry]:
    """The feed entries for the changes from ``previous`` to ``current`` row hashes (newest data
    in ``data_dir``), each dated ``built`` (an ISO time), in table order."""
    from analysis.cells import row_words

    words = row_words.__wrapped__(data_dir)  # the tables as they are now (the cached words may be older)
    changes = row_changes(previous, current)
    new_fixes = {row_id for table, row_id, kind, _, _ in changes if table == "corrections" and kind == "added"}
    fixes: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in read_csv(data_dir / "corrections.csv").records():
        if row["correction_id"] in new_fixes:
            fixes.setdefault((row["table"], row["row_id"]), []).append(row)
    told: set[str] = set()
    entries = []
    for table, row_id, kind, before, after in changes:
        if table == "corrections":
            continue  # told with the row it corrects (below, when that row did not change itself)
        mine = fixes.get((table, row_id), [])
        told |= {fix["correction_id"] for fix in mine}
        entries.append(_entry(table, row_id, kind, mine, words, f"{before}/{after}", built))
    for (table, row_id), mine in fixes.items():
        if not {fix["correction_id"] for fix in mine} <= told:
            entries.append(_entry(table, row_id, "changed", mine, words, "corrections", built))
    return entries


def _entry(
    table: str,
    row_id: str,
    kind: str,
    fixes: list[dict[str, str]],
    words: Mapping[str, str],
    change: str,
    built: str,
) -> Entry:
    """One entry: a row's change in words, with a link to it in the explorer."""
    what = words.get(row_id) or f"a row of the {_label('table', table)} table"
    if kind == "removed" or any(fix["field"] == "_row" for fix in fixes):
        kind, link = "withdrawn", EXPLORER
    else:
        kind = "corrected" if fixes else kind
        link = _link(table, row_id)
    title = f"{KINDS[kind]}: {what}" if kind != "corrected" else f"Corrected: {_fields(fixes)} of {what}"
    summary = " ".join(_fix_words(fix, words) for fix in fixes) or _plain_summary(kind, table, what)
    key = f"{table}/{row_id}/{change}/{','.join(sorted(fix['correction_id'] for fix in fixes))}"
    return {
        "id": f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}",
        "updated": built,
        "title": _one_line(title),
        "summary": _one_line(summary),
        "link": link,
        "category": kind,
    }


def _link(table: str, row_id: str) -> str:
    """The row in the explorer: its own row, or the rows that name a source or an actor."""
    if table in ROW_PREFIXES:
        return row_href(table, row_id)
    return explorer_href(source=row_id) if table == "sources" else explorer_href(actor=row_id)


def _fields(fixes: list[dict[str, str]]) -> str:
    names = list(dict.fromkeys(_label("field", fix["field"]).lower() for fix in fixes))
    return " and ".join(names)


def _fix_words(fix: Mapping[str, str], words: Mapping[str, str]) -> str:
    """A correction in words: what the field was given as, what it is, and why."""
    from analysis.cells import prose, value_words
    from analysis.story import day

    why = _plain(prose(fix["reason"]))
    if fix["field"] == "_row":
        return f"Withdrawn on {day(fix['date'])}: {why}"
    field = _label("field", fix["field"]).lower()
    was, now = (_plain(value_words(fix["field"], fix[key])) for key in ("old_value", "new_value"))
    return f"Correction of {day(fix['date'])}: the {field} was given as “{was}”; it is “{now}”. {why}"


def _plain_summary(kind: str, table: str, what: str) -> str:
    verbs = {"added": "added to", "changed": "changed in", "withdrawn": "withdrawn from"}
    kind_of_row = _label("table", table)
    article = "an" if kind_of_row[:1] in "aeiou" else "a"
    return f"{what[:1].upper()}{what[1:]}: {article} {kind_of_row} {verbs[kind]} the record."


def _plain(text: str) -> str:
    """Text the cells made as HTML, back to plain text (the feed escapes it once, itself)."""
    return html.unescape(text)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def updated_feed(
    previous_feed: dict[str, Any] | None, previous_rows: RowHashes, current_rows: RowHashes, built: str, data_dir: Path
) -> dict[str, Any]:
    """The feed's state after this publish: {"updated", "entries"} (entries newest first).

    ``previous_feed`` is the last manifest's (None on a first publish, or from a manifest that
    had no feed); a publish whose rows are those of the last adds no entry and keeps the date.
    """
    entries = list((previous_feed or {}).get("entries", []))
    known = {entry["id"] for entry in entries}
    # Rows as they were and a release already announced: nothing to add, and no pandas to import.
    added = [] if previous_rows == current_rows else new_entries(previous_rows, current_rows, built, data_dir)
    if release_id(data_dir) not in known:
        added += release_entry(current_rows, built, data_dir)
    added = [entry for entry in added if entry["id"] not in known]
    if not added and previous_feed:
        return previous_feed
    return {"updated": built, "entries": added + entries}


def write_feed(
    staging: Path, previous_manifest: dict[str, Any] | None, rows: RowHashes, data_hash: str, data_dir: Path
) -> dict[str, Any]:
    """Write ``feed.xml`` into ``staging`` for this publish; return the feed's state for the manifest.

    ``previous_manifest`` is the last publish's manifest (None on a first publish); ``rows`` the
    row hashes of the data now (see ``analysis.report.site.table_rows``).
    """
    previous_manifest = previous_manifest or {}
    previous_feed, previous_data = previous_manifest.get("feed"), previous_manifest.get("data")
    if previous_data is None:  # a first publish: what changed since the last data release
        before, after = release_rows(data_dir)
    elif previous_data["version"] == data_hash:
        before, after = rows, rows
    else:
        before, after = previous_data["rows"], rows
    state = updated_feed(previous_feed, before, after, build_iso_time(), data_dir)
    (staging / FEED_FILE).write_bytes(render_feed(state))
    return state


def release_id(data_dir: Path) -> str:
    """The id of the entry that announces the data release the record is at: the version's."""
    from analysis.release import package_version

    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'release/{package_version(data_dir)}')}"


def release_entry(rows: RowHashes, built: str, data_dir: Path) -> list[Entry]:
    """An entry for the data release the record is at (once per release: its id is the version's)."""
    from analysis.release import package_version

    version = package_version(data_dir)
    counts = ", ".join(f"{len(rows.get(name, {}))} {_label('table', name)} rows" for name in TABLES)
    return [
        {
            "id": release_id(data_dir),
            "updated": built,
            "title": f"Release {version} of the record",
            "summary": f"The record at data release {version}: {counts}. Its changelog is data/CHANGELOG.md.",
            "link": EXPLORER,
            "category": "release",
        }
    ]


def release_rows(data_dir: Path) -> tuple[RowHashes, RowHashes]:
    """The rows of the last data release and of the data now, by the release's hash rule."""
    from analysis.release import build_release, load_release

    def rows(release: Mapping[str, Any]) -> dict[str, dict[str, str]]:
        return {name: table["rows"] for name, table in release["tables"].items()}

    try:
        released = rows(load_release(data_dir))
    except (OSError, ValueError, KeyError):
        released = {}
    return released, rows(build_release(data_dir))


def render_feed(feed: Mapping[str, Any]) -> bytes:
    """The feed as Atom XML bytes (feedgen), newest entry first."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(f"urn:uuid:{NAMESPACE}")
    generator.title(TITLE)
    generator.subtitle("One entry for each row added, changed or corrected in a publish of the record.")
    generator.link(href=EXPLORER, rel="alternate")
    generator.link(href=FEED_FILE, rel="self")
    generator.language("en")
    generator.updated(_time(feed["updated"]))
    generator.generator("python-feedgen")
    for entry in reversed(feed["entries"]):  # feedgen puts each new entry first
        item = generator.add_entry()
        item.id(entry["id"])
        item.title(entry["title"])
        item.summary(entry["summary"])
        item.link(href=entry["link"], rel="alternate")
        item.updated(_time(entry["updated"]))
        item.category(term=entry["category"], label=KINDS[entry["category"]])
    return generator.atom_str(pretty=True)


def _time(text: str) -> dt.datetime:
    """An ISO time (as kept in the manifest) with its time zone, for feedgen."""
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def build_iso_time() -> str:
    """This publish's time as ISO text: ``SOURCE_DATE_EPOCH`` when set, so a rebuild is byte-identical."""
    import os
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else int(time.time())
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()
