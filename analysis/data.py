"""Load the curated tables as typed pandas DataFrames, validated against ``datapackage.json``.

Validation is frictionless's (types, required fields, allowed values, primary and foreign
keys); this module only turns its report into one :class:`DataError` whose message a person
can act on, and casts the validated text into pandas types.
"""

import json
import os
import re
from pathlib import Path

import pandas as pd

from analysis.csvfile import check_readable, read_csv
from analysis.errors import DataError, ParameterError, Problem
from analysis.hashing import data_version
from analysis.params import parse_iso_date
from analysis.paths import DATA_DIR, DATAPACKAGE, TABLES, VALIDATED_DATA_VARIABLE, shown_path
from analysis.schema import schema_fields

_TRUE = {"true", "True", "TRUE", "1"}


def load_table(name, as_of=None, data_dir=DATA_DIR):
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
    if not _validated_by_this_run(data_dir):
        check_readable(data_dir, [name])
        _raise_problems(read_package(data_dir).get_resource(name).validate(), data_dir)
        _raise_rule_problems(data_dir, [name])
    frame = read_validated_table(name, data_dir)
    if cutoff is None:
        return frame
    return frame[_known_on(frame, name, cutoff, data_dir)].reset_index(drop=True)


def validate_data(data_dir=DATA_DIR, seeds=None, require_seeds=True):
    """Check everything a report relies on; return the row count per table.

    Validates every table against the schema (all tables at once, so the error lists every
    problem), then checks that quotes attributed to the seed texts appear in them verbatim.
    With ``require_seeds=False`` the quote check is left out when the seed texts are not
    there (a scheduled run on a machine without ../shared). Raises :class:`DataError`.
    """
    from analysis.paths import seeds_dir
    from analysis.quotes import check_seed_quotes

    data_dir = Path(data_dir)
    check_readable(data_dir, TABLES)
    _raise_problems(read_package(data_dir).validate(), data_dir)
    _raise_rule_problems(data_dir)
    if require_seeds or Path(seeds or seeds_dir()).is_dir():
        check_seed_quotes(data_dir, seeds, read=read_validated_table)
    return {name: len(data_row_lines(data_dir / f"{name}.csv")) for name in TABLES}


def table_sizes(as_of=None, data_dir=DATA_DIR):
    """Rows per table known on ``as_of``, as a one-column DataFrame indexed by table name."""
    sizes = {name: len(load_table(name, as_of=as_of, data_dir=data_dir)) for name in TABLES}
    return pd.DataFrame({"rows": sizes}).rename_axis("table")


def parse_as_of(value):
    """Return ``value`` as a ``pd.Timestamp`` (or None), or raise :class:`ParameterError`.

    >>> parse_as_of("2025-09-05")
    Timestamp('2025-09-05 00:00:00')
    """
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.normalize()
    return pd.Timestamp(parse_iso_date(value))


def _validated_by_this_run(data_dir):
    """True in a report run's kernel when the run validated exactly these bytes before starting it."""
    trusted = os.environ.get(VALIDATED_DATA_VARIABLE)
    return bool(trusted) and trusted == data_version(data_dir)


def read_package(data_dir=DATA_DIR):
    """The frictionless Package for ``data_dir``; a broken descriptor raises DataError."""
    import frictionless

    path = Path(data_dir) / DATAPACKAGE
    try:
        return frictionless.Package(str(path))
    except (frictionless.FrictionlessException, json.JSONDecodeError) as error:
        raise DataError([Problem(shown_path(path), f"not a valid data package: {error}")]) from None


def data_row_lines(path):
    """The line on which each data row of a CSV file starts (quoted cells may span lines)."""
    return read_csv(path).lines


def _raise_problems(report, data_dir):
    keys = {name: resource["schema"].get("primaryKey", [None])[0] for name, resource in schema_fields(data_dir).items()}
    problems = []
    for task in report.tasks:
        path = data_dir / Path(task.place).name if task.place else data_dir / DATAPACKAGE
        try:
            text = read_csv(path)
            lines, header = [1, *text.lines], text.header
        except DataError:
            lines, header = [], []
        problems += [_problem(error.to_dict(), path, lines, header, keys.get(task.name)) for error in task.errors]
    problems += [_problem(error.to_dict(), data_dir / DATAPACKAGE, [], None) for error in report.errors]
    if problems:
        raise DataError(problems)


def _problem(error, path, lines, header, key):
    """One frictionless error as a Problem naming line, column and value."""

    def line_of(row):
        return lines[row - 1] if row and row <= len(lines) else row

    row = error.get("rowNumber") or (error.get("rowNumbers") or [None])[0]
    column, value = error.get("fieldName") or None, error.get("cell")
    rule = f"{error['type'].replace('-', ' ')}: {error.get('note') or error['message']}"
    if error["type"] == "foreign-key":
        column, value = error["fieldNames"][0], error["fieldCells"][0]
    elif error["type"] == "primary-key" and key in header and header.index(key) < len(error.get("cells", [])):
        column, value = key, error["cells"][header.index(key)]
        first = re.search(r"position (\d+)", error.get("note", ""))
        rule = f"primary key: the same {key} as on line {line_of(int(first.group(1)))}" if first else rule
    elif "label" in error:
        value = error["label"]
    elif column is None and error.get("fieldNumber"):
        column = f"#{error['fieldNumber']}"
    return Problem(shown_path(path), rule, line=line_of(row), column=column, value=value)


# Which of low and high each bound needs (the schema cannot say so: it checks one field at a time).
BOUND_NEEDS = {
    "exact": ("low", "high"),
    "approximate": ("low", "high"),
    "range": ("low", "high"),
    "at_least": ("low",),
    "at_most": ("high",),
}
# Dates the tables, pandas and the charts' time axes can all hold; a date outside is a typo.
EARLIEST_DATE, LATEST_DATE = "1900-01-01", "2099-12-31"


def _raise_rule_problems(data_dir, names=TABLES):
    """Rules the schema cannot state: force_size's bounds, and every date within range."""
    fields = schema_fields(data_dir)
    problems = []
    for name in names:
        path = Path(data_dir) / f"{name}.csv"
        text = read_csv(path)
        dates = [field["name"] for field in fields[name]["schema"]["fields"] if field["type"] == "date"]
        for row, line in zip(text.records(), text.lines, strict=True):
            problems += [
                Problem(
                    shown_path(path),
                    f"date out of range: the record holds dates from {EARLIEST_DATE} to {LATEST_DATE}",
                    line=line,
                    column=column,
                    value=row[column],
                )
                for column in dates
                if row.get(column) and not EARLIEST_DATE <= row[column] <= LATEST_DATE
            ]
            if name == "force_size":
                problems += _bound_problems(row, shown_path(path), line)
    if problems:
        raise DataError(problems)


def _bound_problems(row, shown, line):
    """Force_size's cross-field rules for one row: the bound's values are there, and low <= high."""
    problems = [
        Problem(shown, f"bound {row['bound']!r} needs a {column} value", line=line, column=column, value=row[column])
        for column in BOUND_NEEDS.get(row["bound"], ())
        if not row[column]
    ]
    if row["low"] and row["high"] and int(row["low"]) > int(row["high"]):
        problems.append(Problem(shown, "low is greater than high", line=line, column="low", value=row["low"]))
    if row["bound"] in ("exact", "approximate") and row["low"] and row["high"] and row["low"] != row["high"]:
        problems.append(
            Problem(
                shown, f"bound {row['bound']!r} needs low equal to high", line=line, column="high", value=row["high"]
            )
        )
    return problems


def read_validated_table(name, data_dir=DATA_DIR):
    """A table as a typed DataFrame, without validating it: only for data just validated."""
    return _typed_frame(schema_fields(data_dir)[name]["schema"]["fields"], Path(data_dir) / f"{name}.csv")


def _typed_frame(fields, path):
    """The validated CSV text cast to the schema's types (``fields``: the schema's field dicts)."""
    text = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return pd.DataFrame({field["name"]: _typed_column(text[field["name"]], field) for field in fields})


def _typed_column(column, field):
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


def _known_on(frame, name, cutoff, data_dir):
    """Which rows were known on ``cutoff``."""
    sources = frame if name == "sources" else load_table("sources", data_dir=data_dir)
    known = known_from(frame, name, sources)
    return known.isna() | (known <= cutoff)


def known_from(frame, name, sources):
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
