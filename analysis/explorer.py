"""The record explorer: every row of the record in one table a reader can filter, search and sort.

The four reports each ask one question; a reader who comes with another (*what has Germany
said since January?*, *every figure from state media*) needs every row at once. This module
makes one row per event, force-size figure, pledge statement, claim and correction, each with
its date and precision, who, what, the full quote, the source with its kind of outlet and a
link, and the row's anchor (the same anchors the reports use, see :mod:`analysis.links`).
:mod:`analysis.explorer_page` turns the rows into the page's interactive table.

Each row also carries the codes the filters match (actor, contribution, status, source, kind
of outlet, topics, ISO date): hidden columns that the page never shows as text.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.cells import correction_line, date_cell, prose, row_words
from analysis.labels import actor_name, in_sentence, label
from analysis.links import ROW_PREFIXES, row_anchor
from analysis.story import as_of_phrase, credit, day, plural
from analysis.text import html_text

TABLES = ("events", "force_size", "pledges", "claims", "corrections")  # the explorer's rows, by table
# What the filters match, in the order of the hidden columns that hold it.
CODES = ("anchor", "iso_date", "actor", "contribution", "status", "source", "reliability", "topic")


def record_rows(frames: Mapping[str, pd.DataFrame], data_dir: str | Path | None = None) -> list[dict[str, str]]:
    """Every row of the record in ``frames`` (tables loaded as of one day), as explorer rows.

    Returns a list of dicts, oldest first: reader HTML under ``date``, ``kind``, ``who``,
    ``what``, ``quote`` and ``credit`` (the source, linked), and the codes of :data:`CODES`.
    """
    sources = frames["sources"].set_index("source_id")
    actors, topics = frames["actors"], linked_topics(frames["claims"])
    rows = []
    for table in TABLES:
        for record in frames[table].to_dict("records"):
            row_id = record[frames[table].columns[0]]
            source = _source(sources, record.get("source_id"))
            row = {
                **_codes(table, record, row_id, source, topics),
                **_words(table, record, source, actors, data_dir),
                "kind": html_text(label("table", table).capitalize()),
                "credit": credit(source, escape=html_text) if source else "",
            }
            rows.append(row)
    return sorted(rows, key=lambda row: (row["iso_date"], row["anchor"]))


def linked_topics(claims: pd.DataFrame) -> dict[str, set[str]]:
    """{row id: the topics of the claims that refer to that row}: the topic filter for rows
    that have no topic of their own (a figure, a pledge, an event a claim is about)."""
    found: dict[str, set[str]] = {}
    for column in ("figure_id", "pledge_id", "event_id"):
        for row_id, topic in claims[[column, "topic"]].dropna().itertuples(index=False):
            found.setdefault(row_id, set()).add(str(topic))
    return found


def _source(sources: pd.DataFrame, source_id: object) -> dict[str, Any] | None:
    """The source row as a dict (publisher, url, outlet_type, relays, published...), or None."""
    if not isinstance(source_id, str) or source_id not in sources.index:
        return None
    return {"source_id": source_id, **sources.loc[source_id].to_dict()}


def _codes(
    table: str, record: dict[str, Any], row_id: str, source: dict[str, Any] | None, topics: Mapping[str, set[str]]
) -> dict[str, str]:
    """The values the filters match for one row (codes, never shown as text)."""
    date, _ = _date(table, record, source)
    own = {str(record["topic"])} if table == "claims" else set()
    if table == "force_size":
        own.add("force_size")  # a force-size figure is about the size of the force
    status = record.get("status") if table == "pledges" else record.get("stated_status")
    return {
        "anchor": row_anchor(table, row_id),
        "iso_date": "" if date is None or pd.isna(date) else f"{pd.Timestamp(date):%Y-%m-%d}",
        "actor": _text(record.get("actor_id")),
        "contribution": _text(record.get("contribution")),
        "status": _text(status),
        "source": source["source_id"] if source else "",
        "reliability": _text(source.get("outlet_type")) if source else "",
        "topic": " ".join(sorted(own | topics.get(row_id, set()))),
    }


def _date(table: str, record: dict[str, Any], source: dict[str, Any] | None) -> tuple[object, object]:
    """A row's date and its precision: a claim is dated by its source's publication."""
    if table == "claims":
        return (source.get("published"), source.get("published_precision", "day")) if source else (None, "day")
    return record.get("date"), record.get("date_precision", "day")


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _words(
    table: str, record: dict[str, Any], source: dict[str, Any] | None, actors: pd.DataFrame, data_dir: str | Path | None
) -> dict[str, str]:
    """The reader's columns of one row: when (and how precisely), who, what, the quote."""
    date, precision = _date(table, record, source)
    precision = _text(precision) or "day"
    when = date_cell(date, precision)
    if when:
        when = f'<span class="sort-key" hidden>{pd.Timestamp(date):%Y-%m-%d}</span>{when}'  # sorts as ISO
        when += f'<span class="precision">{html_text(label("date_precision", precision))}</span>'
    who = _who(table, record, source, actors)
    quote = record.get("quote") if isinstance(record.get("quote"), str) else ""
    return {
        "date": when,
        "who": html_text(who),
        "what": _what(table, record, data_dir),
        "quote": f'<q class="quote">{html_text(quote)}</q>' if quote else "",
    }


def _who(table: str, record: dict[str, Any], source: dict[str, Any] | None, actors: pd.DataFrame) -> str:
    """Who said or did it: the actor, the person who put a figure forward, a claim's author."""
    if table == "force_size":
        return _text(record.get("put_forward_by"))
    if isinstance(record.get("actor_id"), str):
        return actor_name(actors, record["actor_id"])
    if table == "claims" and source:
        return _text(source.get("author")) or _text(source.get("publisher"))
    return ""


def _what(table: str, record: dict[str, Any], data_dir: str | Path | None) -> str:
    """What the row records, in words (HTML)."""
    if table == "events":
        return html_text(record["title"])
    if table == "force_size":
        from analysis.transforms import row_figure_label

        figure = row_figure_label(record)
        kind = in_sentence("figure_kind", record["figure_kind"])
        return html_text(f"{figure} troops ({kind}, {in_sentence('scope', record['scope'])})")
    if table == "pledges":
        condition = record.get("condition")
        text = f"{label('contribution', record['contribution'])}: {in_sentence('status', record['status'])}"
        return html_text(text + (f"; condition: {condition}" if isinstance(condition, str) else ""))
    if table == "claims":
        kinds = f"{label('claim_type', record['claim_type'])}, {in_sentence('stance', record['stance'])}"
        about = f"{label('topic', record['topic'])} ({kinds})"
        return html_text(about) + (f'<span class="note">{prose(record["paraphrase"])}</span>')
    target = row_words(data_dir).get(record["row_id"], f"a {label('table', record['table'])}")
    return html_text(f"Correction to {target}") + correction_line(pd.Series(record))


def row_counts(rows: Sequence[Mapping[str, str]]) -> str:
    """How many rows of each kind, in words: '37 events, 18 force-size figures, ...'."""
    prefixes = [row["anchor"].split("-", 1)[0] for row in rows]
    counts = [(prefixes.count(ROW_PREFIXES[table]), label("table", table)) for table in TABLES]
    return ", ".join(plural(count, name) for count, name in counts if count)


def explorer_story(rows: Sequence[Mapping[str, str]], as_of: str | None = None) -> str:
    """What the explorer holds, as of its run, in one sentence of Markdown."""
    if not rows:
        return f"**No data yet.** {as_of_phrase(as_of)}, the record holds no row."
    dated = sorted(row["iso_date"] for row in rows if row["iso_date"])
    span = f", dated from {day(dated[0])} to {day(dated[-1])}" if dated else ""
    return f"{as_of_phrase(as_of)}, the record holds {len(rows)} rows{span}: {row_counts(rows)}."
