"""A bounded memo: what a report kernel keeps between the units it runs."""

from collections.abc import Callable, Hashable
from typing import TypeVar

Value = TypeVar("Value")


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
