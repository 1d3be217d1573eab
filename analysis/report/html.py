"""One executed notebook as one self-contained, offline HTML page (nbconvert and our template)."""

import concurrent.futures
import html
import os
import re
import time
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import TYPE_CHECKING, Any

from analysis.csvfile import read_csv
from analysis.files import write_atomic
from analysis.paths import DATA_DIR, LIBRARY_CACHE, TEMPLATES_DIR

if TYPE_CHECKING:
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

    from analysis.report.plan import Unit

_EXPORTER: "concurrent.futures.Future[HTMLExporter] | None" = None  # in a worker: a Future of its HTML exporter


def start_loading_exporter() -> None:
    """Start loading the exporter's templates in a thread (once per process), so that it is
    ready by the time the first notebook's kernel has run."""
    global _EXPORTER
    if _EXPORTER is None:
        _EXPORTER = concurrent.futures.ThreadPoolExecutor(1).submit(make_exporter)


def load_exporter_now() -> None:
    """Build the exporter in this process now, where no thread may run: the fork server does,
    before it forks the workers (see :mod:`analysis.report.worker_preload`)."""
    global _EXPORTER
    ready: concurrent.futures.Future[HTMLExporter] = concurrent.futures.Future()
    ready.set_result(make_exporter())
    _EXPORTER = ready


def make_exporter() -> "HTMLExporter":
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML exporter without its last pass, which parses the whole page again
        (BeautifulSoup) to give images a placeholder alt text and outputs a tab stop.

        That pass took a fifth of a unit's time. Here every image gets its own alt text from
        the template (``data_png``) and the tab stops are written into the page as it is made.
        """

        def from_notebook_node(  # type: ignore[override]
            self, nb: "NotebookNode", resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name"))
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _OUTPUT_AREA.sub(r'\1 tabindex="0"', page), resources

    exporter = ReportExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        optimistic_validation=True,  # check the notebook once, after all the preprocessors, not after each
    )
    exporter.from_notebook_node(nbformat.v4.new_notebook())  # compiles the templates now
    return exporter


def vega_bundle() -> str:
    """The Vega, Vega-Lite and vega-embed scripts to inline, built once per vl-convert version.

    Bundling takes about a second, so the result is kept in ``.cache/`` and read from there.
    """
    import vl_convert

    path = LIBRARY_CACHE / f"vega-bundle-{metadata.version('vl-convert-python')}.js"
    if not path.is_file():
        # vl-convert's stub makes ``snippet`` required; at run time it defaults to the snippet that sets the globals.
        write_atomic(path, vl_convert.javascript_bundle())  # type: ignore[call-arg]
    return path.read_text(encoding="utf-8")


# A cell's text or output as the lab template writes it: a tab stop lets a keyboard reach (and
# scroll) it, as nbconvert's own exporter gives it.
_OUTPUT_AREA = re.compile(r'(<div (?:id="[^"]*" )?class="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)")')


def render_html(notebook: "NotebookNode", unit: "Unit", facts: Iterable[tuple[str, str]]) -> str:
    """The executed notebook as one self-contained page, with contents and run facts."""
    assert _EXPORTER is not None, "start_loading_exporter() runs first (worker_setup)"
    body, _ = _EXPORTER.result().from_notebook_node(notebook, resources=_page_resources(notebook, unit, facts))
    return add_table_of_contents(body)


def _page_resources(notebook: "NotebookNode", unit: "Unit", facts: Iterable[tuple[str, str]]) -> dict[str, Any]:
    has_charts = any(
        "vega-chart" in output.get("data", {}).get("text/html", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
    run_facts = [
        ("As of", unit.parameters.get("as_of", "the latest data")),
        ("Parameters", reader_params(unit.parameters)),
        ("Built", build_time()),
        *facts,
    ]
    return {
        "metadata": {"name": notebook_title(notebook)},
        "run_facts": run_facts,
        "report_css": (TEMPLATES_DIR / "report" / "report.css").read_text(encoding="utf-8"),
        "vega_bundle": vega_bundle() if has_charts else "",
    }


def reader_params(parameters: Mapping[str, Any]) -> str:
    """The run's parameters as a reader knows their values: names and labels, not ids."""
    shown: dict[str, Any] = {}
    for name, value in sorted(parameters.items()):
        if name.startswith("source_") and isinstance(value, str):
            value = _row_value("sources", "source_id", value, "publisher")
        elif name == "actor" and isinstance(value, str):
            value = _row_value("actors", "actor_id", value, "name")
        elif name == "contribution" and isinstance(value, str):
            from analysis.labels import label  # here: it imports pandas, which an unchanged run need not

            value = label("contribution", value)
        shown[name.replace("_", " ")] = value
    return ", ".join(f"{name}: {value}" for name, value in shown.items()) or "defaults"


def _row_value(table: str, key: str, value: str, column: str) -> str:
    rows = read_csv(DATA_DIR / f"{table}.csv").records()
    return next((row[column] for row in rows if row[key] == value), value)


def build_time() -> str:
    """When the report was built: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else time.time()
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"')


def add_table_of_contents(page: str) -> str:
    """Fill the page's contents list from its section headings (h2), linking to their anchors."""
    entries = [(anchor, html.unescape(re.sub(r"<[^>]+>", "", text))) for anchor, text in _HEADING.findall(page)]
    items = "".join(f'<li><a href="#{anchor}">{html.escape(text)}</a></li>' for anchor, text in entries)
    nav = (
        f'<nav class="report-toc" aria-label="Contents"><h2 class="report-toc-title">Contents</h2><ol>{items}'
        "</ol></nav>"
    )
    if len(entries) < 2:  # a page of one section needs no contents
        return page
    headline = re.search(r'<section[^>]*class="headline"', page)
    if headline:  # the headline comes first; the contents follow it
        end = page.index("</section>", headline.start()) + len("</section>")
        return page[:end] + "\n" + nav + page[end:]
    return page.replace("<main>", "<main>\n" + nav, 1)


def notebook_title(notebook: Mapping[str, Any]) -> str:
    """The notebook's first Markdown heading."""
    return notebook_heading(notebook["cells"])[0]


def notebook_heading(cells: Iterable[Mapping[str, Any]]) -> tuple[str, str]:
    """The first Markdown heading of a notebook's cells, and its first paragraph as a summary."""
    for cell in cells:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("# "):
            title, _, rest = source.partition("\n")
            summary = next((part.strip() for part in rest.split("\n\n") if part.strip()), "")
            return title[2:].strip(), re.sub(r"[*`]", "", summary)  # plain text: no Markdown emphasis
    return "Report", ""
