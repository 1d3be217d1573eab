"""The curated tables themselves: schema, keys, quotes, and the story they must carry."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import load_table, validate_data
from analysis.paths import DATA_DIR, TABLES
from analysis.quotes import check_seed_quotes, normalise

from helpers import SHARED

FACTS = SHARED / "research" / "facts.md"


@pytest.mark.slow  # a process of its own (frictionless's command line); in-process validation is tested below
def test_frictionless_cli_validates_the_package():
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"], cwd=DATA_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "INVALID" not in result.stdout


def test_every_table_loads_and_every_foreign_key_resolves():
    counts = validate_data(require_seeds=False)  # the seed quotes: test_seed_quotes_are_verbatim
    assert set(counts) == set(TABLES)
    assert all(counts[name] > 0 for name in TABLES if name != "corrections")
    claims = load_table("claims")
    for column, table, key in [
        ("figure_id", "force_size", "figure_id"),
        ("pledge_id", "pledges", "pledge_id"),
        ("event_id", "events", "event_id"),
    ]:
        linked = set(claims[column].dropna())
        assert linked, f"no claim links to {table}"
        assert linked <= set(load_table(table)[key])


@pytest.mark.needs_shared
def test_seed_quotes_are_verbatim():
    assert check_seed_quotes() >= 70


def test_seed_texts_are_the_first_two_sources():
    sources = load_table("sources")
    assert sources["seed_file"].iloc[:2].notna().all()
    assert sources["seed_file"].iloc[2:].isna().all()


def _facts_text():
    assert FACTS.is_file(), f"research notes not found at {FACTS}"
    return normalise(FACTS.read_text(encoding="utf-8"))


@pytest.mark.needs_shared
def test_other_quotes_and_urls_come_from_the_research_notes():
    """Quotes from non-seed sources are copied from the research notes, and so is every URL."""
    facts = _facts_text()
    sources = load_table("sources")
    seeds = set(sources.loc[sources["seed_file"].notna(), "source_id"])
    for name in TABLES:
        table = load_table(name)
        if "quote" in table:
            for row in table[~table["source_id"].isin(seeds)].itertuples():
                assert normalise(row.quote) in facts, f"{name} {row[1]}: quote not in research notes"
    for url in sources["url"].dropna():
        assert url in facts, f"URL not in research notes: {url}"


def test_force_size_tells_the_whole_shrinking_story():
    """Hundreds of thousands -> 100,000 -> 30,000 -> 10,000 -> more than 10,000, each dated."""
    figures = load_table("force_size").sort_values("date")
    value = figures["low"].fillna(figures["high"])

    def first_date(condition):
        return figures.loc[condition, "date"].min()

    steps = [
        first_date(value >= 200_000),
        first_date((value == 100_000) & (figures["date"] >= "2025-02-01")),
        first_date(figures["high"] == 30_000),
        first_date(figures["bound"].isin(["exact", "approximate"]) & (value == 10_000)),
        first_date((figures["bound"] == "at_least") & (value == 10_000) & (figures["date"] >= "2025-09-01")),
    ]
    assert all(pd.notna(step) for step in steps)
    assert steps == sorted(steps)


def test_the_26_are_recorded_without_inventing_members():
    pledges = load_table("pledges")
    coalition = pledges[pledges["actor_id"] == "COW"]
    assert {"ground_troops", "sea", "air"} <= set(coalition["contribution"])
    the_26 = coalition[coalition["pledge_id"].isin(["cow_ground_troops", "cow_sea", "cow_air"])]
    assert len(the_26) == 3 and (the_26["status"] == "pledged").all()
    assert the_26["note"].str.contains("Macron did not name the 26, and the research notes hold no list of them").all()
    assert not (pledges["note"].fillna("").str.contains("one of the 26")).any()


def test_us_options_and_refusals_are_recorded():
    us = load_table("pledges").query("actor_id == 'USA'")
    assert "declined" in set(us["status"]) and "floated" in set(us["status"])
    assert {"ground_troops", "air", "intelligence"} <= set(us["contribution"])


def test_both_seed_texts_are_coded_claim_by_claim():
    claims = load_table("claims")
    per_source = claims.groupby("source_id", observed=True).size()
    assert per_source["spectator_morenets"] >= 20 and per_source["brookings_pifer"] >= 20
    for _, group in claims.groupby("source_id", observed=True):
        assert list(group["position"]) == list(range(1, len(group) + 1))


def test_the_record_reaches_february_2026():
    assert load_table("events")["date"].max() >= pd.Timestamp("2026-02-01")


def test_sources_that_disagree_are_both_recorded_and_name_each_other():
    """23 or 24 December; whether the US signed the Paris Declaration (research notes section 4)."""
    events = load_table("events").set_index("event_id")
    for one, other in [
        ("zelensky_20_point_draft_23dec", "zelensky_20_point_draft_24dec"),
        ("paris_declaration_us_not_signatory", "paris_declaration_us_signed"),
    ]:
        assert events.loc[one, "source_id"] != events.loc[other, "source_id"]
        assert f"Conflicts with {other}" in events.loc[one, "note"]
        assert f"Conflicts with {one}" in events.loc[other, "note"]


def test_second_hand_and_aggregator_figures_say_so():
    figures = load_table("force_size").set_index("figure_id")
    outlet = load_table("sources").set_index("source_id")["outlet_type"]
    assert outlet[figures.loc["aggregators_15k_30k", "source_id"]] == "aggregator_or_mirror"
    assert "Low reliability" in figures.loc["aggregators_15k_30k", "note"]
    assert "Panot" in figures.loc["panot_6000", "put_forward_by"]
    assert "not a figure from Macron" in figures.loc["panot_6000", "note"]


def test_claims_about_another_object_are_neutral_on_the_guarantees():
    claims = load_table("claims")
    other = claims[claims["stance_object"] != "guarantees"]
    assert set(other["claim_id"]) == {"morenets_40", "pifer_09"}
    assert (other["stance"] == "neutral").all()


def test_a_conditional_pledge_states_its_condition():
    pledges = load_table("pledges")
    conditional = pledges[pledges["status"] == "conditional"]
    assert len(conditional) and conditional["condition"].notna().all()
