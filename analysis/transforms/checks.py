"""Claims checked against the record: does a text's number, date or status agree with the curated row?

Each verdict (agrees / conflicts / cannot be checked) comes with a reason for readers, in
labels and names, never codes.
"""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.labels import label
from analysis.transforms.compare import LINK_COLUMNS
from analysis.transforms.figures import plain_int, row_figure_label

# How far apart a text's date and the record's may be and still agree, by the text's precision.
DATE_TOLERANCE_DAYS = {"day": 0, "inferred": 0, "approximate": 31}


CHECKED_TABLES = ("force_size", "pledges", "events")  # the tables a claim can link to, and is checked against


def check_claims(
    claims: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    sources: pd.DataFrame,
    actors: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare every claim that links to a curated row with that row.

    ``tables`` maps table name (force_size, pledges, events) to its DataFrame. Returns one row
    per claim with a link: ``verdict`` (agrees / conflicts / cannot be checked) and ``reason``,
    a sentence for readers (labels and names, never codes; ``actors`` gives the names).
    """
    names = actors.set_index("actor_id")["name"].to_dict() if actors is not None else {}
    published = sources.set_index("source_id")["published"]
    records = {table: frame.set_index(frame.columns[0]) for table, frame in tables.items()}
    rows = []
    for claim in claims.itertuples(index=False):
        for column, table in LINK_COLUMNS.items():
            row_id = getattr(claim, column)
            if pd.isna(row_id):
                continue
            record = records[table]
            if row_id not in record.index:
                verdict, reason = (
                    "cannot be checked",
                    f"the {label('table', table)} it refers to is not in the record on this date",
                )
            else:
                verdict, reason = check_claim(claim, record.loc[row_id], published.get(claim.source_id), names)
            rows.append(
                {
                    "claim_id": claim.claim_id,
                    "source_id": claim.source_id,
                    "topic": claim.topic,
                    "quote": claim.quote,
                    "table": table,
                    "row_id": row_id,
                    "verdict": verdict,
                    "reason": reason,
                }
            )
    columns = ["claim_id", "source_id", "topic", "quote", "table", "row_id", "verdict", "reason"]
    return pd.DataFrame(rows, columns=columns)


def check_claim(
    claim: Any, record: pd.Series, published: Any = None, names: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """Verdict and reason for one claim against one curated row (a Series)."""
    if record["source_id"] == claim.source_id:
        return "cannot be checked", "the record's only source for this row is the same text"
    findings = []
    if pd.notna(getattr(claim, "stated_value", pd.NA)):
        if record.get("bound") == "in_words":
            return (
                "cannot be checked",
                f"the text says {int(claim.stated_value):,}; the record gives words, not a number. "
                f"Record: {_describe(record, names)}",
            )
        findings.append(_check_value(int(claim.stated_value), record))
    if pd.notna(getattr(claim, "stated_date", pd.NaT)):
        findings.append(_check_date(claim.stated_date, claim.stated_date_precision, record))
    if pd.notna(getattr(claim, "stated_status", pd.NA)) and "status" in record:
        findings.append(_check_status(claim.stated_status, record))
    if not findings and "title" in record and pd.notna(published):
        findings.append(_check_before(record, published))
    if not findings:
        return (
            "cannot be checked",
            f"the text states no number, date or status to compare. Record: {_describe(record, names)}",
        )
    verdict = "conflicts" if any(v == "conflicts" for v, _ in findings) else "agrees"
    return verdict, "; ".join(phrase for _, phrase in findings) + f". Record: {_describe(record, names)}"


def _describe(record: pd.Series, names: Mapping[str, str] | None = None) -> str:
    when = f"{record['date']:%-d %b %Y} ({label('date_precision', record['date_precision'])})"
    if "low" in record:
        figure = row_figure_label(record)
        return f"{figure} troops, put forward by {record['put_forward_by']}, {when}"
    if "status" in record:
        who = (names or {}).get(record["actor_id"], label("actor", record["actor_id"]))
        what = label("contribution", record["contribution"]).lower()
        return f"{who}, {what}: {label('status', record['status']).lower()}, {when}"
    return f"{record['title']}, {when}"


def _check_value(value: int, record: pd.Series) -> tuple[str, str]:
    if "low" in record:
        low, high = plain_int(record["low"]), plain_int(record["high"])
        inside = (low is None or value >= low) and (high is None or value <= high)
        return (
            "agrees" if inside else "conflicts"
        ), f"the text says {value:,}, {'within' if inside else 'outside'} the record's figure"
    stated = any(number in record["quote"] for number in (f"{value}", f"{value:,}"))
    return (
        "agrees" if stated else "conflicts"
    ), f"the text says {value:,}; the record's quote {'says so too' if stated else 'does not'}"


def _check_date(stated: pd.Timestamp, precision: Any, record: pd.Series) -> tuple[str, str]:
    """Same date, judged at the coarser of the two precisions (the text's and the record's)."""
    actual, precisions = record["date"], {str(precision), str(record["date_precision"])}
    if "year" in precisions:
        same = stated.year == actual.year
    elif "month" in precisions:
        same = (stated.year, stated.month) == (actual.year, actual.month)
    else:
        same = abs((actual - stated).days) <= max(DATE_TOLERANCE_DAYS.get(p, 0) for p in precisions)
    days = abs((actual - stated).days)
    gap = "" if same else f", {days} day{'s' if days != 1 else ''} from the record's date"
    return (
        "agrees" if same else "conflicts"
    ), f"the text dates it {stated:%-d %b %Y} ({label('date_precision', precision)}){gap}"


def _check_status(stated: Any, record: pd.Series) -> tuple[str, str]:
    same = str(stated) == str(record["status"])
    return ("agrees" if same else "conflicts"), f"the text presents it as {label('status', stated).lower()}"


def _check_before(record: pd.Series, published: pd.Timestamp) -> tuple[str, str]:
    before = record["date"] <= published
    relation = "is dated on or before" if before else "is dated after"
    return ("agrees" if before else "conflicts"), f"the event {relation} the text ({published:%-d %b %Y})"
