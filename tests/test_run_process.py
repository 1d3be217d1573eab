"""What a report run's own process and its fork server do ahead of the units (fast, no kernel)."""

import importlib.util
import subprocess
import sys

import pytest

from analysis.data import validate_data
from analysis.errors import DataError
from analysis.report.cache import validate_tables
from analysis.report.execute import WORKER_MODULES

from helpers import set_cell


def test_the_run_validates_what_validate_data_validates_without_pandas():
    code = (
        "import sys; from analysis.report.cache import validate_tables; "
        "print(validate_tables(quotes=False)); print('pandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    counts, pandas_loaded = result.stdout.strip().splitlines()
    assert counts == str(validate_data(require_seeds=False))
    assert pandas_loaded == "False"


@pytest.mark.parametrize("quotes", [False, True])
def test_the_run_names_a_broken_cell_as_validate_data_does(data_copy, quotes):
    line = set_cell(data_copy, "pledges", "deu_conditional", "status", "promised")
    with pytest.raises(DataError) as by_run:
        validate_tables(quotes, data_copy)
    with pytest.raises(DataError) as by_data:
        validate_data(data_copy, require_seeds=False)
    assert f"pledges.csv, line {line}, column 'status': value 'promised'" in str(by_run.value)
    assert str(by_run.value) == str(by_data.value)


def test_every_module_the_fork_server_imports_ahead_exists():
    """The fork server skips a module it cannot import without a word: a renamed one would be
    imported by every worker again."""
    assert [name for name in WORKER_MODULES if importlib.util.find_spec(name) is None] == []
