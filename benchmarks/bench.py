"""Where a report build spends its time, measured in one run on one machine.

Prints each figure, the ratios the project aims for, and whether each target is met:

- the naive loop a user would write (papermill CLI, then jupyter nbconvert CLI, per notebook);
- the floor: one kernel per notebook, started and made to import what the notebooks use, at
  the report run's parallelism;
- the full report build (--force, every chart drawn anew), with warm kernels and with
  --isolation fresh, once more with the charts already drawn (to show what drawing them costs),
  and a rebuild with nothing changed; each timed build publishes into a folder of its own (its
  own cache, so it validates as a first build does); the floor and the warm full build are
  medians of alternated runs;
- `import analysis` against `import pandas`; the size of each published HTML page.

Run with `make bench` (not part of the tests: speed lives here, behaviour in tests/).
"""

import concurrent.futures
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.paths import DRAWINGS
from analysis.report import load_plan
from analysis.report.template import QUIET_KERNEL

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = [unit.notebook for unit in load_plan()]  # the standard run, as reports.yml lists it
JOBS = os.cpu_count() or 1
# The floor and the full build are each timed this often, alternately, and compared as medians:
# one build varies by a second here from run to run (4.4 to 7.1 s in one bench on 2026-12-06).
REPEAT = 5
IMPORTS = "import pandas, altair, matplotlib.pyplot, analysis.charts, analysis.data, analysis.transforms"


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def no_charts_drawn():
    """A full build draws every chart: the SVGs and PNGs kept from earlier runs are removed first."""
    for drawings in DRAWINGS:
        shutil.rmtree(drawings, ignore_errors=True)


def run(*command, env=None):
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env={**os.environ, **(env or {})})


def naive_loop(folder):
    for name in NOTEBOOKS:
        executed = folder / f"{name}.ipynb"
        run(str(BIN / "papermill"), f"notebooks/{name}.ipynb", str(executed), "--cwd", "notebooks")
        run(str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed))


def floor():
    from jupyter_client.manager import start_new_kernel

    def one_kernel(_):
        manager, client = start_new_kernel(
            kernel_name="python3",
            cwd=str(ROOT / "notebooks"),
            extra_arguments=[QUIET_KERNEL],  # as the report run starts its kernels: no start-up warnings
        )
        client.execute_interactive(IMPORTS, timeout=120)
        client.stop_channels()
        manager.shutdown_kernel(now=True)

    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(one_kernel, NOTEBOOKS))


def median_seconds(code, repeat=7):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _seconds(samples):
    return ", ".join(f"{sample:.2f}" for sample in samples) + " s"


def verdict(ok):
    return "met" if ok else "MISSED"


def report_run(scratch, folder, *options):
    """A report run into ``scratch/folder/reports``: a folder of its own holds its own cache, so a
    build there validates the data and works out the index's facts as a first build does."""
    out = scratch / folder / "reports"
    run(sys.executable, "-m", "analysis", "report", "--out", str(out), *options)
    return out


def vega_bundle_built():
    """The Vega scripts every page inlines are bundled once per vl-convert version and kept in
    .cache/ (a second, paid by an installation's first build): built before anything is timed,
    so that no timed build pays it and the others not."""
    from analysis.report.html import vega_bundle

    vega_bundle()


def main():
    vega_bundle_built()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "naive").mkdir()
        naive = timed(lambda: naive_loop(scratch / "naive"))
        floors, fulls = [], []
        for number in range(REPEAT):  # alternated, so that a slow spell of the machine hits both alike
            floors.append(timed(floor))
            no_charts_drawn()
            fulls.append(timed(functools.partial(report_run, scratch, f"full-{number}", "--force")))
        lowest, full = statistics.median(floors), statistics.median(fulls)
        # A first build as above, but with the SVGs the builds before drew: what drawing them costs.
        charts_kept = timed(lambda: report_run(scratch, "charts-kept", "--force"))
        rebuild = timed(lambda: report_run(scratch, "charts-kept"))
        no_charts_drawn()
        fresh = timed(lambda: report_run(scratch, "fresh", "--force", "--isolation", "fresh"))
        out = scratch / "charts-kept" / "reports"
        sizes = {page.name: page.stat().st_size for page in sorted(out.glob("*.html"))}
    python = median_seconds("pass")
    pandas = median_seconds("import pandas") - python
    analysis = median_seconds("import analysis") - python
    analysis_loaded = median_seconds("import analysis; analysis.load_table('force_size')") - python

    print(
        f"machine: {JOBS} cores, Python {sys.version.split()[0]}; {len(NOTEBOOKS)} notebooks, report run with "
        f"--jobs {JOBS}"
    )
    print(f"naive loop (papermill CLI + nbconvert CLI, one by one) {naive:7.2f} s")
    print(f"floor (kernel + imports per notebook, {JOBS} at a time)    {lowest:7.2f} s")
    print(f"  median of {REPEAT}, each run: {_seconds(floors)}")
    print(f"full report build (--force, warm kernels)            {full:7.2f} s")
    print(f"  median of {REPEAT}, each run: {_seconds(fulls)}")
    print(f"full report build, charts already drawn (.cache/)    {charts_kept:7.2f} s  (no target)")
    print(f"full report build (--force --isolation fresh)        {fresh:7.2f} s")
    print(f"rebuild with nothing changed                         {rebuild:7.2f} s")
    print(f"import pandas                                        {pandas:7.3f} s (beyond Python's start-up)")
    print(f"import analysis                                      {analysis:7.3f} s")
    print(f"import analysis + first load_table                   {analysis_loaded:7.3f} s")
    for name, size in sizes.items():
        limit = 3.0 if name == "explorer.html" else 1.5  # MB: the explorer inlines DataTables and every row
        print(f"{name:<20} {size / 1e6:6.2f} MB  target <= {limit} MB: {verdict(size <= limit * 1e6)}")
    print(f"full build / naive loop  {full / naive:5.2f}x  target <= 0.4x: {verdict(full <= 0.4 * naive)}")
    print(f"full build / floor       {full / lowest:5.2f}x  target <= 1.0x: {verdict(full <= lowest)}")
    print(f"fresh build / floor      {fresh / lowest:5.2f}x  (papermill's kernel per notebook; no target)")
    print(f"rebuild / full build     {rebuild / full:5.2f}x  target <= 0.1x: {verdict(rebuild <= 0.1 * full)}")
    print(
        f"import analysis - import pandas  {analysis - pandas:+.3f} s  target <= +0.2 s: "
        f"{verdict(analysis - pandas <= 0.2)}"
    )


if __name__ == "__main__":
    main()
