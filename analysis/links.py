"""Addresses in the record explorer: a row, or a filtered view, as a link any page can give.

The explorer (``explorer.html``) reads its filters from the address after ``#``
(``#actor=DEU&status=pledged``), so a link is a filtered view that can be shared, and
``#row=pledge-cow_ground_troops`` shows that one row. Light: no pandas, so the feed and the
report runner can build links too.
"""

import urllib.parse

from analysis.text import html_text

EXPLORER = "explorer.html"
# The anchor prefix of each table's rows: the same anchors the reports give their rows.
ROW_PREFIXES = {
    "force_size": "figure",
    "pledges": "pledge",
    "events": "event",
    "claims": "claim",
    "corrections": "correction",
}
# The filters the explorer reads from its address, in the order a link names them.
FILTERS = ("row", "actor", "contribution", "status", "source", "reliability", "topic", "from", "to", "q")


def row_anchor(table: str, row_id: str) -> str:
    """The anchor of a row of the record: ``pledge-cow_ground_troops``.

    >>> row_anchor("force_size", "zelensky_200k")
    'figure-zelensky_200k'
    """
    return f"{ROW_PREFIXES[table]}-{row_id}"


def explorer_href(**filters: object) -> str:
    """The explorer's address showing the rows that match ``filters`` (None: not filtered).

    >>> explorer_href(status="pledged", actor="DEU", topic=None)
    'explorer.html#actor=DEU&status=pledged'
    """
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"no explorer filter {sorted(unknown)}; filters: {', '.join(FILTERS)}")
    pairs = [(name, str(filters[name])) for name in FILTERS if filters.get(name) is not None]
    return EXPLORER + ("#" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote) if pairs else "")


def row_href(table: str, row_id: str) -> str:
    """The explorer's address showing one row.

    >>> row_href("pledges", "cow_ground_troops")
    'explorer.html#row=pledge-cow_ground_troops'
    """
    return explorer_href(row=row_anchor(table, row_id))


def explorer_link(**filters: object) -> str:
    """A small link to the explorer filtered by ``filters``, for the end of a table cell."""
    return (
        f' <a class="explore-link" href="{html_text(explorer_href(**filters))}" '
        'title="In the record explorer, beside every other row">in the explorer</a>'
    )


def row_link(table: str, row_id: str) -> str:
    """A small link to one row in the explorer."""
    return explorer_link(row=row_anchor(table, row_id))
