"""Pure functions on the curated tables: each takes DataFrames and returns a new one.

They never load data themselves, so they can be tested on small hand-made frames and
combined with ``load_table(..., as_of=...)`` for any date.
"""

import pandas as pd

from analysis.labels import label

STANCE_SCORES = {"not_credible": -2, "doubtful": -1, "neutral": 0, "qualified": 1, "credible": 2}
LINK_COLUMNS = {"force_size_id": "force_size", "pledge_id": "pledges", "event_id": "events"}
# How far apart a text's date and the record's may be and still agree, by the text's precision.
DATE_TOLERANCE_DAYS = {"day": 0, "inferred": 0, "approximate": 31}


# --- force size -------------------------------------------------------------------------

# The order of force-size figures, and so which is "the latest": by date, then by id.
FIGURE_ORDER = ["date", "figure_id"]
# The figures a reader follows to see the force shrink: what governments put on the table.
# Demands, military requests, analysts' options and press estimates are context, not offers;
# mixing them in makes "the latest figure" jump up and down with whoever spoke last.
FOLLOWED_KINDS = ("plan", "commitment")


def followed_figures(series):
    """The figures on the line a reader follows (plans and commitments), oldest first.

    >>> frame = pd.DataFrame({"figure_kind": ["demand", "plan", "estimate", "commitment"], "value": [1, 2, 3, 4]})
    >>> followed_figures(frame)["value"].tolist()
    [2, 4]
    """
    return series[series["figure_kind"].astype(str).isin(FOLLOWED_KINDS)].reset_index(drop=True)


def latest_figure(series):
    """The latest followed figure (one rule for every page and chart), or None when there is none."""
    followed = followed_figures(series.sort_values(FIGURE_ORDER))
    return None if followed.empty else followed.iloc[-1]


def largest_demand(series):
    """The largest figure asked for (kind ``demand``), or None: where the story of the shrinking starts."""
    demands = series[series["figure_kind"].astype(str) == "demand"]
    return None if demands.empty else demands.loc[demands["value"].idxmax()]


def figure_label(low, high, bound):
    """How a figure reads in words.

    >>> figure_label(10000, None, "at_least")
    'more than 10,000'
    >>> figure_label(25000, 30000, "range")
    '25,000–30,000'
    """
    if bound == "at_least":
        return f"more than {low:,}"
    if bound == "at_most":
        return f"up to {high:,}"
    if bound == "range":
        return f"{low:,}–{high:,}"
    if bound == "approximate":
        return f"about {low:,}"
    return f"{low:,}"


def figure_value(low, high, bound):
    """One number to plot for a figure: the bound that was stated, or a range's midpoint.

    >>> figure_value(100000, 150000, "range")
    125000.0
    """
    if bound == "at_most":
        return float(high)
    if bound == "range":
        return (low + high) / 2
    return float(low)


def force_size_series(force_size, sources, scope="whole_force"):
    """One row per dated figure, oldest first, with a plotted value, a label and the publisher."""
    figures = force_size[force_size["scope"] == scope] if scope else force_size
    rows = with_sources(figures.sort_values(FIGURE_ORDER).reset_index(drop=True), sources)
    bounds = zip(rows["low"], rows["high"], rows["bound"], strict=True)
    triples = [(plain_int(low), plain_int(high), bound) for low, high, bound in bounds]
    return rows.assign(
        value=pd.Series([figure_value(*t) for t in triples], index=rows.index, dtype="float64"),
        label=pd.Series([figure_label(*t) for t in triples], index=rows.index, dtype="string"),
    )


def step_changes(series):
    """Each figure against the one before it: change in troops and in per cent.

    >>> frame = pd.DataFrame({"value": [100000.0, 30000.0]})
    >>> step_changes(frame)["change_pct"].tolist()
    [nan, -70.0]
    """
    previous = series["value"].shift(1)
    return series.assign(
        previous_value=previous,
        change=series["value"] - previous,
        change_pct=((series["value"] - previous) / previous * 100).round(1),
    )


def figures_named_by(series, claims, source_id):
    """The force-size figures that a source's force-size claims name, in the record's date order.

    This is the text's own story of the shrinking force, placed on the record's dates.
    """
    named = claims[(claims["source_id"] == source_id) & (claims["topic"] == "force_size")]
    return series[series["figure_id"].isin(set(named["force_size_id"].dropna()))].reset_index(drop=True)


def plain_int(value):
    """A nullable number as a Python int, or None."""
    return None if pd.isna(value) else int(value)


# --- pledges ----------------------------------------------------------------------------


def select_pledges(pledges, actor=None, contribution=None):
    """Pledges of one actor and/or one contribution (None keeps all)."""
    keep = pd.Series(True, index=pledges.index)
    if actor is not None:
        keep &= pledges["actor_id"] == actor
    if contribution is not None:
        keep &= pledges["contribution"] == contribution
    return pledges[keep].reset_index(drop=True)


def latest_pledges(pledges):
    """The latest statement for each actor and contribution (ties: the later row in the file)."""
    ordered = pledges.reset_index(drop=True).reset_index().sort_values(["date", "index"])
    latest = ordered.groupby(["actor_id", "contribution"], observed=True).tail(1)
    return latest.drop(columns="index").sort_values(["actor_id", "contribution"]).reset_index(drop=True)


def pledge_status_matrix(pledges):
    """Actors by contribution, each cell the latest status (empty where nothing is recorded)."""
    latest = latest_pledges(pledges)
    matrix = latest.pivot(index="actor_id", columns="contribution", values="status")
    return matrix.dropna(axis="columns", how="all")


def pledge_paths(pledges):
    """Each actor's path through the lifecycle for each contribution, e.g. ``floated → declined``."""
    rows = []
    ordered = pledges.sort_values("date", kind="stable")  # same day: file order
    for (actor, contribution), group in ordered.groupby(["actor_id", "contribution"], observed=True, sort=True):
        statuses = list(dict.fromkeys(group["status"].astype(str)))  # keep first occurrence, in order
        rows.append(
            {
                "actor_id": actor,
                "contribution": contribution,
                "path": " → ".join(statuses),
                "first_date": group["date"].min(),
                "latest_date": group["date"].max(),
                "latest_status": group["status"].iloc[-1],
                "statements": len(group),
            }
        )
    columns = ["actor_id", "contribution", "path", "first_date", "latest_date", "latest_status", "statements"]
    return pd.DataFrame(rows, columns=columns)


def us_backstop(pledges):
    """The US options, each marked as on offer or ruled out, oldest first."""
    us = pledges[pledges["actor_id"] == "USA"].sort_values("date", kind="stable").reset_index(drop=True)
    return us.assign(
        position=us["status"].map(lambda s: "ruled out" if s == "declined" else "on offer").astype("string")
    )


# --- how the record changed ------------------------------------------------------------

RECORD_PANELS = ("Latest plan or commitment (troops)", "Pledges by latest status", "Coded claims")


def record_over_time(frames, known, dates):
    """Per date: the latest force-size figure, the pledges by latest status, the coded claims.

    ``frames`` maps table name to the full table and ``known`` to the day each row became
    known (see ``analysis.data.known_from``). One row per date, panel and series (long form).
    """
    rows = []
    for day in pd.to_datetime(list(dates)):
        seen = {name: frame[known[name].isna() | (known[name] <= day)] for name, frame in frames.items()}
        figures = seen["force_size"][seen["force_size"]["scope"] == "whole_force"]
        latest = latest_figure(figures)
        if latest is not None:
            low, high = plain_int(latest["low"]), plain_int(latest["high"])
            rows.append(
                (
                    day,
                    RECORD_PANELS[0],
                    "latest figure",
                    figure_value(low, high, latest["bound"]),
                    figure_label(low, high, latest["bound"]),
                )
            )
        statuses = latest_pledges(seen["pledges"])["status"].astype(str).value_counts()
        for status in frames["pledges"]["status"].cat.categories:
            rows.append((day, RECORD_PANELS[1], status, float(statuses.get(status, 0)), str(statuses.get(status, 0))))
        rows.append((day, RECORD_PANELS[2], "claims", float(len(seen["claims"])), str(len(seen["claims"]))))
    return pd.DataFrame(rows, columns=["date", "panel", "series", "value", "label"])


# --- comparing two sources --------------------------------------------------------------


def stance_by_topic(claims, source_a, source_b):
    """Per topic, each source's claims and mean stance score (−2 not credible … +2 credible)."""
    picked = claims[claims["source_id"].isin([source_a, source_b])]
    scored = picked.assign(score=picked["stance"].astype(str).map(STANCE_SCORES))
    summary = scored.groupby(["topic", "source_id"], observed=True).agg(
        claims=("claim_id", "size"), mean_stance=("score", "mean")
    )
    return summary.reset_index()


def compare_sources(claims, source_a, source_b):
    """For each topic: what each source says (quotes and stances), side by side."""
    rows = []
    for topic, group in claims[claims["source_id"].isin([source_a, source_b])].groupby("topic", observed=True):
        row = {"topic": topic}
        for side, source in (("a", source_a), ("b", source_b)):
            said = group[group["source_id"] == source].sort_values("position")
            row[f"quotes_{side}"] = " | ".join(said["quote"])
            row[f"stances_{side}"] = ", ".join(said["stance"].astype(str))
            row[f"score_{side}"] = said["stance"].astype(str).map(STANCE_SCORES).mean()
        rows.append(row)
    columns = ["topic", "quotes_a", "stances_a", "score_a", "quotes_b", "stances_b", "score_b"]
    return pd.DataFrame(rows, columns=columns)


def shared_facts(claims, source_a, source_b):
    """Claims of the two sources that refer to the same curated row, each side in its own words."""
    pairs = []
    for column, table in LINK_COLUMNS.items():
        a = claims[(claims["source_id"] == source_a) & claims[column].notna()]
        b = claims[(claims["source_id"] == source_b) & claims[column].notna()]
        merged = a.merge(b, on=column, suffixes=("_a", "_b"))
        for row in merged.itertuples(index=False):
            pairs.append(
                {
                    "table": table,
                    "row_id": getattr(row, column),
                    "topic": row.topic_a,
                    "claim_a": row.claim_id_a,
                    "quote_a": row.quote_a,
                    "claim_b": row.claim_id_b,
                    "quote_b": row.quote_b,
                }
            )
    columns = ["table", "row_id", "topic", "claim_a", "quote_a", "claim_b", "quote_b"]
    return pd.DataFrame(pairs, columns=columns).drop_duplicates(["claim_a", "claim_b"]).reset_index(drop=True)


def differing_interpretations(claims, source_a, source_b):
    """Topics both sources interpret, where their stances differ: each side's exact words."""
    readings = claims[claims["claim_type"].isin(["interpretation", "forecast", "recommendation"])]
    compared = compare_sources(readings, source_a, source_b)
    both = compared[(compared["quotes_a"] != "") & (compared["quotes_b"] != "")]
    differ = both[both["score_a"] != both["score_b"]]
    return differ.assign(gap=(differ["score_b"] - differ["score_a"]).round(2)).reset_index(drop=True)


# --- checking claims against the record -------------------------------------------------


def check_claims(claims, tables, sources, actors=None):
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


def check_claim(claim, record, published=None, names=None):
    """Verdict and reason for one claim against one curated row (a Series)."""
    if record["source_id"] == claim.source_id:
        return "cannot be checked", "the record's only source for this row is the same text"
    findings = []
    if pd.notna(getattr(claim, "stated_value", pd.NA)):
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


def _describe(record, names=None):
    when = f"{record['date']:%-d %b %Y} ({label('date_precision', record['date_precision'])})"
    if "low" in record:
        figure = figure_label(plain_int(record["low"]), plain_int(record["high"]), record["bound"])
        return f"{figure} troops, put forward by {record['put_forward_by']}, {when}"
    if "status" in record:
        who = (names or {}).get(record["actor_id"], label("actor", record["actor_id"]))
        what = label("contribution", record["contribution"]).lower()
        return f"{who}, {what}: {label('status', record['status']).lower()}, {when}"
    return f"{record['title']}, {when}"


def _check_value(value, record):
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


def _check_date(stated, precision, record):
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


def _check_status(stated, record):
    same = str(stated) == str(record["status"])
    return ("agrees" if same else "conflicts"), f"the text presents it as {label('status', stated).lower()}"


def _check_before(record, published):
    before = record["date"] <= published
    relation = "is dated on or before" if before else "is dated after"
    return ("agrees" if before else "conflicts"), f"the event {relation} the text ({published:%-d %b %Y})"


# --- sources, corrections and how current the record is ----------------------------------


def with_sources(frame, sources):
    """``frame`` with its source's publisher, address, kind of outlet and whom it relays.

    Every figure and quote on a page is credited and linked from these columns.
    """
    table = sources.set_index("source_id")
    columns = {"publisher": "publisher", "url": "url", "outlet_type": "outlet_type", "relays": "relays"}
    extra = {
        name: frame["source_id"].map(table[column]).astype("string" if column != "outlet_type" else object)
        for name, column in columns.items()
        if column in table
    }
    return frame.assign(**extra)


def corrections_for(corrections, table):
    """The corrections to rows of ``table``, as {row_id: [correction rows, oldest first]}."""
    picked = corrections[corrections["table"].astype(str) == table].sort_values(["date", "correction_id"])
    found = {}
    for row in picked.itertuples(index=False):
        found.setdefault(row.row_id, []).append(row)
    return found


DATED_TABLES = {"force_size": "figure", "pledges": "pledge", "events": "event"}


def latest_entries(frames):
    """The latest dated row of the record and its latest source (as rows), from tables known on a date.

    ``frames`` maps table names to tables already cut to ``as_of``. Returns
    ``(table, row)`` for the latest dated entry (by date, then table order, then id) and the
    latest-published source row; either is None in an empty record.
    """
    best = None
    for table in DATED_TABLES:
        frame = frames.get(table)
        if frame is None or frame.empty:
            continue
        row = frame.sort_values(["date", frame.columns[0]]).iloc[-1]
        if best is None or row["date"] > best[1]["date"]:
            best = (table, row)
    sources = frames.get("sources")
    source = None
    if sources is not None and sources["published"].notna().any():
        dated = sources[sources["published"].notna()]
        source = dated.sort_values(["published", "source_id"]).iloc[-1]
    return best, source
