"""Bounded memos: what a report kernel keeps between the units it runs."""

import functools
import hashlib
import inspect
import os
import pickle
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from analysis.paths import REPORT_MODE_VARIABLE

Value = TypeVar("Value")
Function = TypeVar("Function", bound=Callable[..., Any])

# Results a report kernel keeps per function: a weekly backfill's kernel runs some 65 units, and
# a chart or table recurs over neighbouring dates.
KEPT_RESULTS = 64


def kept(memo: dict[Hashable, Value], key: Hashable, make: Callable[[], Value], bound: int) -> Value:
    """``memo[key]``, made by ``make()`` the first time; past ``bound`` entries the oldest goes.

    >>> memo = {}
    >>> kept(memo, "a", lambda: 1, bound=2), kept(memo, "a", lambda: 99, bound=2)
    (1, 1)
    >>> kept(memo, "b", lambda: 2, bound=2), kept(memo, "c", lambda: 3, bound=2)
    (2, 3)
    >>> sorted(memo)  # "a", the oldest, went
    ['b', 'c']
    """
    if key not in memo:
        if len(memo) >= bound:
            del memo[next(iter(memo))]
        memo[key] = make()
    return memo[key]


def kept_for_equal_inputs(function: Function) -> Function:
    """In a report kernel, ``function`` returns what it returned before for equal inputs.

    For the functions that make what a report shows (charts, tables). A weekly backfill shows
    the same chart on many dates: over 105 weeks its kernels showed 257 charts, 72 of them
    distinct, and building one with Altair and writing out its spec took 20-40 ms. Only in
    report runs, whose kernels run one version of the code; in JupyterLab each call makes a new
    result. The inputs are compared exactly (see :func:`input_key`); an input of another kind
    means a new result. The result is shared, so a caller must not change it in place (Altair's
    methods, ``.properties()`` and the like, return a new chart); ``tests/test_isolation.py``
    would see a page that came out differently.
    """
    memo: dict[Hashable, Any] = {}
    signature = inspect.signature(function)

    @functools.wraps(function)
    def made_once(*args: Any, **kwargs: Any) -> Any:
        if not os.environ.get(REPORT_MODE_VARIABLE):
            return function(*args, **kwargs)
        try:
            call = signature.bind(*args, **kwargs)
        except TypeError:  # a wrong call: the function itself says what is wrong with it
            return function(*args, **kwargs)
        call.apply_defaults()  # f(x) and f(x, scale="log") are one call when "log" is the default
        key = input_key(call.args, call.kwargs)
        if key is None:
            return function(*args, **kwargs)
        return kept(memo, key, lambda: function(*args, **kwargs), KEPT_RESULTS)

    return made_once  # type: ignore[return-value]  # the same signature, by functools.wraps


def input_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes | None:
    """A hash of a call's inputs that two calls share only if their inputs are equal; None for an
    input it cannot compare exactly.

    A frame is written out as its columns' names, dtypes and values, its index and its
    ``attrs`` (not pickled as it is: a pickle carries the caches a frame has built, so two
    equal frames would seldom match). Values compare exactly: floats by all their digits, a
    missing value apart from the word "None". Plain values, and lists, tuples and dicts of them,
    compare as they are; any other object (a set, a row from ``itertuples``, a function) gives
    None.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"value": [1.0, 2.0]})
    >>> input_key((frame,), {}) == input_key((frame.copy(),), {})
    True
    >>> input_key((frame,), {}) == input_key((frame + 1e-12,), {})
    False
    >>> input_key((frame, lambda row: row), {}) is None
    True
    """
    try:
        written = pickle.dumps(_written((args, sorted(kwargs.items()))), protocol=5)
    except _NotComparable:
        return None
    return hashlib.sha256(written).digest()


class _NotComparable(Exception):
    pass


def _written(value: Any) -> Any:
    """``value`` as plain values that pickle exactly: a plain value, a date, a time or a missing
    value as it is, lists, tuples and dicts item by item, frames and series as their parts."""
    kind = type(value)
    if kind in _exact_kinds():
        return value
    if kind in (list, tuple):
        return (kind.__name__, [_written(item) for item in value])
    if kind is dict:
        return ("dict", [(_written(key), _written(item)) for key, item in value.items()])
    import pandas as pd

    if kind is pd.DataFrame:
        columns = [_column(column) for _, column in value.items()]
        return ("frame", _column(value.columns), columns, _column(value.index), _written(value.attrs))
    if kind is pd.Series:
        return ("series", _written(value.name), _column(value), _column(value.index), _written(value.attrs))
    raise _NotComparable(kind.__name__)


def _column(values: Any) -> Any:
    """A column or an index: its dtype, with a categorical's categories, and its values."""
    import numpy as np
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":  # numbers, flags, dates: their bits
        return (dtype.str, values.to_numpy().tobytes())
    if isinstance(dtype, pd.CategoricalDtype):  # the categories in order, and each cell's number
        return ("category", dtype.ordered, _column(dtype.categories), values.cat.codes.to_numpy().tobytes())
    return (repr(dtype), [_written(cell) for cell in values.tolist()])


@functools.cache
def _exact_kinds() -> frozenset[type]:
    import datetime as dt

    import pandas as pd

    return frozenset(
        {type(None), str, int, float, bool, dt.date, dt.datetime, pd.Timestamp, pd.Timedelta, type(pd.NA), type(pd.NaT)}
    )
