"""The rules the curated tables keep: each check returns its problems, and :func:`check` all of them.

Every check reads the tables as text (:mod:`analysis.csvfile`), so each runs whatever the
others find: one broken cell never hides a quote or a bound problem elsewhere, and a person
fixing the data sees every problem in one message. Only files that cannot be read at all
stop the checks that need their cells.

- readability: each table file is comma-separated UTF-8 text (``csvfile.read_csv``);
- schema: types, required fields, allowed values, primary and foreign keys (frictionless);
- dates: every date lies in the range the charts and pandas can draw;
- bounds: force_size's low and high fit its bound (the schema checks one field at a time);
- quotes: a quote attributed to a seed text appears in it, word for word.
"""

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from analysis.csvfile import CsvText, read_csv
from analysis.errors import DataError, Problem
from analysis.paths import DATA_DIR, DATAPACKAGE, TABLES, seeds_dir, shown_path
from analysis.schema import schema_fields

# Dates the tables, pandas and the charts' time axes can all hold; a date outside is a typo.
EARLIEST_DATE, LATEST_DATE = "1900-01-01", "2099-12-31"
# Which of low and high each bound needs.
BOUND_NEEDS = {
    "exact": ("low", "high"),
    "approximate": ("low", "high"),
    "range": ("low", "high"),
    "at_least": ("low",),
    "at_most": ("high",),
    "in_words": ("in_words",),
}
# A figure given only in words has no number: these stay empty.
IN_WORDS_EMPTY = ("low", "high")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def check(
    data_dir: str | Path = DATA_DIR,
    names: Iterable[str] = TABLES,
    seeds: str | Path | None = None,
    quotes: bool = True,
) -> list[Problem]:
    """Every problem in tables ``names`` (and the files they refer to), as a list of Problems.

    ``quotes=False`` leaves out the seed-quote check (for one table, or without the seeds).
    """
    data_dir = Path(data_dir)
    fields = schema_fields(data_dir)  # the descriptor first: without it nothing else can be checked
    texts, problems = readable(data_dir, TABLES)
    wanted = [name for name in names if name in texts]
    if len(texts) == len(TABLES):  # foreign keys need every table; an unreadable one is already named
        problems += schema_problems(data_dir, wanted)
    problems += date_problems({name: texts[name] for name in wanted}, fields, data_dir)
    if "force_size" in wanted:
        problems += bound_problems(texts["force_size"], data_dir / "force_size.csv")
    if quotes and "sources" in texts:
        problems += seed_quote_problems(texts, data_dir, Path(seeds or seeds_dir()))
    return problems


def validate(data_dir: str | Path = DATA_DIR, seeds: str | Path | None = None, quotes: bool = True) -> dict[str, int]:
    """Every rule on every table, raising one DataError for all problems; the data rows per table.

    Text and frictionless only, no pandas: the report run's own process validates with this,
    and a pandas import there (a third of a second of CPU) would compete with the workers
    warming their kernels on the same cores.
    """
    raise_problems(check(data_dir, seeds=seeds, quotes=quotes))
    return {name: len(read_csv(Path(data_dir) / f"{name}.csv").lines) for name in TABLES}


def raise_problems(problems: list[Problem]) -> None:
    """Raise one DataError listing ``problems``, if there are any."""
    if problems:
        raise DataError(problems)


def readable(data_dir: str | Path, names: Iterable[str]) -> tuple[dict[str, CsvText], list[Problem]]:
    """The tables that read as CSV text ({name: CsvText}), and a problem for each that does not."""
    texts: dict[str, CsvText] = {}
    problems: list[Problem] = []
    for name in names:
        try:
            texts[name] = read_csv(Path(data_dir) / f"{name}.csv")
        except DataError as error:
            problems += error.problems
    return texts, problems


# --- schema (frictionless) --------------------------------------------------------------


def schema_problems(data_dir: str | Path, names: Iterable[str] = TABLES) -> list[Problem]:
    """Frictionless's findings for tables ``names``, each as a Problem with line and column."""
    package = read_package(data_dir)
    if list(names) == list(TABLES):
        report = package.validate()
        tasks, errors = report.tasks, report.errors
    else:
        tasks, errors = [], []
        for name in names:
            report = package.get_resource(name).validate()
            tasks, errors = tasks + report.tasks, errors + report.errors
    keys = {name: resource["schema"].get("primaryKey", [None])[0] for name, resource in schema_fields(data_dir).items()}
    problems: list[Problem] = []
    for task in tasks:
        path = Path(data_dir) / Path(task.place).name if task.place else Path(data_dir) / DATAPACKAGE
        try:
            text = read_csv(path)
            lines, header = [1, *text.lines], text.header
        except DataError:
            lines, header = [], []
        problems += [_problem(error.to_dict(), path, lines, header, keys.get(task.name)) for error in task.errors]
    return problems + [_problem(error.to_dict(), Path(data_dir) / DATAPACKAGE, [], [], None) for error in errors]


def read_package(data_dir: str | Path = DATA_DIR) -> Any:
    """The frictionless Package for ``data_dir``; a broken descriptor raises DataError."""
    import json

    import frictionless

    path = Path(data_dir) / DATAPACKAGE
    try:
        return frictionless.Package(str(path))
    except (frictionless.FrictionlessException, json.JSONDecodeError) as error:
        raise DataError([Problem(shown_path(path), f"not a valid data package: {error}")]) from None


def _problem(error: dict[str, Any], path: Path, lines: list[int], header: list[str], key: str | None) -> Problem:
    """One frictionless error as a Problem naming line, column and value."""

    def line_of(row: int | None) -> int | None:
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


# --- rules across fields ----------------------------------------------------------------


def date_problems(texts: Mapping[str, CsvText], fields: Mapping[str, Any], data_dir: str | Path) -> list[Problem]:
    """A problem for each ISO date outside EARLIEST_DATE..LATEST_DATE (other values: the schema's)."""
    problems: list[Problem] = []
    for name, text in texts.items():
        dates = [field["name"] for field in fields[name]["schema"]["fields"] if field["type"] == "date"]
        shown = shown_path(Path(data_dir) / f"{name}.csv")
        for row, line in zip(text.records(), text.lines, strict=True):
            problems += [
                Problem(
                    shown,
                    f"date out of range: the record holds dates from {EARLIEST_DATE} to {LATEST_DATE}",
                    line=line,
                    column=column,
                    value=row[column],
                )
                for column in dates
                if _ISO_DATE.fullmatch(row.get(column) or "") and not EARLIEST_DATE <= row[column] <= LATEST_DATE
            ]
    return problems


def bound_problems(text: CsvText, path: Path) -> list[Problem]:
    """Force_size's cross-field rules: the bound's values are there, and low <= high."""
    shown, problems = shown_path(path), list[Problem]()
    for row, line in zip(text.records(), text.lines, strict=True):
        low, high, bound = row.get("low", ""), row.get("high", ""), row.get("bound", "")
        problems += [
            Problem(shown, f"bound {bound!r} needs a {column} value", line=line, column=column, value=row.get(column))
            for column in BOUND_NEEDS.get(bound, ())
            if not row.get(column)
        ]
        problems += _in_words_problems(shown, row, line)
        if not (low.isdigit() and high.isdigit()):  # a missing or non-numeric value is named above or by the schema
            continue
        if int(low) > int(high):
            problems.append(Problem(shown, "low is greater than high", line=line, column="low", value=low))
        if bound in ("exact", "approximate") and low != high:
            problems.append(
                Problem(shown, f"bound {bound!r} needs low equal to high", line=line, column="high", value=high)
            )
    return problems


def _in_words_problems(shown: str, row: dict[str, str], line: int) -> list[Problem]:
    """A figure in words has no numbers, and its words are the quote's; no other figure has words.

    The words stand in for a number on every page, so they must be the source's own, not a
    paraphrase (typographic quote marks and spacing aside, as for quotes).
    """
    bound, words = row.get("bound", ""), row.get("in_words", "")
    if bound != "in_words":
        if not words:
            return []
        rule = f"in_words is only for bound 'in_words', not {bound!r}"
        return [Problem(shown, rule, line=line, column="in_words", value=words)]
    problems = [
        Problem(shown, "bound 'in_words' gives no number: leave it empty", line=line, column=column, value=row[column])
        for column in IN_WORDS_EMPTY
        if row.get(column)
    ]
    if words and normalise(words).lower() not in normalise(row.get("quote", "")).lower():
        problems.append(
            Problem(shown, "in_words must be words from the quote", line=line, column="in_words", value=words)
        )
    return problems


# --- quotes -----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Fold typographic quote marks to straight ones and whitespace runs to one space.

    Only these are forgiven: a quote that differs from its seed text in any other character
    is a problem, because the tables are a record of who said what.

    >>> normalise("‘more than’  10,000")
    "'more than' 10,000"
    """
    return re.sub(r"\s+", " ", text.translate(_MARKS)).strip()


def seed_quote_problems(texts: Mapping[str, CsvText], data_dir: str | Path, seeds: str | Path) -> list[Problem]:
    """A problem for each quote attributed to a seed text that is not in it, word for word."""
    sources_path = Path(data_dir) / "sources.csv"
    seed_texts: dict[str, str] = {}
    problems: list[Problem] = []
    for row, line in zip(texts["sources"].records(), texts["sources"].lines, strict=True):
        if not row.get("seed_file"):
            continue
        path = Path(seeds) / row["seed_file"]
        if path.is_file():
            seed_texts[row["source_id"]] = normalise(path.read_text(encoding="utf-8"))
        else:
            problems.append(
                Problem(
                    shown_path(sources_path),
                    f"seed text not found at {path}",
                    line=line,
                    column="seed_file",
                    value=row["seed_file"],
                )
            )
    for name, text in texts.items():
        if "quote" not in text.header:
            continue
        for row, line in zip(text.records(), text.lines, strict=True):
            seed = seed_texts.get(row.get("source_id", ""))
            if seed is not None and normalise(row.get("quote", "")) not in seed:
                problems.append(
                    Problem(
                        shown_path(Path(data_dir) / f"{name}.csv"),
                        f"not found verbatim in the seed text of {row['source_id']}",
                        line=line,
                        column="quote",
                        value=row["quote"],
                    )
                )
    return problems


def seed_quote_count(texts: Mapping[str, CsvText], seeds: str | Path) -> int:
    """How many quotes are attributed to a seed text that is present (what the quote check covers)."""
    present = {
        row["source_id"]
        for row in texts["sources"].records()
        if row.get("seed_file") and (Path(seeds) / row["seed_file"]).is_file()
    }
    return sum(
        1
        for text in texts.values()
        if "quote" in text.header
        for row in text.records()
        if row.get("source_id") in present
    )
