"""Data releases: a hash of every published row, so that no change to one goes unrecorded.

Readers cite what they saw. A release (``version`` in ``datapackage.json``) therefore keeps,
in ``data/release-rows.json``, each table's key, its field names and one SHA-256 per row. After
the release, a released row may change only if ``corrections`` holds one row per changed field
whose ``old_value`` and ``new_value`` are the change; a withdrawn row needs a correction whose
field is ``_row``. ``tests/test_release.py`` fails otherwise, so a correction cannot be forgotten.

The hash rule: a row's cells as text (as the CSV holds them, after CSV quoting is undone), paired
with their field names, taken in sorted name order for the fields the release recorded. So:

- changing any cell, even whitespace or ``10000`` to ``10,000``, changes the hash;
- reordering columns alone, or re-quoting the file, does not (no value changed);
- a column added after the release is not part of released rows' hashes (adding a column is a
  schema change for the changelog, not a correction); a released column that is renamed or
  dropped reads as emptied, so every non-empty cell of it needs a correction.

Released correction rows are themselves released rows: they may never change.

``python -m analysis.release`` writes the file for the current version; ``--check`` lists the
unexplained changes. Light: csv, hashlib and json only.
"""

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from analysis.paths import DATA_DIR, DATAPACKAGE, TABLES

RELEASE_FILE = "release-rows.json"
WITHDRAWN = "_row"
# Columns a release renamed, as (table, old name): new name. Corrections made before the rename
# keep the name the field had then, as readers saw it; this says where that field lives now.
RENAMED_FIELDS = {("claims", "force_size_id"): "figure_id"}  # release 1.1.0


def row_hash(row: Mapping[str, str], fields: Iterable[str]) -> str:
    """SHA-256 of a row's values for ``fields``, in sorted field order (missing cells count as empty).

    Sorting the names makes the hash independent of column order; pairing each value with its
    name keeps two swapped values from hashing alike.

    >>> row_hash({"a": "1", "b": "2"}, ["a", "b"]) == row_hash({"b": "2", "a": "1"}, ["b", "a"])
    True
    >>> row_hash({"a": "1", "b": "2"}, ["a", "b"]) == row_hash({"a": "2", "b": "1"}, ["a", "b"])
    False
    """
    pairs = [[name, row.get(name, "")] for name in sorted(fields)]
    text = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_rows(path: str | Path) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of a CSV file as dicts of text, and its field names (no types: hashes see the text)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader), list(reader.fieldnames or [])


def table_keys(data_dir: str | Path = DATA_DIR) -> dict[str, str]:
    """Primary-key field of each table, read from the descriptor."""
    descriptor = json.loads((Path(data_dir) / DATAPACKAGE).read_text(encoding="utf-8"))
    return {resource["name"]: resource["schema"]["primaryKey"][0] for resource in descriptor["resources"]}


def package_version(data_dir: str | Path = DATA_DIR) -> str:
    """The ``version`` the data package declares."""
    return json.loads((Path(data_dir) / DATAPACKAGE).read_text(encoding="utf-8"))["version"]


def build_release(data_dir: str | Path = DATA_DIR) -> dict[str, Any]:
    """The release record of the tables as they are now: version, and per table key, fields and row hashes."""
    keys, tables = table_keys(data_dir), dict[str, Any]()
    for name in TABLES:
        rows, fields = read_rows(Path(data_dir) / f"{name}.csv")
        tables[name] = {
            "key": keys[name],
            "fields": fields,
            "rows": {row[keys[name]]: row_hash(row, fields) for row in rows},
        }
    rule = "sha256 of [[field, text], ...] sorted by field"
    return {"version": package_version(data_dir), "hash_rule": rule, "tables": tables}


def write_release(data_dir: str | Path = DATA_DIR) -> Path:
    """Write ``release-rows.json`` for the current version; return its path."""
    path = Path(data_dir) / RELEASE_FILE
    path.write_text(json.dumps(build_release(data_dir), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_release(data_dir: str | Path = DATA_DIR) -> dict[str, Any]:
    """The last release record, as written by :func:`write_release`."""
    return json.loads((Path(data_dir) / RELEASE_FILE).read_text(encoding="utf-8"))


def later_corrections(release: Mapping[str, Any], corrections: list[dict[str, str]]) -> list[dict[str, str]]:
    """Correction rows made after the release (those whose id the release does not hold), in file order."""
    released = release["tables"]["corrections"]["rows"]
    return [row for row in corrections if row["correction_id"] not in released]


def undo(row: Mapping[str, str], corrections: list[dict[str, str]]) -> tuple[dict[str, str], list[str]]:
    """The row as it was before ``corrections`` (one row's, in file order), and what did not fit.

    Corrections are undone newest first; each must find its ``new_value`` in the field it names,
    or it does not describe the change and is reported.
    """
    before, problems = dict(row), []
    for correction in reversed(corrections):
        field = correction["field"]
        if before.get(field, "") != correction["new_value"]:
            problems.append(f"correction {correction['correction_id']}: {field} is not its new_value")
        before[field] = correction["old_value"]
    return before, problems


def unexplained_changes(release: Mapping[str, Any], data_dir: str | Path = DATA_DIR) -> list[str]:
    """Every released row that differs from the release without corrections explaining it.

    Returns one message per row (empty list: every change is on record). A released row that is
    gone needs a ``_row`` correction; a released correction row must be unchanged.
    """
    corrections, _ = read_rows(Path(data_dir) / "corrections.csv")
    later, problems = later_corrections(release, corrections), list[str]()
    for name, table in release["tables"].items():
        rows, _ = read_rows(Path(data_dir) / f"{name}.csv")
        current = {row[table["key"]]: row for row in rows}
        for row_id, digest in table["rows"].items():
            mine = [c for c in later if c["table"] == name and c["row_id"] == row_id] if name != "corrections" else []
            where = f"{name} {row_id} (release {release['version']})"
            if row_id not in current:
                if not any(c["field"] == WITHDRAWN for c in mine):
                    problems.append(f"{where}: row removed with no '{WITHDRAWN}' correction")
                continue
            before, misfits = undo(current[row_id], [c for c in mine if c["field"] != WITHDRAWN])
            if misfits or row_hash(before, table["fields"]) != digest:
                detail = "; ".join(misfits) or "no correction row explains every changed field"
                problems.append(f"{where}: changed since the release: {detail}")
    return problems


def main(argv: list[str] | None = None, data_dir: str | Path = DATA_DIR) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.release", description="Write or check release-rows.json.")
    parser.add_argument("--check", action="store_true", help="list released rows changed without a correction")
    args = parser.parse_args(argv)
    if args.check:
        problems = unexplained_changes(load_release(data_dir), data_dir)
        print("\n".join(problems) or "every change to a released row has a correction")
        return 1 if problems else 0
    print(f"wrote {write_release(data_dir)} for version {package_version(data_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
