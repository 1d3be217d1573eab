"""What a notebook can leave behind in a kernel that a later notebook would see, as one hash.

Run inside a warm kernel (see :mod:`analysis.report.kernels`) after its namespace is reset: if
the hash differs from the one taken after the warm-up, the kernel is not lent again. Only
modules already imported are read, so the check imports nothing.
"""

import hashlib
import os
import sys
import warnings
from typing import Any


def fingerprint() -> str:
    """A hash of the kernel's library state: options, styles, themes, folder, environment, paths."""
    return hashlib.sha256(repr(sorted(_state().items())).encode()).hexdigest()


def _state() -> dict[str, Any]:
    state: dict[str, Any] = {
        "cwd": os.getcwd(),
        "environ": sorted(os.environ.items()),
        "sys.path": list(sys.path),
        "warnings": [repr(entry) for entry in warnings.filters],
    }
    modules = sys.modules
    if "IPython" in modules:
        shell = modules["IPython"].get_ipython()
        if shell is not None:
            state["namespace"] = sorted(shell.user_ns)
            state["execution count"] = shell.execution_count
            state["formatters"] = sorted(
                (mime, sorted(map(repr, formatter.type_printers)), sorted(formatter.deferred_printers))
                for mime, formatter in shell.display_formatter.formatters.items()
            )
    if "pandas" in modules:
        pandas = modules["pandas"]
        registered = pandas._config.config._registered_options  # pandas lists its options nowhere public
        state["pandas options"] = sorted((key, repr(pandas.get_option(key))) for key in registered)
    if "matplotlib" in modules:
        state["rcParams"] = sorted((key, repr(value)) for key, value in modules["matplotlib"].rcParams.items())
        if "matplotlib.pyplot" in modules:
            state["figures"] = modules["matplotlib.pyplot"].get_fignums()
    if "altair" in modules:
        altair = modules["altair"]
        state["altair"] = [
            altair.theme.active,
            altair.renderers.active,
            repr(altair.renderers.options),
            altair.data_transformers.active,
            repr(altair.data_transformers.options),
            altair.utils.schemapi.DEBUG_MODE,
        ]
    return state
