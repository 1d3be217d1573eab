"""Load the curated tables as typed pandas DataFrames, validated against ``datapackage.json``.

The rules a table must keep live in :mod:`analysis.rules`; this module raises their
problems as one :class:`DataError` and casts the validated text into pandas types.
"""

import datetime as dt
import functools
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import rules
from analysis.csvfile import read_csv
from analysis.errors import ParameterError
from analysis.hashing import content_hash, data_version
from analysis.params import parse_iso_date
from analysis.paths import DATA_DIR, TABLES, VALIDATED_DATA_VARIABLE, seeds_dir
from analysis.schema import schema_fields

# A day to cut the record at: an ISO date string, a date (or Timestamp), or None for all data.
AsOf = str | dt.date | None
_TRUE = {"true", "True", "TRUE", "1"}


def load_table(name: str, as_of: AsOf = None, data_dir: str | Path = DATA_DIR) -> pd.DataFrame:
    """Return table ``name`` as a typed DataFrame, keeping only what was known on ``as_of``.

    Dates become datetimes, integers nullable ``Int64``, controlled values ordered
    categoricals in the schema's order, text pandas ``string``. With ``as_of``, a row is kept
    when its date and its source's publication date (where known) are on or before that day;
    for a month- or year-precision date that is the first day of the period.

    Raises
    ------
    DataError
        If the table, or a table it refers to, breaks the schema. Nothing partial is returned.
    ParameterError
        If ``name`` is not a table or ``as_of`` is not a date.

    Examples
    --------
    >>> early = load_table("force_size", as_of="2025-02-15")
    >>> bool(early["date"].max() <= pd.Timestamp("2025-02-15"))
    True
    """
    if name not in TABLES:
        raise ParameterError("name", name, ", ".join(TABLES))
    cutoff = parse_as_of(as_of)
    data_dir = Path(data_dir)
    version = data_version(data_dir)
    if not _validated_by_this_run(version):
        _check_once(data_dir, [name], version)
    return _table_known_on(data_dir.resolve(), version, name, cutoff).copy()


def validate_data(
    data_dir: str | Path = DATA_DIR, seeds: str | Path | None = None, require_seeds: bool = True
) -> dict[str, int]:
    """Check everything a report relies on; return the row count per table.

    Runs every rule of :mod:`analysis.rules` on every table (schema, dates, bounds, and that
    quotes attributed to the seed texts appear in them verbatim) and raises one
    :class:`DataError` listing every problem found. With ``require_seeds=False`` the quote
    check is left out when the seed texts are not there (a scheduled run on a machine
    without ../shared).
    """
    data_dir = Path(data_dir)
    quotes = require_seeds or Path(seeds or seeds_dir()).is_dir()
    counts = rules.validate(data_dir, seeds=seeds, quotes=quotes)
    _PASSED.update((data_dir.resolve(), data_version(data_dir), name) for name in TABLES)
    return counts


def load_tables(names: Iterable[str], as_of: AsOf = None, data_dir: str | Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Several tables by name, each as :func:`load_table` gives it: what a notebook starts from."""
    return {name: load_table(name, as_of=as_of, data_dir=data_dir) for name in names}


def first_date(name: str, data_dir: str | Path = DATA_DIR) -> pd.Timestamp:
    """The earliest date in a table's whole record, whatever ``as_of`` a report runs with: where
    its story begins, so a report dated before it can say that nothing was on record yet."""
    return load_table(name, data_dir=data_dir)["date"].min()


def table_sizes(as_of: AsOf = None, data_dir: str | Path = DATA_DIR) -> pd.DataFrame:
    """Rows per table known on ``as_of``, as a one-column DataFrame indexed by table name."""
    sizes = {name: len(load_table(name, as_of=as_of, data_dir=data_dir)) for name in TABLES}
    return pd.DataFrame({"rows": sizes}).rename_axis("table")


def parse_as_of(value: AsOf) -> pd.Timestamp | None:
    """Return ``value`` as a ``pd.Timestamp`` (or None), or raise :class:`ParameterError`.

    >>> parse_as_of("2025-09-05")
    Timestamp('2025-09-05 00:00:00')
    """
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.normalize()
    return pd.Timestamp(parse_iso_date(value))


# (folder, data version, table) for each table this process has found valid: the same bytes
# need not be checked again when a notebook loads a table for the tenth time.
_PASSED: set[tuple[Path, str, str]] = set()


def _check_once(data_dir: Path, names: list[str], version: str) -> None:
    """Raise the problems of tables ``names``, unless these very bytes (``version``) passed before."""
    todo = [name for name in names if (data_dir.resolve(), version, name) not in _PASSED]
    if todo:
        rules.raise_problems(rules.check(data_dir, todo, quotes=False))
        _PASSED.update((data_dir.resolve(), version, name) for name in todo)


def _validated_by_this_run(version: str) -> bool:
    """True in a report run's kernel when the run validated exactly these bytes before starting it."""
    trusted = os.environ.get(VALIDATED_DATA_VARIABLE)
    return bool(trusted) and trusted == version


@functools.lru_cache(maxsize=64)
def _table_known_on(data_dir: Path, version: str, name: str, cutoff: pd.Timestamp | None) -> pd.DataFrame:
    """Table ``name`` of data ``version`` cut at ``cutoff``: kept per version and day, never handed out.

    A notebook loads a table several times, and each notebook of a report set loads the same
    tables at the same day; cutting one costs milliseconds of pandas (``sources`` is looked
    up for each row). The key holds the hash of every data file, so an edit is a new key;
    :func:`load_table` gives each caller its own copy.
    """
    frame = read_validated_table(name, data_dir)
    if cutoff is None:
        return frame
    return frame[_known_on(frame, name, cutoff, data_dir)].reset_index(drop=True)


def data_row_lines(path: str | Path) -> list[int]:
    """The line on which each data row of a CSV file starts (quoted cells may span lines)."""
    return read_csv(path).lines


def read_validated_table(name: str, data_dir: str | Path = DATA_DIR) -> pd.DataFrame:
    """A table as a typed DataFrame, without validating it: only for data just validated.

    A notebook loads a table several times (``sources`` once for each other table it cuts at
    ``as_of``), and casting the text to types is most of the cost: the typed table is kept per
    file, under a hash of the file's bytes and of the schema, and each call gets a copy of it.
    """
    path = Path(data_dir) / f"{name}.csv"
    fields = schema_fields(data_dir)[name]["schema"]["fields"]
    key = content_hash(path.read_bytes(), json.dumps(fields, sort_keys=True))
    kept = _TYPED.get(path.resolve())
    if kept is None or kept[0] != key:
        kept = _TYPED[path.resolve()] = (key, _typed_frame(fields, path))
    return kept[1].copy()


# The last typed table read from each file, with the hash it was read under (see read_validated_table).
_TYPED: dict[Path, tuple[str, pd.DataFrame]] = {}


def _typed_frame(fields: list[dict[str, Any]], path: Path) -> pd.DataFrame:
    """The validated CSV text cast to the schema's types (``fields``: the schema's field dicts)."""
    csv_text = read_csv(path)
    text = pd.DataFrame(csv_text.rows, columns=csv_text.header, dtype="object").replace("", None)
    return pd.DataFrame({field["name"]: _typed_column(text[field["name"]], field) for field in fields})


def _typed_column(column: pd.Series, field: dict[str, Any]) -> pd.Series:
    enum = field.get("constraints", {}).get("enum")
    if field["type"] == "integer":
        return pd.to_numeric(column).astype("Int64")
    if field["type"] == "date":
        return pd.to_datetime(column, format="%Y-%m-%d")
    if field["type"] == "boolean":
        return column.map(lambda cell: pd.NA if pd.isna(cell) else cell in _TRUE).astype("boolean")
    if enum:
        return pd.Series(pd.Categorical(column, categories=enum, ordered=True), name=field["name"])
    return column.astype("string")


def _known_on(frame: pd.DataFrame, name: str, cutoff: pd.Timestamp, data_dir: Path) -> pd.Series:
    """Which rows were known on ``cutoff``."""
    sources = frame if name == "sources" else load_table("sources", data_dir=data_dir)
    known = known_from(frame, name, sources)
    return known.isna() | (known <= cutoff)


def known_from(frame: pd.DataFrame, name: str, sources: pd.DataFrame) -> pd.Series:
    """The day from which each row of table ``name`` was known (NaT: always, e.g. actors).

    The later of the row's own date and its source's publication date, where either is known:
    the one rule behind ``as_of``, snapshot runs and the record-over-time chart.
    """
    parts = []
    if "date" in frame:
        parts.append(frame["date"])
    if name == "sources":
        parts.append(frame["published"])
    elif "source_id" in frame:
        parts.append(frame["source_id"].map(sources.set_index("source_id")["published"]))
    if not parts:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    return pd.concat(parts, axis=1).max(axis=1)
