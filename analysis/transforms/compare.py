"""Two sources side by side: stance by topic, what each says, the facts both state, where they differ."""

import pandas as pd

STANCE_SCORES = {"not_credible": -2, "doubtful": -1, "neutral": 0, "qualified": 1, "credible": 2}
# A claim's link to a curated row: the column of claims and the table it refers to.
LINK_COLUMNS = {"figure_id": "force_size", "pledge_id": "pledges", "event_id": "events"}


def stance_by_topic(claims: pd.DataFrame, source_a: str, source_b: str) -> pd.DataFrame:
    """Per topic, each source's claims and mean stance score (−2 not credible … +2 credible)."""
    picked = claims[claims["source_id"].isin([source_a, source_b])]
    scored = picked.assign(score=picked["stance"].astype(str).map(STANCE_SCORES))
    summary = scored.groupby(["topic", "source_id"], observed=True).agg(
        claims=("claim_id", "size"), mean_stance=("score", "mean")
    )
    return summary.reset_index()


def compare_sources(claims: pd.DataFrame, source_a: str, source_b: str) -> pd.DataFrame:
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


def shared_facts(claims: pd.DataFrame, source_a: str, source_b: str) -> pd.DataFrame:
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


def differing_interpretations(claims: pd.DataFrame, source_a: str, source_b: str) -> pd.DataFrame:
    """Topics both sources interpret, where their stances differ: each side's exact words."""
    readings = claims[claims["claim_type"].isin(["interpretation", "forecast", "recommendation"])]
    compared = compare_sources(readings, source_a, source_b)
    both = compared[(compared["quotes_a"] != "") & (compared["quotes_b"] != "")]
    differ = both[both["score_a"] != both["score_b"]]
    return differ.assign(gap=(differ["score_b"] - differ["score_a"]).round(2)).reset_index(drop=True)
