"""load_table: types, as_of, and one clear DataError for every kind of bad data."""

import datetime as dt

import pandas as pd
import pytest

import analysis
from analysis.data import load_table, schema_fields, validate_data
from analysis.errors import DataError, ParameterError
from analysis.quotes import check_seed_quotes

from helpers import set_cell


def test_types_follow_the_schema():
    pledges = load_table("pledges")
    assert pd.api.types.is_datetime64_any_dtype(pledges["date"])
    status = pledges["status"].dtype
    assert isinstance(status, pd.CategoricalDtype) and status.ordered
    enum = schema_fields()["pledges"]["schema"]["fields"][3]["constraints"]["enum"]
    assert list(status.categories) == enum
    assert str(load_table("force_size")["low"].dtype) == "Int64"
    assert str(load_table("sources")["title_from_url"].dtype) == "boolean"
    assert str(pledges["quote"].dtype) == "string"


def test_public_api_is_reachable_from_the_package():
    assert analysis.load_table is load_table
    assert len(analysis.load_table("force_size")) > 0


def test_as_of_drops_what_was_not_yet_known():
    early = load_table("force_size", as_of="2025-02-15")
    assert 100_000 in set(early["low"].dropna())
    assert 30_000 not in set(early["high"].dropna())
    assert early["date"].max() <= pd.Timestamp("2025-02-15")
    assert len(load_table("force_size", as_of=dt.date(2026, 12, 1))) == len(load_table("force_size"))


def test_as_of_respects_source_publication_dates():
    """The coalition's sea pledge of 4 Sep is cited from a text published on 11 Sep."""
    assert "cow_sea" not in set(load_table("pledges", as_of="2025-09-05")["pledge_id"])
    assert "cow_sea" in set(load_table("pledges", as_of="2025-09-11")["pledge_id"])
    assert load_table("claims", as_of="2025-09-05")["source_id"].eq("spectator_morenets").all()


def test_as_of_before_any_data_gives_empty_typed_tables():
    early = load_table("pledges", as_of="1990-01-01")
    assert early.empty and list(early.columns) == list(load_table("pledges").columns)


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2025/02/15", 20250215])
def test_bad_as_of_names_the_parameter(bad):
    with pytest.raises(ParameterError, match="'as_of'.*ISO date"):
        load_table("force_size", as_of=bad)


def test_unknown_table_lists_the_tables():
    with pytest.raises(ParameterError, match="'name'.*force_size"):
        load_table("force_sizes")


BAD_CELLS = [
    # table, row id, column, bad value, words the rule must contain
    ("force_size", "starmer_10k", "low", "ten thousand", "type"),
    ("force_size", "starmer_10k", "high", "-5", "minimum"),
    ("force_size", "wsj_over_10k", "bound", "roughly", "enum"),
    ("pledges", "deu_conditional", "status", "promised", "enum"),
    ("pledges", "deu_conditional", "actor_id", "XYZ", "foreign key"),
    ("events", "paris_summit", "date", "2025-09-31", "type"),
    ("events", "paris_summit", "date_precision", "", "required"),
    ("sources", "liga_wsj_10k", "publisher", "", "required"),
    ("sources", "liga_wsj_10k", "source_id", "Liga WSJ", "pattern"),
    ("sources", "liga_wsj_10k", "title_from_url", "maybe", "type"),
    ("claims", "morenets_08", "figure_id", "no_such_figure", "foreign key"),
    ("claims", "morenets_08", "source_id", "unknown_source", "foreign key"),
    ("claims", "morenets_08", "stance", "sceptical", "enum"),
    ("claims", "morenets_08", "quote", " ".join(["word"] * 31), "pattern"),
    ("events", "putin_legitimate_targets", "event_id", "paris_summit", "primary key"),
]


@pytest.mark.parametrize(
    ("table", "row_id", "column", "value", "rule"),
    BAD_CELLS,
    ids=[f"{t}.{c}={v[:12]!r}" for t, _, c, v, _ in BAD_CELLS],
)
def test_bad_cell_is_named_by_file_line_column_value_and_rule(data_copy, table, row_id, column, value, rule):
    line = set_cell(data_copy, table, row_id, column, value)
    with pytest.raises(DataError) as caught:
        load_table(table, data_dir=data_copy)
    message = str(caught.value)
    assert f"{table}.csv, line {line}, column {column!r}" in message
    if value:
        assert repr(value) in message
    assert rule in message.lower()


def _append_line(data_copy, table, text):
    path = data_copy / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8") + text + "\n", encoding="utf-8")
    return len(path.read_text(encoding="utf-8").splitlines())


def test_extra_cell_is_named(data_copy):
    line = _append_line(data_copy, "actors", "FIN,Finland,country,extra")
    with pytest.raises(DataError, match=rf"actors.csv, line {line}, column '#4': value 'extra': extra cell"):
        load_table("actors", data_dir=data_copy)


def test_missing_cell_is_named(data_copy):
    line = _append_line(data_copy, "actors", "FIN,Finland")
    with pytest.raises(DataError, match=rf"actors.csv, line {line}, column 'kind'.*missing cell"):
        load_table("actors", data_dir=data_copy)


def test_renamed_header_is_named(data_copy):
    path = data_copy / "actors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("actor_id,name", "actor,name", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"actors.csv, line 1, column 'actor_id': value 'actor': incorrect label"):
        load_table("actors", data_dir=data_copy)


def test_line_numbers_count_cells_that_span_lines(data_copy):
    """A quoted note over two lines pushes later rows down: the error names the line in the file."""
    set_cell(data_copy, "events", "budapest_memorandum", "note", "first line\nsecond line")
    line = set_cell(data_copy, "events", "paris_summit", "date", "someday")
    assert line == list(load_table("events")["event_id"]).index("paris_summit") + 3
    with pytest.raises(DataError, match=rf"events.csv, line {line}, column 'date'"):
        load_table("events", data_dir=data_copy)


def test_broken_referenced_table_fails_the_load(data_copy):
    """Loading pledges checks its foreign keys against actors, so a lost actor row is caught."""
    path = data_copy / "actors.csv"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.startswith("DEU,")) + "\n")
    with pytest.raises(DataError, match=r"pledges.csv, line \d+, column 'actor_id': value 'DEU'"):
        load_table("pledges", data_dir=data_copy)


def test_broken_descriptor_is_named(data_copy):
    (data_copy / "datapackage.json").write_text("{not json")
    with pytest.raises(DataError, match=r"datapackage.json: not a valid data package"):
        load_table("actors", data_dir=data_copy)


@pytest.mark.needs_shared
def test_quote_not_in_seed_text_is_named(data_copy):
    line = set_cell(data_copy, "claims", "pifer_09", "quote", "Indeed, that could be Kyiv’s only security guarantee.")
    with pytest.raises(DataError, match=rf"claims.csv, line {line}, column 'quote'.*not found verbatim"):
        check_seed_quotes(data_copy)


@pytest.mark.needs_shared
def test_quote_with_typographic_marks_and_spacing_still_matches(data_copy):
    set_cell(data_copy, "claims", "morenets_02", "quote", "the word he reached for was 'theoretical'")
    assert check_seed_quotes(data_copy) >= 70


@pytest.mark.needs_shared
def test_validate_data_reports_every_problem_at_once(data_copy):
    set_cell(data_copy, "force_size", "starmer_10k", "low", "many")
    set_cell(data_copy, "pledges", "deu_conditional", "status", "promised")
    with pytest.raises(DataError) as caught:
        validate_data(data_copy)
    assert len(caught.value.problems) == 2
    assert "force_size.csv" in str(caught.value) and "pledges.csv" in str(caught.value)


def test_schema_bound_and_date_problems_are_listed_together(data_copy):
    """No stage hides another: a type error, a bound rule and a date rule all in one error."""
    set_cell(data_copy, "force_size", "starmer_10k", "low", "many")
    set_cell(data_copy, "force_size", "wapo_25k_30k", "low", "35000")
    set_cell(data_copy, "events", "paris_summit", "date", "9999-09-04")
    with pytest.raises(DataError) as caught:
        validate_data(data_copy, require_seeds=False)
    rules = [problem.rule for problem in caught.value.problems]
    assert len(rules) == 3
    assert rules[0].startswith("type error") and rules[1].startswith("date out of range")
    assert rules[2] == "low is greater than high"


def test_a_table_edited_between_two_loads_is_read_anew(data_copy):
    """load_table keeps the typed table it cast, under a hash of the file: never a stale copy."""
    before = load_table("force_size", data_dir=data_copy)
    set_cell(data_copy, "force_size", "zelensky_200k_davos", "put_forward_by", "Someone else")
    after = load_table("force_size", data_dir=data_copy)
    row = after["figure_id"] == "zelensky_200k_davos"
    assert after.loc[row, "put_forward_by"].item() == "Someone else"
    assert before.loc[row, "put_forward_by"].item() == "Volodymyr Zelensky"


def test_a_table_cut_at_a_day_follows_an_edit_to_its_sources(data_copy):
    """A cut table is kept per day and data version: a source published later drops its rows."""
    row = load_table("force_size", data_dir=data_copy).query("figure_id == 'zelensky_200k_davos'")
    source = row["source_id"].item()
    assert "zelensky_200k_davos" in set(load_table("force_size", as_of="2025-12-31", data_dir=data_copy)["figure_id"])
    set_cell(data_copy, "sources", source, "published", "2026-01-15")
    later = load_table("force_size", as_of="2025-12-31", data_dir=data_copy)
    assert "zelensky_200k_davos" not in set(later["figure_id"])


@pytest.mark.parametrize("as_of", [None, "2025-06-01"])
def test_changing_a_loaded_table_changes_no_later_load(as_of):
    first = load_table("actors", as_of=as_of)
    first.loc[0, "name"] = "changed here"
    first["extra"] = 1
    again = load_table("actors", as_of=as_of)
    assert "extra" not in again and again.loc[0, "name"] != "changed here"
