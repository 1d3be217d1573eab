"""Notebook parameters: declared once here, checked before a notebook does any work.

papermill only warns about an unknown parameter and never checks types, so each notebook
calls :func:`check_parameters` right after its ``parameters`` cell, and the report runner
calls :func:`check_run_parameters` before any kernel starts. Both raise
:class:`~analysis.errors.ParameterError`, naming the parameter and what is allowed.
"""

import csv
import datetime as dt

from analysis.errors import ParameterError
from analysis.paths import DATA_DIR

AS_OF_ALLOWED = "an ISO date YYYY-MM-DD (e.g. 2025-09-05), or None for all data"

SCALES = ("log", "linear")
DEFAULT_SOURCES = ("spectator_morenets", "brookings_pifer")

# Each notebook's parameters and their defaults: the one place they are declared.
NOTEBOOK_PARAMETERS = {
    "overview": {"as_of": None},
    "force_size": {"as_of": None, "scale": "log"},
    "pledges": {"as_of": None, "actor": None, "contribution": None},
    "perspectives": {"as_of": None, "source_a": DEFAULT_SOURCES[0], "source_b": DEFAULT_SOURCES[1]},
}
# Names IPython puts in a notebook's namespace, which are not parameters.
_IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "open"}
_PLAIN = (str, int, float, bool, type(None), list, dict, tuple)


def check_parameters(notebook, namespace):
    """Check a notebook's parameter values; return them as a dict.

    ``namespace`` is the notebook's ``globals()``: any plain lower-case value in it that is
    not a declared parameter was injected by mistake (papermill passes unknown names
    silently). Upper-case names are constants imported from ``analysis``, not parameters.
    """
    values = {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_") and not name.isupper() and name not in _IPYTHON_NAMES and isinstance(value, _PLAIN)
    }
    return check_run_parameters(notebook, values)


def check_run_parameters(notebook, values):
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


def parse_iso_date(value):
    """``value`` (an ISO date string or a date) as a ``datetime.date``, or ParameterError for as_of.

    >>> parse_iso_date("2025-09-05")
    datetime.date(2025, 9, 5)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError("as_of", value, AS_OF_ALLOWED)


def _check_as_of(value):
    if value is not None and not isinstance(value, str):
        raise ParameterError("as_of", value, AS_OF_ALLOWED)
    if value is not None:
        parse_iso_date(value)


def column_values(table, column, data_dir=None):
    """The values of one column of a table, read straight from its CSV (light: no pandas)."""
    with open((data_dir or DATA_DIR) / f"{table}.csv", newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def _check_scale(value):
    if value not in SCALES:
        raise ParameterError("scale", value, " or ".join(repr(s) for s in SCALES))


def _one_of_column(name, table, column, allow_none):
    def check(value):
        if value is None and allow_none:
            return
        known = column_values(table, column)
        if not isinstance(value, str) or value not in known:
            allowed = ", ".join(dict.fromkeys(known))
            raise ParameterError(name, value, ("None (all) or one of: " if allow_none else "one of: ") + allowed)

    return check


def _one_of_enum(name, table, column):
    def check(value):
        from analysis.schema import schema_fields

        fields = schema_fields()[table]["schema"]["fields"]
        allowed = next(f for f in fields if f["name"] == column)["constraints"]["enum"]
        if value is not None and value not in allowed:
            raise ParameterError(name, value, "None (all) or one of: " + ", ".join(allowed))

    return check


_CHECKS = {
    "as_of": _check_as_of,
    "scale": _check_scale,
    "actor": _one_of_column("actor", "actors", "actor_id", allow_none=True),
    "contribution": _one_of_enum("contribution", "pledges", "contribution"),
    "source_a": _one_of_column("source_a", "sources", "source_id", allow_none=False),
    "source_b": _one_of_column("source_b", "sources", "source_id", allow_none=False),
}
