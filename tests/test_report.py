"""Report runs as a scheduler sees them: offline pages, byte-identical rebuilds, no lost reports."""

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import report
from analysis.errors import ParameterError
from analysis.hashing import data_version
from analysis.paths import PROJECT_ROOT
from analysis.report import run, site

from helpers import EPOCH, build, set_cell, snapshot

pytestmark = pytest.mark.slow


def test_every_report_is_published_with_an_index(site):
    out, result = site
    names = [unit.name for unit in report.load_plan()]
    assert {p.name for p in out.iterdir()} == {f"{n}{s}" for n in names for s in (".ipynb", ".html")} | {
        "index.html",
        "manifest.json",
        "feed.xml",
        ".analysis-reports",
    }
    assert f"{out / 'index.html'}" in result.stdout
    index = (out / "index.html").read_text()
    for name in names:
        assert f'href="{name}.html"' in index
    manifest = json.loads((out / "manifest.json").read_text())
    assert [r["name"] for r in manifest["reports"]] == names
    assert manifest["data"]["version"] == data_version()
    assert manifest["reports"][1]["parameters"] == {"scale": "log"}


def test_summary_names_each_report_with_result_and_seconds(site):
    _, result = site
    for name in [unit.name for unit in report.load_plan()]:
        assert re.search(rf"^{name}\s+ok\s+\d+\.\d", result.stdout, re.MULTILINE)


def test_no_page_loads_anything_from_the_network(site):
    out, _ = site
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\bsrc=", text), page.name
        assert not re.search(r"<link[^>]*href=[\"']?(https?:)?//", text), page.name
        assert not re.search(r"url\(\s*[\"']?(https?:)?//", text), page.name
        assert not re.search(r"@import", text), page.name


def test_pages_hide_code_and_carry_contents_charts_and_run_facts(site):
    out, _ = site
    page = (out / "force_size.html").read_text(encoding="utf-8")
    assert "force_size_chart(" not in page and 'class="highlight' not in page
    assert page.count('<script type="module">') == 2  # the Vega bundle once, then the charts
    assert '<nav class="report-toc"' in page and 'href="#Every-figure-on-record"' in page
    assert page.count('class="vega-chart"') == 1 and 'download="force_size.csv"' in page
    for fact in (
        "As of",
        "Parameters",
        "Built",
        "2026-01-01 00:00 UTC",
        "Data version",
        "Package versions",
        "How to cite",
    ):
        assert fact in page


def test_every_report_page_stays_under_the_page_budget(site):
    """Readers on slow connections open one file: each report page is at most 1.5 MB (the
    explorer, which carries every row, has its own budget in test_explorer.py)."""
    out, _ = site
    pages = [page for page in out.glob("*.html") if page.stem not in ("index", "explorer")]
    assert len(pages) >= 4
    assert {page.name: page.stat().st_size for page in pages if page.stat().st_size > 1_500_000} == {}


def test_every_image_says_what_it_shows_and_every_output_is_a_tab_stop(site):
    """The static figure's PNG carries the chart's description (not nbconvert's placeholder),
    and each cell's text and output can be reached by keyboard, as nbconvert's exporter gives."""
    out, _ = site
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", text):
            if "${" in tag:  # vega-embed's own script, not an element of the page
                continue
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and alt.group(1).strip() and "No description" not in alt.group(1), (page.name, tag[:80])
        outputs = re.findall(r'<div (?:id="[^"]*" )?class="[^"]*\bjp-OutputArea-output\b[^>]*>', text)
        assert all('tabindex="0"' in div for div in outputs), page.name
    figure = (out / "force_size.html").read_text(encoding="utf-8")
    assert re.search(r'<img [^>]*alt="Chart of \d+ dated figures for the size of a European force', figure)


def test_every_published_chart_is_a_valid_vega_lite_spec(site):
    """Report kernels display charts without Altair's schema check (analysis.charts.export.
    report_display): this is the check, on every chart of every page and executed notebook."""
    import altair as alt
    from altair.utils.schemapi import validate_jsonschema

    out, _ = site
    schema = alt.vegalite.v6.schema.core.load_schema()
    pattern = r'<script type="application/json" class="vega-spec">(.*?)</script>'
    checked = 0
    for path in [*out.glob("*.html"), *out.glob("*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":  # the chart's HTML is a JSON string in the notebook
            text = "".join(
                "".join(output["data"]["text/html"])
                for cell in json.loads(text)["cells"]
                for output in cell.get("outputs", [])
                if "text/html" in output.get("data", {})
            )
        for spec in re.findall(pattern, text, re.DOTALL):
            validate_jsonschema(json.loads(spec), schema)
            checked += 1
    assert checked >= 2 * 6  # the charts of the overview, force_size, pledges and perspectives, twice


def test_same_inputs_give_byte_identical_output(site, tmp_path):
    """Notebooks and HTML are identical; manifest.json differs only in the measured seconds."""
    out, _ = site
    again = tmp_path / "reports"
    result = build(again, "--force")
    assert result.returncode == 0, result.stderr
    first, second = snapshot(out), snapshot(again)
    assert first.keys() == second.keys()
    for name in first:
        if name.suffix in (".ipynb", ".html"):
            assert first[name] == second[name], name
    without_seconds = [re.sub(rb'"seconds": [0-9.]+', b"", m[Path("manifest.json")]) for m in (first, second)]
    assert without_seconds[0] == without_seconds[1]


def test_a_run_with_nothing_changed_executes_nothing_and_changes_no_file(site):
    out, _ = site
    before = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    result = build(out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("unchanged: reused") == len(report.load_plan())
    assert " ok in " not in result.stdout
    assert "reports unchanged" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_a_run_with_nothing_changed_imports_no_analysis_library(site):
    out, _ = site
    code = (
        "import sys; from analysis.__main__ import main; code = main(['report', '--out', sys.argv[1]]); "
        "print(sorted(m for m in ('pandas', 'altair', 'nbconvert', 'papermill', 'frictionless') if m in sys.modules)); "
        "sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(out)], capture_output=True, text=True, env={**os.environ, **EPOCH}
    )
    assert result.returncode == 0, result.stderr
    assert "reports unchanged" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_validation_in_the_run_process_never_loads_pandas(tmp_path):
    """The run's own process checks the data as text (frictionless, never pandas) and writes the
    feed from the labels alone. Only the index's facts on how current the record is need pandas,
    once per data version: after a code change (the validation stamp gone, the facts kept) a
    run validates again without it."""
    out = tmp_path / "reports"
    code = (
        "import sys; from analysis.__main__ import main; "
        "code = main(['report', '--out', sys.argv[1], '--only', 'pledges', '--force']); "
        "print(sorted(m for m in ('pandas', 'frictionless') if m in sys.modules)); sys.exit(code)"
    )
    loaded = []
    for _ in range(2):
        shutil.rmtree(tmp_path / report.CACHE_NAME / "validated", ignore_errors=True)
        result = subprocess.run(
            [sys.executable, "-c", code, str(out)], capture_output=True, text=True, env={**os.environ, **EPOCH}
        )
        assert result.returncode == 0, result.stderr
        loaded.append(result.stdout.strip().splitlines()[-1])
    assert loaded == ["['frictionless', 'pandas']", "['frictionless']"]


def test_bad_parameter_fails_before_running_and_keeps_reports(site):
    out, _ = site
    before = snapshot(out)
    for args, message in [
        (["--as-of", "2025-02-30"], "parameter 'as_of'"),
        (["--only", "nope"], "parameter 'only'"),
        (["--jobs", "0"], "parameter 'jobs'"),
    ]:
        result = build(out, *args)
        assert result.returncode == 1 and message in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_broken_table_fails_and_keeps_reports(site, data_copy):
    out, _ = site
    before = snapshot(out)
    line = set_cell(data_copy, "pledges", "deu_conditional", "status", "promised")
    result = build(out, env={"ANALYSIS_DATA_DIR": str(data_copy)})
    assert result.returncode == 1
    assert f"pledges.csv, line {line}, column 'status': value 'promised'" in result.stderr
    assert snapshot(out) == before


def test_failing_notebook_keeps_reports_and_the_failed_notebook(site):
    """A unit whose notebook raises (here: its own parameter check) fails the whole run."""
    out, _ = site
    before = snapshot(out)
    units = [report.Unit("force_size", "force_size", {"scale": "cubic"})]
    with pytest.raises(report.ReportError, match=r"force_size \(ParameterError: parameter 'scale'") as caught:
        run._build(units, run.RunSettings(out, jobs=1, force=True, log=lambda *_: None))
    assert snapshot(out) == before
    kept = Path(re.search(r"executed notebook kept at (\S+\.ipynb)", str(caught.value)).group(1))
    assert "ParameterError" in (kept if kept.is_absolute() else PROJECT_ROOT / kept).read_text()


def test_a_second_run_on_the_same_folder_is_refused(site):
    out, _ = site
    with open(out.with_name(f".{out.name}.lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = build(out)
    assert result.returncode == 1
    assert "another report run" in result.stderr


def test_plan_file_and_only_select_units(tmp_path):
    plan = tmp_path / "plan.yml"
    plan.write_text(
        "reports:\n  - notebook: force_size\n    name: force_linear\n    parameters: {scale: linear}\n"
        "  - notebook: pledges\n"
    )
    units = report.load_plan(plan, only=["force_linear"], as_of="2025-03-01")
    assert [(u.name, u.parameters) for u in units] == [("force_linear", {"scale": "linear", "as_of": "2025-03-01"})]
    plan.write_text("reports:\n  - notebook: force_size\n    parameters: {scael: linear}\n")
    with pytest.raises(ParameterError, match="'scael'"):
        report.load_plan(plan)


def test_data_changes_are_counted_per_table():
    previous = {"pledges": {"a": "1", "b": "2"}, "events": {"x": "9"}}
    current = {"pledges": {"a": "1", "b": "3", "c": "4"}, "events": {}}
    assert site.data_changes(previous, current) == {
        "events": {"added": 0, "removed": 1, "changed": 0},
        "pledges": {"added": 1, "removed": 0, "changed": 1},
    }


def read_terminal(primary):
    """Everything written to a pseudo-terminal whose other end is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the writer is gone and the buffer is empty
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_a_progress_bar_and_a_log_gets_one_line_per_report(tmp_path):
    primary, secondary = os.openpty()
    command = [sys.executable, "-m", "analysis", "report", "--only", "pledges", "--out", str(tmp_path / "r")]
    on_terminal = subprocess.run(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=secondary, text=True)
    os.close(secondary)
    terminal = read_terminal(primary)
    assert on_terminal.returncode == 0, terminal
    assert "1/1 reports" in terminal and "left" in terminal
    assert re.search(r"^  pledges +ok in \d+\.\d s", on_terminal.stdout, re.MULTILINE)

    in_a_log = subprocess.run([*command, "--force"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert in_a_log.returncode == 0, in_a_log.stderr
    assert "reports," not in in_a_log.stderr and "\r" not in in_a_log.stderr
    assert re.search(r"^  pledges +ok in \d+\.\d s", in_a_log.stdout, re.MULTILINE)


def test_isolation_is_checked_before_anything_runs(tmp_path):
    with pytest.raises(ParameterError, match="isolation.*warm or fresh"):
        report.build_reports(out=tmp_path / "r", isolation="shared")
    assert not (tmp_path / "r").exists()


def test_the_validation_thread_yields_the_cores_and_the_run_keeps_its_priority():
    import os
    import threading

    from analysis.report.run import yield_the_cores

    seen = {}

    def validation():
        yield_the_cores()
        seen["thread"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, 0)
    thread = threading.Thread(target=validation)
    thread.start()
    thread.join()
    assert seen["thread"] == min(before + 10, 19)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
