"""A whole report run, top to bottom; see the package docstring for what each step promises."""

import concurrent.futures
import dataclasses
import datetime as dt
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from analysis.errors import ParameterError, ReportError, ReportInterrupted
from analysis.hashing import code_version, data_version
from analysis.params import parse_iso_date
from analysis.paths import DATA_DIR, PLAN_FILE, REPORTS_DIR, TABLES, shown_path
from analysis.report.cache import (
    CACHE_NAME,
    cache_entry_intact,
    check_cache_folder,
    package_versions,
    store,
    validate_once,
    validated_before,
)
from analysis.report.execute import ISOLATIONS, Outcome, close_workers, collect, run_unit, start_workers, stop_workers
from analysis.report.outfolder import UnsafeOutputError, check_output_folder, copy_kept, kept_reports, write_marker
from analysis.report.plan import Page, Unit, check_environment, load_plan, params_text, plan_pages, snapshot_request
from analysis.report.publish import output_lock, publish, recover_interrupted_publish
from analysis.report.site import citation, place_pages, record_currency, write_index
from analysis.rules import raise_problems, readable
from analysis.snapshots import snapshot_dates


def _stop_on_signal(signum: int, _frame: FrameType | None) -> NoReturn:
    raise ReportInterrupted(f"stopped by {signal.Signals(signum).name}")


def build_reports(
    as_of: str | None = None,
    out: str | Path = REPORTS_DIR,
    only: Collection[str] | None = None,
    jobs: int | None = None,
    plan_file: str | Path = PLAN_FILE,
    force: bool = False,
    log: Callable[[str], None] = print,
    as_of_range: str | None = None,
    every: str | None = None,
    scheduler: str | None = None,
    prune: bool = False,
    isolation: str = "warm",
) -> list[Outcome]:
    """Run the plan and publish it to ``out``. Returns the list of Outcomes.

    Published reports that the run does not build (``only``, or a shorter plan) are kept as
    they were, unless ``prune`` is set.

    ``as_of_range`` ("START:END") with ``every`` (week or month) builds one report set per
    date (the parameters file may give them as ``snapshots: {range: ..., every: ...}``).
    ``scheduler`` sends the units to a dask.distributed cluster instead of local processes.
    ``isolation`` is "warm" (a worker lends one kernel, reset and checked, to each notebook) or
    "fresh" (a new kernel for every notebook). Raises ParameterError before anything runs,
    DataError for a broken table, ReportError if a unit fails or another run holds the output
    folder.
    """
    if as_of is not None:
        parse_iso_date(as_of)
    if as_of is None:  # an explicit --as-of builds one set of reports, whatever the plan's snapshots say
        as_of_range, every = snapshot_request(plan_file, as_of_range, every)
    if as_of_range is not None and as_of is not None:
        raise ParameterError("as_of", as_of, "no value together with --as-of-range")
    dates = None
    if as_of_range is not None:
        assert every is not None, "snapshot_request gave the interval (as_of is None here)"
        dates = snapshot_dates(as_of_range, every)
    units = load_plan(plan_file, only, as_of)
    if isolation not in ISOLATIONS:
        raise ParameterError("isolation", isolation, " or ".join(ISOLATIONS))
    if jobs is not None and jobs < 1:
        raise ParameterError("jobs", jobs, "a whole number of at least 1")
    check_environment()
    out = Path(out).resolve()
    try:
        check_output_folder(out)
    except UnsafeOutputError as error:
        raise ReportError(str(error)) from None
    handlers = {signum: signal.signal(signum, _stop_on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(out):
            recover_interrupted_publish(out)
            settings = RunSettings(out, jobs or os.cpu_count() or 1, force, log, dates, scheduler, prune, isolation)
            return _build(units, settings)
    except OSError as error:  # a read-only or full disk, a folder that vanished: say where and why
        where = shown_path(error.filename) if error.filename else shown_path(out.parent)
        raise ReportError(
            f"could not write {where}: {error.strerror or error}. Published reports in {shown_path(out)} left unchanged"
        ) from None
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """How a run runs, once its units are planned: where it publishes and how it executes."""

    out: Path
    jobs: int = 1
    force: bool = False
    log: Callable[[str], None] = print
    dates: list[dt.date] | None = None  # snapshot dates; None: one report set as of each unit's as_of
    scheduler: str | None = None  # a dask.distributed address; None: local processes
    prune: bool = False
    isolation: str = "warm"  # see analysis.report.execute.ISOLATIONS

    @property
    def cache(self) -> Path:
        return self.out.parent / CACHE_NAME


def _build(units: list[Unit], settings: RunSettings) -> list[Outcome]:
    """Run what changed (while the data is validated), then publish; see build_reports."""
    raise_problems(readable(DATA_DIR, TABLES)[1])  # a file that is not CSV text fails before any worker starts
    data_hash, code_hash, versions = data_version(), code_version(), package_versions()
    executor = _early_workers(settings, data_hash, code_hash)
    try:
        pages, seen_versions, counts = plan_pages(
            units, settings.dates, data_hash, code_hash, settings.cache, settings.log
        )
        keyed = {key: page.unit for page, key in pages}
        outcomes = _reused(keyed, settings)
        todo = {key: unit for key, unit in keyed.items() if key not in outcomes}
        staging = Path(tempfile.mkdtemp(prefix=f".{settings.out.name}-build-", dir=settings.out.parent))
    except BaseException:
        stop_workers(executor)
        raise
    if not todo:
        stop_workers(executor)
        executor = None
    for outcome in outcomes.values():
        settings.log(f"  {outcome.unit.name:<14} unchanged: reused ({params_text(outcome.unit.parameters)})")
    runs = staging / ".run"
    packages, cite = ", ".join(f"{k} {v}" for k, v in versions.items()), citation()

    def facts(key: str) -> list[tuple[str, str]]:
        """What a page says about its run: in its cache key, so never stale when reused."""
        return [("Data version", seen_versions[key]), ("Package versions", packages), ("How to cite", cite)]

    def validate() -> dict[str, int]:
        """Here, while the units run on the workers (a snapshot run validated while planning).

        The index's facts on how current the record is are worked out here too, once per data
        version: they need pandas, whose import then overlaps the workers' warm-up instead of
        coming after the last unit, when the run has only its own process left to wait on.
        """
        yield_the_cores()
        checked = counts or validate_once(settings.cache, data_hash, code_hash, settings.log)
        record_currency(settings.cache, data_hash)
        return checked

    def keep(key: str, outcome: Outcome) -> None:
        """A unit that ran well: into the cache, its pages into staging, while the others still run."""
        if outcome.result == "ok":
            store(settings.cache / key, runs / key, todo[key], outcome)
            place_pages(pages, settings.cache, staging, keys={key})

    ran, counts = _execute(todo, runs, facts, data_hash, settings, staging, validate, executor, keep)
    outcomes |= ran
    _raise_for_failures(outcomes, runs, settings)
    shutil.rmtree(runs, ignore_errors=True)
    _assemble(staging, pages, data_hash, versions, counts, settings, placed=todo.keys())
    summary(outcomes.values(), settings.log)
    changed = publish(staging, settings.out)
    settings.log(f"reports {'published' if changed else 'unchanged'}: {shown_path(settings.out / 'index.html')}")
    return list(outcomes.values())


def _reused(keyed: Mapping[str, Unit], settings: RunSettings) -> dict[str, Outcome]:
    """The units whose cache entry is intact (none with --force), as 'cached' outcomes."""
    check_cache_folder(settings.cache)
    if settings.force:
        return {}
    return {
        key: Outcome(unit, result="cached")
        for key, unit in keyed.items()
        if cache_entry_intact(settings.cache / key, unit, settings.log)
    }


def yield_the_cores() -> None:
    """Lower this thread's priority (Linux schedules threads one by one): the data is validated
    while the kernel template and the workers start, and nothing runs until they have, whereas
    the validation is needed only before anything is published."""
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, min(os.getpriority(os.PRIO_PROCESS, thread) + 10, 19))
    except OSError:  # a system that will not: the thread runs at the run's priority
        pass


def _early_workers(settings: RunSettings, data_hash: str, code_hash: str) -> concurrent.futures.Executor | None:
    """Workers started before a snapshot run plans its pages, so that their kernels warm up while
    the run validates the data and hashes what each date can see (a second or two, before any
    unit could be sent). Only when units will most likely run: with --force, or for data or
    code this cache has not validated; a rebuild in which nothing changed starts none."""
    if settings.dates is None or not (settings.force or not validated_before(settings.cache, data_hash, code_hash)):
        return None
    return _started_workers(settings, settings.jobs, data_hash)


def _started_workers(settings: RunSettings, count: int, data_hash: str) -> concurrent.futures.Executor:
    try:
        return start_workers(settings.scheduler, count, data_hash, settings.isolation)
    except Exception as error:  # e.g. no dask installed, or the scheduler cannot be reached
        raise ReportError(f"could not start the workers ({type(error).__name__}: {error}); nothing was run") from None


def _execute(
    todo: Mapping[str, Unit],
    runs: Path,
    facts: Callable[[str], list[tuple[str, str]]],
    data_hash: str,
    settings: RunSettings,
    staging: Path,
    validate: Callable[[], dict[str, int]],
    executor: concurrent.futures.Executor | None = None,
    finished: Callable[[str, Outcome], None] = lambda key, outcome: None,
) -> tuple[dict[str, Outcome], dict[str, int]]:
    """Run ``todo`` on the workers (``executor``, or ones started here) while ``validate()``
    checks the data here; return the outcomes and the row counts ``validate`` gave.
    ``finished(key, outcome)`` is called as each unit finishes, once the data has passed.

    The data is validated in a thread from the start: starting local workers waits while their
    fork server imports what they need, and a cluster's client waits for its scheduler.
    Nothing built from data that fails validation is kept; a stopped or broken run stops its
    workers and says where its partial build is.
    """
    out = settings.out
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="validate") as checking:
        checked = checking.submit(validate)
        executor, futures = _submitted(todo, runs, facts, data_hash, settings, staging, executor)
        try:
            counts = checked.result()
        except BaseException:
            stop_workers(executor)
            shutil.rmtree(staging, ignore_errors=True)  # built from data that failed validation
            raise
    try:
        outcomes = collect(futures, todo, settings.log, finished)
    except OSError:  # ``finished`` could not write: build_reports names the file and the reason
        stop_workers(executor)
        raise
    except ReportInterrupted as stop:
        stop_workers(executor)
        raise ReportInterrupted(
            f"{stop}: nothing published, {shown_path(out)} left unchanged; partial build in {shown_path(staging)}"
        ) from None
    except Exception as error:  # a worker died (out of memory, killed), or the cluster went away
        stop_workers(executor)
        raise ReportError(
            f"the run broke off ({type(error).__name__}: {error}); nothing published, {shown_path(out)} left "
            f"unchanged; partial build in {shown_path(staging)}"
        ) from None
    except BaseException:
        stop_workers(executor)
        raise
    close_workers(executor)
    return outcomes, counts


def _submitted(
    todo: Mapping[str, Unit],
    runs: Path,
    facts: Callable[[str], list[tuple[str, str]]],
    data_hash: str,
    settings: RunSettings,
    staging: Path,
    executor: concurrent.futures.Executor | None,
) -> tuple[concurrent.futures.Executor | None, dict[concurrent.futures.Future[tuple[float, str]], str]]:
    """The workers (``executor``, else started here; None when nothing is to run) and a Future
    per unit key of ``todo``."""
    if not todo:
        return None, {}
    if executor is None:
        try:
            executor = _started_workers(settings, min(settings.jobs, len(todo)), data_hash)
        except ReportError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return executor, {
        executor.submit(run_unit, unit, runs / key, facts(key), data_hash, settings.isolation): key
        for key, unit in todo.items()
    }


def _raise_for_failures(outcomes: Mapping[str, Outcome], runs: Path, settings: RunSettings) -> None:
    failed = {key: o for key, o in outcomes.items() if o.result == "failed"}
    if not failed:
        return
    summary(outcomes.values(), settings.log)
    names = "; ".join(
        f"{o.unit.name} ({o.message}), executed notebook kept at {shown_path(runs / key / o.unit.name)}.ipynb"
        for key, o in failed.items()
    )
    raise ReportError(
        f"{len(failed)} of {len(outcomes)} reports failed: {names}. Published reports in {shown_path(settings.out)} "
        "left unchanged"
    )


def _assemble(
    staging: Path,
    pages: Sequence[tuple[Page, str]],
    data_hash: str,
    versions: Mapping[str, str],
    counts: Mapping[str, int],
    settings: RunSettings,
    placed: Collection[str] = (),
) -> None:
    """The whole site in staging: the run's pages (those of units not ``placed`` already), the
    published pages it keeps, index and manifest."""
    place_pages(pages, settings.cache, staging, keys={key for _, key in pages} - set(placed))
    built = {(page.folder, page.unit.name) for page, _ in pages}
    kept = [] if settings.prune else kept_reports(settings.out, built)
    copy_kept(settings.out, staging, kept)
    if kept:
        settings.log(f"kept as published: {', '.join(sorted({report['html'] for report in kept}))}")
    write_marker(staging)
    write_index(staging, pages, settings.cache, data_hash, versions, counts, settings.out, kept)


def summary(outcomes: Iterable[Outcome], log: Callable[[str], None]) -> None:
    log(f"{'report':<14} {'result':<8} {'seconds':>7}  parameters")
    for o in sorted(outcomes, key=lambda o: o.unit.name):
        log(f"{o.unit.name:<14} {o.result:<8} {o.seconds:>7.1f}  {params_text(o.unit.parameters)}")
