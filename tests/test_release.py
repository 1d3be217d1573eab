"""A published row never changes silently: every change since the last release has a corrections row."""

import csv
import json
import re

from analysis import release
from analysis.paths import DATA_DIR, PROJECT_ROOT, TABLES

from helpers import set_cell


def _append_correction(data_dir, table, row_id, field, old, new, correction_id="c_test_001"):
    with open(data_dir / "corrections.csv", "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [correction_id, "2026-12-02", table, row_id, field, old, new, "test correction", ""]
        )


def _cell(data_dir, table, row_id, field):
    rows, _ = release.read_rows(data_dir / f"{table}.csv")
    key = release.table_keys(data_dir)[table]
    return next(row[field] for row in rows if row[key] == row_id)


# The real data


def test_every_released_row_is_unchanged_or_corrected():
    assert release.unexplained_changes(release.load_release()) == []


def test_the_release_is_the_declared_version_and_in_the_changelog():
    record = release.load_release()
    assert record["version"] == release.package_version()
    changelog = (DATA_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(record['version'])} \(\d{{4}}-\d{{2}}-\d{{2}}\)", changelog, re.MULTILINE)


def test_the_release_covers_every_table_with_its_key():
    record = release.load_release()
    assert list(record["tables"]) == list(TABLES)
    for name, table in record["tables"].items():
        assert table["key"] == table["fields"][0] and table["rows"], name


def test_every_correction_names_a_row_and_field_that_exist_or_a_withdrawn_row():
    corrections, _ = release.read_rows(DATA_DIR / "corrections.csv")
    record = release.load_release()
    for correction in corrections:
        fields = record["tables"][correction["table"]]["fields"]
        field = release.RENAMED_FIELDS.get((correction["table"], correction["field"]), correction["field"])
        assert field in [*fields, release.WITHDRAWN], correction["correction_id"]


def test_a_renamed_field_is_one_the_release_has_under_its_new_name():
    record = release.load_release()
    for (table, old), new in release.RENAMED_FIELDS.items():
        assert new in record["tables"][table]["fields"] and old not in record["tables"][table]["fields"]


def test_the_readme_says_how_corrections_are_kept():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "data/release-rows.json" in readme and "python -m analysis.release" in readme


# The rule, on deliberately altered copies of the data


def test_row_hash_follows_values_not_column_order():
    row = {"a": "1", "b": "x y"}
    assert release.row_hash(row, ["a", "b"]) == release.row_hash(dict(reversed(row.items())), ["b", "a"])
    assert release.row_hash(row, ["a", "b"]) != release.row_hash({**row, "b": "x  y"}, ["a", "b"])
    assert release.row_hash(row, ["a", "b"]) != release.row_hash({"a": "x y", "b": "1"}, ["a", "b"])


def test_a_changed_cell_without_a_correction_fails(data_copy):
    set_cell(data_copy, "force_size", "starmer_10k", "low", "12000")
    problems = release.unexplained_changes(release.load_release(data_copy), data_copy)
    assert len(problems) == 1 and problems[0].startswith("force_size starmer_10k (release ")


def test_a_changed_cell_with_its_correction_passes(data_copy):
    old = _cell(data_copy, "force_size", "starmer_10k", "note")
    set_cell(data_copy, "force_size", "starmer_10k", "note", "A new note.")
    _append_correction(data_copy, "force_size", "starmer_10k", "note", old, "A new note.")
    assert release.unexplained_changes(release.load_release(data_copy), data_copy) == []


def test_two_corrections_of_one_field_are_undone_in_order(data_copy):
    old = _cell(data_copy, "events", "paris_summit", "title")
    set_cell(data_copy, "events", "paris_summit", "title", "Second")
    _append_correction(data_copy, "events", "paris_summit", "title", old, "First", "c_test_001")
    _append_correction(data_copy, "events", "paris_summit", "title", "First", "Second", "c_test_002")
    assert release.unexplained_changes(release.load_release(data_copy), data_copy) == []


def test_a_correction_of_another_field_does_not_cover_the_change(data_copy):
    set_cell(data_copy, "pledges", "deu_conditional", "status", "declined")
    _append_correction(data_copy, "pledges", "deu_conditional", "note", "x", "y")
    problems = release.unexplained_changes(release.load_release(data_copy), data_copy)
    assert len(problems) == 1 and "pledges deu_conditional" in problems[0]


def test_a_correction_with_the_wrong_values_fails(data_copy):
    set_cell(data_copy, "pledges", "deu_conditional", "status", "declined")
    _append_correction(data_copy, "pledges", "deu_conditional", "status", "undecided", "floated")
    problems = release.unexplained_changes(release.load_release(data_copy), data_copy)
    assert len(problems) == 1 and "c_test_001: status is not its new_value" in problems[0]


def test_a_correction_with_the_wrong_old_value_fails(data_copy):
    set_cell(data_copy, "pledges", "deu_conditional", "status", "declined")
    _append_correction(data_copy, "pledges", "deu_conditional", "status", "floated", "declined")
    problems = release.unexplained_changes(release.load_release(data_copy), data_copy)
    assert len(problems) == 1 and "no correction row explains every changed field" in problems[0]


def _drop_row(data_dir, table, row_id):
    path = data_dir / f"{table}.csv"
    rows, fields = release.read_rows(path)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(row for row in rows if row[fields[0]] != row_id)


def test_a_withdrawn_row_needs_a_row_correction(data_copy):
    _drop_row(data_copy, "events", "geneva_talks")
    problems = release.unexplained_changes(release.load_release(data_copy), data_copy)
    version = release.package_version(data_copy)
    assert problems == [f"events geneva_talks (release {version}): row removed with no '_row' correction"]
    _append_correction(data_copy, "events", "geneva_talks", release.WITHDRAWN, "date=2025-11-23; ...", "")
    assert release.unexplained_changes(release.load_release(data_copy), data_copy) == []


def test_a_released_correction_may_not_change(data_copy):
    set_cell(data_copy, "corrections", "c20261201_001", "reason", "Rewritten later.")
    problems = release.unexplained_changes(release.load_release(data_copy), data_copy)
    assert len(problems) == 1 and problems[0].startswith("corrections c20261201_001")


def test_new_rows_and_new_columns_need_no_correction(data_copy):
    with open(data_copy / "actors.csv", "a", encoding="utf-8") as handle:
        handle.write("FIN,Finland,country\n")
    path = data_copy / "events.csv"
    rows, fields = release.read_rows(path)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*fields, "added_later"], lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "added_later": "x"} for row in rows)
    assert release.unexplained_changes(release.load_release(data_copy), data_copy) == []


def test_reordered_columns_alone_are_not_a_change(data_copy):
    path = data_copy / "pledges.csv"
    rows, fields = release.read_rows(path)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(reversed(fields)), lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    assert release.unexplained_changes(release.load_release(data_copy), data_copy) == []


def test_a_renamed_column_reads_as_emptied(data_copy):
    path = data_copy / "actors.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("actor_id,name,kind", "actor_id,label,kind", 1), encoding="utf-8")
    problems = release.unexplained_changes(release.load_release(data_copy), data_copy)
    assert len(problems) == len(release.load_release(data_copy)["tables"]["actors"]["rows"])


def test_writing_a_release_records_the_current_rows(data_copy):
    set_cell(data_copy, "force_size", "starmer_10k", "low", "12000")
    assert release.unexplained_changes(release.load_release(data_copy), data_copy)
    release.write_release(data_copy)
    record = json.loads((data_copy / release.RELEASE_FILE).read_text(encoding="utf-8"))
    assert record["version"] == release.package_version(data_copy)
    assert release.unexplained_changes(record, data_copy) == []


def test_check_command_exits_nonzero_on_an_unexplained_change(data_copy, capsys):
    assert release.main(["--check"], data_dir=data_copy) == 0
    set_cell(data_copy, "force_size", "starmer_10k", "low", "12000")
    assert release.main(["--check"], data_dir=data_copy) == 1
    assert "force_size starmer_10k" in capsys.readouterr().out
