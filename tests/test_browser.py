"""Every published report in real headless Chromium, with all network requests blocked.

Debian's `chromium` (installed by .ci/run) drives these through Playwright; Playwright's own
browser download does not work here. Without a browser the tests skip locally, but fail in CI
(where `CI` is set), so a missing browser can never pass for a green run.
"""

import os
import re
import shutil
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from analysis.paths import PROJECT_ROOT

from helpers import build, set_cell

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


def test_html_in_a_quote_is_shown_as_text_never_run(browser, data_copy, tmp_path):
    payload = '<script>window.injected = true</script><img src=x onerror="window.injected = true">'
    set_cell(data_copy, "force_size", "wsj_over_10k", "quote", "Plan:" + payload.replace(" ", "_"))
    set_cell(data_copy, "events", "paris_summit", "title", payload)
    out = tmp_path / "reports"
    result = build(out, "--only", "force_size", "overview", env={"ANALYSIS_DATA_DIR": str(data_copy)})
    assert result.returncode == 0, result.stderr
    for name in ("force_size", "overview"):
        with Visit(browser, out / f"{name}.html") as visit:
            visit.wait_for_charts()
            assert visit.page.evaluate("window.injected === undefined")
            assert visit.page.locator("img[src=x]").count() == 0
    with Visit(browser, out / "force_size.html") as page_text:
        assert "<script>window.injected_=_true</script>" in page_text.page.inner_text("body")
