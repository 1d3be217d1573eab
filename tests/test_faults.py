"""Runs that succeed must not destroy or damage anything: the output folder, partial runs,
the cache, and disk faults. (Runs that fail are in test_bad_inputs.py.)"""

import errno
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest

from analysis import report
from analysis.csvfile import read_csv
from analysis.data import load_table, validate_data
from analysis.hashing import data_version
from analysis.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT
from analysis.report import site
from analysis.report.outfolder import MARKER, UnsafeOutputError, check_output_folder, kept_reports

from helpers import EPOCH, build, snapshot

NAMES = [unit.name for unit in report.load_plan()]  # the standard run's reports, as reports.yml lists them


@pytest.fixture
def site_copy(site, tmp_path):
    """A copy of the published site and its cache, which a test may change."""
    out, _ = site
    copy = tmp_path / "reports"
    shutil.copytree(out, copy)
    shutil.copytree(out.parent / report.CACHE_NAME, tmp_path / report.CACHE_NAME)
    return copy


# --- the output folder ------------------------------------------------------------------


def user_folder(tmp_path):
    folder = tmp_path / "my-documents"
    (folder / "notes").mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"years of work")
    (folder / "notes" / "todo.txt").write_text("everything")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(
    "target, message",
    [
        (user_folder, "already holds files that this tool did not publish"),
        (lambda tmp: PROJECT_ROOT, "holds the project"),
        (lambda tmp: DATA_DIR, "holds the data"),
        (lambda tmp: NOTEBOOKS_DIR, "holds the notebooks"),
        (lambda tmp: DATA_DIR / "reports", "is inside the data"),
        (lambda tmp: PROJECT_ROOT / "analysis", "did not publish"),
        (lambda tmp: PROJECT_ROOT.parent, "holds the project"),
    ],
    ids=["user-files", "checkout", "data", "notebooks", "inside-data", "package", "checkout-parent"],
)
def test_out_refuses_folders_it_did_not_make_and_leaves_them_intact(tmp_path, target, message):
    folder = target(tmp_path)
    watched = folder if folder.is_dir() and folder != PROJECT_ROOT.parent else DATA_DIR
    before = snapshot(watched) if watched != PROJECT_ROOT else snapshot(DATA_DIR) | snapshot(NOTEBOOKS_DIR)
    result = build(folder)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    after = snapshot(watched) if watched != PROJECT_ROOT else snapshot(DATA_DIR) | snapshot(NOTEBOOKS_DIR)
    assert after == before


@pytest.mark.slow
def test_out_refuses_a_file(tmp_path):
    path = tmp_path / "report.html"
    path.write_text("mine")
    result = build(path)
    assert result.returncode == 1 and "is a file, not a folder" in result.stderr
    assert path.read_text() == "mine"


def test_output_folder_rules_without_a_run(tmp_path):
    check_output_folder(tmp_path / "new")  # a new folder
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old")
    with pytest.raises(UnsafeOutputError, match="did not publish"):
        check_output_folder(site)
    (site / MARKER).write_text("")
    check_output_folder(site)  # a site this tool published may be replaced


@pytest.mark.slow
def test_a_published_site_carries_the_marker(site):
    out, _ = site
    assert (out / MARKER).is_file()


# --- partial runs -----------------------------------------------------------------------


@pytest.mark.slow
def test_a_partial_run_updates_its_reports_and_keeps_the_rest(site_copy):
    before = snapshot(site_copy)
    result = build(site_copy, "--only", "force_size", "--force")
    assert result.returncode == 0, result.stderr
    after = snapshot(site_copy)
    for name in ("overview", "pledges", "perspectives"):
        for suffix in (".html", ".ipynb"):
            assert after[Path(f"{name}{suffix}")] == before[Path(f"{name}{suffix}")]
    manifest = (site_copy / "manifest.json").read_text()
    index = (site_copy / "index.html").read_text()
    for name in NAMES:
        assert f'"name": "{name}"' in manifest and f'href="{name}.html"' in index


@pytest.mark.slow
def test_prune_removes_the_reports_a_run_does_not_build(site_copy):
    result = build(site_copy, "--only", "pledges", "--prune")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in site_copy.glob("*.html")) == ["index.html", "pledges.html"]


def test_a_manifest_cannot_make_a_run_copy_files_from_elsewhere(tmp_path):
    (tmp_path / "manifest.json").write_text(
        '{"reports": [{"name": "x", "snapshot": "", "html": "../../etc/passwd", "notebook_file": "x.ipynb"}]}'
    )
    (tmp_path / "x.ipynb").write_text("{}")
    assert kept_reports(tmp_path, set()) == []


# --- the cache --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_damaged_cache_entry_is_rebuilt_not_published(site, site_copy):
    out, _ = site
    cache = site_copy.parent / report.CACHE_NAME
    damaged = next(cache.glob("*/pledges.html"))
    damaged.write_bytes(damaged.read_bytes()[:1000])  # truncated, as by a full disk or a killed copy
    (next(cache.glob("*/overview.html")).parent / "run.json").unlink()
    result = build(site_copy)
    assert result.returncode == 0, result.stderr
    assert "pledges" in result.stdout and "is damaged: running it again" in result.stdout
    pages = {path: data for path, data in snapshot(site_copy).items() if path.name != "manifest.json"}
    assert pages == {path: data for path, data in snapshot(out).items() if path.name != "manifest.json"}


@pytest.mark.slow
def test_a_cache_that_is_not_a_folder_is_named(site_copy):
    cache = site_copy.parent / report.CACHE_NAME
    shutil.rmtree(cache)
    cache.write_text("not a folder")
    before = snapshot(site_copy)
    result = build(site_copy)
    assert result.returncode == 1
    assert f"the report cache {cache} is not a folder" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site_copy) == before


# --- disk faults ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk-full", "read-only"])
def test_a_disk_fault_is_named_and_keeps_the_reports(site_copy, monkeypatch, code):
    before = snapshot(site_copy)

    def fail(source, target, **_):
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])  # the site's cache keys: nothing runs
    monkeypatch.setattr(shutil, "copyfile", fail)
    with pytest.raises(report.ReportError, match=rf"could not write .*: {os.strerror(code)}"):
        report.build_reports(out=site_copy, log=lambda *_: None)
    assert snapshot(site_copy) == before


@pytest.mark.slow
def test_a_disk_fault_while_units_still_run_is_named_and_keeps_the_reports(site_copy, monkeypatch):
    """A unit is stored as it finishes, while others run: a failed write there is named too,
    the workers are stopped and the published reports stay as they were."""
    before = snapshot(site_copy)

    def fail(source, target, **_):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(shutil, "copyfile", fail)
    with pytest.raises(report.ReportError, match=rf"could not write .*: {os.strerror(errno.ENOSPC)}"):
        report.build_reports(out=site_copy, force=True, only=["pledges", "explorer"], log=lambda *_: None)
    assert snapshot(site_copy) == before
    assert not [child for child in multiprocessing.active_children() if child.is_alive()]


# --- data files that are odd but fine ---------------------------------------------------


def test_crlf_line_endings_read_like_lf(data_copy):
    path = data_copy / "pledges.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    validate_data(data_copy, require_seeds=False)
    assert load_table("pledges", data_dir=data_copy).equals(load_table("pledges"))
    assert read_csv(path).lines == read_csv(DATA_DIR / "pledges.csv").lines


def test_a_stray_file_in_data_changes_nothing(data_copy):
    version = data_version(data_copy)
    (data_copy / "notes.csv").write_bytes(b"\xff\xfe binary \x00 junk")
    assert data_version(data_copy) == version
    assert site.table_rows(data_copy) == site.table_rows(DATA_DIR)
    validate_data(data_copy, require_seeds=False)
