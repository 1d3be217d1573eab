"""Check that every quote attributed to a seed text appears in it, word for word.

The rule itself lives with the other rules in :mod:`analysis.rules`; this is the entry point
for checking quotes alone (the data tests, and anyone curating a seed text's claims).
"""

from pathlib import Path

from analysis.paths import DATA_DIR, TABLES, seeds_dir
from analysis.rules import normalise, raise_problems, readable, seed_quote_count, seed_quote_problems

__all__ = ["check_seed_quotes", "normalise"]


def check_seed_quotes(data_dir: Path = DATA_DIR, seeds: str | Path | None = None) -> int:
    """Raise :class:`DataError` naming each quote not found verbatim in its seed text.

    Returns the number of quotes checked.
    """
    seeds = Path(seeds or seeds_dir())
    texts, problems = readable(data_dir, TABLES)
    raise_problems(problems + seed_quote_problems(texts, data_dir, seeds))
    return seed_quote_count(texts, seeds)
