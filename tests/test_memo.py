"""What a report kernel keeps between units: a result for equal inputs, a chart's bundle once.

The pages stay the same bytes as a fresh kernel's (tests/test_isolation.py runs a unit whose
charts and tables all come from the memo); here, what is kept and what is made again.
"""

import altair as alt
import pandas as pd
import pytest

from analysis.charts import force_size_chart
from analysis.charts.export import report_display
from analysis.data import load_table
from analysis.memo import input_key, kept_for_equal_inputs
from analysis.paths import REPORT_MODE_VARIABLE
from analysis.transforms import force_size_series


@pytest.fixture
def report_mode(monkeypatch):
    monkeypatch.setenv(REPORT_MODE_VARIABLE, "1")


def counted():
    """A function that makes a new list each call, and the list of its calls."""
    calls = []

    @kept_for_equal_inputs
    def make(*args, **kwargs):
        calls.append((args, kwargs))
        return [len(calls)]

    return make, calls


def test_equal_inputs_give_the_result_made_for_them_in_a_report_kernel(report_mode):
    make, calls = counted()
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-02-17", "2025-08-31"]), "value": [30000, 10000]})
    first = make(frame, scale="log")
    assert make(frame.copy(), scale="log") is first  # an equal frame, another object
    assert make(frame, scale="linear") is not first
    assert make(frame.assign(value=[30000, 10001]), scale="log") is not first
    assert len(calls) == 3


def test_a_wrong_call_fails_as_the_function_itself_fails(report_mode):
    with pytest.raises(TypeError, match="force_size_chart"):
        force_size_chart(scale="log")


def test_outside_a_report_run_every_call_makes_a_new_result(monkeypatch):
    monkeypatch.delenv(REPORT_MODE_VARIABLE, raising=False)
    make, calls = counted()
    frame = pd.DataFrame({"value": [1]})
    assert make(frame) is not make(frame)
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (pd.DataFrame({"value": [1, 2]}), pd.DataFrame({"value": [1.0, 2.0]})),  # the dtype
        (pd.DataFrame({"value": [1, 2]}), pd.DataFrame({"value": [1, 2]}, index=[5, 6])),  # the index
        (pd.DataFrame({"value": [1, 2]}), pd.DataFrame({"amount": [1, 2]})),  # a column's name
        (pd.DataFrame({"text": [None]}), pd.DataFrame({"text": ["None"]})),  # a missing value and its word
        (pd.DataFrame({"value": [0.1 + 0.2]}), pd.DataFrame({"value": [0.3]})),  # 17 digits, not 15
        ("30000", 30000),
        ([1, 2], (1, 2)),
    ],
)
def test_inputs_that_differ_anyhow_are_not_equal(one, other):
    assert input_key((one,), {}) != input_key((other,), {})


@pytest.mark.parametrize(
    "value",
    [lambda row: row, next(pd.DataFrame({"value": [1]}).itertuples()), {1, 2}, pd.DataFrame({"cell": [{1, 2}]})],
    ids=["a function", "an itertuples row", "a set", "a frame holding a set"],
)
def test_an_input_it_cannot_compare_exactly_makes_a_new_result(report_mode, value):
    make, calls = counted()
    assert input_key((value,), {}) is None
    assert make(value) is not make(value)
    assert len(calls) == 2


def test_a_chart_function_gives_one_chart_for_equal_inputs_in_a_report_kernel(report_mode):
    series = force_size_series(load_table("force_size"), load_table("sources"))
    chart = force_size_chart(series)
    assert force_size_chart(series.copy(), scale="log") is chart  # "log" is the default
    assert force_size_chart(series, scale="linear") is not chart
    assert force_size_chart(series.iloc[:-1]) is not chart


@pytest.fixture
def counting_renderer():
    """Altair's renderer in report runs, counting the specs it is given."""
    specs = []

    def render(spec, **_):
        specs.append(spec)
        return {"text/plain": f"chart {len(specs)}"}

    alt.renderers.register("counting", render)
    with alt.renderers.enable("counting"):
        yield specs


def chart(value):
    return alt.Chart(pd.DataFrame({"x": [value]})).mark_point().encode(x="x:Q")


def test_a_chart_shown_again_gets_the_bundle_it_got_before(counting_renderer):
    shown = chart(1)
    assert report_display(shown) == report_display(shown) == {"text/plain": "chart 1"}
    assert report_display(chart(1)) == {"text/plain": "chart 2"}  # an equal chart, another object: drawn
    assert len(counting_renderer) == 2


def test_a_chart_shown_under_another_theme_is_drawn_again(counting_renderer):
    shown = chart(2)
    report_display(shown)
    with alt.theme.enable("dark"):
        assert report_display(shown) == {"text/plain": "chart 2"}
    assert counting_renderer[1]["config"] != counting_renderer[0].get("config")


def test_the_bundle_given_out_is_a_copy(counting_renderer):
    shown = chart(3)
    report_display(shown)["text/html"] = "<p>changed by whoever shows it</p>"
    assert report_display(shown) == {"text/plain": "chart 1"}
