"""Words for the codes in the data: the one place where a code gets the label a reader sees.

The tables store short codes (``at_least``, ``unspecified_support``, ``aggregator_or_mirror``)
so that they can be checked and counted; a page shows their labels instead. A code that has
no label yet (a new status added to the schema) is shown in plain words rather than as a
code, and ``tests/test_labels.py`` fails until it gets a label here.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads only where a frame is used: the feed needs the words alone
    import pandas as pd

LABELS = {
    "contribution": {
        "ground_troops": "Ground troops",
        "air": "Air power",
        "sea": "Naval forces",
        "air_defence": "Air defence",
        "intelligence": "Intelligence",
        "monitoring": "Ceasefire monitoring",
        "training": "Training",
        "funding": "Funding",
        "logistics": "Logistics",
        "collective_defence": "Collective defence (Article 5-like)",
        "unspecified_support": "Support of an unstated kind",
    },
    "status": {
        "floated": "Floated",
        "proposed": "Proposed",
        "conditional": "Conditional",
        "pledged": "Pledged",
        "delivered": "Delivered",
        "declined": "Ruled out",
        "undecided": "Undecided",
    },
    "figure_kind": {
        "demand": "Demand",
        "request": "Military request",
        "plan": "Plan",
        "option": "Analysts' option",
        "estimate": "Press estimate",
        "commitment": "Commitment",
    },
    "bound": {
        "exact": "Exact",
        "approximate": "About",
        "at_least": "At least",
        "at_most": "Up to",
        "range": "Range",
        "in_words": "In words only",
    },
    "scope": {"whole_force": "Whole force", "national_contribution": "One country's share"},
    "date_precision": {
        "day": "exact day",
        "inferred": "day inferred from the text",
        "approximate": "approximate date",
        "month": "month only",
        "year": "year only",
    },
    "topic": {
        "coalition_pledge": "The coalition's pledge",
        "force_size": "Size of the force",
        "us_backstop": "The US backstop",
        "european_resolve": "European resolve",
        "deterrence": "Deterrence",
        "nato": "NATO",
        "ukraine_army": "Ukraine's own army",
        "russian_threat": "The Russian threat",
        "public_opinion": "Public opinion",
        "peace_prospects": "Prospects for peace",
        "past_guarantees": "Past guarantees",
        "support_needs": "What Ukraine needs",
    },
    "stance_object": {
        "guarantees": "The security guarantees",
        "ukraine_army": "Ukraine's own army",
    },
    "claim_type": {
        "fact": "Fact",
        "interpretation": "Interpretation",
        "forecast": "Forecast",
        "recommendation": "Recommendation",
    },
    "stance": {
        "not_credible": "Not credible",
        "doubtful": "Doubtful",
        "neutral": "Neutral",
        "qualified": "Credible with caveats",
        "credible": "Credible",
    },
    "outlet_type": {
        "official": "official",
        "wire": "news agency",
        "newspaper": "newspaper",
        "broadcaster": "broadcaster",
        "magazine": "magazine",
        "news_site": "news site",
        "think_tank": "think tank",
        "pollster": "pollster",
        "reference": "reference work",
        "state_media": "state media",
        "partisan": "partisan outlet",
        "aggregator_or_mirror": "aggregator or mirror site",
    },
    "kind": {
        "commentary": "Commentary",
        "expert_interview": "Expert interview",
        "news_report": "News report",
        "official_statement": "Official statement",
        "poll": "Poll",
        "analysis": "Analysis",
        "reference": "Reference",
        "country": "Country",  # actors.kind
        "coalition": "Coalition",
        "group": "Group",
        "think_tank": "Think tank",
    },
    "perspective": {
        "sceptical": "Sceptical",
        "measured": "Measured",
        "reporting": "Reporting",
        "official": "Official",
        "reference": "Reference",
    },
    "table": {
        "sources": "source",
        "actors": "actor",
        "force_size": "force-size figure",
        "pledges": "pledge statement",
        "events": "event",
        "claims": "claim",
        "corrections": "correction",
    },
}


def label(field: str, code: object) -> str:
    """The reader's word for ``code`` of ``field``; a code without a label in plain words.

    >>> label("bound", "at_least"), label("status", "no_such_status")
    ('At least', 'No such status')
    """
    if code is None:
        return ""
    if not isinstance(code, str):
        import pandas as pd

        if pd.isna(code):
            return ""
    code = str(code)
    return LABELS.get(field, {}).get(code) or code.replace("_", " ").capitalize()


def in_sentence(field: str, code: object) -> str:
    """A label inside a sentence: its first letter in lower case unless it begins a name.

    >>> in_sentence("contribution", "collective_defence"), in_sentence("topic", "nato")
    ('collective defence (Article 5-like)', 'NATO')
    """
    word = label(field, code)
    return word if word[:2].isupper() else word[:1].lower() + word[1:]


def labelled(values: Iterable[object], field: str) -> "pd.Series":
    """A column of codes as their labels (a Series of str)."""
    import pandas as pd

    return pd.Series([label(field, v) for v in values], index=getattr(values, "index", None), dtype=object)


def actor_name(actors: "pd.DataFrame", actor_id: str) -> str:
    """An actor's name from the actors table (its id never reaches a reader)."""
    names = actors.set_index("actor_id")["name"]
    return str(names.get(actor_id, label("actor", actor_id)))
