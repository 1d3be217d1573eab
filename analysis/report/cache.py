"""The content-hash cache: a unit whose inputs are unchanged is reused, not run again.

A unit's key hashes everything its output depends on (notebook, parameters, data, code,
library versions, build time); an entry holds the unit's executed notebook and page and the
hash of each, so a damaged entry is found and run again rather than published.
"""

import functools
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from analysis.errors import ReportError
from analysis.files import write_atomic
from analysis.hashing import content_hash
from analysis.paths import DATA_DIR, NOTEBOOKS_DIR, seeds_dir, shown_path

CACHE_NAME = ".report-cache"


# What the cache reads of a unit and of its outcome: an analysis.report.plan.Unit and an
# analysis.report.execute.Outcome (those modules import this one, so it does not import them).
class UnitFields(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def notebook(self) -> str: ...
    @property
    def parameters(self) -> dict[str, Any]: ...


class OutcomeFields(Protocol):
    @property
    def seconds(self) -> float: ...


PACKAGES = (
    "pandas",
    "altair",
    "matplotlib",
    "frictionless",
    "papermill",
    "nbconvert",
    "vl-convert-python",
    "great-tables",
    "itables",
)


def package_versions() -> dict[str, str]:
    """Python's version and each package's in PACKAGES: in every cache key and on every page."""
    return dict(_installed_versions())


@functools.cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    """Read once per process: the lookups parse each package's metadata file (about 8 ms for
    all of them here), and a weekly backfill asks once per unit key, hundreds of times."""
    return (("python", platform.python_version()), *((name, metadata.version(name)) for name in PACKAGES))


def unit_key(unit: UnitFields, data_hash: str, code_hash: str) -> str:
    """Everything a unit's output depends on, hashed: the cache key."""
    notebook = (NOTEBOOKS_DIR / f"{unit.notebook}.ipynb").read_bytes()
    settings = json.dumps(
        [unit.name, unit.parameters, data_hash, code_hash, package_versions(), os.environ.get("SOURCE_DATE_EPOCH", "")],
        sort_keys=True,
    )
    return content_hash(settings, notebook)


def validate_once(cache: Path, data_hash: str, code_hash: str, log: Callable[[str], None] = print) -> dict[str, int]:
    """Validate the data unless this very data and code were validated before; return row counts.

    A stamp in the cache records a passed validation (and whether the seed quotes were checked),
    so a run in which nothing changed need not load pandas or frictionless at all.
    """
    quotes = seeds_dir().is_dir()
    if not quotes:
        log(f"note: seed texts not found at {seeds_dir()}: verbatim-quote check left to `make test`")
    stamp = validation_stamp(cache, data_hash, code_hash)
    try:
        return json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no stamp yet, or a damaged one: validate (again)
        pass
    from analysis.rules import validate  # not analysis.data: this process never needs pandas

    counts = validate(DATA_DIR, quotes=quotes)
    write_atomic(stamp, json.dumps(counts))
    return counts


def validation_stamp(cache: Path, data_hash: str, code_hash: str) -> Path:
    """Where a passed validation of this data by this code is recorded (with the seed quotes, or without them)."""
    return cache / "validated" / f"{data_hash}-{code_hash}-{'quotes' if seeds_dir().is_dir() else 'schema'}.json"


def validated_before(cache: Path, data_hash: str, code_hash: str) -> bool:
    return validation_stamp(cache, data_hash, code_hash).is_file()


def store(entry: Path, folder: Path, unit: UnitFields, outcome: OutcomeFields) -> None:
    """Keep a unit's output in the cache, written to a temporary name and renamed into place.

    With --force an existing entry is replaced: its bytes are the same, only its timing differs.
    """
    shutil.rmtree(entry, ignore_errors=True)
    entry.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".incoming-", dir=entry.parent))
    hashes = {}
    for suffix in (".ipynb", ".html"):
        name = f"{unit.name}{suffix}"
        shutil.copyfile(folder / name, temporary / name)
        hashes[name] = file_hash(temporary / name)
    (temporary / "run.json").write_text(
        json.dumps({"seconds": round(outcome.seconds, 2), "files": hashes}), encoding="utf-8"
    )
    try:
        temporary.rename(entry)
    except OSError:  # another run stored the same key meanwhile: entries are content-addressed, keep it
        shutil.rmtree(temporary, ignore_errors=True)


def file_hash(path: str | Path) -> str:
    return content_hash(Path(path).read_bytes())


def check_cache_folder(cache: Path) -> None:
    """The cache must be a folder (or not exist yet): anything else is named, not overwritten."""
    if cache.exists() and not cache.is_dir():
        raise ReportError(
            f"the report cache {shown_path(cache)} is not a folder; remove it (it only holds copies that a run "
            "rebuilds) and run again"
        )


def cache_entry_intact(entry: Path, unit: UnitFields, log: Callable[[str], None]) -> bool:
    """True when a cache entry holds both files of ``unit`` with the hashes it recorded.

    A missing, truncated or edited entry is reported and run again, never published.
    """
    if not entry.is_dir():
        return False
    try:
        recorded = json.loads((entry / "run.json").read_text(encoding="utf-8"))["files"]
        intact = all(recorded[name] == file_hash(entry / name) for name in (f"{unit.name}.ipynb", f"{unit.name}.html"))
    except (OSError, ValueError, KeyError, TypeError):
        intact = False
    if not intact:
        log(f"  {unit.name:<14} cache entry {shown_path(entry)} is damaged: running it again")
    return intact
