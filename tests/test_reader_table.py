"""A reader table's HTML: made once per distinct table in a process, the same bytes as made anew."""

import pandas as pd
import pytest
from great_tables import GT

from analysis import reader_table as rt

COLUMNS = [("Who", lambda row: row["who"]), ("Said", lambda row: row["said"])]
ROWS = pd.DataFrame({"who": ["France", "Germany"], "said": ["several thousand", "&lt;no figure&gt;"]})


class Renders:
    """great_tables' own rendering, counted."""

    def __init__(self, monkeypatch):
        self.count, original = 0, GT.as_raw_html

        def counted(gt, *args, **kwargs):
            self.count += 1
            return original(gt, *args, **kwargs)

        monkeypatch.setattr(GT, "as_raw_html", counted)


@pytest.fixture
def renders(monkeypatch):
    monkeypatch.setattr(rt, "_SHOWN", {})
    return Renders(monkeypatch)


def test_a_table_shown_again_is_not_rendered_again_and_reads_the_same(renders):
    first = rt.reader_table(ROWS, COLUMNS, "who-said")._repr_html_()
    again = rt.reader_table(ROWS.copy(), COLUMNS, "who-said")._repr_html_()
    assert renders.count == 1 and again == first
    rt._SHOWN.clear()
    assert rt.reader_table(ROWS, COLUMNS, "who-said")._repr_html_() == first  # what a fresh kernel makes
    assert 'data-label="Said"' in first and "&lt;no figure&gt;" in first


@pytest.mark.parametrize("change", ["a cell", "the id", "the grouping"])
def test_a_table_with_other_cells_id_or_grouping_is_rendered_anew(renders, change):
    first = rt.reader_table(ROWS, COLUMNS, "who-said")._repr_html_()
    rows, table_id, group = ROWS, "who-said", None
    if change == "a cell":
        rows = ROWS.assign(said=["several thousand", "more than 10,000"])
    elif change == "the id":
        table_id = "who-said-2"
    else:
        group = lambda row: row["who"]  # noqa: E731
    second = rt.reader_table(rows, COLUMNS, table_id, group=group)._repr_html_()
    assert renders.count == 2 and second != first


def test_the_kept_tables_are_bounded(renders, monkeypatch):
    monkeypatch.setattr(rt, "SHOWN_TABLES", 2)
    for number in range(3):
        rt.reader_table(ROWS.assign(said=str(number)), COLUMNS, "who-said")._repr_html_()
    assert len(rt._SHOWN) == 2
    rt.reader_table(ROWS.assign(said="0"), COLUMNS, "who-said")._repr_html_()  # the oldest went first
    assert renders.count == 4
