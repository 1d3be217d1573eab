"""Where a run may publish, and what a publish keeps: a run never destroys what it did not make.

Publishing swaps a freshly built folder in for the output folder, so whatever was in that
folder goes. That is only safe for a folder this tool made: each published site carries a
marker file, and a run refuses any other folder that is not empty, a file, and any folder
that holds the project, its data or its notebooks. A run that builds only some reports
(``--only``, a shorter parameters file) keeps the other published reports as they were.
"""

import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from analysis.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, shown_path

MARKER = ".analysis-reports"
MARKER_TEXT = "This folder is a report site published by `python -m analysis report`; runs replace it whole.\n"


class UnsafeOutputError(RuntimeError):
    """The output folder is not one a run may replace; the message says how to proceed."""


def write_marker(folder: str | Path) -> None:
    """Mark ``folder`` as a site this tool built (done in staging, before it is swapped in)."""
    (Path(folder) / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def is_site(folder: str | Path) -> bool:
    """True for a folder this tool published: it has the marker, or (sites published before
    the marker existed) a manifest of this tool's format."""
    folder = Path(folder)
    if (folder / MARKER).is_file():
        return True
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return {"data", "versions", "reports"} <= manifest.keys() and "version" in manifest["data"]
    except (OSError, ValueError, AttributeError, TypeError):
        return False


def check_output_folder(out: str | Path) -> None:
    """Raise UnsafeOutputError unless ``out`` is new, empty, or a site this tool published."""
    out = Path(out).resolve()
    protected = {PROJECT_ROOT: "the project", Path(DATA_DIR).resolve(): "the data", NOTEBOOKS_DIR: "the notebooks"}
    for folder, what in protected.items():
        if out == folder or out in folder.parents:
            raise UnsafeOutputError(
                f"--out {shown_path(out)} holds {what}; a publish replaces its folder whole. "
                "Give a folder of its own, e.g. --out reports"
            )
        if folder in out.parents and what != "the project":
            raise UnsafeOutputError(f"--out {shown_path(out)} is inside {what}; give a folder outside it")
    if out.exists() and not out.is_dir():
        raise UnsafeOutputError(f"--out {shown_path(out)} is a file, not a folder; give a folder")
    if out.is_dir() and any(out.iterdir()) and not is_site(out):
        raise UnsafeOutputError(
            f"--out {shown_path(out)} already holds files that this tool did not publish (no {MARKER} marker), "
            "and a publish would replace them. Give a new or empty folder, or move those files away first"
        )


def _published_reports(out: str | Path) -> list[Any]:
    """The report entries of the last published manifest ([] when there is none)."""
    try:
        reports = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))["reports"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return reports if isinstance(reports, list) else []


def in_published_order(out: str | Path, reports: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``reports`` in the order the last publish listed them, new ones after, so a partial run
    does not reshuffle the index."""
    order = {
        (r.get("snapshot", ""), r.get("name")): i for i, r in enumerate(_published_reports(out)) if isinstance(r, dict)
    }
    return sorted(reports, key=lambda r: order.get((r["snapshot"], r["name"]), len(order)))


def kept_reports(out: str | Path, built: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The published report entries a run does not rebuild (from the last manifest), to keep.

    ``built`` is the set of (snapshot folder, report name) pairs the run builds.
    """
    previous = _published_reports(out)
    return [
        report
        for report in previous
        if isinstance(report, dict)
        and (report.get("snapshot", ""), report.get("name")) not in built
        and all(_published_file(out, report.get(key)) for key in ("html", "notebook_file"))
    ]


def _published_file(out: str | Path, name: object) -> bool:
    """True when ``name`` is a file inside ``out`` (a manifest entry cannot point elsewhere)."""
    if not isinstance(name, str) or not name:
        return False
    path = (Path(out) / name).resolve()
    return path.is_relative_to(Path(out).resolve()) and path.is_file()


def copy_kept(out: str | Path, staging: str | Path, reports: Iterable[Mapping[str, Any]]) -> None:
    """Copy the kept reports' published files into the staging folder, byte for byte."""
    for report in reports:
        for key in ("html", "notebook_file"):
            target = Path(staging) / report[key]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(out) / report[key], target)
