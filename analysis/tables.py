"""Tables made for reading: great_tables with human headers, labels, links and row anchors.

A pandas dump shows an index, snake_case headers, ``NaN`` and quotes cut with "…". Each
function here builds one table a reader can use, from the cells of :mod:`analysis.cells`:
each row an anchor (``id="pledge-cow_ground_troops"``) that can be cited, and a link to the
same row (or rows) in the record explorer, where it can be read beside the rest of the
record. great_tables is told the cells are ready HTML (escaped by :mod:`analysis.text`).
"""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.cells import CorrectionRow, badge, claim_words, date_cell, number_cell, prose, quote_cell, value_words
from analysis.labels import actor_name, label
from analysis.links import explorer_link, row_link
from analysis.memo import kept_for_equal_inputs
from analysis.reader_table import LONG_TABLE, ReaderTable, reader_table
from analysis.story import credit
from analysis.text import html_text

Corrections = Mapping[Any, list[CorrectionRow]]  # {row id: its corrections}, see transforms.corrections_for


# --- the tables of the reports ----------------------------------------------------------


@kept_for_equal_inputs
def figures_table(
    series: pd.DataFrame, corrections: Corrections | None = None, table_id: str = "figures"
) -> ReaderTable:
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
        explore=lambda r: row_link("force_size", r["figure_id"]),
    )


@kept_for_equal_inputs
def steps_table(steps: pd.DataFrame, table_id: str = "steps") -> ReaderTable:
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
        explore=lambda r: row_link("force_size", r["figure_id"]),
    )


@kept_for_equal_inputs
def pledge_paths_table(paths: pd.DataFrame, actors: pd.DataFrame, table_id: str = "paths") -> ReaderTable:
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
        explore=lambda r: explorer_link(actor=r["actor_id"], contribution=r["contribution"]),
    )


@kept_for_equal_inputs
def pledges_table(
    pledges: pd.DataFrame,
    actors: pd.DataFrame,
    corrections: Corrections | None = None,
    table_id: str = "pledges",
    anchor: str = "pledge",
    grouped: bool | None = None,
) -> ReaderTable:
    """Pledge statements: date, actor, contribution, status, condition, and the words behind each.

    ``anchor`` prefixes each row's id; a second table of the same rows on a page needs its own.
    ``grouped`` puts the rows under a heading per actor (in the order they first spoke), so a
    reader finds one actor's statements without sorting; by default a long table of several
    actors is grouped (the explorer sorts and filters every row).
    """
    fixes = corrections or {}
    if grouped is None:
        grouped = len(pledges) > LONG_TABLE and pledges["actor_id"].nunique() > 1
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
        explore=lambda r: row_link("pledges", r["pledge_id"]),
        group=(lambda r: actor_name(actors, r["actor_id"])) if grouped else None,
    )


def _said(quotes: list[str]) -> str:
    return "".join(f'<p class="said">{q}</p>' for q in quotes) or '<span class="none">Nothing on this topic.</span>'


@kept_for_equal_inputs
def comparison_table(
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    name_a: str,
    name_b: str,
    source_a: str,
    source_b: str,
    table_id: str = "compare",
    anchor: str = "claim",
) -> ReaderTable:
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


@kept_for_equal_inputs
def shared_table(
    shared: pd.DataFrame,
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    name_a: str,
    name_b: str,
    table_id: str = "shared",
) -> ReaderTable:
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


@kept_for_equal_inputs
def checks_table(
    checks: pd.DataFrame, claims: pd.DataFrame, sources: pd.DataFrame, table_id: str = "checks"
) -> ReaderTable:
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


@kept_for_equal_inputs
def corrections_table(corrections: pd.DataFrame, sources: pd.DataFrame, table_id: str = "corrections") -> ReaderTable:
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
        explore=lambda r: row_link("corrections", r["correction_id"]),
    )
