"""Content hashes: what identifies a version of the data or the code (light: no pandas)."""

import hashlib
from pathlib import Path

from analysis.paths import DATA_DIR, DATAPACKAGE


def fingerprint(paths):
    """A short content hash of files (names and bytes), in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def data_version(data_dir=DATA_DIR):
    """The data's version: a hash of ``datapackage.json`` and every table."""
    return fingerprint([*Path(data_dir).glob("*.csv"), Path(data_dir) / DATAPACKAGE])
