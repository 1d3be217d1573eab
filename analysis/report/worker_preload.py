"""Imported once by a local run's fork server, before it forks the workers: the HTML exporter,
its templates compiled, which each worker then inherits ready.

Each worker built its own (0.3 s of CPU) while the kernel template imported the libraries on
the same two cores; here it is built once. multiprocessing's fork server preloads modules by
name, so this is a module whose import does the work. Dask workers, which have no fork server,
load the exporter in a thread as before (``start_loading_exporter``).
"""

from analysis.report.html import load_exporter_now

load_exporter_now()
