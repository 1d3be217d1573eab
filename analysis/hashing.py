"""Content hashes: what identifies a version of the data or the code (light: no pandas)."""

import hashlib
from collections.abc import Iterable
from pathlib import Path

from analysis.errors import DataError, Problem
from analysis.paths import DATA_DIR, DATAPACKAGE, PROJECT_ROOT, TABLES, TEMPLATES_DIR, shown_path


def content_hash(*parts: object) -> str:
    """The project's one hash recipe: SHA-256 of the parts (text or bytes), each ended by a NUL,
    cut to 16 hex digits (64 bits: ample for telling versions of a small project apart).

    >>> content_hash("a", b"b") == content_hash("a", "b")
    True
    >>> len(content_hash("anything"))
    16
    """
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part if isinstance(part, bytes) else str(part).encode()) + b"\0")
    return digest.hexdigest()[:16]


def fingerprint(paths: Iterable[str | Path]) -> str:
    """A content hash of files (names and bytes), in a stable order."""
    return content_hash(*(part for path in sorted(Path(p) for p in paths) for part in (path.name, path.read_bytes())))


def code_version() -> str:
    """A hash of what shapes a report besides its notebook and data: the package, templates, citation."""
    package = Path(__file__).resolve().parent
    return fingerprint([*package.rglob("*.py"), *TEMPLATES_DIR.rglob("*.*"), PROJECT_ROOT / "CITATION.cff"])


def data_version(data_dir: str | Path = DATA_DIR) -> str:
    """The data's version: a hash of ``datapackage.json`` and every table.

    Only the package's own files count: a stray file in ``data/`` changes nothing. A file
    that cannot be read is a DataError naming it (validation then says more).
    """
    paths = [Path(data_dir) / f"{name}.csv" for name in TABLES] + [Path(data_dir) / DATAPACKAGE]
    try:
        return fingerprint(paths)
    except OSError as error:
        where = shown_path(error.filename) if error.filename else shown_path(data_dir)
        raise DataError([Problem(where, f"cannot be read: {error.strerror or error}")]) from None
