"""The data package descriptor (``data/datapackage.json``) as plain dicts: light, no pandas."""

import json
from pathlib import Path
from typing import Any

from analysis.errors import DataError, Problem
from analysis.paths import DATA_DIR, DATAPACKAGE, shown_path


def schema_fields(data_dir: str | Path = DATA_DIR) -> dict[str, dict[str, Any]]:
    """The descriptor of every table, as plain dicts keyed by table name (DataError if unreadable)."""
    path = Path(data_dir) / DATAPACKAGE
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        return {resource["name"]: resource for resource in descriptor["resources"]}
    except OSError as error:
        raise DataError([Problem(shown_path(path), f"cannot be read: {error.strerror or error}")]) from None
    except (ValueError, KeyError, TypeError) as error:
        raise DataError([Problem(shown_path(path), f"not a valid data package: {error}")]) from None
