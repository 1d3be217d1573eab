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


def test_only_sources_with_coded_claims_can_be_compared():
    swapped = {"source_a": "brookings_pifer", "source_b": "spectator_morenets"}
    assert check_run_parameters("perspectives", swapped) == {"as_of": None, **swapped}  # the defaults, either way round
    with pytest.raises(ParameterError) as caught:
        check_run_parameters("perspectives", {"source_a": "liga_wsj_10k"})
    assert "one of: spectator_morenets, brookings_pifer" in str(caught.value)


def test_an_actor_without_pledges_is_refused_listing_those_with_pledges():
    with pytest.raises(ParameterError) as caught:
        check_run_parameters("pledges", {"actor": "RUS"})  # in actors, but no pledge statement of its own
    assert "None (all) or one of: COW, USA, GBR" in str(caught.value)


def test_notebook_check_catches_injected_names_and_allows_re_running_cells():
    fresh = {"as_of": None, "scale": "log", "In": ["from analysis import x", 'as_of = None\nscale = "log"'], "_": None}
    assert check_parameters("force_size", fresh) == {"as_of": None, "scale": "log"}
    # After a first run the notebook's own variables are globals too; re-running must still pass.
    re_run = {**fresh, "params": {"as_of": None}, "name_a": "The Spectator", "series": [1, 2]}
    assert check_parameters("force_size", re_run) == {"as_of": None, "scale": "log"}
    injected = {**fresh, "In": [*fresh["In"], '# Parameters\nscael = "linear"\n'], "scael": "linear"}
    with pytest.raises(ParameterError, match="'scael'"):
        check_parameters("force_size", injected)
    injected_bad_value = {**fresh, "scale": 3, "In": [*fresh["In"], "# Parameters\nscale = 3\n"]}
    with pytest.raises(ParameterError, match="'scale': got 3"):
        check_parameters("force_size", injected_bad_value)


@pytest.mark.parametrize("bad", ["20250215", "2025-W07-6", "2025-2-15"])
def test_as_of_must_be_written_yyyy_mm_dd(bad):
    with pytest.raises(ParameterError, match="'as_of'"):
        check_run_parameters("overview", {"as_of": bad})
