"""What a run will do: its units (notebook + parameters), its pages, and checks before anything runs.

Everything here happens before a kernel starts, so a bad parameters file, parameter or
setting stops the run with a clear error and nothing else done.
"""

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import ParameterError
from analysis.params import check_run_parameters
from analysis.paths import NOTEBOOKS_DIR, PLAN_FILE, shown_path
from analysis.report.cache import unit_key, validate_once


@dataclasses.dataclass(frozen=True, eq=False)
class Unit:
    """One report: a notebook run with one parameter set, published as ``name``.ipynb/.html."""

    name: str
    notebook: str
    parameters: dict[str, Any]


@dataclasses.dataclass(frozen=True, eq=False)
class Page:
    """Where a unit's output is published: ``folder/name``.html and .ipynb (folder '' = top).

    In a snapshot run the folder is the snapshot's date, and ``record_as_of`` the effective
    date the unit ran with (the last change to the record on or before that date).
    """

    folder: str
    unit: Unit
    record_as_of: str = ""


def read_plan_file(plan_file: str | Path = PLAN_FILE) -> dict[str, Any]:
    """The parameters file as a dict with a 'reports' list, or ParameterError naming the file."""
    try:
        plan = yaml.safe_load(Path(plan_file).read_text(encoding="utf-8"))
        plan["reports"] + []
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise ParameterError(
            "params", str(plan_file), f"a readable YAML file with a 'reports' list ({error})"
        ) from None
    return plan


def load_plan(
    plan_file: str | Path = PLAN_FILE, only: Collection[str] | None = None, as_of: str | None = None
) -> list[Unit]:
    """The units of a run, from the parameters file, checked before anything runs."""
    entries = read_plan_file(plan_file)["reports"]
    if not entries:
        raise ParameterError("reports", entries, f"at least one report in the parameters file {shown_path(plan_file)}")
    units: list[Unit] = []
    for entry in entries:
        notebook = entry.get("notebook") if isinstance(entry, dict) else None
        if not isinstance(notebook, str) or not (NOTEBOOKS_DIR / f"{notebook}.ipynb").is_file():
            known = ", ".join(sorted(path.stem for path in NOTEBOOKS_DIR.glob("*.ipynb")))
            raise ParameterError("notebook", notebook, f"a notebook in notebooks/: {known}")
        parameters = entry.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise ParameterError("parameters", parameters, f"a mapping of names to values for {notebook}")
        name = entry.get("name", notebook)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise ParameterError("name", name, "letters, digits, '_', '.' or '-' (it names the report's files)")
        checked = check_run_parameters(notebook, {**parameters, **({"as_of": as_of} if as_of is not None else {})})
        units.append(Unit(name, notebook, {k: v for k, v in checked.items() if v is not None}))
    names = [unit.name for unit in units]
    if len(set(names)) != len(names):
        raise ParameterError("name", names, "a different name for each report in the parameters file")
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise ParameterError("only", unknown, ", ".join(names))
        units = [unit for unit in units if unit.name in only]
    return units


def snapshot_request(plan_file: str | Path, as_of_range: str | None, every: str | None) -> tuple[str | None, str]:
    """The snapshot range and interval: from the command line, else from the parameters file."""
    if as_of_range is None:
        snapshots = read_plan_file(plan_file).get("snapshots")
        if snapshots is not None:
            if not isinstance(snapshots, dict) or "range" not in snapshots:
                raise ParameterError("snapshots", snapshots, "a mapping with 'range' (START:END) and 'every'")
            return snapshots["range"], every or snapshots.get("every", "month")
        if every is not None:
            raise ParameterError("every", every, "only together with --as-of-range")
    return as_of_range, every or "month"


def check_environment() -> None:
    """Settings read from the environment, checked before anything runs.

    An empty or non-numeric ``SOURCE_DATE_EPOCH`` would make every kernel hang at start-up
    (matplotlib and nbconvert read it), so it is an error naming the variable.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and not (epoch.isdigit() and int(epoch) < 2**31):
        raise ParameterError(
            "SOURCE_DATE_EPOCH",
            epoch,
            "unset, or a whole number of seconds since 1970-01-01 (e.g. 1767225600)",
            kind="environment variable",
        )


def plan_pages(
    units: list[Unit],
    dates: list[dt.date] | None,
    data_hash: str,
    code_hash: str,
    cache: Path,
    log: Callable[[str], None],
) -> tuple[list[tuple[Page, str]], dict[str, str], dict[str, int] | None]:
    """The pages of a run with the cache key of the unit that makes each; the data version each
    key sees; the row counts when the data had to be validated first (else None).

    Without dates, each unit is one page at the top. With dates, each unit is run as of each
    date's effective date; dates with the same visible data share one unit (one key), whose
    data version is that of the rows visible then.
    """
    if dates is None:
        pages = [(Page("", unit), unit_key(unit, data_hash, code_hash)) for unit in units]
        return pages, {key: data_hash for _, key in pages}, None
    counts = validate_once(cache, data_hash, code_hash, log)  # the record is read below
    from analysis.snapshots import Record

    record = Record(validated=True)
    versions: dict[str, str]
    pages, versions = [], {}
    visible_on: dict[str, str] = {}  # weekly dates share effective dates: hash each one once
    for day in dates:
        effective = (record.effective_date(day) or day).isoformat()
        if effective not in visible_on:
            visible_on[effective] = record.visible_version(effective)
        visible = visible_on[effective]
        for unit in units:
            dated = dataclasses.replace(unit, parameters={**unit.parameters, "as_of": effective})
            key = unit_key(dated, visible, code_hash)
            pages.append((Page(day.isoformat(), dated, effective), key))
            versions[key] = f"{visible} (the rows known on {effective})"
    return pages, versions, counts


def params_text(parameters: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(parameters.items())) or "defaults"
