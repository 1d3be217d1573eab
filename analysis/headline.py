"""The headline at the top of a page: its finding in one sentence and up to two big numbers.

Generated from the data at the run's ``as_of`` like the rest of the prose (see
:mod:`analysis.story`); written as HTML, with every value from the data escaped here.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.story import as_of_phrase, day, own_share, plural
from analysis.text import html_text
from analysis.transforms import largest_demand, latest_figure, offer_since


def short_figure(row: Mapping[str, Any]) -> str:
    """A figure for a big number: '200,000+', 'up to 30,000', '25,000–30,000'.

    >>> short_figure({"low": 200000, "high": None, "bound": "at_least", "label": "more than 200,000"})
    '200,000+'
    """
    if row["bound"] == "at_least":
        return f"{int(row['low']):,}+"
    return str(row["label"])


def headline(sentence: str, numbers: Sequence[tuple[str, str]]) -> str:
    """The page's finding: one sentence and up to two big numbers, as HTML.

    ``sentence`` is already-escaped HTML from the functions below; each number is
    ``(figure, what it is)``, plain text that is escaped here.
    """
    cards = "".join(
        f'<div class="big-number"><span class="figure">{html_text(figure)}</span>'
        f'<span class="what">{html_text(what)}</span></div>'
        for figure, what in numbers[:2]
    )
    return (
        f'<section class="headline" aria-label="Headline"><p>{sentence}</p>'
        f'<div class="big-numbers">{cards}</div></section>'
    )


def force_headline(
    series: pd.DataFrame,
    as_of: str | None = None,
    national: pd.DataFrame | None = None,
    actors: pd.DataFrame | None = None,
) -> str:
    """From the largest demand to the latest offer, in one sentence and two numbers.

    ``series`` is the whole force's figures; ``national`` (one country's share, with ``actors``
    for its name) carries the sentence on when a country spoke of its own troops after the
    whole force's latest figure. The big numbers stay whole-force figures, so that the two
    cards compare like with like.
    """
    asked, offered = largest_demand(series), latest_figure(series)
    since = offer_since(national, series)
    when = as_of_phrase(as_of)
    if asked is None and offered is None:
        return headline(html_text(f"{when}, no figure for the size of a European force is on record."), [])
    numbers, words = [], []
    if asked is not None:
        numbers.append((short_figure(asked), f"asked by {asked['put_forward_by']}, {day(asked['date'])}"))
        words.append(f"{html_text(asked['put_forward_by'])} asked for {html_text(asked['label'])} troops")
    if offered is not None:
        numbers.append(
            (
                short_figure(offered),
                f"latest plan or commitment for the whole force: {offered['put_forward_by']}, {day(offered['date'])}",
            )
        )
        words.append(f"the latest plan or commitment for the whole force is {html_text(offered['label'])}")
    else:
        words.append("no government has yet put a plan or a commitment on the table")
    if since is not None:
        words.append(f"since then, {html_text(own_share(since, actors))}")
    return headline(f"{html_text(when)}, " + "; ".join(words) + ".", numbers)


def pledges_headline(
    latest: pd.DataFrame, as_of: str | None = None, filters: Mapping[str, str | None] | None = None
) -> str:
    """How many contributions are pledged and how many ruled out, in one sentence and two numbers."""
    statuses = latest["status"].astype(str)
    pledged = int(statuses.isin(["pledged", "delivered"]).sum())
    declined = int((statuses == "declined").sum())
    scope = "".join(f" ({html_text(name)}: {html_text(value)})" for name, value in (filters or {}).items() if value)
    sentence = (
        f"{html_text(as_of_phrase(as_of))}{scope}, {plural(pledged, 'contribution is', 'contributions are')} pledged "
        f"and {plural(declined, 'is', 'are')} ruled out, out of {plural(len(latest), 'position')} on record."
    )
    return headline(sentence, [(str(pledged), "contributions pledged"), (str(declined), "ruled out")])


def perspectives_headline(name_a: str, name_b: str, checks: pd.DataFrame) -> str:
    """How many of the two texts' checkable claims the record supports."""
    verdicts = checks["verdict"].value_counts()
    agrees, conflicts = int(verdicts.get("agrees", 0)), int(verdicts.get("conflicts", 0))
    sentence = (
        f"Of the {plural(len(checks), 'checkable claim')} in {html_text(name_a)} and {html_text(name_b)}, the dated "
        f"record supports {agrees} and contradicts {conflicts}."
    )
    return headline(sentence, [(str(agrees), "claims the record supports"), (str(conflicts), "claims it contradicts")])
