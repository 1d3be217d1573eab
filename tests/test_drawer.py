"""The run's chart drawer: vl-convert's own SVG, drawn in one process for all the run's kernels."""

import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import vl_convert

from analysis.charts import export
from analysis.charts.export import drawn_by_drawer
from analysis.paths import DRAWER_VARIABLE
from analysis.report.drawer import _answer, start_drawer
from analysis.report.template import stop_server

SPEC = {"data": {"values": [{"x": 1, "y": 2}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}


@pytest.fixture(scope="module")
def drawer(tmp_path_factory):
    process, address = start_drawer(dict(os.environ), tmp_path_factory.mktemp("drawer"))
    yield address
    stop_server(process, address)
    assert not Path(address).parent.exists()  # its socket and private folder are gone


def test_the_drawer_draws_what_vl_convert_draws(drawer, monkeypatch):
    monkeypatch.setenv(DRAWER_VARIABLE, drawer)
    assert drawn_by_drawer(SPEC) == str(vl_convert.vegalite_to_svg(SPEC))


def test_a_kernel_with_a_drawer_does_not_draw_itself(drawer, monkeypatch, tmp_path):
    monkeypatch.setenv(DRAWER_VARIABLE, drawer)
    monkeypatch.setattr(export, "SVG_CACHE", tmp_path)

    def no_drawing(spec):
        raise AssertionError("drawn in the kernel")

    expected = str(vl_convert.vegalite_to_svg(SPEC))
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", no_drawing)
    assert export.chart_svg(SPEC) == expected


def test_a_chart_the_drawer_cannot_draw_fails_in_the_kernel_as_without_it(drawer, monkeypatch, tmp_path):
    monkeypatch.setenv(DRAWER_VARIABLE, drawer)
    monkeypatch.setattr(export, "SVG_CACHE", tmp_path)
    broken = {"mark": "point", "encoding": {"x": {"field": "x", "type": "no such type"}}}
    assert drawn_by_drawer(broken) is None
    with pytest.raises(ValueError):
        export.chart_svg(broken)
    assert drawn_by_drawer(SPEC) is not None  # the drawer goes on


def test_a_chart_asked_for_again_is_answered_without_drawing_it_again():
    """Two kernels often ask for the same chart at once, before either has cached it."""
    drawings, drawn = [], {}

    def draw(spec):
        drawings.append(spec)
        return f"<svg>{len(drawings)}</svg>"

    def ask(spec):
        kernel, drawer = multiprocessing.Pipe()
        kernel.send(spec)
        _answer(drawer, draw, drawn)
        return kernel.recv()

    assert ask(SPEC) == ask(dict(SPEC)) == "<svg>1</svg>"
    assert ask({**SPEC, "mark": "bar"}) == "<svg>2</svg>"
    assert len(drawings) == 2


def test_a_request_that_is_no_spec_gets_no_drawing_and_the_drawer_goes_on():
    kernel, drawer = multiprocessing.Pipe()
    kernel.send_bytes(b"\x80\x05not a pickle")
    _answer(drawer, vl_convert.vegalite_to_svg, {})
    assert kernel.recv() is None
    kernel.send(SPEC)
    _answer(drawer, vl_convert.vegalite_to_svg, {})
    assert kernel.recv() == str(vl_convert.vegalite_to_svg(SPEC))


def test_without_a_drawer_or_with_one_gone_the_kernel_draws(monkeypatch, tmp_path):
    monkeypatch.delenv(DRAWER_VARIABLE, raising=False)
    assert drawn_by_drawer(SPEC) is None
    monkeypatch.setenv(DRAWER_VARIABLE, str(tmp_path / "socket"))
    assert drawn_by_drawer(SPEC) is None
    monkeypatch.setattr(export, "SVG_CACHE", tmp_path)
    assert export.chart_svg(SPEC) == str(vl_convert.vegalite_to_svg(SPEC))


STARTS = {
    "drawer": "from analysis.report.drawer import start_drawer; "
    "process, address = start_drawer(dict(os.environ), here)",
    "template": "from analysis.report.template import start_template; "
    "process, address = start_template(dict(os.environ), [], here)",
}


@pytest.mark.parametrize("server", STARTS)
def test_a_run_s_drawer_and_template_end_with_it(tmp_path, server):
    """A run that ends without stopping them (killed, say), even before they have started,
    leaves no drawer, no template and no socket behind."""
    run = (
        "import json, os; from pathlib import Path; here = Path.cwd(); "
        + STARTS[server]
        + "; print(json.dumps([process.pid, address]), flush=True); os._exit(0)"
    )
    said = tmp_path / "said.json"
    with said.open("w") as out:  # not a pipe: the run is gone (and reaped) while its servers start
        subprocess.run([sys.executable, "-c", run], stdout=out, check=True)
    pid, address = json.loads(said.read_text())
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z":
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the {server} outlived its run")
    assert not Path(address).parent.exists()
