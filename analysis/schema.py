"""The data package descriptor (``data/datapackage.json``) as plain dicts: light, no pandas."""

import json
from pathlib import Path

from analysis.paths import DATA_DIR, DATAPACKAGE


def schema_fields(data_dir=DATA_DIR):
    """The descriptor of every table, as plain dicts keyed by table name."""
    descriptor = json.loads((Path(data_dir) / DATAPACKAGE).read_text(encoding="utf-8"))
    return {resource["name"]: resource for resource in descriptor["resources"]}
