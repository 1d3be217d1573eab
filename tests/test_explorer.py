"""The record explorer in real headless Chromium, offline: filters, search, shared addresses, rows.

Every check is made against the data: the rows a filter should show are computed from the
tables here, and compared with the rows the page shows.
"""

import urllib.parse

import feedparser
import pytest
from test_browser import (  # noqa: F401  (browser and payload_site are fixtures)
    CODE_WORDS,
    PAYLOAD,
    SCREENSHOTS,
    Visit,
    browser,
    codes_and_ids,
    payload_site,
    visible_texts,
)

from analysis.data import load_table
from analysis.explorer import TABLES
from analysis.links import row_anchor
from analysis.text import safe_url

from helpers import build

pytestmark = pytest.mark.slow
REPORTS = ["overview", "force_size", "pledges", "perspectives"]


def record(as_of=None):
    """Every row the explorer should hold, as {anchor: (table, row as a dict)}."""
    rows = {}
    for table in TABLES:
        frame = load_table(table, as_of=as_of)
        for row in frame.to_dict("records"):
            rows[row_anchor(table, row[frame.columns[0]])] = (table, row)
    return rows


def open_explorer(browser, path, width=1200, hash=""):  # noqa: F811
    visit = Visit(browser, f"{path}")
    visit.page.set_viewport_size({"width": width, "height": 900})
    if hash:
        visit.page.goto(path.as_uri() + hash)
        visit.page.reload()
    visit.page.wait_for_selector("body[data-explorer=ready]", timeout=20000)
    return visit


def show_all(page):
    """Every row that passes the filters on one page of the table (DataTables' 'All' length)."""
    page.select_option("select[name='explorer-table_length'], .dt-length select", "-1")


def shown_anchors(page):
    show_all(page)
    return page.eval_on_selector_all("#explorer-table tbody span.row-anchor", "spans => spans.map(s => s.id)")


def address(page):
    return urllib.parse.unquote(page.evaluate("location.hash"))


def test_the_explorer_holds_every_row_offline(site, browser):  # noqa: F811
    out, _ = site
    with open_explorer(browser, out / "explorer.html") as visit:
        assert sorted(shown_anchors(visit.page)) == sorted(record())
        assert visit.requests == [] and visit.errors == []
        visit_text = visit.page.inner_text("main")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SCREENSHOTS / "explorer.png"))
    assert (out / "explorer.html").stat().st_size < 3_000_000
    counts = {table: len(load_table(table)) for table in TABLES}
    said = f"On the latest data, the record holds {sum(counts.values())} rows"
    assert said in (out / "explorer.html").read_text(encoding="utf-8")
    assert f"{counts['force_size']} force-size figures, {counts['pledges']} pledge statements" in visit_text
    assert 'href="explorer.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_filtering_by_an_actor_shows_exactly_that_actors_rows(site, browser):  # noqa: F811
    out, _ = site
    german = {anchor for anchor, (_, row) in record().items() if row.get("actor_id") == "DEU"}
    assert german
    with open_explorer(browser, out / "explorer.html") as visit:
        visit.page.select_option("select[name='actor']", "DEU")
        assert sorted(shown_anchors(visit.page)) == sorted(german)
        assert address(visit.page) == "#actor=DEU"


def test_a_search_finds_a_quote_by_a_word_inside_it(site, browser):  # noqa: F811
    out, _ = site
    rows = record()
    anchor, (_, row) = next((a, r) for a, r in rows.items() if a.startswith("pledge-"))
    word = max(row["quote"].split(), key=len).strip(".,;:'\"“”()")
    with open_explorer(browser, out / "explorer.html") as visit:
        visit.page.locator(".dt-search input").press_sequentially(word, delay=20)
        visit.page.wait_for_function(f"decodeURIComponent(location.hash) === {('#q=' + word)!r}")
        found = shown_anchors(visit.page)
        assert anchor in found
        texts = visit.page.eval_on_selector_all("#explorer-table tbody tr", "rows => rows.map(r => r.innerText)")
        assert texts and all(word.lower() in text.lower() for text in texts)


def test_a_shared_address_restores_the_filter(site, browser):  # noqa: F811
    out, _ = site
    expected = {
        anchor
        for anchor, (table, row) in record().items()
        if table == "pledges" and row["status"] == "declined" and row["contribution"] == "ground_troops"
    }
    assert expected
    shared = "#contribution=ground_troops&status=declined"
    with open_explorer(browser, out / "explorer.html", hash=shared) as visit:
        assert visit.page.input_value("select[name='status']") == "declined"
        assert visit.page.input_value("select[name='contribution']") == "ground_troops"
        assert sorted(shown_anchors(visit.page)) == sorted(expected)


def test_a_date_range_keeps_the_rows_dated_inside_it(site, browser):  # noqa: F811
    out, _ = site
    with open_explorer(browser, out / "explorer.html", hash="#from=2026-01-01&to=2026-01-31") as visit:
        found = shown_anchors(visit.page)
    dates = {anchor: row.get("date") for anchor, (table, row) in record().items() if table != "claims"}
    inside = {a for a, d in dates.items() if d is not None and "2026-01-01" <= f"{d:%Y-%m-%d}" <= "2026-01-31"}
    assert inside and inside <= set(found)
    assert all(anchor.startswith("claim-") or anchor in inside for anchor in found)  # claims: dated by source


def test_every_rows_source_link_and_anchor_work(site, browser):  # noqa: F811
    out, _ = site
    rows = record()
    sources = load_table("sources").set_index("source_id")
    with open_explorer(browser, out / "explorer.html") as visit:
        page = visit.page
        show_all(page)
        links = page.eval_on_selector_all(
            "#explorer-table tbody tr",
            """rows => rows.map(r => [r.querySelector('span.row-anchor').id,
                 [...r.querySelectorAll('a[href^="http"]')].map(a => a.getAttribute('href'))])""",
        )
        assert len(links) == len(rows)
        for anchor, hrefs in links:
            source_id = rows[anchor][1].get("source_id")
            url = safe_url(sources["url"].get(source_id)) if isinstance(source_id, str) else None
            assert url is None or url in hrefs, anchor
        page.locator("#explorer-table tbody a.row-link").first.click()
        assert len(shown_anchors(page)) == 1
        for anchor in rows:  # each row's own address shows that row, and only it
            page.evaluate(f"location.hash = {('#row=' + anchor)!r}")
            page.wait_for_function(
                f"document.querySelectorAll('#explorer-table tbody tr').length === 1"
                f" && document.getElementById({anchor!r}) !== null"
            )
        page.evaluate("location.hash = '#figure-' + 'no_such_row'")
        page.wait_for_function("document.querySelector('#explorer-table tbody td.dt-empty') !== null")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reader_sees_words_not_codes_and_no_serious_accessibility_violation(site, browser, width):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    out, _ = site
    ids = codes_and_ids()
    with open_explorer(browser, out / "explorer.html", width=width) as visit:
        show_all(visit.page)
        texts = visible_texts(visit.page)
        assert [word for text in texts for word in CODE_WORDS.findall(text) if word in ids] == []
        assert [text for text in texts if text.endswith(("…", "..."))] == []
        violations = Axe().run(visit.page).response["violations"]
        serious = [(v["id"], v["nodes"][0]["target"]) for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == []


def test_usable_at_390_px(site, browser):  # noqa: F811
    out, _ = site
    with open_explorer(browser, out / "explorer.html", width=390) as visit:
        page = visit.page
        page.select_option("select[name='actor']", "USA")
        shown_anchors(page)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        boxes = page.eval_on_selector_all(
            "#explorer-table tbody td, .explorer-filters select", "els => els.map(e => e.getBoundingClientRect().right)"
        )
        assert boxes and max(boxes) <= 390
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "explorer-390.png"))


def test_each_report_row_links_to_that_row_in_the_explorer(site, browser):  # noqa: F811
    out, _ = site
    hrefs = set()
    for name in REPORTS:
        with Visit(browser, out / f"{name}.html") as visit:
            found = visit.page.eval_on_selector_all("a.explore-link", "links => links.map(a => a.getAttribute('href'))")
            assert name == "overview" or found, name
            hrefs |= set(found)
    assert all(href.startswith("explorer.html#") for href in hrefs)
    with open_explorer(browser, out / "explorer.html") as visit:
        for href in sorted(hrefs):
            visit.page.evaluate(f"location.hash = {href.split('#', 1)[1]!r}")
            visit.page.wait_for_timeout(30)
            anchors = shown_anchors(visit.page)
            assert anchors, href
            if "#row=" in href:
                assert anchors == [urllib.parse.unquote(href.split("#row=", 1)[1])]


def test_a_snapshot_explorer_shows_the_record_as_it_stood(tmp_path, browser):  # noqa: F811
    out = tmp_path / "reports"
    result = build(out, "--as-of", "2025-02-15", "--only", "explorer")
    assert result.returncode == 0, result.stderr
    with open_explorer(browser, out / "explorer.html") as visit:
        assert sorted(shown_anchors(visit.page)) == sorted(record(as_of="2025-02-15"))


def test_the_site_publishes_a_feed_linked_from_the_index(site):
    out, _ = site
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.entries
    assert all(entry.link.startswith("explorer.html") for entry in feed.entries)
    assert 'href="feed.xml"' in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.needs_shared  # the payload site copies the seed texts
def test_payloads_in_every_text_field_never_run_in_the_explorer(payload_site, browser):  # noqa: F811
    out, _ = payload_site
    with open_explorer(browser, out / "explorer.html") as visit:
        dialogs = []
        visit.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        show_all(visit.page)
        visit.page.select_option("select[name='source']", index=1)  # options are named from the data too
        assert visit.page.evaluate("window.__pwned === undefined") and dialogs == []
        assert visit.page.locator("img[src=x], svg[onload], a[href^='javascript:' i]").count() == 0
        assert PAYLOAD.split(" [", 1)[0] in visit.page.inner_text("body")  # shown as text
        assert visit.errors == []


def test_a_long_table_is_grouped_by_actor_and_each_cell_names_its_column():
    import re

    from analysis.labels import actor_name
    from analysis.tables import pledges_table
    from analysis.transforms import with_sources

    pledges, actors = load_table("pledges"), load_table("actors")
    page = pledges_table(with_sources(pledges, load_table("sources")), actors)._repr_html_()
    groups = re.findall(r'class="gt_group_heading"[^>]*>(.*?)</th>', page)
    assert groups == list(dict.fromkeys(actor_name(actors, a) for a in pledges["actor_id"]))
    labels = re.findall(r'<td headers="[^"]+" data-label="([^"]*)"', page)
    assert len(labels) == 6 * len(pledges) and "" not in labels
    assert page.count('class="explore-link"') == len(pledges)


def test_a_publish_after_a_correction_adds_exactly_its_feed_entry(site, tmp_path, data_copy):
    import shutil

    from test_feed import add_row

    from helpers import set_cell

    out = tmp_path / "reports"
    shutil.copytree(site[0], out)
    before = feedparser.parse((out / "feed.xml").read_bytes())
    set_cell(data_copy, "pledges", "deu_conditional", "status", "declined")
    fix = {"correction_id": "c20260102_001", "date": "2026-01-02", "table": "pledges", "row_id": "deu_conditional"}
    fix |= {"field": "status", "old_value": "undecided", "new_value": "declined", "reason": "A test correction."}
    add_row(data_copy, "corrections", fix)
    env = {"ANALYSIS_DATA_DIR": str(data_copy)}
    result = build(out, env=env)
    assert result.returncode == 0, result.stderr
    after = feedparser.parse((out / "feed.xml").read_bytes())
    known = {entry.id for entry in before.entries}
    added = [(e.tags[0].term, e.link) for e in after.entries if e.id not in known]
    assert added == [("corrected", "explorer.html#row=pledge-deu_conditional")]
    assert after.entries[0].title.startswith("Corrected: status of Germany's statement on ground troops")
    xml = (out / "feed.xml").read_bytes()
    again = build(out, env=env)  # nothing changed since: no entry, no file touched
    assert again.returncode == 0 and "reports unchanged" in again.stdout
    assert (out / "feed.xml").read_bytes() == xml
