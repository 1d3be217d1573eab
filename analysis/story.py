"""Sentences for the notebooks' prose, with every number taken from the data.

Notebooks show these as Markdown (the headline above them, in HTML, is
:mod:`analysis.headline`'s), so no figure in a report is typed by hand and none can drift
from the tables. Every value that comes from the data goes
through :mod:`analysis.text` (``md_text`` in Markdown, ``html_text`` in HTML), so a label,
name or quote is shown as text whatever characters it holds.
"""

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from analysis.labels import actor_name, in_sentence, label
from analysis.text import link, md_text
from analysis.transforms import largest_demand, latest_entries, latest_figure, offer_since, row_figure_label


def day(value: Any) -> str:
    """A date as a reader writes it.

    >>> day(pd.Timestamp("2025-09-05"))
    '5 September 2025'
    """
    return f"{pd.Timestamp(value):%-d %B %Y}"


def as_of_phrase(as_of: str | None) -> str:
    """'As of 15 February 2025' or 'On the latest data'."""
    return f"As of {day(as_of)}" if as_of else "On the latest data"


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 actor', '2 actors'.

    >>> plural(1, "actor"), plural(3, "country", "countries")
    ('1 actor', '3 countries')
    """
    return f"{count} {one if count == 1 else (many or one + 's')}"


def no_data_yet(what: str, as_of: str | None, first_date: Any) -> str:
    """The message a reader sees instead of a chart when nothing was known yet."""
    first = f" The first is dated {day(first_date)}." if pd.notna(first_date) else ""
    return f"**No data yet.** {as_of_phrase(as_of)}, the record holds no {what}.{first}"


def empty_because(
    what: str,
    as_of: str | None,
    first_date: Any,
    filters: Mapping[str, str | None] | None = None,
    unfiltered: int = 0,
) -> str:
    """Why a section is empty: this page's filter, or nothing yet on record for its date.

    ``filters`` maps a filter's description to its value as a reader knows it (e.g.
    ``{"actor": "Germany"}``); ``unfiltered`` counts the rows the section would show without them.
    """
    active = {name: value for name, value in (filters or {}).items() if value}
    if active and unfiltered:
        shown = " and ".join(f"{name} {md_text(value)}" for name, value in active.items())
        return (
            f"**Nothing for this filter.** This page shows only {shown}; {as_of_phrase(as_of).lower()}, the "
            f"record holds {plural(unfiltered, what)} without that filter, none of them for it."
        )
    return no_data_yet(what, as_of, first_date)


def record_summary(sizes: Mapping[str, Mapping[str, int]], as_of: str | None = None, lead: bool = True) -> str:
    """One sentence on how much the record holds (``lead=False``: without the date, after another sentence)."""
    rows = sizes["rows"]
    return (
        f"{as_of_phrase(as_of) + ', the' if lead else 'The'} record holds "
        f"{plural(rows['force_size'], 'dated force-size figure')}, "
        f"{plural(rows['pledges'], 'pledge statement')}, {plural(rows['events'], 'timeline event')} and "
        f"{plural(rows['claims'], 'coded claim')}, drawn from {plural(rows['sources'], 'source')}."
    )


def currency(frames: Mapping[str, pd.DataFrame], as_of: str | None = None) -> str:
    """How current the record is: its latest dated entry and its latest source, as of the run.

    ``frames`` maps table names to tables cut to ``as_of`` (see ``transforms.latest_entries``).
    """
    entry, source = latest_entries(frames)
    if entry is None:
        return f"{as_of_phrase(as_of)}, the record holds no dated entry yet."
    table, row = entry
    what = _entry_words(table, row, frames.get("actors"))
    text = f"**How current this is.** {as_of_phrase(as_of)}, the latest dated entry is {what} ({day(row['date'])})"
    if source is not None:
        text += (
            f"; the latest source is {link(source['publisher'], source['url'], escape=md_text)}, "
            f"published {day(source['published'])}"
        )
    return text + "."


def _entry_words(
    table: str, row: pd.Series, actors: pd.DataFrame | None, escape: Callable[[Any], str] = md_text
) -> str:
    """A dated row of the record in words (names and labels, never ids)."""
    if table == "force_size":
        figure = row_figure_label(row)
        return f"the figure {escape(figure)} put forward by {escape(row['put_forward_by'])}"
    if table == "pledges":
        who = actor_name(actors, row["actor_id"]) if actors is not None else label("actor", row["actor_id"])
        return f"a statement by {escape(who)} on {in_sentence('contribution', row['contribution'])}"
    return escape(row["title"])


def currency_facts(frames: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """The latest dated entry and latest source as plain words (for pages that are not Markdown)."""
    entry, source = latest_entries(frames)
    facts = {}
    if entry is not None:
        facts["entry"] = _entry_words(entry[0], entry[1], frames.get("actors"), escape=str)
        facts["entry_date"] = day(entry[1]["date"])
    if source is not None:
        facts.update(source=str(source["publisher"]), source_url=source["url"], source_date=day(source["published"]))
    return facts


def credit(row: Mapping[str, Any], escape: Callable[[Any], str] = md_text) -> str:
    """Who published a figure or quote, linked, with the kind of outlet and whom it relays.

    >>> row = {"publisher": "Kyiv Post", "url": "https://kyivpost.com/x", "outlet_type": "newspaper",
    ...        "relays": "The Telegraph"}
    >>> credit(row, escape=str)
    '<a href="https://kyivpost.com/x" rel="noopener">Kyiv Post</a>, newspaper, relaying The Telegraph'
    """
    parts = [link(row["publisher"], row.get("url"), escape=escape)]
    if isinstance(row.get("outlet_type"), str):
        parts.append(label("outlet_type", row["outlet_type"]))
    if isinstance(row.get("relays"), str) and row["relays"]:
        parts.append("relaying " + escape(row["relays"]))
    return ", ".join(parts)


def force_size_story(
    series: pd.DataFrame,
    as_of: str | None = None,
    first_date: Any = None,
    national: pd.DataFrame | None = None,
    actors: pd.DataFrame | None = None,
) -> str:
    """The force-size series in a few sentences: first, the largest demand, the latest offer.

    ``national`` and ``actors`` as for :func:`analysis.headline.force_headline`: a country's
    later offer of its own troops is told after the whole force's latest figure.
    """
    if series.empty:
        return no_data_yet("figure for the size of a European force", as_of, first_date)
    first = series.iloc[0]
    text = (
        f"{as_of_phrase(as_of)}, the record holds {plural(len(series), 'dated figure')}. The first, on "
        f"{day(first['date'])}, was {md_text(first['label'])}, put forward by {md_text(first['put_forward_by'])} "
        f"({credit(first)})."
    )
    asked, offered = largest_demand(series), latest_figure(series)
    if asked is not None:
        text += (
            f" The largest demand was {md_text(asked['label'])}, by {md_text(asked['put_forward_by'])} on "
            f"{day(asked['date'])}."
        )
    if offered is None:
        text += " No government had yet put a plan or a commitment for the whole force on the table."
    else:
        text += (
            f" The latest plan or commitment for the whole force, on {day(offered['date'])}, is "
            f"{md_text(offered['label'])}, put forward by {md_text(offered['put_forward_by'])} ({credit(offered)})"
        )
        if asked is not None and offered["value"] < asked["value"]:
            text += f": {(1 - offered['value'] / asked['value']) * 100:.0f}% below the largest demand"
        text += "."
    since = offer_since(national, series)
    if since is not None:
        who = md_text(since["put_forward_by"])
        text += f" Since then, {md_text(own_share(since, actors))}, put forward by {who} ({credit(since)})."
    return text


def shares_story(national: pd.DataFrame, as_of: str | None = None) -> str:
    """What single countries said of their own troops: how many figures, and the latest offer.

    Press estimates and second-hand figures are counted but never told as an offer: the same
    rule as the whole force's line (:func:`analysis.transforms.latest_figure`).
    """
    if national.empty:
        return f"{as_of_phrase(as_of)}, no country has put a figure on its own share of the force."
    text = f"{as_of_phrase(as_of)}, the record holds {plural(len(national), 'figure')} for one country's own share."
    offer = latest_figure(national)
    if offer is None:
        return text + " None of them is a country's own plan or commitment."
    return text + (
        f" The latest plan or commitment, on {day(offer['date'])}, is {md_text(offer['label'])}, put forward by "
        f"{md_text(offer['put_forward_by'])} ({credit(offer)})."
    )


def own_share(offer: Mapping[str, Any], actors: pd.DataFrame | None = None) -> str:
    """One country's offer of its own troops, as a clause of plain text (the caller escapes it).

    >>> offer = {"actor_id": "FRA", "put_forward_by": "Emmanuel Macron", "label": "several thousand",
    ...          "date": pd.Timestamp("2026-01-06")}
    >>> own_share(offer)
    'Emmanuel Macron has spoken of several thousand troops of their own country (6 January 2026)'
    """
    actor = offer.get("actor_id")
    when = day(offer["date"])
    if actors is None or not isinstance(actor, str):
        return f"{offer['put_forward_by']} has spoken of {offer['label']} troops of their own country ({when})"
    return f"{actor_name(actors, actor)} has spoken of {offer['label']} troops of its own ({when})"


def steps_story(steps: pd.DataFrame, source_name: str) -> str:
    """A text's own sequence of figures, placed on the record's dates, with each step's change."""
    if steps.empty:
        return f"{md_text(source_name)} names no force-size figure that is on record for this date."
    parts = []
    for row in steps.itertuples():
        change = "" if pd.isna(row.change_pct) else f", {row.change_pct:+.0f}%"
        parts.append(f"{md_text(row.label)} ({day(row.date)}{change})")
    return f"The figures {md_text(source_name)} names, on the record's dates: " + " → ".join(parts) + "."


def pledges_story(
    latest: pd.DataFrame,
    us: pd.DataFrame,
    actors: pd.DataFrame,
    as_of: str | None = None,
    first_date: Any = None,
    filters: Mapping[str, str | None] | None = None,
    unfiltered: int = 0,
) -> str:
    """Who stands where, and what the US has offered and ruled out."""
    if latest.empty:
        return empty_because("pledge statement", as_of, first_date, filters, unfiltered)
    counts = latest["status"].astype(str).value_counts()
    by_status = ", ".join(f"{n} {in_sentence('status', status)}" for status, n in counts.items())
    offered = [in_sentence("contribution", c) for c in us[us["position"] == "on offer"]["contribution"].unique()]
    ruled_out = [in_sentence("contribution", c) for c in us[us["position"] == "ruled out"]["contribution"].unique()]
    us_text = (
        f" The United States has floated {plural(len(offered), 'kind')} of support ({', '.join(offered) or 'none'}) "
        f"and ruled out {len(ruled_out)} ({', '.join(ruled_out) or 'none'})."
        if len(us)
        else ""
    )
    return (
        f"{as_of_phrase(as_of)}, {plural(latest['actor_id'].nunique(), 'actor')} "
        f"{'has' if latest['actor_id'].nunique() == 1 else 'have'} a recorded position on "
        f"{plural(len(latest), 'contribution')}; the latest statuses are: {by_status}.{us_text}"
    )


def pledged_summary(latest: pd.DataFrame, actors: pd.DataFrame, as_of: str | None = None, lead: bool = True) -> str:
    """Who has pledged what, as of the run: the sentence that opens the overview.

    Generated from the latest statement of each actor and contribution, so it is true for
    any ``as_of``.
    """
    pledged = latest[latest["status"].astype(str).isin(["pledged", "delivered"])]
    if pledged.empty:
        return f"{as_of_phrase(as_of)}, no country or group has pledged a contribution on record."
    parts = []
    for actor, group in pledged.groupby("actor_id", sort=True):
        things = ", ".join(in_sentence("contribution", c) for c in group["contribution"])
        parts.append(f"{md_text(actor_name(actors, actor))} ({things}; latest on {day(group['date'].max())})")
    start = f"{as_of_phrase(as_of)}, the" if lead else "The"
    return f"{start} pledges on record come from " + "; ".join(parts) + "."


def comparison_story(
    name_a: str,
    name_b: str,
    stances: pd.DataFrame,
    shared: pd.DataFrame,
    differing: pd.DataFrame,
    checks: pd.DataFrame,
) -> str:
    """What the comparison of two sources finds, in numbers."""
    a, b = md_text(name_a), md_text(name_b)
    if stances.empty:
        return f"No coded claims from {a} or {b} on this date, so there is nothing to compare."
    claims = stances.groupby("source_id", observed=True)["claims"].sum()
    verdicts = checks["verdict"].value_counts()
    return (
        f"{a} and {b} make {plural(int(claims.sum()), 'coded claim')} between them. They state "
        f"{plural(shared['row_id'].nunique(), 'fact')} in common, and read {plural(len(differing), 'topic')} "
        f"differently. Of their {plural(len(checks), 'checkable claim')}, the record supports "
        f"{verdicts.get('agrees', 0)}, contradicts {verdicts.get('conflicts', 0)} and cannot check "
        f"{verdicts.get('cannot be checked', 0)}."
    )


def source_label(sources: pd.DataFrame, source_id: str) -> str:
    """A source as a reader knows it: publisher, and author where there is one."""
    row = sources.set_index("source_id").loc[source_id]
    return f"{row['publisher']} ({row['author']})" if pd.notna(row["author"]) else str(row["publisher"])


def corrections_story(corrections: pd.DataFrame, as_of: str | None = None) -> str:
    """How many corrections the record has had, and the latest, as a sentence."""
    if corrections.empty:
        return f"{as_of_phrase(as_of)}, no published row of the record has been corrected."
    latest = corrections.sort_values(["date", "correction_id"]).iloc[-1]
    return (
        f"{as_of_phrase(as_of)}, the record lists {plural(len(corrections), 'correction')}; the latest, on "
        f"{day(latest['date'])}, changed a {label('table', latest['table'])}: {md_text(latest['reason'])}"
    )
