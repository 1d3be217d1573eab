"""The exceptions users see: bad data, bad parameters, and report runs that cannot publish."""

from collections.abc import Iterable


class DataError(ValueError):
    """A curated table breaks a rule of its schema.

    The message names the file, the line as a person sees it in the file, the column, the
    bad value and the rule broken, so the fix can be made without reading a traceback.
    ``problems`` holds one :class:`Problem` per broken rule.
    """

    def __init__(self, problems: Iterable["Problem"]) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"... and {len(self.problems) - 20} more")
        heading = "1 problem" if len(self.problems) == 1 else f"{len(self.problems)} problems"
        super().__init__(f"{heading} in the curated data:\n" + "\n".join(lines))


class Problem:
    """One broken rule at one place in a file."""

    def __init__(
        self, path: object, rule: str, line: int | None = None, column: str | None = None, value: object = None
    ) -> None:
        self.path, self.rule, self.line, self.column, self.value = path, rule, line, column, value

    def __str__(self) -> str:
        place = str(self.path)
        if self.line is not None:
            place += f", line {self.line}"
        if self.column is not None:
            place += f", column {self.column!r}"
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{place}{value}: {self.rule}"

    def __repr__(self) -> str:
        return f"Problem({self})"


class ParameterError(ValueError):
    """A run parameter is unknown or has a value outside what is allowed."""

    def __init__(self, name: str, value: object, allowed: str, kind: str = "parameter") -> None:
        self.name, self.value, self.allowed = name, value, allowed
        super().__init__(f"{kind} {name!r}: got {value!r}; allowed: {allowed}")


class ReportError(RuntimeError):
    """A run could not publish; the message says why and where to look."""


class ReportInterrupted(ReportError):
    """The run was stopped by a signal (e.g. a scheduler's SIGTERM) before it could publish."""
