"""The corpus of bad inputs (bad_inputs.yml), and runs that fail or are stopped part-way.

Every data case must be named by validation at its exact place (file, line and column);
those marked end_to_end (one or more of each kind) also go through a whole report run, which
must exit non-zero and leave the published reports byte for byte as they were. Parameter
cases always run end to end: they are checked before any kernel starts.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from analysis.data import validate_data
from analysis.errors import DataError
from analysis.paths import PROJECT_ROOT

from helpers import EPOCH, build, set_cell, snapshot

CORPUS = yaml.safe_load((Path(__file__).parent / "bad_inputs.yml").read_text(encoding="utf-8"))


def break_data(data_dir, case):
    """Apply one data case to a copy of data/; return the line it points at."""
    if "cell" in case:
        return set_cell(data_dir, *case["cell"])
    if "file" in case:
        return replace_file(data_dir, *case["file"])
    if "latin1" in case:
        table, *_, value = case["latin1"]
        line = set_cell(data_dir, *case["latin1"])
        path = data_dir / f"{table}.csv"
        path.write_bytes(path.read_bytes().replace(value.encode("utf-8"), value.encode("latin-1")))
        return line
    table, *change = case.get("append") or case.get("prepend") or case["replace"]
    path = data_dir / (table if "." in table else f"{table}.csv")
    old = path.read_text(encoding="utf-8")
    if "append" in case:
        new = old + change[0] + "\n"
    elif "prepend" in case:
        new = change[0] + old
    else:
        new = old.replace(change[0], change[1], 1)
    path.write_text(new, encoding="utf-8")
    first_difference = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
    return new[:first_difference].count("\n") + 1


def replace_file(data_dir, name, kind):
    """Put something that is not a readable table where table file ``name`` was."""
    path = data_dir / name
    path.unlink()
    if kind == "folder":
        path.mkdir()
    elif kind == "dangling-link":
        path.symlink_to(data_dir / "no-such-file.csv")
    elif kind == "empty":
        path.write_text("")
    elif kind != "missing":
        raise ValueError(kind)
    return None


def cases(selected):
    """Corpus cases as test parameters; those that read the seed texts are marked needs_shared."""
    return [
        pytest.param(case, id=case["id"], marks=[pytest.mark.needs_shared] * bool(case.get("needs_seeds")))
        for case in selected
    ]


VALIDATED = cases(case for case in CORPUS["data"] if not case.get("run_only"))
END_TO_END = cases(case for case in CORPUS["data"] if case.get("end_to_end") or case.get("run_only"))


@pytest.mark.parametrize("case", VALIDATED)
def test_bad_data_is_named_by_validation(data_copy, case):
    line = break_data(data_copy, case)
    with pytest.raises(DataError) as caught:
        validate_data(data_copy, require_seeds=bool(case.get("needs_seeds")))
    assert case["expect"].format(line=line) in str(caught.value)


@pytest.mark.slow
@pytest.mark.parametrize("case", END_TO_END)
def test_bad_data_fails_the_run_and_loses_nothing(site, data_copy, case):
    out, _ = site
    before = snapshot(out)
    line = break_data(data_copy, case)
    result = build(out, env={"ANALYSIS_DATA_DIR": str(data_copy)})
    assert result.returncode == 1
    assert case["expect"].format(line=line) in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


@pytest.mark.slow
@pytest.mark.parametrize("case", CORPUS["parameters"], ids=[c["id"] for c in CORPUS["parameters"]])
def test_bad_parameters_are_named_and_lose_nothing(site, tmp_path, case):
    out, _ = site
    before = snapshot(out)
    args = list(case.get("args", []))
    if "plan" in case:
        plan = tmp_path / "plan.yml"
        plan.write_text(case["plan"], encoding="utf-8")
        args += ["--params", str(plan)]
    result = build(out, *args, env=case.get("env"))
    assert result.returncode == 1
    assert case["expect"] in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


# --- runs that fail or are stopped: on a copy of the project, whose notebooks we may break ----


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project (with ../shared beside it) and its first published reports."""
    root = tmp_path_factory.mktemp("project")
    copy = root / "main"
    ignore = shutil.ignore_patterns(
        ".venv*",
        ".git",
        "reports",
        ".report-cache",
        "test-output",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        "*.egg-info",
    )
    shutil.copytree(PROJECT_ROOT, copy, ignore=ignore)
    (root / "shared").symlink_to(PROJECT_ROOT.parent / "shared")
    result = run_in(copy, "report")
    assert result.returncode == 0, result.stderr
    return copy


def run_in(copy, *args, tag="", extra_env=None, **popen):
    """`python -m analysis ARGS` inside the copy, its kernels importing the copy's package.

    ``tag`` marks the run's processes (see tagged_processes)."""
    env = {**os.environ, **EPOCH, "PYTHONPATH": str(copy), "ANALYSIS_TEST_RUN": tag, **(extra_env or {})}
    env.pop("ANALYSIS_DATA_DIR", None)
    command = [sys.executable, "-m", "analysis", *args]
    if popen:
        return subprocess.Popen(command, cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_a_notebook_that_raises_fails_the_run_and_keeps_the_reports(project):
    published = project / "reports"
    before = snapshot(published)
    path = project / "notebooks" / "pledges.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "boom",
            "metadata": {},
            "outputs": [],
            "source": ["raise RuntimeError('injected failure')"],
        }
    )
    path.write_text(json.dumps(notebook))
    try:
        result = run_in(project, "report")
    finally:
        notebook["cells"].pop()
        path.write_text(json.dumps(notebook))
    assert result.returncode == 1
    assert "pledges (RuntimeError: injected failure)" in result.stderr
    assert snapshot(published) == before
    kept = re.search(r"executed notebook kept at (\S+\.ipynb)", result.stderr).group(1)
    assert "injected failure" in (project / kept).read_text()


def tagged_processes(tag):
    """The processes started by one run: they inherit its ANALYSIS_TEST_RUN variable."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"ANALYSIS_TEST_RUN={tag}".encode() in environ.read_bytes().split(b"\0"):
                found.append(environ.parent.name)
        except OSError:  # the process ended while we looked
            pass
    return found


def wait_until_gone(tag, seconds=10):
    deadline = time.monotonic() + seconds
    while tagged_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    return tagged_processes(tag)


def start_and_stop(project, tag, signum, temporary=None):
    """Start a forced run, send ``signum`` once its first report has finished; return (code, stderr).

    ``temporary``: the run's TMPDIR (where its kernel template makes its socket)."""
    extra_env = {"TMPDIR": str(temporary)} if temporary else None
    process = run_in(project, "report", "--force", "--jobs", "1", popen=True, tag=tag, extra_env=extra_env)
    seen = []
    while not seen or not (" ok in " in seen[-1] or seen[-1] == ""):  # a note (no seed texts) may come first
        seen.append(process.stdout.readline())
    if " ok in " not in seen[-1]:  # the run ended before a report finished: stop nothing, say what it printed
        process.kill()
        pytest.fail(f"no report finished: {''.join(seen)}{process.communicate()[1]}")
    process.send_signal(signum)  # the first report has finished; others are still to run
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_run_stopped_part_way_says_so_in_one_line_and_keeps_the_reports(project, signum):
    published = project / "reports"
    before = snapshot(published)
    code, stderr = start_and_stop(project, f"stop-{signum}", signum)
    assert code == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: stopped by {signal.Signals(signum).name}: nothing published, reports left")
    assert snapshot(published) == before
    assert wait_until_gone(f"stop-{signum}") == []  # the stopped run left no worker or kernel behind
    again = run_in(project, "report")  # the lock was released
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_a_run_killed_with_sigkill_leaves_nothing_that_blocks_the_next(project, tmp_path):
    published = project / "reports"
    before = snapshot(published)
    code, _ = start_and_stop(project, "sigkill", signal.SIGKILL, temporary=tmp_path)
    assert code == -signal.SIGKILL
    assert snapshot(published) == before
    assert wait_until_gone("sigkill") == []  # workers, kernel template and kernels ended with the run
    assert list(tmp_path.glob("analysis-template-*")) == []  # the template took its socket with it
    again = run_in(project, "report")
    assert again.returncode == 0, again.stderr
    assert "another report run" not in again.stderr
