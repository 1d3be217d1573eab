"""Notebook parameters: declared once here, checked before a notebook does any work.

papermill only warns about an unknown parameter and never checks types, so each notebook
calls :func:`check_parameters` right after its ``parameters`` cell, and the report runner
calls :func:`check_run_parameters` before any kernel starts. Both raise
:class:`~analysis.errors.ParameterError`, naming the parameter and what is allowed.
"""

import ast
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from analysis.csvfile import read_csv
from analysis.errors import DataError, ParameterError, Problem
from analysis.paths import DATA_DIR, shown_path

# A parameter's check: returns nothing, raises ParameterError for a value that is not allowed.
Check = Callable[[object], None]
AS_OF_ALLOWED = "an ISO date YYYY-MM-DD (e.g. 2025-09-05), or None for all data"

SCALES = ("log", "linear")
SPECTATOR_COLUMN = "spectator_morenets"  # the seed column in The Spectator (Morenets)
BROOKINGS_QA = "brookings_pifer"  # the seed Q&A at Brookings (Pifer)
DEFAULT_SOURCES = (SPECTATOR_COLUMN, BROOKINGS_QA)

# Each notebook's parameters and their defaults: the one place they are declared.
NOTEBOOK_PARAMETERS: dict[str, dict[str, str | None]] = {
    "overview": {"as_of": None},
    "force_size": {"as_of": None, "scale": "log"},
    "pledges": {"as_of": None, "actor": None, "contribution": None},
    "perspectives": {"as_of": None, "source_a": DEFAULT_SOURCES[0], "source_b": DEFAULT_SOURCES[1]},
    "explorer": {"as_of": None},
}


def check_parameters(notebook: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Check a notebook's parameter values; return them as a dict.

    ``namespace`` is the notebook's ``globals()``. The declared parameters' values are
    checked, and so is every name papermill injected (it passes unknown names silently):
    those are the names assigned in papermill's ``# Parameters`` cell, found in IPython's
    input history, so the notebook's own variables never count and cells can be re-run.
    """
    declared = NOTEBOOK_PARAMETERS.get(notebook, {})
    values = {name: namespace[name] for name in declared if name in namespace}
    values.update({name: namespace.get(name) for name in injected_names(namespace.get("In") or [])})
    return check_run_parameters(notebook, values)


def injected_names(history: Iterable[object]) -> set[str]:
    r"""The names assigned in the cells papermill injected (they start with ``# Parameters``).

    >>> sorted(injected_names(["import analysis", "# Parameters\nas_of = '2025-02-15'\ncolour = 'red'\n"]))
    ['as_of', 'colour']
    """
    names: set[str] = set()
    for source in history:
        if isinstance(source, str) and source.lstrip().startswith("# Parameters"):
            for node in ast.parse(source).body:
                targets = node.targets if isinstance(node, ast.Assign) else []
                names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def check_run_parameters(notebook: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check parameter ``values`` for ``notebook`` (before a run); return them, with defaults."""
    if notebook not in NOTEBOOK_PARAMETERS:
        raise ParameterError("notebook", notebook, ", ".join(NOTEBOOK_PARAMETERS))
    declared = NOTEBOOK_PARAMETERS[notebook]
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ParameterError(unknown[0], values[unknown[0]], f"the parameters of {notebook}: {', '.join(declared)}")
    checked = {**declared, **values}
    for name, value in checked.items():
        _CHECKS[name](value)
    if "source_a" in checked and checked["source_a"] == checked["source_b"]:
        raise ParameterError("source_b", checked["source_b"], "a source other than source_a")
    return checked


def check_value(name: str, value: object) -> object:
    """Check one parameter's value, as the Python API's functions do: ParameterError if not allowed.

    >>> check_value("scale", "logarithmic")
    Traceback (most recent call last):
    ...
    analysis.errors.ParameterError: parameter 'scale': got 'logarithmic'; allowed: 'log' or 'linear'
    """
    _CHECKS[name](value)
    return value


def parse_iso_date(value: object) -> dt.date:
    """``value`` (an ISO date string or a date) as a ``datetime.date``, or ParameterError for as_of.

    >>> parse_iso_date("2025-09-05")
    datetime.date(2025, 9, 5)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError("as_of", value, AS_OF_ALLOWED)


def _check_as_of(value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ParameterError("as_of", value, AS_OF_ALLOWED)
    if value is not None:
        parse_iso_date(value)


def column_values(table: str, column: str) -> list[str]:
    """The values of one column of a table, read straight from its CSV (light: no pandas).

    The data may not be validated yet: a missing file or column is a DataError naming it.
    """
    path = DATA_DIR / f"{table}.csv"
    text = read_csv(path)
    if column not in text.header:
        raise DataError([Problem(shown_path(path), f"cannot read column {column!r}: no such column", line=1)])
    return [row[column] for row in text.records()]


def _check_scale(value: object) -> None:
    if value not in SCALES:
        raise ParameterError("scale", value, " or ".join(repr(s) for s in SCALES))


def _one_of_column(name: str, table: str, column: str, allow_none: bool) -> Check:
    def check(value: object) -> None:
        if value is None and allow_none:
            return
        known = column_values(table, column)
        if not isinstance(value, str) or value not in known:
            allowed = ", ".join(dict.fromkeys(known))
            raise ParameterError(name, value, ("None (all) or one of: " if allow_none else "one of: ") + allowed)

    return check


def _all_of(*checks: Check) -> Check:
    """A check that runs each of ``checks`` in turn (a source must exist, then have coded claims)."""

    def check(value: object) -> None:
        for one in checks:
            one(value)

    return check


def _one_of_enum(name: str, table: str, column: str) -> Check:
    def check(value: object) -> None:
        from analysis.schema import schema_fields

        if value is None:
            return
        fields = schema_fields()[table]["schema"]["fields"]
        allowed = next(f for f in fields if f["name"] == column)["constraints"]["enum"]
        if value not in allowed:
            raise ParameterError(name, value, "None (all) or one of: " + ", ".join(allowed))

    return check


_CHECKS: dict[str, Check] = {
    "as_of": _check_as_of,
    "scale": _check_scale,
    # An actor or source the data has nothing for could only give an empty page: not allowed.
    "actor": _one_of_column("actor", "pledges", "actor_id", allow_none=True),
    "contribution": _one_of_enum("contribution", "pledges", "contribution"),
    "source_a": _all_of(
        _one_of_column("source_a", "sources", "source_id", allow_none=False),
        _one_of_column("source_a", "claims", "source_id", allow_none=False),
    ),
    "source_b": _all_of(
        _one_of_column("source_b", "sources", "source_id", allow_none=False),
        _one_of_column("source_b", "claims", "source_id", allow_none=False),
    ),
}
