"""Every published report in real headless Chromium, with all network requests blocked.

Debian's `chromium` (installed by .ci/run) drives these through Playwright; Playwright's own
browser download does not work here. Without a browser the tests skip locally, but fail in CI
(where `CI` is set), so a missing browser can never pass for a green run.
"""

import csv
import json
import os
import re
import shutil
import urllib.parse
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.data import load_table
from analysis.paths import DATA_DIR, PROJECT_ROOT

from helpers import build

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["overview", "force_size", "pledges", "perspectives"]
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no chromium was found: install Debian's chromium (see .ci/run)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


class Visit:
    """One page opened offline: what it asked the network for, and what went wrong."""

    def __init__(self, browser, path):
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
        self.requests, self.errors = [], []
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.errors.append(f"failed request {request.url}"))
        self.page.goto(Path(path).as_uri())
        self.page.wait_for_load_state("load")

    def _only_local(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def wait_for_charts(self):
        self.page.wait_for_function(
            "[...document.querySelectorAll('figure.vega-chart')].every(f => f.querySelector('svg.marks'))",
            timeout=20000,
        )

    def close(self):
        self.context.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


def charts_made(out, name):
    """How many charts the executed notebook made."""
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    return sum(
        output.get("data", {}).get("text/html", "").count('class="vega-chart"')
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_is_drawn_offline_without_errors(site, browser, name):
    out, _ = site
    with Visit(browser, out / f"{name}.html") as visit:
        visit.wait_for_charts()
        marks = visit.page.eval_on_selector_all(
            "figure.vega-chart",
            "figures => figures.map(f => f.querySelectorAll('svg.marks g.mark-group path,"
            " svg.marks g.mark-symbol path, svg.marks g.mark-rect path, svg.marks g.mark-rule line').length)",
        )
        assert len(marks) == charts_made(out, name) > 0
        assert all(count > 0 for count in marks), marks
        assert visit.requests == [] and visit.errors == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_index_opens_offline(site, browser):
    out, _ = site
    with Visit(browser, out / "index.html") as visit:
        assert visit.page.locator("a[href='force_size.html']").count() == 1
        assert visit.requests == [] and visit.errors == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)


def test_hovering_a_force_size_point_shows_its_quote(site, browser):
    out, _ = site
    with Visit(browser, out / "force_size.html") as visit:
        visit.wait_for_charts()
        point = visit.page.locator("figure.vega-chart svg.marks g.mark-symbol.role-mark path").last
        point.scroll_into_view_if_needed()
        box = point.bounding_box()
        for nudge in (0, 1):  # Vega reacts to movement over the mark
            visit.page.mouse.move(box["x"] + box["width"] / 2 + nudge, box["y"] + box["height"] / 2)
        tooltip = visit.page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5000)
        text = tooltip.inner_text()
        assert "Quote" in text and "Source" in text
        assert re.search(r"[a-z]{4,} [a-z]{3,}", text.split("Quote", 1)[1])  # words of a quote follow


@pytest.mark.parametrize("name", PAGES)
def test_contents_links_land_on_their_sections(site, browser, name):
    out, _ = site
    with Visit(browser, out / f"{name}.html") as visit:
        links = visit.page.locator("nav.report-toc a")
        assert links.count() >= 2
        for index in range(links.count()):
            link = links.nth(index)
            anchor = urllib.parse.unquote(link.get_attribute("href")[1:])
            link.click()
            visit.page.wait_for_function(
                f"location.hash === {('#' + urllib.parse.quote(anchor))!r}"
                f" || decodeURIComponent(location.hash) === {('#' + anchor)!r}"
            )
            target = visit.page.locator(f"[id='{anchor}']")
            assert target.count() == 1
            box = target.bounding_box()  # in view: at the top, or as near as the page's end allows
            assert box is not None and -5 < box["y"] < 900 - box["height"], (anchor, box)
            at_end = visit.page.evaluate("window.innerHeight + window.scrollY >= document.body.scrollHeight - 2")
            assert abs(box["y"]) < 5 or at_end, (anchor, box)


@pytest.mark.parametrize("name", PAGES)
def test_csv_download_gives_the_charts_rows(site, browser, name):
    out, _ = site
    with Visit(browser, out / f"{name}.html") as visit:
        visit.wait_for_charts()
        figures = visit.page.locator("figure.vega-chart")
        for index in range(figures.count()):
            figure = figures.nth(index)
            expected = figure.evaluate(
                "f => { const s = JSON.parse(f.querySelector('script.vega-spec').textContent);"
                " return Object.values(s.datasets || {})[0].length; }"
            )
            with visit.page.expect_download() as event:
                figure.locator("a.chart-download").click()
            lines = Path(event.value.path()).read_text(encoding="utf-8").splitlines()
            assert lines[0] and len(lines) - 1 == expected


@pytest.mark.parametrize("name", [*PAGES, "index"])
def test_no_serious_accessibility_violation(site, browser, name):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = site
    with Visit(browser, out / f"{name}.html") as visit:
        if name != "index":
            visit.wait_for_charts()
        violations = Axe().run(visit.page).response["violations"]
        serious = [
            (v["id"], v["impact"], v["nodes"][0]["target"])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []


# --- text from data is text: payloads in every text field of every table ------------------

PAYLOAD = (
    "<img src=x onerror=window.__pwned=1> [click](javascript:window.__pwned=1) <script>window.__pwned=1</script> "
    "<svg/onload=window.__pwned=1> =HYPERLINK(1) *emphasis* _under_"
)
NOT_TEXT = {"source_id", "seed_file", "url", "row_id", "table", "field"}  # ids, file names, addresses, references
# Text fields that only some rows may hold, as (table, field): (column, value) of those rows.
ONLY_WHERE = {("force_size", "in_words"): ("bound", "in_words")}


def text_fields(descriptor):
    """Each table's free-text fields: strings with no allowed-values list and no id pattern."""
    fields = {}
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        keys = set(np_list(schema.get("primaryKey", []))) | {
            name for fk in schema.get("foreignKeys", []) for name in np_list(fk["fields"])
        }
        fields[resource["name"]] = [
            f["name"]
            for f in schema["fields"]
            if f.get("type", "string") == "string"
            and "enum" not in f.get("constraints", {})
            and f["name"] not in keys | NOT_TEXT
        ]
    return fields


def np_list(value):
    return value if isinstance(value, list) else [value]


def fill_with_payload(data_dir, seeds_dir):
    """Put PAYLOAD into every text field of every row (and one correction); return the fields filled."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    fields = text_fields(descriptor)
    for table, names in fields.items():
        path = data_dir / f"{table}.csv"
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        for row in rows[1:]:
            for name in names:
                column, value = ONLY_WHERE.get((table, name), (None, None))
                if column is None or row[header.index(column)] == value:
                    row[header.index(name)] = PAYLOAD
        if table == "corrections":
            row = dict.fromkeys(header, PAYLOAD)
            row.update(correction_id="payload_fix", date="2025-09-06", table="pledges", row_id="cow_ground_troops")
            row.update(field="quote", source_id="voz_macron_26_countries")
            rows.append([row[name] for name in header])
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    for seed in seeds_dir.glob("*.txt"):  # quotes of the seed texts must be found in them
        seed.write_text(seed.read_text(encoding="utf-8") + "\n" + PAYLOAD + "\n", encoding="utf-8")
    return fields


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("payload")
    data, seeds = root / "data", root / "seeds"
    shutil.copytree(DATA_DIR, data)
    shutil.copytree(PROJECT_ROOT.parent / "shared" / "seeds", seeds)
    fields = fill_with_payload(data, seeds)
    result = build(root / "reports", env={"ANALYSIS_DATA_DIR": str(data), "ANALYSIS_SEEDS_DIR": str(seeds)})
    assert result.returncode == 0, result.stderr
    return root / "reports", fields


@pytest.mark.needs_shared  # the payload site copies the seed texts
def test_every_text_field_gets_a_payload(payload_site):
    _, fields = payload_site
    assert {"quote", "note", "put_forward_by", "publisher", "title", "name", "paraphrase", "reason"} <= {
        name for names in fields.values() for name in names
    }
    assert all(fields[table] for table in ("sources", "actors", "force_size", "pledges", "events", "claims"))


@pytest.mark.needs_shared  # the payload site copies the seed texts
@pytest.mark.parametrize("name", [*PAGES, "index"])
def test_payloads_in_every_text_field_never_run(payload_site, browser, name):
    out, _ = payload_site
    with Visit(browser, out / f"{name}.html") as visit:
        dialogs = []
        visit.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        if name != "index":
            visit.wait_for_charts()
            for mark in visit.page.locator("figure.vega-chart svg.marks path").all()[:40]:  # tooltips render data
                box = mark.bounding_box()
                if box:
                    visit.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert visit.page.evaluate("window.__pwned === undefined")
        assert dialogs == []
        assert visit.page.locator("img[src=x], svg[onload], a[href^='javascript:' i]").count() == 0
        hrefs = visit.page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        assert all(
            h.startswith(("http://", "https://", "#", "data:text/csv", "index.html", "explorer.html#", "feed.xml"))
            or h.endswith((".html", ".ipynb"))
            for h in hrefs
        ), hrefs
        if name != "index":
            assert "<img src=x onerror=window.__pwned=1>" in visit.page.inner_text("body")  # shown as text
            assert visit.errors == []


@pytest.mark.needs_shared  # the payload site copies the seed texts
@pytest.mark.parametrize("name", PAGES)
def test_payload_csv_downloads_cannot_run_formulas(payload_site, browser, name):
    out, _ = payload_site
    with Visit(browser, out / f"{name}.html") as visit:
        visit.wait_for_charts()
        links = visit.page.locator("a.chart-download")
        for index in range(links.count()):
            with visit.page.expect_download() as event:
                links.nth(index).click()
            with open(event.value.path(), newline="", encoding="utf-8") as handle:
                cells = [cell for row in csv.reader(handle) for cell in row]
            risky = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r")) and not NUMBER.fullmatch(c)]
            assert risky == []


@pytest.mark.needs_shared  # the payload site copies the seed texts
def test_a_correction_shows_on_its_row_and_in_what_changed(payload_site, browser):
    out, _ = payload_site
    with Visit(browser, out / "pledges.html") as visit:
        row = visit.page.locator("#pledge-cow_ground_troops").first.locator("xpath=ancestor::tr")
        assert "Correction, 6 Sep 2025" in row.inner_text()
    with Visit(browser, out / "overview.html") as visit:
        text = visit.page.inner_text("body")
        corrections = load_table("corrections")  # the payload site holds these and one more, dated 6 Sep 2025
        latest = max(corrections["date"].max(), pd.Timestamp("2025-09-06"))
        assert f"the record lists {len(corrections) + 1} corrections; the latest, on {latest:%-d %B %Y}" in text
        assert visit.page.locator("#correction-payload_fix").count() == 1


# --- pages a reader trusts: at 1280 and 390 px, and in print ------------------------------

WIDTHS = [1280, 390]
CODE_WORDS = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")  # snake_case: a code or a row id


def visible_texts(page):
    """Every visible text node's text (pages, tables and the charts' SVG), without the hidden menus."""
    return page.evaluate(
        """() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const node = walker.currentNode, element = node.parentElement;
          if (!node.textContent.trim() || !element || element.closest("script, style, details, #vg-tooltip-element"))
            continue;
          const box = element.getBoundingClientRect(), style = getComputedStyle(element);
          if (box.width === 0 || box.height === 0 || style.visibility === "hidden" || style.opacity === "0") continue;
          out.push(node.textContent.trim());
        }
        return out;
      }"""
    )


def codes_and_ids():
    """Every code (allowed values with an underscore) and every row id of the record."""
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    found = set()
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            found |= {v for v in field.get("constraints", {}).get("enum", []) if "_" in v}
        with open(DATA_DIR / resource["path"], newline="", encoding="utf-8") as handle:
            found |= {row[0] for row in list(csv.reader(handle))[1:] if row}
    return found


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def width(request):
    return request.param


def open_at(browser, path, width):
    visit = Visit(browser, path)
    visit.page.set_viewport_size({"width": width, "height": 900})
    visit.page.reload()
    visit.page.wait_for_load_state("load")
    return visit


@pytest.mark.parametrize("name", PAGES)
def test_a_reader_sees_words_whole_text_and_sources(site, browser, width, name):
    out, _ = site
    ids = codes_and_ids()
    with open_at(browser, out / f"{name}.html", width) as visit:
        visit.wait_for_charts()
        visit.page.wait_for_timeout(300)
        texts = visible_texts(visit.page)
        assert [t for t in texts if t.endswith(("…", "..."))] == []
        shown = [word for t in texts for word in CODE_WORDS.findall(t) if word in ids]
        assert shown == [], shown
        clipped = visit.page.eval_on_selector_all(
            ".reader-table td, .reader-table th",
            "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 60))",
        )
        assert clipped == []
        unlinked = visit.page.eval_on_selector_all(
            "q.quote",
            "quotes => quotes.filter(q => !(q.closest('p.said, td') || q.parentElement)"
            ".querySelector('a[href^=\"http\"]')).map(q => q.textContent.slice(0, 60))",
        )
        assert unlinked == []
        assert name == "overview" or visit.page.locator("q.quote").count() > 0  # the overview has charts only
        overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_chart_text_is_readable_and_never_overlaps(site, browser, width, name):
    out, _ = site
    with open_at(browser, out / f"{name}.html", width) as visit:
        visit.wait_for_charts()
        visit.page.wait_for_timeout(300)
        charts = visit.page.eval_on_selector_all(
            "figure.vega-chart svg.marks",
            """svgs => svgs.map(svg => {
              const scale = svg.getBoundingClientRect().width / parseFloat(svg.getAttribute("width"));
              const texts = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()
                && getComputedStyle(t).opacity !== "0" && t.closest("[opacity='0']") === null
                && parseFloat(t.getAttribute("opacity") ?? "1") > 0);
              // What the page shows of the chart: the SVG (which clips what lies beyond it), within
              // the figure and the window.
              const figure = svg.closest("figure").getBoundingClientRect(), drawn = svg.getBoundingClientRect();
              const frame = [Math.max(figure.left, drawn.left, 0), drawn.top,
                             Math.min(figure.right, drawn.right, window.innerWidth), drawn.bottom];
              return texts.map(t => {
                const b = t.getBoundingClientRect();
                return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * scale,
                        box: [b.left, b.top, b.right, b.bottom], frame};
              });
            })""",
        )
        assert charts
        cut = [
            (t["text"], [round(edge) for edge in t["box"]], [round(edge) for edge in t["frame"]])
            for texts in charts
            for t in texts
            if t["box"][0] < t["frame"][0] - 1
            or t["box"][1] < t["frame"][1] - 1
            or t["box"][2] > t["frame"][2] + 1
            or t["box"][3] > t["frame"][3] + 1
        ]
        assert cut == []  # no text of any chart (axes, legends, titles, labels) runs off an edge that cuts it
        for texts in charts:
            small = [(t["text"], round(t["size"], 1)) for t in texts if t["size"] < 10]
            assert small == []
            overlaps = [
                (a["text"], b["text"])
                for i, a in enumerate(texts)
                for b in texts[i + 1 :]
                if min(a["box"][2], b["box"][2]) - max(a["box"][0], b["box"][0]) > 1
                and min(a["box"][3], b["box"][3]) - max(a["box"][1], b["box"][1]) > 1
            ]
            assert overlaps == []


@pytest.mark.parametrize("width", [*WIDTHS, 360, 320], ids=lambda w: f"{w}px")  # titles wrap anew at each width
@pytest.mark.parametrize("name", PAGES)
def test_the_chart_menu_covers_no_chart_text(site, browser, width, name):
    out, _ = site
    with open_at(browser, out / f"{name}.html", width) as visit:
        visit.wait_for_charts()
        visit.page.wait_for_timeout(300)
        menus = visit.page.eval_on_selector_all(
            "figure.vega-chart",
            """figures => figures.map(f => {
              const summary = f.querySelector("details > summary");
              if (!summary) return null;
              const m = summary.getBoundingClientRect();
              const covered = [...f.querySelectorAll("svg.marks text")].filter(t => {
                const b = t.getBoundingClientRect();
                return t.textContent.trim() && Math.min(b.right, m.right) - Math.max(b.left, m.left) > 0
                  && Math.min(b.bottom, m.bottom) - Math.max(b.top, m.top) > 0;
              }).map(t => t.textContent);
              return {box: [m.left, m.top, m.right, m.bottom], covered};
            })""",
        )
        assert menus and None not in menus  # every chart offers its menu
        for menu in menus:
            assert menu["covered"] == []  # no title, axis or label under the menu, however the title wraps
            left, top, right, bottom = menu["box"]
            assert right - left >= 20 and bottom - top >= 20 and 0 <= left and right <= width  # on screen, tappable


@pytest.mark.parametrize("name", PAGES)
def test_images_are_never_shrunk_on_screen_and_print_keeps_them(site, browser, width, name):
    out, _ = site
    with open_at(browser, out / f"{name}.html", width) as visit:
        visit.wait_for_charts()
        images = visit.page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => ({natural: i.naturalWidth, shown: i.getBoundingClientRect().width}))"
        )
        assert name != "force_size" or images  # the printable chart
        shown = [image for image in images if image["shown"] > 0]
        # A shrunk PNG shrinks its text: at 390 px the printable chart's text was 3 to 4 px.
        assert all(image["shown"] >= image["natural"] - 1 for image in shown), images
        if width < 700:
            assert shown == []  # a phone gets the interactive chart, and a line saying where the printable one is
            notes = visit.page.eval_on_selector_all(".static-figure-note", "ps => ps.map(p => p.offsetHeight > 0)")
            assert len(notes) == len(images) and all(notes)
        overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        visit.page.emulate_media(media="print")
        visit.page.set_viewport_size({"width": 718, "height": 1000})  # A4 less 2 cm margins, at 96 dpi
        printed = visit.page.eval_on_selector_all("img", "imgs => imgs.map(i => i.getBoundingClientRect().width)")
        assert all(0 < w <= 718 + 1 for w in printed) and len(printed) == len(images)
        assert visit.page.eval_on_selector_all(".static-figure-note", "ps => ps.filter(p => p.offsetHeight)") == []
    if name == "force_size":  # readers of the executed notebook (GitHub, JupyterLab) see the figure as a PNG
        notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
        pngs = [
            output
            for cell in notebook.cells
            for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {}) and "text/html" not in output["data"]
        ]
        assert len(pngs) == len(images)


@pytest.mark.parametrize("name", PAGES)
def test_print_keeps_every_table_column_and_drops_the_menus(site, browser, name):
    out, _ = site
    with Visit(browser, out / f"{name}.html") as visit:
        visit.wait_for_charts()
        visit.page.emulate_media(media="print")
        visit.page.set_viewport_size({"width": 718, "height": 1000})  # A4 less 2 cm margins, at 96 dpi
        columns = visit.page.eval_on_selector_all(
            ".reader-table table",
            """tables => tables.map(t => [...t.querySelectorAll("thead th")].map(th => {
              const b = th.getBoundingClientRect();
              return {width: b.width, right: b.right, shown: getComputedStyle(th).display !== "none"};
            }))""",
        )
        assert columns or name == "overview"  # the overview shows a table only once there are corrections
        assert all(columns)
        for table in columns:
            assert all(c["shown"] and c["width"] > 20 and c["right"] <= 718 + 1 for c in table), table
        menus = visit.page.eval_on_selector_all(
            "details, nav.report-toc", "els => els.filter(e => getComputedStyle(e).display !== 'none').length"
        )
        assert menus == 0
        (PROJECT_ROOT / "test-output").mkdir(exist_ok=True)
        pdf = visit.page.pdf(path=str(PROJECT_ROOT / "test-output" / f"{name}.pdf"), format="A4")
        assert pdf.startswith(b"%PDF")


def test_pages_link_to_the_index_and_to_each_other(site, browser):
    out, _ = site
    for name in PAGES:
        with Visit(browser, out / f"{name}.html") as visit:
            hrefs = set(visit.page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"))
            assert {"index.html", *(f"{other}.html" for other in PAGES)} <= hrefs
            anchors = visit.page.eval_on_selector_all("span.row-anchor", "spans => spans.map(s => s.id)")
            assert len(anchors) == len(set(anchors))
    with Visit(browser, out / "pledges.html") as visit:
        assert visit.page.locator("#pledge-cow_ground_troops").count() == 1
