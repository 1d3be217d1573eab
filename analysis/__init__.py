"""Curated facts on Ukraine's post-war security guarantees, as typed pandas tables.

``import analysis`` is kept light: pandas and frictionless load only when a table is first
asked for, so notebooks and the report runner start quickly.

>>> import analysis
>>> analysis.TABLES[:3]
('sources', 'actors', 'force_size')
"""

from typing import Any

from analysis.errors import DataError, ParameterError
from analysis.paths import TABLES

__all__ = ["DataError", "ParameterError", "TABLES", "load_table", "validate_data"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lazy re-exports: importing analysis.data pulls in pandas and frictionless.
    if name in ("load_table", "validate_data"):
        from analysis import data

        return getattr(data, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
