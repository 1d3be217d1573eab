"""Pledge statements: one actor's or contribution's, the latest of each, and the path each took."""

from collections.abc import Sequence

import pandas as pd


def select_pledges(pledges: pd.DataFrame, actor: str | None = None, contribution: str | None = None) -> pd.DataFrame:
    """Pledges of one actor and/or one contribution (None keeps all)."""
    keep = pd.Series(True, index=pledges.index)
    if actor is not None:
        keep &= pledges["actor_id"] == actor
    if contribution is not None:
        keep &= pledges["contribution"] == contribution
    return pledges[keep].reset_index(drop=True)


def latest_pledges(pledges: pd.DataFrame, within: Sequence[str] = ()) -> pd.DataFrame:
    """The latest statement for each actor and contribution (ties: the later row in the file).

    ``within`` names columns that split the pledges into groups first (the latest statements
    of each group), e.g. the day of a frame that holds what was known on several days.
    """
    keys = [*within, "actor_id", "contribution"]
    ordered = pledges.reset_index(drop=True).reset_index().sort_values(["date", "index"])
    latest = ordered.groupby(keys, observed=True).tail(1)
    return latest.drop(columns="index").sort_values(keys).reset_index(drop=True)


def pledge_status_matrix(pledges: pd.DataFrame) -> pd.DataFrame:
    """Actors by contribution, each cell the latest status (empty where nothing is recorded)."""
    latest = latest_pledges(pledges)
    matrix = latest.pivot(index="actor_id", columns="contribution", values="status")
    return matrix.dropna(axis="columns", how="all")


def pledge_paths(pledges: pd.DataFrame) -> pd.DataFrame:
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


def us_backstop(pledges: pd.DataFrame) -> pd.DataFrame:
    """The US options, each marked as on offer or ruled out, oldest first."""
    us = pledges[pledges["actor_id"] == "USA"].sort_values("date", kind="stable").reset_index(drop=True)
    return us.assign(
        position=us["status"].map(lambda s: "ruled out" if s == "declined" else "on offer").astype("string")
    )
