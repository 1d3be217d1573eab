"""Where things live. One place for every path and the list of tables."""

import os
from pathlib import Path

DATAPACKAGE = "datapackage.json"


def project_root() -> Path:
    """The project folder: the one holding ``data/``, ``notebooks/`` and ``reports.yml``.

    ``$ANALYSIS_PROJECT_DIR`` if set; else the source checkout this package sits in; else
    (the package installed from a wheel) the nearest folder from the current one upwards
    that holds ``data/datapackage.json``, so that ``python -m analysis`` and the notebooks
    work in any copy of the project's data and notebooks; else the current folder.
    """
    if os.environ.get("ANALYSIS_PROJECT_DIR"):
        return Path(os.environ["ANALYSIS_PROJECT_DIR"]).resolve()
    here = Path.cwd().resolve()
    for folder in (Path(__file__).resolve().parent.parent, here, *here.parents):
        if (folder / "data" / DATAPACKAGE).is_file():
            return folder
    return here


PROJECT_ROOT = project_root()
# ANALYSIS_DATA_DIR points a run at another copy of the tables (tests use broken copies).
DATA_DIR = Path(os.environ.get("ANALYSIS_DATA_DIR", PROJECT_ROOT / "data"))
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
PLAN_FILE = PROJECT_ROOT / "reports.yml"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# Artefacts that depend only on their inputs and installed library versions (the inlined Vega
# bundle, charts drawn as SVG or PNG): safe to delete, made again when needed. ANALYSIS_CACHE_DIR
# puts them elsewhere (a test gives two runs a folder each, so that neither reads what the other drew).
LIBRARY_CACHE = Path(os.environ.get("ANALYSIS_CACHE_DIR", PROJECT_ROOT / ".cache"))
SVG_CACHE = LIBRARY_CACHE / "svg"  # each distinct chart drawn once (analysis.charts.export.chart_svg)
PNG_CACHE = LIBRARY_CACHE / "png"  # each distinct printable figure, in report runs (analysis.charts.export)
DRAWINGS = (SVG_CACHE, PNG_CACHE)  # what a benchmark empties, so that every chart is drawn anew

# Set by the report runner for its kernels: charts are drawn for the offline page, and the
# data version the run validated before starting them need not be validated again.
REPORT_MODE_VARIABLE = "ANALYSIS_REPORT"
VALIDATED_DATA_VARIABLE = "ANALYSIS_VALIDATED_DATA"
DRAWER_VARIABLE = "ANALYSIS_SVG_DRAWER"  # where a local run's chart drawer listens (analysis.report.drawer)

# Table names in dependency order: a table only refers to tables before it.
TABLES = ("sources", "actors", "force_size", "pledges", "events", "claims", "corrections")


def seeds_dir() -> Path:
    """The folder of the two seed texts: ``$ANALYSIS_SEEDS_DIR`` or ``../shared/seeds``.

    The project quotes the seed texts but never copies them, so quotes attributed to them are
    checked against the shared folder beside the checkout.
    """
    return Path(os.environ.get("ANALYSIS_SEEDS_DIR", PROJECT_ROOT.parent / "shared" / "seeds"))


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as a person would type it: relative to the project when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
