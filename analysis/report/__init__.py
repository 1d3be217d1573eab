"""Report runs: every notebook through papermill, in parallel, published all or nothing.

One *unit* is one notebook with one parameter set. A run (``run.build_reports``):

1. checks every parameter and setting before any kernel starts (``plan``);
2. takes a lock on the output folder, which must be new, empty or a site this tool made,
   so two runs never publish over each other and no run replaces what it did not make
   (``publish``, ``outfolder``);
3. reuses the cached result of a unit whose notebook, parameters, data and code are
   unchanged (``cache``), and runs the rest in a local process pool or on a Dask cluster
   (``execute``), while it validates the data; nothing is cached or published unless
   validation passes;
4. renders each executed notebook as one offline HTML page (``html``) and builds the whole
   site, with index.html and manifest.json, in a staging folder beside the output
   (``site``), then swaps it in by renaming only when every unit succeeded (``publish``).

A failed run leaves the published reports as they were and keeps the staging folder, with
the failed executed notebook, for diagnosis.
"""

from analysis.errors import ReportError, ReportInterrupted
from analysis.paths import PLAN_FILE
from analysis.report.cache import CACHE_NAME
from analysis.report.plan import Unit, load_plan
from analysis.report.run import build_reports

__all__ = ["CACHE_NAME", "PLAN_FILE", "ReportError", "ReportInterrupted", "Unit", "build_reports", "load_plan"]
