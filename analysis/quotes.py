"""Check that every quote attributed to a seed text appears in it, word for word.

Only runs of whitespace and typographic quote marks are normalised: a quote that differs
from its seed text in any other character is an error, because the tables are a record of
who said what.
"""

import re
from pathlib import Path

from analysis.errors import DataError, Problem
from analysis.paths import DATA_DIR, TABLES, seeds_dir, shown_path

_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def normalise(text):
    """Fold typographic quote marks to straight ones and whitespace runs to one space.

    >>> normalise("‘more than’  10,000")
    "'more than' 10,000"
    """
    return re.sub(r"\s+", " ", text.translate(_MARKS)).strip()


def check_seed_quotes(data_dir=DATA_DIR, seeds=None, read=None):
    """Raise :class:`DataError` naming each quote not found verbatim in its seed text.

    Returns the number of quotes checked. ``read(name, data_dir)`` reads a table: by default
    ``load_table``, which validates it first.
    """
    from analysis.data import data_row_lines, load_table

    read = read or load_table
    data_dir, seeds = Path(data_dir), Path(seeds or seeds_dir())
    sources = read("sources", data_dir=data_dir)
    seed_rows = sources[sources["seed_file"].notna()]
    texts, problems = {}, []
    sources_lines = data_row_lines(data_dir / "sources.csv")
    for index, row in seed_rows.iterrows():
        path = seeds / row["seed_file"]
        if path.is_file():
            texts[row["source_id"]] = normalise(path.read_text(encoding="utf-8"))
        else:
            problems.append(
                Problem(
                    shown_path(data_dir / "sources.csv"),
                    f"seed text not found at {path}",
                    line=sources_lines[index],
                    column="seed_file",
                    value=row["seed_file"],
                )
            )
    checked = 0
    for name in TABLES:
        table = read(name, data_dir=data_dir)
        if "quote" not in table:
            continue
        lines = data_row_lines(data_dir / f"{name}.csv")
        for index, row in table[table["source_id"].isin(list(texts))].iterrows():
            checked += 1
            if normalise(row["quote"]) not in texts[row["source_id"]]:
                rule = f"not found verbatim in the seed text of {row['source_id']}"
                problems.append(
                    Problem(
                        shown_path(data_dir / f"{name}.csv"),
                        rule,
                        line=lines[index],
                        column="quote",
                        value=row["quote"],
                    )
                )
    if problems:
        raise DataError(problems)
    return checked
