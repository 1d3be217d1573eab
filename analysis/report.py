"""Report runs: every notebook through papermill, in parallel, published all or nothing.

One *unit* is one notebook with one parameter set. A run:

1. checks every parameter before any kernel starts;
2. takes a lock on the output folder, so two runs never publish over each other;
3. reuses the cached result of a unit whose notebook, parameters, data and code are
   unchanged (a content hash), and runs the rest in a local process pool or on a Dask
   cluster, while it validates the data (once per data version; snapshot runs validate
   first, as they read the record to plan their dates); nothing is cached or published
   unless validation passes;
4. builds the whole site (executed notebooks, HTML, index.html, manifest.json) in a staging
   folder beside the output, and swaps it in by renaming only when every unit succeeded.

A failed run leaves the published reports as they were and keeps the staging folder, with
the failed executed notebook, for diagnosis.
"""

import concurrent.futures
import dataclasses
import fcntl
import hashlib
import html
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

import yaml

from analysis.errors import ParameterError
from analysis.hashing import data_version, fingerprint
from analysis.params import check_run_parameters, parse_iso_date
from analysis.paths import (
    DATA_DIR,
    NOTEBOOKS_DIR,
    PROJECT_ROOT,
    REPORT_MODE_VARIABLE,
    REPORTS_DIR,
    VALIDATED_DATA_VARIABLE,
    seeds_dir,
    shown_path,
)
from analysis.snapshots import snapshot_dates

PLAN_FILE = PROJECT_ROOT / "reports.yml"
TEMPLATES_DIR = Path(__file__).parent / "templates"
PACKAGES = ("pandas", "altair", "matplotlib", "frictionless", "papermill", "nbconvert", "vl-convert-python")
CACHE_NAME = ".report-cache"
# A cell that runs longer than this fails its report instead of holding the run (and its lock) forever.
CELL_TIMEOUT_SECONDS = 600
# Artefacts that depend only on installed library versions (the inlined Vega bundle).
LIBRARY_CACHE = PROJECT_ROOT / ".cache"


class ReportError(RuntimeError):
    """A run could not publish; the message says why and where to look."""


class ReportInterrupted(ReportError):
    """The run was stopped by a signal (e.g. a scheduler's SIGTERM) before it could publish."""


def _stop_on_signal(signum, _frame):
    raise ReportInterrupted(f"stopped by {signal.Signals(signum).name}")


@dataclasses.dataclass(frozen=True, eq=False)
class Unit:
    """One report: a notebook run with one parameter set, published as ``name``.ipynb/.html."""

    name: str
    notebook: str
    parameters: dict


@dataclasses.dataclass
class Outcome:
    unit: Unit
    seconds: float = 0.0
    result: str = "ok"  # ok, cached, failed
    message: str = ""


# --- planning ---------------------------------------------------------------------------


def read_plan_file(plan_file=PLAN_FILE):
    """The parameters file as a dict with a 'reports' list, or ParameterError naming the file."""
    try:
        plan = yaml.safe_load(Path(plan_file).read_text(encoding="utf-8"))
        plan["reports"] + []
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise ParameterError(
            "params", str(plan_file), f"a readable YAML file with a 'reports' list ({error})"
        ) from None
    return plan


def load_plan(plan_file=PLAN_FILE, only=None, as_of=None):
    """The units of a run, from the parameters file, checked before anything runs."""
    entries = read_plan_file(plan_file)["reports"]
    units = []
    for entry in entries:
        notebook = entry.get("notebook") if isinstance(entry, dict) else None
        if not (NOTEBOOKS_DIR / f"{notebook}.ipynb").is_file():
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


def code_version():
    """A hash of what shapes a report besides its notebook and data: the package, templates, citation."""
    return fingerprint(
        [*Path(__file__).parent.glob("*.py"), *TEMPLATES_DIR.rglob("*.*"), PROJECT_ROOT / "CITATION.cff"]
    )


def package_versions():
    return {"python": platform.python_version(), **{name: metadata.version(name) for name in PACKAGES}}


def unit_key(unit, data_hash, code_hash):
    """Everything a unit's output depends on, hashed: the cache key."""
    notebook = (NOTEBOOKS_DIR / f"{unit.notebook}.ipynb").read_bytes()
    blob = json.dumps(
        [
            unit.name,
            unit.parameters,
            data_hash,
            code_hash,
            package_versions(),
            hashlib.sha256(notebook).hexdigest(),
            os.environ.get("SOURCE_DATE_EPOCH", ""),
        ],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


# --- running one unit (in a worker process) ---------------------------------------------

_EXPORTER = None  # in a worker: a Future of its HTML exporter


def _worker_setup(validated_version):
    """Prepares a worker (a local process, or a Dask worker) to run units: environment and exporter.

    Kernels inherit the environment: report-mode charts, and the data version this run has
    validated (so they need not validate the same bytes again). The first call also imports
    papermill and starts loading the exporter's templates in a thread, which a local run does
    while the parent still validates the data.
    """
    global _EXPORTER
    os.environ[REPORT_MODE_VARIABLE] = "1"
    os.environ[VALIDATED_DATA_VARIABLE] = validated_version
    if _EXPORTER is not None:
        return
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stopping a local worker ends it (and its kernel) at once
    import papermill  # noqa: F401  (imported once here, not per notebook)

    # The exporter loads its templates in a thread while the first notebook's kernel runs.
    _EXPORTER = concurrent.futures.ThreadPoolExecutor(1).submit(_make_exporter)


def _make_exporter():
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.from_notebook_node(nbformat.v4.new_notebook())  # compiles the templates now
    return exporter


def _warm():
    """A no-op task: submitting one per worker starts the workers early."""


def vega_bundle():
    """The Vega, Vega-Lite and vega-embed scripts to inline, built once per vl-convert version.

    Bundling takes about a second, so the result is kept in ``.cache/`` and read from there.
    """
    import vl_convert

    path = LIBRARY_CACHE / f"vega-bundle-{metadata.version('vl-convert-python')}.js"
    if not path.is_file():
        LIBRARY_CACHE.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
        temporary.rename(path)
    return path.read_text(encoding="utf-8")


def run_unit(unit, folder, facts, validated_version):
    """Execute one unit into ``folder`` (notebook, then HTML). Returns (seconds, error or '')."""
    _worker_setup(validated_version)
    import nbformat
    import papermill

    started = time.perf_counter()
    Path(folder).mkdir(parents=True, exist_ok=True)
    executed = Path(folder) / f"{unit.name}.ipynb"
    error = ""
    try:
        papermill.execute_notebook(
            str(NOTEBOOKS_DIR / f"{unit.notebook}.ipynb"),
            str(executed),
            parameters=unit.parameters,
            cwd=str(NOTEBOOKS_DIR),
            progress_bar=False,
            log_output=False,
            record_timing=False,
            request_save_on_cell_execute=False,  # one write at the end, not one per cell
            shutdown_kernel="immediate",
            execution_timeout=CELL_TIMEOUT_SECONDS,
            extra_arguments=["--log-level=ERROR"],  # the kernel's own start-up warnings are not the run's news
        )
    except papermill.PapermillExecutionError as failure:
        error = f"{failure.ename}: {failure.evalue}"
    except Exception as failure:  # a dead or hung kernel, a broken notebook file: the unit fails, the run goes on
        error = f"{type(failure).__name__}: {failure}"
    if executed.is_file():
        notebook = stable_notebook(nbformat.read(executed, as_version=4), unit)
        nbformat.write(notebook, executed)
        if not error:
            executed.with_suffix(".html").write_text(render_html(notebook, unit, facts), encoding="utf-8")
    elif not error:
        error = "papermill wrote no executed notebook"
    return time.perf_counter() - started, error


def stable_notebook(notebook, unit):
    """Drop what differs between identical runs (timings, paths), keep the parameters."""
    notebook.metadata["papermill"] = {"parameters": unit.parameters}
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return notebook


def render_html(notebook, unit, facts):
    """The executed notebook as one self-contained page, with contents and run facts."""
    body, _ = _EXPORTER.result().from_notebook_node(notebook, resources=_page_resources(notebook, unit, facts))
    return add_table_of_contents(body)


def _page_resources(notebook, unit, facts):
    has_charts = any(
        "vega-chart" in output.get("data", {}).get("text/html", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
    run_facts = [
        ("As of", unit.parameters.get("as_of", "the latest data")),
        ("Parameters", _reader_params(unit.parameters)),
        ("Built", build_time()),
        *facts,
    ]
    return {
        "metadata": {"name": notebook_title(notebook)},
        "run_facts": run_facts,
        "report_css": (TEMPLATES_DIR / "report" / "report.css").read_text(encoding="utf-8"),
        "vega_bundle": vega_bundle() if has_charts else "",
    }


def _reader_params(parameters):
    """The run's parameters as a reader knows their values: names and labels, not ids."""
    from analysis.labels import label

    shown = {}
    for name, value in sorted(parameters.items()):
        if name.startswith("source_") and isinstance(value, str):
            value = _row_value("sources", "source_id", value, "publisher")
        elif name == "actor" and isinstance(value, str):
            value = _row_value("actors", "actor_id", value, "name")
        elif name == "contribution" and isinstance(value, str):
            value = label("contribution", value)
        shown[name.replace("_", " ")] = value
    return ", ".join(f"{name}: {value}" for name, value in shown.items()) or "defaults"


def _row_value(table, key, value, column):
    import csv

    with open(DATA_DIR / f"{table}.csv", newline="", encoding="utf-8") as handle:
        return next((row[column] for row in csv.DictReader(handle) if row[key] == value), value)


def build_time():
    """When the report was built: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else time.time()
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"')


def add_table_of_contents(page):
    """Fill the page's contents list from its section headings (h2), linking to their anchors."""
    entries = [(anchor, html.unescape(re.sub(r"<[^>]+>", "", text))) for anchor, text in _HEADING.findall(page)]
    items = "".join(f'<li><a href="#{anchor}">{html.escape(text)}</a></li>' for anchor, text in entries)
    nav = (
        f'<nav class="report-toc" aria-label="Contents"><h2 class="report-toc-title">Contents</h2><ol>{items}'
        "</ol></nav>"
    )
    if not entries:
        return page
    headline = re.search(r'<section[^>]*class="headline"', page)
    if headline:  # the headline comes first; the contents follow it
        end = page.index("</section>", headline.start()) + len("</section>")
        return page[:end] + "\n" + nav + page[end:]
    return page.replace("<main>", "<main>\n" + nav, 1)


def notebook_title(notebook):
    """The notebook's first Markdown heading."""
    return notebook_heading(notebook["cells"])[0]


def notebook_heading(cells):
    """The first Markdown heading of a notebook's cells, and its first paragraph as a summary."""
    for cell in cells:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("# "):
            title, _, rest = source.partition("\n")
            summary = next((part.strip() for part in rest.split("\n\n") if part.strip()), "")
            return title[2:].strip(), re.sub(r"[*`]", "", summary)  # plain text: no Markdown emphasis
    return "Report", ""


# --- the whole run ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class Page:
    """Where a unit's output is published: ``folder/name``.html and .ipynb (folder '' = top).

    In a snapshot run the folder is the snapshot's date, and ``record_as_of`` the effective
    date the unit ran with (the last change to the record on or before that date).
    """

    folder: str
    unit: Unit
    record_as_of: str = ""


def build_reports(
    as_of=None,
    out=REPORTS_DIR,
    only=None,
    jobs=None,
    plan_file=PLAN_FILE,
    force=False,
    log=print,
    as_of_range=None,
    every=None,
    scheduler=None,
):
    """Run the plan and publish it to ``out``. Returns the list of Outcomes.

    ``as_of_range`` ("START:END") with ``every`` (week or month) builds one report set per
    date (the parameters file may give them as ``snapshots: {range: ..., every: ...}``).
    ``scheduler`` sends the units to a dask.distributed cluster instead of local processes.
    Raises ParameterError before anything runs, DataError for a broken table, ReportError if
    a unit fails or another run holds the output folder.
    """
    if as_of is not None:
        parse_iso_date(as_of)
    if as_of is None:  # an explicit --as-of builds one set of reports, whatever the plan's snapshots say
        as_of_range, every = _snapshot_request(plan_file, as_of_range, every)
    if as_of_range is not None and as_of is not None:
        raise ParameterError("as_of", as_of, "no value together with --as-of-range")
    dates = snapshot_dates(as_of_range, every) if as_of_range is not None else None
    units = load_plan(plan_file, only, as_of)
    if jobs is not None and jobs < 1:
        raise ParameterError("jobs", jobs, "a whole number of at least 1")
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    previous_handler = signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        with _lock(out):
            recover_interrupted_publish(out)
            return _build(units, out, jobs or os.cpu_count() or 1, force, log, dates, scheduler)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


def _snapshot_request(plan_file, as_of_range, every):
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


def validate_once(cache, data_hash, code_hash, log=print):
    """Validate the data unless this very data and code were validated before; return row counts.

    A stamp in the cache records a passed validation (and whether the seed quotes were checked),
    so a run in which nothing changed need not load pandas or frictionless at all.
    """
    quotes = seeds_dir().is_dir()
    if not quotes:
        log(f"note: seed texts not found at {seeds_dir()}: verbatim-quote check left to `make test`")
    stamp = cache / "validated" / f"{data_hash}-{code_hash}-{'quotes' if quotes else 'schema'}.json"
    if stamp.is_file():
        return json.loads(stamp.read_text())
    from analysis.data import validate_data

    counts = validate_data(require_seeds=False)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    temporary = stamp.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(counts))
    temporary.replace(stamp)  # a stamp is whole or absent, never half-written
    return counts


def plan_pages(units, dates, data_hash, code_hash, cache, log):
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
    pages, versions = [], {}
    for day in dates:
        effective = (record.effective_date(day) or day).isoformat()
        visible = record.visible_version(effective)
        for unit in units:
            dated = dataclasses.replace(unit, parameters={**unit.parameters, "as_of": effective})
            key = unit_key(dated, visible, code_hash)
            pages.append((Page(day.isoformat(), dated, effective), key))
            versions[key] = f"{visible} (the rows known on {effective})"
    return pages, versions, counts


def _build(units, out, jobs, force, log, dates=None, scheduler=None):
    """Run what changed (while the data is validated), then publish; see build_reports."""
    data_hash, code_hash = data_version(), code_version()
    versions = package_versions()
    cache = out.parent / CACHE_NAME
    pages, seen_versions, counts = plan_pages(units, dates, data_hash, code_hash, cache, log)

    def facts(key):  # what a page says about its run: in its cache key, so never stale when reused
        return [
            ("Data version", seen_versions[key]),
            ("Package versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
            ("How to cite", citation()),
        ]

    keyed = {key: page.unit for page, key in pages}
    outcomes = {
        key: Outcome(unit, result="cached") for key, unit in keyed.items() if not force and (cache / key).is_dir()
    }
    todo = {key: unit for key, unit in keyed.items() if key not in outcomes}
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    runs = staging / ".run"
    try:
        executor = _executor(scheduler, min(jobs, len(todo)), data_hash) if todo else None
    except Exception as error:  # e.g. no dask installed, or the scheduler cannot be reached
        shutil.rmtree(staging, ignore_errors=True)
        raise ReportError(f"could not start the workers ({type(error).__name__}: {error}); nothing was run") from None
    # The units run while the data is validated here; nothing is cached or published unless it passes.
    futures = {executor.submit(run_unit, unit, runs / key, facts(key), data_hash): key for key, unit in todo.items()}
    try:
        counts = counts or validate_once(cache, data_hash, code_hash, log)
    except BaseException:
        _stop_workers(executor)
        shutil.rmtree(staging, ignore_errors=True)  # built from data that failed validation
        raise
    for outcome in outcomes.values():
        log(f"  {outcome.unit.name:<14} unchanged: reused ({_params_text(outcome.unit.parameters)})")
    try:
        outcomes.update(_collect(futures, todo, log))
    except ReportInterrupted as stop:
        _stop_workers(executor)
        raise ReportInterrupted(
            f"{stop}: nothing published, {shown_path(out)} left unchanged; partial build in {shown_path(staging)}"
        ) from None
    except Exception as error:  # a worker died (out of memory, killed), or the cluster went away
        _stop_workers(executor)
        raise ReportError(
            f"the run broke off ({type(error).__name__}: {error}); nothing published, {shown_path(out)} left "
            f"unchanged; partial build in {shown_path(staging)}"
        ) from None
    except BaseException:
        _stop_workers(executor)
        raise
    _close(executor)
    failed = {key: o for key, o in outcomes.items() if o.result == "failed"}
    if failed:
        _summary(outcomes.values(), log)
        names = "; ".join(
            f"{o.unit.name} ({o.message}), executed notebook kept at {shown_path(runs / key / o.unit.name)}.ipynb"
            for key, o in failed.items()
        )
        raise ReportError(
            f"{len(failed)} of {len(keyed)} reports failed: {names}. Published reports in {shown_path(out)} "
            "left unchanged"
        )
    for key, unit in todo.items():
        _store(cache / key, runs / key, unit, outcomes[key])
    shutil.rmtree(runs, ignore_errors=True)
    place_pages(pages, cache, staging)
    write_index(staging, pages, cache, data_hash, versions, counts, out)
    _summary(outcomes.values(), log)
    changed = publish(staging, out)
    log(f"reports {'published' if changed else 'unchanged'}: {shown_path(out / 'index.html')}")
    return list(outcomes.values())


def place_pages(pages, cache, staging):
    """Copy each page's files from the cache into place; snapshot pages get links to their neighbours."""
    folders = sorted({page.folder for page, _ in pages})
    for page, key in pages:
        target = staging / page.folder
        target.mkdir(parents=True, exist_ok=True)
        name = page.unit.name
        shutil.copyfile(cache / key / f"{name}.ipynb", target / f"{name}.ipynb")
        body = (cache / key / f"{name}.html").read_text(encoding="utf-8")
        if page.folder:
            body = add_snapshot_links(body, name, page, folders)
        (target / f"{name}.html").write_text(body, encoding="utf-8")


def add_snapshot_links(body, name, page, folders):
    """A line at the top of a snapshot page: which date it shows, and its previous and next snapshot."""
    index = folders.index(page.folder)
    links = ['<a href="../index.html">all snapshots</a>']
    if index > 0:
        links.insert(0, f'<a href="../{folders[index - 1]}/{name}.html" rel="prev">← {folders[index - 1]}</a>')
    if index < len(folders) - 1:
        links.append(f'<a href="../{folders[index + 1]}/{name}.html" rel="next">{folders[index + 1]} →</a>')
    nav = (
        f'<nav class="snapshot-nav" aria-label="Snapshots"><p>Snapshot of {page.folder}: the record as it stood on '
        f"{page.record_as_of}. {' · '.join(links)}</p></nav>"
    )
    return body.replace("<main>", "<main>\n" + nav, 1)


def _executor(scheduler, count, data_hash):
    """Local worker processes (warmed at once), or a dask.distributed cluster's executor."""
    if scheduler:
        from distributed import Client

        client = Client(scheduler)
        executor = client.get_executor(pure=False)
        executor.client_to_close = client
        return executor
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=count, initializer=_worker_setup, initargs=(data_hash,))
    for _ in range(count):
        pool.submit(_warm)
    return pool


def _close(executor):
    if executor is None:
        return
    executor.shutdown()
    client = getattr(executor, "client_to_close", None)
    if client is not None:
        client.close()


def _stop_workers(executor):
    if executor is None:
        return
    if isinstance(executor, concurrent.futures.ProcessPoolExecutor):
        executor.shutdown(wait=False, cancel_futures=True)
        for worker in multiprocessing.active_children():  # their kernels exit with them
            worker.terminate()
        # Wait for the pool's manager thread to see its workers gone, so that nothing of the pool
        # is left for the interpreter's exit hooks (under load they printed a traceback).
        executor.shutdown(wait=True)
    else:
        executor.shutdown(wait=False)
        _close(executor)


def _collect(futures, units, log):
    """Each unit's outcome as it finishes, with a progress line."""
    outcomes = {}
    for future in concurrent.futures.as_completed(futures):
        key = futures[future]
        unit = units[key]
        seconds, error = future.result()
        outcomes[key] = Outcome(unit, seconds, "failed" if error else "ok", error)
        log(
            f"  {unit.name:<14} {'FAILED' if error else 'ok'} in {seconds:.1f} s ({_params_text(unit.parameters)})"
            + (f": {error}" if error else "")
        )
    return outcomes


def _store(entry, folder, unit, outcome):
    """Keep a unit's output in the cache, written to a temporary name and renamed into place.

    With --force an existing entry is replaced: its bytes are the same, only its timing differs.
    """
    shutil.rmtree(entry, ignore_errors=True)
    entry.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".incoming-", dir=entry.parent))
    for suffix in (".ipynb", ".html"):
        shutil.copyfile(folder / f"{unit.name}{suffix}", temporary / f"{unit.name}{suffix}")
    (temporary / "run.json").write_text(json.dumps({"seconds": round(outcome.seconds, 2)}), encoding="utf-8")
    try:
        temporary.rename(entry)
    except OSError:  # another run stored the same key meanwhile: entries are content-addressed, keep it
        shutil.rmtree(temporary, ignore_errors=True)


def _params_text(parameters):
    return ", ".join(f"{k}={v}" for k, v in sorted(parameters.items())) or "defaults"


def _summary(outcomes, log):
    log(f"{'report':<14} {'result':<8} {'seconds':>7}  parameters")
    for o in sorted(outcomes, key=lambda o: o.unit.name):
        log(f"{o.unit.name:<14} {o.result:<8} {o.seconds:>7.1f}  {_params_text(o.unit.parameters)}")


def citation():
    """How to cite, from CITATION.cff (the one place it is written)."""
    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    authors = "; ".join(author.get("name", "") for author in cff.get("authors", []))
    return f"{authors}. {cff['title']}, version {cff['version']}. Code MIT, data CC BY 4.0."


# --- index, manifest, what changed ------------------------------------------------------


def table_rows(data_dir=DATA_DIR):
    """Each table's rows as {primary key: hash of the row's text}, to see what changed between runs."""
    import csv

    tables = {}
    for path in sorted(Path(data_dir).glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))[1:]
        tables[path.stem] = {row[0]: hashlib.sha256("\x1f".join(row).encode()).hexdigest()[:12] for row in rows if row}
    return tables


def data_changes(previous, current):
    """Rows added, changed and removed per table, between two manifests' row hashes."""
    changes = {}
    for table in sorted(set(previous) | set(current)):
        old, new = previous.get(table, {}), current.get(table, {})
        changes[table] = {
            "added": len(new.keys() - old.keys()),
            "removed": len(old.keys() - new.keys()),
            "changed": sum(1 for key in new.keys() & old.keys() if new[key] != old[key]),
        }
    return changes


def write_index(staging, pages, cache, data_hash, versions, counts, out):
    """index.html and manifest.json for the run, comparing the data with the last published run."""
    try:
        previous = json.loads((out / "manifest.json").read_text())["data"]
        previous["version"], previous["rows"]  # noqa: B018  (a manifest of this format)
    except (OSError, ValueError, KeyError, TypeError):  # first run, or an unreadable manifest: nothing to compare
        previous = None
    rows = table_rows()
    if previous is None:
        changes, since = None, None
    elif previous["version"] == data_hash:  # same data: keep describing its last change
        changes, since = previous["changes"], previous["since"]
    else:
        changes, since = data_changes(previous["rows"], rows), previous["version"]
    reports = []
    for page, key in pages:
        unit, prefix = page.unit, f"{page.folder}/" if page.folder else ""
        notebook = json.loads((staging / prefix / f"{unit.name}.ipynb").read_text(encoding="utf-8"))
        title, summary = notebook_heading(notebook["cells"])
        reports.append(
            {
                "name": unit.name,
                "notebook": unit.notebook,
                "snapshot": page.folder,
                "record_as_of": page.record_as_of,
                "title": title,
                "summary": summary,
                "parameters": unit.parameters,
                "seconds": json.loads((cache / key / "run.json").read_text())["seconds"],
                "result": "ok",  # only successful runs publish; reuse shows in the run's summary, not here
                "key": key,
                "html": f"{prefix}{unit.name}.html",
                "notebook_file": f"{prefix}{unit.name}.ipynb",
            }
        )
    manifest = {
        "data": {"version": data_hash, "rows_per_table": counts, "rows": rows, "changes": changes, "since": since},
        "versions": versions,
        "reports": reports,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    page = render_index(reports, data_hash, versions, counts, changes, since, record_currency())
    (staging / "index.html").write_text(page, encoding="utf-8")


def record_currency():
    """How current the published record is: its latest dated entry and latest source, and the build time."""
    from analysis.data import load_table
    from analysis.story import currency_facts
    from analysis.text import safe_url

    names = ("sources", "actors", "force_size", "pledges", "events")
    facts = currency_facts({name: load_table(name) for name in names})
    facts["source_url"] = safe_url(facts.get("source_url"))
    return {**facts, "built": build_time()}


def render_index(reports, data_hash, versions, counts, changes, since, currency=None):
    """A plain, script-free page listing the run's reports (and snapshots) and what changed in the data."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, keep_trailing_newline=True
    )
    latest = {}
    for report in reports:  # one entry per report, from its latest snapshot
        latest[report["name"]] = {**report, "parameters_text": _reader_params(report["parameters"])}
    snapshots = {}
    for report in reports:
        if report["snapshot"]:
            snapshots.setdefault(
                report["snapshot"], {"date": report["snapshot"], "record_as_of": report["record_as_of"], "links": []}
            )
            snapshots[report["snapshot"]]["links"].append(report)
    return environment.get_template("index.html.j2").render(
        reports=list(latest.values()),
        snapshots=list(snapshots.values()),
        data_version=data_hash,
        versions=versions,
        counts=counts,
        changes=changes,
        since=since,
        citation=citation(),
        currency=currency or {},
        table_names={
            "force_size": "force sizes",
            **{t: t for t in ("sources", "actors", "pledges", "events", "claims")},
        },
    )


# --- publishing -------------------------------------------------------------------------


def publish(staging, out):
    """Swap the staging folder in for ``out`` by renaming; return False when nothing changed.

    When every file is byte-identical to what is published, nothing is touched at all.
    """
    if out.is_dir() and _same_files(staging, out):
        shutil.rmtree(staging)
        return False
    staging.chmod(0o755)  # mkdtemp makes it private; published reports are for readers
    retired = _retired(out)
    shutil.rmtree(retired, ignore_errors=True)
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:  # the two renames are not interrupted by a scheduler's SIGTERM
        if out.exists():
            out.rename(retired)
        staging.rename(out)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    shutil.rmtree(retired, ignore_errors=True)
    return True


def _retired(out):
    return out.with_name(f".{out.name}-retired")


def recover_interrupted_publish(out):
    """If a run died between the two renames of a publish, put the last good reports back."""
    retired = _retired(out)
    if retired.is_dir() and not out.exists():
        retired.rename(out)


def _same_files(a, b):
    def files(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    return files(a) == files(b)


class _lock:
    """An exclusive lock beside ``out``: a second run refuses at once, naming the holder."""

    def __init__(self, out):
        self.path = out.with_name(f".{out.name}.lock")

    def __enter__(self):
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise ReportError(
                f"another report run ({holder}) is publishing to {shown_path(self.path.parent)}; "
                "try again when it has finished"
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}")
        self.handle.flush()
        return self

    def __exit__(self, *_):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
