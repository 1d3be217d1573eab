"""Table cells made for reading: dates to their precision, numbers, status labels, quotes.

Each function turns one value (or one row) of the record into the HTML of one cell: full
quotes that wrap, each credited and linked to its source; numbers and dates written out;
statuses as coloured labels; row ids in notes replaced by words. Every cell is built by
:mod:`analysis.text`, so data is escaped once, here; :mod:`analysis.tables` and
:mod:`analysis.explorer` put the cells into tables.
"""

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from analysis.labels import actor_name, in_sentence, label
from analysis.links import row_link
from analysis.story import credit
from analysis.text import html_text

STATUS_BADGES = {  # background, text: dark text on light colours, white on dark (contrast >= 4.5)
    "floated": ("#deebf7", "#08306b"),
    "proposed": ("#c6dbef", "#08306b"),
    "conditional": ("#fdd0a2", "#7f2704"),
    "pledged": ("#c7e9c0", "#00441b"),
    "delivered": ("#00441b", "#ffffff"),
    "declined": ("#fcbba1", "#67000d"),
    "agrees": ("#c7e9c0", "#00441b"),
    "conflicts": ("#fcbba1", "#67000d"),
    "cannot be checked": ("#eeeeee", "#333333"),
}
VERDICT_LABELS = {"agrees": "Supported", "conflicts": "Contradicted", "cannot be checked": "Cannot be checked"}


class CorrectionRow(Protocol):
    """A row of the corrections table read by attribute: an ``itertuples`` row or a ``pd.Series``."""

    date: object
    field: str
    old_value: object
    new_value: object
    reason: object


@functools.cache
def row_words(data_dir: str | Path | None = None) -> dict[str, str]:
    """{row id: words for that row}, for every table: notes that refer to a row by its id read as words.

    Built once per process from the full record (a row's words do not depend on ``as_of``).
    """
    from analysis.data import load_table
    from analysis.paths import DATA_DIR
    from analysis.transforms import row_figure_label

    folder = data_dir or DATA_DIR
    tables = {
        name: load_table(name, data_dir=folder)
        for name in ("sources", "actors", "force_size", "pledges", "events", "claims")
    }
    words: dict[str, str]
    actors, words = tables["actors"], {}
    for row in actors.itertuples():
        words[row.actor_id] = str(row.name)
    for row in tables["sources"].itertuples():
        words[row.source_id] = str(row.publisher)
    for record in tables["force_size"].to_dict("records"):
        words[record["figure_id"]] = (
            f"the figure {row_figure_label(record)} ({record['put_forward_by']}, {record['date']:%-d %b %Y})"
        )
    for row in tables["pledges"].itertuples():
        words[row.pledge_id] = (
            f"{actor_name(actors, row.actor_id)}'s statement on {in_sentence('contribution', row.contribution)} "
            f"({row.date:%-d %b %Y})"
        )
    for row in tables["events"].itertuples():
        words[row.event_id] = f"the event “{row.title}” ({row.date:%-d %b %Y})"
    for row in tables["claims"].itertuples():
        words[row.claim_id] = f"a claim by {words.get(row.source_id, 'a source')}"
    return words


def prose(text: object) -> str:
    """Free text from the data (a note, a reason) as HTML, with row ids replaced by words."""
    if not isinstance(text, str):
        return ""
    words = row_words()
    return _ROW_ID.sub(lambda m: html_text(words.get(m[0]) or code_words(m[0])), html_text(text))


def value_words(field: str, value: object) -> str:
    """A corrected value as HTML in words: a row id or actor id by what it names, a code by
    its label in ``field``, free text with the ids inside it replaced (see prose)."""
    from analysis.labels import LABELS

    if not isinstance(value, str) or not value:
        return ""
    if value in row_words():
        return html_text(row_words()[value])
    if value in LABELS.get(field, {}):
        return html_text(label(field, value))
    return prose(value)


def code_words(code: str) -> str:
    """A code met in free text, as the label it has in any field (or itself, when it is no code)."""
    from analysis.labels import LABELS

    return next((in_sentence(field, code) for field, codes in LABELS.items() if code in codes), code)


_ROW_ID = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


# --- cells ------------------------------------------------------------------------------


def date_cell(value: object, precision: object = "day") -> str:
    """A date as read, to the precision it is known: '5 Sep 2025', 'Feb 2025', 'about 12 Feb 2025'."""
    if value is None or pd.isna(value):
        return ""
    value, precision = pd.Timestamp(value), str(precision)
    text = {"month": f"{value:%b %Y}", "year": f"{value:%Y}"}.get(precision, f"{value:%-d %b %Y}")
    if precision == "approximate":
        text = "about " + text
    elif precision == "inferred":
        text += " (inferred)"
    return f'<span class="date">{html_text(text)}</span>'


def number_cell(value: float | None) -> str:
    """An integer with thousands separators; empty (never ``NaN``) when missing."""
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def badge(code: str, field: str = "status") -> str:
    """A coloured label for a status or a verdict (the word, never the code)."""
    text = VERDICT_LABELS.get(code) if field == "verdict" else label(field, code)
    background, colour = STATUS_BADGES.get(str(code), ("#eeeeee", "#333333"))
    return f'<span class="badge" style="background:{background};color:{colour}">{html_text(text)}</span>'


def quote_cell(row: Mapping[str, Any], corrections: Iterable[CorrectionRow] | None = None, note: bool = True) -> str:
    """The full quote, its source (linked, with the kind of outlet), the note and any correction."""
    parts = [f'<q class="quote">{html_text(row["quote"])}</q>']
    parts.append(f'<span class="credit"> — {credit(row, escape=html_text)}</span>')
    if note and isinstance(row.get("note"), str) and row["note"]:
        parts.append(f'<span class="note">{prose(row["note"])}</span>')
    parts += [correction_line(c) for c in (corrections or [])]
    return "".join(parts)


def correction_line(correction: CorrectionRow) -> str:
    """A newspaper-style correction line: when, what was wrong, what it is now, and why."""
    return (
        f'<span class="correction"><strong>Correction, {date_cell(correction.date)}:</strong> the '
        f"{html_text(label('field', correction.field).lower())} was given as "
        f"“{value_words(correction.field, correction.old_value)}”; it is "
        f"“{value_words(correction.field, correction.new_value)}”. {prose(correction.reason)}</span>"
    )


def claim_words(claim: Mapping[str, Any]) -> str:
    """A claim in its source's words, with its stance and the source linked."""
    return (
        f'<q class="quote">{html_text(claim["quote"])}</q><span class="credit"> — {credit(claim, escape=html_text)}; '
        f"{html_text(label('claim_type', claim['claim_type']).lower())}, "
        f"{html_text(label('stance', claim['stance']).lower())}</span>{row_link('claims', claim['claim_id'])}"
    )
