"""The explorer's interactive table: itables (DataTables) in its offline mode, and the filters.

DataTables does the paging, sorting and search-as-you-type; itables inlines it in the page
(``connected=False``), so the page works from the file with no network. Our own JavaScript
(``templates/explorer/explorer.js``) only keeps the filters and the address in step
(``#actor=DEU&status=pledged``), so a filtered view can be shared. The rows come from
:func:`analysis.explorer.record_rows`, their cells escaped by :mod:`analysis.text`.
"""

import json
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.explorer import CODES
from analysis.labels import label
from analysis.links import FILTERS
from analysis.paths import TEMPLATES_DIR
from analysis.text import html_text

TABLE_ID = "explorer-table"  # fixed, so that the page is byte-identical across builds
# The columns a reader sees: (header, row key).
SHOWN = (
    ("Date", "date"),
    ("Kind", "kind"),
    ("Who", "who"),
    ("What", "what"),
    ("Quote", "quote"),
    ("Source and kind of outlet", "credit"),
    ("Cite", "cite"),
)
# The filters offered as lists, with the label field of their codes (None: named from the data).
CHOICES = (
    ("actor", "Actor", None),
    ("contribution", "Contribution", "contribution"),
    ("status", "Status", "status"),
    ("source", "Source", None),
    ("reliability", "Kind of outlet", "outlet_type"),
    ("topic", "Topic", "topic"),
)


def explorer_library() -> str:
    """itables' offline loader: DataTables and its styles, inlined once in the page."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    return generate_init_offline_itables_html(options.dt_bundle)


def explorer_table(rows: Sequence[Mapping[str, str]], actors: pd.DataFrame, sources: pd.DataFrame) -> str:
    """The filters, the table of ``rows`` and the script that ties them to the address, as HTML."""
    from itables import to_html_datatable

    frame = table_frame(rows)
    hidden = list(range(len(SHOWN), len(frame.columns)))
    table = to_html_datatable(
        frame,
        table_id=TABLE_ID,
        connected=False,
        allow_html=True,
        showIndex=False,
        maxBytes=0,  # every row, never a sample
        classes="display compact",
        style="width:100%",
        pageLength=25,
        lengthMenu=[10, 25, 100, -1],
        order=[[0, "asc"]],
        autoWidth=False,
        columnDefs=[{"targets": hidden, "visible": False, "searchable": False}],
        language={"lengthMenu": "_MENU_ rows a page", "search": "Search the quotes and text:"},
    )
    config = {
        "table": TABLE_ID,
        "library": library_name(),
        "ready": ready_event(),
        "keys": list(FILTERS),
        "columns": {code: len(SHOWN) + index for index, code in enumerate(CODES)},
    }
    return "\n".join(
        [
            f"<style>{_template('explorer.css')}{card_labels()}</style>",
            filters_form(rows, actors, sources),
            '<p class="explorer-status" id="explorer-status" aria-live="polite"></p>',
            f'<div class="explorer">{table}</div>',
            f'<script type="application/json" id="explorer-config">{json.dumps(config, sort_keys=True)}</script>',
            f'<script type="module">{_template("explorer.js")}</script>',
        ]
    )


def _template(name: str) -> str:
    return (TEMPLATES_DIR / "explorer" / name).read_text(encoding="utf-8")


def library_name() -> str:
    """Where itables' offline loader leaves its promise of DataTables (``window._itables_2_9_1``)."""
    from itables.javascript import _itables_underscore_version

    return _itables_underscore_version()


def ready_event() -> str:
    """The event itables' loader sends when DataTables is ready."""
    from itables.javascript import _itables_ready_event

    return _itables_ready_event()


def table_frame(rows: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    """The rows as the table's columns: the reader's, then the codes (hidden) the filters match."""
    shown = {header: [_shown(row, key) for row in rows] for header, key in SHOWN}
    codes = {f"code: {code}": [row[code] for row in rows] for code in CODES}
    return pd.DataFrame({**shown, **codes}, dtype=object)


def _shown(row: Mapping[str, str], key: str) -> str:
    """One reader cell; the first holds the row's anchor, the last a link to cite the row."""
    anchor = html_text(row["anchor"])
    if key == "date":
        return f'<span class="row-anchor" id="{anchor}"></span>{row["date"]}'
    if key == "cite":
        return f'<a class="row-link" href="#row={anchor}" title="The address of this row, to cite or share">Link</a>'
    return row[key]


def filters_form(rows: Sequence[Mapping[str, str]], actors: pd.DataFrame, sources: pd.DataFrame) -> str:
    """The filter lists (only values the rows hold, by their labels) and the date range."""
    names = {
        "actor": dict(zip(actors["actor_id"], actors["name"], strict=True)),
        "source": {s.source_id: f"{s.publisher}: {s.title}" for s in sources.itertuples()},
    }
    fields = []
    for name, title, field in CHOICES:
        values = {code for row in rows for code in (row[name].split(" ") if name == "topic" else [row[name]]) if code}
        options = sorted((label(field, code) if field else str(names[name].get(code, code)), code) for code in values)
        choices = "".join(f'<option value="{html_text(code)}">{html_text(text)}</option>' for text, code in options)
        fields.append(f'<label>{title} <select name="{name}"><option value="">All</option>{choices}</select></label>')
    fields.append('<label>From <input type="date" name="from"></label>')
    fields.append('<label>To <input type="date" name="to"></label>')
    fields.append('<button type="button" name="clear">Show every row</button>')
    return f'<form class="explorer-filters" id="explorer-filters" aria-label="Filters">{"".join(fields)}</form>'


def card_labels() -> str:
    """On a phone each row reads as a card: each cell is headed by its column's name."""
    return "".join(
        f'@media (max-width: 700px) {{ #{TABLE_ID} tbody td:nth-child({index})::before {{ content: "{header}"; }} }}'
        for index, (header, _) in enumerate(SHOWN, start=1)
    )
