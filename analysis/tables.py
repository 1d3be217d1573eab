"""Tables made for reading: great_tables with human headers, labels, links and row anchors.

A pandas dump shows an index, snake_case headers, ``NaN`` and quotes cut with "…". Each
function here builds one table a reader can use: full quotes that wrap, each credited and
linked to its source; numbers and dates written out; statuses as coloured labels; each row
an anchor (``id="pledge-cow_ground_troops"``) that can be cited. Every cell is built by
:mod:`analysis.text`, so data is escaped once, here, and great_tables is told the cells are
ready HTML.
"""

import functools
import re

import pandas as pd
from great_tables import GT

from analysis.labels import actor_name, in_sentence, label
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


def reader_table(frame, columns, table_id, anchor=None):
    """A great_tables table of ``frame``: ``columns`` is a list of (header, cell function).

    Each cell function takes a row (a dict) and returns HTML already escaped by
    :mod:`analysis.text`. ``anchor`` is ``(prefix, id column)``: the first cell of each row
    then carries ``id="prefix-<id>"``. ``table_id`` fixes great_tables' element id, so pages
    are byte-identical across builds.
    """
    rows = frame.to_dict("records")
    columns = _unique_headers(columns)
    cells = {header: [make(row) for row in rows] for header, make in columns}
    if anchor and rows:
        prefix, column = anchor
        first = columns[0][0]
        cells[first] = [
            f'<span class="row-anchor" id="{html_text(prefix)}-{html_text(row[column])}"></span>{cell}'
            for row, cell in zip(rows, cells[first], strict=True)
        ]
    table = pd.DataFrame(cells, columns=[header for header, _ in columns])
    gt = (
        GT(table, id=table_id)
        .fmt(lambda value: value, columns=list(table.columns))  # cells are escaped HTML already
        .opt_row_striping()
        .tab_options(table_width="100%", table_font_size="14px", container_overflow_x="visible")
    )
    return ReaderTable(gt, len(rows))


def _unique_headers(columns):
    """Headers made unique (two sources of the same name still get two columns): 'X', 'X (2)'."""
    seen, unique = {}, []
    for header, make in columns:
        seen[header] = seen.get(header, 0) + 1
        unique.append((header if seen[header] == 1 else f"{header} ({seen[header]})", make))
    return unique


class ReaderTable:
    """A built table: shown as HTML in notebooks and pages; ``len`` is its number of rows."""

    def __init__(self, gt, rows):
        self.gt, self.rows = gt, rows

    def __len__(self):
        return self.rows

    def __repr__(self):  # the plain-text output of a notebook cell: no memory address, same on every run
        return f"<table of {self.rows} rows>"

    def _repr_html_(self):
        page = self.gt.as_raw_html()
        headers = dict(re.findall(r'<th [^>]*id="([^"]+)">(.*?)</th>', page))
        # Each cell names its column, so that on a phone a row can be read as a card (see report.css).
        page = re.sub(
            r'<td headers="([^"]+)"', lambda m: f'<td headers="{m[1]}" data-label="{headers.get(m[1], "")}"', page
        )
        return f'<div class="reader-table">{page}</div>'


# --- row ids in notes: words instead -------------------------------------------------


@functools.cache
def row_words(data_dir=None):
    """{row id: words for that row}, for every table: notes that refer to a row by its id read as words.

    Built once per process from the full record (a row's words do not depend on ``as_of``).
    """
    from analysis.data import load_table
    from analysis.paths import DATA_DIR
    from analysis.transforms import figure_label, plain_int

    folder = data_dir or DATA_DIR
    tables = {
        name: load_table(name, data_dir=folder)
        for name in ("sources", "actors", "force_size", "pledges", "events", "claims")
    }
    actors, words = tables["actors"], {}
    for row in actors.itertuples():
        words[row.actor_id] = str(row.name)
    for row in tables["sources"].itertuples():
        words[row.source_id] = str(row.publisher)
    for row in tables["force_size"].itertuples():
        figure = figure_label(plain_int(row.low), plain_int(row.high), row.bound)
        words[row.figure_id] = f"the figure {figure} ({row.put_forward_by}, {row.date:%-d %b %Y})"
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


def prose(text):
    """Free text from the data (a note, a reason) as HTML, with row ids replaced by words."""
    if not isinstance(text, str):
        return ""
    words = row_words()
    return _ROW_ID.sub(lambda m: html_text(words.get(m[0]) or code_words(m[0])), html_text(text))


def value_words(field, value):
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


def code_words(code):
    """A code met in free text, as the label it has in any field (or itself, when it is no code)."""
    from analysis.labels import LABELS

    return next((in_sentence(field, code) for field, codes in LABELS.items() if code in codes), code)


_ROW_ID = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


# --- cells ------------------------------------------------------------------------------


def date_cell(value, precision="day"):
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


def number_cell(value):
    """An integer with thousands separators; empty (never ``NaN``) when missing."""
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def badge(code, field="status"):
    """A coloured label for a status or a verdict (the word, never the code)."""
    text = VERDICT_LABELS.get(code) if field == "verdict" else label(field, code)
    background, colour = STATUS_BADGES.get(str(code), ("#eeeeee", "#333333"))
    return f'<span class="badge" style="background:{background};color:{colour}">{html_text(text)}</span>'


def quote_cell(row, corrections=None, note=True):
    """The full quote, its source (linked, with the kind of outlet), the note and any correction."""
    parts = [f'<q class="quote">{html_text(row["quote"])}</q>']
    parts.append(f'<span class="credit"> — {credit(row, escape=html_text)}</span>')
    if note and isinstance(row.get("note"), str) and row["note"]:
        parts.append(f'<span class="note">{prose(row["note"])}</span>')
    parts += [correction_line(c) for c in (corrections or [])]
    return "".join(parts)


def correction_line(correction):
    """A newspaper-style correction line: when, what was wrong, what it is now, and why."""
    return (
        f'<span class="correction"><strong>Correction, {date_cell(correction.date)}:</strong> the '
        f"{html_text(label('field', correction.field).lower())} was given as "
        f"“{value_words(correction.field, correction.old_value)}”; it is "
        f"“{value_words(correction.field, correction.new_value)}”. {prose(correction.reason)}</span>"
    )


# --- the tables of the reports ----------------------------------------------------------


def figures_table(series, corrections=None, table_id="figures"):
    """Every dated force-size figure: when, how many, what kind, who, and the words behind it."""
    fixes = corrections or {}
    return reader_table(
        series,
        [
            ("Date", lambda r: date_cell(r["date"], r["date_precision"])),
            ("Troops", lambda r: html_text(r["label"])),
            ("What it was", lambda r: html_text(label("figure_kind", r["figure_kind"]))),
            ("Put forward by", lambda r: html_text(r["put_forward_by"])),
            ("Quote and source", lambda r: quote_cell(r, fixes.get(r["figure_id"]))),
        ],
        table_id,
        anchor=("figure", "figure_id"),
    )


def steps_table(steps, table_id="steps"):
    """A text's own steps: each figure and its change from the one before."""
    return reader_table(
        steps,
        [
            ("Date", lambda r: date_cell(r["date"], r["date_precision"])),
            ("Troops", lambda r: html_text(r["label"])),
            ("Put forward by", lambda r: html_text(r["put_forward_by"])),
            ("Change from the step before", lambda r: "" if pd.isna(r["change_pct"]) else f"{r['change_pct']:+.0f}%"),
        ],
        table_id,
        anchor=("step", "figure_id"),
    )


def pledge_paths_table(paths, actors, table_id="paths"):
    """Each actor's path through the lifecycle, contribution by contribution."""
    keyed = paths.assign(path_id=paths["actor_id"].astype(str) + "-" + paths["contribution"].astype(str))
    return reader_table(
        keyed,
        [
            ("Actor", lambda r: html_text(actor_name(actors, r["actor_id"]))),
            ("Contribution", lambda r: html_text(label("contribution", r["contribution"]))),
            ("Path", lambda r: " → ".join(badge(s) for s in r["path"].split(" → "))),
            ("First said", lambda r: date_cell(r["first_date"])),
            ("Latest", lambda r: date_cell(r["latest_date"])),
            ("Statements", lambda r: number_cell(r["statements"])),
        ],
        table_id,
        anchor=("path", "path_id"),
    )


def pledges_table(pledges, actors, corrections=None, table_id="pledges", anchor="pledge"):
    """Pledge statements: date, actor, contribution, status, condition, and the words behind each.

    ``anchor`` prefixes each row's id; a second table of the same rows on a page needs its own.
    """
    fixes = corrections or {}
    return reader_table(
        pledges,
        [
            ("Date", lambda r: date_cell(r["date"], r["date_precision"])),
            ("Actor", lambda r: html_text(actor_name(actors, r["actor_id"]))),
            ("Contribution", lambda r: html_text(label("contribution", r["contribution"]))),
            ("Status", lambda r: badge(r["status"])),
            ("Condition", lambda r: html_text(r["condition"]) if isinstance(r["condition"], str) else ""),
            ("Quote and source", lambda r: quote_cell(r, fixes.get(r["pledge_id"]))),
        ],
        table_id,
        anchor=(anchor, "pledge_id"),
    )


def _said(quotes):
    return "".join(f'<p class="said">{q}</p>' for q in quotes) or '<span class="none">Nothing on this topic.</span>'


def comparison_table(claims, sources, name_a, name_b, source_a, source_b, table_id="compare", anchor="claim"):
    """Topic by topic, each source's quotes with their stance, side by side (``anchor`` prefixes claim ids)."""
    picked = claims[claims["source_id"].isin([source_a, source_b])]
    from analysis.transforms import with_sources

    picked = with_sources(picked, sources).sort_values(["topic", "position"])
    rows = []
    for topic, group in picked.groupby("topic", observed=True, sort=True):
        row = {"topic": topic}
        for side, source in (("a", source_a), ("b", source_b)):
            said = group[group["source_id"] == source].to_dict("records")
            row[side] = [
                f'<span class="row-anchor" id="{anchor}-{html_text(c["claim_id"])}"></span>{claim_words(c)}'
                for c in said
            ]
        rows.append(row)
    return reader_table(
        pd.DataFrame(rows, columns=["topic", "a", "b"]),
        [
            ("Topic", lambda r: html_text(label("topic", r["topic"]))),
            (name_a, lambda r: _said(r["a"])),
            (name_b, lambda r: _said(r["b"])),
        ],
        table_id,
        anchor=(f"{table_id}-topic", "topic"),
    )


def claim_words(claim):
    """A claim in its source's words, with its stance and the source linked."""
    return (
        f'<q class="quote">{html_text(claim["quote"])}</q><span class="credit"> — {credit(claim, escape=html_text)}; '
        f"{html_text(label('claim_type', claim['claim_type']).lower())}, "
        f"{html_text(label('stance', claim['stance']).lower())}</span>"
    )


def shared_table(shared, claims, sources, name_a, name_b, table_id="shared"):
    """Claims of the two texts that refer to the same curated row, each in its own words."""
    from analysis.transforms import with_sources

    by_id = with_sources(claims, sources).set_index("claim_id")
    return reader_table(
        shared.assign(pair=shared["claim_a"] + "-" + shared["claim_b"]),
        [
            ("Topic", lambda r: html_text(label("topic", r["topic"]))),
            ("About", lambda r: html_text(label("table", r["table"]).capitalize())),
            (name_a, lambda r: claim_words({**by_id.loc[r["claim_a"]].to_dict(), "claim_id": r["claim_a"]})),
            (name_b, lambda r: claim_words({**by_id.loc[r["claim_b"]].to_dict(), "claim_id": r["claim_b"]})),
        ],
        table_id,
        anchor=("shared", "pair"),
    )


def checks_table(checks, claims, sources, table_id="checks"):
    """Every checkable claim: its words and source, the verdict as a label, and the reason."""
    from analysis.transforms import with_sources

    by_id = with_sources(claims, sources).set_index("claim_id")
    return reader_table(
        checks,
        [
            ("Claim", lambda r: claim_words({**by_id.loc[r["claim_id"]].to_dict(), "claim_id": r["claim_id"]})),
            ("Against the record", lambda r: badge(r["verdict"], "verdict")),
            ("Why", lambda r: prose(r["reason"])),
        ],
        table_id,
        anchor=("check", "claim_id"),
    )


def corrections_table(corrections, sources, table_id="corrections"):
    """The record's corrections, newest first: what changed, from what to what, and why."""
    from analysis.transforms import with_sources

    rows = with_sources(corrections, sources).sort_values(["date", "correction_id"], ascending=False)
    return reader_table(
        rows,
        [
            ("Date", lambda r: date_cell(r["date"])),
            ("What", lambda r: html_text(f"{label('table', r['table']).capitalize()}: {label('field', r['field'])}")),
            ("Was", lambda r: value_words(r["field"], r["old_value"])),
            ("Now", lambda r: value_words(r["field"], r["new_value"])),
            ("Why", lambda r: prose(r["reason"])),
            ("Source", lambda r: credit(r, escape=html_text) if isinstance(r.get("publisher"), str) else ""),
        ],
        table_id,
        anchor=("correction", "correction_id"),
    )
