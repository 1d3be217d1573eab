"""Notebook parameters are checked before any work, naming the parameter and what is allowed."""

import pytest

from analysis.errors import ParameterError
from analysis.params import NOTEBOOK_PARAMETERS, check_parameters, check_run_parameters


def test_defaults_pass():
    for notebook, defaults in NOTEBOOK_PARAMETERS.items():
        assert check_run_parameters(notebook, {}) == defaults


@pytest.mark.parametrize(
    ("notebook", "values", "name", "allowed"),
    [
        ("force_size", {"scale": 3}, "scale", "'log' or 'linear'"),
        ("force_size", {"colour": "red"}, "colour", "as_of, scale"),
        ("overview", {"as_of": "2025-02-30"}, "as_of", "ISO date"),
        ("overview", {"as_of": 20250215}, "as_of", "ISO date"),
        ("perspectives", {"source_a": "nope"}, "source_a", "spectator_morenets"),
        ("perspectives", {"source_b": "spectator_morenets"}, "source_b", "other than source_a"),
        ("pledges", {"actor": "XYZ"}, "actor", "USA"),
        ("pledges", {"contribution": "tanks"}, "contribution", "ground_troops"),
        ("nonsense", {}, "notebook", "force_size"),
    ],
)
def test_bad_values_name_the_parameter(notebook, values, name, allowed):
    with pytest.raises(ParameterError) as caught:
        check_run_parameters(notebook, values)
    assert caught.value.name == name
    assert f"parameter {name!r}" in str(caught.value) and allowed in str(caught.value)


def test_any_two_sources_can_be_compared():
    assert check_run_parameters("perspectives", {"source_a": "liga_wsj_10k", "source_b": "polskieradio_tusk"})


def test_namespace_check_finds_injected_names_but_ignores_imports_and_ipython():
    namespace = {
        "as_of": None,
        "scale": "log",
        "In": [],
        "Out": {},
        "_": None,
        "DEFAULT_SOURCES": ("a", "b"),
        "load_table": print,
    }
    assert check_parameters("force_size", namespace) == {"as_of": None, "scale": "log"}
    with pytest.raises(ParameterError, match="'scael'"):
        check_parameters("force_size", {**namespace, "scael": "linear"})
