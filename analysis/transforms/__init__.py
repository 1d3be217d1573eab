"""Pure functions on the curated tables: each takes DataFrames and returns a new one.

They never load data themselves, so they can be tested on small hand-made frames and
combined with ``load_table(..., as_of=...)`` for any date. One module an idea:

- :mod:`~analysis.transforms.sources`: each row with its source; corrections per row;
- :mod:`~analysis.transforms.figures`: force-size figures, the line a reader follows, the latest;
- :mod:`~analysis.transforms.pledges`: pledge statements, the latest of each, their paths;
- :mod:`~analysis.transforms.record`: the record over time, and how current it is;
- :mod:`~analysis.transforms.compare`: two sources side by side;
- :mod:`~analysis.transforms.checks`: claims checked against the record.

Everything is importable from ``analysis.transforms`` itself, as the notebooks do.
"""

from analysis.transforms.checks import CHECKED_TABLES, DATE_TOLERANCE_DAYS, check_claim, check_claims
from analysis.transforms.compare import (
    LINK_COLUMNS,
    STANCE_SCORES,
    compare_sources,
    differing_interpretations,
    shared_facts,
    stance_by_topic,
)
from analysis.transforms.figures import (
    FIGURE_ORDER,
    FOLLOWED_KINDS,
    figure_label,
    figure_value,
    figures_named_by,
    followed_figures,
    force_size_series,
    largest_demand,
    latest_figure,
    latest_figures,
    offer_since,
    plain_int,
    row_figure_label,
    step_changes,
)
from analysis.transforms.pledges import latest_pledges, pledge_paths, pledge_status_matrix, select_pledges, us_backstop
from analysis.transforms.record import DATED_TABLES, RECORD_PANELS, latest_entries, record_over_time
from analysis.transforms.sources import corrections_for, with_sources

__all__ = [
    "DATED_TABLES",
    "DATE_TOLERANCE_DAYS",
    "FIGURE_ORDER",
    "FOLLOWED_KINDS",
    "LINK_COLUMNS",
    "RECORD_PANELS",
    "STANCE_SCORES",
    "check_claim",
    "CHECKED_TABLES",
    "check_claims",
    "compare_sources",
    "corrections_for",
    "differing_interpretations",
    "figure_label",
    "figure_value",
    "figures_named_by",
    "followed_figures",
    "force_size_series",
    "largest_demand",
    "latest_entries",
    "latest_figure",
    "latest_figures",
    "latest_pledges",
    "offer_since",
    "plain_int",
    "pledge_paths",
    "pledge_status_matrix",
    "record_over_time",
    "row_figure_label",
    "select_pledges",
    "shared_facts",
    "stance_by_topic",
    "step_changes",
    "us_backstop",
    "with_sources",
]
